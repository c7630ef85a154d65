/**
 * Resolving an aggregate call of a query (`COUNT(*)`, `SUM(price)`, `TOPK(x, 3)`) into the
 * function object and the compiled expression feeding it, for the planner.
 */
import type { FunctionCall } from "../ast";
import { KsqlException } from "../errors";
import { compileExpression, type CompileOptions, type CompiledExpression } from "../expressions/evaluate";
import { formatExpression } from "../expressions/format-expression";
import { aggregateDefinition, type AggregateDefinition, type AggregateFunction } from "./registry";
import "./builtin";

export * from "./registry";

export interface ResolvedAggregate {
  definition: AggregateDefinition;
  function: AggregateFunction;
  /**
   * The value to feed `aggregate`/`undo` per row; absent for COUNT(*), which counts every
   * row (feed it any non-NULL value).
   */
  argument?: CompiledExpression;
  /** `COUNT(*)`, `SUM(PRICE)`: the call as text. */
  text: string;
}

function literalValue(e: FunctionCall["args"][number]): unknown {
  switch (e.kind) {
    case "IntegerLiteral":
    case "BigintLiteral":
    case "DoubleLiteral":
    case "BooleanLiteral":
    case "StringLiteral":
      return e.value;
    case "DecimalLiteral":
      return Number(e.text);
    default:
      throw new KsqlException(`Aggregate function parameters after the first must be literals, got ${formatExpression(e)}`, e.loc);
  }
}

/**
 * Resolves an aggregate call. `table` marks an aggregation over a TABLE source, which only
 * functions with undo support (ksqlDB: "... is not supported for table aggregation").
 */
export function resolveAggregateCall(
  call: FunctionCall,
  options: CompileOptions & { table?: boolean; config?: Readonly<Record<string, unknown>> },
): ResolvedAggregate {
  const definition = aggregateDefinition(call.name);
  if (!definition) throw new KsqlException(`Can't find any functions with the name '${call.name}'`, call.loc);
  if (options.table && !definition.supportsTables) {
    throw new KsqlException(`The aggregation function ${call.name} cannot be applied to a table source, only to a stream source.`, call.loc);
  }
  const text = formatExpression(call);
  if (call.star) {
    if (call.name !== "COUNT") throw new KsqlException(`Function '${call.name}' does not accept '*' as an argument.`, call.loc);
    return { definition, function: definition.create({ literals: [], ...(options.config ? { config: options.config } : {}) }), text };
  }
  const [first, ...rest] = call.args;
  if (!first) throw new KsqlException(`Function '${call.name}' requires at least one argument.`, call.loc);
  const argument = compileExpression(first, options);
  const fn = definition.create({ type: argument.type, literals: rest.map(literalValue), ...(options.config ? { config: options.config } : {}) });
  return { definition, function: fn, argument, text };
}
