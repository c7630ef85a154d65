/**
 * ksqlDB's execution plans: the expected step trees are the ones ksqlDB records for the
 * same statements (its ExecutionPlanBuilder test and the physical plans its
 * query-validation tests keep: step types, query contexts, schemas, select expressions).
 */
import { describe, expect, it } from "vitest";
import type { PlanStep } from "./execution-plan";
import { schemaText, summarizePlan, validateUpgrade } from "./execution-plan";
import { QttHarness } from "./testing/qtt-harness";

/** Each step as `Type context` with its sources indented below. */
function shape(step: PlanStep, indent = ""): string[] {
  return [`${indent}${step.type} ${step.context}`, ...step.sources.flatMap((s) => shape(s, `${indent}  `))];
}

function planOf(h: QttHarness, queryId: string): PlanStep {
  const p = h.executionPlan(queryId);
  if (!p) throw new Error(`no query ${queryId}`);
  return p;
}

/** The chain of first sources, from the root down. */
function chain(step: PlanStep): PlanStep[] {
  const out = [step];
  while (out[out.length - 1]!.sources[0]) out.push(out[out.length - 1]!.sources[0]!);
  return out;
}

describe("the execution plan EXPLAIN prints", () => {
  it("prints an INSERT INTO query as ksqlDB does, sink first, sources indented by two tabs", () => {
    const h = new QttHarness({ test1: 1 });
    h.execute(`CREATE STREAM TEST1 (ROWKEY STRING KEY, COL0 BIGINT, COL1 STRING, COL2 DOUBLE) WITH (KAFKA_TOPIC='test1', VALUE_FORMAT='JSON');
      CREATE STREAM s1 WITH (value_format = 'delimited') AS SELECT rowkey, col0, col1, col2 FROM test1;
      INSERT INTO s1 SELECT rowkey, col0, col1, col2 FROM test1;`);
    expect(summarizePlan(planOf(h, "INSERTQUERY_2"), "INSERTQUERY_1").split("\n")).toEqual([
      " > [ SINK ] | Schema: ROWKEY STRING KEY, COL0 BIGINT, COL1 STRING, COL2 DOUBLE | Logger: INSERTQUERY_1.S1",
      "\t\t > [ PROJECT ] | Schema: ROWKEY STRING KEY, COL0 BIGINT, COL1 STRING, COL2 DOUBLE | Logger: INSERTQUERY_1.Project",
      "\t\t\t\t > [ SOURCE ] | Schema: ROWKEY STRING KEY, COL0 BIGINT, COL1 STRING, COL2 DOUBLE, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ROWKEY STRING | Logger: INSERTQUERY_1.KsqlTopic.Source",
      "",
    ]);
  });

  it("a windowed count: Prepare selects the needed columns, literal arguments become KSQL_INTERNAL_COL_n", () => {
    const h = new QttHarness({ test_topic: 1 });
    h.execute(`CREATE STREAM TEST (ROWKEY INTEGER KEY, ID INTEGER) WITH (KAFKA_TOPIC='test_topic', KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON');
      CREATE TABLE S2 AS SELECT ID, COUNT(1) AS COUNT FROM TEST WINDOW HOPPING (SIZE 5 SECONDS, ADVANCE BY 1 SECONDS) GROUP BY ID;`);
    const plan = planOf(h, "CTAS_S2_1");
    expect(shape(plan)).toEqual([
      "TableSink S2",
      "  TableSelect Aggregate/Project",
      "    StreamWindowedAggregate Aggregate/Aggregate",
      "      StreamGroupBy Aggregate/GroupBy",
      "        StreamSelect Aggregate/Prepare",
      "          StreamSource KsqlTopic/Source",
    ]);
    const [, project, agg, group, prepare] = chain(plan);
    expect(schemaText(prepare!.schema)).toBe("ROWKEY INTEGER KEY, ID INTEGER, KSQL_INTERNAL_COL_1 INTEGER");
    expect(group!.properties.groupByExpressions).toBe("ID");
    expect(agg!.properties).toEqual({ nonAggregateColumns: "ID", aggregationFunctions: "COUNT(KSQL_INTERNAL_COL_1)" });
    expect(schemaText(agg!.schema)).toBe("ID INTEGER KEY, ID INTEGER, KSQL_AGG_VARIABLE_0 BIGINT, WINDOWSTART BIGINT, WINDOWEND BIGINT");
    expect(schemaText(project!.schema)).toBe("ID INTEGER KEY, COUNT BIGINT");
  });

  it("COUNT(*) counts ROWTIME; grouping by the key needs no repartition; HAVING's aggregate is its own", () => {
    const h = new QttHarness({ test_topic: 1, input: 1 });
    h.execute(`CREATE STREAM TEST (ID BIGINT KEY, NAME STRING, VALUE BIGINT) WITH (KAFKA_TOPIC='test_topic', VALUE_FORMAT='JSON');
      CREATE TABLE T1 AS SELECT ID, SUM(VALUE) AS SUM FROM TEST WINDOW TUMBLING (SIZE 30 SECONDS) GROUP BY ID HAVING SUM(VALUE) > 100;
      CREATE STREAM INPUT (A DECIMAL(4, 2)) WITH (KAFKA_TOPIC='input', FORMAT='JSON');
      CREATE TABLE OUTPUT AS SELECT A, COUNT(*) AS COUNT FROM INPUT WINDOW TUMBLING (SIZE 30 SECONDS) GROUP BY A;`);
    const having = planOf(h, "CTAS_T1_1");
    expect(shape(having)).toEqual([
      "TableSink T1",
      "  TableSelect Aggregate/Project",
      "    TableFilter Aggregate/HavingFilter",
      "      StreamWindowedAggregate Aggregate/Aggregate",
      "        StreamGroupByKey Aggregate/GroupBy",
      "          StreamSelect Aggregate/Prepare",
      "            StreamSource KsqlTopic/Source",
    ]);
    expect(chain(having)[3]!.properties).toEqual({ nonAggregateColumns: "ID, VALUE", aggregationFunctions: "SUM(VALUE), SUM(VALUE)" });
    const count = chain(planOf(h, "CTAS_OUTPUT_3"));
    expect(schemaText(count[4]!.schema)).toBe("A DECIMAL(4, 2), ROWTIME BIGINT");
    expect(count[2]!.properties).toEqual({ nonAggregateColumns: "A, ROWTIME", aggregationFunctions: "COUNT(ROWTIME)" });
  });

  it("a stream-table LEFT JOIN: each side renamed by a PrependAlias projection, keyed by the left join column", () => {
    const h = new QttHarness({ test_topic: 1, test_table: 1 });
    h.execute(`CREATE STREAM TEST (ID BIGINT KEY, NAME STRING, VALUE BIGINT) WITH (KAFKA_TOPIC='test_topic', VALUE_FORMAT='JSON');
      CREATE TABLE TEST_TABLE (ID BIGINT PRIMARY KEY, F1 STRING, F2 BIGINT) WITH (KAFKA_TOPIC='test_table', VALUE_FORMAT='JSON');
      CREATE STREAM LEFT_JOIN AS SELECT T.ID T_ID, NAME, VALUE, F1, F2 FROM TEST T LEFT JOIN TEST_TABLE TT ON T.ID = TT.ID;`);
    const plan = planOf(h, "CSAS_LEFT_JOIN_2");
    expect(shape(plan)).toEqual([
      "StreamSink LEFT_JOIN",
      "  StreamSelect Project",
      "    StreamTableJoin Join",
      "      StreamSelect PrependAliasLeft",
      "        StreamSource KafkaTopic_Left/Source",
      "      TableSelect PrependAliasRight",
      "        TableSource KafkaTopic_Right/Source",
    ]);
    const join = plan.sources[0]!.sources[0]!;
    expect(join.properties).toEqual({ joinType: "LEFT", keyColName: "T_ID" });
    expect(schemaText(join.sources[0]!.schema)).toBe("T_ID BIGINT KEY, T_NAME STRING, T_VALUE BIGINT, T_ROWTIME BIGINT, T_ROWPARTITION INTEGER, T_ROWOFFSET BIGINT, T_ID BIGINT");
    expect(schemaText(join.sources[1]!.schema)).toBe("TT_ID BIGINT KEY, TT_F1 STRING, TT_F2 BIGINT, TT_ROWTIME BIGINT, TT_ROWPARTITION INTEGER, TT_ROWOFFSET BIGINT, TT_ID BIGINT");
    expect(schemaText(plan.schema)).toBe("T_ID BIGINT KEY, NAME STRING, VALUE BIGINT, F1 STRING, F2 BIGINT");
  });

  it("a join on an expression re-keys that side first; the join is keyed by the column side", () => {
    const h = new QttHarness({ LEFT: 1, RIGHT: 1 });
    h.execute(`CREATE STREAM L (A INT KEY, B INT, C INT) WITH (KAFKA_TOPIC='LEFT', VALUE_FORMAT='JSON');
      CREATE STREAM R (A INT KEY, B INT, C INT) WITH (KAFKA_TOPIC='RIGHT', VALUE_FORMAT='JSON');
      CREATE STREAM OUTPUT AS SELECT R.A, L.*, R.B, R.C FROM L LEFT JOIN R WITHIN 10 SECONDS ON ABS(L.A) = R.A;`);
    const join = planOf(h, "CSAS_OUTPUT_2").sources[0]!.sources[0]!;
    expect(join.type).toBe("StreamStreamJoin");
    expect(join.properties.keyColName).toBe("R_A");
    const [prepend, rekey] = chain(join.sources[0]!);
    expect(rekey!.context).toBe("LeftSourceKeyed");
    expect(rekey!.properties.keyExpressions).toBe("ABS(A)");
    expect(schemaText(prepend!.schema)).toBe("L_KSQL_COL_0 INTEGER KEY, L_B INTEGER, L_C INTEGER, L_ROWTIME BIGINT, L_ROWPARTITION INTEGER, L_ROWOFFSET BIGINT, L_A INTEGER, L_KSQL_COL_0 INTEGER");
  });

  it("PARTITION BY an expression names the new key KSQL_COL_0 and copies it into the value", () => {
    const h = new QttHarness({ input: 1 });
    h.execute(`CREATE STREAM INPUT (ID INT KEY, NAME STRING) WITH (KAFKA_TOPIC='input', VALUE_FORMAT='JSON');
      CREATE STREAM OUTPUT AS SELECT * FROM INPUT PARTITION BY ABS(ID);`);
    const [sink, project, rekey] = chain(planOf(h, "CSAS_OUTPUT_1"));
    expect(rekey!.type).toBe("StreamSelectKey");
    expect(rekey!.context).toBe("PartitionBy");
    expect(schemaText(rekey!.schema)).toBe("KSQL_COL_0 INTEGER KEY, NAME STRING, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER, KSQL_COL_0 INTEGER");
    expect(schemaText(project!.schema)).toBe("KSQL_COL_0 INTEGER KEY, NAME STRING, ID INTEGER");
    expect(sink!.type).toBe("StreamSink");
  });

  it("a table-table FULL OUTER JOIN is keyed by a synthetic ROWKEY", () => {
    const h = new QttHarness({ left_topic: 1, right_topic: 1 });
    h.execute(`CREATE TABLE TEST (ID BIGINT PRIMARY KEY, NAME STRING, VALUE BIGINT) WITH (KAFKA_TOPIC='left_topic', VALUE_FORMAT='JSON');
      CREATE TABLE TEST_TABLE (ID BIGINT PRIMARY KEY, F1 STRING, F2 BIGINT) WITH (KAFKA_TOPIC='right_topic', VALUE_FORMAT='JSON');
      CREATE TABLE OUTER_JOIN AS SELECT ROWKEY AS ID, NAME, VALUE, F1, F2 FROM TEST T FULL OUTER JOIN TEST_TABLE TT ON T.ID = TT.ID;`);
    const join = planOf(h, "CTAS_OUTER_JOIN_2").sources[0]!.sources[0]!;
    expect(join.type).toBe("TableTableJoin");
    expect(join.properties).toEqual({ joinType: "FULL", keyColName: "ROWKEY" });
    expect(join.schema.at(-1)).toEqual({ name: "ROWKEY", type: expect.objectContaining({ base: "BIGINT" }), key: false });
  });
});

