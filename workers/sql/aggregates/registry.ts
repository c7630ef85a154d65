/**
 * Aggregate functions (ksqlDB's UDAFs) as objects a Streams aggregation drives:
 * `initialize` for a new group, `aggregate` per record, `undo` when a table row is replaced
 * or deleted (only where ksqlDB's function is a TableUdaf), `merge` when session windows
 * merge, `map` for the value written out. Aggregates are treated as immutable: every call
 * returns a new value, so a state store's old value stays intact.
 */
import { KsqlException } from "../errors";
import { formatType, type SqlType } from "../types";

export interface AggregateFunction<A = unknown> {
  readonly name: string;
  readonly returnType: SqlType;
  initialize(): A;
  aggregate(value: unknown, aggregate: A): A;
  /** Present only for functions that can aggregate a TABLE (ksqlDB TableUdaf). */
  undo?(value: unknown, aggregate: A): A;
  merge(a: A, b: A): A;
  map(aggregate: A): unknown;
}

export interface AggregateArguments {
  /** Type of the aggregated column (the first argument); absent for COUNT(*). */
  type?: SqlType;
  /** Values of the constant arguments after the first (e.g. k of TOPK, ignoreNulls). */
  literals: unknown[];
  /** Query-level properties such as `ksql.functions.collect_list.limit`. */
  config?: Readonly<Record<string, unknown>>;
}

export interface AggregateDefinition {
  name: string;
  description: string;
  /** Whether ksqlDB allows it over a TABLE source, i.e. it can undo. */
  supportsTables: boolean;
  create(args: AggregateArguments): AggregateFunction;
}

const definitions = new Map<string, AggregateDefinition>();

export function registerAggregate(...defs: AggregateDefinition[]): void {
  for (const d of defs) definitions.set(d.name.toUpperCase(), d);
}

/** Names ksqlDB treats as aggregates; known before the definitions load so the evaluator can refuse them. */
const AGGREGATE_NAMES = new Set([
  "COUNT",
  "COUNT_DISTINCT",
  "SUM",
  "AVG",
  "MIN",
  "MAX",
  "LATEST_BY_OFFSET",
  "EARLIEST_BY_OFFSET",
  "COLLECT_LIST",
  "COLLECT_SET",
  "TOPK",
  "TOPKDISTINCT",
  "HISTOGRAM",
  "STDDEV_SAMP",
  "STDDEV_SAMPLE",
  "CORRELATION",
  "ATTR",
]);

export function isAggregateFunction(name: string): boolean {
  return AGGREGATE_NAMES.has(name.toUpperCase());
}

export function aggregateDefinition(name: string): AggregateDefinition | undefined {
  return definitions.get(name.toUpperCase());
}

export function aggregateNames(): string[] {
  return [...definitions.keys()].sort();
}

export function unsupported(name: string, type: SqlType | undefined): never {
  throw new KsqlException(`Function '${name}' does not accept parameters (${type ? formatType(type) : ""}).`);
}
