/**
 * The statements that look without changing anything: SHOW / LIST, DESCRIBE [EXTENDED],
 * DESCRIBE FUNCTION, EXPLAIN and PRINT, answered from the metastore, the running queries
 * and the broker.
 */
import type { Engine } from "../../engine/engine";
import { StreamsBuilder } from "../../streams/streams-builder";
import type { CreateAsSelect, InsertInto, Statement } from "../ast";
import { aggregateNames } from "../aggregates";
import { KsqlException } from "../errors";
import { builtinFunctions } from "../functions";
import type { MetaStore } from "../metastore";
import type { PlanContext } from "../planner/context";
import { buildExecutionPlan, summarizePlan } from "../planner/execution-plan";
import { planQuery } from "../planner/plan-query";
import { renderTable } from "./cli-table";
import { nextCommandOffset } from "./command-topic";
import { describeSource, explainQuery, showProperties, showQueries, showSources, showTopics, type ConsumerGroupOffsets, type InspectionContext } from "./describe";
import type { PersistentQueryPlan } from "./persistent-query";
import { formatPrint } from "./print";
import type { SqlStatementResult, StatementInfo } from "./results";

/** What the inspecting statements need from the SQL engine. */
export interface InspectedEngine {
  readonly engine: Engine;
  readonly metastore: MetaStore;
  /** Session properties (SET). */
  readonly session: ReadonlyMap<string, string>;
  /** A running persistent query's plan and the properties it was started with. */
  running(queryId: string): { plan: PersistentQueryPlan; props: Readonly<Record<string, string>> } | undefined;
  /** Plans a CREATE … AS SELECT or INSERT INTO … SELECT without running it. */
  planStatement(st: CreateAsSelect | InsertInto, offset: number): PersistentQueryPlan | { noop: string };
  planContext(queryId: string): PlanContext;
}

type Of<K extends Statement["kind"]> = Extract<Statement, { kind: K }>;

function appState(sql: InspectedEngine, queryId: string): string | undefined {
  const q = sql.metastore.getQuery(queryId);
  return q ? sql.engine.describeApplications().find((a) => a.applicationId === q.applicationId)?.state : undefined;
}

/** ksqlDB's KsqlQueryStatus: ERROR when Kafka Streams is in ERROR, RUNNING otherwise. */
export function hostStatus(sql: InspectedEngine, queryId: string): string {
  return appState(sql, queryId) === "ERROR" ? "ERROR" : "RUNNING";
}

/** SHOW QUERIES' status column: the count of hosts per status (`RUNNING:1`). */
export function queryStatus(sql: InspectedEngine, queryId: string): string {
  return appState(sql, queryId) === undefined ? "UNKNOWN" : `${hostStatus(sql, queryId)}:1`;
}

function inspection(sql: InspectedEngine): InspectionContext {
  const broker = sql.engine.broker;
  return {
    status: (id) => queryStatus(sql, id),
    topic: (name) => (broker.hasTopic(name) ? { partitions: broker.partitionCount(name), replicas: broker.describeTopic(name).replicationFactor } : undefined),
    offsets(applicationId) {
      let committed: Record<string, { offset: number }>;
      try {
        committed = broker.groups.fetchOffsets(applicationId);
      } catch {
        return [];
      }
      const byTopic = new Map<string, ConsumerGroupOffsets>();
      for (const [tp, c] of Object.entries(committed)) {
        const dash = tp.lastIndexOf("-");
        const topic = tp.slice(0, dash);
        if (!broker.hasTopic(topic)) continue;
        if (!byTopic.has(topic)) {
          const partitions = broker.describeTopic(topic).partitions.map((p) => ({ partition: p.partition, start: p.logStartOffset, end: p.logEndOffset, offset: 0 }));
          byTopic.set(topic, { topic, partitions });
        }
        const p = byTopic.get(topic)!.partitions.find((x) => x.partition === Number(tp.slice(dash + 1)));
        if (p) p.offset = c.offset;
      }
      return [...byTopic.values()].sort((a, b) => (a.topic < b.topic ? -1 : 1));
    },
  };
}

export function list(sql: InspectedEngine, st: Of<"List">, info: StatementInfo): SqlStatementResult {
  switch (st.target) {
    case "STREAMS":
    case "TABLES":
      return { statement: info, ...showSources(sql.metastore, st.target === "STREAMS" ? "STREAM" : "TABLE", st.extended, inspection(sql)) };
    case "TOPICS": {
      const broker = sql.engine.broker;
      const topics = broker
        .listTopics()
        .filter((t) => st.all || !t.startsWith("_"))
        .sort()
        .map((t) => ({ name: t, partitions: broker.partitionCount(t), replicas: broker.describeTopic(t).replicationFactor }));
      return { statement: info, ...showTopics(topics) };
    }
    case "QUERIES":
      if (st.extended) {
        const texts = sql.metastore
          .allQueries()
          .sort((a, b) => (a.id < b.id ? -1 : 1))
          .map((q) => explain(sql, { kind: "Explain", text: st.text, loc: st.loc, queryId: q.id }, info).text ?? "");
        return { statement: info, text: texts.join("\n") };
      }
      return { statement: info, ...showQueries(sql.metastore.allQueries(), (id) => queryStatus(sql, id)) };
    case "PROPERTIES":
      return { statement: info, ...showProperties(sql.session) };
    case "FUNCTIONS": {
      const scalar = builtinFunctions().names().map((n) => [n, "SCALAR"]);
      const aggregates = aggregateNames().map((n) => [n, "AGGREGATE"]);
      const rows = [...scalar, ...aggregates].sort(([a], [b]) => (a! < b! ? -1 : 1));
      return { statement: info, table: { columns: [{ name: "Function Name" }, { name: "Category" }], rows }, text: renderTable(["Function Name", "Category"], rows) };
    }
  }
}