describe("which plans CREATE OR REPLACE accepts", () => {
  const statements = (select: string) => `CREATE STREAM S (ID INT KEY, V INT, W STRING) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON');
    CREATE STREAM T (ID INT KEY, V INT, W STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');
    CREATE TABLE U (ID INT PRIMARY KEY, X STRING) WITH (KAFKA_TOPIC='u', VALUE_FORMAT='JSON');
    ${select}`;
  const plan = (select: string, queryId: string) => {
    const h = new QttHarness({ s: 1, t: 1, u: 1 });
    h.execute(statements(select));
    return planOf(h, queryId);
  };
  const base = plan("CREATE STREAM O AS SELECT ID, V FROM S;", "CSAS_O_3");
  const counted = plan("CREATE TABLE C AS SELECT W, COUNT(*) AS N FROM S GROUP BY W;", "CTAS_C_3");

  it("filters and projections may change", () => {
    expect(() => validateUpgrade(base, plan("CREATE STREAM O AS SELECT ID, V, W FROM S WHERE V > 1;", "CSAS_O_3"))).not.toThrow();
    expect(() => validateUpgrade(counted, plan("CREATE TABLE C AS SELECT W, COUNT(*) * 2 AS N FROM S WHERE W IS NOT NULL GROUP BY W;", "CTAS_C_3"))).not.toThrow();
  });

  it("sources, sinks, keys, grouping and aggregates may not", () => {
    expect(() => validateUpgrade(base, plan("CREATE STREAM O AS SELECT ID, V FROM T;", "CSAS_O_3"))).toThrow(
      "Query is not upgradeable. Plan step of type StreamSource must have matching topicName. Values differ: s vs. t",
    );
    expect(() => validateUpgrade(base, plan("CREATE STREAM O AS SELECT W, V FROM S PARTITION BY W;", "CSAS_O_3"))).toThrow(
      "Query is not upgradeable. Cannot add a StreamSelectKey step that is not in the original query plan.",
    );
    expect(() => validateUpgrade(counted, plan("CREATE TABLE C AS SELECT W, SUM(V) AS N FROM S GROUP BY W;", "CTAS_C_3"))).toThrow("must have matching nonAggregateColumns");
    expect(() => validateUpgrade(base, plan("CREATE STREAM O AS SELECT S.ID, V, X FROM S JOIN U ON S.ID = U.ID;", "CSAS_O_3"))).toThrow(
      "Query is not upgradeable. Cannot change a non-join source into a join source.",
    );
  });

  it("joins and windowed aggregations cannot be upgraded yet, as in ksqlDB", () => {
    const joined = plan("CREATE STREAM O AS SELECT S.ID, V, X FROM S JOIN U ON S.ID = U.ID;", "CSAS_O_3");
    expect(() => validateUpgrade(joined, joined)).toThrow("Upgrades not yet supported for StreamTableJoin");
    const windowed = plan("CREATE TABLE C AS SELECT W, COUNT(*) AS N FROM S WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY W;", "CTAS_C_3");
    expect(() => validateUpgrade(windowed, windowed)).toThrow("Upgrades not yet supported for StreamWindowedAggregate");
  });
});
