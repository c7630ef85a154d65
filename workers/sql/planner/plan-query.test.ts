/**
 * Persistent queries end to end through the topology test driver. Expected outputs are
 * ksqlDB's, as its query-validation tests record them (same statements, inputs, outputs).
 */
import { describe, expect, it } from "vitest";
import { formatSchema } from "./schema";
import { QttHarness, type QttOutput } from "./testing/qtt-harness";

const kv = (rows: QttOutput[]) => rows.map((r) => [r.key, r.value]);
const kvt = (rows: QttOutput[]) => rows.map((r) => [r.key, r.value, r.timestamp]);
const kvw = (rows: QttOutput[]) => rows.map((r) => [r.key, r.value, r.timestamp, r.window ? [r.window.start, r.window.end] : undefined]);

describe("projection and filter", () => {
  it("passes null values of a stream through a projection, drops them in a filter", () => {
    const h = new QttHarness({ test_topic: 1 });
    h.execute(`CREATE STREAM INPUT (ID INT KEY, NAME STRING) WITH (kafka_topic='test_topic', value_format='JSON');
      CREATE STREAM OUTPUT AS SELECT * FROM INPUT;
      CREATE STREAM FILTERED AS SELECT * FROM INPUT WHERE NAME IS NULL;`);
    h.input({ topic: "test_topic", key: 1, value: null }, { topic: "test_topic", key: 2, value: { NAME: null } });
    expect(kv(h.output("OUTPUT"))).toEqual([
      [1, null],
      [2, { NAME: null }],
    ]);
    expect(kv(h.output("FILTERED"))).toEqual([[2, { NAME: null }]]);
  });

  it("names expressions KSQL_COL_n and compares with null as false", () => {
    const h = new QttHarness({ test_topic: 1 });
    h.execute(`CREATE STREAM INPUT (ID INT KEY, COL0 BIGINT) WITH (kafka_topic='test_topic', value_format='JSON');
      CREATE STREAM OUTPUT AS SELECT ID, ID = COL0, NULL IS NULL FROM INPUT;`);
    h.input({ topic: "test_topic", key: null, value: { COL0: 12344 } }, { topic: "test_topic", key: null, value: { COL0: null } }, { topic: "test_topic", key: 0, value: {} });
    expect(kv(h.output("OUTPUT"))).toEqual([
      [null, { KSQL_COL_0: false, KSQL_COL_1: true }],
      [null, { KSQL_COL_0: false, KSQL_COL_1: true }],
      [0, { KSQL_COL_0: false, KSQL_COL_1: true }],
    ]);
  });

  it("reads the pseudo columns ROWTIME, ROWPARTITION and ROWOFFSET", () => {
    const h = new QttHarness({ t: 1 });
    h.execute(`CREATE STREAM S (ID INT KEY, V INT) WITH (kafka_topic='t', value_format='JSON');
      CREATE STREAM O AS SELECT ID, ROWTIME AS T, ROWPARTITION AS P, ROWOFFSET AS OFF, V FROM S;`);
    h.input({ topic: "t", key: 1, value: { V: 10 }, timestamp: 500 }, { topic: "t", key: 2, value: { V: 20 }, timestamp: 700 });
    expect(kv(h.output("O"))).toEqual([
      [1, { T: 500, P: 0, OFF: 0, V: 10 }],
      [2, { T: 700, P: 0, OFF: 1, V: 20 }],
    ]);
  });

  it("reads and writes DELIMITED", () => {
    const h = new QttHarness({ test_topic: 1 });
    h.execute(`CREATE STREAM TEST (ID BIGINT KEY, NAME varchar, VALUE bigint) WITH (kafka_topic='test_topic', value_format='DELIMITED');
      CREATE STREAM OUT AS SELECT ID, VALUE * 2 AS DOUBLED, NAME FROM TEST WHERE VALUE > 0;`);
    h.input({ topic: "test_topic", key: 0, value: "zero,0" }, { topic: "test_topic", key: 1, value: "one,101" }, { topic: "test_topic", key: 2, value: "bad,x" });
    expect(kv(h.output("OUT"))).toEqual([[1, "202,one"]]);
    expect(h.processingLog.map((e) => e.message)).toEqual([expect.stringContaining("Could not parse 'x' as BIGINT")]);
  });

  it("requires the key in the projection of a persistent query", () => {
    const h = new QttHarness({ input: 1 });
    h.execute("CREATE STREAM INPUT (ID INT KEY, NAME STRING) WITH (kafka_topic='input', value_format='JSON');");
    expect(() => h.execute("CREATE STREAM OUTPUT AS SELECT NAME FROM INPUT;")).toThrow(
      "The query used to build `OUTPUT` must include the key column INPUT.ID in its projection (eg, SELECT ID...).",
    );
  });
});

