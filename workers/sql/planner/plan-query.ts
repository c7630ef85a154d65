/**
 * SELECT onto the Kafka Streams DSL: FROM (and JOINs), WHERE, PARTITION BY or GROUP BY
 * (with WINDOW, HAVING, EMIT FINAL), then the projection. Planning and building are one
 * pass over a StreamsBuilder, so a statement is checked by planning it on a throwaway
 * builder: everything wrong is found before anything happens on the broker.
 */
import type { ColumnRef, Expression, Query } from "../ast";
import { KsqlException } from "../errors";
import { compileExpression, compilePredicate, type CompileOptions, type ScopeColumn } from "../expressions/evaluate";
import type { KStream } from "../../streams/kstream";
import { Named } from "../../streams/named";
import type { StreamsBuilder } from "../../streams/streams-builder";
import type { DataSource } from "../metastore";
import type { Row } from "../values";
import { needsAggregation, planAggregate } from "./aggregate";
import { canonicalText, columnRefs } from "./ast-util";
import type { PlanContext } from "./context";
import { planJoin } from "./join";
import { rewriteMagicTimestamps } from "./magic-timestamps";
import { planProjection, type Projection } from "./projection";
import type { KeyColumn, Relation } from "./relation";
import type { FormatInfo, LogicalSchema, WindowInfo } from "./schema";
import { planSource } from "./source";

export interface QueryOptions {
  /** Persistent queries (CSAS, CTAS, INSERT INTO) must project their key and may not LIMIT. */
  persistent: boolean;
  /** The sink being built, for messages. */
  sinkName?: string;
  /** auto.offset.reset of the sources (transient queries follow the session property). */
  offsetReset?: "earliest" | "latest";
}

export interface PlannedQuery {
  kind: "stream" | "table";
  projection: Projection;
  /** Output schema: key columns as the projection names them, then value columns. */
  schema: LogicalSchema;
  window?: WindowInfo;
  keyFormat: FormatInfo;
  valueFormat: FormatInfo;
  sources: DataSource[];
  /** Records as a persistent query writes them: key, and a row of the value columns (null = tombstone). */
  sinkStream(): KStream<unknown, unknown>;
  /** Records as a transient query shows them: every selected column, tombstones dropped. */
  resultStream(): KStream<unknown, unknown>;
  /**
   * For aggregations: the store that materializes the result, and how one of its entries
   * reads as an output row (key columns, window bounds, value columns), or null when
   * HAVING filters it out. Pull queries read tables this way.
   */
  materialization?: { storeName: string; outputRow(key: unknown, state: unknown): Row | null };
}

function qualifier(scope: readonly ScopeColumn[]): (r: ColumnRef) => string | undefined {
  return (r) => {
    if (r.source !== undefined) return r.source;
    const m = scope.filter((c) => c.name === r.name);
    return m.length === 1 ? m[0]!.source : undefined;
  };
}

/**
 * Which source columns the query reads anywhere (SELECT, WHERE, GROUP BY, PARTITION BY,
 * HAVING, the join criteria): joins copy only those into their rows.
 */
function columnsRead(query: Query): (c: ScopeColumn) => boolean {
  const names = new Set<string>();
  const starred = new Set<string>();
  let all = false;
  const exprs: Expression[] = [];
  for (const item of query.select) {
    if (item.kind === "AllColumns") {
      if (item.source === undefined) all = true;
      else starred.add(item.source);
    } else exprs.push(item.kind === "SingleColumn" ? item.expression : item.base);
  }
  if (query.where) exprs.push(query.where);
  if (query.having) exprs.push(query.having);
  exprs.push(...(query.groupBy ?? []), ...(query.partitionBy ?? []), ...query.joins.map((j) => j.on));
  for (const e of exprs) for (const r of columnRefs(e)) names.add(r.name);
  return (c) => all || names.has(c.name) || (c.source !== undefined && starred.has(c.source));
}

