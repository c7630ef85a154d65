/**
 * GROUP BY and aggregates, as ksqlDB plans them:
 *
 * - a stream is grouped by the GROUP BY expressions (`groupBy`, repartitioned through
 *   `<app>-Aggregate-GroupBy-repartition`; `groupByKey` when grouping by its key), a table
 *   by `KTable.groupBy`, whose aggregate undoes a row's old value (table aggregation needs
 *   functions that can undo: COUNT, SUM, AVG, COLLECT_LIST, HISTOGRAM);
 * - an optional window (TUMBLING, HOPPING, SESSION) with GRACE PERIOD (default: 24 hours
 *   minus the size, ksqlDB's default; 0 with EMIT FINAL) and RETENTION; EMIT FINAL emits each window once
 *   when it closes (the aggregation's onWindowClose emit strategy, as ksqlDB 7.3+ plans it);
 * - rows whose group-by expressions evaluate to NULL are skipped (processing log);
 * - the state store is `Aggregate-Aggregate-Materialize`, holding one state per aggregate
 *   call; selected columns and HAVING read the group key, the aggregate results and
 *   WINDOWSTART / WINDOWEND.
 */
import type { ColumnRef, Expression, FunctionCall, Query, SelectItem } from "../ast";
import { resolveAggregateCall, type ResolvedAggregate } from "../aggregates";
import { KsqlException } from "../errors";
import { compileExpression, type CompileOptions, type ScopeColumn } from "../expressions/evaluate";
import { formatExpression } from "../expressions/format-expression";
import { Grouped } from "../../streams/grouped";
import { KeyValue } from "../../streams/key-value";
import type { KTable } from "../../streams/ktable";
import { Materialized } from "../../streams/materialized";
import { Named } from "../../streams/named";
import { EmitStrategy } from "../../streams/windows/emit-strategy";
import { SessionWindows } from "../../streams/windows/session-windows";
import { TimeWindows } from "../../streams/windows/time-windows";
import { Windowed } from "../../streams/windowed";
import { SqlTypes } from "../types";
import type { Row } from "../values";
import { aggregateCalls, canonicalText, mapExpression, walk } from "./ast-util";
import type { PlanContext } from "./context";
import type { KeyColumn, Relation } from "./relation";
import { aggregateStateSerde, internalSerde, keySerde } from "./serdes";
import type { WindowInfo } from "./schema";

/** ksqlDB's default grace for windows without GRACE PERIOD: 24 hours minus the window size. */
export const DEFAULT_24_HR_GRACE_PERIOD = 86_400_000;

export interface AggregatePlan {
  /** The aggregated table: keyed by the group key (windowed when there is a window), valued by post-aggregation rows. */
  relation: Relation;
  /** How SELECT and HAVING expressions compile over the post-aggregation rows. */
  compile: CompileOptions;
  /** The state store holding the aggregates, and how one of its entries reads as a post-aggregation row. */
  storeName: string;
  postRow(key: unknown, state: unknown): Row | null;
}

export const AGGREGATE_STORE = "Aggregate-Aggregate-Materialize";

const KEY_SLOT = (i: number) => `KSQL_KEY_${i}`;
const AGG_SLOT = (i: number) => `KSQL_AGG_VARIABLE_${i}`;

function qualifier(scope: readonly ScopeColumn[]): (r: ColumnRef) => string | undefined {
  return (r) => {
    if (r.source !== undefined) return r.source;
    const m = scope.filter((c) => c.name === r.name);
    return m.length === 1 ? m[0]!.source : undefined;
  };
}

function selectExpressions(select: readonly SelectItem[]): Expression[] {
  return select.map((s) => {
    if (s.kind === "SingleColumn") return s.expression;
    if (s.kind === "StructAll") return s.base;
    throw new KsqlException("SELECT * is not supported in a query with GROUP BY: list the key columns and aggregates.", s.loc);
  });
}

export function needsAggregation(query: Query): boolean {
  if (query.groupBy && query.groupBy.length > 0) return true;
  for (const s of query.select) if (s.kind === "SingleColumn" && aggregateCalls(s.expression).length > 0) return true;
  return false;
}

