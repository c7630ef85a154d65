/**
 * The stream processor's own cost, without a broker: topologies run through the task
 * machinery the broker path uses (StreamTask per sub-topology, a RecordCollector taking
 * sink, repartition and changelog records), on records already decoded from batches
 * (key and value are subarrays of one packed buffer per ~16 KiB, as a fetch hands them
 * out). Each topology sits next to hand-written loops over the same records doing the
 * same work: decode key and value bytes, filter / count per (key, window) / join in a
 * Map, encode what is written (output and, for the aggregates, changelog records). Hand
 * loop 1 converts text with TextDecoder/TextEncoder, as such a loop is first written;
 * hand loop 2 with the engine's own UTF-8 helpers, so its ratio is the engine's overhead
 * alone. The ratios are the figures to watch; the absolute rates depend on the machine
 * (and on its load: engine and hand loops take turns so that drift hits them alike).
 *
 * Shared by the Node benchmark and the one in a Chromium worker.
 */
import { VirtualClock } from "../../workers/runtime/clock";
import { VirtualScheduler } from "../../workers/runtime/scheduler";
import { Consumed, Grouped, Materialized, Produced, Serdes, StreamsBuilder, TimeWindows, WindowedSerdes, type Topology } from "../../workers/streams/index";
import { StreamTask, type InputRecord, type OutgoingRecord, type RecordCollector } from "../../workers/streams/runtime";
import { utf8Decode, utf8Encode } from "../../workers/streams/bytes";
import type { Benchmark, BenchOptions, Row } from "../harness";
import { formatCount, median, throughputRow } from "../harness";

const APPLICATION_ID = "bench";
const INPUT_TOPIC = "clicks";
const TABLE_TOPIC = "users";
const DISTINCT_KEYS = 10_000;
const WINDOW_MS = 60_000;
const GRACE_MS = 5_000;
const BASE_TIMESTAMP = 1_700_000_000_000;
/** Records per simulated fetch: repartition records are fed to the next task after each. */
const FETCH_RECORDS = 500;
const PACK_BYTES = 16 * 1024;

/** xorshift32: the same records on every run and in both environments. */
function rng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface Packer {
  put(bytes: Uint8Array): Uint8Array;
}

/** Copies fields into shared 16 KiB buffers and hands back views, as a decoded fetch does. */
function packer(): Packer {
  let buf = new Uint8Array(PACK_BYTES);
  let pos = 0;
  return {
    put(bytes) {
      if (pos + bytes.length > buf.length) {
        buf = new Uint8Array(Math.max(PACK_BYTES, bytes.length));
        pos = 0;
      }
      buf.set(bytes, pos);
      const view = buf.subarray(pos, pos + bytes.length);
      pos += bytes.length;
      return view;
    },
  };
}

/**
 * `count` click records: key `user-<n>` (10,000 users, uniform), value `view:page-<m>` or
 * `click:page-<m>` (10,000 pages), timestamps one millisecond apart with one record in
 * ten up to 3 s late (a few beyond the 5 s grace when stream time has jumped ahead).
 */
export function clickRecords(count: number): InputRecord[] {
  const random = rng(0x5eed);
  const pack = packer();
  const out: InputRecord[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const user = Math.floor(random() * DISTINCT_KEYS);
    const page = Math.floor(random() * DISTINCT_KEYS);
    const kind = random() < 0.5 ? "click" : "view";
    const late = random() < 0.1 ? Math.floor(random() * 3000) : 0;
    out[i] = {
      topic: INPUT_TOPIC,
      partition: 0,
      offset: i,
      timestamp: Math.max(BASE_TIMESTAMP, BASE_TIMESTAMP + i - late),
      key: pack.put(encoder.encode(`user-${user}`)),
      value: pack.put(encoder.encode(`${kind}:page-${page}`)),
    };
  }
  return out;
}

export function userRecords(): InputRecord[] {
  const pack = packer();
  const out: InputRecord[] = [];
  for (let u = 0; u < DISTINCT_KEYS; u++) {
    out.push({
      topic: TABLE_TOPIC,
      partition: 0,
      offset: u,
      timestamp: BASE_TIMESTAMP - 1000,
      key: pack.put(encoder.encode(`user-${u}`)),
      value: pack.put(encoder.encode(`region-${u % 17}`)),
    });
  }
  return out;
}

/** Results land here so that no engine drops the work as dead code. */
export let sink = 0;