function fromClause(builder: StreamsBuilder, query: Query, ctx: PlanContext, options: QueryOptions): Relation {
  const aliases = new Set<string>();
  const sourceFor = (name: string, alias: string | undefined, loc: { line: number; column: number }) => {
    const ds = ctx.metastore.getSource(name);
    if (!ds) throw new KsqlException(`${name} does not exist.`, loc);
    const a = alias ?? name;
    if (aliases.has(a)) throw new KsqlException(`Each source in a join needs its own alias: ${a} appears twice.`, loc);
    aliases.add(a);
    return { ds, alias: a };
  };
  const first = sourceFor(query.from.name, query.from.alias, query.from.loc);
  const sourceOptions = (contextName: string) => ({ contextName, ...(options.offsetReset ? { offsetReset: options.offsetReset } : {}) });
  let rel = planSource(builder, first.ds, first.alias, ctx, sourceOptions(query.joins.length > 0 ? "KafkaTopic_Left" : "KsqlTopic"));
  const needed = columnsRead(query);
  query.joins.forEach((join, i) => {
    const next = sourceFor(join.source.name, join.source.alias, join.source.loc);
    const right = planSource(builder, next.ds, next.alias, ctx, sourceOptions(i === 0 ? "KafkaTopic_Right" : `KafkaTopic_Right_${i}`));
    rel = planJoin(rel, { join, source: next.ds, alias: next.alias, right, needed }, ctx, i);
  });
  return rel;
}

function where(rel: Relation, condition: Expression, ctx: PlanContext): Relation {
  const pred = compilePredicate(condition, { columns: rel.scope, clause: "WHERE", ...(ctx.functions ? { functions: ctx.functions } : {}) });
  const evalCtx = ctx.evalContext;
  if (rel.stream) return { ...rel, stream: rel.stream.filter((_k, v) => v !== null && pred(v as Row, evalCtx), Named.as("WhereFilter")) };
  return { ...rel, table: rel.table!.filter((_k, v) => pred(v as Row, evalCtx), Named.as("WhereFilter")) };
}

function partitionBy(rel: Relation, exprs: readonly Expression[], ctx: PlanContext): Relation {
  if (rel.kind !== "stream") throw new KsqlException("PARTITION BY is only supported on streams: a table is already keyed by its primary key.", exprs[0]?.loc);
  const options = { columns: rel.scope, clause: "PARTITION BY", ...(ctx.functions ? { functions: ctx.functions } : {}) };
  const qualify = qualifier(rel.scope);
  const used = new Set(rel.scope.map((c) => c.name));
  let generated = 0;
  // After re-keying, the old key columns are ordinary value columns placed after the
  // others (ksqlDB's PARTITION BY schema): `SELECT *` lists them last.
  const oldKey = new Set(rel.key.map((k) => k.slot));
  const isOldKey = (c: ScopeColumn) => oldKey.has(c.slot ?? c.name);
  const scope = [...rel.scope.filter((c) => !isOldKey(c)), ...rel.scope.filter(isOldKey)];
  if (exprs.some((e) => e.kind === "NullLiteral")) {
    // PARTITION BY NULL: a keyless stream, its old key columns kept as value columns.
    if (exprs.length > 1) throw new KsqlException("Cannot PARTITION BY multiple columns including NULL", exprs[0]!.loc);
    return { ...rel, stream: rel.stream!.selectKey((): unknown => null, Named.as("PartitionBy-SelectKey")), scope, key: [], keyAliases: [] };
  }
  const key: KeyColumn[] = exprs.map((e, i) => {
    const compiled = compileExpression(e, options);
    const text = canonicalText(e, qualify);
    if (e.kind === "ColumnRef") {
      const col = rel.scope.find((c) => c.name === e.name && (e.source === undefined || c.source === e.source))!;
      return { name: e.name, type: compiled.type, slot: col.slot ?? col.name, text, ...(col.source !== undefined ? { source: col.source } : {}) };
    }
    let name: string;
    if (e.kind === "Dereference") name = e.field;
    else {
      do name = `KSQL_COL_${generated++}`;
      while (used.has(name));
    }
    used.add(name);
    const slot = `KSQL_PARTITION_${i}`;
    scope.push({ name, type: compiled.type, slot });
    return { name, type: compiled.type, slot, text, synthetic: true };
  });
  const fns = exprs.map((e) => compileExpression(e, options).evaluate);
  const slots = key.map((k) => k.slot);
  const evalCtx = ctx.evalContext;
  // ksqlDB evaluates an expression that names only key columns (or none) on the old key
  // alone, so a tombstone still gets its new key (PARTITION BY K + 2 keys a null value by
  // K + 2); any other expression has no row to read and gives NULL.
  const keyOnly = exprs.map((e) =>
    columnRefs(e).every((ref) => {
      const col = rel.scope.find((c) => c.name === ref.name && (ref.source === undefined || c.source === ref.source));
      return col !== undefined && isOldKey(col);
    }),
  );
  const oldSlots = rel.key.map((k) => k.slot);
  const keyRow = (k: unknown): Row => {
    const row: Row = {};
    if (oldSlots.length === 1) row[oldSlots[0]!] = k ?? null;
    else oldSlots.forEach((s, i) => (row[s] = (k as unknown[] | null)?.[i] ?? null));
    return row;
  };
  const stream = rel.stream!.selectKey((k, v) => {
    if (v === null) {
      if (!keyOnly.some(Boolean)) return null;
      const row = keyRow(k);
      const parts = fns.map((f, i) => (keyOnly[i] ? f(row, evalCtx) : null));
      return parts.length === 1 ? parts[0] : parts;
    }
    const row = v as Row;
    const parts = fns.map((f, i) => {
      const x = f(row, evalCtx);
      row[slots[i]!] = x;
      return x;
    });
    return parts.length === 1 ? parts[0] : parts;
  }, Named.as("PartitionBy-SelectKey"));
  return { ...rel, stream, scope, key, keyAliases: [] };
}

