/**
 * A query as ksqlDB's physical plan describes it: the tree of execution steps (SOURCE,
 * FILTER, PROJECT, REKEY, GROUP_BY, AGGREGATE, JOIN, SINK) with each step's output schema and
 * query context. EXPLAIN prints it the way ksqlDB's PlanSummary does, and CREATE OR REPLACE
 * compares the old and new trees the way its steps' `validateUpgrade` do.
 *
 * The tree follows ksqlDB's planning, not the topology this engine builds (which fuses some
 * steps): sources carry their pseudo columns and a copy of their key columns in the value;
 * each side of a join is renamed by a PrependAlias projection; an aggregation first selects
 * the columns it needs (`Aggregate/Prepare`, non-column arguments as KSQL_INTERNAL_COL_n),
 * then groups, aggregates into KSQL_AGG_VARIABLE_n and projects (`Aggregate/Project`).
 */
import type { ColumnRef, Expression, FunctionCall, Query } from "../ast";
import { resolveAggregateCall } from "../aggregates";
import { KsqlException } from "../errors";
import { compileExpression, type ScopeColumn } from "../expressions/evaluate";
import { formatExpression } from "../expressions/format-expression";
import type { FunctionRegistry } from "../functions/registry";
import type { DataSource, MetaStore } from "../metastore";
import { formatType, quoteIfNeeded, SqlTypes, type SqlType } from "../types";
import { aggregateCalls, columnRefs, mapExpression } from "./ast-util";
import type { FormatInfo, LogicalSchema } from "./schema";

export type StepType =
  | "StreamSource"
  | "WindowedStreamSource"
  | "TableSource"
  | "WindowedTableSource"
  | "StreamFilter"
  | "TableFilter"
  | "StreamSelect"
  | "TableSelect"
  | "StreamSelectKey"
  | "StreamGroupBy"
  | "StreamGroupByKey"
  | "TableGroupBy"
  | "StreamAggregate"
  | "StreamWindowedAggregate"
  | "TableAggregate"
  | "StreamStreamJoin"
  | "StreamTableJoin"
  | "TableTableJoin"
  | "StreamSink"
  | "TableSink";

const OP_NAME: Record<StepType, string> = {
  StreamSource: "SOURCE",
  WindowedStreamSource: "SOURCE",
  TableSource: "SOURCE",
  WindowedTableSource: "SOURCE",
  StreamFilter: "FILTER",
  TableFilter: "FILTER",
  StreamSelect: "PROJECT",
  TableSelect: "PROJECT",
  StreamSelectKey: "REKEY",
  StreamGroupBy: "GROUP_BY",
  StreamGroupByKey: "GROUP_BY",
  TableGroupBy: "GROUP_BY",
  StreamAggregate: "AGGREGATE",
  StreamWindowedAggregate: "AGGREGATE",
  TableAggregate: "AGGREGATE",
  StreamStreamJoin: "JOIN",
  StreamTableJoin: "JOIN",
  TableTableJoin: "JOIN",
  StreamSink: "SINK",
  TableSink: "SINK",
};

export interface PlanColumn {
  name: string;
  type: SqlType;
  key: boolean;
}

export interface PlanStep {
  type: StepType;
  /** The query context, `/`-separated: `KsqlTopic/Source`, `Aggregate/GroupBy`, the sink's name. */
  context: string;
  schema: PlanColumn[];
  sources: PlanStep[];
  /** What must be equal for CREATE OR REPLACE to keep this step (ksqlDB's MUST_MATCH properties). */
  properties: Record<string, string>;
}

export function schemaText(schema: readonly PlanColumn[]): string {
  return schema.map((c) => `${quoteIfNeeded(c.name)} ${formatType(c.type)}${c.key ? " KEY" : ""}`).join(", ");
}

