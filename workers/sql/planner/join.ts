/**
 * Joins, as ksqlDB plans them onto Kafka Streams:
 *
 * - stream-stream (WITHIN required): `join/leftJoin/outerJoin` with JoinWindows; without a
 *   GRACE PERIOD ksqlDB uses the old `JoinWindows.of`, whose left/outer joins emit
 *   (left, null) at once, and with one the windows built with `ofTimeDifferenceAndGrace`;
 * - stream-table (the table on the right; INNER or LEFT): a lookup per stream record;
 * - table-table on primary keys (INNER, LEFT, RIGHT, FULL OUTER).
 *
 * A stream whose join expression is not its key is re-keyed first (and so repartitioned
 * by the DSL); a table never is. Rows of both sides are merged into one row whose columns
 * are renamed `<ALIAS>_<NAME>`. The result is keyed by the left join column (the right one
 * when only that side is a plain column), or by a synthetic ROWKEY for FULL OUTER joins and
 * for criteria that are not plain columns on either side.
 */
import type { ColumnRef, Expression, Join } from "../ast";
import type { KStream } from "../../streams/kstream";
import type { KTable } from "../../streams/ktable";
import { Joined, StreamJoined } from "../../streams/joined";
import { JoinWindows } from "../../streams/windows/join-windows";
import { Named } from "../../streams/named";
import { KsqlException } from "../errors";
import { compileExpression, type ScopeColumn } from "../expressions/evaluate";
import { formatExpression } from "../expressions/format-expression";
import type { DataSource } from "../metastore";
import { formatType, typesEqual } from "../types";
import type { Row } from "../values";
import { canonicalText, columnRefs } from "./ast-util";
import type { PlanContext } from "./context";
import type { KeyColumn, Relation } from "./relation";
import { rowMerger } from "./row-code";
import { internalSerde, keySerde } from "./serdes";

export interface JoinStep {
  join: Join;
  source: DataSource;
  alias: string;
  right: Relation;
  /** Whether the rest of the query reads a column; columns it never reads are not copied into joined rows. */
  needed?: (c: ScopeColumn) => boolean;
}

const JOIN_WORD: Record<Join["type"], string> = { INNER: "[INNER] JOIN", LEFT: "LEFT [OUTER] JOIN", RIGHT: "RIGHT [OUTER] JOIN", FULL: "[FULL] OUTER JOIN" };

/** Renames a relation's slots to `<ALIAS>_<NAME>` (once; joined relations already are). */
function aliasedSlots(scope: readonly ScopeColumn[]): { scope: ScopeColumn[]; pairs: [string, string][] } {
  const pairs: [string, string][] = [];
  const out = scope.map((c) => {
    const from = c.slot ?? c.name;
    const to = c.source !== undefined && from === c.name ? `${c.source}_${c.name}` : from;
    pairs.push([from, to]);
    return { ...c, slot: to };
  });
  return { scope: out, pairs };
}

function sideOf(e: Expression, left: Relation, right: Relation, join: Join): "left" | "right" {
  const refs = columnRefs(e);
  const sides = new Set<"left" | "right">();
  for (const r of refs) {
    const inLeft = left.scope.some((c) => c.name === r.name && (r.source === undefined || c.source === r.source));
    const inRight = right.scope.some((c) => c.name === r.name && (r.source === undefined || c.source === r.source));
    if (inLeft && inRight && r.source === undefined) throw new KsqlException(`Column '${r.name}' is ambiguous in join criteria '${formatExpression(join.on)}'.`, r.loc);
    if (inLeft) sides.add("left");
    else if (inRight) sides.add("right");
    else throw new KsqlException(`JOIN ON column '${r.source ? r.source + "." : ""}${r.name}' cannot be resolved.`, r.loc);
  }
  if (sides.size !== 1) {
    throw new KsqlException(
      `Invalid comparison expression '${formatExpression(e)}' in join '${formatExpression(join.on)}'. Each side of the join comparision must contain references from exactly one source.`,
      e.loc,
    );
  }
  return [...sides][0]!;
}

function qualified(e: Expression, rel: Relation): string {
  return canonicalText(e, qualifier(rel.scope));
}

function qualifier(scope: readonly ScopeColumn[]): (r: ColumnRef) => string | undefined {
  return (r) => {
    if (r.source !== undefined) return r.source;
    const m = scope.filter((c) => c.name === r.name);
    return m.length === 1 ? m[0]!.source : undefined;
  };
}

