/**
 * The SELECT list: `*`, `src.*` and `struct->*` expanded, every item typed and named as
 * ksqlDB names output columns, and the result key found among the items. A persistent
 * query must select every key column (under any alias): ksqlDB's "Key missing from
 * projection". Key items go to the record key, the others make the value.
 */
import type { ColumnRef, Expression, Loc, SelectItem } from "../ast";
import { KsqlException } from "../errors";
import { compileExpression, type CompileOptions, type Evaluator, type ScopeColumn } from "../expressions/evaluate";
import type { EvalContext } from "../functions/registry";
import { outputColumnNames } from "../names";
import type { Row } from "../values";
import { canonicalText } from "./ast-util";
import { rowBuilder } from "./row-code";
import type { KeyColumn } from "./relation";
import type { Column, LogicalSchema } from "./schema";

const PSEUDO = new Set(["ROWTIME", "ROWPARTITION", "ROWOFFSET", "WINDOWSTART", "WINDOWEND"]);

export interface ProjectionOptions {
  compile: CompileOptions;
  /** The result key, in order. */
  key: readonly KeyColumn[];
  /** Other expressions (canonical text) that denote key column i (the other side of a join). */
  keyAliases: readonly (readonly string[])[];
  /** Column references are qualified with this before comparing to the key. */
  qualify: (ref: ColumnRef) => string | undefined;
  /** Source aliases, in FROM order; more than one means a join. */
  aliases: readonly string[];
  /** Persistent queries must project the key; transient ones need not. */
  persistent: boolean;
  sinkName?: string;
  /** Window bounds go in `*` only for transient queries over windowed data. */
  windowed: boolean;
  /** Source column names per alias (for ksqlDB's generated names and join prefixes). */
  sourceColumns: { source: string; columns: readonly string[] }[];
}

export interface ProjectedColumn {
  name: string;
  column: Column;
  evaluate: Evaluator;
  /** Index of the result key column this item is, if any. */
  keyIndex?: number;
}

export interface Projection {
  /** Every selected column in SELECT order (what a transient query shows). */
  columns: ProjectedColumn[];
  /** Output schema of a persistent query: key columns (named by the projection), then value columns. */
  schema: LogicalSchema;
  /** The value row of a persistent query's output. */
  valueRow(row: Row, ctx: EvalContext): Row;
  /** Every selected column, as a transient query shows it. */
  fullRow(row: Row, ctx: EvalContext): Row;
}

interface Expanded {
  expression: Expression;
  name: string | undefined;
  loc: Loc;
}

function ref(source: string | undefined, name: string, loc: Loc): ColumnRef {
  return source === undefined ? { kind: "ColumnRef", name, loc } : { kind: "ColumnRef", source, name, loc };
}

function expand(select: readonly SelectItem[], options: ProjectionOptions): Expanded[] {
  const joined = options.aliases.length > 1;
  const scope = options.compile.columns;
  const names = outputColumnNames(select, options.sourceColumns);
  const out: Expanded[] = [];
  select.forEach((item, i) => {
    if (item.kind === "SingleColumn") {
      out.push({ expression: item.expression, name: names[i], loc: item.loc });
      return;
    }
    if (item.kind === "StructAll") {
      const c = compileExpression(item.base, options.compile);
      if (c.type.base !== "STRUCT") throw new KsqlException(`Can't use ->* on '${c.text}': it is not a STRUCT.`, item.loc);
      for (const f of c.type.fields) out.push({ expression: { kind: "Dereference", base: item.base, field: f.name, loc: item.loc }, name: f.name, loc: item.loc });
      return;
    }
    const only = item.source;
    if (only !== undefined && !options.aliases.includes(only)) throw new KsqlException(`'${only}' is not a source in this query.`, item.loc);
    const cols = scope.filter((c) => (only === undefined || c.source === only) && c.source !== undefined);
    const isKey = (c: ScopeColumn) => options.key.some((k) => k.slot === (c.slot ?? c.name));
    const nameOf = (c: ScopeColumn) => (joined ? `${c.source}_${c.name}` : c.name);
    // Synthetic keys (join ROWKEY, PARTITION BY expressions) belong to no source: only a bare `*` shows them.
    if (only === undefined) {
      for (const k of options.key) {
        if (k.synthetic) out.push({ expression: ref(undefined, k.name, item.loc), name: k.name, loc: item.loc });
      }
    }
    // ksqlDB's order: key columns, window bounds (transient queries over windowed data), values.
    for (const c of cols) if (isKey(c)) out.push({ expression: ref(c.source, c.name, item.loc), name: nameOf(c), loc: item.loc });
    if (options.windowed && !options.persistent) {
      for (const c of cols) if (c.name === "WINDOWSTART" || c.name === "WINDOWEND") out.push({ expression: ref(c.source, c.name, item.loc), name: nameOf(c), loc: item.loc });
    }
    for (const c of cols) {
      if (isKey(c) || PSEUDO.has(c.name)) continue;
      out.push({ expression: ref(c.source, c.name, item.loc), name: nameOf(c), loc: item.loc });
    }
  });
  return out;
}

