/**
 * Stream applications end to end on the broker: the records sit in a topic, the
 * application's host fetches them, orders them per task, sends them to the processing
 * runtime (in another thread, or in the host's own for comparison), produces what comes
 * back (output and changelog records) and commits. Next to each, in the same run and on
 * the same records, a hand-written loop does the same work on the same broker: fetch and
 * decode, filter / count per (key, window) / join in a Map, encode, produce, commit.
 *
 * The figure is input records per second from the moment the records are in the topic
 * to the moment the results are written and the offsets committed. Shared by the Node
 * benchmark (runtime in a worker thread) and the one in Chromium (runtime in a nested
 * module Web Worker).
 */
import { ProducerCore, type OutgoingRecord } from "../../workers/client/producer-core";
import { Engine } from "../../workers/engine/engine";
import { encodeBatch } from "../../workers/log/record-batch";
import { resolveProducerConfig } from "../../workers/protocol/client-config";
import { SeededRandom } from "../../workers/runtime/random";
import { MemoryStorage } from "../../workers/storage/memory-storage";
import { Consumed, Materialized, Produced, Serdes, TimeWindows, WindowedSerdes, type StreamsBuilder } from "../../workers/streams/index";
import type { InputRecord } from "../../workers/streams/runtime";
import { InProcessChannel, type ProcessingChannelFactory } from "../../workers/streams/runtime/processing-channel";
import { ProcessingRuntime, type Progress } from "../../workers/streams/runtime/processing-runtime";
import type { RuntimeReply, RuntimeRequest } from "../../workers/streams/runtime/protocol";
import { readPartition } from "../../workers/streams/runtime/read-partition";
import type { Benchmark, BenchOptions, Row } from "../harness";
import { formatCount, median, throughputRow } from "../harness";
import { clickRecords, userRecords } from "./streams-core";

const WINDOW_MS = 60_000;
const GRACE_MS = 5_000;
const BASE_TIMESTAMP = 1_700_000_000_000;
/** Records per batch when filling the input topic (untimed). */
const FILL_BATCH = 2000;

// ---- the topologies, by the name the runtime is started with ----

export const TOPOLOGIES: Readonly<Record<string, (b: StreamsBuilder) => void>> = {
  "filter-map": (b) => {
    b.stream("clicks", Consumed.with(Serdes.String(), Serdes.String()))
      .filter((_k, v) => v.startsWith("click:"))
      .mapValues((v) => v.slice(6))
      .to("pages", Produced.with(Serdes.String(), Serdes.String()));
  },
  "windowed-count": (b) => {
    b.stream("clicks", Consumed.with(Serdes.String(), Serdes.String()))
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeAndGrace(WINDOW_MS, GRACE_MS))
      .count(Materialized.with(Serdes.String(), Serdes.Long()))
      .toStream()
      .to("counts", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), WINDOW_MS), Serdes.Long()));
  },
  "stream-table-join": (b) => {
    const users = b.table("users", Consumed.with(Serdes.String(), Serdes.String()));
    b.stream("clicks", Consumed.with(Serdes.String(), Serdes.String()))
      .join(users, (click: string, region: string) => `${click}@${region}`)
      .to("enriched", Produced.with(Serdes.String(), Serdes.String()));
  },
};

/** A processing runtime whose `init.source` names one of TOPOLOGIES (benchmarks compile nothing). */
export function namedTopologyRuntime(): Pick<ProcessingRuntime, "handle" | "close"> {
  let runtime: ProcessingRuntime | undefined;
  return {
    handle(request: RuntimeRequest, progress?: Progress): RuntimeReply {
      if (request.type === "init") {
        const factory = TOPOLOGIES[request.source];
        if (!factory) throw new Error(`no benchmark topology "${request.source}"`);
        runtime = new ProcessingRuntime({ factory });
      }
      if (!runtime) throw new Error("init first");
      return runtime.handle(request, progress);
    },
    close() {
      runtime?.close();
    },
  };
}

export const inProcessNamed: ProcessingChannelFactory = () => new InProcessChannel(namedTopologyRuntime());

// ---- engines and input ----

async function newEngine(processing: ProcessingChannelFactory, records: number): Promise<Engine> {
  return Engine.create({
    storage: new MemoryStorage(),
    // Late enough that every record and result is within the broker's 1-hour future limit.
    clockStart: BASE_TIMESTAMP + records,
    broker: { groupInitialRebalanceDelayMs: 0 },
    processing,
  });
}

async function fill(engine: Engine, topic: string, records: readonly InputRecord[]): Promise<void> {
  for (let i = 0; i < records.length; i += FILL_BATCH) {
    const slice = records.slice(i, i + FILL_BATCH);
    await engine.broker.produce(topic, 0, encodeBatch({ records: slice.map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp, headers: [] })) }));
  }
}

