/**
 * The broker workloads both environments run: pre-encoded produce requests (batches of
 * about 16 KiB, Kafka's default batch.size), windowed produce with several requests in
 * flight (max.in.flight.requests.per.connection = 5), read-back in 1 MiB fetches, and one
 * forced cleaning pass over a compacted topic. Only the broker is timed: the requests are
 * encoded beforehand into a small pool of buffers that go back to the producer with each
 * acknowledgement, the way a Kafka producer's BufferPool recycles its batch buffers.
 *
 * Batches carry no producer id (a producer with enable.idempotence=false): an idempotent
 * producer could not resend a pooled buffer without re-stamping its sequence and CRC.
 */
import { Broker } from "../../workers/broker/broker";
import { batchesIn, encodeBatch } from "../../workers/log/record-batch";
import type { RecordInput } from "../../workers/log/record-batch";
import type { RawConfig } from "../../workers/protocol/config-def";
import { VirtualClock } from "../../workers/runtime/clock";
import { VirtualScheduler } from "../../workers/runtime/scheduler";
import type { Storage } from "../../workers/storage/storage";
import { KiB, MiB, formatBytes, formatCount } from "../harness";

/** Record timestamps count up from here, one millisecond per record. */
export const BASE_TIMESTAMP = 1_700_000_000_000;
/**
 * The broker's (virtual) time: after every record timestamp, so none is rejected by
 * message.timestamp.after.max.ms, and it never moves, so no housekeeping ever runs.
 */
export const BROKER_TIME = BASE_TIMESTAMP + 24 * 3_600_000;

export const KEY_BYTES = 10;

export interface RecordShape {
  /** "100 B", "1 KiB" */
  label: string;
  /** Key + value bytes. */
  recordSize: number;
  /** Records per batch, so that a batch is close to 16 KiB. */
  perBatch: number;
}

export const SMALL_RECORDS: RecordShape = { label: "100 B", recordSize: 100, perBatch: 150 };
export const KIB_RECORDS: RecordShape = { label: "1 KiB", recordSize: KiB, perBatch: 15 };

/** How a produce workload is cut into requests. */
export interface ProduceWorkload {
  shape: RecordShape;
  /** Batches per produce request: one request is one broker append and one flush. */
  batchesPerRequest: number;
  requests: number;
  /** shape.perBatch × batchesPerRequest × requests */
  records: number;
}

/** The workload closest to `records` records (whole requests only). */
export function produceWorkload(shape: RecordShape, records: number, batchesPerRequest: number): ProduceWorkload {
  const perRequest = shape.perBatch * batchesPerRequest;
  const requests = Math.max(1, Math.round(records / perRequest));
  return { shape, batchesPerRequest, requests, records: requests * perRequest };
}

export function describeWorkload(w: ProduceWorkload, requestBytes: number): string {
  const batches = w.batchesPerRequest === 1 ? "1 batch" : `${w.batchesPerRequest} batches`;
  return `${formatCount(w.records)} × ${w.shape.label} · ${batches} of ${w.shape.perBatch} per request (${formatBytes(requestBytes)})`;
}

function keyBytes(n: number): Uint8Array {
  const text = `k${String(n).padStart(KEY_BYTES - 1, "0")}`;
  const out = new Uint8Array(KEY_BYTES);
  for (let i = 0; i < KEY_BYTES; i++) out[i] = text.charCodeAt(i);
  return out;
}

function valueBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 131 + seed * 7 + (i >>> 3)) & 0xff;
  return out;
}

/**
 * One batch of `shape.perBatch` records numbered from `first`; keys cycle through
 * `keySpace` distinct keys (what compaction keeps one record of).
 */
export function encodeShapeBatch(shape: RecordShape, first: number, keySpace: number): Uint8Array {
  const records: RecordInput[] = [];
  for (let i = 0; i < shape.perBatch; i++) {
    const n = first + i;
    records.push({ key: keyBytes(n % keySpace), value: valueBytes(shape.recordSize - KEY_BYTES, n), timestamp: BASE_TIMESTAMP + n });
  }
  return encodeBatch({ records });
}

/** One produce request: `batches` consecutive batches back to back. */
export function encodeRequest(shape: RecordShape, firstBatch: number, batches: number, keySpace: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let b = 0; b < batches; b++) parts.push(encodeShapeBatch(shape, (firstBatch + b) * shape.perBatch, keySpace));
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** `size` distinct requests of the workload's shape, each in an ArrayBuffer of its own (transferable). */
export function requestPool(w: ProduceWorkload, size: number, keySpace = 1 << 30): ArrayBuffer[] {
  return Array.from({ length: size }, (_, i) => encodeRequest(w.shape, i * w.batchesPerRequest, w.batchesPerRequest, keySpace).buffer as ArrayBuffer);
}

