/**
 * What a consumer hands to the application from a fetch: data records only (transaction
 * markers occupy offsets but are never returned) and, under read_committed, none of the
 * records of aborted transactions. The broker says which transactions were aborted in the
 * fetched range (first offset per producer); as in Kafka's consumer, a producer's batches
 * are skipped from that first offset until its ABORT marker.
 */
import { batchesIn, decodeControlRecord, decodeRecords, isControl, isTransactional, type LogRecord } from "../log/record-batch";

export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
}

export interface VisibleRecord extends LogRecord {
  /** Base offset of the batch the record came from (for inspectors). */
  batchBaseOffset: number;
  producerId: number;
  baseSequence: number;
}

/** Decode `bytes`, dropping markers, records below `fromOffset` and, when given, aborted records. */
export function visibleRecords(bytes: Uint8Array, fromOffset: number, aborted?: readonly AbortedTransaction[]): VisibleRecord[] {
  const pending = aborted ? [...aborted].sort((a, b) => a.firstOffset - b.firstOffset) : [];
  const abortedProducers = new Set<number>();
  const out: VisibleRecord[] = [];
  for (const { pos, header } of batchesIn(bytes)) {
    while (pending.length > 0 && pending[0]!.firstOffset <= header.baseOffset + header.lastOffsetDelta) {
      abortedProducers.add(pending.shift()!.producerId);
    }
    if (isControl(header)) {
      const marker = decodeRecords(bytes, pos)[0];
      if (marker && decodeControlRecord(marker).type === "ABORT") abortedProducers.delete(header.producerId);
      continue;
    }
    if (aborted && isTransactional(header) && abortedProducers.has(header.producerId)) continue;
    for (const r of decodeRecords(bytes, pos)) {
      if (r.offset < fromOffset) continue;
      out.push({ ...r, batchBaseOffset: header.baseOffset, producerId: header.producerId, baseSequence: header.baseSequence });
    }
  }
  return out;
}
