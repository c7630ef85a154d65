import { describe, expect, it } from "vitest";
import type { CreateAsSelect, CreateSource, Expression, QueryStatement, Statement } from "./ast";
import { SqlSyntaxError } from "./errors";
import { parseExpression, parseStatement, parseStatements, parseType } from "./parse";
import { formatType } from "./types";

function one<K extends Statement["kind"]>(text: string, kind: K): Extract<Statement, { kind: K }> {
  const s = parseStatement(text);
  expect(s.kind).toBe(kind);
  return s as Extract<Statement, { kind: K }>;
}

function syntaxError(text: string): SqlSyntaxError {
  try {
    parseStatements(text);
  } catch (e) {
    if (e instanceof SqlSyntaxError) return e;
    throw e;
  }
  throw new Error(`expected a syntax error for: ${text}`);
}

describe("statements from the talks", () => {
  it("CREATE TABLE ... AS SELECT with a tumbling window (001)", () => {
    const s = one(
      `CREATE TABLE opened_per_day AS
SELECT app_id, count(*)
FROM apps_opened
WINDOW TUMBLING (SIZE 1 DAY)
GROUP BY app_id;`,
      "CreateAsSelect",
    );
    expect(s.sourceType).toBe("TABLE");
    expect(s.name).toBe("OPENED_PER_DAY");
    expect(s.query.from).toMatchObject({ name: "APPS_OPENED" });
    expect(s.query.window).toMatchObject({ kind: "TUMBLING", size: { value: 1, unit: "DAYS", ms: 86_400_000 } });
    expect(s.query.groupBy).toEqual([expect.objectContaining({ kind: "ColumnRef", name: "APP_ID" })]);
    expect(s.query.select[1]).toMatchObject({ kind: "SingleColumn", expression: { kind: "FunctionCall", name: "COUNT", star: true } });
    expect(s.query.pull).toBe(true);
    expect(s.text).toBe("CREATE TABLE opened_per_day AS\nSELECT app_id, count(*)\nFROM apps_opened\nWINDOW TUMBLING (SIZE 1 DAY)\nGROUP BY app_id");
  });

  it("CREATE STREAM with columns and a DELIMITED value (004)", () => {
    const s = one(
      "CREATE STREAM truck_position_s (ts VARCHAR, truckId VARCHAR, driverId BIGINT, routeId BIGINT, eventType VARCHAR, latitude DOUBLE, longitude DOUBLE, correlationId VARCHAR) WITH (kafka_topic='truck_position', value_format='DELIMITED');",
      "CreateSource",
    );
    expect(s.elements!.map((e) => `${e.name} ${formatType(e.type)}`)).toEqual([
      "TS STRING",
      "TRUCKID STRING",
      "DRIVERID BIGINT",
      "ROUTEID BIGINT",
      "EVENTTYPE STRING",
      "LATITUDE DOUBLE",
      "LONGITUDE DOUBLE",
      "CORRELATIONID STRING",
    ]);
    expect(s.properties.map((p) => [p.name, p.value])).toEqual([
      ["KAFKA_TOPIC", "truck_position"],
      ["VALUE_FORMAT", "DELIMITED"],
    ]);
  });

  it("the old KEY='id' table and a stream-table LEFT JOIN (004)", () => {
    const { statements } = parseStatements(`
      CREATE TABLE driver_t (id BIGINT, first_name VARCHAR, last_name VARCHAR, available VARCHAR)
        WITH (kafka_topic='trucking_driver', value_format='JSON', key='id');
      CREATE STREAM dangerous_driving_and_driver_s WITH (kafka_topic='dangerous_driving_and_driver_s', value_format='JSON')
        AS SELECT driverId, first_name, last_name, truckId, routeId, eventtype
        FROM truck_position_s LEFT JOIN driver_t ON dangerous_driving_and_driver_s.driverId = driver_t.id;`);
    expect(statements).toHaveLength(2);
    const table = statements[0] as CreateSource;
    expect(table.properties.find((p) => p.name === "KEY")?.value).toBe("id");
    const csas = statements[1] as CreateAsSelect;
    expect(csas.query.joins).toHaveLength(1);
    expect(csas.query.joins[0]).toMatchObject({ type: "LEFT", source: { name: "DRIVER_T" } });
    expect(csas.query.joins[0]!.on).toMatchObject({
      kind: "Comparison",
      op: "=",
      left: { kind: "ColumnRef", source: "DANGEROUS_DRIVING_AND_DRIVER_S", name: "DRIVERID" },
      right: { kind: "ColumnRef", source: "DRIVER_T", name: "ID" },
    });
  });

  it("a struct dereference in WHERE (003)", () => {
    const s = one("SELECT * FROM customer_s WHERE address->country = 'Switzerland';", "QueryStatement");
    expect(s.query.select).toEqual([expect.objectContaining({ kind: "AllColumns" })]);
    expect(s.query.where).toMatchObject({
      kind: "Comparison",
      left: { kind: "Dereference", base: { kind: "ColumnRef", name: "ADDRESS" }, field: "COUNTRY" },
      right: { kind: "StringLiteral", value: "Switzerland" },
    });
  });
});

