/**
 * The typed syntax tree of ksqlDB statements. Every node carries `loc`, the span of source
 * text it was parsed from, so later stages (type checking, planning, the editor) can point
 * at the exact place. Names are already normalised: unquoted identifiers upper-cased,
 * quoted ones (`"x"`, `` `x` ``) kept as written.
 */
import type { SqlType } from "./types";

export interface Loc {
  /** 1-based line of the first character. */
  line: number;
  /** 1-based column of the first character. */
  column: number;
  /** 0-based offset of the first character. */
  offset: number;
  /** 0-based offset just past the last character. */
  end: number;
}

// ---------------------------------------------------------------------------------------
// Expressions

export type ComparisonOperator = "=" | "<>" | "<" | "<=" | ">" | ">=" | "IS DISTINCT FROM" | "IS NOT DISTINCT FROM";
export type ArithmeticOp = "+" | "-" | "*" | "/" | "%";

export interface NullLiteral {
  kind: "NullLiteral";
  loc: Loc;
}
export interface BooleanLiteral {
  kind: "BooleanLiteral";
  value: boolean;
  loc: Loc;
}
/** An integer that fits in 32 bits: INTEGER. */
export interface IntegerLiteral {
  kind: "IntegerLiteral";
  value: number;
  loc: Loc;
}
/** An integer too big for 32 bits: BIGINT. `text` keeps the digits exactly. */
export interface BigintLiteral {
  kind: "BigintLiteral";
  value: number;
  text: string;
  loc: Loc;
}
/** `1.5`, `.25`: DECIMAL sized by its digits. */
export interface DecimalLiteral {
  kind: "DecimalLiteral";
  text: string;
  loc: Loc;
}
/** `1.5E3`: DOUBLE. */
export interface DoubleLiteral {
  kind: "DoubleLiteral";
  value: number;
  loc: Loc;
}
export interface StringLiteral {
  kind: "StringLiteral";
  value: string;
  loc: Loc;
}

export type Literal = NullLiteral | BooleanLiteral | IntegerLiteral | BigintLiteral | DecimalLiteral | DoubleLiteral | StringLiteral;

/** `col` or `source.col` (source is the alias when the FROM clause gave one). */
export interface ColumnRef {
  kind: "ColumnRef";
  source?: string;
  name: string;
  loc: Loc;
}
/** `base->field` */
export interface Dereference {
  kind: "Dereference";
  base: Expression;
  field: string;
  loc: Loc;
}
/** `base[index]`: 1-based array index (negative from the end) or map lookup. */
export interface Subscript {
  kind: "Subscript";
  base: Expression;
  index: Expression;
  loc: Loc;
}
/** `NAME(args)`; `COUNT(*)` has `star`. `a || b` is parsed as CONCAT(a, b), as ksqlDB does. */
export interface FunctionCall {
  kind: "FunctionCall";
  name: string;
  args: Expression[];
  star: boolean;
  loc: Loc;
}
/** A time unit passed as a function argument, e.g. `TIMESTAMPADD(SECONDS, 5, ts)`. */
export interface TimeUnitArgument {
  kind: "TimeUnitArgument";
  unit: TimeUnit;
  loc: Loc;
}
export interface Arithmetic {
  kind: "Arithmetic";
  op: ArithmeticOp;
  left: Expression;
  right: Expression;
  loc: Loc;
}
export interface UnaryArithmetic {
  kind: "UnaryArithmetic";
  sign: "-" | "+";
  operand: Expression;
  loc: Loc;
}
export interface Comparison {
  kind: "Comparison";
  op: ComparisonOperator;
  left: Expression;
  right: Expression;
  loc: Loc;
}
export interface Logical {
  kind: "Logical";
  op: "AND" | "OR";
  left: Expression;
  right: Expression;
  loc: Loc;
}
export interface Not {
  kind: "Not";
  operand: Expression;
  loc: Loc;
}
export interface Between {
  kind: "Between";
  value: Expression;
  low: Expression;
  high: Expression;
  negated: boolean;
  loc: Loc;
}
export interface InList {
  kind: "InList";
  value: Expression;
  list: Expression[];
  negated: boolean;
  loc: Loc;
}
export interface Like {
  kind: "Like";
  value: Expression;
  pattern: Expression;
  escape?: string;
  negated: boolean;
  loc: Loc;
}
export interface IsNull {
  kind: "IsNull";
  value: Expression;
  negated: boolean;
  loc: Loc;
}
export interface WhenClause {
  when: Expression;
  then: Expression;
  loc: Loc;
}
export interface SearchedCase {
  kind: "SearchedCase";
  whens: WhenClause[];
  else?: Expression;
  loc: Loc;
}
export interface SimpleCase {
  kind: "SimpleCase";
  operand: Expression;
  whens: WhenClause[];
  else?: Expression;
  loc: Loc;
}
export interface Cast {
  kind: "Cast";
  value: Expression;
  type: SqlType;
  loc: Loc;
}
export interface ArrayConstructor {
  kind: "ArrayConstructor";
  elements: Expression[];
  loc: Loc;
}
export interface MapConstructor {
  kind: "MapConstructor";
  entries: { key: Expression; value: Expression }[];
  loc: Loc;
}
export interface StructConstructor {
  kind: "StructConstructor";
  fields: { name: string; value: Expression; loc: Loc }[];
  loc: Loc;
}

