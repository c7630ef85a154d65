/**
 * Streaming SQL against the same query written in the Kafka Streams DSL, in the same run,
 * on the same records and the same broker machinery: both are stream applications whose
 * processing runtime runs in the host's thread (SQL queries always do), fed by the same
 * host (fetch, per-task ordering, produce, commit).
 *
 * - tumbling-window count: `SELECT user_id, COUNT(*) ... WINDOW TUMBLING (SIZE 60 SECONDS,
 *   GRACE PERIOD 5 SECONDS) GROUP BY user_id` against `groupByKey().windowedBy(...).count()`
 *   with the result written as the same JSON (`{"N":…}`);
 * - stream-table join: `SELECT c.user_id, page, region FROM clicks c JOIN users u ON
 *   c.user_id = u.user_id` against `stream.join(table, …)` writing the same JSON.
 *
 * Input values are JSON (`{"PAGE":"page-12"}`) keyed by user, as a ksqlDB source with
 * KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON' reads them. The figure is input records per
 * second from the moment the records are in the topic to results written and committed.
 */
import { Engine } from "../../workers/engine/engine";
import { encodeBatch } from "../../workers/log/record-batch";
import { MemoryStorage } from "../../workers/storage/memory-storage";
import { Consumed, Materialized, Produced, Serdes, TimeWindows, WindowedSerdes, type StreamsBuilder } from "../../workers/streams/index";
import { InProcessChannel, type ProcessingChannelFactory } from "../../workers/streams/runtime/processing-channel";
import { ProcessingRuntime } from "../../workers/streams/runtime/processing-runtime";
import type { Benchmark, BenchOptions, Row } from "../harness";
import { formatCount, median, throughputRow } from "../harness";

const WINDOW_MS = 60_000;
const GRACE_MS = 5_000;
const BASE_TIMESTAMP = 1_700_000_000_000;
const USERS = 10_000;
const PAGES = 10_000;
const FILL_BATCH = 2000;

const encoder = new TextEncoder();

interface Input {
  key: Uint8Array;
  value: Uint8Array;
  timestamp: number;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Clicks keyed by `user-<n>`, JSON values, one millisecond apart, one in ten up to 3 s late. */
export function clicks(count: number): Input[] {
  const random = rng(0x5eed);
  const keys = Array.from({ length: USERS }, (_, u) => encoder.encode(`user-${u}`));
  const out: Input[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const user = Math.floor(random() * USERS);
    const page = Math.floor(random() * PAGES);
    const late = random() < 0.1 ? Math.floor(random() * 3000) : 0;
    out[i] = { key: keys[user]!, value: encoder.encode(`{"PAGE":"page-${page}"}`), timestamp: Math.max(BASE_TIMESTAMP, BASE_TIMESTAMP + i - late) };
  }
  return out;
}

export function users(): Input[] {
  return Array.from({ length: USERS }, (_, u) => ({ key: encoder.encode(`user-${u}`), value: encoder.encode(`{"REGION":"region-${u % 17}"}`), timestamp: BASE_TIMESTAMP - 1000 }));
}

interface PageRow {
  PAGE: string | null;
}
interface UserRow {
  REGION: string | null;
}

/** The same queries in the DSL, with the same JSON in and out. */
const DSL: Readonly<Record<string, (b: StreamsBuilder) => void>> = {
  "windowed-count": (b) => {
    b.stream("clicks", Consumed.with(Serdes.String(), Serdes.Json<PageRow>()))
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeAndGrace(WINDOW_MS, GRACE_MS))
      .count(Materialized.with(Serdes.String(), Serdes.Long()))
      .toStream()
      .mapValues((n) => ({ N: n }))
      .to("counts", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), WINDOW_MS), Serdes.Json()));
  },
  "stream-table-join": (b) => {
    const table = b.table("users", Consumed.with(Serdes.String(), Serdes.Json<UserRow>()));
    b.stream("clicks", Consumed.with(Serdes.String(), Serdes.Json<PageRow>()))
      .join(table, (click: PageRow, user: UserRow) => ({ PAGE: click.PAGE, REGION: user.REGION }))
      .to("enriched", Produced.with(Serdes.String(), Serdes.Json()));
  },
};

const SQL: Readonly<Record<string, string>> = {
  "windowed-count": `SET 'auto.offset.reset' = 'earliest';
    CREATE TABLE counts WITH (kafka_topic='counts') AS SELECT user_id, COUNT(*) AS n FROM clicks
      WINDOW TUMBLING (SIZE 60 SECONDS, GRACE PERIOD 5 SECONDS) GROUP BY user_id;`,
  "stream-table-join": `SET 'auto.offset.reset' = 'earliest';
    CREATE STREAM enriched WITH (kafka_topic='enriched') AS SELECT c.user_id, page, region FROM clicks c JOIN users u ON c.user_id = u.user_id;`,
};