/** ksqlDB's PlanSummary: one line per step, its sources below it indented by two tabs. */
export function summarizePlan(root: PlanStep, queryId: string): string {
  const summarize = (step: PlanStep, indent: string): string => {
    let out = `${indent} > [ ${OP_NAME[step.type]} ] | Schema: ${schemaText(step.schema)} | Logger: ${queryId}.${step.context.replace(/\//g, ".")}\n`;
    for (const s of step.sources) out += `\t${indent}${summarize(s, `${indent}\t`)}`;
    return out;
  };
  return summarize(root, "");
}

// =======================================================================================
// Upgrades (CREATE OR REPLACE … AS SELECT)

const PASSIVE = new Set<StepType>(["StreamFilter", "TableFilter", "StreamSelect", "TableSelect"]);
const ENFORCING = new Set<StepType>(["StreamSink", "TableSink", "StreamSource", "TableSource", "StreamSelectKey", "StreamGroupBy", "StreamGroupByKey", "StreamAggregate"]);
const SOURCES = new Set<StepType>(["StreamSource", "TableSource"]);

function mustMatch(a: PlanStep, b: PlanStep): void {
  if (a.type !== b.type) throw new KsqlException(`Query is not upgradeable. Plan step of type ${a.type} must have matching class. Values differ: ${a.type} vs. ${b.type}`);
  if (a.context !== b.context) throw new KsqlException(`Query is not upgradeable. Plan step of type ${a.type} must have matching properties. Values differ: ${a.context} vs. ${b.context}`);
  for (const [name, value] of Object.entries(a.properties)) {
    const other = b.properties[name] ?? "";
    if (value !== other) throw new KsqlException(`Query is not upgradeable. Plan step of type ${a.type} must have matching ${name}. Values differ: ${value} vs. ${other}`);
  }
}

/**
 * Whether the query `from` runs can be replaced by `to` keeping its state and topics:
 * filters and projections may change freely; sources, sinks, re-keying, grouping and
 * stream aggregations must stay as they were; other steps (joins, windowed or table
 * aggregations) cannot be upgraded yet, as in ksqlDB.
 */
export function validateUpgrade(from: PlanStep, to: PlanStep): void {
  if (PASSIVE.has(from.type)) {
    validateUpgrade(to, from.sources[0]!);
    return;
  }
  if (!ENFORCING.has(from.type)) throw new KsqlException(`Upgrades not yet supported for ${from.type}`);
  if (SOURCES.has(from.type)) {
    let source = to;
    while (source.type !== from.type) {
      if (source.sources.length === 0) throw new KsqlException(`Query is not upgradeable. The root source node of the upgrade tree must be ${from.type}, but was ${source.type}`);
      if (source.sources.length > 1) throw new KsqlException("Query is not upgradeable. Cannot change a non-join source into a join source.");
      if (!PASSIVE.has(source.type)) throw new KsqlException(`Query is not upgradeable. Cannot add a ${source.type} step that is not in the original query plan.`);
      source = source.sources[0]!;
    }
    mustMatch(from, source);
    return;
  }
  mustMatch(from, to);
  validateUpgrade(from.sources[0]!, to.sources[0]!);
}

// =======================================================================================
// Building the tree

export interface PlanSink {
  name: string;
  type: "STREAM" | "TABLE";
  topic: string;
  keyFormat: FormatInfo;
  valueFormat: FormatInfo;
  timestampColumn?: string | undefined;
}

export interface ExecutionPlanInput {
  query: Query;
  metastore: MetaStore;
  functions?: FunctionRegistry | undefined;
  /** The result as the planner shaped it: key columns, then value columns. */
  result: LogicalSchema;
  sink?: PlanSink;
}

/** A step with the columns expressions may name there (by source alias and name) and where they sit in its schema. */
interface Stage {
  step: PlanStep;
  kind: "stream" | "table";
  /** Expression scope: `slot` is the column's name in the step's schema. */
  scope: ScopeColumn[];
  /** Aliases of the sources read so far. */
  aliases: string[];
  windowed: boolean;
}

const BIGINT = SqlTypes.BIGINT;

function formats(k: FormatInfo, v: FormatInfo): string {
  return `KeyFormat(${k.format}) ValueFormat(${v.format})`;
}

function keyColumns(step: PlanStep): PlanColumn[] {
  return step.schema.filter((c) => c.key);
}