export type Expression =
  | Literal
  | ColumnRef
  | Dereference
  | Subscript
  | FunctionCall
  | TimeUnitArgument
  | Arithmetic
  | UnaryArithmetic
  | Comparison
  | Logical
  | Not
  | Between
  | InList
  | Like
  | IsNull
  | SearchedCase
  | SimpleCase
  | Cast
  | ArrayConstructor
  | MapConstructor
  | StructConstructor;

// ---------------------------------------------------------------------------------------
// Durations and windows

export type TimeUnit = "MILLISECONDS" | "SECONDS" | "MINUTES" | "HOURS" | "DAYS";

export const TIME_UNIT_MS: Record<TimeUnit, number> = {
  MILLISECONDS: 1,
  SECONDS: 1_000,
  MINUTES: 60_000,
  HOURS: 3_600_000,
  DAYS: 86_400_000,
};

/** `30 SECONDS`: the number and unit as written, and the length in milliseconds. */
export interface Duration {
  value: number;
  unit: TimeUnit;
  ms: number;
  loc: Loc;
}

export interface TumblingWindow {
  kind: "TUMBLING";
  size: Duration;
  retention?: Duration;
  grace?: Duration;
  loc: Loc;
}
export interface HoppingWindow {
  kind: "HOPPING";
  size: Duration;
  advance: Duration;
  retention?: Duration;
  grace?: Duration;
  loc: Loc;
}
export interface SessionWindow {
  kind: "SESSION";
  gap: Duration;
  retention?: Duration;
  grace?: Duration;
  loc: Loc;
}
export type WindowExpression = TumblingWindow | HoppingWindow | SessionWindow;

// ---------------------------------------------------------------------------------------
// Queries

/** A source in FROM / JOIN, with its alias if one was given. */
export interface AliasedSource {
  name: string;
  alias?: string;
  loc: Loc;
}

export type JoinType = "INNER" | "LEFT" | "RIGHT" | "FULL";

/** `WITHIN 1 HOUR` (before = after) or `WITHIN (1 HOUR, 2 HOURS)`, optionally with a grace period. */
export interface JoinWithin {
  before: Duration;
  after: Duration;
  grace?: Duration;
  loc: Loc;
}

export interface Join {
  type: JoinType;
  source: AliasedSource;
  within?: JoinWithin;
  on: Expression;
  loc: Loc;
}

export interface SingleColumn {
  kind: "SingleColumn";
  expression: Expression;
  alias?: string;
  loc: Loc;
}
/** `*` or `source.*` */
export interface AllColumns {
  kind: "AllColumns";
  source?: string;
  loc: Loc;
}
/** `struct->*`: every field of a struct as a column. */
export interface StructAll {
  kind: "StructAll";
  base: Expression;
  loc: Loc;
}
export type SelectItem = SingleColumn | AllColumns | StructAll;

export interface Query {
  kind: "Query";
  select: SelectItem[];
  from: AliasedSource;
  joins: Join[];
  window?: WindowExpression;
  where?: Expression;
  groupBy?: Expression[];
  partitionBy?: Expression[];
  having?: Expression;
  /** `EMIT CHANGES` / `EMIT FINAL`; absent for a pull query. */
  emit?: "CHANGES" | "FINAL";
  limit?: number;
  /** A SELECT without EMIT: a one-shot lookup of current state. */
  pull: boolean;
  loc: Loc;
}

// ---------------------------------------------------------------------------------------
// Statements

export type PropertyValue = string | number | boolean | null;

