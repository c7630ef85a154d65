/**
 * Builders shared by the log's tests: record batches with recognisable values, a log on
 * memory storage, and reading a whole partition back as (offset, value) pairs.
 */
import { MemoryStorage } from "../storage/memory-storage";
import { VirtualClock } from "../runtime/clock";
import { batchesIn, decodeRecords, encodeBatch, lastOffset, utf8, type BatchInput } from "./record-batch";
import { logConfig, type LogConfig } from "./log-config";
import { PartitionLog, type LogEvent } from "./partition-log";

const decoder = new TextDecoder();

/** One batch whose records have values `values` (and keys `k<value>`), all at `timestamp`. */
export function batchOf(values: readonly string[], timestamp = 1000, extra: Partial<BatchInput> = {}): Uint8Array {
  return encodeBatch({
    records: values.map((v) => ({ key: utf8(`k${v}`), value: utf8(v), timestamp })),
    ...extra,
  });
}

/** Concatenate encoded batches into one produce buffer. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface Harness {
  storage: MemoryStorage;
  clock: VirtualClock;
  events: LogEvent[];
  log: PartitionLog;
  config: LogConfig;
  reopen(config?: LogConfig): Promise<PartitionLog>;
}

export async function openHarness(overrides: Partial<LogConfig> = {}, dir = "orders-0", storage = new MemoryStorage(), clock = new VirtualClock(1_000_000)): Promise<Harness> {
  const config = logConfig(overrides);
  const events: LogEvent[] = [];
  const h: Harness = {
    storage,
    clock,
    events,
    config,
    log: await PartitionLog.open(storage, dir, config, clock, (e) => events.push(e)),
    async reopen(next = config) {
      h.log = await PartitionLog.open(storage, dir, next, clock, (e) => events.push(e));
      return h.log;
    },
  };
  return h;
}

/** Append as the leader would and move the high watermark along, as a single broker does. */
export async function produce(log: PartitionLog, values: readonly string[], timestamp = 1000, now = timestamp) {
  const info = await log.appendAsLeader(batchOf(values, timestamp), { timestampType: "CreateTime", now });
  log.setHighWatermark(log.logEndOffset);
  return info;
}

export interface ReadRecord {
  offset: number;
  value: string;
  timestamp: number;
}

/** Every record in `bytes` (whole batches), in order. */
export function recordsIn(bytes: Uint8Array): ReadRecord[] {
  const out: ReadRecord[] = [];
  for (const { pos } of batchesIn(bytes)) {
    for (const r of decodeRecords(bytes, pos)) out.push({ offset: r.offset, value: r.value === null ? "<null>" : decoder.decode(r.value), timestamp: r.timestamp });
  }
  return out;
}

/** Offsets of the batches in `bytes`: [base, last] pairs. */
export function batchRanges(bytes: Uint8Array): [number, number][] {
  return [...batchesIn(bytes)].map(({ header }) => [header.baseOffset, lastOffset(header)]);
}

/** Read the partition from logStartOffset to LEO with repeated fetches, as a consumer would. */
export async function readEverything(log: PartitionLog, maxBytes = 1 << 20): Promise<ReadRecord[]> {
  const out: ReadRecord[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const data = await log.read(offset, maxBytes);
    if (data.bytes.length === 0) throw new Error(`empty read at ${offset} below LEO ${log.logEndOffset}`);
    for (const r of recordsIn(data.bytes)) if (r.offset >= offset) out.push(r);
    offset = data.nextOffset;
  }
  return out;
}