function valueColumns(step: PlanStep): PlanColumn[] {
  return step.schema.filter((c) => !c.key);
}

function sourceStage(ds: DataSource, alias: string, context: string): Stage {
  const windowed = ds.window !== undefined;
  const type: StepType = ds.type === "STREAM" ? (windowed ? "WindowedStreamSource" : "StreamSource") : windowed ? "WindowedTableSource" : "TableSource";
  const key = ds.schema.key.map((c) => ({ name: c.name, type: c.type, key: true }));
  const schema: PlanColumn[] = [
    ...key,
    ...ds.schema.value.map((c) => ({ name: c.name, type: c.type, key: false })),
    { name: "ROWTIME", type: BIGINT, key: false },
    { name: "ROWPARTITION", type: SqlTypes.INTEGER, key: false },
    { name: "ROWOFFSET", type: BIGINT, key: false },
    ...key.map((c) => ({ ...c, key: false })),
    ...(windowed
      ? [
          { name: "WINDOWSTART", type: BIGINT, key: false },
          { name: "WINDOWEND", type: BIGINT, key: false },
        ]
      : []),
  ];
  return {
    step: {
      type,
      context: `${context}/Source`,
      schema,
      sources: [],
      properties: { topicName: ds.topic, formats: formats(ds.keyFormat, ds.valueFormat), timestampColumn: ds.timestamp?.column ?? "" },
    },
    kind: ds.type === "STREAM" ? "stream" : "table",
    scope: valueColumns({ schema } as PlanStep).map((c) => ({ name: c.name, type: c.type, source: alias, slot: c.name })),
    aliases: [alias],
    windowed,
  };
}

/** Resolves a column reference of the query to its column in a stage's schema. */
function resolve(stage: Stage, ref: ColumnRef): ScopeColumn | undefined {
  const matches = stage.scope.filter((c) => c.name === ref.name && (ref.source === undefined || c.source === ref.source));
  return matches.length >= 1 ? matches[0] : undefined;
}

/** The expression as ksqlDB prints it inside a plan: columns by their names in the step's schema. */
function internalText(stage: Stage, e: Expression): string {
  return formatExpression(
    mapExpression(e, (x) => {
      if (x.kind !== "ColumnRef") return undefined;
      const c = resolve(stage, x);
      return { kind: "ColumnRef", name: c?.slot ?? x.name, loc: x.loc };
    }),
  );
}

function typeOf(stage: Stage, e: Expression, functions: FunctionRegistry | undefined): SqlType {
  return compileExpression(e, { columns: stage.scope, ...(functions ? { functions } : {}) }).type;
}

function uniqueName(stage: Stage, taken: Set<string>): string {
  let i = 0;
  while (taken.has(`KSQL_COL_${i}`) || stage.scope.some((c) => c.slot === `KSQL_COL_${i}`)) i++;
  const name = `KSQL_COL_${i}`;
  taken.add(name);
  return name;
}

/** PARTITION BY and the re-keying of a join side (ksqlDB's PartitionByParamsFactory schema). */
function selectKey(stage: Stage, exprs: readonly Expression[], context: string, functions: FunctionRegistry | undefined): Stage {
  const taken = new Set<string>();
  const value = valueColumns(stage.step);
  const scope = [...stage.scope];
  const key: PlanColumn[] = [];
  const appended: PlanColumn[] = [];
  // PARTITION BY NULL leaves no key: the value columns (which hold copies of the old key) stay.
  const byNull = exprs.length === 1 && exprs[0]!.kind === "NullLiteral";
  for (const e of byNull ? [] : exprs) {
    const type = typeOf(stage, e, functions);
    if (e.kind === "ColumnRef") {
      key.push({ name: resolve(stage, e)?.slot ?? e.name, type, key: true });
      continue;
    }
    const name = e.kind === "Dereference" ? e.field : uniqueName(stage, taken);
    key.push({ name, type, key: true });
    appended.push({ name, type, key: false });
    scope.push({ name, type, slot: name });
  }
  return {
    ...stage,
    scope,
    step: {
      type: "StreamSelectKey",
      context,
      schema: [...key, ...value, ...appended],
      sources: [stage.step],
      properties: { keyExpressions: exprs.map((e) => internalText(stage, e)).join(", ") },
    },
  };
}

