/**
 * Statements end to end on the engine (broker, persistent queries as stream applications,
 * pull queries on their stores): the inputs and expected outputs are those ksqlDB's own
 * query-validation and pull-query tests record for the same statements.
 */
import { describe, expect, it } from "vitest";
import { splitWindowedKey } from "../../streams/runtime/key-formats";
import { testEngine } from "../../streams/runtime/test-support";
import type { Engine } from "../../engine/engine";
import { keySerde } from "../planner/serdes";
import { parsePartialTimestamp } from "../planner/magic-timestamps";
import { describeSqlError, SqlEngine } from "./sql-engine";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface Harness {
  engine: Engine;
  sql: SqlEngine;
  run(text: string): Promise<Awaited<ReturnType<SqlEngine["execute"]>>["results"]>;
  /** Writes records to a source's topic, keys serialized in the source's key format. */
  input(source: string, records: [key: unknown, value: unknown, timestamp: number][]): Promise<void>;
  /** A sink's records: key (decoded in its key format), value as JSON or text, timestamp, window. */
  output(sink: string): Promise<[unknown, unknown, number, [number, number]?][]>;
  /** The rows of a pull query. */
  pull(text: string): Promise<unknown[][]>;
}

/** The statements run with 'auto.offset.reset'='earliest', as ksqlDB's tests run them. */
async function ksql(statements: string, clockStart = 100_000_000): Promise<Harness> {
  // Late enough that every record timestamp of the test is in the broker's past.
  const engine = await testEngine({ clockStart });
  const sql = await SqlEngine.attach(engine);
  const run = async (text: string) => {
    const r = await sql.execute(text);
    if (r.error) throw new Error(describeSqlError(r.error));
    return r.results;
  };
  await run(`SET 'auto.offset.reset'='earliest'; ${statements}`);
  return {
    engine,
    sql,
    run,
    async input(source, records) {
      const ds = sql.metastore.getSource(source)!;
      const serde = keySerde(ds.schema.key, ds.keyFormat);
      await engine.produce(
        ds.topic,
        records.map(([key, value, timestamp]) => ({
          key: key === null ? null : serde.serialize(ds.topic, key),
          value: value === null ? null : encoder.encode(typeof value === "string" ? value : JSON.stringify(value)),
          timestamp,
        })),
      );
      await engine.settle();
    },
    async output(sink) {
      const ds = sql.metastore.getSource(sink)!;
      const serde = keySerde(ds.schema.key, ds.keyFormat);
      const format = engine.windowedKeyFormat(ds.topic);
      return (await engine.readAll(ds.topic)).map((r) => {
        const split = format && r.key !== null ? splitWindowedKey(r.key, format) : undefined;
        const keyBytes = split ? split.key : r.key;
        const key = keyBytes === null ? null : serde.deserialize(ds.topic, keyBytes);
        const text = r.value === null ? null : decoder.decode(r.value);
        const value = text === null ? null : ds.valueFormat.format === "JSON" ? JSON.parse(text) : text;
        return split ? [key, value, r.timestamp, [split.start, split.end]] : [key, value, r.timestamp];
      });
    },
    async pull(text) {
      const [r] = await run(text);
      return r!.table!.rows;
    },
  };
}

