/**
 * Row builders made for one query. A generic builder (`out[names[i]] = f(row)` in a loop)
 * goes through one property-access site for every column, which the JavaScript engine then
 * handles as megamorphic: slow on every record. Generating a function per query whose
 * object literal names each property makes every row of that query share one hidden class
 * and every access a fixed one. Names are embedded with JSON.stringify, so any column name
 * is safe; nothing else from the statement reaches the generated code.
 */
import type { EvalContext } from "../functions/registry";
import type { Row } from "../values";

type Evaluator = (row: Row, ctx: EvalContext) => unknown;

function prop(name: string): string {
  return JSON.stringify(name);
}

/** `(row, ctx) => ({ NAME_0: evals[0](row, ctx), ... })` */
export function rowBuilder(names: readonly string[], evals: readonly Evaluator[]): (row: Row, ctx: EvalContext) => Row {
  const fields = names.map((n, i) => `${prop(n)}: e${i}(row, ctx)`).join(", ");
  const params = names.map((_, i) => `e${i}`);
  const make = new Function(...params, `return function build(row, ctx) { return { ${fields} }; };`) as (...fns: Evaluator[]) => (row: Row, ctx: EvalContext) => Row;
  return make(...evals);
}

/** `(a, b) => ({ TO: a === null ? null : (a.FROM ?? null), ... })` for the two sides of a join. */
export function rowMerger(leftPairs: readonly (readonly [string, string])[], rightPairs: readonly (readonly [string, string])[]): (a: Row | null, b: Row | null) => Row {
  const side = (pairs: readonly (readonly [string, string])[], v: string) =>
    pairs.map(([from, to]) => {
      const read = `${v}[${prop(from)}]`;
      return `${prop(to)}: ${v} === null || ${read} === undefined ? null : ${read}`;
    });
  const fields = [...side(leftPairs, "a"), ...side(rightPairs, "b")].join(", ");
  return new Function(`return function merge(a, b) { return { ${fields} }; };`)() as (a: Row | null, b: Row | null) => Row;
}