describe("PARTITION BY", () => {
  it("re-keys by a value column; the old key becomes a value column", () => {
    const h = new QttHarness({ input: 1 });
    h.execute(`CREATE STREAM INPUT (ID INT KEY, NAME STRING, AGE INT) with (kafka_topic='input', value_format='JSON');
      CREATE STREAM OUTPUT AS select * from INPUT partition by NAME;`);
    h.input({ topic: "input", key: 10, value: { NAME: "bob", AGE: 22 } });
    expect(kv(h.output("OUTPUT"))).toEqual([["bob", { ID: 10, AGE: 22 }]]);
  });

  it("keys by an expression, null rows to a null key", () => {
    const h = new QttHarness({ test_topic: 1 });
    h.execute(`CREATE STREAM INPUT (ID INT KEY, NAME STRING, VAL STRING) WITH (kafka_topic='test_topic', format='JSON');
      CREATE STREAM OUTPUT AS SELECT * FROM INPUT PARTITION BY (NAME IS NULL);`);
    h.input(
      { topic: "test_topic", timestamp: 1, key: 1, value: null },
      { topic: "test_topic", timestamp: 2, key: 2, value: { NAME: null, VAL: "a" } },
      { topic: "test_topic", timestamp: 3, key: 3, value: { NAME: "n", VAL: "b" } },
    );
    expect(kvt(h.output("OUTPUT"))).toEqual([
      [null, null, 1],
      [true, { NAME: null, ID: 2, VAL: "a" }, 2],
      [false, { NAME: "n", ID: 3, VAL: "b" }, 3],
    ]);
  });

  it("keys a null value by an expression of the old key alone", () => {
    const h = new QttHarness({ test_topic: 1 });
    h.execute(`CREATE STREAM TEST (K BIGINT KEY, ID bigint, NAME varchar, VALUE bigint) with (kafka_topic='test_topic', value_format = 'delimited');
      CREATE STREAM REPARTITIONED AS select K + 2, ID, NAME, VALUE from TEST partition by K + 2;
      CREATE STREAM BY_ABS AS select ABS(K), ID, NAME, VALUE from TEST partition by ABS(K);
      CREATE STREAM BY_NAME AS select * from TEST partition by NAME;`);
    h.input({ topic: "test_topic", key: -1, value: null }, { topic: "test_topic", key: -1, value: "0,zero,50" });
    expect(kv(h.output("REPARTITIONED"))).toEqual([
      [1, null],
      [1, "0,zero,50"],
    ]);
    expect(kv(h.output("BY_ABS"))).toEqual([
      [1, null],
      [1, "0,zero,50"],
    ]);
    expect(kv(h.output("BY_NAME"))).toEqual([
      [null, null],
      ["zero", "0,50,-1"],
    ]);
  });

  it("PARTITION BY NULL leaves a keyless stream, the old key a value column", () => {
    const h = new QttHarness({ input: 1 });
    h.execute(`CREATE STREAM INPUT (ID INT KEY, NAME STRING) with (kafka_topic='input', value_format='JSON');
      CREATE STREAM OUTPUT AS SELECT ID, NAME from INPUT partition by null;`);
    h.input({ topic: "input", key: 10, value: { NAME: "bob" } });
    expect(kv(h.output("OUTPUT"))).toEqual([[null, { NAME: "bob", ID: 10 }]]);
    expect(formatSchema(h.metastore.getSource("OUTPUT")!.schema)).toBe("`ID` INTEGER, `NAME` STRING");
    expect(() => h.execute("CREATE STREAM O2 AS SELECT * FROM INPUT PARTITION BY NAME, NULL;")).toThrow("Cannot PARTITION BY multiple columns including NULL");
  });

  it("names a struct field key after the field", () => {
    const h = new QttHarness({ input: 1 });
    h.execute(`CREATE STREAM INPUT (ID INT KEY, ADDRESS STRUCT<STREET STRING, TOWN STRING>, AGE INT) with (kafka_topic='input', value_format='JSON');
      CREATE STREAM OUTPUT AS select * from INPUT partition by ADDRESS->TOWN;`);
    h.input({ topic: "input", key: 10, value: { ADDRESS: { STREET: "1st Steet", Town: "Oxford" }, AGE: 22 } });
    expect(kv(h.output("OUTPUT"))).toEqual([["Oxford", { ID: 10, ADDRESS: { STREET: "1st Steet", TOWN: "Oxford" }, AGE: 22 }]]);
    expect(h.metastore.getSource("OUTPUT")!.schema.key.map((c) => c.name)).toEqual(["TOWN"]);
  });
});

describe("GROUP BY", () => {
  it("drops null rows and null group keys", () => {
    const h = new QttHarness({ test_topic: 1 });
    h.execute(`CREATE STREAM INPUT (NAME STRING) WITH (kafka_topic='test_topic', value_format='JSON');
      CREATE TABLE OUTPUT AS SELECT NAME, COUNT() AS COUNT FROM INPUT GROUP BY NAME;`);
    h.input({ topic: "test_topic", timestamp: 1, value: null }, { topic: "test_topic", timestamp: 2, value: { NAME: null } }, { topic: "test_topic", timestamp: 3, value: { NAME: "n" } });
    expect(kvt(h.output("OUTPUT"))).toEqual([["n", { COUNT: 1 }, 3]]);
    expect(h.processingLog.map((e) => e.message)).toEqual(["Group-by column with index 0 resolved to null. The source row will be excluded from the table."]);
  });

  it("counts per key with a repartition named Aggregate-GroupBy", () => {
    const h = new QttHarness({ test_topic: 1 });
    h.execute(`CREATE STREAM TEST (K STRING KEY, DATA STRING) WITH (KAFKA_TOPIC='test_topic', KEY_FORMAT='KAFKA', VALUE_FORMAT='DELIMITED');
      CREATE TABLE OUTPUT AS SELECT DATA, COUNT(*) FROM TEST GROUP BY DATA;`);
    h.input({ topic: "test_topic", key: "1", value: "d1" }, { topic: "test_topic", key: "2", value: "d2" }, { topic: "test_topic", key: "3", value: "d1" });
    expect(kv(h.output("OUTPUT"))).toEqual([
      ["d1", 1],
      ["d2", 1],
      ["d1", 2],
    ]);
    const desc = h.driverFor("CTAS_OUTPUT_1")!;
    expect([...desc.producedTopicNames()]).toContain("_confluent-ksql-default_query_CTAS_OUTPUT_1-Aggregate-GroupBy-repartition");
    expect(h.metastore.getSource("OUTPUT")!.schema).toEqual({ key: [{ name: "DATA", type: { base: "STRING" } }], value: [{ name: "KSQL_COL_0", type: { base: "BIGINT" } }] });
  });

  it("aggregates a table with undo: a changed row moves between groups", () => {
    const h = new QttHarness({ test_topic: 1 });
    h.execute(`CREATE TABLE TEST (ID INT PRIMARY KEY, USER INT, REGION STRING) WITH (KAFKA_TOPIC='test_topic', VALUE_FORMAT='DELIMITED');
      CREATE TABLE OUTPUT AS SELECT REGION, COUNT(*) AS C, SUM(USER) AS S FROM TEST GROUP BY REGION;`);
    h.input({ topic: "test_topic", key: 1, value: "10,r0" }, { topic: "test_topic", key: 2, value: "20,r0" }, { topic: "test_topic", key: 1, value: "10,r1" }, { topic: "test_topic", key: 2, value: null });
    expect(kv(h.output("OUTPUT"))).toEqual([
      ["r0", "1,10"],
      ["r0", "2,30"],
      ["r0", "1,20"],
      ["r1", "1,10"],
      ["r0", "0,0"],
    ]);
  });

  it("refuses aggregates that cannot undo over a table", () => {
    const h = new QttHarness({ t: 1 });
    h.execute("CREATE TABLE T (ID INT PRIMARY KEY, V INT, R STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');");
    expect(() => h.execute("CREATE TABLE O AS SELECT R, MAX(V) FROM T GROUP BY R;")).toThrow("The aggregation function MAX cannot be applied to a table source, only to a stream source.");
  });

  it("refuses non-aggregate columns outside GROUP BY", () => {
    const h = new QttHarness({ t: 1 });
    h.execute("CREATE STREAM S (ID INT KEY, V INT, R STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');");
    expect(() => h.execute("CREATE TABLE O AS SELECT R, V, COUNT(*) FROM S GROUP BY R;")).toThrow("Non-aggregate SELECT expression(s) not part of GROUP BY: V");
  });

  it("HAVING turns rows that stop passing into tombstones", () => {
    const h = new QttHarness({ test_topic: 1 });
    h.execute(`CREATE STREAM TEST (ID BIGINT KEY, NAME varchar, VALUE bigint) WITH (kafka_topic='test_topic', value_format='DELIMITED');
      CREATE TABLE T1 as select id, sum(value) as sum from test WINDOW TUMBLING (SIZE 30 SECONDS) group by id HAVING sum(value) > 100;`);
    h.input({ topic: "test_topic", key: 0, value: "zero,0" }, { topic: "test_topic", key: 1, value: "one,101" }, { topic: "test_topic", key: 1, value: "one,-5" });
    expect(kvw(h.output("T1"))).toEqual([
      [1, 101, 0, [0, 30000]],
      [1, null, 0, [0, 30000]],
    ]);
  });
});

