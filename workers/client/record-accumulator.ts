/**
 * The producer's per-partition batches (Kafka's RecordAccumulator): records for the same
 * partition are gathered into one batch until it would exceed `batch.size`, then the batch
 * is closed. A record larger than batch.size still gets a batch of its own.
 */
import { sizeOfVarint } from "../log/varint";
import type { RecordInput } from "../log/record-batch";
import { BATCH_HEADER_SIZE } from "../log/record-batch";

export interface OpenBatch {
  topic: string;
  partition: number;
  records: RecordInput[];
  /** Encoded size estimate, header included. */
  sizeInBytes: number;
  /** Clock time the batch was opened (linger.ms counts from here). */
  createdAt: number;
  /** One settle pair per record, resolved with its offset when the batch is acknowledged. */
  waiters: Array<{ resolve: (offset: number) => void; reject: (e: unknown) => void }>;
}

/** Bytes a record takes inside a v2 batch (exact but for the timestamp and offset deltas, bounded here). */
export function estimateRecordSize(r: RecordInput): number {
  let size = 1 + 10 + 5; // attributes, timestamp delta (≤ 10), offset delta (≤ 5)
  size += r.key ? sizeOfVarint(r.key.length) + r.key.length : 1;
  size += r.value ? sizeOfVarint(r.value.length) + r.value.length : 1;
  const headers = r.headers ?? [];
  size += sizeOfVarint(headers.length);
  for (const h of headers) size += 5 + h.key.length * 3 + (h.value ? 5 + h.value.length : 1);
  return size + sizeOfVarint(size);
}

export class RecordAccumulator {
  private readonly open = new Map<string, OpenBatch>();
  /** The map key of the last partition appended to: runs of one partition skip building it. */
  private lastTopic: string | undefined;
  private lastPartition = -1;
  private lastKey = "";

  constructor(private readonly batchSize: number) {}

  /**
   * Add a record; returns the batch it closed to make room (ready to send), if any, and
   * whether the batch now holding the record is full.
   */
  append(
    topic: string,
    partition: number,
    record: RecordInput,
    now: number,
    waiter: OpenBatch["waiters"][number],
    size: number = estimateRecordSize(record),
  ): { closed?: OpenBatch; full: boolean; opened: boolean } {
    if (topic !== this.lastTopic || partition !== this.lastPartition) {
      this.lastTopic = topic;
      this.lastPartition = partition;
      this.lastKey = `${topic}\u0000${partition}`;
    }
    const key = this.lastKey;
    let closed: OpenBatch | undefined;
    let batch = this.open.get(key);
    if (batch && batch.records.length > 0 && batch.sizeInBytes + size > this.batchSize) {
      closed = batch;
      this.open.delete(key);
      batch = undefined;
    }
    const opened = batch === undefined;
    if (!batch) {
      batch = { topic, partition, records: [], sizeInBytes: BATCH_HEADER_SIZE, createdAt: now, waiters: [] };
      this.open.set(key, batch);
    }
    batch.records.push(record);
    batch.waiters.push(waiter);
    batch.sizeInBytes += size;
    return { closed, full: batch.sizeInBytes >= this.batchSize, opened };
  }

  /** Close and return the batches that are full or have lingered long enough (all with `force`). */
  drain(now: number, lingerMs: number, force: boolean): OpenBatch[] {
    const ready: OpenBatch[] = [];
    for (const [key, batch] of this.open) {
      if (force || batch.sizeInBytes >= this.batchSize || now - batch.createdAt >= lingerMs) {
        ready.push(batch);
        this.open.delete(key);
      }
    }
    return ready;
  }

  get isEmpty(): boolean {
    return this.open.size === 0;
  }
}
