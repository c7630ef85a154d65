/**
 * RecordBatch v2 (magic 2), Kafka's one on-disk and on-wire format for records.
 *
 * Layout of the fixed 61-byte header (big-endian), then the records:
 *   0 baseOffset i64 | 8 batchLength i32 | 12 partitionLeaderEpoch i32 | 16 magic i8 |
 *   17 crc u32 | 21 attributes i16 | 23 lastOffsetDelta i32 | 27 baseTimestamp i64 |
 *   35 maxTimestamp i64 | 43 producerId i64 | 51 producerEpoch i16 | 53 baseSequence i32 |
 *   57 recordsCount i32 | 61 records…
 * The CRC-32C covers attributes to the end, so the broker can stamp baseOffset and the
 * leader epoch into a producer's batch without recomputing it.
 */
import { KafkaError } from "../protocol/errors";
import { crc32c } from "./crc32c";
import { readVarint, sizeOfVarint, writeVarint, type VarintCursor } from "./varint";

export const BATCH_HEADER_SIZE = 61;
/** baseOffset + batchLength: the bytes not counted by batchLength. */
export const LOG_OVERHEAD = 12;
export const MAGIC = 2;

const OFF_BASE_OFFSET = 0;
const OFF_LENGTH = 8;
const OFF_LEADER_EPOCH = 12;
const OFF_MAGIC = 16;
const OFF_CRC = 17;
const OFF_ATTRIBUTES = 21;
const OFF_LAST_OFFSET_DELTA = 23;
const OFF_BASE_TIMESTAMP = 27;
const OFF_MAX_TIMESTAMP = 35;
const OFF_PRODUCER_ID = 43;
const OFF_PRODUCER_EPOCH = 51;
const OFF_BASE_SEQUENCE = 53;
const OFF_RECORDS_COUNT = 57;

const ATTR_COMPRESSION_MASK = 0x07;
const ATTR_LOG_APPEND_TIME = 0x08;
const ATTR_TRANSACTIONAL = 0x10;
const ATTR_CONTROL = 0x20;
const ATTR_DELETE_HORIZON = 0x40;

export type TimestampType = "CreateTime" | "LogAppendTime";

export interface RecordHeader {
  key: string;
  value: Uint8Array | null;
}

export interface LogRecord {
  offset: number;
  timestamp: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: RecordHeader[];
}

export interface BatchHeader {
  baseOffset: number;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
}

export const lastOffset = (h: BatchHeader): number => h.baseOffset + h.lastOffsetDelta;
export const nextOffset = (h: BatchHeader): number => h.baseOffset + h.lastOffsetDelta + 1;
export const batchSize = (h: BatchHeader): number => h.batchLength + LOG_OVERHEAD;
export const isTransactional = (h: BatchHeader): boolean => (h.attributes & ATTR_TRANSACTIONAL) !== 0;
export const isControl = (h: BatchHeader): boolean => (h.attributes & ATTR_CONTROL) !== 0;
export const hasDeleteHorizon = (h: BatchHeader): boolean => (h.attributes & ATTR_DELETE_HORIZON) !== 0;
export const compressionOf = (h: BatchHeader): number => h.attributes & ATTR_COMPRESSION_MASK;
export const timestampType = (h: BatchHeader): TimestampType =>
  h.attributes & ATTR_LOG_APPEND_TIME ? "LogAppendTime" : "CreateTime";
export const deleteHorizonMs = (h: BatchHeader): number | undefined =>
  hasDeleteHorizon(h) ? h.baseTimestamp : undefined;

// ---- fixed-width big-endian helpers (int64 as two halves: exact for safe integers) ----

const TWO_32 = 4294967296;

