/**
 * The broker's memory of idempotent and transactional producers for one partition
 * (KIP-98; Kafka's `ProducerStateManager`, `ProducerStateEntry`, `ProducerAppendInfo`).
 *
 * Per producer id it keeps the epoch and the sequence/offset ranges of the last 5 batches.
 * That is enough to recognise a retried batch (answer with the offsets it already got
 * instead of appending it twice), to refuse a gap or reordering in the sequence, and to
 * fence an older epoch. It also tracks the first offset of each producer's open
 * transaction, which bounds the last stable offset that read_committed consumers see.
 *
 * The state is derived from the log: after recovery it is rebuilt by replaying batch
 * headers (`rebuildFrom`). A single broker's high watermark is its log end, so a
 * transaction is stable as soon as its marker is appended (Kafka also waits for the marker
 * to be replicated).
 */
import { KafkaError } from "../protocol/errors";
import { isControl, isTransactional, type BatchHeader, type ControlType } from "../log/record-batch";

export const NUM_BATCHES_TO_RETAIN = 5;
export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
/** Broker default of producer.id.expiration.ms (1 day). */
export const DEFAULT_PRODUCER_ID_EXPIRATION_MS = 86_400_000;

const INT32_MAX = 2147483647;

export interface BatchMetadata {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
  /** The batch's max timestamp. */
  timestamp: number;
}

export interface ProducerEntry {
  producerId: number;
  producerEpoch: number;
  coordinatorEpoch: number;
  lastTimestamp: number;
  /** Oldest first, at most NUM_BATCHES_TO_RETAIN, all of the current epoch. */
  batches: BatchMetadata[];
  /** First offset of the producer's open transaction in this partition. */
  currentTxnFirstOffset: number | undefined;
}

export type AppendCheck = "append" | { duplicate: { firstOffset: number; lastOffset: number } };

/** A transaction closed by a marker: what the aborted-transaction index (.txnindex) records. */
export interface CompletedTxn {
  producerId: number;
  firstOffset: number;
  /** Offset of the marker. */
  lastOffset: number;
  isAborted: boolean;
  /** The last stable offset once this transaction is complete. */
  lastStableOffset: number;
}

export interface ControlBatchInfo {
  /** Epoch in the marker's batch header; an older one than the producer's is refused. */
  producerEpoch?: number;
  coordinatorEpoch?: number;
  timestamp?: number;
}

/** One batch of the log as recovery reads it. */
export interface LoggedBatch {
  header: BatchHeader;
  firstOffset: number;
  /** For control batches: the marker's type (from decodeControlRecord). */
  controlType?: ControlType;
}

/** Sequence `n` steps after `seq`, wrapping from Int32.MAX to 0 as Kafka's sequences do. */
export function incrementSequence(seq: number, n: number): number {
  return seq > INT32_MAX - n ? n - (INT32_MAX - seq) - 1 : seq + n;
}

function lastSequenceOf(h: BatchHeader): number {
  return incrementSequence(h.baseSequence, h.lastOffsetDelta);
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}

function copyEntry(e: ProducerEntry): ProducerEntry {
  return { ...e, batches: e.batches.map((b) => ({ ...b })) };
}

export class ProducerStateManager {
  private readonly producers = new Map<number, ProducerEntry>();
  /** producerId → first offset of its open transaction. */
  private readonly ongoing = new Map<number, number>();
  private readonly partitionName: string;

  constructor(topic: string, partition: number) {
    this.partitionName = `${topic}-${partition}`;
  }