describe("windows: grace periods and EMIT FINAL", () => {
  it("HOPPING with GRACE PERIOD drops records for windows closed by stream time", async () => {
    const h = await ksql(`CREATE STREAM TEST (ID BIGINT KEY, VALUE bigint) WITH (kafka_topic='test_topic', value_format='DELIMITED', partitions=1);
      CREATE TABLE S2 as SELECT ID, max(value) FROM test WINDOW HOPPING (SIZE 30 SECONDS, ADVANCE BY 15 SECONDS, GRACE PERIOD 1 MINUTE) group by id;`);
    await h.input("TEST", [
      [0, "0", 0],
      [0, "1", 89999],
      [0, "5", 10009],
      [0, "0", 90000],
      [0, "6", 10010],
      [1, "100", 10009],
      [1, "101", 30000],
      [1, "200", 86412022],
      [1, "200", 60000],
    ]);
    expect(await h.output("S2")).toEqual([
      [0, "0", 0, [0, 30000]],
      [0, "1", 89999, [60000, 90000]],
      [0, "1", 89999, [75000, 105000]],
      [0, "5", 10009, [0, 30000]],
      [0, "1", 90000, [75000, 105000]],
      [0, "0", 90000, [90000, 120000]],
      [1, "101", 30000, [15000, 45000]],
      [1, "101", 30000, [30000, 60000]],
      [1, "200", 86412022, [86385000, 86415000]],
      [1, "200", 86412022, [86400000, 86430000]],
    ]);
  });

  it("SESSION with GRACE PERIOD: a record is late once its session ended before stream time - grace - gap", async () => {
    const h = await ksql(`CREATE STREAM TEST (ID BIGINT KEY, VALUE bigint) WITH (kafka_topic='test_topic', value_format='DELIMITED', partitions=1);
      CREATE TABLE S2 as SELECT ID, max(value) FROM test WINDOW SESSION (30 SECONDS, GRACE PERIOD 1 MINUTE) group by id;`);
    await h.input("TEST", [
      [0, "0", 0],
      [0, "1", 100010],
      [0, "5", 10009],
      [0, "6", 10010],
      [1, "100", 10009],
      [1, "101", 10010],
      [1, "200", 86412022],
      [1, "200", 60000],
    ]);
    expect(await h.output("S2")).toEqual([
      [0, "0", 0, [0, 0]],
      [0, "1", 100010, [100010, 100010]],
      [0, "6", 10010, [10010, 10010]],
      [1, "101", 10010, [10010, 10010]],
      [1, "200", 86412022, [86412022, 86412022]],
    ]);
  });

  it("SESSION without GRACE PERIOD merges sessions, deleting the merged ones", async () => {
    const h = await ksql(`CREATE STREAM TEST (ID BIGINT KEY, VALUE bigint) WITH (kafka_topic='test_topic', value_format='DELIMITED', partitions=1);
      CREATE TABLE S2 as SELECT ID, max(value) FROM test WINDOW SESSION (30 SECONDS) group by id;`);
    await h.input("TEST", [
      [0, "0", 0],
      [0, "1", 70010],
      [0, "5", 10009],
      [0, "6", 10010],
      [1, "100", 10009],
      [1, "101", 10010],
      [1, "200", 86412022],
      [1, "200", 60000],
    ]);
    expect(await h.output("S2")).toEqual([
      [0, "0", 0, [0, 0]],
      [0, "1", 70010, [70010, 70010]],
      [0, null, 0, [0, 0]],
      [0, "5", 10009, [0, 10009]],
      [0, null, 10009, [0, 10009]],
      [0, "6", 10010, [0, 10010]],
      [1, "100", 10009, [10009, 10009]],
      [1, null, 10009, [10009, 10009]],
      [1, "101", 10010, [10009, 10010]],
      [1, "200", 86412022, [86412022, 86412022]],
      [1, "200", 60000, [60000, 60000]],
    ]);
  });

  it("EMIT FINAL on TUMBLING windows: what closed and is still in the store's retention, once", async () => {
    const create = (grace: number) => `CREATE STREAM INPUT (ID STRING KEY, COL1 STRING) WITH (kafka_topic='input_topic',value_format='JSON', partitions=1);
      CREATE TABLE OUTPUT AS SELECT ID, COUNT(*) as COUNT FROM INPUT WINDOW TUMBLING (SIZE 2 MILLISECONDS, GRACE PERIOD ${grace} MILLISECONDS) GROUP BY ID EMIT FINAL;`;
    const k1 = (...ts: number[]) => ts.map((t): [string, unknown, number] => ["k1", { COL1: "v1" }, t]);
    const final = await ksql(create(1));
    await final.input("INPUT", k1(0, 1, 2, 1, 0, 5));
    expect(await final.output("OUTPUT")).toEqual([["k1", { COUNT: 1 }, 2, [2, 4]]]);
    const jump = await ksql(create(2));
    await jump.input("INPUT", k1(0, 1, 2, 0, 3, 0, 10, 0, 30));
    expect(await jump.output("OUTPUT")).toEqual([]);
    const keys = await ksql(create(1));
    await keys.input("INPUT", [
      ["k1", { COL1: "v1" }, 0],
      ["k2", { COL1: "v1" }, 1],
      ["k1", { COL1: "v1" }, 2],
      ["k1", { COL1: "v1" }, 1],
      ["k2", { COL1: "v1" }, 0],
      ["k1", { COL1: "v1" }, 5],
      ["k1", { COL1: "v1" }, 0],
      ["k2", { COL1: "v1" }, 2],
    ]);
    expect(await keys.output("OUTPUT")).toEqual([["k1", { COUNT: 1 }, 2, [2, 4]]]);
  });

  it("EMIT FINAL without GRACE PERIOD closes each window at its end (a grace of 0, not the 24-hour default)", async () => {
    const h = await ksql(`CREATE STREAM INPUT (ID STRING KEY, COL1 STRING) WITH (kafka_topic='input_topic',value_format='JSON', partitions=1);
      CREATE TABLE OUTPUT AS SELECT ID, COUNT(*) as COUNT FROM INPUT WINDOW TUMBLING (SIZE 2 MILLISECONDS) GROUP BY ID EMIT FINAL;`);
    await h.input("INPUT", [
      ["k1", { COL1: "v1" }, 0],
      ["k1", { COL1: "v1" }, 1],
    ]);
    expect(await h.output("OUTPUT")).toEqual([]);
    await h.input("INPUT", [["k1", { COL1: "v1" }, 2]]);
    expect(await h.output("OUTPUT")).toEqual([["k1", { COUNT: 2 }, 1, [0, 2]]]);
  });

  it("EMIT FINAL on HOPPING windows: each window once, when stream time passes its end plus grace", async () => {
    const h = await ksql(`CREATE STREAM INPUT (ID STRING KEY, COL1 STRING) WITH (kafka_topic='input_topic',value_format='JSON', partitions=1);
      CREATE TABLE OUTPUT AS SELECT ID, COUNT(*) as COUNT FROM INPUT WINDOW HOPPING (SIZE 5 MILLISECONDS,ADVANCE BY 2 MILLISECONDS, GRACE PERIOD 1 MILLISECONDS) GROUP BY ID EMIT FINAL;`);
    await h.input("INPUT", [0, 1, 2, 1, 6, 5, 10].map((t): [string, unknown, number] => ["k1", { COL1: "v1" }, t]));
    expect(await h.output("OUTPUT")).toEqual([
      ["k1", { COUNT: 4 }, 2, [0, 5]],
      ["k1", { COUNT: 2 }, 6, [4, 9]],
    ]);
  });

  it("EMIT FINAL on SESSION windows: each session once, after its end plus gap plus grace", async () => {
    const h = await ksql(`CREATE STREAM INPUT (ID STRING KEY, COL1 STRING) WITH (kafka_topic='input_topic',value_format='JSON', partitions=1);
      CREATE TABLE OUTPUT AS SELECT ID, COUNT(*) as COUNT FROM INPUT WINDOW SESSION (5 MILLISECONDS, GRACE PERIOD 6 MILLISECONDS) GROUP BY ID EMIT FINAL;`);
    await h.input("INPUT", [0, 4, 8, 12, 14, 30, 29, 17, 42].map((t): [string, unknown, number] => ["k1", { COL1: "v1" }, t]));
    expect(await h.output("OUTPUT")).toEqual([
      ["k1", { COUNT: 5 }, 14, [0, 14]],
      ["k1", { COUNT: 2 }, 30, [29, 30]],
    ]);
  });

  it("RETENTION: checked against size (or gap) plus grace, and given to the sink topic as ksqlDB's topic injector does", async () => {
    const h = await ksql("CREATE STREAM S (ID STRING KEY, V INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
    const error = async (text: string) => (await h.sql.execute(text)).error?.message;
    expect(await error("CREATE TABLE T AS SELECT ID, COUNT(*) AS C FROM S WINDOW HOPPING (SIZE 10 SECONDS, ADVANCE BY 5 SECONDS, RETENTION 5 SECONDS, GRACE PERIOD 1 SECOND) GROUP BY ID;")).toBe(
      "The retention period of the window store Aggregate-Aggregate-Materialize must be no smaller than its window size plus the grace period. Got size=[10000], grace=[1000], retention=[5000]",
    );
    expect(await error("CREATE TABLE T AS SELECT ID, COUNT(*) AS C FROM S WINDOW SESSION (5 MINUTES, RETENTION 6 MINUTES, GRACE PERIOD 2 MINUTES) GROUP BY ID;")).toContain(
      "must be no smaller than the session inactivity gap plus the grace period. Got gap=[300000], grace=[120000], retention=[360000]",
    );
    const retention = (topic: string) => h.engine.broker.describeTopic(topic).config.find((c) => c.name === "retention.ms")!.value;
    await h.run(`CREATE TABLE LONG_RETENTION AS SELECT ID, COUNT(*) AS C FROM S WINDOW TUMBLING (SIZE 1 MINUTE, RETENTION 30 DAYS, GRACE PERIOD 1 MINUTE) GROUP BY ID;
      CREATE TABLE SHORT_RETENTION AS SELECT ID, COUNT(*) AS C FROM S WINDOW SESSION (1 MINUTE, RETENTION 1 HOUR, GRACE PERIOD 1 MINUTE) GROUP BY ID;
      CREATE STREAM COPY WITH (RETENTION_MS=3600000) AS SELECT * FROM S;`);
    expect(retention("LONG_RETENTION")).toBe("2592000000");
    expect(retention("SHORT_RETENTION")).toBe("604800000");
    expect(h.engine.broker.describeTopic("LONG_RETENTION").config.find((c) => c.name === "cleanup.policy")!.value).toBe("compact,delete");
    expect(retention("COPY")).toBe("3600000");
  });
});

describe("pull queries on windowed tables", () => {
  const aggregate = (window: string) =>
    `CREATE STREAM INPUT (ID STRING KEY, IGNORED INT) WITH (kafka_topic='test_topic', value_format='JSON', partitions=1);
    CREATE TABLE AGGREGATE AS SELECT ID, COUNT(1) AS COUNT FROM INPUT WINDOW ${window} GROUP BY ID;`;
  const select = "SELECT ID, WINDOWSTART, WINDOWEND, ROWTIME, COUNT FROM AGGREGATE WHERE";

  it("a key and an exact window start, or no bounds", async () => {
    const h = await ksql(aggregate("TUMBLING(SIZE 1 SECOND)"));
    await h.input("INPUT", [
      ["11", {}, 12345],
      ["10", {}, 11345],
      ["10", {}, 12345],
    ]);
    expect(await h.pull(`${select} ID='10' AND WindowStart=12000;`)).toEqual([["10", 12000, 13000, 12345, 1]]);
    expect(await h.pull(`${select} ID='10' AND WindowStart=13000;`)).toEqual([]);
    expect(await h.pull(`${select} ID='10';`)).toEqual([
      ["10", 11000, 12000, 11345, 1],
      ["10", 12000, 13000, 12345, 1],
    ]);
  });

  it("tumbling: ranges of WINDOWSTART and of WINDOWSTART and WINDOWEND", async () => {
    const h = await ksql(aggregate("TUMBLING(SIZE 1 SECOND)"));
    await h.input("INPUT", [
      ["11", {}, 12001],
      ["10", {}, 12345],
      ["10", {}, 12211],
      ["10", {}, 14253],
      ["10", {}, 15364],
    ]);
    expect(await h.pull(`${select} 100 <= WindowStart AND WindowStart < 200000 AND ID='10';`)).toEqual([
      ["10", 12000, 13000, 12345, 2],
      ["10", 14000, 15000, 14253, 1],
      ["10", 15000, 16000, 15364, 1],
    ]);
    expect(await h.pull(`${select} 12000 <= WindowStart AND WindowStart < 14000 AND ID='10';`)).toEqual([["10", 12000, 13000, 12345, 2]]);
    expect(await h.pull(`${select} 12000 < WindowStart AND WindowStart <= 14000 AND ID='10';`)).toEqual([["10", 14000, 15000, 14253, 1]]);
    expect(await h.pull(`${select} WindowStart > 17000 AND 11234756356 > WindowStart AND ID='10';`)).toEqual([]);
    expect(await h.pull(`${select} 12000 <= WindowStart AND WindowEnd < 14000 AND ID='10';`)).toEqual([["10", 12000, 13000, 12345, 2]]);
    expect(await h.pull(`${select} 12000 < WindowStart AND WindowEnd <= 15000 AND ID='10';`)).toEqual([["10", 14000, 15000, 14253, 1]]);
    expect(await h.pull(`${select} ID='10' AND WINDOWSTART BETWEEN 14000 AND 15000;`)).toEqual([
      ["10", 14000, 15000, 14253, 1],
      ["10", 15000, 16000, 15364, 1],
    ]);
  });

  it("hopping and session windows: ranges of WINDOWSTART", async () => {
    const hopping = await ksql(aggregate("HOPPING(SIZE 5 SECOND, ADVANCE BY 1 SECONDS)"));
    await hopping.input("INPUT", [
      ["11", {}, 10021],
      ["10", {}, 10345],
      ["10", {}, 13251],
    ]);
    expect(await hopping.pull(`${select} ID='10' AND 7000 <= WindowStart AND WindowStart < 11000;`)).toEqual([
      ["10", 7000, 12000, 10345, 1],
      ["10", 8000, 13000, 10345, 1],
      ["10", 9000, 14000, 13251, 2],
      ["10", 10000, 15000, 13251, 2],
    ]);
    expect(await hopping.pull(`${select} ID='10' AND 7000 < WindowStart AND WindowEnd <= 16000;`)).toEqual([
      ["10", 8000, 13000, 10345, 1],
      ["10", 9000, 14000, 13251, 2],
      ["10", 10000, 15000, 13251, 2],
      ["10", 11000, 16000, 13251, 1],
    ]);
    const session = await ksql(aggregate("SESSION(5 SECOND)"));
    await session.input("INPUT", [
      ["11", {}, 12345],
      ["10", {}, 8001],
      ["10", {}, 10456],
      ["10", {}, 19444],
    ]);
    expect(await session.pull(`${select} ID='10' AND 10 <= WindowStart AND WindowStart < 200000;`)).toEqual([
      ["10", 8001, 10456, 10456, 2],
      ["10", 19444, 19444, 19444, 1],
    ]);
    expect(await session.pull(`${select} ID='10' AND 8001 < WindowStart AND WindowEnd <= 19444;`)).toEqual([["10", 19444, 19444, 19444, 1]]);
  });

  it("window bounds given as date-time text", async () => {
    const t = parsePartialTimestamp("2020-02-23T23:50:00.000");
    const h = await ksql(aggregate("TUMBLING(SIZE 1 SECOND)"), t + 7_200_000);
    await h.input("INPUT", [
      ["10", {}, t],
      ["10", {}, t + 3_600_000],
    ]);
    expect(await h.pull(`${select} ID='10' AND WindowStart >= '2020-02-23T23:45:12.000' AND WindowEnd < '2020-02-23T23:55:12.000';`)).toEqual([["10", t, t + 1000, t, 1]]);
    expect(await h.pull(`${select} ID='10' AND WindowStart >= '2020-02-24';`)).toEqual([["10", t + 3_600_000, t + 3_601_000, t + 3_600_000, 1]]);
    expect(await h.pull(`${select} ID='10' AND WindowStart >= '2020-02-24T01:50:00.000+0100';`)).toEqual([["10", t + 3_600_000, t + 3_601_000, t + 3_600_000, 1]]);
    expect((await h.sql.execute(`${select} ID='10' AND WindowStart >= 'yesterday';`)).error?.message).toContain("Failed to parse timestamp 'yesterday'");
  });
});

describe("joins", () => {
  it("a table-table FULL OUTER JOIN emits a row for either side, keyed by ROWKEY", async () => {
    const h = await ksql(`CREATE TABLE TEST (id BIGINT PRIMARY KEY, name VARCHAR, value BIGINT) WITH (kafka_topic='left_topic', value_format='JSON', partitions=1);
      CREATE TABLE TEST_TABLE (id BIGINT PRIMARY KEY, f1 VARCHAR, f2 BIGINT) WITH (kafka_topic='right_topic', value_format='JSON', partitions=1);
      CREATE TABLE OUTER_JOIN as SELECT ROWKEY AS ID, name, value, f1, f2 FROM test t FULL OUTER join TEST_TABLE tt on t.id = tt.id;`);
    const inputs: [string, number, unknown, number][] = [
      ["TEST", 0, { NAME: "zero", VALUE: 0 }, 0],
      ["TEST_TABLE", 0, { F1: "blah", F2: 50 }, 10000],
      ["TEST", 10, { NAME: "100", VALUE: 5 }, 11000],
      ["TEST", 0, { NAME: "foo", VALUE: 100 }, 13000],
      ["TEST_TABLE", 0, { F1: "a", F2: 10 }, 15000],
      ["TEST_TABLE", 15, { F1: "c", F2: 20 }, 15500],
      ["TEST", 0, { NAME: "bar", VALUE: 99 }, 16000],
    ];
    for (const [source, key, value, ts] of inputs) await h.input(source, [[key, value, ts]]);
    expect(await h.output("OUTER_JOIN")).toEqual([
      [0, { NAME: "zero", VALUE: 0, F1: null, F2: null }, 0],
      [0, { NAME: "zero", VALUE: 0, F1: "blah", F2: 50 }, 10000],
      [10, { NAME: "100", VALUE: 5, F1: null, F2: null }, 11000],
      [0, { NAME: "foo", VALUE: 100, F1: "blah", F2: 50 }, 13000],
      [0, { NAME: "foo", VALUE: 100, F1: "a", F2: 10 }, 15000],
      [15, { NAME: null, VALUE: null, F1: "c", F2: 20 }, 15500],
      [0, { NAME: "bar", VALUE: 99, F1: "a", F2: 10 }, 16000],
    ]);
  });

  it("a stream-stream FULL OUTER JOIN WITHIN 11 seconds", async () => {
    const h = await ksql(`CREATE STREAM TEST (ID BIGINT KEY, NAME varchar, VALUE bigint) WITH (kafka_topic='left_topic', value_format='JSON', partitions=1);
      CREATE STREAM TEST_STREAM (ID BIGINT KEY, F1 varchar, F2 bigint) WITH (kafka_topic='right_topic', value_format='JSON', partitions=1);
      CREATE STREAM OUTPUT as SELECT * FROM test t FULL OUTER join TEST_STREAM tt WITHIN 11 seconds on t.id = tt.id;`);
    const inputs: [string, number, unknown, number][] = [
      ["TEST", 0, { NAME: "zero", VALUE: 0 }, 0],
      ["TEST_STREAM", 0, { F1: "blah", F2: 50 }, 10000],
      ["TEST", 10, { NAME: "100", VALUE: 5 }, 11000],
      ["TEST", 0, { NAME: "foo", VALUE: 100 }, 13000],
      ["TEST_STREAM", 0, { F1: "a", F2: 10 }, 15000],
      ["TEST", 0, { NAME: "bar", VALUE: 99 }, 30000],
      ["TEST", 90, { NAME: "ninety", VALUE: 90 }, 17000],
      ["TEST_STREAM", 100, { F1: "newblah", F2: 150 }, 20000],
    ];
    for (const [source, key, value, ts] of inputs) await h.input(source, [[key, value, ts]]);
    const none = { TT_ID: null, TT_F1: null, TT_F2: null };
    expect(await h.output("OUTPUT")).toEqual([
      [0, { T_ID: 0, T_NAME: "zero", T_VALUE: 0, ...none }, 0],
      [0, { T_ID: 0, T_NAME: "zero", T_VALUE: 0, TT_ID: 0, TT_F1: "blah", TT_F2: 50 }, 10000],
      [10, { T_ID: 10, T_NAME: "100", T_VALUE: 5, ...none }, 11000],
      [0, { T_ID: 0, T_NAME: "foo", T_VALUE: 100, TT_ID: 0, TT_F1: "blah", TT_F2: 50 }, 13000],
      [0, { T_ID: 0, T_NAME: "foo", T_VALUE: 100, TT_ID: 0, TT_F1: "a", TT_F2: 10 }, 15000],
      [0, { T_ID: 0, T_NAME: "bar", T_VALUE: 99, ...none }, 30000],
      [90, { T_ID: 90, T_NAME: "ninety", T_VALUE: 90, ...none }, 17000],
      [100, { T_ID: null, T_NAME: null, T_VALUE: null, TT_ID: 100, TT_F1: "newblah", TT_F2: 150 }, 20000],
    ]);
  });
});