function readInt64(buf: Uint8Array, pos: number): number {
  const hi = (buf[pos]! << 24) | (buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!;
  const lo = ((buf[pos + 4]! << 24) | (buf[pos + 5]! << 16) | (buf[pos + 6]! << 8) | buf[pos + 7]!) >>> 0;
  return hi * TWO_32 + lo;
}

function writeInt64(buf: Uint8Array, pos: number, n: number): void {
  const hi = Math.floor(n / TWO_32);
  const lo = n - hi * TWO_32;
  writeInt32(buf, pos, hi | 0);
  writeInt32(buf, pos + 4, lo >>> 0);
}

function readInt32(buf: Uint8Array, pos: number): number {
  return (buf[pos]! << 24) | (buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!;
}

function writeInt32(buf: Uint8Array, pos: number, n: number): void {
  buf[pos] = n >>> 24;
  buf[pos + 1] = n >>> 16;
  buf[pos + 2] = n >>> 8;
  buf[pos + 3] = n;
}

function readInt16(buf: Uint8Array, pos: number): number {
  return (((buf[pos]! << 8) | buf[pos + 1]!) << 16) >> 16;
}

function writeInt16(buf: Uint8Array, pos: number, n: number): void {
  buf[pos] = n >>> 8;
  buf[pos + 1] = n;
}

// ---- reading ----

/** Parse the 61-byte header at `pos` (no CRC check). */
export function readBatchHeader(buf: Uint8Array, pos = 0): BatchHeader {
  if (buf.length - pos < BATCH_HEADER_SIZE) {
    throw new KafkaError("CORRUPT_MESSAGE", `record batch at byte ${pos} is truncated: ${buf.length - pos} of ${BATCH_HEADER_SIZE} header bytes`);
  }
  return {
    baseOffset: readInt64(buf, pos + OFF_BASE_OFFSET),
    batchLength: readInt32(buf, pos + OFF_LENGTH),
    partitionLeaderEpoch: readInt32(buf, pos + OFF_LEADER_EPOCH),
    magic: (buf[pos + OFF_MAGIC]! << 24) >> 24,
    crc: readInt32(buf, pos + OFF_CRC) >>> 0,
    attributes: readInt16(buf, pos + OFF_ATTRIBUTES),
    lastOffsetDelta: readInt32(buf, pos + OFF_LAST_OFFSET_DELTA),
    baseTimestamp: readInt64(buf, pos + OFF_BASE_TIMESTAMP),
    maxTimestamp: readInt64(buf, pos + OFF_MAX_TIMESTAMP),
    producerId: readInt64(buf, pos + OFF_PRODUCER_ID),
    producerEpoch: readInt16(buf, pos + OFF_PRODUCER_EPOCH),
    baseSequence: readInt32(buf, pos + OFF_BASE_SEQUENCE),
    recordsCount: readInt32(buf, pos + OFF_RECORDS_COUNT),
  };
}

/** Why the batch at `pos` is not a valid v2 batch, or undefined when it is. */
function invalidReason(buf: Uint8Array, pos: number, h: BatchHeader): string | undefined {
  const size = h.batchLength + LOG_OVERHEAD;
  if (h.batchLength < BATCH_HEADER_SIZE - LOG_OVERHEAD) return `batch length ${h.batchLength} is smaller than a header`;
  if (buf.length - pos < size) return `batch is truncated: ${buf.length - pos} of ${size} bytes present`;
  if (h.magic !== MAGIC) return `magic byte is ${h.magic}, expected ${MAGIC}`;
  if (compressionOf(h) !== 0) return `compression codec ${compressionOf(h)} is not supported`;
  if (h.recordsCount < 0) return `negative record count ${h.recordsCount}`;
  if (h.lastOffsetDelta < 0) return `negative lastOffsetDelta ${h.lastOffsetDelta}`;
  const crc = crc32c(buf, pos + OFF_ATTRIBUTES, pos + size);
  if (crc !== h.crc) return `CRC mismatch: stored ${h.crc.toString(16)}, computed ${crc.toString(16)}`;
  return undefined;
}

/** Full check of the batch at `pos`; throws CORRUPT_MESSAGE with the reason. */
export function validateBatch(buf: Uint8Array, pos = 0): BatchHeader {
  const h = readBatchHeader(buf, pos);
  const reason = invalidReason(buf, pos, h);
  if (reason) throw new KafkaError("CORRUPT_MESSAGE", `record batch at byte ${pos}: ${reason}`);
  return h;
}

/** Like {@link validateBatch} but answers undefined instead of throwing (log recovery). */
export function tryValidateBatch(buf: Uint8Array, pos = 0): BatchHeader | undefined {
  if (buf.length - pos < BATCH_HEADER_SIZE) return undefined;
  const h = readBatchHeader(buf, pos);
  return invalidReason(buf, pos, h) === undefined ? h : undefined;
}

/** Walk consecutive batches from `pos`; stops before the first incomplete one (no CRC check). */
export function* batchesIn(buf: Uint8Array, pos = 0): Generator<{ pos: number; header: BatchHeader }> {
  while (buf.length - pos >= BATCH_HEADER_SIZE) {
    const header = readBatchHeader(buf, pos);
    const size = header.batchLength + LOG_OVERHEAD;
    if (header.batchLength < BATCH_HEADER_SIZE - LOG_OVERHEAD || buf.length - pos < size) return;
    yield { pos, header };
    pos += size;
  }
}

const utf8Decoder = new TextDecoder();
const utf8Encoder = new TextEncoder();

function readBytes(buf: Uint8Array, cursor: VarintCursor, what: string): Uint8Array | null {
  const len = readVarint(buf, cursor);
  if (len < 0) return null;
  const start = cursor.pos;
  if (start + len > buf.length) throw new KafkaError("CORRUPT_MESSAGE", `${what} of ${len} bytes runs past the end of the record`);
  cursor.pos = start + len;
  return buf.subarray(start, start + len);
}

/**
 * Decode the records of the batch at `pos`, with absolute offsets and timestamps. Keys,
 * values and header values are views into `buf`, not copies.
 */
export function decodeRecords(buf: Uint8Array, pos = 0): LogRecord[] {
  const h = readBatchHeader(buf, pos);
  if (compressionOf(h) !== 0) throw new KafkaError("CORRUPT_MESSAGE", `compression codec ${compressionOf(h)} is not supported`);
  const end = pos + h.batchLength + LOG_OVERHEAD;
  const body = buf.subarray(0, end);
  const cursor: VarintCursor = { pos: pos + BATCH_HEADER_SIZE };
  const records: LogRecord[] = new Array(h.recordsCount);
  // Under LogAppendTime every record carries the broker's time, stored once as maxTimestamp.
  const appendTime = h.attributes & ATTR_LOG_APPEND_TIME ? h.maxTimestamp : undefined;
  for (let i = 0; i < h.recordsCount; i++) {
    const length = readVarint(body, cursor);
    const recordEnd = cursor.pos + length;
    if (recordEnd > end) throw new KafkaError("CORRUPT_MESSAGE", `record ${i} of batch at offset ${h.baseOffset} runs past the batch`);
    cursor.pos += 1; // attributes, unused
    const timestampDelta = readVarint(body, cursor);
    const offsetDelta = readVarint(body, cursor);
    const key = readBytes(body, cursor, "key");
    const value = readBytes(body, cursor, "value");
    const headerCount = readVarint(body, cursor);
    const headers: RecordHeader[] = [];
    for (let j = 0; j < headerCount; j++) {
      const hk = readBytes(body, cursor, "header key");
      const hv = readBytes(body, cursor, "header value");
      headers.push({ key: hk ? utf8Decoder.decode(hk) : "", value: hv });
    }
    cursor.pos = recordEnd;
    records[i] = { offset: h.baseOffset + offsetDelta, timestamp: appendTime ?? h.baseTimestamp + timestampDelta, key, value, headers };
  }
  return records;
}

// ---- writing ----

export interface RecordInput {
  key: Uint8Array | null;
  value: Uint8Array | null;
  timestamp: number;
  headers?: RecordHeader[];
  /** Default: the record's index in the batch. Cleaned batches keep their gaps. */
  offsetDelta?: number;
}

export interface BatchInput {
  baseOffset?: number;
  partitionLeaderEpoch?: number;
  timestampType?: TimestampType;
  transactional?: boolean;
  control?: boolean;
  deleteHorizonMs?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  lastOffsetDelta?: number;
  maxTimestamp?: number;
  /** Base for the records' timestamp deltas; default the first record's timestamp. */
  firstTimestamp?: number;
  records: RecordInput[];
}

interface EncodedHeader {
  key: Uint8Array;
  value: Uint8Array | null;
}

/** Encode one batch with its CRC. */
export function encodeBatch(input: BatchInput): Uint8Array {
  const records = input.records;
  if (records.length === 0 && input.lastOffsetDelta === undefined) {
    throw new KafkaError("INVALID_RECORD", "a record batch needs at least one record");
  }
  // With a delete horizon, Kafka stores the horizon as baseTimestamp and the records'
  // timestamp deltas are taken relative to it (KIP-534), so decoding stays base + delta.
  const firstTimestamp = input.deleteHorizonMs ?? input.firstTimestamp ?? records[0]?.timestamp ?? input.maxTimestamp ?? -1;
  let maxTimestamp = -1;
  const encodedHeaders: EncodedHeader[][] = [];
  const bodySizes: number[] = [];
  let total = BATCH_HEADER_SIZE;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.timestamp > maxTimestamp) maxTimestamp = r.timestamp;
    const headers = (r.headers ?? []).map((h) => ({ key: utf8Encoder.encode(h.key), value: h.value }));
    encodedHeaders.push(headers);
    let size = 1 + sizeOfVarint(r.timestamp - firstTimestamp) + sizeOfVarint(r.offsetDelta ?? i);
    size += r.key ? sizeOfVarint(r.key.length) + r.key.length : 1;
    size += r.value ? sizeOfVarint(r.value.length) + r.value.length : 1;
    size += sizeOfVarint(headers.length);
    for (const h of headers) {
      size += sizeOfVarint(h.key.length) + h.key.length;
      size += h.value ? sizeOfVarint(h.value.length) + h.value.length : 1;
    }
    bodySizes.push(size);
    total += sizeOfVarint(size) + size;
  }
  const buf = new Uint8Array(total);
  let pos = BATCH_HEADER_SIZE;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    pos = writeVarint(buf, pos, bodySizes[i]!);
    buf[pos++] = 0;
    pos = writeVarint(buf, pos, r.timestamp - firstTimestamp);
    pos = writeVarint(buf, pos, r.offsetDelta ?? i);
    pos = writeBytes(buf, pos, r.key);
    pos = writeBytes(buf, pos, r.value);
    const headers = encodedHeaders[i]!;
    pos = writeVarint(buf, pos, headers.length);
    for (const h of headers) {
      pos = writeBytes(buf, pos, h.key);
      pos = writeBytes(buf, pos, h.value);
    }
  }
  let attributes = 0;
  if (input.timestampType === "LogAppendTime") attributes |= ATTR_LOG_APPEND_TIME;
  if (input.transactional) attributes |= ATTR_TRANSACTIONAL;
  if (input.control) attributes |= ATTR_CONTROL;
  if (input.deleteHorizonMs !== undefined) attributes |= ATTR_DELETE_HORIZON;
  const lastDelta = input.lastOffsetDelta ?? (records.length ? (records[records.length - 1]!.offsetDelta ?? records.length - 1) : 0);
  writeInt64(buf, OFF_BASE_OFFSET, input.baseOffset ?? 0);
  writeInt32(buf, OFF_LENGTH, total - LOG_OVERHEAD);
  writeInt32(buf, OFF_LEADER_EPOCH, input.partitionLeaderEpoch ?? -1);
  buf[OFF_MAGIC] = MAGIC;
  writeInt16(buf, OFF_ATTRIBUTES, attributes);
  writeInt32(buf, OFF_LAST_OFFSET_DELTA, lastDelta);
  writeInt64(buf, OFF_BASE_TIMESTAMP, firstTimestamp);
  writeInt64(buf, OFF_MAX_TIMESTAMP, input.maxTimestamp ?? maxTimestamp);
  writeInt64(buf, OFF_PRODUCER_ID, input.producerId ?? -1);
  writeInt16(buf, OFF_PRODUCER_EPOCH, input.producerEpoch ?? -1);
  writeInt32(buf, OFF_BASE_SEQUENCE, input.baseSequence ?? -1);
  writeInt32(buf, OFF_RECORDS_COUNT, records.length);
  writeInt32(buf, OFF_CRC, crc32c(buf, OFF_ATTRIBUTES, total) | 0);
  return buf;
}