/** Bytes the broker writes for the workload: every request of the pool is the same size give or take a varint. */
export function workloadBytes(w: ProduceWorkload, pool: readonly ArrayBuffer[]): number {
  const mean = pool.reduce((sum, b) => sum + b.byteLength, 0) / pool.length;
  return Math.round(mean * w.requests);
}

/** A broker on `storage` whose clock stands still at BROKER_TIME, with no background housekeeping due. */
export function startBenchBroker(storage: Storage): Promise<Broker> {
  return Broker.start({ storage, scheduler: new VirtualScheduler(new VirtualClock(BROKER_TIME)) });
}

/** A one-partition topic; `config` adds topic overrides. */
export async function createBenchTopic(broker: Broker, name: string, config: RawConfig = {}): Promise<void> {
  await broker.createTopic({ name, partitions: 1, config });
}

/**
 * Sends `requests` produce requests through `send`, at most `window` unacknowledged at a
 * time, each with a buffer taken from `pool`; `send` resolves with the buffer to put back
 * (the same one after an in-process append, the returned transfer after a worker's).
 */
export async function produceWindowed(requests: number, window: number, pool: ArrayBuffer[], send: (buffer: ArrayBuffer) => Promise<ArrayBuffer>): Promise<void> {
  if (pool.length < window) throw new Error(`a window of ${window} requests needs at least ${window} pooled buffers, got ${pool.length}`);
  let next = 0;
  const lane = async () => {
    while (next < requests) {
      next++;
      const buffer = pool.pop() as ArrayBuffer;
      pool.unshift(await send(buffer));
    }
  };
  await Promise.all(Array.from({ length: window }, lane));
}

/** Records and bytes in whole batches laid back to back, as a fetch returns them. */
export function countBatches(bytes: Uint8Array): { records: number; batches: number } {
  let records = 0;
  let batches = 0;
  for (const { header } of batchesIn(bytes)) {
    records += header.recordsCount;
    batches++;
  }
  return { records, batches };
}

export interface ReadBack {
  records: number;
  bytes: number;
  fetches: number;
}

/** Reads a partition from its log start to its high watermark in `maxBytes` fetches. */
export async function readBack(
  fetch: (offset: number, maxBytes: number) => Promise<{ bytes: Uint8Array; nextOffset: number; highWatermark: number }>,
  from: number,
  maxBytes = MiB,
): Promise<ReadBack> {
  let offset = from;
  let records = 0;
  let bytes = 0;
  let fetches = 0;
  for (;;) {
    const r = await fetch(offset, maxBytes);
    fetches++;
    if (r.bytes.length === 0) break;
    records += countBatches(r.bytes).records;
    bytes += r.bytes.length;
    offset = r.nextOffset;
    if (offset >= r.highWatermark) break;
  }
  return { records, bytes, fetches };
}

/** A compacted topic for the cleaner benchmark: segments small enough that the log has many. */
export const COMPACTED_TOPIC_CONFIG: RawConfig = { "cleanup.policy": "compact", "segment.bytes": 16 * MiB };

export interface CompactionSetup {
  records: number;
  keys: number;
  segments: number;
  bytes: number;
}

/**
 * Fills compacted topic `topic` with `records` keyed 100-B records over `keys` keys (64
 * batches per request, untimed), then rolls so every segment is closed and cleanable.
 */
export async function fillCompactedTopic(broker: Broker, topic: string, records: number, keys: number): Promise<CompactionSetup> {
  await createBenchTopic(broker, topic, COMPACTED_TOPIC_CONFIG);
  const batchesPerRequest = 64;
  const batches = Math.ceil(records / SMALL_RECORDS.perBatch);
  for (let b = 0; b < batches; b += batchesPerRequest) {
    const request = encodeRequest(SMALL_RECORDS, b, Math.min(batchesPerRequest, batches - b), keys);
    await broker.produce(topic, 0, request);
  }
  await broker.roll(topic);
  const segments = broker.describeTopic(topic).partitions[0]?.segments ?? [];
  return {
    records: batches * SMALL_RECORDS.perBatch,
    keys,
    segments: segments.filter((s) => !s.isActive).length,
    bytes: segments.reduce((sum, s) => sum + s.sizeInBytes, 0),
  };
}

/** Records left in a partition after cleaning, by reading it all. */
export async function countRecords(broker: Broker, topic: string): Promise<number> {
  const p = broker.describeTopic(topic).partitions[0];
  if (!p) return 0;
  const got = await readBack((offset, maxBytes) => broker.fetch(topic, 0, offset, maxBytes), p.logStartOffset);
  return got.records;
}