describe("statement forms", () => {
  it("CREATE OR REPLACE, IF NOT EXISTS, SOURCE, KEY and PRIMARY KEY", () => {
    const s = one("CREATE OR REPLACE SOURCE TABLE IF NOT EXISTS users (userid VARCHAR PRIMARY KEY, regionid VARCHAR) WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON', PARTITIONS=3, REPLICAS=1)", "CreateSource");
    expect(s).toMatchObject({ orReplace: true, isSource: true, ifNotExists: true, sourceType: "TABLE" });
    expect(s.elements![0]).toMatchObject({ name: "USERID", constraint: "PRIMARY KEY" });
    expect(s.properties.find((p) => p.name === "PARTITIONS")?.value).toBe(3);
    const st = one("CREATE STREAM pageviews (viewtime BIGINT, userid VARCHAR KEY, pageid VARCHAR) WITH (KAFKA_TOPIC='pageviews', VALUE_FORMAT='JSON', TIMESTAMP='viewtime', TIMESTAMP_FORMAT='yyyy', VALUE_DELIMITER='|')", "CreateSource");
    expect(st.elements![1]).toMatchObject({ name: "USERID", constraint: "KEY" });
  });

  it("types: DECIMAL, ARRAY, MAP, STRUCT, temporal, aliases", () => {
    const s = one(
      "CREATE STREAM t (a DECIMAL(4, 2), b ARRAY<INT>, c MAP<STRING, BIGINT>, d STRUCT<x INTEGER, `y` ARRAY<STRUCT<z BOOLEAN>>>, e BYTES, f TIMESTAMP, g DATE, h TIME, i VARCHAR(20)) WITH (kafka_topic='t', value_format='JSON')",
      "CreateSource",
    );
    expect(s.elements!.map((e) => formatType(e.type))).toEqual([
      "DECIMAL(4, 2)",
      "ARRAY<INTEGER>",
      "MAP<STRING, BIGINT>",
      "STRUCT<X INTEGER, `y` ARRAY<STRUCT<Z BOOLEAN>>>",
      "BYTES",
      "TIMESTAMP",
      "DATE",
      "TIME",
      "STRING",
    ]);
    expect(formatType(parseType("array<map<string, double>>"))).toBe("ARRAY<MAP<STRING, DOUBLE>>");
  });

  it("quoted identifiers keep their case, unquoted are upper-cased", () => {
    const s = one('SELECT `Mixed`, "Other""s", plain AS Renamed, "q"."c" FROM `src`', "QueryStatement");
    expect(s.query.from.name).toBe("src");
    expect(s.query.select.map((i) => (i.kind === "SingleColumn" ? [i.expression, i.alias] : i))).toEqual([
      [expect.objectContaining({ name: "Mixed" }), undefined],
      [expect.objectContaining({ name: 'Other"s' }), undefined],
      [expect.objectContaining({ name: "PLAIN" }), "RENAMED"],
      [expect.objectContaining({ source: "q", name: "c" }), undefined],
    ]);
  });

  it("every clause of a push query, in order", () => {
    const s = one(
      `SELECT o.region, COUNT(*) AS n FROM orders o
         INNER JOIN shipments s WITHIN (1 HOUR, 2 HOURS) GRACE PERIOD 10 MINUTES ON o.id = s.order_id
         FULL OUTER JOIN refunds AS r WITHIN 5 SECONDS ON o.id = r.id
         WINDOW HOPPING (SIZE 30 SECONDS, ADVANCE BY 10 SECONDS, RETENTION 7 DAYS, GRACE PERIOD 1 MINUTE)
         WHERE o.amount > 10 GROUP BY o.region PARTITION BY o.region HAVING COUNT(*) > 2 EMIT CHANGES LIMIT 5`,
      "QueryStatement",
    );
    const q = s.query;
    expect(q.from).toMatchObject({ name: "ORDERS", alias: "O" });
    expect(q.joins[0]).toMatchObject({ type: "INNER", source: { name: "SHIPMENTS", alias: "S" } });
    expect(q.joins[0]!.within).toMatchObject({ before: { ms: 3_600_000 }, after: { ms: 7_200_000 }, grace: { ms: 600_000 } });
    expect(q.joins[1]).toMatchObject({ type: "FULL", source: { alias: "R" }, within: { before: { ms: 5000 }, after: { ms: 5000 } } });
    expect(q.window).toMatchObject({ kind: "HOPPING", size: { ms: 30_000 }, advance: { ms: 10_000 }, retention: { unit: "DAYS" }, grace: { ms: 60_000 } });
    expect(q.having).toMatchObject({ kind: "Comparison", op: ">" });
    expect(q.partitionBy).toHaveLength(1);
    expect(q).toMatchObject({ emit: "CHANGES", limit: 5, pull: false });
  });

  it("session windows, EMIT FINAL, LEFT OUTER / RIGHT joins, src.* and struct->*", () => {
    const q = one("SELECT a.*, s->* FROM a LEFT OUTER JOIN b ON a.k = b.k RIGHT JOIN c ON a.k = c.k WINDOW SESSION (60 SECONDS) GROUP BY a.k EMIT FINAL", "QueryStatement").query;
    expect(q.select[0]).toMatchObject({ kind: "AllColumns", source: "A" });
    expect(q.select[1]).toMatchObject({ kind: "StructAll", base: { kind: "ColumnRef", name: "S" } });
    expect(q.joins.map((j) => j.type)).toEqual(["LEFT", "RIGHT"]);
    expect(q.window).toMatchObject({ kind: "SESSION", gap: { ms: 60_000 } });
    expect(q.emit).toBe("FINAL");
  });

  it("a stream alias is not confused with EMIT or PARTITION BY", () => {
    expect(one("SELECT * FROM s EMIT CHANGES", "QueryStatement").query.from).toEqual(expect.not.objectContaining({ alias: expect.anything() }));
    expect(one("SELECT * FROM s PARTITION BY x EMIT CHANGES", "QueryStatement").query.partitionBy).toHaveLength(1);
    expect(one("SELECT * FROM s key EMIT CHANGES", "QueryStatement").query.from.alias).toBe("KEY");
  });

  it("GROUP BY a parenthesised list", () => {
    const q = one("SELECT a, b, COUNT(*) FROM s GROUP BY (a, b) EMIT CHANGES", "QueryStatement").query;
    expect(q.groupBy!.map((e) => (e as { name: string }).name)).toEqual(["A", "B"]);
  });

  it("INSERT INTO ... SELECT and INSERT VALUES", () => {
    const ins = one("INSERT INTO all_orders SELECT * FROM us_orders EMIT CHANGES;", "InsertInto");
    expect(ins.target).toBe("ALL_ORDERS");
    const vals = one("INSERT INTO users (userid, age, tags) VALUES ('u1', 42, ARRAY['a', 'b'])", "InsertValues");
    expect(vals.columns).toEqual(["USERID", "AGE", "TAGS"]);
    expect(vals.values.map((v) => v.kind)).toEqual(["StringLiteral", "IntegerLiteral", "ArrayConstructor"]);
    expect(one("INSERT INTO users VALUES ('u2', NULL)", "InsertValues").columns).toBeUndefined();
  });

  it("DROP, SHOW/LIST, DESCRIBE, EXPLAIN, TERMINATE, PRINT, SET, UNSET", () => {
    expect(one("DROP STREAM IF EXISTS s DELETE TOPIC", "DropSource")).toMatchObject({ sourceType: "STREAM", ifExists: true, name: "S", deleteTopic: true });
    expect(one("DROP TABLE t", "DropSource")).toMatchObject({ sourceType: "TABLE", ifExists: false, deleteTopic: false });
    expect(one("SHOW STREAMS EXTENDED", "List")).toMatchObject({ target: "STREAMS", extended: true });
    expect(one("list tables", "List")).toMatchObject({ target: "TABLES", extended: false });
    expect(one("SHOW ALL TOPICS", "List")).toMatchObject({ target: "TOPICS", all: true });
    expect(one("SHOW QUERIES", "List")).toMatchObject({ target: "QUERIES" });
    expect(one("SHOW PROPERTIES", "List")).toMatchObject({ target: "PROPERTIES" });
    expect(one("DESCRIBE EXTENDED truck_position_s", "Describe")).toMatchObject({ name: "TRUCK_POSITION_S", extended: true });
    expect(one("DESCRIBE truck_position_s EXTENDED", "Describe")).toMatchObject({ name: "TRUCK_POSITION_S", extended: true });
    expect(one("DESCRIBE FUNCTION substring", "DescribeFunction").name).toBe("SUBSTRING");
    expect(one("EXPLAIN CSAS_DANGEROUS_DRIVING_S_1", "Explain").queryId).toBe("CSAS_DANGEROUS_DRIVING_S_1");
    const ex = one("EXPLAIN SELECT * FROM s EMIT CHANGES", "Explain");
    expect(ex.statement?.kind).toBe("QueryStatement");
    expect(ex.statement?.text).toBe("SELECT * FROM s EMIT CHANGES");
    expect(one("TERMINATE ALL", "Terminate")).toMatchObject({ all: true });
    expect(one("TERMINATE CTAS_X_0", "Terminate")).toMatchObject({ all: false, queryId: "CTAS_X_0" });
    expect(one("PRINT 'truck_position' FROM BEGINNING LIMIT 3", "Print")).toMatchObject({ topic: "truck_position", fromBeginning: true, limit: 3 });
    expect(one("PRINT truck_position INTERVAL 2", "Print")).toMatchObject({ topic: "truck_position", fromBeginning: false, interval: 2 });
    expect(one("SET 'auto.offset.reset'='earliest'", "SetProperty")).toMatchObject({ name: "auto.offset.reset", value: "earliest" });
    expect(one("UNSET 'auto.offset.reset'", "UnsetProperty").name).toBe("auto.offset.reset");
  });

  it("comments, empty statements and a final statement without ';'", () => {
    const { statements } = parseStatements("-- a comment\nSHOW STREAMS; ;\n/* block\ncomment */ SHOW TABLES");
    expect(statements.map((s) => s.kind)).toEqual(["List", "List"]);
    expect(statements[1]!.loc).toMatchObject({ line: 4, column: 12 });
    expect(statements[1]!.text).toBe("SHOW TABLES");
  });

  it("pull queries are SELECTs without EMIT", () => {
    const q = one("SELECT * FROM pageviews_regions WHERE regionid = 'Region_1' AND WINDOWSTART >= 1700000000000;", "QueryStatement").query;
    expect(q.pull).toBe(true);
    expect(q.where).toMatchObject({ kind: "Logical", op: "AND", right: { right: { kind: "BigintLiteral", value: 1700000000000 } } });
  });
});