function filter(stage: Stage, context: string, condition: Expression): Stage {
  return {
    ...stage,
    step: {
      type: stage.kind === "stream" ? "StreamFilter" : "TableFilter",
      context,
      schema: stage.step.schema,
      sources: [stage.step],
      properties: { filterExpression: internalText(stage, condition) },
    },
  };
}

function select(stage: Stage, context: string, schema: PlanColumn[], scope: ScopeColumn[]): Stage {
  return { ...stage, scope, step: { type: stage.kind === "stream" ? "StreamSelect" : "TableSelect", context, schema, sources: [stage.step], properties: {} } };
}

/** PrependAliasLeft/Right: every column renamed `<ALIAS>_<NAME>` before a join. */
function prependAlias(stage: Stage, alias: string, side: "Left" | "Right"): Stage {
  const rename = (n: string) => `${alias}_${n}`;
  const schema = [...keyColumns(stage.step), ...valueColumns(stage.step)].map((c) => ({ ...c, name: rename(c.name) }));
  const scope = stage.scope.map((c) => ({ ...c, slot: rename(c.slot ?? c.name) }));
  return select(stage, `PrependAlias${side}`, schema, scope);
}

function sideOf(e: Expression, left: Stage, right: Stage): "left" | "right" {
  const onLeft = (r: ColumnRef) => (r.source !== undefined ? left.aliases.includes(r.source) : resolve(left, r) !== undefined && resolve(right, r) === undefined);
  const refs = columnRefs(e);
  return refs.length > 0 && refs.every(onLeft) ? "left" : "right";
}

function isKey(stage: Stage, e: Expression): boolean {
  if (e.kind !== "ColumnRef") return false;
  const c = resolve(stage, e);
  const keys = keyColumns(stage.step);
  return keys.length === 1 && c !== undefined && (c.slot ?? c.name) === keys[0]!.name;
}

function joinStage(left: Stage, rightDs: DataSource, join: Query["joins"][number], index: number, functions: FunctionRegistry | undefined): Stage {
  const alias = join.source.alias ?? rightDs.name;
  let right = sourceStage(rightDs, alias, index === 0 ? "KafkaTopic_Right" : `KafkaTopic_Right_${index}`);
  const on = join.on;
  if (on.kind !== "Comparison") throw new KsqlException("Unsupported join expression.", on.loc);
  let [le, re] = [on.left, on.right];
  if (sideOf(le, left, right) === "right") [le, re] = [re, le];
  const first = left.aliases.length === 1;
  if (left.kind === "stream" && !isKey(left, le)) left = selectKey(left, [le], `LeftSourceKeyed${index > 0 ? `_${index}` : ""}`, functions);
  if (right.kind === "stream" && !isKey(right, re)) right = selectKey(right, [re], `RightSourceKeyed${index > 0 ? `_${index}` : ""}`, functions);
  if (first) left = prependAlias(left, left.aliases[0]!, "Left");
  right = prependAlias(right, alias, "Right");
  const keyType = keyColumns(left.step)[0]?.type ?? typeOf(left, le, functions);
  const plainLeft = le.kind === "ColumnRef" ? resolve(left, le)?.slot : undefined;
  const plainRight = re.kind === "ColumnRef" ? resolve(right, re)?.slot : undefined;
  const keyName = join.type === "FULL" ? "ROWKEY" : (plainLeft ?? plainRight ?? "ROWKEY");
  const value = [...valueColumns(left.step), ...valueColumns(right.step)];
  if (!value.some((c) => c.name === keyName)) value.push({ name: keyName, type: keyType, key: false });
  const type: StepType = left.kind === "stream" ? (right.kind === "stream" ? "StreamStreamJoin" : "StreamTableJoin") : "TableTableJoin";
  const scope = [...left.scope, ...right.scope];
  if (!scope.some((c) => c.slot === keyName)) scope.push({ name: keyName, type: keyType, slot: keyName });
  return {
    step: {
      type,
      context: index === 0 ? "Join" : `Join_${index}`,
      schema: [{ name: keyName, type: keyType, key: true }, ...value],
      sources: [left.step, right.step],
      properties: { joinType: join.type, keyColName: keyName },
    },
    kind: left.kind === "stream" || right.kind === "stream" ? "stream" : "table",
    scope,
    aliases: [...left.aliases, alias],
    windowed: false,
  };
}