export function describe(sql: InspectedEngine, st: Of<"Describe">, info: StatementInfo): SqlStatementResult {
  const ds = sql.metastore.getSource(st.name);
  if (!ds) throw new KsqlException(`Could not find STREAM/TABLE '${st.name}' in the Metastore`, st.nameLoc);
  return { statement: info, ...describeSource(ds, sql.metastore, st.extended, inspection(sql)) };
}

export function describeFunction(name: string, info: StatementInfo): SqlStatementResult {
  const upper = name.toUpperCase();
  const fn = builtinFunctions().get(upper);
  const agg = aggregateNames().includes(upper);
  if (!fn && !agg) throw new KsqlException(`Can't find any functions with the name '${upper}'`);
  const lines = [`Name        : ${upper}`, `Type        : ${fn ? "SCALAR" : "AGGREGATE"}`];
  if (fn) lines.push(`Description : ${fn.description}`);
  return { statement: info, text: lines.join("\n"), table: { columns: [{ name: "Name" }, { name: "Type" }], rows: [[upper, fn ? "SCALAR" : "AGGREGATE"]] } };
}

/** EXPLAIN's result, with the application whose topology view shows the query when it runs. */
export function explain(sql: InspectedEngine, st: Of<"Explain">, info: StatementInfo): SqlStatementResult {
  if (st.queryId !== undefined) {
    const q = sql.metastore.getQuery(st.queryId) ?? sql.metastore.allQueries().find((x) => x.id.toUpperCase() === st.queryId!.toUpperCase());
    if (!q) throw new KsqlException(`Query with id:${st.queryId} does not exist, use SHOW QUERIES to view the full set of queries.`);
    const live = sql.running(q.id);
    const app = sql.engine.describeApplications().find((a) => a.applicationId === q.applicationId);
    const sink = sql.metastore.getSource(q.sink);
    const described = explainQuery({
      id: q.id,
      type: "PERSISTENT",
      statement: q.statement,
      hostStatus: hostStatus(sql, q.id),
      key: sink?.schema.key ?? [],
      value: sink?.schema.value ?? [],
      ...(sink?.window ? { window: sink.window } : {}),
      sources: q.sources,
      sinks: [q.sink],
      executionPlan: live ? summarizePlan(live.plan.executionPlan, q.id) : "",
      topology: app?.topology ?? "",
      overriddenProperties: live?.props ?? {},
    });
    return { statement: info, ...described, explain: { queryId: q.id, applicationId: q.applicationId } };
  }
  const inner = st.statement!;
  const props = Object.fromEntries(sql.session);
  if (inner.kind === "CreateAsSelect" || inner.kind === "InsertInto") {
    const plan = sql.planStatement(inner, nextCommandOffset(sql.engine));
    if ("noop" in plan) return { statement: info, message: plan.noop };
    const b = new StreamsBuilder();
    plan.build(b, sql.planContext(plan.queryId));
    const described = explainQuery({
      id: plan.queryId,
      type: "PERSISTENT",
      statement: inner.text,
      key: plan.sink.schema.key,
      value: plan.sink.schema.value,
      ...(plan.sink.window ? { window: plan.sink.window } : {}),
      sources: plan.sources,
      sinks: [plan.sink.name],
      executionPlan: summarizePlan(plan.executionPlan, plan.queryId),
      topology: b.build().describe().toString(),
      overriddenProperties: props,
    });
    return { statement: info, ...described };
  }
  if (inner.kind === "QueryStatement") {
    const id = `transient_${inner.query.from.name}_EXPLAIN`;
    const b = new StreamsBuilder();
    const ctx = sql.planContext(id);
    const p = planQuery(b, inner.query, ctx, { persistent: false });
    p.resultStream().foreach(() => undefined);
    const executionPlan = buildExecutionPlan({
      query: inner.query,
      metastore: ctx.metastore,
      functions: ctx.functions,
      result: { key: [], value: p.projection.columns.map((c) => ({ name: c.name, type: c.column.type })) },
    });
    const described = explainQuery({
      id,
      type: "PUSH",
      statement: inner.text,
      key: [],
      value: p.projection.columns.map((c) => ({ name: c.name, type: c.column.type })),
      sources: [...new Set(p.sources.map((s) => s.name))],
      sinks: [],
      executionPlan: summarizePlan(executionPlan, id),
      topology: b.build().describe().toString(),
      overriddenProperties: props,
    });
    return { statement: info, ...described };
  }
  throw new KsqlException("EXPLAIN explains queries: SELECT, CREATE ... AS SELECT or INSERT INTO ... SELECT.");
}

export async function print(sql: InspectedEngine, st: Of<"Print">, info: StatementInfo): Promise<SqlStatementResult> {
  const broker = sql.engine.broker;
  const topic = broker.hasTopic(st.topic) ? st.topic : broker.listTopics().find((t) => t.toUpperCase() === st.topic.toUpperCase());
  if (!topic) throw new KsqlException(`Could not find topic '${st.topic}', or the KSQL user does not have permissions to list the topic. Topic names are case-sensitive.`);
  const records = st.fromBeginning ? await sql.engine.readAll(topic) : [];
  records.sort((a, b) => a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset);
  const printed = formatPrint(records, { windowed: sql.engine.windowedKeyFormat(topic), limit: st.limit, interval: st.interval });
  const text = [`Key format: ${printed.keyFormat}`, `Value format: ${printed.valueFormat}`, ...printed.lines].join("\n");
  return { statement: info, text, table: { columns: [{ name: "line" }], rows: printed.lines.map((l) => [l]) } };
}
