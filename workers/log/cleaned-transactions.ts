/**
 * Transaction bookkeeping while the cleaner walks a log front to back (Kafka's
 * `CleanedTransactionMetadata`). It decides two things:
 *  - a data batch of an aborted transaction is discarded whatever its keys;
 *  - a transaction marker may go only once no batch of its transaction is left: an ABORT
 *    marker when this walk met none of the aborted batches, a COMMIT marker when this walk
 *    met no batch of the committed transaction. Even then the marker first gets a delete
 *    horizon and survives until a later pass runs after it (the tombstone rule).
 */
import { batchesIn, decodeControlRecord, decodeRecords, isControl, isTransactional, lastOffset, type BatchHeader } from "./record-batch";

/** An aborted transaction as Kafka's transaction index records it. */
export interface AbortedTxn {
  producerId: number;
  /** Offset of the transaction's first data batch in this partition. */
  firstOffset: number;
  /** Offset of its ABORT marker. */
  lastOffset: number;
}

export class CleanedTransactions {
  private readonly pending: AbortedTxn[];
  private next = 0;
  private readonly ongoingCommitted = new Set<number>();
  /** producerId → whether a batch of its ongoing aborted transaction was seen in this walk. */
  private readonly ongoingAborted = new Map<number, { sawBatch: boolean }>();

  constructor(aborted: readonly AbortedTxn[]) {
    this.pending = [...aborted].sort((a, b) => a.firstOffset - b.firstOffset);
  }

  private consumeAbortedUpTo(offset: number): void {
    while (this.next < this.pending.length && this.pending[this.next]!.firstOffset <= offset) {
      const txn = this.pending[this.next++]!;
      if (!this.ongoingAborted.has(txn.producerId)) this.ongoingAborted.set(txn.producerId, { sawBatch: false });
    }
  }

  /** A data batch was read; true when it belongs to an aborted transaction and may be discarded. */
  onBatchRead(header: BatchHeader): boolean {
    this.consumeAbortedUpTo(lastOffset(header));
    if (!isTransactional(header)) return false;
    const aborted = this.ongoingAborted.get(header.producerId);
    if (aborted) {
      aborted.sawBatch = true;
      return true;
    }
    this.ongoingCommitted.add(header.producerId);
    return false;
  }

  /** A control batch was read; true when no batch of its transaction remains, so the marker may go. */
  onControlBatchRead(buf: Uint8Array, pos: number, header: BatchHeader): boolean {
    this.consumeAbortedUpTo(lastOffset(header));
    const records = decodeRecords(buf, pos);
    const first = records[0];
    // An empty control batch is what a previous pass left of a marker: nothing to protect.
    if (!first) return true;
    const { type } = decodeControlRecord(first);
    if (type === "ABORT") {
      const aborted = this.ongoingAborted.get(header.producerId);
      this.ongoingAborted.delete(header.producerId);
      return !(aborted && aborted.sawBatch);
    }
    if (type === "COMMIT") return !this.ongoingCommitted.delete(header.producerId);
    return false;
  }
}

/**
 * The aborted transactions visible in `logs` (consecutive segment bytes in offset order):
 * for each ABORT marker, the first transactional data batch of that producer since its
 * previous marker. A transaction whose marker lies beyond these bytes is not listed, which
 * leaves its batches in place for now: the cleaner then keeps data it could have dropped,
 * never the reverse.
 */
export function abortedTransactionsIn(logs: Iterable<Uint8Array>): AbortedTxn[] {
  const open = new Map<number, number>();
  const found: AbortedTxn[] = [];
  for (const buf of logs) {
    for (const { pos, header } of batchesIn(buf)) {
      if (!isTransactional(header)) continue;
      if (isControl(header)) {
        const first = header.recordsCount > 0 ? decodeRecords(buf, pos)[0] : undefined;
        const firstOffset = open.get(header.producerId);
        open.delete(header.producerId);
        if (first && firstOffset !== undefined && decodeControlRecord(first).type === "ABORT") {
          found.push({ producerId: header.producerId, firstOffset, lastOffset: header.baseOffset });
        }
      } else if (!open.has(header.producerId)) {
        open.set(header.producerId, header.baseOffset);
      }
    }
  }
  return found;
}
