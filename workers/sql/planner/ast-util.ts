/**
 * Walking and comparing expressions. Two expressions are "the same" for GROUP BY, PARTITION
 * BY and join keys when they print the same once every column reference names the source
 * it resolves to (ksqlDB's AstSanitizer qualifies them the same way before comparing).
 */
import type { ColumnRef, Expression, FunctionCall } from "../ast";
import { isAggregateFunction } from "../aggregates/registry";
import { formatExpression } from "../expressions/format-expression";

/** The direct sub-expressions of `e`. */
export function children(e: Expression): Expression[] {
  switch (e.kind) {
    case "Dereference":
      return [e.base];
    case "Subscript":
      return [e.base, e.index];
    case "FunctionCall":
      return e.args;
    case "Arithmetic":
    case "Comparison":
    case "Logical":
      return [e.left, e.right];
    case "UnaryArithmetic":
      return [e.operand];
    case "Not":
      return [e.operand];
    case "Between":
      return [e.value, e.low, e.high];
    case "InList":
      return [e.value, ...e.list];
    case "Like":
      return [e.value, e.pattern];
    case "IsNull":
      return [e.value];
    case "SearchedCase":
      return [...e.whens.flatMap((w) => [w.when, w.then]), ...(e.else ? [e.else] : [])];
    case "SimpleCase":
      return [e.operand, ...e.whens.flatMap((w) => [w.when, w.then]), ...(e.else ? [e.else] : [])];
    case "Cast":
      return [e.value];
    case "ArrayConstructor":
      return e.elements;
    case "MapConstructor":
      return e.entries.flatMap((x) => [x.key, x.value]);
    case "StructConstructor":
      return e.fields.map((f) => f.value);
    default:
      return [];
  }
}

/** Pre-order walk; returning false from `visit` skips the node's children. */
export function walk(e: Expression, visit: (e: Expression) => boolean | void): void {
  if (visit(e) === false) return;
  for (const c of children(e)) walk(c, visit);
}

export function columnRefs(e: Expression): ColumnRef[] {
  const out: ColumnRef[] = [];
  walk(e, (x) => {
    if (x.kind === "ColumnRef") out.push(x);
  });
  return out;
}

/** Aggregate calls in `e`, outermost first (an aggregate's own arguments are not searched). */
export function aggregateCalls(e: Expression): FunctionCall[] {
  const out: FunctionCall[] = [];
  walk(e, (x) => {
    if (x.kind === "FunctionCall" && isAggregateFunction(x.name)) {
      out.push(x);
      return false;
    }
    return true;
  });
  return out;
}

export function containsAggregate(e: Expression): boolean {
  return aggregateCalls(e).length > 0;
}

/** A copy of `e` with every node for which `replace` answers replaced. */
export function mapExpression(e: Expression, replace: (e: Expression) => Expression | undefined): Expression {
  const r = replace(e);
  if (r) return r;
  const clone: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    if (k === "loc") clone[k] = v;
    else if (Array.isArray(v)) clone[k] = v.map((x) => mapChild(x, replace));
    else clone[k] = mapChild(v, replace);
  }
  return clone as unknown as Expression;
}

function mapChild(v: unknown, replace: (e: Expression) => Expression | undefined): unknown {
  if (v === null || typeof v !== "object") return v;
  if ("kind" in v && "loc" in v) return mapExpression(v as Expression, replace);
  // WhenClause, map entries, struct fields: plain holders of expressions.
  if ("when" in v || "key" in v || "value" in v) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = k === "loc" ? x : mapChild(x, replace);
    return o;
  }
  return v;
}

/** The text an expression is compared by, with column references qualified by `qualify`. */
export function canonicalText(e: Expression, qualify: (ref: ColumnRef) => string | undefined): string {
  const q = mapExpression(e, (x) => {
    if (x.kind !== "ColumnRef") return undefined;
    const source = qualify(x);
    return source === undefined ? x : { ...x, source };
  });
  return formatExpression(q);
}