/** Whether any expression of the query names ROWPARTITION or ROWOFFSET. */
function readsOffsets(query: Query): boolean {
  const exprs: Expression[] = [];
  for (const item of query.select) if (item.kind !== "AllColumns") exprs.push(item.kind === "SingleColumn" ? item.expression : item.base);
  if (query.where) exprs.push(query.where);
  if (query.having) exprs.push(query.having);
  exprs.push(...(query.groupBy ?? []), ...(query.partitionBy ?? []), ...query.joins.map((j) => j.on));
  return exprs.some((e) => columnRefs(e).some((r) => r.name === "ROWPARTITION" || r.name === "ROWOFFSET"));
}

export function planQuery(builder: StreamsBuilder, query: Query, planCtx: PlanContext, options: QueryOptions): PlannedQuery {
  const ctx: PlanContext = { ...planCtx, readsOffsets: readsOffsets(query) };
  if (options.persistent && query.limit !== undefined) throw new KsqlException("LIMIT is only supported on transient queries: persistent queries run until terminated.", query.loc);
  let rel = fromClause(builder, query, ctx, options);
  const preScope = rel.scope;
  const qualify = qualifier(preScope);
  if (query.where) rel = where(rel, rewriteMagicTimestamps(query.where), ctx);
  let compile: CompileOptions = { columns: rel.scope, ...(ctx.functions ? { functions: ctx.functions } : {}) };
  const aggregated = needsAggregation(query);
  if (query.partitionBy && query.partitionBy.length > 0) {
    if (aggregated) throw new KsqlException("PARTITION BY and GROUP BY cannot be used together: GROUP BY already sets the key.", query.partitionBy[0]!.loc);
    rel = partitionBy(rel, query.partitionBy, ctx);
    compile = { ...compile, columns: rel.scope };
  }
  if (query.window && !aggregated) throw new KsqlException("WINDOW clause requires a GROUP BY clause.", query.window.loc);
  if (query.having && !aggregated) throw new KsqlException("HAVING requires a GROUP BY clause.", query.having.loc);
  if (query.emit === "FINAL" && !aggregated) throw new KsqlException("EMIT FINAL is only supported for windowed aggregations.", query.loc);
  let aggregate: { storeName: string; postRow(key: unknown, state: unknown): Row | null; having?: (row: Row) => boolean } | undefined;
  if (aggregated) {
    const agg = planAggregate(rel, query, ctx);
    rel = agg.relation;
    compile = agg.compile;
    aggregate = { storeName: agg.storeName, postRow: agg.postRow };
    if (query.having) {
      const pred = compilePredicate(query.having, { ...compile, clause: "HAVING" });
      const evalCtx = ctx.evalContext;
      aggregate.having = (row) => pred(row, evalCtx);
      // HAVING needs the rows themselves: as ksqlDB, a step that makes them, then the filter
      // (a KTable filter: a row that stops passing becomes a tombstone, one that never
      // passed emits nothing).
      const rowOf = rel.rowOf!;
      const rows = rel.table!.mapValues((k: unknown, state: unknown): unknown => rowOf(k, state), Named.as("Aggregate-Aggregate-ToOutputSchema"));
      const { rowOf: _made, ...rest } = rel;
      rel = { ...rest, table: rows.filter((_k, v) => pred(v as Row, evalCtx), Named.as("Aggregate-HavingFilter")) };
    }
  }
  const aliases = rel.sources.map((s) => s.alias);
  const projection = planProjection(query.select, {
    compile,
    key: rel.key,
    keyAliases: rel.keyAliases,
    qualify,
    aliases,
    persistent: options.persistent,
    ...(options.sinkName !== undefined ? { sinkName: options.sinkName } : {}),
    windowed: rel.window !== undefined,
    sourceColumns: rel.sources.map((s) => ({ source: s.alias, columns: [...s.source.schema.key, ...s.source.schema.value].map((c) => c.name) })),
  });
  const evalCtx = ctx.evalContext;
  const final = rel;
  const projectName = aggregated ? "Aggregate-Project" : "Project";
  const keySlots = rel.key.map((k) => k.slot);
  const materialization = aggregate
    ? {
        storeName: aggregate.storeName,
        outputRow(key: unknown, state: unknown): Row | null {
          const post = aggregate.postRow(key, state);
          if (post === null || (aggregate.having && !aggregate.having(post))) return null;
          const row: Row = {};
          projection.schema.key.forEach((c, i) => (row[c.name] = post[keySlots[i]!] ?? null));
          if (post.WINDOWSTART !== undefined) {
            row.WINDOWSTART = post.WINDOWSTART;
            row.WINDOWEND = post.WINDOWEND;
          }
          return Object.assign(row, projection.valueRow(post, evalCtx));
        },
      }
    : undefined;
  return {
    ...(materialization ? { materialization } : {}),
    kind: rel.kind,
    projection,
    schema: projection.schema,
    ...(rel.window ? { window: rel.window } : {}),
    keyFormat: rel.keyFormat,
    valueFormat: rel.valueFormat,
    sources: rel.sources.map((s) => s.source),
    sinkStream() {
      const valueRow = projection.valueRow;
      const rowOf = final.rowOf;
      const map = rowOf
        ? (k: unknown, v: unknown): unknown => {
            const row = v === null ? null : rowOf(k, v);
            return row === null ? null : valueRow(row, evalCtx);
          }
        : (_k: unknown, v: unknown): unknown => (v === null ? null : valueRow(v as Row, evalCtx));
      // A table's projection runs on its changelog stream: the same records as a table
      // step would give, without the table machinery per update.
      return (final.stream ?? final.table!.toStream()).mapValues(map, Named.as(projectName));
    },
    resultStream() {
      const fullRow = projection.fullRow;
      const rowOf = final.rowOf;
      const stream = final.stream ?? final.table!.toStream();
      const map = rowOf
        ? (k: unknown, v: unknown): unknown => {
            const row = rowOf(k, v);
            return row === null ? null : fullRow(row, evalCtx);
          }
        : (_k: unknown, v: unknown): unknown => fullRow(v as Row, evalCtx);
      return stream.filter((_k, v) => v !== null).mapValues(map, Named.as(projectName));
    },
  };
}