export function planAggregate(rel: Relation, query: Query, ctx: PlanContext): AggregatePlan {
  const groupBy = query.groupBy ?? [];
  const functions = ctx.functions ? { functions: ctx.functions } : {};
  if (groupBy.length === 0) {
    const call = query.select.flatMap((s) => (s.kind === "SingleColumn" ? aggregateCalls(s.expression) : []))[0];
    throw new KsqlException(`Use of aggregate function ${call?.name ?? "COUNT"} requires a GROUP BY clause.`, call?.loc ?? query.loc);
  }
  if (rel.window) throw new KsqlException("Aggregating windowed sources is not supported here.", query.loc);
  if (query.window && rel.kind === "table") throw new KsqlException("Windowing not supported for table aggregations.", query.window.loc);
  const qualify = qualifier(rel.scope);
  const scopeOptions: CompileOptions = { columns: rel.scope, clause: "GROUP BY", ...functions };

  // Group key.
  const groupCompiled = groupBy.map((g) => compileExpression(g, scopeOptions));
  const groupTexts = groupBy.map((g) => canonicalText(g, qualify));
  const usedNames = new Set(rel.scope.map((c) => c.name));
  let generated = 0;
  const keyNames = groupBy.map((g) => {
    if (g.kind === "ColumnRef") return g.name;
    if (g.kind === "Dereference") return g.field;
    let name: string;
    do name = `KSQL_COL_${generated++}`;
    while (usedNames.has(name));
    return name;
  });
  const key: KeyColumn[] = groupBy.map((_, i) => ({ name: keyNames[i]!, type: groupCompiled[i]!.type, slot: KEY_SLOT(i), text: groupTexts[i]! }));

  // Aggregate calls of SELECT and HAVING, each computed once.
  const exprs = [...selectExpressions(query.select), ...(query.having ? [query.having] : [])];
  const calls: FunctionCall[] = [];
  const callTexts: string[] = [];
  for (const e of exprs) {
    for (const c of aggregateCalls(e)) {
      const t = canonicalText(c, qualify);
      if (!callTexts.includes(t)) {
        callTexts.push(t);
        calls.push(c);
      }
    }
  }
  const table = rel.kind === "table";
  const resolved: ResolvedAggregate[] = calls.map((c) =>
    resolveAggregateCall(c.name === "COUNT" && c.args.length === 0 ? { ...c, star: true } : c, { columns: rel.scope, clause: "SELECT", table, ...functions, ...(ctx.config ? { config: ctx.config } : {}) }),
  );

  // Every column outside aggregates and group expressions must be a window bound.
  checkNonAggregates(query, groupTexts, qualify, query.window !== undefined);

  const evalCtx = ctx.evalContext;
  const groupFns = groupCompiled.map((g) => g.evaluate);
  const argFns = resolved.map((r) => r.argument?.evaluate);
  const aggFns = resolved.map((r) => r.function);
  const groupKey = (row: Row): unknown => {
    if (groupFns.length === 1) return groupFns[0]!(row, evalCtx);
    const parts = groupFns.map((f) => f(row, evalCtx));
    return parts.some((p) => p === null) ? null : parts;
  };
  const nullKeyMessage = (row: Row) => {
    const i = groupFns.findIndex((f) => f(row, evalCtx) === null);
    ctx.processingLog({ queryId: ctx.queryId, message: `Group-by column with index ${i} resolved to null. The source row will be excluded from the table.` });
  };
  const initializer = () => aggFns.map((f) => f.initialize());
  const adder = (_k: unknown, row: unknown, state: unknown): unknown => {
    const s = state as unknown[];
    const out = new Array<unknown>(s.length);
    for (let i = 0; i < s.length; i++) {
      const arg = argFns[i];
      out[i] = aggFns[i]!.aggregate(arg ? arg(row as Row, evalCtx) : 1, s[i]);
    }
    return out;
  };
  const subtractor = (_k: unknown, row: unknown, state: unknown): unknown => {
    const s = state as unknown[];
    const out = new Array<unknown>(s.length);
    for (let i = 0; i < s.length; i++) {
      const arg = argFns[i];
      out[i] = aggFns[i]!.undo!(arg ? arg(row as Row, evalCtx) : 1, s[i]);
    }
    return out;
  };
  const merger = (_k: unknown, a: unknown, b: unknown): unknown => (a as unknown[]).map((x, i) => aggFns[i]!.merge(x, (b as unknown[])[i]));

  const groupKeySerde = keySerde(
    key.map((k) => ({ name: k.name, type: k.type })),
    rel.keyFormat,
  );
  const materialized = () => Materialized.as<unknown, unknown>(AGGREGATE_STORE).withKeySerde(groupKeySerde).withValueSerde(aggregateStateSerde);

  let aggregated: KTable<unknown, unknown>;
  let window: WindowInfo | undefined;
  if (rel.kind === "stream") {
    const byKey = rel.key.length === groupTexts.length && rel.key.every((k, i) => k.text === groupTexts[i] || (rel.keyAliases[i] ?? []).includes(groupTexts[i]!));
    const prepared = rel.stream!.filter((_k, v) => {
      if (v === null) return false;
      if (groupKey(v as Row) === null) {
        nullKeyMessage(v as Row);
        return false;
      }
      return true;
    });
    const grouped = byKey
      ? prepared.groupByKey(Grouped.with(groupKeySerde, internalSerde))
      : prepared.groupBy((_k, v) => groupKey(v as Row), Grouped.as<unknown, unknown>("Aggregate-GroupBy").withKeySerde(groupKeySerde).withValueSerde(internalSerde));
    const w = query.window;
    // EMIT FINAL: ksqlDB 7.3+ asks the windowed aggregation itself to emit on window close
    // (KIP-825) instead of a separate suppress() buffer; its output is what ksqlDB emits today.
    const emitFinal = query.emit === "FINAL" ? EmitStrategy.onWindowClose() : undefined;
    // Without GRACE PERIOD: 24 hours minus the size, except that EMIT FINAL closes windows at
    // their end (ksqlDB rewrites its window with a zero grace period).
    const defaultGrace = (size: number) => (emitFinal ? 0 : Math.max(DEFAULT_24_HR_GRACE_PERIOD - size, 0));
    if (!w) {
      aggregated = grouped.aggregate(initializer, adder, Named.as("Aggregate-Aggregate"), materialized());
    } else if (w.kind === "SESSION") {
      const grace = w.grace?.ms ?? defaultGrace(w.gap.ms);
      let m = materialized();
      if (w.retention) m = m.withRetention(w.retention.ms);
      const sw = grouped.windowedBy(SessionWindows.ofInactivityGapAndGrace(w.gap.ms, grace));
      if (emitFinal) sw.emitStrategy(emitFinal);
      aggregated = sw.aggregate(initializer, adder, merger, Named.as("Aggregate-Aggregate"), m) as unknown as KTable<unknown, unknown>;
      window = { type: "SESSION" };
    } else {
      const size = w.size.ms;
      const advance = w.kind === "HOPPING" ? w.advance.ms : size;
      if (w.kind === "HOPPING" && (advance <= 0 || advance > size)) {
        throw new KsqlException(`Window advancement interval should be more than zero and less than window duration`, w.loc);
      }
      const grace = w.grace?.ms ?? defaultGrace(size);
      let m = materialized();
      if (w.retention) {
        if (w.retention.ms < size + grace) {
          throw new KsqlException(
            `The retention period of the window store Aggregate-Aggregate-Materialize must be no smaller than its window size plus the grace period. Got size=[${size}], grace=[${grace}], retention=[${w.retention.ms}]`,
            w.retention.loc,
          );
        }
        m = m.withRetention(w.retention.ms);
      }
      let tw = TimeWindows.ofSizeAndGrace(size, grace);
      if (advance !== size) tw = tw.advanceBy(advance);
      const tws = grouped.windowedBy(tw);
      if (emitFinal) tws.emitStrategy(emitFinal);
      aggregated = tws.aggregate(initializer, adder, Named.as("Aggregate-Aggregate"), m) as unknown as KTable<unknown, unknown>;
      window = w.kind === "HOPPING" ? { type: "HOPPING", sizeMs: size, advanceMs: advance } : { type: "TUMBLING", sizeMs: size };
    }
  } else {
    const groupedTable = rel.table!.groupBy(
      (_k, v) => {
        const k = groupKey(v as Row);
        if (k === null) nullKeyMessage(v as Row);
        return KeyValue.pair(k, v);
      },
      Grouped.as<unknown, unknown>("Aggregate-GroupBy").withKeySerde(groupKeySerde).withValueSerde(internalSerde),
    );
    aggregated = groupedTable.aggregate(initializer, adder, subtractor, Named.as("Aggregate-Aggregate"), materialized());
  }
  if (query.emit === "FINAL") {
    if (!window) throw new KsqlException("EMIT FINAL is only supported for windowed aggregations.", query.loc);
    window = { ...window, emitFinal: true };
  }

  // Post-aggregation rows: group key parts, aggregate results, window bounds.
  const mapFns = aggFns.map((f) => f);
  const keyCount = key.length;
  const postRow = (k: unknown, state: unknown): Row | null => {
    if (state === null) return null;
    const row: Row = {};
    let inner = k;
    if (k instanceof Windowed) {
      row.WINDOWSTART = k.window().start();
      row.WINDOWEND = k.window().end();
      inner = k.key();
    }
    if (keyCount === 1) row[KEY_SLOT(0)] = inner;
    else for (let i = 0; i < keyCount; i++) row[KEY_SLOT(i)] = (inner as unknown[])[i] ?? null;
    const s = state as unknown[];
    for (let i = 0; i < mapFns.length; i++) row[AGG_SLOT(i)] = mapFns[i]!.map(s[i]);
    return row;
  };

  const postScope: ScopeColumn[] = [
    ...key.map((k, i) => ({ name: k.name, type: k.type, slot: KEY_SLOT(i) })),
    ...resolved.map((r, i) => ({ name: AGG_SLOT(i), type: r.function.returnType, slot: AGG_SLOT(i) })),
  ];
  if (window) {
    postScope.push({ name: "WINDOWSTART", type: SqlTypes.BIGINT, slot: "WINDOWSTART" });
    postScope.push({ name: "WINDOWEND", type: SqlTypes.BIGINT, slot: "WINDOWEND" });
  }
  const substitute = (e: Expression): ScopeColumn | undefined => {
    if (e.kind === "ColumnRef" && (e.name === "WINDOWSTART" || e.name === "WINDOWEND") && window) return postScope.find((c) => c.name === e.name);
    const t = canonicalText(e, qualify);
    const gi = groupTexts.indexOf(t);
    if (gi >= 0) return postScope[gi];
    const ai = callTexts.indexOf(t);
    if (ai >= 0) return postScope[keyCount + ai];
    return undefined;
  };
  const relation: Relation = {
    kind: "table",
    // Values are the aggregates' states; `postRow` reads them as rows (see Relation.rowOf).
    table: aggregated,
    rowOf: postRow,
    scope: postScope,
    key,
    keyAliases: [],
    keyFormat: rel.keyFormat,
    valueFormat: rel.valueFormat,
    sources: rel.sources,
    ...(window ? { window } : {}),
  };
  return { relation, compile: { columns: postScope, ...functions, substitute }, storeName: AGGREGATE_STORE, postRow };
}

function checkNonAggregates(query: Query, groupTexts: string[], qualify: (r: ColumnRef) => string | undefined, windowed: boolean): void {
  const offending = (e: Expression): string[] => {
    const bad: string[] = [];
    walk(e, (x) => {
      if (x.kind === "FunctionCall" && aggregateCalls(x).length === 1 && aggregateCalls(x)[0] === x) return false;
      if (groupTexts.includes(canonicalText(x, qualify))) return false;
      if (x.kind === "ColumnRef") {
        if (windowed && (x.name === "WINDOWSTART" || x.name === "WINDOWEND")) return false;
        bad.push(formatExpression(mapExpression(x, () => undefined)));
      }
      return true;
    });
    return bad;
  };
  const selectBad = query.select.flatMap((s) => (s.kind === "SingleColumn" ? offending(s.expression) : []));
  if (selectBad.length > 0) throw new KsqlException(`Non-aggregate SELECT expression(s) not part of GROUP BY: ${[...new Set(selectBad)].join(", ")}`);
  if (query.having) {
    const havingBad = offending(query.having);
    if (havingBad.length > 0) throw new KsqlException(`Non-aggregate HAVING expression not part of GROUP BY: ${[...new Set(havingBad)].join(", ")}`, query.having.loc);
  }
}