interface CaseRun {
  ms: number;
  produced: number;
}

/** One timed run of the application: the input is in the topic; timed from there to results written and committed. */
async function appRun(name: string, processing: ProcessingChannelFactory, clicks: readonly InputRecord[], users: readonly InputRecord[]): Promise<CaseRun> {
  const engine = await newEngine(processing, clicks.length);
  try {
    for (const t of ["clicks", "users", "pages", "counts", "enriched"]) await engine.createTopic({ name: t, partitions: 1 });
    if (name === "stream-table-join") await fill(engine, "users", users);
    await engine.startApplication({ applicationId: "bench", source: name });
    await fill(engine, "clicks", clicks);
    const start = performance.now();
    await engine.settle();
    const ms = performance.now() - start;
    const [app] = engine.describeApplications();
    if (app?.state !== "RUNNING") throw new Error(`${name}: the application is ${app?.state}: ${app?.failure?.message ?? ""}`);
    const processed = app.stats.processed - (name === "stream-table-join" ? users.length : 0);
    if (processed !== clicks.length) throw new Error(`${name}: processed ${processed} of ${clicks.length} records`);
    return { ms, produced: app.stats.produced };
  } finally {
    await engine.close();
  }
}

// ---- the hand-written loops: the same work on the same broker ----

const encoder = new TextEncoder();
const decoder = new TextDecoder();

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

interface Out {
  topic: string;
  key: Uint8Array;
  value: Uint8Array;
  timestamp: number;
}

type HandWork = (key: Uint8Array, value: Uint8Array, timestamp: number, emit: (o: Out) => void) => void;

function handFilterMap(): HandWork {
  return (k, v, ts, emit) => {
    const key = decoder.decode(k);
    const value = decoder.decode(v);
    if (!value.startsWith("click:")) return;
    emit({ topic: "pages", key: encoder.encode(key), value: encoder.encode(value.slice(6)), timestamp: ts });
  };
}

/** Counts per (key, window) in Maps, windows past retention dropped, late records skipped; an output and a changelog record per update. */
function handWindowedCount(): HandWork {
  const windows = new Map<number, Map<string, { count: number; timestamp: number }>>();
  let streamTime = -1;
  return (k, v, ts, emit) => {
    const key = decoder.decode(k);
    decoder.decode(v);
    if (ts > streamTime) {
      streamTime = ts;
      const minLive = streamTime - (WINDOW_MS + GRACE_MS) + 1;
      for (const start of windows.keys()) if (start < minLive) windows.delete(start);
    }
    const start = ts - (ts % WINDOW_MS);
    if (start + WINDOW_MS <= streamTime - GRACE_MS) return;
    let perKey = windows.get(start);
    if (!perKey) windows.set(start, (perKey = new Map()));
    let agg = perKey.get(key);
    if (!agg) perKey.set(key, (agg = { count: 0, timestamp: ts }));
    agg.count++;
    if (ts > agg.timestamp) agg.timestamp = ts;
    const keyBytes = encoder.encode(key);
    const outKey = new Uint8Array(keyBytes.length + 8);
    outKey.set(keyBytes, 0);
    writeLong(outKey, keyBytes.length, start);
    const outValue = new Uint8Array(8);
    writeLong(outValue, 0, agg.count);
    const logKey = new Uint8Array(keyBytes.length + 12);
    logKey.set(keyBytes, 0);
    writeLong(logKey, keyBytes.length, start);
    const logValue = new Uint8Array(16);
    writeLong(logValue, 0, agg.timestamp);
    writeLong(logValue, 8, agg.count);
    emit({ topic: "counts", key: outKey, value: outValue, timestamp: agg.timestamp });
    emit({ topic: "bench-counts-changelog", key: logKey, value: logValue, timestamp: agg.timestamp });
  };
}

function handJoin(users: readonly InputRecord[]): HandWork {
  const regions = new Map<string, string>();
  for (const r of users) regions.set(decoder.decode(r.key!), decoder.decode(r.value!));
  return (k, v, ts, emit) => {
    const key = decoder.decode(k);
    const value = decoder.decode(v);
    const region = regions.get(key);
    if (region === undefined) return;
    emit({ topic: "enriched", key: encoder.encode(key), value: encoder.encode(`${value}@${region}`), timestamp: ts });
  };
}

