import type { ConsumerRecord } from "../groups/consumer-session";
import type { TopicPartition } from "../groups/topic-partition";

/** One partition's records from one poll, with the partition's epoch when they were fetched. */
export interface PartitionBatch {
  readonly tp: TopicPartition;
  readonly key: string;
  readonly records: ConsumerRecord[];
  readonly epoch: number;
}

/**
 * Per-partition epochs, bumped on seek, assignment and revocation: a batch fetched before the
 * bump is stale, so the rest of it is neither delivered nor resolved, and a rewind for it is
 * dropped (the seek or the new owner decides where the partition goes on).
 */
export class PartitionEpochs {
  private readonly epochs = new Map<string, number>();

  bump(key: string): void {
    this.epochs.set(key, this.epoch(key) + 1);
  }

  isStale(b: PartitionBatch): boolean {
    return this.epoch(b.key) !== b.epoch;
  }

  /** A poll's records as one batch per partition, in the order the poll returned the partitions. */
  batches(records: readonly ConsumerRecord[]): PartitionBatch[] {
    const byKey = new Map<string, PartitionBatch>();
    // A poll returns each partition's records together: name the partition once per run of them.
    let batch: PartitionBatch | undefined;
    for (const r of records) {
      if (batch === undefined || batch.tp.partition !== r.partition || batch.tp.topic !== r.topic) {
        const key = `${r.topic}-${r.partition}`;
        batch = byKey.get(key);
        if (!batch) byKey.set(key, (batch = { tp: { topic: r.topic, partition: r.partition }, key, records: [], epoch: this.epoch(key) }));
      }
      batch.records.push(r);
    }
    return [...byKey.values()];
  }

  private epoch(key: string): number {
    return this.epochs.get(key) ?? 0;
  }
}