/** Expressions of SELECT, WHERE, GROUP BY and HAVING, in the order ksqlDB's aggregate analysis visits them. */
function aggregationExpressions(query: Query): Expression[] {
  const out: Expression[] = [];
  for (const s of query.select) if (s.kind === "SingleColumn") out.push(s.expression);
  else if (s.kind === "StructAll") out.push(s.base);
  if (query.where) out.push(query.where);
  out.push(...(query.groupBy ?? []));
  if (query.having) out.push(query.having);
  return out;
}

const WINDOW_BOUNDS = new Set(["WINDOWSTART", "WINDOWEND"]);

function aggregate(stage: Stage, query: Query, functions: FunctionRegistry | undefined): Stage {
  // COUNT(*) counts the rows' ROWTIME (of the first source, in a join), as ksqlDB rewrites it.
  const rowtime: Expression = { kind: "ColumnRef", source: stage.aliases[0]!, name: "ROWTIME", loc: query.loc };
  const callsOf = (e: Expression) => aggregateCalls(e).map((c): FunctionCall => (c.star || c.args.length === 0 ? { ...c, star: false, args: [rowtime] } : c));
  // Required columns: every column named anywhere, in visiting order; then the aggregate
  // arguments, a non-column one as KSQL_INTERNAL_COL_<its position>.
  const required: { name: string; expr: Expression }[] = [];
  const calls: FunctionCall[] = [];
  const byText = new Map<string, string>();
  const add = (e: Expression, name?: string) => {
    const text = internalText(stage, e);
    if (byText.has(text)) return;
    const n = name ?? `KSQL_INTERNAL_COL_${required.length}`;
    byText.set(text, n);
    required.push({ name: n, expr: e });
  };
  for (const e of aggregationExpressions(query)) {
    // Every call is its own aggregate, even one written twice (SELECT and HAVING), as in ksqlDB.
    const found = callsOf(e);
    calls.push(...found);
    const visit = (x: Expression) => {
      for (const r of columnRefs(x)) if (!WINDOW_BOUNDS.has(r.name)) add(r, resolve(stage, r)?.slot ?? r.name);
    };
    visit(e);
    for (const c of found) c.args.forEach(visit);
  }
  const nonAggregate = required.map((r) => r.name);
  for (const c of calls) for (const a of c.args) add(a, a.kind === "ColumnRef" ? (resolve(stage, a)?.slot ?? a.name) : undefined);

  const key = keyColumns(stage.step);
  const prepareSchema = [...key, ...required.map((r) => ({ name: r.name, type: typeOf(stage, r.expr, functions), key: false }))];
  const internalScope: ScopeColumn[] = prepareSchema.filter((c) => !c.key).map((c) => ({ name: c.name, type: c.type, slot: c.name }));
  const renamed = (e: Expression): Expression =>
    mapExpression(e, (x) => {
      const n = byText.get(internalText(stage, x));
      return n === undefined ? undefined : { kind: "ColumnRef", name: n, loc: x.loc };
    });
  let current = select(stage, "Aggregate/Prepare", prepareSchema, stage.scope);
  const internal: Stage = { ...current, scope: internalScope };

  const groupBy = query.groupBy ?? [];
  const byKey = stage.kind === "stream" && groupBy.length === key.length && groupBy.every((g, i) => g.kind === "ColumnRef" && resolve(stage, g)?.slot === key[i]!.name);
  if (byKey) {
    current = { ...current, step: { type: "StreamGroupByKey", context: "Aggregate/GroupBy", schema: prepareSchema, sources: [current.step], properties: {} } };
  } else {
    const taken = new Set<string>();
    const groupKey = groupBy.map((g) => {
      const type = typeOf(stage, g, functions);
      const name = g.kind === "ColumnRef" ? (byText.get(internalText(stage, g)) ?? g.name) : g.kind === "Dereference" ? g.field : uniqueName(internal, taken);
      return { name, type, key: true };
    });
    current = {
      ...current,
      step: {
        type: stage.kind === "stream" ? "StreamGroupBy" : "TableGroupBy",
        context: "Aggregate/GroupBy",
        schema: [...groupKey, ...valueColumns(current.step)],
        sources: [current.step],
        properties: { groupByExpressions: groupBy.map((g) => formatExpression(renamed(g))).join(", ") },
      },
    };
  }
  const functionTexts = calls.map((c) => formatExpression(renamed(c)));
  const aggregates = calls.map((c, i) => {
    const r = resolveAggregateCall(c, { columns: stage.scope, ...(functions ? { functions } : {}) });
    return { name: `KSQL_AGG_VARIABLE_${i}`, type: r.function.returnType, key: false };
  });
  const w = query.window;
  const type: StepType = stage.kind === "table" ? "TableAggregate" : w ? "StreamWindowedAggregate" : "StreamAggregate";
  const groupKeyCols = keyColumns(current.step);
  const nonAggCols = nonAggregate.map((n) => prepareSchema.find((c) => c.name === n && !c.key)!);
  const windowCols = w
    ? [
        { name: "WINDOWSTART", type: BIGINT, key: false },
        { name: "WINDOWEND", type: BIGINT, key: false },
      ]
    : [];
  return {
    ...current,
    kind: "table",
    windowed: w !== undefined,
    step: {
      type,
      context: "Aggregate/Aggregate",
      schema: [...groupKeyCols, ...nonAggCols, ...aggregates, ...windowCols],
      sources: [current.step],
      properties: { nonAggregateColumns: nonAggregate.join(", "), aggregationFunctions: functionTexts.join(", ") },
    },
  };
}