/** Fetch, decode, work, produce with a producer as the application's host uses, commit: timed like appRun. */
async function handRun(name: string, clicks: readonly InputRecord[], users: readonly InputRecord[]): Promise<CaseRun> {
  const engine = await newEngine(inProcessNamed, clicks.length);
  try {
    for (const t of ["clicks", "users", "pages", "counts", "enriched", "bench-counts-changelog"]) await engine.createTopic({ name: t, partitions: 1 });
    await fill(engine, "clicks", clicks);
    const broker = engine.broker;
    const producer = new ProducerCore(
      { partitionCount: (t) => broker.partitionCount(t), produce: (t, p, batch) => broker.produce(t, p, batch), initProducerId: (req) => broker.initProducerId(req) },
      engine.scheduler,
      new SeededRandom(1),
      { ...resolveProducerConfig({}), "linger.ms": 100 },
    );
    const start = performance.now();
    const work = name === "filter-map" ? handFilterMap() : name === "windowed-count" ? handWindowedCount() : handJoin(users);
    let produced = 0;
    // Per output topic, what this fetch produced: one send per topic, as the host does.
    const pending = new Map<string, OutgoingRecord[]>();
    const end = await readPartition(broker, "clicks", 0, 0, "read_uncommitted", async (records) => {
      for (const r of records) {
        work(r.key!, r.value!, r.timestamp, (o) => {
          let list = pending.get(o.topic);
          if (!list) pending.set(o.topic, (list = []));
          list.push({ key: o.key, value: o.value, timestamp: o.timestamp, headers: [], partition: 0 });
        });
      }
      for (const [topic, list] of pending) {
        await producer.sendBulk(topic, list);
        produced += list.length;
      }
      pending.clear();
      await producer.flush();
    });
    await broker.groups.commitOffsets({ groupId: "hand", memberId: "", generationId: -1, offsets: { "clicks-0": { offset: end } } });
    const ms = performance.now() - start;
    return { ms, produced };
  } finally {
    await engine.close();
  }
}

// ---- rows ----

export interface StreamsAppEnvironment {
  /** Where the runtime runs in the main rows: a worker thread in Node, a Web Worker in Chromium. */
  worker: ProcessingChannelFactory;
  workerLabel: string;
}

export async function runStreamsAppBenchmark(options: BenchOptions, env: StreamsAppEnvironment): Promise<Row[]> {
  const count = options.quick ? 100_000 : 1_000_000;
  const repeats = options.quick ? 1 : 2;
  options.progress(`encoding ${formatCount(count)} records`);
  const clicks = clickRecords(count);
  const users = userRecords();
  const warmup = clicks.slice(0, Math.ceil(count / 10));
  const cases: Array<{ name: string; title: string; notes: string }> = [
    { name: "filter-map", title: "filter + mapValues + to", notes: "about half the records pass" },
    { name: "windowed-count", title: "groupByKey + tumbling count + to", notes: "60 s windows, 5 s grace, 10,000 keys; an output and a changelog record per input" },
    { name: "stream-table-join", title: "stream-table join + to", notes: "10,000 users loaded first (untimed)" },
  ];
  const rows: Row[] = [];
  for (const c of cases) {
    const timed = async (label: string, run: (input: readonly InputRecord[]) => Promise<CaseRun>): Promise<CaseRun> => {
      // Unmeasured, on a tenth of the input: the JIT has seen the code before the timed runs.
      options.progress(`${c.name}: ${label} warm-up`);
      await run(warmup);
      const runs: CaseRun[] = [];
      for (let i = 0; i < repeats; i++) {
        options.progress(`${c.name}: ${label} ${i + 1}/${repeats}`);
        runs.push(await run(clicks));
      }
      return { ms: median(runs.map((r) => r.ms)), produced: runs[0]!.produced };
    };
    const worker = await timed(env.workerLabel, (input) => appRun(c.name, env.worker, input, users));
    const inProcess = await timed("in-process runtime", (input) => appRun(c.name, inProcessNamed, input, users));
    const hand = await timed("hand loop", (input) => handRun(c.name, input, users));
    const rate = (r: CaseRun) => count / (r.ms / 1000);
    const pct = (r: CaseRun) => `${Math.round((100 * rate(r)) / rate(hand))} % of the hand loop`;
    rows.push(
      throughputRow(`${c.title} (runtime in a ${env.workerLabel})`, {
        ms: worker.ms,
        records: count,
        notes: `${pct(worker)}; ${formatCount(worker.produced)} records written; ${c.notes}`,
      }),
    );
    rows.push(throughputRow(`  same, runtime in the host's thread`, { ms: inProcess.ms, records: count, notes: pct(inProcess) }));
    rows.push(throughputRow(`  hand loop on the broker, same work`, { ms: hand.ms, records: count, notes: `${formatCount(hand.produced)} records written` }));
  }
  return rows;
}

export function streamsAppBenchmark(env: () => StreamsAppEnvironment): Benchmark {
  return { name: "streams", run: (options) => runStreamsAppBenchmark(options, env()) };
}
