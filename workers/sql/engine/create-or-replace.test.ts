/**
 * CREATE OR REPLACE, with ksqlDB's rules: a source may gain columns at the end but keep
 * its key, topic, type and timestamp column; a query keeps its id, consumer group, state
 * and topics, and only its filters and projections may change.
 */
import { describe, expect, it } from "vitest";
import { MemoryStorage } from "../../storage/memory-storage";
import { dump, testEngine } from "../../streams/runtime/test-support";
import { readCommands } from "./command-topic";
import { describeSqlError, SqlEngine } from "./sql-engine";

async function setup(storage = new MemoryStorage()) {
  const engine = await testEngine({ storage });
  const sql = await SqlEngine.attach(engine);
  const run = async (text: string) => {
    const r = await sql.execute(text);
    if (r.error) throw new Error(describeSqlError(r.error));
    return r.results;
  };
  const fail = async (text: string) => {
    const r = await sql.execute(text);
    if (!r.error) throw new Error(`expected ${text} to fail`);
    return r.error.message;
  };
  return { engine, sql, run, fail, storage };
}

const SOURCE = "CREATE STREAM s (id VARCHAR KEY, v INT, w VARCHAR) WITH (kafka_topic='s', value_format='JSON', partitions=1); SET 'auto.offset.reset'='earliest';";