function writeBytes(buf: Uint8Array, pos: number, bytes: Uint8Array | null): number {
  if (!bytes) return writeVarint(buf, pos, -1);
  pos = writeVarint(buf, pos, bytes.length);
  buf.set(bytes, pos);
  return pos + bytes.length;
}

/** Stamp the base offset (not covered by the CRC) into the batch at `pos`. */
export function setBaseOffset(buf: Uint8Array, pos: number, baseOffset: number): void {
  writeInt64(buf, pos + OFF_BASE_OFFSET, baseOffset);
}

/** Stamp the partition leader epoch (not covered by the CRC) into the batch at `pos`. */
export function setPartitionLeaderEpoch(buf: Uint8Array, pos: number, epoch: number): void {
  writeInt32(buf, pos + OFF_LEADER_EPOCH, epoch);
}

/**
 * Switch the batch at `pos` to LogAppendTime with the broker's `time` and recompute the
 * CRC, as the broker does for topics with message.timestamp.type=LogAppendTime.
 */
export function stampLogAppendTime(buf: Uint8Array, pos: number, time: number): void {
  const h = readBatchHeader(buf, pos);
  writeInt16(buf, pos + OFF_ATTRIBUTES, h.attributes | ATTR_LOG_APPEND_TIME);
  writeInt64(buf, pos + OFF_MAX_TIMESTAMP, time);
  const end = pos + h.batchLength + LOG_OVERHEAD;
  writeInt32(buf, pos + OFF_CRC, crc32c(buf, pos + OFF_ATTRIBUTES, end) | 0);
}