/** Whether `text` names the relation's (single) key. */
function isKeyExpression(rel: Relation, text: string): boolean {
  if (rel.key.length !== 1) return false;
  return rel.key[0]!.text === text || (rel.keyAliases[0] ?? []).includes(text);
}

export function planJoin(left: Relation, step: JoinStep, ctx: PlanContext, index: number): Relation {
  const { join, right } = step;
  const leftName = left.sources.map((s) => s.source.name).join("_");
  const rightName = step.source.name;
  if (left.window || right.window) throw new KsqlException(`Joins of windowed sources are not supported here (${left.window ? leftName : rightName} is windowed).`, join.loc);
  if (left.kind === "table" && right.kind === "stream") {
    throw new KsqlException(`Invalid join order: table-stream joins are not supported; only stream-table joins. Got ${leftName} ${JOIN_WORD[join.type]} ${rightName}.`, join.loc);
  }
  const streamStream = left.kind === "stream" && right.kind === "stream";
  if (streamStream && !join.within) {
    throw new KsqlException(
      "Stream-Stream joins must have a WITHIN clause specified. None was provided. To learn about how to specify a WITHIN clause with a stream-stream join, please visit: https://docs.confluent.io/current/ksql/docs/syntax-reference.html#create-stream-as-select",
      join.loc,
    );
  }
  if (!streamStream && join.within) throw new KsqlException(`A window definition was provided for a ${left.kind}-${right.kind} join. Windows are only supported for stream-stream joins.`, join.within.loc);
  if (left.kind === "stream" && right.kind === "table" && (join.type === "RIGHT" || join.type === "FULL")) {
    throw new KsqlException(`Invalid join type: ${join.type === "FULL" ? "full-outer" : "right"} join not supported for stream-table join. Got ${leftName} ${JOIN_WORD[join.type]} ${rightName}.`, join.loc);
  }
  const on = join.on;
  if (on.kind !== "Comparison" || on.op !== "=") {
    throw new KsqlException(`Unsupported join expression: ${formatExpression(on)}. Only equality of one expression per side is supported.`, on.loc);
  }
  let leftExpr = on.left;
  let rightExpr = on.right;
  if (sideOf(leftExpr, left, right, join) === "right") [leftExpr, rightExpr] = [rightExpr, leftExpr];
  if (sideOf(leftExpr, left, right, join) !== "left" || sideOf(rightExpr, left, right, join) !== "right") {
    throw new KsqlException(`Invalid comparison expression '${formatExpression(on)}' in join: each side must reference one of the joined sources.`, on.loc);
  }
  const leftCompiled = compileExpression(leftExpr, { columns: left.scope, clause: "JOIN ON", ...(ctx.functions ? { functions: ctx.functions } : {}) });
  const rightCompiled = compileExpression(rightExpr, { columns: right.scope, clause: "JOIN ON", ...(ctx.functions ? { functions: ctx.functions } : {}) });
  if (!typesEqual(leftCompiled.type, rightCompiled.type)) {
    throw new KsqlException(
      `Invalid join condition: types don't match. Got ${formatExpression(leftExpr)}{${formatType(leftCompiled.type)}} = ${formatExpression(rightExpr)}{${formatType(rightCompiled.type)}}.`,
      on.loc,
    );
  }
  const leftText = canonicalText(leftExpr, qualifier(left.scope));
  const rightText = canonicalText(rightExpr, qualifier(right.scope));
  const leftKeyed = isKeyExpression(left, leftText);
  const rightKeyed = isKeyExpression(right, rightText);
  if (right.kind === "table" && !rightKeyed) {
    throw new KsqlException(
      right.key.length > 1
        ? "Cannot repartition a TABLE source. If this is a join, joins on tables with multiple columns is not yet supported."
        : left.kind === "table"
          ? `Invalid join condition: table-table joins require to join on the primary key of the right input table. Got ${formatExpression(leftExpr)} = ${formatExpression(rightExpr)}.`
          : `Invalid join condition: stream-table joins require to join on the table's primary key. Got ${qualified(leftExpr, left)} = ${qualified(rightExpr, right)}.`,
      on.loc,
    );
  }
  if (left.kind === "table" && !leftKeyed) {
    throw new KsqlException(
      `Invalid join condition: table-table joins require to join on the primary key of the left input table (foreign-key joins are not supported here). Got ${formatExpression(leftExpr)} = ${formatExpression(rightExpr)}.`,
      on.loc,
    );
  }
  // Co-partitioning of two topics read as they are: ksqlDB refuses before starting.
  if (leftKeyed && rightKeyed && left.sources.length === 1) {
    const lt = left.sources[0]!.source.topic;
    const rt = step.source.topic;
    const ln = ctx.partitionCount(lt);
    const rn = ctx.partitionCount(rt);
    if (ln !== undefined && rn !== undefined && ln !== rn) {
      throw new KsqlException(
        `Can't join \`${left.sources[0]!.source.name}\` with \`${rightName}\` since the number of partitions don't match. \`${left.sources[0]!.source.name}\` partitions = ${ln}; \`${rightName}\` partitions = ${rn}. Please repartition either one so that the number of partitions match.`,
        join.loc,
      );
    }
  }

  const keyType = leftCompiled.type;
  const joinKeySerde = keySerde([{ name: "ROWKEY", type: keyType }], left.keyFormat);
  const evalCtx = ctx.evalContext;
  const rekey = (rel: Relation, fn: (row: Row) => unknown, side: "Left" | "Right"): KStream<unknown, unknown> =>
    rel.stream!.selectKey((_k, v) => (v === null ? null : fn(v as Row)), Named.as(`${side}SourceKeyed${index > 0 ? `_${index}` : ""}-SelectKey`));
  const leftFn = leftCompiled.evaluate;
  const rightFn = rightCompiled.evaluate;

  const l = aliasedSlots(left.scope);
  const r = aliasedSlots(right.scope);
  const synthetic = join.type === "FULL" || (leftExpr.kind !== "ColumnRef" && rightExpr.kind !== "ColumnRef");
  const keep = step.needed ?? (() => true);
  const joiner = mergeRows(
    l.pairs.filter((_, i) => keep(left.scope[i]!)),
    r.pairs.filter((_, i) => keep(right.scope[i]!)),
  );
  const name = index === 0 ? "Join" : `Join_${index}`;

  let result: Relation;
  if (streamStream) {
    const ls = leftKeyed ? left.stream! : rekey(left, (row) => leftFn(row, evalCtx), "Left");
    const rs = rightKeyed ? right.stream! : rekey(right, (row) => rightFn(row, evalCtx), "Right");
    const within = join.within!;
    const windowsFor = (before: number, after: number) =>
      within.grace ? JoinWindows.ofTimeDifferenceAndGrace(before, within.grace.ms).before(before).after(after) : JoinWindows.of(before).before(before).after(after);
    const sj = StreamJoined.with<unknown, unknown, unknown>(joinKeySerde, internalSerde, internalSerde).withName(name);
    let out: KStream<unknown, unknown>;
    switch (join.type) {
      case "INNER":
        out = ls.join(rs, (a: unknown, b: unknown): unknown => joiner(a as Row, b as Row), windowsFor(within.before.ms, within.after.ms), sj);
        break;
      case "LEFT":
        out = ls.leftJoin(rs, (a: unknown, b: unknown): unknown => joiner(a as Row, b as Row | null), windowsFor(within.before.ms, within.after.ms), sj);
        break;
      case "RIGHT":
        out = rs.leftJoin(ls, (b: unknown, a: unknown): unknown => joiner(a as Row | null, b as Row), windowsFor(within.after.ms, within.before.ms), sj);
        break;
      case "FULL":
        out = ls.outerJoin(rs, (a: unknown, b: unknown): unknown => joiner(a as Row | null, b as Row | null), windowsFor(within.before.ms, within.after.ms), sj);
        break;
    }
    result = { ...base(left, right, l.scope, r.scope), kind: "stream", stream: out };
  } else if (left.kind === "stream") {
    const ls = leftKeyed ? left.stream! : rekey(left, (row) => leftFn(row, evalCtx), "Left");
    const joined = Joined.with<unknown, unknown, unknown>(joinKeySerde, internalSerde, internalSerde, name);
    const table = right.table as KTable<unknown, unknown>;
    const out =
      join.type === "LEFT"
        ? ls.leftJoin(table, (a: unknown, b: unknown): unknown => joiner(a as Row, b as Row | null), joined)
        : ls.join(table, (a: unknown, b: unknown): unknown => joiner(a as Row, b as Row), joined);
    result = { ...base(left, right, l.scope, r.scope), kind: "stream", stream: out };
  } else {
    const lt = left.table!;
    const rt = right.table!;
    const named = Named.as(name);
    let out: KTable<unknown, unknown>;
    switch (join.type) {
      case "INNER":
        out = lt.join(rt, (a, b): unknown => joiner(a as Row, b as Row), named);
        break;
      case "LEFT":
        out = lt.leftJoin(rt, (a, b): unknown => joiner(a as Row, b as Row | null), named);
        break;
      case "RIGHT":
        out = rt.leftJoin(lt, (b, a): unknown => joiner(a as Row | null, b as Row), named);
        break;
      case "FULL":
        out = lt.outerJoin(rt, (a, b): unknown => joiner(a as Row | null, b as Row | null), named);
        break;
    }
    result = { ...base(left, right, l.scope, r.scope), kind: "table", table: out };
  }

  let key: KeyColumn;
  // The key column reads the record key where its own side may be missing (the left of a
  // RIGHT join, the right of a LEFT join): the joined row holds null there.
  const setKey = (slot: string) => {
    const put = (k: unknown, v: unknown) => {
      if (v !== null) (v as Row)[slot] = k;
      return v;
    };
    if (result.stream) result.stream = result.stream.mapValues((k: unknown, v: unknown) => put(k, v));
    else result.table = result.table!.mapValues((k: unknown, v: unknown) => put(k, v));
  };
  // A further join on the key the earlier joins made, or on an expression their criteria
  // made equal to it, keeps that key (a plain column other than a synthetic key becomes the key).
  const prior = index > 0 && leftKeyed && left.key.length === 1 ? left.key[0]! : undefined;
  const continued = join.type !== "FULL" && prior !== undefined && !(prior.synthetic && leftExpr.kind === "ColumnRef");
  if (continued) {
    key = { ...prior, slot: l.pairs.find(([from]) => from === prior.slot)?.[1] ?? prior.slot };
    if (key.synthetic) {
      result.scope.push({ name: key.name, type: keyType, slot: key.slot });
      setKey(key.slot);
    } else if (join.type === "RIGHT") setKey(key.slot);
    result.keyAliases = [[...new Set([...(left.keyAliases[0] ?? []), leftText, rightText])].filter((t) => t !== key.text)];
  } else if (synthetic) {
    key = { name: "ROWKEY", type: keyType, slot: "ROWKEY", text: "ROWKEY", synthetic: true };
    result.scope.push({ name: "ROWKEY", type: keyType, slot: "ROWKEY" });
    setKey("ROWKEY");
    // After a FULL OUTER join either side's expression may be NULL: neither is the key for a
    // later join, which re-keys by it (dropping rows where it is NULL), as ksqlDB does.
    result.keyAliases = [join.type === "FULL" ? [] : [leftText, rightText]];
  } else {
    const fromLeft = leftExpr.kind === "ColumnRef";
    const ref = (fromLeft ? leftExpr : rightExpr) as ColumnRef;
    const sideAliases = fromLeft ? left.sources.map((x) => x.alias) : [step.alias];
    const col = result.scope.find((c) => c.name === ref.name && (ref.source === undefined ? c.source !== undefined && sideAliases.includes(c.source) : c.source === ref.source))!;
    key = { name: ref.name, type: keyType, slot: col.slot ?? col.name, text: fromLeft ? leftText : rightText, ...(col.source !== undefined ? { source: col.source } : {}) };
    if (fromLeft ? join.type === "RIGHT" : join.type === "LEFT") setKey(key.slot);
    result.keyAliases = [[fromLeft ? rightText : leftText]];
  }
  result.key = [key];
  return result;
}

function base(left: Relation, right: Relation, ls: ScopeColumn[], rs: ScopeColumn[]): Relation {
  return {
    kind: "stream",
    scope: [...ls, ...rs],
    key: [],
    keyAliases: [],
    keyFormat: left.keyFormat,
    valueFormat: left.valueFormat,
    sources: [...left.sources, ...right.sources],
  };
}

function mergeRows(leftPairs: [string, string][], rightPairs: [string, string][]): (a: Row | null, b: Row | null) => Row {
  return rowMerger(leftPairs, rightPairs);
}