/**
 * The plan of a query: from its sources to its projection, and to the sink when it writes
 * one. Planning must have succeeded already: the query's names and types are known good.
 */
export function buildExecutionPlan(input: ExecutionPlanInput): PlanStep {
  const { query, metastore, functions } = input;
  const ds0 = metastore.requireSource(query.from.name, query.from.loc);
  let stage = sourceStage(ds0, query.from.alias ?? ds0.name, query.joins.length > 0 ? "KafkaTopic_Left" : "KsqlTopic");
  query.joins.forEach((j, i) => {
    stage = joinStage(stage, metastore.requireSource(j.source.name, j.source.loc), j, i, functions);
  });
  if (query.where) stage = filter(stage, "WhereFilter", query.where);
  if (query.partitionBy && query.partitionBy.length > 0) stage = selectKey(stage, query.partitionBy, "PartitionBy", functions);
  const aggregated = (query.groupBy?.length ?? 0) > 0;
  if (aggregated) {
    stage = aggregate(stage, query, functions);
    if (query.having) stage = { ...stage, step: { type: "TableFilter", context: "Aggregate/HavingFilter", schema: stage.step.schema, sources: [stage.step], properties: {} } };
  }
  const result = [...input.result.key.map((c) => ({ name: c.name, type: c.type, key: true })), ...input.result.value.map((c) => ({ name: c.name, type: c.type, key: false }))];
  stage = select(stage, aggregated ? "Aggregate/Project" : "Project", result, stage.scope);
  const sink = input.sink;
  if (!sink) return stage.step;
  return {
    type: sink.type === "STREAM" ? "StreamSink" : "TableSink",
    context: sink.name,
    schema: result,
    sources: [stage.step],
    properties: { topicName: sink.topic, formats: formats(sink.keyFormat, sink.valueFormat), timestampColumn: sink.timestampColumn ?? "" },
  };
}