describe("expressions", () => {
  const e = (text: string): Expression => parseExpression(text);

  it("operator precedence", () => {
    expect(e("1 + 2 * 3")).toMatchObject({ kind: "Arithmetic", op: "+", right: { op: "*" } });
    expect(e("a OR b AND NOT c")).toMatchObject({ kind: "Logical", op: "OR", right: { kind: "Logical", op: "AND", right: { kind: "Not" } } });
    expect(e("'a' || 'b' + 'c'")).toMatchObject({ kind: "FunctionCall", name: "CONCAT", args: [{}, { kind: "Arithmetic", op: "+" }] });
    expect(e("-x * 2")).toMatchObject({ kind: "Arithmetic", op: "*", left: { kind: "UnaryArithmetic", sign: "-" } });
    expect(e("NOT a = b")).toMatchObject({ kind: "Not", operand: { kind: "Comparison" } });
  });

  it("literals are typed as ksqlDB types them", () => {
    expect(e("2147483647")).toMatchObject({ kind: "IntegerLiteral", value: 2147483647 });
    expect(e("2147483648")).toMatchObject({ kind: "BigintLiteral", text: "2147483648" });
    expect(e("-2147483648")).toMatchObject({ kind: "IntegerLiteral", value: -2147483648 });
    expect(e("1.50")).toMatchObject({ kind: "DecimalLiteral", text: "1.50" });
    expect(e(".5")).toMatchObject({ kind: "DecimalLiteral", text: ".5" });
    expect(e("1.5E3")).toMatchObject({ kind: "DoubleLiteral", value: 1500 });
    expect(e("'it''s'")).toMatchObject({ kind: "StringLiteral", value: "it's" });
    expect(e("TRUE")).toMatchObject({ kind: "BooleanLiteral", value: true });
    expect(e("NULL")).toMatchObject({ kind: "NullLiteral" });
  });

  it("predicates", () => {
    expect(e("x NOT BETWEEN 1 AND 5")).toMatchObject({ kind: "Between", negated: true });
    expect(e("x IN (1, 2, 3)")).toMatchObject({ kind: "InList", negated: false, list: [{}, {}, {}] });
    expect(e("x NOT LIKE 'a!%%' ESCAPE '!'")).toMatchObject({ kind: "Like", negated: true, escape: "!" });
    expect(e("x IS NOT NULL")).toMatchObject({ kind: "IsNull", negated: true });
    expect(e("x IS NOT DISTINCT FROM y")).toMatchObject({ kind: "Comparison", op: "IS NOT DISTINCT FROM" });
    expect(e("x != y")).toMatchObject({ kind: "Comparison", op: "<>" });
  });

  it("CASE, CAST, constructors, subscripts and dereferences", () => {
    expect(e("CASE WHEN a > 1 THEN 'big' ELSE 'small' END")).toMatchObject({ kind: "SearchedCase", whens: [{}], else: { value: "small" } });
    expect(e("CASE a WHEN 1 THEN 'one' WHEN 2 THEN 'two' END")).toMatchObject({ kind: "SimpleCase", whens: [{}, {}] });
    expect(e("CAST(x AS DECIMAL(5, 2))")).toMatchObject({ kind: "Cast", type: { base: "DECIMAL", precision: 5, scale: 2 } });
    expect(e("ARRAY[1, 2]")).toMatchObject({ kind: "ArrayConstructor" });
    expect(e("MAP('a' := 1, 'b' := 2)")).toMatchObject({ kind: "MapConstructor", entries: [{}, {}] });
    expect(e("STRUCT(name := 'x', n := 1)")).toMatchObject({ kind: "StructConstructor", fields: [{ name: "NAME" }, { name: "N" }] });
    expect(e("a[1]->b['k']")).toMatchObject({ kind: "Subscript", base: { kind: "Dereference", field: "B", base: { kind: "Subscript" } } });
    expect(e("array")).toMatchObject({ kind: "ColumnRef", name: "ARRAY" });
  });

  it("locations cover the source text", () => {
    const x = e("  foo(a, 'b')");
    expect(x.loc).toEqual({ line: 1, column: 3, offset: 2, end: 13 });
  });
});