/** ksqlDB's message for a persistent query that does not select its key. */
function keyMissing(sinkName: string, key: readonly KeyColumn[], aliases: readonly (readonly string[])[]): KsqlException {
  const synthetic = key.some((k) => k.synthetic);
  const names = key.map((k, i) => (k.synthetic ? k.name : [k.text, ...(aliases[i] ?? [])].join(" or ")));
  const what = key.length === 1 ? (synthetic ? "join expression" : "key column") : synthetic ? "join expressions" : "key columns";
  let message = `Key${key.length > 1 ? "s" : ""} missing from projection (ie, SELECT).\nThe query used to build \`${sinkName}\` must include the ${what} ${names.join(" and ")} in its projection (eg, SELECT ${key.map((k) => k.name).join(", ")}...).`;
  if (synthetic) message += `\nROWKEY was added as a synthetic key column because the join criteria did not match any source column. This expression must be included in the projection and may be aliased.`;
  return new KsqlException(message);
}

export function planProjection(select: readonly SelectItem[], options: ProjectionOptions): Projection {
  const items = expand(select, options);
  const texts = items.map((item) => canonicalText(item.expression, options.qualify));
  // Which item is each key column: the key expression itself if it is selected, else the
  // first item naming an equivalent one (the other side of an equi-join), as ksqlDB picks.
  const keyOfItem = new Map<number, number>();
  options.key.forEach((k, i) => {
    const free = (j: number) => !keyOfItem.has(j);
    let j = items.findIndex((item, n) => free(n) && (texts[n] === k.text || (item.expression.kind === "ColumnRef" && resolvesToSlot(item.expression, k.slot, options.compile.columns))));
    if (j < 0) j = texts.findIndex((t, n) => free(n) && (options.keyAliases[i] ?? []).includes(t));
    if (j >= 0) keyOfItem.set(j, i);
  });
  const columns: ProjectedColumn[] = [];
  const takenKeys = new Set(keyOfItem.values());
  const seen = new Set<string>();
  items.forEach((item, n) => {
    const compiled = compileExpression(item.expression, { ...options.compile, clause: options.compile.clause ?? "SELECT" });
    const name = item.name ?? `KSQL_COL_${columns.length}`;
    if (seen.has(name)) throw new KsqlException(`Duplicate column name '${name}' in the projection; give one of them an alias.`, item.loc);
    seen.add(name);
    const keyIndex = keyOfItem.get(n);
    columns.push({ name, column: { name, type: compiled.type }, evaluate: compiled.evaluate, ...(keyIndex !== undefined ? { keyIndex } : {}) });
  });
  if (options.persistent && takenKeys.size < options.key.length) {
    throw keyMissing(options.sinkName ?? "the sink", options.key, options.keyAliases);
  }
  const keyColumns: Column[] = options.key.map((k, i) => {
    const item = columns.find((c) => c.keyIndex === i);
    return item ? { name: item.name, type: k.type } : { name: k.name, type: k.type };
  });
  const valueColumns = columns.filter((c) => c.keyIndex === undefined);
  const valueNames = valueColumns.map((c) => c.name);
  const valueEvals = valueColumns.map((c) => c.evaluate);
  const allNames = columns.map((c) => c.name);
  const allEvals = columns.map((c) => c.evaluate);
  return {
    columns,
    schema: { key: keyColumns, value: valueColumns.map((c) => c.column) },
    valueRow: rowBuilder(valueNames, valueEvals),
    fullRow: rowBuilder(allNames, allEvals),
  };
}

function resolvesToSlot(r: ColumnRef, slot: string, scope: readonly ScopeColumn[]): boolean {
  const matches = scope.filter((c) => c.name === r.name && (r.source === undefined || c.source === r.source));
  return matches.length === 1 && (matches[0]!.slot ?? matches[0]!.name) === slot;
}