interface Written {
  output: number;
  repartition: number;
  changelog: number;
  bytes: number;
}

/**
 * One application on one partition: a StreamTask per sub-topology, repartition records
 * delivered to the task reading them after every fetch-sized slice of input.
 */
export class TaskRunner {
  readonly written: Written = { output: 0, repartition: 0, changelog: 0, bytes: 0 };
  private readonly tasks: StreamTask[] = [];
  private readonly byTopic = new Map<string, StreamTask>();
  private readonly queued: InputRecord[] = [];
  private readonly offsets = new Map<string, number>();

  constructor(topology: Topology) {
    const written = this.written;
    const collector: RecordCollector = {
      send: (r: OutgoingRecord) => {
        written.bytes += (r.key?.length ?? 0) + (r.value?.length ?? 0);
        if (r.kind === "changelog") written.changelog++;
        else if (r.kind === "output") written.output++;
        else {
          written.repartition++;
          const offset = this.offsets.get(r.topic) ?? 0;
          this.offsets.set(r.topic, offset + 1);
          this.queued.push({ topic: r.topic, partition: 0, offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers });
        }
      },
      partitionCount: () => 1,
    };
    const scheduler = new VirtualScheduler(new VirtualClock(0));
    for (const sub of topology.subtopologies()) {
      const task = new StreamTask({ topology, groupId: sub.id, partition: 0, applicationId: APPLICATION_ID, collector, scheduler });
      task.init();
      this.tasks.push(task);
      for (const t of task.inputTopics()) this.byTopic.set(t, task);
    }
  }

  run(records: readonly InputRecord[]): void {
    for (let from = 0; from < records.length; from += FETCH_RECORDS) {
      const to = Math.min(records.length, from + FETCH_RECORDS);
      const task = this.byTopic.get(records[from]!.topic)!;
      for (let i = from; i < to; i++) task.process(records[i]!);
      this.drain();
    }
  }

  private drain(): void {
    // Records written while draining join the same queue; the loop picks them up.
    for (let i = 0; i < this.queued.length; i++) {
      const r = this.queued[i]!;
      this.byTopic.get(r.topic)!.process(r);
    }
    this.queued.length = 0;
  }

  close(): void {
    for (const t of this.tasks) t.close();
  }
}

// ---- the topologies ----

export function filterMapTopology(): Topology {
  const b = new StreamsBuilder();
  b.stream(INPUT_TOPIC, Consumed.with(Serdes.String(), Serdes.String()))
    .filter((_k, v) => v.startsWith("click:"))
    .mapValues((v) => v.slice(6))
    .to("pages", Produced.with(Serdes.String(), Serdes.String()));
  return b.build();
}

export function windowedCountTopology(repartition: boolean): Topology {
  const b = new StreamsBuilder();
  const stream = b.stream(INPUT_TOPIC, Consumed.with(Serdes.String(), Serdes.String()));
  const grouped = repartition
    ? stream.groupBy((_k, v) => v.slice(v.indexOf(":") + 1), Grouped.with(Serdes.String(), Serdes.String()))
    : stream.groupByKey(Grouped.with(Serdes.String(), Serdes.String()));
  grouped
    .windowedBy(TimeWindows.ofSizeAndGrace(WINDOW_MS, GRACE_MS))
    .count(Materialized.with(Serdes.String(), Serdes.Long()))
    .toStream()
    .to("counts", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), WINDOW_MS), Serdes.Long()));
  return b.build();
}

export function joinTopology(): Topology {
  const b = new StreamsBuilder();
  const users = b.table(TABLE_TOPIC, Consumed.with(Serdes.String(), Serdes.String()));
  b.stream(INPUT_TOPIC, Consumed.with(Serdes.String(), Serdes.String()))
    .join(users, (click: string, region: string) => `${click}@${region}`)
    .to("enriched", Produced.with(Serdes.String(), Serdes.String()));
  return b.build();
}

// ---- the hand-written loops ----

/** How a hand loop turns bytes into text and back. */
export interface TextCodec {
  decode(bytes: Uint8Array): string;
  encode(text: string): Uint8Array;
}

/** TextDecoder / TextEncoder, as a hand loop would first be written. */
export const platformCodec: TextCodec = {
  decode: (bytes) => decoder.decode(bytes),
  encode: (text) => encoder.encode(text),
};