// ---- control batches (transaction markers) ----

export type ControlType = "ABORT" | "COMMIT";

/** One transaction marker: key = int16 version 0, int16 type; value = int16 version 0, int32 coordinatorEpoch. */
export function encodeControlBatch(i: {
  type: ControlType;
  producerId: number;
  producerEpoch: number;
  coordinatorEpoch: number;
  timestamp: number;
  baseOffset?: number;
}): Uint8Array {
  const key = new Uint8Array(4);
  writeInt16(key, 0, 0);
  writeInt16(key, 2, i.type === "COMMIT" ? 1 : 0);
  const value = new Uint8Array(6);
  writeInt16(value, 0, 0);
  writeInt32(value, 2, i.coordinatorEpoch);
  return encodeBatch({
    baseOffset: i.baseOffset ?? 0,
    transactional: true,
    control: true,
    producerId: i.producerId,
    producerEpoch: i.producerEpoch,
    baseSequence: -1,
    records: [{ key, value, timestamp: i.timestamp }],
  });
}

export function decodeControlRecord(rec: LogRecord): { type: ControlType | number; coordinatorEpoch: number } {
  if (!rec.key || rec.key.length < 4) throw new KafkaError("CORRUPT_MESSAGE", `control record at offset ${rec.offset} has no valid key`);
  const code = readInt16(rec.key, 2);
  const type = code === 0 ? "ABORT" : code === 1 ? "COMMIT" : code;
  const coordinatorEpoch = rec.value && rec.value.length >= 6 ? readInt32(rec.value, 2) : -1;
  return { type, coordinatorEpoch };
}

export function utf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}
