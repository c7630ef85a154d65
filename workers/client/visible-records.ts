/**
 * What a consumer hands to the application from a fetch: data records only (transaction
 * markers occupy offsets but are never returned) and, under read_committed, none of the
 * records of aborted transactions. The broker says which transactions were aborted in the
 * fetched range (first offset per producer); as in Kafka's consumer, a producer's batches
 * are skipped from that first offset until its ABORT marker.
 */
import { batchesIn, decodeControlRecord, decodeRecords, isControl, isTransactional, type BatchHeader, type LogRecord } from "../log/record-batch";

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
  // Built field by field: an object spread per record costs more than decoding it.
  return mapVisibleRecords(bytes, fromOffset, aborted, (r, header) => ({
    offset: r.offset,
    timestamp: r.timestamp,
    key: r.key,
    value: r.value,
    headers: r.headers,
    batchBaseOffset: header.baseOffset,
    producerId: header.producerId,
    baseSequence: header.baseSequence,
  }));
}

/**
 * The same records, each made into what the caller hands on by `make` (a consumer's record
 * with its topic and partition, say), with no object in between.
 */
export function mapVisibleRecords<T>(
  bytes: Uint8Array,
  fromOffset: number,
  aborted: readonly AbortedTransaction[] | undefined,
  make: (record: LogRecord, header: BatchHeader) => T,
): T[] {
  const pending = aborted ? [...aborted].sort((a, b) => a.firstOffset - b.firstOffset) : [];
  const abortedProducers = new Set<number>();
  const out: T[] = [];
  for (const { pos, header } of batchesIn(bytes)) {
    while (pending.length > 0 && pending[0]!.firstOffset <= header.baseOffset + header.lastOffsetDelta) {
      abortedProducers.add(pending.shift()!.producerId);
    }
    if (isControl(header)) {
      const marker = decodeRecords(bytes, pos)[0];
      if (marker && decodeControlRecord(marker).type === "ABORT") abortedProducers.delete(header.producerId);
      continue;
    }
    // A batch wholly below the fetch position (a fetch starts at the batch holding it) is not decoded.
    if (header.baseOffset + header.lastOffsetDelta < fromOffset) continue;
    if (aborted && isTransactional(header) && abortedProducers.has(header.producerId)) continue;
    for (const r of decodeRecords(bytes, pos)) {
      if (r.offset >= fromOffset) out.push(make(r, header));
    }
  }
  return out;
}
