/**
 * Rewriting a batch that lost records to compaction, as Kafka's `MemoryRecords.filterTo`
 * does: the batch keeps its base offset, last offset delta (so the producer's last sequence
 * survives), leader epoch, producer fields and attributes; only the surviving records, the
 * record count, the timestamps and the CRC change.
 *
 * The base timestamp becomes the first survivor's timestamp, or the delete horizon when the
 * batch carries one (KIP-534 stores it there); each record's timestamp delta is rewritten
 * against it and every other byte of the record is copied unchanged.
 */
import { crc32c } from "./crc32c";
import { BATCH_HEADER_SIZE, LOG_OVERHEAD, encodeBatch, isControl, isTransactional, timestampType, type BatchHeader } from "./record-batch";
import { sizeOfVarint, writeVarint } from "./varint";

const OFF_LENGTH = 8;
const OFF_CRC = 17;
const OFF_ATTRIBUTES = 21;
const OFF_RECORDS_COUNT = 57;

/** Where a surviving record sits in the source batch (see RecordWalker for the fields). */
export interface RetainedRecord {
  start: number;
  end: number;
  afterTimestamp: number;
  timestampDelta: number;
}

function headerOnly(header: BatchHeader, lastOffsetDelta: number, firstTimestamp: number, maxTimestamp: number, deleteHorizonMs: number | undefined): Uint8Array {
  return encodeBatch({
    baseOffset: header.baseOffset,
    partitionLeaderEpoch: header.partitionLeaderEpoch,
    timestampType: timestampType(header),
    transactional: isTransactional(header),
    control: isControl(header),
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
    lastOffsetDelta,
    firstTimestamp,
    maxTimestamp,
    ...(deleteHorizonMs === undefined ? {} : { deleteHorizonMs }),
    records: [],
  });
}

/**
 * The batch at `pos` of `buf` (header `header`) holding only `retained` (in order, at least
 * one), with `deleteHorizonMs` stamped when given.
 */
export function rebuildBatch(buf: Uint8Array, header: BatchHeader, retained: readonly RetainedRecord[], deleteHorizonMs: number | undefined): Uint8Array {
  const logAppendTime = timestampType(header) === "LogAppendTime";
  // A LogAppendTime batch gives every record the broker's append time, whatever the record
  // bytes say; the rewritten records carry that time explicitly, as Kafka's rewrite does.
  const timestampOf = (r: RetainedRecord) => (logAppendTime ? header.maxTimestamp : header.baseTimestamp + r.timestampDelta);
  const first = retained[0];
  if (!first) throw new RangeError(`rebuildBatch needs at least one record for the batch at offset ${header.baseOffset}`);
  const base = deleteHorizonMs ?? timestampOf(first);

  let maxTimestamp = logAppendTime ? header.maxTimestamp : -1;
  let size = 0;
  for (const r of retained) {
    const ts = timestampOf(r);
    if (!logAppendTime && ts > maxTimestamp) maxTimestamp = ts;
    const delta = ts - base;
    if (delta === r.timestampDelta) {
      size += r.end - r.start;
    } else {
      const body = 1 + sizeOfVarint(delta) + (r.end - r.afterTimestamp);
      size += sizeOfVarint(body) + body;
    }
  }

  const head = headerOnly(header, header.lastOffsetDelta, base, maxTimestamp, deleteHorizonMs);
  const out = new Uint8Array(BATCH_HEADER_SIZE + size);
  out.set(head);
  let pos = BATCH_HEADER_SIZE;
  for (const r of retained) {
    const delta = timestampOf(r) - base;
    if (delta === r.timestampDelta) {
      out.set(buf.subarray(r.start, r.end), pos);
      pos += r.end - r.start;
    } else {
      const rest = buf.subarray(r.afterTimestamp, r.end);
      pos = writeVarint(out, pos, 1 + sizeOfVarint(delta) + rest.length);
      out[pos++] = 0; // record attributes, unused in v2
      pos = writeVarint(out, pos, delta);
      out.set(rest, pos);
      pos += rest.length;
    }
  }
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setInt32(OFF_LENGTH, out.length - LOG_OVERHEAD);
  view.setInt32(OFF_RECORDS_COUNT, retained.length);
  view.setUint32(OFF_CRC, crc32c(out, OFF_ATTRIBUTES, out.length));
  return out;
}

/**
 * The header of the batch with no records, kept when the batch holds a producer's last
 * sequence or ends the cleaned range: offsets, producer fields and the max timestamp stay,
 * the base timestamp is Kafka's "no timestamp" (-1).
 */
export function emptyBatch(header: BatchHeader): Uint8Array {
  return headerOnly(header, header.lastOffsetDelta, -1, header.maxTimestamp, undefined);
}