describe("windows", () => {
  it("tumbling windows with the default grace of 24 hours minus the size", () => {
    const h = new QttHarness({ test_topic: 1 });
    h.execute(`CREATE STREAM TEST (ID BIGINT KEY, VALUE bigint) WITH (kafka_topic='test_topic', value_format='DELIMITED');
      CREATE TABLE S2 as SELECT ID, max(value) FROM test WINDOW TUMBLING (SIZE 30 SECONDS) group by id;`);
    const ts = [0, 89999, 10009, 90000, 10010, 10009, 30000, 86412022, 60000];
    const keys = [0, 0, 0, 0, 0, 1, 1, 1, 1];
    const values = ["0", "1", "5", "0", "6", "100", "101", "200", "200"];
    h.input(...ts.map((t, i) => ({ topic: "test_topic", key: keys[i], value: values[i]!, timestamp: t })));
    expect(kvw(h.output("S2"))).toEqual([
      [0, 0, 0, [0, 30000]],
      [0, 1, 89999, [60000, 90000]],
      [0, 5, 10009, [0, 30000]],
      [0, 0, 90000, [90000, 120000]],
      [0, 6, 10010, [0, 30000]],
      [1, 100, 10009, [0, 30000]],
      [1, 101, 30000, [30000, 60000]],
      [1, 200, 86412022, [86400000, 86430000]],
      [1, 200, 60000, [60000, 90000]],
    ]);
  });

  it("tumbling windows with an explicit grace period drop late records", () => {
    const h = new QttHarness({ test_topic: 1 });
    h.execute(`CREATE STREAM TEST (ID BIGINT KEY, VALUE bigint) WITH (kafka_topic='test_topic', value_format='DELIMITED');
      CREATE TABLE S2 as SELECT ID, max(value) FROM test WINDOW TUMBLING (SIZE 30 SECONDS, GRACE PERIOD 1 MINUTE) group by id;`);
    const ts = [0, 89999, 10009, 90000, 10010, 10009, 30000, 86412022, 60000];
    const keys = [0, 0, 0, 0, 0, 1, 1, 1, 1];
    const values = ["0", "1", "5", "0", "6", "100", "101", "200", "200"];
    h.input(...ts.map((t, i) => ({ topic: "test_topic", key: keys[i], value: values[i]!, timestamp: t })));
    expect(kvw(h.output("S2"))).toEqual([
      [0, 0, 0, [0, 30000]],
      [0, 1, 89999, [60000, 90000]],
      [0, 5, 10009, [0, 30000]],
      [0, 0, 90000, [90000, 120000]],
      [1, 101, 30000, [30000, 60000]],
      [1, 200, 86412022, [86400000, 86430000]],
    ]);
  });

  it("session windows with grace", () => {
    const h = new QttHarness({ test_topic: 1 });
    h.execute(`CREATE STREAM TEST (ID BIGINT KEY, VALUE bigint) WITH (kafka_topic='test_topic', value_format='DELIMITED');
      CREATE TABLE S2 as SELECT ID, max(value) FROM test WINDOW SESSION (30 SECONDS, GRACE PERIOD 1 MINUTE) group by id;`);
    const ts = [0, 100010, 10009, 10010, 10009, 10010, 86412022, 60000];
    const keys = [0, 0, 0, 0, 1, 1, 1, 1];
    const values = ["0", "1", "5", "6", "100", "101", "200", "200"];
    h.input(...ts.map((t, i) => ({ topic: "test_topic", key: keys[i], value: values[i]!, timestamp: t })));
    expect(kvw(h.output("S2"))).toEqual([
      [0, 0, 0, [0, 0]],
      [0, 1, 100010, [100010, 100010]],
      [0, 6, 10010, [10010, 10010]],
      [1, 101, 10010, [10010, 10010]],
      [1, 200, 86412022, [86412022, 86412022]],
    ]);
  });

  // ksqlDB 6.1 to 7.1 emit both windows (as here); 7.3+ lose [0,2) to window store retention.
  it("EMIT FINAL emits each window once, when it closes", () => {
    const h = new QttHarness({ input_topic: 1 });
    h.execute(`CREATE STREAM INPUT (ID STRING KEY, COL1 STRING) WITH (kafka_topic='input_topic', value_format='JSON');
      CREATE TABLE OUTPUT AS SELECT ID, COUNT(*) AS COUNT FROM INPUT WINDOW TUMBLING (SIZE 2 MILLISECONDS, GRACE PERIOD 1 MILLISECOND) GROUP BY ID EMIT FINAL;`);
    h.input(...[0, 1, 2, 1, 0, 5].map((t) => ({ topic: "input_topic", key: "k1", value: { COL1: "v1" }, timestamp: t })));
    // ksqlDB's recorded output: [0, 2) closed when stream time reached 5, but had also left
    // the store's retention (size + grace, counted from the newest window start, 4).
    expect(kvw(h.output("OUTPUT"))).toEqual([["k1", { COUNT: 1 }, 2, [2, 4]]]);
  });

  it("selects WINDOWSTART and WINDOWEND", () => {
    const h = new QttHarness({ t: 1 });
    h.execute(`CREATE STREAM S (ID STRING KEY, V INT) WITH (kafka_topic='t', value_format='JSON');
      CREATE TABLE O AS SELECT ID, WINDOWSTART AS WS, WINDOWEND AS WE, COUNT(*) AS N FROM S WINDOW HOPPING (SIZE 10 SECONDS, ADVANCE BY 5 SECONDS) GROUP BY ID;`);
    h.input({ topic: "t", key: "a", value: { V: 1 }, timestamp: 12000 });
    expect(kvw(h.output("O"))).toEqual([
      ["a", { WS: 5000, WE: 15000, N: 1 }, 12000, [5000, 15000]],
      ["a", { WS: 10000, WE: 20000, N: 1 }, 12000, [10000, 20000]],
    ]);
  });
});

