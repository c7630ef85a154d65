import { describe, expect, it } from "vitest";
import { MemoryStorage } from "../../storage/memory-storage";
import { dump, produceJson, testEngine } from "../../streams/runtime/test-support";
import { COMMAND_TOPIC, readCommands } from "./command-topic";
import { describeSqlError, SqlEngine } from "./sql-engine";

async function setup(storage = new MemoryStorage()) {
  const engine = await testEngine({ storage });
  const sql = await SqlEngine.attach(engine);
  const run = async (text: string) => {
    const r = await sql.execute(text);
    if (r.error) throw new Error(describeSqlError(r.error));
    return r.results;
  };
  return { engine, sql, run, storage };
}

const values = async (engine: Awaited<ReturnType<typeof testEngine>>, topic: string) => (await dump(engine, topic)).map((r) => [r.key, r.value]);

describe("SqlEngine", () => {
  it("runs a persistent query on the broker: CSAS reads new records of its source", async () => {
    const { engine, run } = await setup();
    const results = await run(`
      CREATE STREAM orders (id VARCHAR KEY, amount INT) WITH (kafka_topic='orders', value_format='JSON', partitions=2);
      SET 'auto.offset.reset'='earliest';
      CREATE STREAM big_orders AS SELECT * FROM orders WHERE amount > 100;`);
    expect(results.map((r) => r.message)).toEqual(["Stream created", "Successfully changed local property 'auto.offset.reset' to 'earliest'.", "Created query with ID CSAS_BIG_ORDERS_1"]);
    expect(engine.partitionCount("BIG_ORDERS")).toBe(2);
    await produceJson(engine, "orders", [
      { key: "o1", value: { AMOUNT: 50 } },
      { key: "o2", value: { AMOUNT: 150 } },
      { key: "o3", value: { amount: 500 } },
    ]);
    await engine.settle();
    expect((await values(engine, "BIG_ORDERS")).sort()).toEqual([
      ["o2", { AMOUNT: 150 }],
      ["o3", { AMOUNT: 500 }],
    ]);
    const app = engine.describeApplications().find((a) => a.applicationId === "_confluent-ksql-default_query_CSAS_BIG_ORDERS_1");
    expect(app?.state).toBe("RUNNING");
  });

  it("reads from the end by default, as ksqlDB does", async () => {
    const { engine, run } = await setup();
    await run("CREATE STREAM s (v INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
    await produceJson(engine, "s", [{ value: { V: 1 } }]);
    await run("CREATE STREAM t AS SELECT * FROM s;");
    await produceJson(engine, "s", [{ value: { V: 2 } }]);
    await engine.settle();
    expect(await values(engine, "T")).toEqual([[null, { V: 2 }]]);
  });

  it("reads the table of a join from the beginning and the stream from the end", async () => {
    const { engine, run } = await setup();
    await run(`CREATE TABLE users (id VARCHAR PRIMARY KEY, name VARCHAR) WITH (kafka_topic='users', value_format='JSON', partitions=2);
      CREATE STREAM clicks (user_id VARCHAR KEY, page VARCHAR) WITH (kafka_topic='clicks', value_format='JSON', partitions=2);
      INSERT INTO users (id, name) VALUES ('u1', 'Ann');
      INSERT INTO clicks (user_id, page) VALUES ('u1', 'before');`);
    await run("CREATE STREAM named_clicks AS SELECT c.user_id, name, page FROM clicks c LEFT JOIN users u ON c.user_id = u.id;");
    await run("INSERT INTO clicks (user_id, page) VALUES ('u1', 'after'); INSERT INTO clicks (user_id, page) VALUES ('u2', 'other');");
    expect((await values(engine, "NAMED_CLICKS")).sort()).toEqual([
      ["u1", { NAME: "Ann", PAGE: "after" }],
      ["u2", { NAME: null, PAGE: "other" }],
    ]);
  });

  it("a failing statement changes nothing: no topic, no metastore entry, no command", async () => {
    const { engine, sql } = await setup();
    const missing = await sql.execute("CREATE STREAM s (v INT) WITH (kafka_topic='nope', value_format='JSON');");
    expect(missing.error?.message).toMatch(/^Topic 'nope' does not exist. If you want to create a new topic for the stream\/table please re-run the statement providing the required 'PARTITIONS' configuration/);
    expect(engine.hasTopic("nope")).toBe(false);
    expect(sql.metastore.getSource("S")).toBeUndefined();

    await sql.execute("CREATE STREAM s (id INT KEY, v INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
    const bad = await sql.execute("CREATE STREAM out AS SELECT v FROM s;");
    expect(bad.error?.message).toContain("must include the key column S.ID");
    expect(engine.hasTopic("OUT")).toBe(false);
    expect(sql.metastore.getSource("OUT")).toBeUndefined();
    expect(sql.metastore.allQueries()).toEqual([]);
    expect((await readCommands(engine)).map((c) => c.statement)).toEqual(["CREATE STREAM s (id INT KEY, v INT) WITH (kafka_topic='s', value_format='JSON', partitions=1)"]);
  });

  it("names the failing statement, its first words and the position", async () => {
    const { sql } = await setup();
    const r = await sql.execute("CREATE STREAM a (v INT) WITH (kafka_topic='a', value_format='JSON', partitions=1);\nCREATE STREAM big_orders AS\n  SELEKT * FROM a;");
    expect(r.results).toEqual([]);
    expect(describeSqlError(r.error!)).toMatch(/^statement 2 \(CREATE STREAM big_orders …\): 3:3: unexpected 'SELEKT', expected /);
    const semantic = await sql.execute("CREATE STREAM a (v INT) WITH (kafka_topic='a', value_format='JSON', partitions=1);\nCREATE STREAM b AS SELECT nope FROM a;");
    expect(semantic.results.map((x) => x.message)).toEqual(["Stream created"]);
    expect(describeSqlError(semantic.error!)).toBe("statement 2 (CREATE STREAM b …): 2:27: SELECT column 'NOPE' cannot be resolved.");
  });

  it("SHOW, DESCRIBE and EXPLAIN print as the CLI does", async () => {
    const { run } = await setup();
    await run(`CREATE STREAM pageviews (viewtime BIGINT, userid VARCHAR KEY, pageid VARCHAR) WITH (KAFKA_TOPIC='pageviews', VALUE_FORMAT='JSON', PARTITIONS=1);
      CREATE TABLE users (userid VARCHAR PRIMARY KEY, regionid VARCHAR) WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON', PARTITIONS=1);`);
    const [streams] = await run("SHOW STREAMS;");
    expect(streams!.text).toBe(
      [
        // Every cell padded and a trailing space, the rule as wide as a row: the CLI's Table.
        " Stream Name | Kafka Topic | Key Format | Value Format | Windowed ",
        "------------------------------------------------------------------",
        " PAGEVIEWS   | pageviews   | KAFKA      | JSON         | false    ",
        "------------------------------------------------------------------",
      ].join("\n"),
    );
    const [desc] = await run("DESCRIBE pageviews;");
    expect(desc!.text).toBe(
      [
        "Name                 : PAGEVIEWS",
        " Field    | Type                   ",
        "-----------------------------------",
        " USERID   | VARCHAR(STRING)  (key) ",
        " VIEWTIME | BIGINT                 ",
        " PAGEID   | VARCHAR(STRING)        ",
        "-----------------------------------",
        "For runtime statistics and query details run: DESCRIBE <Stream,Table> EXTENDED;",
      ].join("\n"),
    );
    const [created] = await run("CREATE TABLE regions AS SELECT regionid, COUNT(*) AS n FROM users GROUP BY regionid;");
    const [queries] = await run("SHOW QUERIES;");
    expect(queries!.table!.rows).toEqual([[created!.queryId, "PERSISTENT", "RUNNING:1", "REGIONS", "REGIONS", "CREATE TABLE regions AS SELECT regionid, COUNT(*) AS n FROM users GROUP BY regionid"]]);
    const [explain] = await run(`EXPLAIN ${created!.queryId};`);
    expect(explain!.text).toContain("Sub-topology: 1");
    expect(explain!.text).toContain("Aggregate-GroupBy-repartition");
    const [topics] = await run("SHOW TOPICS;");
    expect(topics!.table!.rows).toEqual([
      ["REGIONS", 1, 1],
      ["pageviews", 1, 1],
      ["users", 1, 1],
    ]);
  });

  it("DESCRIBE EXTENDED and EXPLAIN of a running query print every section as ksqlDB's CLI does", async () => {
    const { run, engine } = await setup();
    await run(`CREATE STREAM clicks (user VARCHAR KEY, page VARCHAR, ms BIGINT) WITH (kafka_topic='clicks', value_format='JSON', partitions=2);
      CREATE TABLE per_page WITH (kafka_topic='per_page') AS SELECT page, COUNT(*) AS n FROM clicks WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY page;
      INSERT INTO clicks (user, page, ms) VALUES ('ann', 'home', 1);`);
    const [desc] = await run("DESCRIBE EXTENDED per_page;");
    const statement = "CREATE TABLE per_page WITH (kafka_topic='per_page') AS SELECT page, COUNT(*) AS n FROM clicks WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY page";
    const group = "_confluent-ksql-default_query_CTAS_PER_PAGE_1";
    const repartition = `${group}-Aggregate-GroupBy-repartition`;
    const committed = (await engine.broker.groups.fetchOffsets(group))[`${repartition}-0`]?.offset ?? 0;
    const repartitionEnd = engine.broker.describeTopic(repartition).partitions.map((p) => p.logEndOffset);
    expect(desc!.text!.split("\n").slice(0, 22)).toEqual([
      "Name                 : PER_PAGE",
      "Type                 : TABLE",
      "Timestamp field      : Not set - using <ROWTIME>",
      "Key format           : KAFKA",
      "Value format         : JSON",
      "Kafka topic          : per_page (partitions: 2, replication: 1)",
      `Statement            : ${statement}`,
      "",
      " Field | Type                                                   ",
      "----------------------------------------------------------------",
      " PAGE  | VARCHAR(STRING)  (primary key) (Window type: TUMBLING) ",
      " N     | BIGINT                                                 ",
      "----------------------------------------------------------------",
      "",
      "Queries that write from this TABLE",
      "-----------------------------------",
      `CTAS_PER_PAGE_1 (RUNNING:1) : ${statement}`,
      "",
      "For query topology and execution plan please run: EXPLAIN <QueryId>",
      "",
      "Local runtime statistics",
      "------------------------",
    ]);
    expect(desc!.text).toContain(
      ["(Statistics of the local KSQL server interaction with the Kafka topic per_page)", "", "Consumer Groups summary:", "", `Consumer Group       : ${group}`].join("\n"),
    );
    expect(desc!.text).toContain(["Kafka topic          : clicks", "Max lag              : 0", "", " Partition | Start Offset | End Offset | Offset | Lag "].join("\n"));
    expect(desc!.text).toContain(`Kafka topic          : ${repartition}`);
    expect(repartitionEnd[0]).toBeGreaterThanOrEqual(committed);

    const [explain] = await run("EXPLAIN CTAS_PER_PAGE_1;");
    const text = explain!.text!;
    expect(text.split("\n").slice(0, 21)).toEqual([
      "ID                   : CTAS_PER_PAGE_1",
      "Query Type           : PERSISTENT",
      `SQL                  : ${statement}`,
      "Host Query Status    : {localhost:8088=RUNNING}",
      "",
      " Field | Type                                           ",
      "--------------------------------------------------------",
      " PAGE  | VARCHAR(STRING)  (key) (Window type: TUMBLING) ",
      " N     | BIGINT                                         ",
      "--------------------------------------------------------",
      "",
      "Sources that this query reads from: ",
      "-----------------------------------",
      "CLICKS",
      "",
      "For source description please run: DESCRIBE [EXTENDED] <SourceId>",
      "",
      "Sinks that this query writes to: ",
      "-----------------------------------",
      "PER_PAGE",
      "",
    ]);
    expect(text).toContain(
      [
        "Execution plan      ",
        "--------------      ",
        " > [ SINK ] | Schema: PAGE STRING KEY, N BIGINT | Logger: CTAS_PER_PAGE_1.PER_PAGE",
        "\t\t > [ PROJECT ] | Schema: PAGE STRING KEY, N BIGINT | Logger: CTAS_PER_PAGE_1.Aggregate.Project",
        "\t\t\t\t > [ AGGREGATE ] | Schema: PAGE STRING KEY, PAGE STRING, ROWTIME BIGINT, KSQL_AGG_VARIABLE_0 BIGINT, WINDOWSTART BIGINT, WINDOWEND BIGINT | Logger: CTAS_PER_PAGE_1.Aggregate.Aggregate",
        "\t\t\t\t\t\t > [ GROUP_BY ] | Schema: PAGE STRING KEY, PAGE STRING, ROWTIME BIGINT | Logger: CTAS_PER_PAGE_1.Aggregate.GroupBy",
        "\t\t\t\t\t\t\t\t > [ PROJECT ] | Schema: USER STRING KEY, PAGE STRING, ROWTIME BIGINT | Logger: CTAS_PER_PAGE_1.Aggregate.Prepare",
        "\t\t\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: USER STRING KEY, PAGE STRING, MS BIGINT, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, USER STRING | Logger: CTAS_PER_PAGE_1.KsqlTopic.Source",
        "",
        "",
        "Processing topology ",
        "------------------- ",
        "Topologies:",
      ].join("\n"),
    );
    expect(text).not.toContain("Overridden Properties");
    expect(explain!.explain).toEqual({ queryId: "CTAS_PER_PAGE_1", applicationId: group });
  });

  it("DESCRIBE EXTENDED, EXPLAIN of a statement, SHOW PROPERTIES and FUNCTIONS, SET and UNSET, IF EXISTS", async () => {
    const { run, sql, engine } = await setup();
    await run(`CREATE STREAM s (id BIGINT KEY, g VARCHAR) WITH (kafka_topic='s', value_format='JSON', partitions=1, timestamp='id');`);
    const [ext] = await run("DESCRIBE EXTENDED s;");
    expect(ext!.text).toContain("Type                 : STREAM");
    expect(ext!.text).toContain("Timestamp field      : ID");
    expect(ext!.text).toContain("Kafka topic          : s");
    const [plan] = await run("EXPLAIN CREATE TABLE c AS SELECT g, COUNT(*) AS n FROM s GROUP BY g;");
    expect(plan!.text).toContain("Sink: KSTREAM-SINK-");
    expect(plan!.text).toContain("(topic: C)");
    expect(engine.hasTopic("C")).toBe(false);
    expect(sql.metastore.getSource("C")).toBeUndefined();
    const [set] = await run("SET 'auto.offset.reset'='earliest';");
    expect(set!.message).toBe("Successfully changed local property 'auto.offset.reset' to 'earliest'.");
    const [props] = await run("SHOW PROPERTIES;");
    expect(props!.table!.rows).toContainEqual(["auto.offset.reset", "SESSION", "earliest"]);
    await run("UNSET 'auto.offset.reset';");
    const [after] = await run("SHOW PROPERTIES;");
    expect(after!.table!.rows).toContainEqual(["auto.offset.reset", "SERVER", "latest"]);
    const [fns] = await run("SHOW FUNCTIONS;");
    expect(fns!.table!.rows).toContainEqual(["COUNT", "AGGREGATE"]);
    expect(fns!.table!.rows).toContainEqual(["UCASE", "SCALAR"]);
    const [fn] = await run("DESCRIBE FUNCTION ucase;");
    expect(fn!.text).toContain("Name        : UCASE");
    const [gone] = await run("DROP STREAM IF EXISTS nothing;");
    expect(gone!.message).toBe("Source NOTHING does not exist.");
    const wrong = await sql.execute("DROP TABLE s;");
    expect(wrong.error?.message).toBe("Incompatible data source type is stream, but statement was DROP table");
  });

  it("reads a windowed topic declared with WINDOW_TYPE and WINDOW_SIZE", async () => {
    const { engine, run } = await setup();
    await run(`CREATE STREAM clicks (user VARCHAR KEY, page VARCHAR) WITH (kafka_topic='clicks', value_format='JSON', partitions=1);
      CREATE TABLE per_minute AS SELECT user, COUNT(*) AS n FROM clicks WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY user;
      INSERT INTO clicks (user, page, ROWTIME) VALUES ('ann', 'home', 1000);
      CREATE STREAM counts (user VARCHAR KEY, n BIGINT) WITH (kafka_topic='PER_MINUTE', value_format='JSON', window_type='tumbling', window_size='1 minute');`);
    const [rows] = await run("SELECT * FROM counts;");
    expect(rows!.table!.columns.map((c) => c.name)).toEqual(["USER", "WINDOWSTART", "WINDOWEND", "N"]);
    expect(rows!.table!.rows).toEqual([["ann", 0, 60000, 1]]);
    expect(engine.windowedKeyFormat("PER_MINUTE")).toEqual({ type: "time", sizeMs: 60000 });
  });

  it("INSERT VALUES, PRINT, pull queries on a materialized aggregation, DROP ... DELETE TOPIC", async () => {
    const { engine, run, sql } = await setup();
    await run(`CREATE STREAM clicks (user VARCHAR KEY, page VARCHAR) WITH (kafka_topic='clicks', value_format='JSON', partitions=1);
      CREATE TABLE per_user AS SELECT user, COUNT(*) AS n FROM clicks GROUP BY user;
      CREATE TABLE per_minute AS SELECT user, COUNT(*) AS n FROM clicks WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY user;
      INSERT INTO clicks (user, page, ROWTIME) VALUES ('ann', 'home', 1000);
      INSERT INTO clicks (user, page, ROWTIME) VALUES ('bob', 'home', 2000);
      INSERT INTO clicks (ROWTIME, user, page) VALUES (61000, 'ann', 'cart');`);
    const [printed] = await run("PRINT clicks FROM BEGINNING LIMIT 2;");
    expect(printed!.text).toBe(
      [
        "Key format: KAFKA_STRING",
        "Value format: JSON",
        'rowtime: 1970/01/01 00:00:01.000 Z, key: ann, value: {"PAGE":"home"}, partition: 0',
        'rowtime: 1970/01/01 00:00:02.000 Z, key: bob, value: {"PAGE":"home"}, partition: 0',
      ].join("\n"),
    );
    const [pull] = await run("SELECT * FROM per_user WHERE user = 'ann';");
    expect(pull!.table!.rows).toEqual([["ann", 2]]);
    const [all] = await run("SELECT user, n FROM per_user;");
    expect(all!.table!.rows).toEqual([
      ["ann", 2],
      ["bob", 1],
    ]);
    const [windows] = await run("SELECT * FROM per_minute WHERE user = 'ann' AND WINDOWSTART >= 60000;");
    expect(windows!.table!.columns.map((c) => c.name)).toEqual(["USER", "WINDOWSTART", "WINDOWEND", "N"]);
    expect(windows!.table!.rows).toEqual([["ann", 60000, 120000, 1]]);
    expect(await dump(engine, "PER_MINUTE")).toContainEqual(expect.objectContaining({ key: { key: "ann", window: { start: 60000, end: 120000 } }, value: { N: 1 } }));

    const dropped = await sql.execute("DROP STREAM clicks;");
    expect(dropped.error?.message).toBe("Cannot drop CLICKS.\nThe following streams and/or tables read from this source: [PER_MINUTE, PER_USER].\nYou need to drop them before dropping CLICKS.");
    const [d] = await run("DROP TABLE per_user DELETE TOPIC;");
    expect(d!.message).toBe("Source PER_USER (topic: PER_USER) was dropped.");
    expect(engine.hasTopic("PER_USER")).toBe(false);
    expect(engine.broker.listTopics().some((t) => t.includes("CTAS_PER_USER_1"))).toBe(false);
    expect(sql.metastore.getQuery("CTAS_PER_USER_1")).toBeUndefined();
  });

  it("push queries: LIMIT ends them, they leave no application behind", async () => {
    const { engine, run } = await setup();
    await run(`CREATE STREAM s (id INT KEY, v VARCHAR) WITH (kafka_topic='s', value_format='JSON', partitions=1);
      INSERT INTO s (id, v) VALUES (1, 'a'); INSERT INTO s (id, v) VALUES (2, 'b'); INSERT INTO s (id, v) VALUES (3, 'c');
      SET 'auto.offset.reset' = 'earliest';`);
    const [push] = await run("SELECT id, UCASE(v) AS up FROM s EMIT CHANGES LIMIT 2;");
    expect(push!.table).toEqual({ columns: [{ name: "ID", type: "INTEGER" }, { name: "UP", type: "VARCHAR(STRING)" }], rows: [[1, "A"], [2, "B"]] });
    expect(engine.describeApplications().filter((a) => a.applicationId.includes("transient")).map((a) => a.state)).toEqual(["NOT_RUNNING"]);
    expect(engine.broker.listTopics().filter((t) => t.includes("transient"))).toEqual([]);
  });

  it("push queries kept running deliver rows as records arrive", async () => {
    const { engine, sql, run } = await setup();
    await run("CREATE STREAM s (id INT KEY, v VARCHAR) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
    const r = await sql.execute("SELECT * FROM s WHERE v <> 'skip' EMIT CHANGES LIMIT 2;", { push: "keep" });
    const handle = r.results[0]!.push!;
    const seen: unknown[] = [];
    handle.subscribe((e) => seen.push(e));
    await run("INSERT INTO s (id, v) VALUES (1, 'skip'); INSERT INTO s (id, v) VALUES (2, 'x'); INSERT INTO s (id, v) VALUES (3, 'y'); INSERT INTO s (id, v) VALUES (4, 'z');");
    expect(seen).toEqual([{ row: { ID: 2, V: "x" } }, { row: { ID: 3, V: "y" } }, { done: "DONE" }]);
    const iterated: unknown[] = [];
    for await (const row of handle) iterated.push(row);
    expect(iterated).toEqual([{ ID: 2, V: "x" }, { ID: 3, V: "y" }]);
    expect(handle.state()).toBe("DONE");
    await sql.reapPushQueries();
    expect(engine.describeApplications().find((a) => a.applicationId.includes(handle.id))?.state).toBe("NOT_RUNNING");
  });

  it("a push query's rows can be awaited with for await, as they arrive", async () => {
    const { sql, run } = await setup();
    await run("CREATE STREAM s (id INT KEY, v VARCHAR) WITH (kafka_topic='s', value_format='JSON', partitions=1);");
    const handle = (await sql.execute("SELECT v FROM s EMIT CHANGES LIMIT 2;", { push: "keep" })).results[0]!.push!;
    const collected = (async () => {
      const rows: unknown[] = [];
      for await (const row of handle) rows.push(row);
      return rows;
    })();
    await run("INSERT INTO s (id, v) VALUES (1, 'a');");
    await run("INSERT INTO s (id, v) VALUES (2, 'b'); INSERT INTO s (id, v) VALUES (3, 'c');");
    expect(await collected).toEqual([{ V: "a" }, { V: "b" }]);
  });

  it("TERMINATE stops the query and cleans its internal topics", async () => {
    const { engine, run, sql } = await setup();
    await run(`CREATE STREAM s (id INT KEY, g VARCHAR) WITH (kafka_topic='s', value_format='JSON', partitions=1);
      CREATE TABLE c AS SELECT g, COUNT(*) AS n FROM s GROUP BY g;`);
    expect(engine.broker.listTopics().filter((t) => t.startsWith("_confluent-ksql-default_query_CTAS_C_1"))).toEqual([
      "_confluent-ksql-default_query_CTAS_C_1-Aggregate-Aggregate-Materialize-changelog",
      "_confluent-ksql-default_query_CTAS_C_1-Aggregate-GroupBy-repartition",
    ]);
    const [t] = await run("TERMINATE CTAS_C_1;");
    expect(t!.message).toBe("Query terminated.");
    expect(engine.broker.listTopics().filter((x) => x.includes("CTAS_C_1"))).toEqual([]);
    expect(sql.metastore.allQueries()).toEqual([]);
    expect(sql.metastore.getSource("C")).toBeDefined();
  });

  it("a new engine on the same storage replays the command topic and resumes the queries", async () => {
    const storage = new MemoryStorage();
    const first = await setup(storage);
    await first.run(`CREATE STREAM s (id INT KEY, g VARCHAR) WITH (kafka_topic='s', value_format='JSON', partitions=1);
      CREATE TABLE c AS SELECT g, COUNT(*) AS n FROM s GROUP BY g;
      CREATE STREAM gone AS SELECT * FROM s;
      DROP STREAM gone;
      INSERT INTO s (id, g) VALUES (1, 'x');`);
    await first.engine.close();
    const second = await setup(storage);
    expect(second.engine.hasTopic(COMMAND_TOPIC)).toBe(true);
    expect(second.sql.metastore.allSources().map((s) => s.name)).toEqual(["C", "S"]);
    expect(second.sql.queries().map((q) => [q.id, q.state])).toEqual([["CTAS_C_1", "RUNNING:1"]]);
    await second.run("INSERT INTO s (id, g) VALUES (2, 'x');");
    expect((await dump(second.engine, "C")).map((r) => [r.key, r.value])).toEqual([
      ["x", { N: 1 }],
      ["x", { N: 2 }],
    ]);
  });
});