  /**
   * Validates a producer's batch before it is appended (origin: a client). Returns
   * "append", or the offsets the same batch already got when it is a retry. Throws
   * INVALID_PRODUCER_EPOCH, OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_TXN_STATE or INVALID_RECORD.
   */
  check(header: BatchHeader): AppendCheck {
    if (header.producerId < 0) return "append";
    if (!isControl(header) && header.baseSequence < 0) {
      throw new KafkaError(
        "INVALID_RECORD",
        `invalid sequence number ${header.baseSequence} in a batch of producer ${header.producerId} for ${this.partitionName}`,
      );
    }
    const entry = this.producers.get(header.producerId);
    // No state (new producer, or its state expired): any sequence is accepted.
    if (entry === undefined) return "append";

    this.checkEpoch(header.producerId, header.producerEpoch, entry);
    if (isControl(header)) return "append";

    const lastSeq = lastSequenceOf(header);
    if (header.producerEpoch === entry.producerEpoch) {
      const dup = entry.batches.find((b) => b.firstSeq === header.baseSequence && b.lastSeq === lastSeq);
      if (dup !== undefined) return { duplicate: { firstOffset: dup.firstOffset, lastOffset: dup.lastOffset } };
    }

    if (header.producerEpoch !== entry.producerEpoch) {
      if (header.baseSequence !== 0 && entry.producerEpoch !== NO_PRODUCER_EPOCH) {
        throw new KafkaError(
          "OUT_OF_ORDER_SEQUENCE_NUMBER",
          `producer ${header.producerId} on ${this.partitionName}: the first batch of its new epoch ${header.producerEpoch} ` +
            `(current epoch ${entry.producerEpoch}) must start at sequence 0, got ${header.baseSequence}`,
        );
      }
    } else if (entry.producerEpoch !== NO_PRODUCER_EPOCH) {
      const currentLast = entry.batches.at(-1)?.lastSeq ?? NO_SEQUENCE;
      if (!inSequence(currentLast, header.baseSequence)) {
        const expected = currentLast === INT32_MAX ? 0 : currentLast + 1;
        throw new KafkaError(
          "OUT_OF_ORDER_SEQUENCE_NUMBER",
          `producer ${header.producerId} (epoch ${header.producerEpoch}) on ${this.partitionName}: expected sequence ` +
            `${expected}, got ${header.baseSequence}`,
        );
      }
    }

    if (entry.currentTxnFirstOffset !== undefined && !isTransactional(header)) {
      throw new KafkaError(
        "INVALID_TXN_STATE",
        `producer ${header.producerId} on ${this.partitionName}: expected a transactional write, its transaction ` +
          `opened at offset ${entry.currentTxnFirstOffset} is still open`,
      );
    }
    return "append";
  }

  /** Records a data batch appended at `firstOffset` (after `check` said "append"). */
  update(header: BatchHeader, firstOffset: number): void {
    if (header.producerId < 0) return;
    if (isControl(header)) {
      throw new KafkaError(
        "ILLEGAL_STATE",
        `control batch of producer ${header.producerId} at offset ${firstOffset} on ${this.partitionName}: use onControlBatch`,
      );
    }
    const entry = this.entryFor(header.producerId);
    this.setEpoch(entry, header.producerEpoch);
    entry.batches.push({
      firstSeq: header.baseSequence,
      lastSeq: lastSequenceOf(header),
      firstOffset,
      lastOffset: firstOffset + header.lastOffsetDelta,
      timestamp: header.maxTimestamp,
    });
    if (entry.batches.length > NUM_BATCHES_TO_RETAIN) entry.batches.shift();
    entry.lastTimestamp = header.maxTimestamp;
    if (isTransactional(header) && entry.currentTxnFirstOffset === undefined) {
      entry.currentTxnFirstOffset = firstOffset;
      this.ongoing.set(header.producerId, firstOffset);
    }
  }

  /**
   * A COMMIT or ABORT marker appended at `offset` for `producerId`. Returns the completed
   * transaction, or undefined when the producer had written nothing in it to this partition.
   */
  onControlBatch(type: ControlType, producerId: number, offset: number, info: ControlBatchInfo = {}): CompletedTxn | undefined {
    const entry = this.entryFor(producerId);
    if (info.producerEpoch !== undefined) this.checkEpoch(producerId, info.producerEpoch, entry);
    return this.applyMarker(type, entry, offset, info);
  }

  /** The lowest first offset of an open transaction: the last stable offset is at most this. */
  firstUnstableOffset(): number | undefined {
    let min: number | undefined;
    for (const first of this.ongoing.values()) if (min === undefined || first < min) min = first;
    return min;
  }

  /** Open transactions, by first offset. */
  ongoingTransactions(): { producerId: number; firstOffset: number }[] {
    return [...this.ongoing]
      .map(([producerId, firstOffset]) => ({ producerId, firstOffset }))
      .sort((a, b) => a.firstOffset - b.firstOffset);
  }

  lastEntry(producerId: number): Readonly<ProducerEntry> | undefined {
    const e = this.producers.get(producerId);
    return e === undefined ? undefined : copyEntry(e);
  }

  get producerCount(): number {
    return this.producers.size;
  }