/** The engine's own converters (short ASCII in JS): the same codec cost on both sides of the ratio. */
export const engineCodec: TextCodec = { decode: utf8Decode, encode: utf8Encode };

function longBytes(n: number): Uint8Array {
  const out = new Uint8Array(8);
  const hi = Math.floor(n / 4294967296);
  out[0] = hi >>> 24;
  out[1] = hi >>> 16;
  out[2] = hi >>> 8;
  out[3] = hi;
  const lo = n >>> 0;
  out[4] = lo >>> 24;
  out[5] = lo >>> 16;
  out[6] = lo >>> 8;
  out[7] = lo;
  return out;
}

function writeLong(out: Uint8Array, pos: number, n: number): void {
  const hi = Math.floor(n / 4294967296);
  const lo = n >>> 0;
  out[pos] = hi >>> 24;
  out[pos + 1] = hi >>> 16;
  out[pos + 2] = hi >>> 8;
  out[pos + 3] = hi;
  out[pos + 4] = lo >>> 24;
  out[pos + 5] = lo >>> 16;
  out[pos + 6] = lo >>> 8;
  out[pos + 7] = lo;
}

export function handFilterMap(records: readonly InputRecord[], codec: TextCodec): number {
  let bytes = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const key = codec.decode(r.key!);
    const value = codec.decode(r.value!);
    if (!value.startsWith("click:")) continue;
    const k = codec.encode(key);
    const v = codec.encode(value.slice(6));
    bytes += k.length + v.length;
  }
  return bytes;
}

interface Agg {
  count: number;
  timestamp: number;
}

/**
 * A tumbling-window count as one would write it by hand: a Map per window start, windows
 * older than the retention dropped, late records (beyond grace) skipped; per update an
 * output record (key + 8-byte start, 8-byte count) and a changelog record (key + start +
 * 4-byte sequence, 8-byte timestamp + 8-byte count). With `repartition`, the grouping key
 * comes from the value and travels through encoded bytes first, as a repartition topic
 * makes it.
 */
export function handWindowedCount(records: readonly InputRecord[], repartition: boolean, codec: TextCodec): number {
  const windows = new Map<number, Map<string, Agg>>();
  let streamTime = -1;
  let oldestStart = Number.POSITIVE_INFINITY;
  let bytes = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    let key: string;
    if (repartition) {
      const value = codec.decode(r.value!);
      codec.decode(r.key!);
      const group = value.slice(value.indexOf(":") + 1);
      const hopKey = codec.encode(group);
      const hopValue = codec.encode(value);
      key = codec.decode(hopKey);
      codec.decode(hopValue);
    } else {
      key = codec.decode(r.key!);
      codec.decode(r.value!);
    }
    const ts = r.timestamp;
    if (ts > streamTime) streamTime = ts;
    const start = ts - (ts % WINDOW_MS);
    if (start + WINDOW_MS <= streamTime - GRACE_MS) continue;
    let perKey = windows.get(start);
    if (perKey === undefined) {
      perKey = new Map();
      windows.set(start, perKey);
      if (start < oldestStart) oldestStart = start;
    }
    let agg = perKey.get(key);
    if (agg === undefined) {
      agg = { count: 0, timestamp: ts };
      perKey.set(key, agg);
    }
    agg.count++;
    if (ts > agg.timestamp) agg.timestamp = ts;
    const keyBytes = codec.encode(key);
    const outKey = new Uint8Array(keyBytes.length + 8);
    outKey.set(keyBytes, 0);
    writeLong(outKey, keyBytes.length, start);
    const outValue = longBytes(agg.count);
    const logKey = new Uint8Array(keyBytes.length + 12);
    logKey.set(keyBytes, 0);
    writeLong(logKey, keyBytes.length, start);
    const logValue = new Uint8Array(16);
    writeLong(logValue, 0, agg.timestamp);
    writeLong(logValue, 8, agg.count);
    bytes += outKey.length + outValue.length + logKey.length + logValue.length;
    // Retention = size + grace behind stream time, as the window store keeps.
    const minLive = streamTime - (WINDOW_MS + GRACE_MS) + 1;
    while (oldestStart < minLive && windows.size > 0) {
      windows.delete(oldestStart);
      oldestStart = Number.POSITIVE_INFINITY;
      for (const s of windows.keys()) if (s < oldestStart) oldestStart = s;
    }
  }
  return bytes;
}