const SOURCES = `CREATE STREAM clicks (user_id VARCHAR KEY, page VARCHAR) WITH (kafka_topic='clicks', value_format='JSON');
  CREATE TABLE users (user_id VARCHAR PRIMARY KEY, region VARCHAR) WITH (kafka_topic='users', value_format='JSON');`;

const dslRuntime: ProcessingChannelFactory = () => {
  let runtime: ProcessingRuntime | undefined;
  return new InProcessChannel({
    handle(request, progress) {
      if (request.type === "init") {
        const factory = DSL[request.source];
        if (!factory) throw new Error(`no benchmark topology "${request.source}"`);
        runtime = new ProcessingRuntime({ factory });
      }
      if (!runtime) throw new Error("init first");
      return runtime.handle(request, progress);
    },
    close() {
      runtime?.close();
    },
  } as ProcessingRuntime);
};

async function fill(engine: Engine, topic: string, records: readonly Input[]): Promise<void> {
  for (let i = 0; i < records.length; i += FILL_BATCH) {
    const slice = records.slice(i, i + FILL_BATCH);
    await engine.broker.produce(topic, 0, encodeBatch({ records: slice.map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp, headers: [] })) }));
  }
}

interface CaseRun {
  ms: number;
  produced: number;
}

/** Sources in place, the query started, the clicks written; timed: the engine settling (processed, produced, committed). */
export async function runCase(kind: "sql" | "dsl", name: string, input: readonly Input[], table: readonly Input[]): Promise<CaseRun> {
  const engine = await Engine.create({
    storage: new MemoryStorage(),
    clockStart: BASE_TIMESTAMP + input.length,
    broker: { groupInitialRebalanceDelayMs: 0 },
    processing: dslRuntime,
  });
  try {
    for (const t of ["clicks", "users", "counts", "enriched"]) await engine.createTopic({ name: t, partitions: 1 });
    await fill(engine, "users", table);
    if (kind === "sql") {
      const result = await engine.executeSql(SOURCES + SQL[name]!);
      if (result.error) throw new Error(`${name}: ${result.error.message}`);
    } else {
      await engine.startApplication({ applicationId: "bench", source: name });
    }
    await fill(engine, "clicks", input);
    const start = performance.now();
    await engine.settle();
    const ms = performance.now() - start;
    const [app] = engine.describeApplications();
    if (app?.state !== "RUNNING") throw new Error(`${kind} ${name}: the application is ${app?.state}: ${app?.failure?.message ?? ""}`);
    const processed = app.stats.processed - (name === "stream-table-join" ? table.length : 0);
    if (processed !== input.length) throw new Error(`${kind} ${name}: processed ${processed} of ${input.length} records`);
    return { ms, produced: app.stats.produced };
  } finally {
    await engine.close();
  }
}

export async function runSqlBenchmark(options: BenchOptions): Promise<Row[]> {
  const count = options.quick ? 100_000 : 1_000_000;
  const repeats = options.quick ? 1 : 3;
  options.progress(`encoding ${formatCount(count)} records`);
  const input = clicks(count);
  const table = users();
  const warmup = input.slice(0, Math.ceil(count / 10));
  const cases = [
    { name: "windowed-count", title: "tumbling-window count per key", notes: "60 s windows, 5 s grace, 10,000 keys; an output and a changelog record per input" },
    { name: "stream-table-join", title: "stream-table join", notes: "10,000 users loaded first (untimed)" },
  ];
  const rows: Row[] = [];
  for (const c of cases) {
    // Alternated runs, so load on the machine weighs on both alike.
    const sql: CaseRun[] = [];
    const dsl: CaseRun[] = [];
    options.progress(`${c.name}: warm-up`);
    await runCase("dsl", c.name, warmup, table);
    await runCase("sql", c.name, warmup, table);
    for (let i = 0; i < repeats; i++) {
      options.progress(`${c.name}: ${i + 1}/${repeats}`);
      dsl.push(await runCase("dsl", c.name, input, table));
      sql.push(await runCase("sql", c.name, input, table));
    }
    const dslMs = median(dsl.map((r) => r.ms));
    const sqlMs = median(sql.map((r) => r.ms));
    rows.push(throughputRow(`SQL: ${c.title}`, { ms: sqlMs, records: count, notes: `${(sqlMs / dslMs).toFixed(2)}× the DSL's time; ${formatCount(sql[0]!.produced)} records written; ${c.notes}` }));
    rows.push(throughputRow(`  same query in the DSL`, { ms: dslMs, records: count, notes: `${formatCount(dsl[0]!.produced)} records written` }));
  }
  return rows;
}

export const sqlBenchmark: Benchmark = { name: "sql", run: runSqlBenchmark };
