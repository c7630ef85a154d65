/**
 * The SQL front end for the planner: parse ksqlDB statements, type and compile expressions,
 * resolve aggregates, name output columns, read and write rows in a topic's format.
 */
export * from "./ast";
export { parseExpression, parseStatement, parseStatements, parseType, type ParsedStatements } from "./parse";
export { KsqlException, KsqlFunctionException, SerializationException, SqlSyntaxError } from "./errors";
export * from "./types";
export { Decimal, type RoundingMode } from "./decimal";
export { compareValues, formatTimestamp, javaDoubleToString, valueKey, valuesEqual, valueToString, type Row } from "./values";
export {
  compileExpression,
  compilePredicate,
  inferType,
  likeToRegExp,
  PSEUDO_COLUMNS,
  type CompileOptions,
  type CompiledExpression,
  type Evaluator,
  type ScopeColumn,
} from "./expressions/evaluate";
export { formatExpression } from "./expressions/format-expression";
export { canCast, castFunction } from "./expressions/cast";
export { evalContext, FunctionRegistry, type EvalContext, type ScalarFunction } from "./functions/registry";
export { builtinFunctions } from "./functions";
export {
  aggregateDefinition,
  aggregateNames,
  isAggregateFunction,
  resolveAggregateCall,
  type AggregateDefinition,
  type AggregateFunction,
  type ResolvedAggregate,
} from "./aggregates";
export { outputColumnNames, type SourceColumns } from "./names";
export { createFormat, delimiterOf, type FormatColumn, type FormatOptions, type RowFormat } from "./format/formats";