describe("syntax errors", () => {
  it("names the offending token, its position and what was expected", () => {
    const err = syntaxError("SELEKT * FROM x;");
    expect(err).toBeInstanceOf(SqlSyntaxError);
    expect([err.line, err.column, err.offendingToken]).toEqual([1, 1, "SELEKT"]);
    expect(err.expected).toContain("SELECT");
    expect(err.expected).toContain("CREATE");
    expect(err.message).toMatch(/^1:1: unexpected 'SELEKT', expected one of .*SELECT.*; did you mean SELECT\?$/);
  });

  it("positions in later lines and statements", () => {
    const err = syntaxError("SHOW STREAMS;\nSELECT *\n  FROM x WHERE a = 1 EMITT CHANGES;");
    expect([err.line, err.column, err.offendingToken]).toEqual([3, 22, "EMITT"]);
    expect(err.expected).toEqual(expect.arrayContaining(["EMIT", "GROUP", "AND", "';'"]));
    expect(err.message).toContain("did you mean EMIT?");
  });

  const cases: [string, number, number, string, string[]][] = [
    ["SELECT FROM x", 1, 8, "FROM", ["an expression", "'*'"]],
    ["SELECT a, FROM x", 1, 11, "FROM", ["an expression"]],
    ["SELECT * FROM", 1, 14, "", ["an identifier"]],
    ["SELECT * FROM x WHERE", 1, 22, "", ["an expression"]],
    ["SELECT * FROM x GROUP a", 1, 23, "a", ["BY"]],
    ["SELECT * FROM x WINDOW TUMBLING (SIZE 1 WEEK)", 1, 41, "WEEK", ["a time unit (MILLISECONDS, SECONDS, MINUTES, HOURS, DAYS)"]],
    ["SELECT * FROM x WINDOW TUMBLING SIZE 1 SECOND", 1, 33, "SIZE", ["'('"]],
    ["SELECT (a + 1 FROM x", 1, 15, "FROM", ["')'"]],
    ["CREATE STREAM s (a INT, ) WITH (kafka_topic='t')", 1, 25, ")", ["an identifier"]],
    ["CREATE STREAM s (a FOO) WITH (kafka_topic='t')", 1, 20, "FOO", []],
    ["CREATE STREAM s (size INT) WITH (kafka_topic='t')", 1, 18, "size", ["an identifier"]],
    ["CREATE STREEM s (a INT)", 1, 8, "STREEM", ["STREAM", "TABLE"]],
    ["DROP s", 1, 6, "s", ["STREAM", "TABLE"]],
    ["INSERT x SELECT * FROM y", 1, 8, "x", ["INTO"]],
    ["SELECT CASE WHEN a THEN 1 FROM x", 1, 27, "FROM", ["END"]],
    ["SELECT CAST(a INT) FROM x", 1, 15, "INT", ["AS"]],
    ["SET 'a' = 1", 1, 11, "1", ["a string"]],
    ["SELECT * FROM x LIMIT 1.5", 1, 23, "1.5", []],
    ["SELECT * FROM x JOIN y", 1, 23, "", ["ON"]],
  ];
  it.each(cases)("%s", (text, line, column, token, expected) => {
    const err = syntaxError(text);
    expect([err.line, err.column, err.offendingToken]).toEqual([line, column, token]);
    expect(err.expected).toEqual(expect.arrayContaining(expected));
    expect(err.message.startsWith(`${line}:${column}: `)).toBe(true);
  });

  it("reserved words used as names get a hint to quote them", () => {
    expect(syntaxError("CREATE STREAM s (size INT) WITH (kafka_topic='t')").message).toContain("SIZE is a reserved word, quote it as `SIZE`");
    expect(syntaxError("SELECT a, FROM x").message).not.toContain("reserved");
  });

  it("lexical errors: unterminated strings and typographic quotes from slides", () => {
    const e1 = syntaxError("SELECT 'abc FROM x");
    expect([e1.line, e1.column]).toEqual([1, 8]);
    expect(e1.message).toContain("unterminated string literal");
    const e2 = syntaxError("CREATE STREAM customer_s WITH (kafka_topic=\u2018customer', value_format=\u2018AVRO');");
    expect([e2.line, e2.column]).toEqual([1, 44]);
    expect(e2.message).toContain("typographic quotes");
  });

  it("semantic checks while parsing", () => {
    expect(syntaxError("CREATE STREAM s (id INT PRIMARY KEY) WITH (kafka_topic='t')").message).toContain("Column ID is a 'PRIMARY KEY' column: please use 'KEY' for streams.");
    expect(syntaxError("CREATE TABLE t (id INT KEY) WITH (kafka_topic='t')").message).toContain("Column ID is a 'KEY' column: please use 'PRIMARY KEY' for tables.");
    expect(syntaxError("CREATE STREAM s (a INT) WITH (kafka_topic='t', foo='x')").message).toContain("Invalid config variable(s) in the WITH clause: FOO");
    expect(syntaxError("CREATE STREAM s (a INT) WITH (kafka_topic='t', partitions='many')").message).toContain("PARTITIONS");
    expect(syntaxError("CREATE STREAM s (a INT, a STRING) WITH (kafka_topic='t')").message).toContain("Duplicate column names: A");
    expect(syntaxError("CREATE STREAM s (a INT) AS SELECT * FROM x").message).toContain("cannot declare columns");
    expect(syntaxError("SELECT * FROM x WINDOW HOPPING (SIZE 10 SECONDS, ADVANCE BY 20 SECONDS) GROUP BY a EMIT CHANGES").message).toContain("advancement interval");
    expect(syntaxError("SELECT * FROM x EMIT FINAL").message).toContain("EMIT FINAL is only supported for windowed aggregations.");
    expect(syntaxError("SELECT * FROM `my.stream`").message).toContain("Illegal source name 'my.stream'");
    expect(syntaxError("SELECT 99999999999999999999 FROM x").message).toContain("Invalid numeric literal");
    expect(syntaxError("SELECT a LIKE 'x' ESCAPE 'ab' FROM x").message).toContain("Expected single character escape but got: ab");
  });

  it("parseStatement insists on one statement", () => {
    expect(() => parseStatement("SHOW STREAMS; SHOW TABLES")).toThrow(/single statement/);
    const s = parseStatement("SHOW TOPICS;") as unknown as { kind: string };
    expect(s.kind).toBe("List");
    const q = parseStatement("SELECT 1 FROM x EMIT CHANGES") as QueryStatement;
    expect(q.query.select).toHaveLength(1);
  });
});