describe("CREATE OR REPLACE", () => {
  it("a stream may gain columns at the end; its key, types, order, topic and type stay", async () => {
    const { run, fail, sql } = await setup();
    await run(SOURCE);
    const [replaced] = await run("CREATE OR REPLACE STREAM s (id VARCHAR KEY, v INT, w VARCHAR, extra DOUBLE) WITH (kafka_topic='s', value_format='JSON');");
    expect(replaced!.message).toBe("Stream created");
    expect(sql.metastore.getSource("S")!.schema.value.map((c) => c.name)).toEqual(["V", "W", "EXTRA"]);
    expect(await fail("CREATE OR REPLACE STREAM s (id VARCHAR KEY, v BIGINT, w VARCHAR, extra DOUBLE) WITH (kafka_topic='s', value_format='JSON');")).toBe(
      "Cannot upgrade data source: DataSource 'S' has schema = `ID` STRING KEY, `V` INTEGER, `W` STRING, `EXTRA` DOUBLE which is not upgradeable to `ID` STRING KEY, `V` BIGINT, `W` STRING, `EXTRA` DOUBLE. (The following columns are changed, missing or reordered: [`V` INTEGER])",
    );
    expect(await fail("CREATE OR REPLACE STREAM s (k INT KEY, v INT, w VARCHAR, extra DOUBLE) WITH (kafka_topic='s', value_format='JSON');")).toContain(
      "(Key columns must be identical. The following key columns are changed, missing or reordered: [`ID` STRING KEY])",
    );
    expect(await fail("CREATE OR REPLACE TABLE s (id VARCHAR PRIMARY KEY, v INT, w VARCHAR, extra DOUBLE) WITH (kafka_topic='s', value_format='JSON');")).toBe(
      "Cannot upgrade data source: DataSource 'S' has type = KSTREAM which is not upgradeable to KTABLE",
    );
    expect(await fail("CREATE OR REPLACE SOURCE STREAM s (id VARCHAR KEY, v INT) WITH (kafka_topic='s', value_format='JSON');")).toBe(
      "Cannot add stream 'S': CREATE OR REPLACE is not supported on source streams.",
    );
    // Without OR REPLACE the name is taken.
    expect(await fail("CREATE STREAM s (id VARCHAR KEY, v INT) WITH (kafka_topic='s', value_format='JSON');")).toBe("Cannot add stream 'S': A stream with the same name already exists");
  });

  it("a query is replaced in place: same id, its offsets kept, the new filter and columns from then on", async () => {
    const { run, engine, sql } = await setup();
    await run(`${SOURCE}
      INSERT INTO s (id, v, w) VALUES ('a', 1, 'x');
      CREATE STREAM big AS SELECT id, v FROM s WHERE v > 0;`);
    const [replaced] = await run("CREATE OR REPLACE STREAM big AS SELECT id, v, w FROM s WHERE v > 1;");
    expect(replaced!.message).toBe("Created query with ID CSAS_BIG_1");
    await run("INSERT INTO s (id, v, w) VALUES ('b', 1, 'y'); INSERT INTO s (id, v, w) VALUES ('c', 5, 'z');");
    // 'a' is not read again (the group's committed offset stays); 'b' fails the new filter.
    expect((await dump(engine, "BIG")).map((r) => [r.key, r.value])).toEqual([
      ["a", { V: 1 }],
      ["c", { V: 5, W: "z" }],
    ]);
    expect(sql.queries().map((q) => [q.id, q.statement])).toEqual([["CSAS_BIG_1", "CREATE OR REPLACE STREAM big AS SELECT id, v, w FROM s WHERE v > 1"]]);
    expect(sql.metastore.getSource("BIG")!.schema.value.map((c) => c.name)).toEqual(["V", "W"]);
  });

  it("an aggregation keeps its state when only its projection and filter change", async () => {
    const { run, engine } = await setup();
    await run(`${SOURCE}
      INSERT INTO s (id, v, w) VALUES ('a', 1, 'x');
      CREATE TABLE counts AS SELECT w, COUNT(*) AS n FROM s GROUP BY w;
      CREATE OR REPLACE TABLE counts AS SELECT w, COUNT(*) * 10 AS n FROM s WHERE w IS NOT NULL GROUP BY w;
      INSERT INTO s (id, v, w) VALUES ('b', 2, 'x');`);
    expect((await dump(engine, "COUNTS")).map((r) => [r.key, r.value])).toEqual([
      ["x", { N: 1 }],
      ["x", { N: 20 }],
    ]);
  });

  it("refuses what would corrupt the query's state or topics, and leaves the old query running", async () => {
    const { run, fail, sql, engine } = await setup();
    await run(`${SOURCE}
      CREATE STREAM big AS SELECT id, v FROM s WHERE v > 0;
      CREATE TABLE counts AS SELECT w, COUNT(*) AS n FROM s GROUP BY w;`);
    const commands = (await readCommands(engine)).length;
    expect(await fail("CREATE OR REPLACE STREAM big AS SELECT w, v FROM s PARTITION BY w;")).toContain("Key columns must be identical.");
    expect(await fail("CREATE OR REPLACE STREAM big WITH (kafka_topic='elsewhere') AS SELECT id, v FROM s;")).toContain("DataSource 'BIG' has topic = BIG which is not upgradeable to elsewhere");
    expect(await fail("CREATE OR REPLACE TABLE counts AS SELECT w, COUNT(*) AS n, SUM(v) AS total FROM s GROUP BY w;")).toBe(
      "Query is not upgradeable. Plan step of type StreamAggregate must have matching nonAggregateColumns. Values differ: W, ROWTIME vs. W, ROWTIME, V",
    );
    expect(await fail("CREATE OR REPLACE STREAM big AS SELECT id, COUNT(*) AS v FROM s WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY id;")).toContain("Your SELECT query produces a TABLE");
    expect(engine.hasTopic("elsewhere")).toBe(false);
    expect((await readCommands(engine)).length).toBe(commands);
    expect(sql.queries().map((q) => [q.id, q.state, q.statement])).toEqual([
      ["CSAS_BIG_1", "RUNNING:1", "CREATE STREAM big AS SELECT id, v FROM s WHERE v > 0"],
      ["CTAS_COUNTS_2", "RUNNING:1", "CREATE TABLE counts AS SELECT w, COUNT(*) AS n FROM s GROUP BY w"],
    ]);
    await run("INSERT INTO s (id, v, w) VALUES ('a', 1, 'x');");
    expect((await dump(engine, "BIG")).map((r) => r.value)).toEqual([{ V: 1 }]);
  });

  it("a sink written by several queries cannot be replaced", async () => {
    const { run, fail } = await setup();
    await run(`${SOURCE}
      CREATE STREAM t (id VARCHAR KEY, v INT) WITH (kafka_topic='t', value_format='JSON', partitions=1);
      CREATE STREAM big AS SELECT id, v FROM s;
      INSERT INTO big SELECT id, v FROM t;`);
    expect(await fail("CREATE OR REPLACE STREAM big AS SELECT id, v FROM s WHERE v > 1;")).toBe(
      "REPLACE for sink BIG is not supported because there are multiple queries writing into it: [CSAS_BIG_2, INSERTQUERY_3]",
    );
  });

  it("survives a restart: the replayed command topic runs the replacement", async () => {
    const storage = new MemoryStorage();
    const first = await setup(storage);
    await first.run(`${SOURCE}
      CREATE STREAM big AS SELECT id, v FROM s;
      CREATE OR REPLACE STREAM big AS SELECT id, v, w FROM s WHERE v > 1;`);
    await first.engine.close();
    const second = await setup(storage);
    expect(second.sql.queries().map((q) => [q.id, q.state, q.statement])).toEqual([["CSAS_BIG_1", "RUNNING:1", "CREATE OR REPLACE STREAM big AS SELECT id, v, w FROM s WHERE v > 1"]]);
    await second.run("INSERT INTO s (id, v, w) VALUES ('a', 1, 'x'); INSERT INTO s (id, v, w) VALUES ('b', 2, 'y');");
    expect((await dump(second.engine, "BIG")).map((r) => [r.key, r.value])).toEqual([["b", { V: 2, W: "y" }]]);
  });
});