describe("joins", () => {
  const streamStreamInputs = (h: QttHarness) =>
    h.input(
      { topic: "left_topic", key: 0, value: { NAME: "zero", VALUE: 0 }, timestamp: 0 },
      { topic: "right_topic", key: 0, value: { F1: "blah", F2: 50 }, timestamp: 10000 },
      { topic: "left_topic", key: 10, value: { NAME: "100", VALUE: 5 }, timestamp: 11000 },
      { topic: "left_topic", key: 0, value: { NAME: "foo", VALUE: 100 }, timestamp: 13000 },
      { topic: "right_topic", key: 0, value: { F1: "a", F2: 10 }, timestamp: 15000 },
      { topic: "right_topic", key: 100, value: { F1: "newblah", F2: 150 }, timestamp: 16000 },
      { topic: "left_topic", key: 90, value: { NAME: "ninety", VALUE: 90 }, timestamp: 17000 },
      { topic: "left_topic", key: 0, value: { NAME: "bar", VALUE: 99 }, timestamp: 30000 },
    );

  it("stream-stream left join without grace emits (left, null) at once", () => {
    const h = new QttHarness({ left_topic: 1, right_topic: 1 });
    h.execute(`CREATE STREAM TEST (ID BIGINT KEY, NAME varchar, VALUE bigint) WITH (kafka_topic='left_topic', value_format='JSON');
      CREATE STREAM TEST_STREAM (ID BIGINT KEY, F1 varchar, F2 bigint) WITH (kafka_topic='right_topic', value_format='JSON');
      CREATE STREAM OUTPUT as SELECT t.id, name, value, f1, f2 FROM test t left join TEST_STREAM tt WITHIN 11 seconds ON t.id = tt.id;`);
    streamStreamInputs(h);
    expect(kvt(h.output("OUTPUT"))).toEqual([
      [0, { NAME: "zero", VALUE: 0, F1: null, F2: null }, 0],
      [0, { NAME: "zero", VALUE: 0, F1: "blah", F2: 50 }, 10000],
      [10, { NAME: "100", VALUE: 5, F1: null, F2: null }, 11000],
      [0, { NAME: "foo", VALUE: 100, F1: "blah", F2: 50 }, 13000],
      [0, { NAME: "foo", VALUE: 100, F1: "a", F2: 10 }, 15000],
      [90, { NAME: "ninety", VALUE: 90, F1: null, F2: null }, 17000],
      [0, { NAME: "bar", VALUE: 99, F1: null, F2: null }, 30000],
    ]);
  });

  it("stream-stream inner join with a grace period", () => {
    const h = new QttHarness({ left_topic: 1, right_topic: 1 });
    h.execute(`CREATE STREAM LEFT_STREAM (id BIGINT KEY, l1 VARCHAR) WITH (kafka_topic='left_topic', value_format='JSON');
      CREATE STREAM RIGHT_STREAM (id BIGINT KEY, l2 VARCHAR) WITH (kafka_topic='right_topic', value_format='JSON');
      CREATE STREAM INNER_JOIN as SELECT t.id, l1, l2 FROM LEFT_STREAM t join RIGHT_STREAM tt WITHIN 1 minute GRACE PERIOD 1 minute on t.id = tt.id;`);
    h.input(
      { topic: "left_topic", key: 0, value: { L1: "A" }, timestamp: 0 },
      { topic: "right_topic", key: 0, value: { L2: "a" }, timestamp: 60000 },
      { topic: "left_topic", key: 1, value: { L1: "B" }, timestamp: 330000 },
      { topic: "left_topic", key: 2, value: { L1: "C" }, timestamp: 90000 },
      { topic: "right_topic", key: 2, value: { L2: "c" }, timestamp: 90000 },
      { topic: "left_topic", key: 3, value: { L1: "D" }, timestamp: 60000 },
      { topic: "right_topic", key: 3, value: { L2: "d" }, timestamp: 60000 },
    );
    expect(kvt(h.output("INNER_JOIN"))).toEqual([[0, { L1: "A", L2: "a" }, 60000]]);
  });

  it("stream-table left join looks up the table's current row", () => {
    const h = new QttHarness({ test_topic: 1, test_table: 1 });
    h.execute(`CREATE STREAM TEST (ID BIGINT KEY, NAME varchar, VALUE bigint) WITH (kafka_topic='test_topic', value_format='JSON');
      CREATE TABLE TEST_TABLE (id BIGINT PRIMARY KEY, f1 VARCHAR, f2 BIGINT) WITH (kafka_topic='test_table', value_format='JSON');
      CREATE STREAM LEFT_JOIN as SELECT t.id, name, value, f1, f2 FROM test t left join test_table tt on t.id = tt.id;`);
    h.input(
      { topic: "test_table", key: 0, value: { F1: "zero", F2: 0 }, timestamp: 0 },
      { topic: "test_table", key: 10, value: { F1: "100", F2: 5 }, timestamp: 10000 },
      { topic: "test_topic", key: 0, value: { NAME: "blah", VALUE: 50 }, timestamp: 10000 },
      { topic: "test_topic", key: 0, value: { NAME: "foo", VALUE: 100 }, timestamp: 10000 },
      { topic: "test_table", key: 0, value: { F1: "a", F2: 10 }, timestamp: 15000 },
      { topic: "test_topic", key: 0, value: { NAME: "bar", VALUE: 99 }, timestamp: 15000 },
      { topic: "test_topic", key: 90, value: { NAME: "ninety", VALUE: 90 }, timestamp: 15000 },
    );
    expect(kvt(h.output("LEFT_JOIN"))).toEqual([
      [0, { NAME: "blah", VALUE: 50, F1: "zero", F2: 0 }, 10000],
      [0, { NAME: "foo", VALUE: 100, F1: "zero", F2: 0 }, 10000],
      [0, { NAME: "bar", VALUE: 99, F1: "a", F2: 10 }, 15000],
      [90, { NAME: "ninety", VALUE: 90, F1: null, F2: null }, 15000],
    ]);
  });

  it("table-table full outer join keyed by ROWKEY", () => {
    const h = new QttHarness({ left_topic: 1, right_topic: 1 });
    h.execute(`CREATE TABLE TEST (id BIGINT PRIMARY KEY, name VARCHAR, value BIGINT) WITH (kafka_topic='left_topic', value_format='JSON');
      CREATE TABLE TEST_TABLE (id BIGINT PRIMARY KEY, f1 VARCHAR, f2 BIGINT) WITH (kafka_topic='right_topic', value_format='JSON');
      CREATE TABLE OUTER_JOIN as SELECT ROWKEY AS ID, name, value, f1, f2 FROM test t FULL OUTER join TEST_TABLE tt on t.id = tt.id;`);
    h.input(
      { topic: "left_topic", key: 0, value: { NAME: "zero", VALUE: 0 }, timestamp: 0 },
      { topic: "right_topic", key: 0, value: { F1: "blah", F2: 50 }, timestamp: 10000 },
      { topic: "left_topic", key: 10, value: { NAME: "100", VALUE: 5 }, timestamp: 11000 },
      { topic: "left_topic", key: 0, value: { NAME: "foo", VALUE: 100 }, timestamp: 13000 },
      { topic: "right_topic", key: 0, value: { F1: "a", F2: 10 }, timestamp: 15000 },
      { topic: "right_topic", key: 15, value: { F1: "c", F2: 20 }, timestamp: 15500 },
      { topic: "left_topic", key: 0, value: { NAME: "bar", VALUE: 99 }, timestamp: 16000 },
    );
    expect(kvt(h.output("OUTER_JOIN"))).toEqual([
      [0, { NAME: "zero", VALUE: 0, F1: null, F2: null }, 0],
      [0, { NAME: "zero", VALUE: 0, F1: "blah", F2: 50 }, 10000],
      [10, { NAME: "100", VALUE: 5, F1: null, F2: null }, 11000],
      [0, { NAME: "foo", VALUE: 100, F1: "blah", F2: 50 }, 13000],
      [0, { NAME: "foo", VALUE: 100, F1: "a", F2: 10 }, 15000],
      [15, { NAME: null, VALUE: null, F1: "c", F2: 20 }, 15500],
      [0, { NAME: "bar", VALUE: 99, F1: "a", F2: 10 }, 16000],
    ]);
  });

  it("stream-stream RIGHT join emits unmatched right records at once", () => {
    const h = new QttHarness({ left_topic: 1, right_topic: 1 });
    h.execute(`CREATE STREAM TEST (id BIGINT KEY, name VARCHAR, value BIGINT) WITH (kafka_topic='left_topic', value_format='JSON');
      CREATE STREAM TEST_STREAM (id BIGINT KEY, f1 VARCHAR, f2 BIGINT) WITH (kafka_topic='right_topic', value_format='JSON');
      CREATE STREAM OUTPUT as SELECT t.id, name, value, f1, f2 FROM test t RIGHT JOIN TEST_STREAM tt WITHIN 11 seconds ON t.id = tt.id;`);
    streamStreamInputs(h);
    expect(kvt(h.output("OUTPUT"))).toEqual([
      [0, { NAME: "zero", VALUE: 0, F1: "blah", F2: 50 }, 10000],
      [0, { NAME: "foo", VALUE: 100, F1: "blah", F2: 50 }, 13000],
      [0, { NAME: "foo", VALUE: 100, F1: "a", F2: 10 }, 15000],
      [100, { NAME: null, VALUE: null, F1: "newblah", F2: 150 }, 16000],
    ]);
  });

  it("stream-stream FULL OUTER join keyed by ROWKEY, SELECT * with both sides' columns", () => {
    const h = new QttHarness({ left_topic: 1, right_topic: 1 });
    h.execute(`CREATE STREAM TEST (ID BIGINT KEY, NAME varchar, VALUE bigint) WITH (kafka_topic='left_topic', value_format='JSON');
      CREATE STREAM TEST_STREAM (ID BIGINT KEY, F1 varchar, F2 bigint) WITH (kafka_topic='right_topic', value_format='JSON');
      CREATE STREAM OUTPUT as SELECT * FROM test t FULL OUTER join TEST_STREAM tt WITHIN 11 seconds on t.id = tt.id;`);
    h.input(
      { topic: "left_topic", key: 0, value: { NAME: "zero", VALUE: 0 }, timestamp: 0 },
      { topic: "right_topic", key: 0, value: { F1: "blah", F2: 50 }, timestamp: 10000 },
      { topic: "left_topic", key: 10, value: { NAME: "100", VALUE: 5 }, timestamp: 11000 },
      { topic: "left_topic", key: 0, value: { NAME: "foo", VALUE: 100 }, timestamp: 13000 },
      { topic: "right_topic", key: 0, value: { F1: "a", F2: 10 }, timestamp: 15000 },
      { topic: "left_topic", key: 0, value: { NAME: "bar", VALUE: 99 }, timestamp: 30000 },
      { topic: "left_topic", key: 90, value: { NAME: "ninety", VALUE: 90 }, timestamp: 17000 },
      { topic: "right_topic", key: 100, value: { F1: "newblah", F2: 150 }, timestamp: 20000 },
    );
    const none = { TT_ID: null, TT_F1: null, TT_F2: null };
    expect(kvt(h.output("OUTPUT"))).toEqual([
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

  it("table-table RIGHT join", () => {
    const h = new QttHarness({ left_topic: 1, right_topic: 1 });
    h.execute(`CREATE TABLE TEST (id BIGINT PRIMARY KEY, name VARCHAR, value BIGINT) WITH (kafka_topic='left_topic', value_format='JSON');
      CREATE TABLE TEST_TABLE (id BIGINT PRIMARY KEY, f1 VARCHAR, f2 BIGINT) WITH (kafka_topic='right_topic', value_format='JSON');
      CREATE TABLE OUTPUT AS SELECT t.id, name, value, f1, f2 FROM test t RIGHT JOIN test_table tt ON t.id = tt.id;`);
    h.input(
      { topic: "left_topic", key: 0, value: { NAME: "zero", VALUE: 0 }, timestamp: 0 },
      { topic: "right_topic", key: 0, value: { F1: "blah", F2: 50 }, timestamp: 10000 },
      { topic: "left_topic", key: 10, value: { NAME: "100", VALUE: 5 }, timestamp: 11000 },
      { topic: "left_topic", key: 0, value: { NAME: "foo", VALUE: 100 }, timestamp: 13000 },
      { topic: "right_topic", key: 0, value: { F1: "a", F2: 10 }, timestamp: 15000 },
      { topic: "left_topic", key: 0, value: { NAME: "bar", VALUE: 99 }, timestamp: 16000 },
      { topic: "left_topic", key: 90, value: { NAME: "ninety", VALUE: 90 }, timestamp: 17000 },
      { topic: "right_topic", key: 7, value: { F1: "b", F2: 20 }, timestamp: 18000 },
    );
    expect(kvt(h.output("OUTPUT"))).toEqual([
      [0, { NAME: "zero", VALUE: 0, F1: "blah", F2: 50 }, 10000],
      [0, { NAME: "foo", VALUE: 100, F1: "blah", F2: 50 }, 13000],
      [0, { NAME: "foo", VALUE: 100, F1: "a", F2: 10 }, 15000],
      [0, { NAME: "bar", VALUE: 99, F1: "a", F2: 10 }, 16000],
      [7, { NAME: null, VALUE: null, F1: "b", F2: 20 }, 18000],
    ]);
  });

  it("SELECT * of a join prefixes every column with its source", () => {
    const h = new QttHarness({ LEFT: 1, RIGHT: 1 });
    h.execute(`CREATE STREAM L (A INT KEY, B INT, C INT) WITH (kafka_topic='LEFT', value_format='JSON');
      CREATE STREAM R (A INT KEY, B INT, C INT) WITH (kafka_topic='RIGHT', value_format='JSON');
      CREATE STREAM OUTPUT AS SELECT * FROM L INNER JOIN R WITHIN 10 SECONDS ON L.A = R.A;`);
    h.input({ topic: "LEFT", key: 0, value: { B: 1, C: 2 }, timestamp: 10 }, { topic: "RIGHT", key: 0, value: { B: -1, C: -2 }, timestamp: 11 });
    expect(kvt(h.output("OUTPUT"))).toEqual([[0, { R_A: 0, L_B: 1, R_B: -1, L_C: 2, R_C: -2 }, 11]]);
    expect(h.metastore.getSource("OUTPUT")!.schema.key.map((c) => c.name)).toEqual(["L_A"]);
  });

  it("refuses stream-table joins on a non-key table column and table-stream order", () => {
    const h = new QttHarness({ left_topic: 1, right_topic: 1 });
    h.execute(`CREATE STREAM test_stream (id1 BIGINT KEY, f1 BIGINT) WITH (kafka_topic='left_topic', format='JSON');
      CREATE TABLE test_table (id2 BIGINT PRIMARY KEY, f2 BIGINT) WITH (kafka_topic='right_topic', format='JSON');`);
    expect(() => h.execute("CREATE STREAM output AS SELECT id1, id2, f1, f2 FROM test_stream JOIN test_table ON id1 = f2;")).toThrow(
      "Invalid join condition: stream-table joins require to join on the table's primary key. Got TEST_STREAM.ID1 = TEST_TABLE.F2.",
    );
    expect(() => h.execute("CREATE STREAM output AS SELECT id1, id2, f1, f2 FROM test_stream FULL OUTER JOIN test_table ON id1 = id2;")).toThrow(
      "Invalid join type: full-outer join not supported for stream-table join. Got TEST_STREAM [FULL] OUTER JOIN TEST_TABLE.",
    );
    expect(() => h.execute("CREATE TABLE output AS SELECT id1, id2, f1, f2 FROM test_table JOIN test_stream ON id2 = id1;")).toThrow(
      "Invalid join order: table-stream joins are not supported; only stream-table joins. Got TEST_TABLE [INNER] JOIN TEST_STREAM.",
    );
  });

  it("refuses to join topics with different partition counts", () => {
    const h = new QttHarness({ a: 2, b: 4 });
    h.execute(`CREATE STREAM S (ID INT KEY, V INT) WITH (kafka_topic='a', value_format='JSON');
      CREATE TABLE T (ID INT PRIMARY KEY, W INT) WITH (kafka_topic='b', value_format='JSON');`);
    expect(() => h.execute("CREATE STREAM O AS SELECT S.ID, V, W FROM S JOIN T ON S.ID = T.ID;")).toThrow(
      "Can't join `S` with `T` since the number of partitions don't match. `S` partitions = 2; `T` partitions = 4. Please repartition either one so that the number of partitions match.",
    );
  });
});

describe("INSERT INTO and timestamps", () => {
  it("INSERT INTO ... SELECT writes into an existing stream with the same schema", () => {
    const h = new QttHarness({ a: 1, b: 1, c: 1 });
    h.execute(`CREATE STREAM A (ID INT KEY, V STRING) WITH (kafka_topic='a', value_format='JSON');
      CREATE STREAM B (ID INT KEY, V STRING) WITH (kafka_topic='b', value_format='JSON');
      CREATE STREAM C (ID INT KEY, V STRING) WITH (kafka_topic='c', value_format='JSON');
      INSERT INTO C SELECT * FROM A;
      INSERT INTO C SELECT ID, UCASE(V) AS V FROM B;`);
    h.input({ topic: "a", key: 1, value: { V: "x" } }, { topic: "b", key: 2, value: { V: "y" } });
    expect(kv(h.output("c"))).toEqual([
      [1, { V: "x" }],
      [2, { V: "Y" }],
    ]);
    expect(() => h.execute("INSERT INTO C SELECT ID, V, V AS W FROM A;")).toThrow("Incompatible schema between results and sink.");
  });

  it("takes event time from the TIMESTAMP column, parsed with TIMESTAMP_FORMAT", () => {
    const h = new QttHarness({ t: 1 });
    h.execute(`CREATE STREAM S (ID INT KEY, EVENT_TS VARCHAR) WITH (kafka_topic='t', value_format='JSON', timestamp='event_ts', timestamp_format='yyyy-MM-dd HH:mm:ss');
      CREATE STREAM O AS SELECT ID, EVENT_TS FROM S;`);
    h.input({ topic: "t", key: 1, value: { EVENT_TS: "2018-04-04 12:54:16" }, timestamp: 5 }, { topic: "t", key: 2, value: { EVENT_TS: null }, timestamp: 6 });
    expect(kvt(h.output("O"))).toEqual([[1, { EVENT_TS: "2018-04-04 12:54:16" }, 1522846456000]]);
  });

  it("a sink's TIMESTAMP column sets its records' time; rows where it is negative or does not parse are not written", () => {
    const h = new QttHarness({ test_topic: 1 });
    h.execute(`CREATE STREAM TEST (K STRING KEY, ID bigint, EVENT_TS varchar) WITH (kafka_topic='test_topic', value_format='JSON');
      CREATE STREAM TS WITH (timestamp='sink_ts') AS SELECT K, id as sink_ts, id FROM test;
      CREATE STREAM TS2 WITH (timestamp='event_ts', timestamp_format='yyyy-MM-dd''T''HH:mm:ssX') AS SELECT K, id, event_ts FROM test;`);
    h.input(
      { topic: "test_topic", value: { ID: 1, EVENT_TS: "2018-05-11T21:58:33Z" }, timestamp: 1526075913000 },
      { topic: "test_topic", value: { ID: -2, EVENT_TS: "not a timestamp" }, timestamp: 1526075913000 },
      { topic: "test_topic", value: { ID: 3, EVENT_TS: "2019-05-11T21:58:33Z" }, timestamp: 1589234313000 },
    );
    expect(kvt(h.output("TS"))).toEqual([
      [null, { SINK_TS: 1, ID: 1 }, 1],
      [null, { SINK_TS: 3, ID: 3 }, 3],
    ]);
    expect(kvt(h.output("TS2"))).toEqual([
      [null, { ID: 1, EVENT_TS: "2018-05-11T21:58:33Z" }, 1526075913000],
      [null, { ID: 3, EVENT_TS: "2019-05-11T21:58:33Z" }, 1557611913000],
    ]);
    expect(h.processingLog.map((e) => e.message)).toEqual([
      "Error writing row with extracted timestamp: timestamp (-2) is negative",
      "Error writing row with extracted timestamp: Text 'not a timestamp' could not be parsed at index 0",
    ]);
  });

  it("a sink's TIMESTAMP may be its key column", () => {
    const h = new QttHarness({ test_topic: 1 });
    h.execute(`CREATE STREAM TEST (K BIGINT KEY, ID bigint) WITH (kafka_topic='test_topic', value_format='JSON');
      CREATE STREAM TS WITH (timestamp='K') AS SELECT * FROM test;`);
    h.input({ topic: "test_topic", key: 1, value: { ID: 100 }, timestamp: 1526075913000 }, { topic: "test_topic", key: -2, value: { ID: 200 }, timestamp: 1526075913000 }, { topic: "test_topic", key: 3, value: { ID: 300 }, timestamp: 1589234313000 });
    expect(kvt(h.output("TS"))).toEqual([
      [1, { ID: 100 }, 1],
      [3, { ID: 300 }, 3],
    ]);
  });

  it("reads the key of the pre-0.10 WITH (KEY='id') form from the value", () => {
    const h = new QttHarness({ trucking_driver: 1, positions: 1 });
    h.execute(`CREATE TABLE driver_t (id BIGINT, first_name VARCHAR, last_name VARCHAR, available VARCHAR) WITH (kafka_topic='trucking_driver', value_format='JSON', key='id');
      CREATE STREAM pos (driverId BIGINT, eventType VARCHAR) WITH (kafka_topic='positions', value_format='JSON');
      CREATE STREAM enriched AS SELECT driverId, first_name, eventType FROM pos LEFT JOIN driver_t ON pos.driverId = driver_t.id;`);
    h.input(
      { topic: "trucking_driver", key: "27", value: { id: 27, first_name: "Walter", last_name: "Ward", available: "Y" }, timestamp: 1 },
      { topic: "positions", value: { driverId: 27, eventType: "Overspeed" }, timestamp: 2 },
      { topic: "positions", value: { driverId: 28, eventType: "Lane Departure" }, timestamp: 3 },
    );
    expect(kv(h.output("ENRICHED"))).toEqual([
      [27, { FIRST_NAME: "Walter", EVENTTYPE: "Overspeed" }],
      [28, { FIRST_NAME: null, EVENTTYPE: "Lane Departure" }],
    ]);
  });
});

describe("result schemas as ksqlDB records them", () => {
  const sinkSchema = (statements: string, sink = "OUTPUT") => {
    const h = new QttHarness({ input: 1, left_topic: 1, right_topic: 1, i1: 1, i2: 1 });
    h.execute(statements);
    return formatSchema(h.metastore.getSource(sink)!.schema);
  };

  it("PARTITION BY moves the old key columns after the other value columns", () => {
    expect(sinkSchema("CREATE STREAM INPUT (ID INT KEY, NAME STRING) with (kafka_topic='input', value_format='JSON'); CREATE STREAM OUTPUT AS select * from INPUT partition by ABS(ID);")).toBe(
      "`KSQL_COL_0` INTEGER KEY, `NAME` STRING, `ID` INTEGER",
    );
    expect(sinkSchema("CREATE STREAM INPUT (ID INT KEY, NAME STRING, AGE INT) with (kafka_topic='input', value_format='JSON'); CREATE STREAM OUTPUT AS select * from INPUT partition by NAME;")).toBe(
      "`NAME` STRING KEY, `AGE` INTEGER, `ID` INTEGER",
    );
    expect(sinkSchema("CREATE STREAM INPUT (K STRING KEY, ID bigint) with (kafka_topic='input', value_format='JSON'); CREATE STREAM OUTPUT AS select * from INPUT partition by ROWTIME;")).toBe(
      "`ROWTIME` BIGINT KEY, `ID` BIGINT, `K` STRING",
    );
  });

  it("a join's key is the selected key column itself before an equal column of the other side", () => {
    const create = `CREATE STREAM TEST (ID BIGINT KEY, NAME varchar, VALUE bigint) WITH (kafka_topic='left_topic', value_format='JSON');
      CREATE STREAM TEST_STREAM (ID BIGINT KEY, F1 varchar, F2 bigint) WITH (kafka_topic='right_topic', value_format='JSON');`;
    expect(sinkSchema(`${create} CREATE STREAM INNER_JOIN as SELECT t.*, tt.name, tt.id FROM test tt inner join TEST_STREAM t WITHIN 11 SECONDS ON t.id = tt.id;`, "INNER_JOIN")).toBe(
      "`TT_ID` BIGINT KEY, `T_ID` BIGINT, `T_F1` STRING, `T_F2` BIGINT, `NAME` STRING",
    );
  });

  it("a join on an expression and a column is keyed by the column", () => {
    const h = new QttHarness({ i1: 1, i2: 1 });
    h.execute(`CREATE STREAM I1 (ID INT KEY, V0 INT, V1 INT) WITH (kafka_topic='i1', value_format='JSON');
      CREATE TABLE I2 (ID INT PRIMARY KEY, V0 INT, V1 INT) WITH (kafka_topic='i2', value_format='JSON');
      CREATE STREAM OUTPUT AS SELECT * FROM I1 JOIN I2 ON AS_VALUE(I1.ID) = I2.ID;`);
    expect(formatSchema(h.metastore.getSource("OUTPUT")!.schema)).toBe("`I2_ID` INTEGER KEY, `I1_ID` INTEGER, `I1_V0` INTEGER, `I1_V1` INTEGER, `I2_V0` INTEGER, `I2_V1` INTEGER");
    h.input({ topic: "i2", key: 1, value: { V0: 2, V1: 3 }, timestamp: 1 }, { topic: "i1", key: 1, value: { V0: 2, V1: 3 }, timestamp: 2 });
    expect(kv(h.output("OUTPUT"))).toEqual([[1, { I1_ID: 1, I1_V0: 2, I1_V1: 3, I2_V0: 2, I2_V1: 3 }]]);
  });
});

describe("joins of three sources", () => {
  const topics = { left: 1, right: 1, right2: 1 };
  it("a later join on a column the earlier criteria made equal to the key keeps that key", () => {
    const h = new QttHarness(topics);
    h.execute(`CREATE STREAM S1 (ID INT KEY, k int, V0 bigint) WITH (kafka_topic='left', value_format='JSON');
      CREATE STREAM S2 (ID INT KEY, k int, V0 bigint) WITH (kafka_topic='right', value_format='JSON');
      CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON');
      CREATE STREAM OUTPUT as SELECT s1.k, s1.V0, s2.V0, t3.V0 FROM S1 JOIN S2 WITHIN 10 seconds ON S1.K = S2.K JOIN T3 ON S2.K = T3.ID;`);
    expect(formatSchema(h.metastore.getSource("OUTPUT")!.schema)).toBe("`S1_K` INTEGER KEY, `S1_V0` BIGINT, `S2_V0` BIGINT, `T3_V0` BIGINT");
    h.input(
      { topic: "right2", key: 0, value: { V0: 3 }, timestamp: 10 },
      { topic: "right", key: 2, value: { k: 0, V0: 2 }, timestamp: 11 },
      { topic: "left", key: 1, value: { k: 0, V0: 1 }, timestamp: 12 },
      { topic: "right", key: 2, value: { k: 0, V0: 4 }, timestamp: 13 },
      { topic: "left", key: 1, value: { k: 0, V0: 5 }, timestamp: 100000 },
      { topic: "right", key: 2, value: { k: 0, V0: 6 }, timestamp: 100001 },
    );
    expect(kvt(h.output("OUTPUT"))).toEqual([
      [0, { S1_V0: 1, S2_V0: 2, T3_V0: 3 }, 12],
      [0, { S1_V0: 1, S2_V0: 4, T3_V0: 3 }, 13],
      [0, { S1_V0: 5, S2_V0: 6, T3_V0: 3 }, 100001],
    ]);
  });

  it("after a FULL OUTER join, joining on one side's column re-keys by it: rows without that side drop out", () => {
    const h = new QttHarness(topics);
    h.execute(`CREATE STREAM S1 (ID INT KEY, V0 bigint) WITH (kafka_topic='left', value_format='JSON');
      CREATE STREAM S2 (ID INT KEY, V0 bigint) WITH (kafka_topic='right', value_format='JSON');
      CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON');
      CREATE STREAM OUTPUT as SELECT S1.ID, s1.V0, s2.V0, t3.V0 FROM S1 FULL JOIN S2 WITHIN 10 seconds ON S1.ID = S2.ID JOIN T3 ON S1.ID = T3.ID;`);
    h.input(
      { topic: "right2", key: 0, value: { V0: 3 }, timestamp: 10 },
      { topic: "right", key: 0, value: { V0: 2 }, timestamp: 11 },
      { topic: "left", key: 0, value: { V0: 1 }, timestamp: 12 },
      { topic: "right", key: 0, value: { V0: 4 }, timestamp: 13 },
      { topic: "left", key: 0, value: { V0: 5 }, timestamp: 100000 },
      { topic: "right", key: 0, value: { V0: 6 }, timestamp: 100001 },
    );
    expect(kvt(h.output("OUTPUT"))).toEqual([
      [0, { S1_V0: 1, S2_V0: 2, T3_V0: 3 }, 12],
      [0, { S1_V0: 1, S2_V0: 4, T3_V0: 3 }, 13],
      [0, { S1_V0: 5, S2_V0: null, T3_V0: 3 }, 100000],
      [0, { S1_V0: 5, S2_V0: 6, T3_V0: 3 }, 100001],
    ]);
  });
});