export function handJoin(table: readonly InputRecord[], records: readonly InputRecord[], codec: TextCodec): number {
  const regions = new Map<string, string>();
  for (const r of table) regions.set(codec.decode(r.key!), codec.decode(r.value!));
  let bytes = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const key = codec.decode(r.key!);
    const value = codec.decode(r.value!);
    const region = regions.get(key);
    if (region === undefined) continue;
    const k = codec.encode(key);
    const v = codec.encode(`${value}@${region}`);
    bytes += k.length + v.length;
  }
  return bytes;
}

// ---- rows ----

interface Case {
  name: string;
  topology: () => Topology;
  /** Records processed (untimed) before the timed input, e.g. the table of a join. */
  preload?: readonly InputRecord[];
  hand: (records: readonly InputRecord[], codec: TextCodec) => number;
  notes: string;
}

function percent(engineMs: number, handMs: number): string {
  return `${Math.round((100 * handMs) / engineMs)} %`;
}

function perRecord(ms: number, count: number): string {
  return `${((ms * 1000) / count).toPrecision(3)} µs/record`;
}

export async function runStreamsCoreBenchmark(options: BenchOptions): Promise<Row[]> {
  const count = options.quick ? 200_000 : 1_000_000;
  const repeats = options.quick ? 3 : 5;
  options.progress(`encoding ${formatCount(count)} records`);
  const records = clickRecords(count);
  const users = userRecords();
  const cases: Case[] = [
    {
      name: "filter + mapValues + to",
      topology: filterMapTopology,
      hand: handFilterMap,
      notes: "String serdes; about half the records pass",
    },
    {
      name: "groupByKey + tumbling count + toStream + to",
      topology: () => windowedCountTopology(false),
      hand: (rs, codec) => handWindowedCount(rs, false, codec),
      notes: "60 s windows, 5 s grace, 10,000 keys, changelog on",
    },
    {
      name: "groupBy (repartition) + tumbling count + to",
      topology: () => windowedCountTopology(true),
      hand: (rs, codec) => handWindowedCount(rs, true, codec),
      notes: "two tasks; the hand loops encode and decode the hop",
    },
    {
      name: "stream-table join + to",
      topology: joinTopology,
      preload: users,
      hand: (rs, codec) => handJoin(users, rs, codec),
      notes: "table of 10,000 users loaded first (untimed)",
    },
  ];

  const rows: Row[] = [];
  for (const c of cases) {
    options.progress(c.name);
    // Engine and hand loops take turns, so a change in machine load hits all three alike.
    const engine: number[] = [];
    const platform: number[] = [];
    const same: number[] = [];
    let written: Written | undefined;
    for (let i = 0; i < 1 + repeats; i++) {
      const runner = new TaskRunner(c.topology());
      if (c.preload) runner.run(c.preload);
      let start = performance.now();
      runner.run(records);
      const engineMs = performance.now() - start;
      runner.close();
      written = runner.written;
      start = performance.now();
      sink ^= c.hand(records, platformCodec);
      const platformMs = performance.now() - start;
      start = performance.now();
      sink ^= c.hand(records, engineCodec);
      const sameMs = performance.now() - start;
      if (i === 0) continue;
      engine.push(engineMs);
      platform.push(platformMs);
      same.push(sameMs);
    }
    const engineMs = median(engine);
    const platformMs = median(platform);
    const sameMs = median(same);
    const w = written!;
    const what = [
      `out ${formatCount(w.output)}`,
      w.repartition > 0 ? `repartition ${formatCount(w.repartition)}` : "",
      w.changelog > 0 ? `changelog ${formatCount(w.changelog)}` : "",
    ]
      .filter((s) => s !== "")
      .join(", ");
    rows.push(
      throughputRow(c.name, {
        ms: engineMs,
        records: count,
        notes: `${perRecord(engineMs, count)}; ${percent(engineMs, platformMs)} of hand loop 1, ${percent(engineMs, sameMs)} of hand loop 2; ${what}; ${c.notes}`,
      }),
    );
    rows.push(throughputRow("  hand loop 1: TextDecoder/TextEncoder", { ms: platformMs, records: count, notes: perRecord(platformMs, count) }));
    rows.push(throughputRow("  hand loop 2: the engine's UTF-8 helpers", { ms: sameMs, records: count, notes: perRecord(sameMs, count) }));
  }
  return rows;
}

export const streamsCoreBenchmark: Benchmark = { name: "streams-core", run: runStreamsCoreBenchmark };