/** One `NAME = value` of a WITH clause; names are upper-cased (ksqlDB treats them so). */
export interface Property {
  name: string;
  value: PropertyValue;
  loc: Loc;
}

export type ColumnConstraint = "KEY" | "PRIMARY KEY" | "HEADERS" | "HEADER";

export interface TableElement {
  name: string;
  type: SqlType;
  constraint?: ColumnConstraint;
  /** For `HEADER('key')`. */
  headerKey?: string;
  loc: Loc;
}

interface StatementBase {
  /** The statement's own text, without the trailing `;`. */
  text: string;
  loc: Loc;
}

export type SourceType = "STREAM" | "TABLE";

/** `CREATE [OR REPLACE] [SOURCE] STREAM|TABLE [IF NOT EXISTS] name (cols) WITH (...)` */
export interface CreateSource extends StatementBase {
  kind: "CreateSource";
  sourceType: SourceType;
  orReplace: boolean;
  ifNotExists: boolean;
  /** `CREATE SOURCE TABLE`: read-only, materialised for pull queries. */
  isSource: boolean;
  name: string;
  nameLoc: Loc;
  /** Absent when the columns come from elsewhere (schema registry in real ksqlDB). */
  elements?: TableElement[];
  properties: Property[];
}

/** `CREATE [OR REPLACE] STREAM|TABLE [IF NOT EXISTS] name [WITH (...)] AS SELECT ...` */
export interface CreateAsSelect extends StatementBase {
  kind: "CreateAsSelect";
  sourceType: SourceType;
  orReplace: boolean;
  ifNotExists: boolean;
  name: string;
  nameLoc: Loc;
  properties: Property[];
  query: Query;
}

export interface InsertInto extends StatementBase {
  kind: "InsertInto";
  target: string;
  targetLoc: Loc;
  properties: Property[];
  query: Query;
}

export interface InsertValues extends StatementBase {
  kind: "InsertValues";
  target: string;
  targetLoc: Loc;
  /** Absent: values are given for every column in order. */
  columns?: string[];
  values: Expression[];
}

export interface QueryStatement extends StatementBase {
  kind: "QueryStatement";
  query: Query;
}

export interface DropSource extends StatementBase {
  kind: "DropSource";
  sourceType: SourceType;
  ifExists: boolean;
  name: string;
  nameLoc: Loc;
  deleteTopic: boolean;
}

export type ListTarget = "STREAMS" | "TABLES" | "TOPICS" | "QUERIES" | "PROPERTIES" | "FUNCTIONS";

/** `SHOW|LIST STREAMS|TABLES|TOPICS|QUERIES|PROPERTIES|FUNCTIONS [EXTENDED]` */
export interface ListStatement extends StatementBase {
  kind: "List";
  target: ListTarget;
  extended: boolean;
  /** `SHOW ALL TOPICS`: internal topics too. */
  all: boolean;
}

export interface Describe extends StatementBase {
  kind: "Describe";
  name: string;
  nameLoc: Loc;
  extended: boolean;
}

export interface DescribeFunction extends StatementBase {
  kind: "DescribeFunction";
  name: string;
}

/** `EXPLAIN query_id` or `EXPLAIN <statement>` */
export interface Explain extends StatementBase {
  kind: "Explain";
  queryId?: string;
  statement?: Statement;
}

/** `TERMINATE query_id` or `TERMINATE ALL` */
export interface Terminate extends StatementBase {
  kind: "Terminate";
  queryId?: string;
  all: boolean;
}

/** `PRINT topic|'topic' [FROM BEGINNING] [INTERVAL|SAMPLE n] [LIMIT n]` */
export interface Print extends StatementBase {
  kind: "Print";
  topic: string;
  fromBeginning: boolean;
  interval?: number;
  limit?: number;
}

export interface SetProperty extends StatementBase {
  kind: "SetProperty";
  name: string;
  value: string;
}

export interface UnsetProperty extends StatementBase {
  kind: "UnsetProperty";
  name: string;
}

export type Statement =
  | CreateSource
  | CreateAsSelect
  | InsertInto
  | InsertValues
  | QueryStatement
  | DropSource
  | ListStatement
  | Describe
  | DescribeFunction
  | Explain
  | Terminate
  | Print
  | SetProperty
  | UnsetProperty;

/** Case-insensitive lookup of a WITH property (names are stored upper-cased). */
export function property(props: readonly Property[], name: string): Property | undefined {
  const upper = name.toUpperCase();
  return props.find((p) => p.name === upper);
}