  /**
   * Forgets producers idle for `expirationMs` (by their last batch timestamp) and without
   * an open transaction; they may then start at any sequence again.
   */
  removeExpiredProducers(nowMs: number, expirationMs = DEFAULT_PRODUCER_ID_EXPIRATION_MS): number[] {
    const removed: number[] = [];
    for (const [id, e] of this.producers) {
      if (e.currentTxnFirstOffset === undefined && nowMs - e.lastTimestamp >= expirationMs) {
        this.producers.delete(id);
        removed.push(id);
      }
    }
    return removed;
  }

  /**
   * Replaces the state with what replaying `batches` (in offset order) produces, as on
   * recovery. No validation: the log is what it is. Returns the transactions completed
   * along the way, for rebuilding the aborted-transaction index.
   */
  rebuildFrom(batches: Iterable<LoggedBatch>): CompletedTxn[] {
    this.producers.clear();
    this.ongoing.clear();
    const completed: CompletedTxn[] = [];
    for (const { header, firstOffset, controlType } of batches) {
      if (header.producerId < 0) continue;
      if (!isControl(header)) {
        this.update(header, firstOffset);
        continue;
      }
      // A cleaned-out marker leaves an empty control batch: nothing to apply.
      if (header.recordsCount === 0) continue;
      if (controlType === undefined) {
        throw new KafkaError(
          "ILLEGAL_STATE",
          `control batch at offset ${firstOffset} on ${this.partitionName} replayed without its marker type`,
        );
      }
      const txn = this.applyMarker(controlType, this.entryFor(header.producerId), firstOffset, {
        producerEpoch: header.producerEpoch,
        timestamp: header.maxTimestamp,
      });
      if (txn !== undefined) completed.push(txn);
    }
    return completed;
  }

  /** A copy of every producer's state, for a snapshot file. */
  snapshot(): ProducerEntry[] {
    return [...this.producers.values()].map(copyEntry);
  }

  /** Replaces the state with a snapshot's. */
  loadSnapshot(entries: readonly ProducerEntry[]): void {
    this.producers.clear();
    this.ongoing.clear();
    for (const e of entries) {
      const copy = copyEntry(e);
      this.producers.set(copy.producerId, copy);
      if (copy.currentTxnFirstOffset !== undefined) this.ongoing.set(copy.producerId, copy.currentTxnFirstOffset);
    }
  }

  private entryFor(producerId: number): ProducerEntry {
    let e = this.producers.get(producerId);
    if (e === undefined) {
      e = {
        producerId,
        producerEpoch: NO_PRODUCER_EPOCH,
        coordinatorEpoch: -1,
        lastTimestamp: -1,
        batches: [],
        currentTxnFirstOffset: undefined,
      };
      this.producers.set(producerId, e);
    }
    return e;
  }

  private checkEpoch(producerId: number, epoch: number, entry: ProducerEntry): void {
    if (epoch < entry.producerEpoch) {
      throw new KafkaError(
        "INVALID_PRODUCER_EPOCH",
        `producer ${producerId} on ${this.partitionName}: epoch ${epoch} is older than the current epoch ` +
          `${entry.producerEpoch} (a newer instance fenced it)`,
      );
    }
  }

  /** A new epoch starts a new sequence space: the old batches can no longer be duplicates. */
  private setEpoch(entry: ProducerEntry, epoch: number): void {
    if (entry.producerEpoch !== epoch) {
      entry.producerEpoch = epoch;
      entry.batches = [];
    }
  }

  private applyMarker(type: ControlType, entry: ProducerEntry, offset: number, info: ControlBatchInfo): CompletedTxn | undefined {
    let completed: CompletedTxn | undefined;
    const first = entry.currentTxnFirstOffset;
    if (first !== undefined) {
      // Kafka's lastStableOffset(completedTxn): the next open transaction of another producer, else past the marker.
      let nextOpen: number | undefined;
      for (const [id, f] of this.ongoing) {
        if (id !== entry.producerId && (nextOpen === undefined || f < nextOpen)) nextOpen = f;
      }
      completed = {
        producerId: entry.producerId,
        firstOffset: first,
        lastOffset: offset,
        isAborted: type === "ABORT",
        lastStableOffset: nextOpen ?? offset + 1,
      };
    }
    if (info.producerEpoch !== undefined) this.setEpoch(entry, info.producerEpoch);
    if (info.coordinatorEpoch !== undefined) entry.coordinatorEpoch = info.coordinatorEpoch;
    if (info.timestamp !== undefined) entry.lastTimestamp = info.timestamp;
    entry.currentTxnFirstOffset = undefined;
    this.ongoing.delete(entry.producerId);
    return completed;
  }
}
