/**
 * ksqlDB's SQL types (`SqlBaseType` / `SqlType`): the model, how ksqlDB prints them, which
 * implicit widenings it allows and the DECIMAL precision/scale rules of its arithmetic.
 *
 * Runtime values: BOOLEAN boolean; INTEGER, BIGINT, DOUBLE number (BIGINT is exact only up
 * to 2^53); DECIMAL {@link Decimal}; STRING string; BYTES Uint8Array; TIMESTAMP epoch
 * milliseconds; DATE days since the epoch; TIME milliseconds of the day; ARRAY a JS array;
 * MAP a JS Map; STRUCT a plain object keyed by field name; SQL NULL is `null`.
 */
import { KsqlException } from "./errors";

export type SqlBaseType =
  | "BOOLEAN"
  | "INTEGER"
  | "BIGINT"
  | "DECIMAL"
  | "DOUBLE"
  | "STRING"
  | "ARRAY"
  | "MAP"
  | "STRUCT"
  | "TIME"
  | "DATE"
  | "TIMESTAMP"
  | "BYTES";

export type PrimitiveBase = "BOOLEAN" | "INTEGER" | "BIGINT" | "DOUBLE" | "STRING" | "TIME" | "DATE" | "TIMESTAMP" | "BYTES";

export interface SqlPrimitiveType {
  readonly base: PrimitiveBase;
}
export interface SqlDecimalType {
  readonly base: "DECIMAL";
  readonly precision: number;
  readonly scale: number;
}
export interface SqlArrayType {
  readonly base: "ARRAY";
  readonly element: SqlType;
}
export interface SqlMapType {
  readonly base: "MAP";
  readonly key: SqlType;
  readonly value: SqlType;
}
export interface SqlStructField {
  readonly name: string;
  readonly type: SqlType;
}
export interface SqlStructType {
  readonly base: "STRUCT";
  readonly fields: readonly SqlStructField[];
}

export type SqlType = SqlPrimitiveType | SqlDecimalType | SqlArrayType | SqlMapType | SqlStructType;

const primitive = (base: PrimitiveBase): SqlPrimitiveType => Object.freeze({ base });

export const SqlTypes = {
  BOOLEAN: primitive("BOOLEAN"),
  INTEGER: primitive("INTEGER"),
  BIGINT: primitive("BIGINT"),
  DOUBLE: primitive("DOUBLE"),
  STRING: primitive("STRING"),
  BYTES: primitive("BYTES"),
  TIMESTAMP: primitive("TIMESTAMP"),
  DATE: primitive("DATE"),
  TIME: primitive("TIME"),
  decimal(precision: number, scale: number): SqlDecimalType {
    if (!(precision >= 1)) throw new KsqlException(`DECIMAL precision must be >= 1: DECIMAL(${precision},${scale})`);
    if (!(scale >= 0)) throw new KsqlException(`DECIMAL scale must be >= 0: DECIMAL(${precision},${scale})`);
    if (precision < scale) throw new KsqlException(`DECIMAL precision must be >= scale: DECIMAL(${precision},${scale})`);
    return Object.freeze({ base: "DECIMAL", precision, scale });
  },
  array(element: SqlType): SqlArrayType {
    return Object.freeze({ base: "ARRAY", element });
  },
  map(key: SqlType, value: SqlType): SqlMapType {
    return Object.freeze({ base: "MAP", key, value });
  },
  struct(fields: readonly SqlStructField[]): SqlStructType {
    return Object.freeze({ base: "STRUCT", fields: Object.freeze([...fields]) });
  },
} as const;

/** INTEGER and BIGINT as ksqlDB widens them to DECIMAL for mixed arithmetic. */
export const INT_AS_DECIMAL = SqlTypes.decimal(10, 0);
export const BIGINT_AS_DECIMAL = SqlTypes.decimal(19, 0);

/** Type names as written in DDL, with ksqlDB's aliases. */
const TYPE_NAMES: Record<string, SqlPrimitiveType> = {
  BOOLEAN: SqlTypes.BOOLEAN,
  INT: SqlTypes.INTEGER,
  INTEGER: SqlTypes.INTEGER,
  BIGINT: SqlTypes.BIGINT,
  DOUBLE: SqlTypes.DOUBLE,
  VARCHAR: SqlTypes.STRING,
  STRING: SqlTypes.STRING,
  BYTES: SqlTypes.BYTES,
  TIMESTAMP: SqlTypes.TIMESTAMP,
  DATE: SqlTypes.DATE,
  TIME: SqlTypes.TIME,
};

export function primitiveTypeByName(name: string): SqlPrimitiveType | undefined {
  return Object.prototype.hasOwnProperty.call(TYPE_NAMES, name) ? TYPE_NAMES[name] : undefined;
}

export function isNumeric(t: SqlType): boolean {
  return t.base === "INTEGER" || t.base === "BIGINT" || t.base === "DECIMAL" || t.base === "DOUBLE";
}

export function isTemporal(t: SqlType): boolean {
  return t.base === "TIME" || t.base === "DATE" || t.base === "TIMESTAMP";
}

const NUMERIC_RANK: Partial<Record<SqlBaseType, number>> = { INTEGER: 0, BIGINT: 1, DECIMAL: 2, DOUBLE: 3 };

/**
 * `SqlBaseType.canImplicitlyCast`: a type to itself, a number to a wider number
 * (INTEGER < BIGINT < DECIMAL < DOUBLE), a string to a temporal type or to BYTES.
 */
export function canImplicitlyCast(from: SqlBaseType, to: SqlBaseType): boolean {
  if (from === to) return true;
  const a = NUMERIC_RANK[from];
  const b = NUMERIC_RANK[to];
  if (a !== undefined && b !== undefined) return a <= b;
  if (from === "STRING") return to === "TIME" || to === "DATE" || to === "TIMESTAMP" || to === "BYTES";
  return false;
}

export function typesEqual(a: SqlType, b: SqlType): boolean {
  if (a.base !== b.base) return false;
  switch (a.base) {
    case "DECIMAL": {
      const d = b as SqlDecimalType;
      return a.precision === d.precision && a.scale === d.scale;
    }
    case "ARRAY":
      return typesEqual(a.element, (b as SqlArrayType).element);
    case "MAP": {
      const m = b as SqlMapType;
      return typesEqual(a.key, m.key) && typesEqual(a.value, m.value);
    }
    case "STRUCT": {
      const s = b as SqlStructType;
      return (
        a.fields.length === s.fields.length &&
        a.fields.every((f, i) => f.name === s.fields[i]!.name && typesEqual(f.type, s.fields[i]!.type))
      );
    }
    default:
      return true;
  }
}

/** DECIMAL view of an INTEGER, BIGINT or DECIMAL type (`DecimalUtil.toSqlDecimal`). */
export function toDecimalType(t: SqlType): SqlDecimalType {
  switch (t.base) {
    case "DECIMAL":
      return t;
    case "INTEGER":
      return INT_AS_DECIMAL;
    case "BIGINT":
      return BIGINT_AS_DECIMAL;
    default:
      throw new KsqlException(`Cannot convert ${t.base} to DECIMAL.`);
  }
}

/** A DECIMAL wide enough for either side (`DecimalUtil.widen`). */
export function widenDecimal(a: SqlType, b: SqlType): SqlDecimalType {
  const l = toDecimalType(a);
  const r = toDecimalType(b);
  const whole = Math.max(l.precision - l.scale, r.precision - r.scale);
  const scale = Math.max(l.scale, r.scale);
  return SqlTypes.decimal(whole + scale, scale);
}

export type ArithmeticOperator = "+" | "-" | "*" | "/" | "%";

/** Result DECIMAL of `left op right` (ksqlDB's `SqlDecimal.add/multiply/divide/modulus`). */
export function decimalResultType(op: ArithmeticOperator, l: SqlDecimalType, r: SqlDecimalType): SqlDecimalType {
  switch (op) {
    case "+":
    case "-": {
      const scale = Math.max(l.scale, r.scale);
      return SqlTypes.decimal(scale + Math.max(l.precision - l.scale, r.precision - r.scale) + 1, scale);
    }
    case "*":
      return SqlTypes.decimal(l.precision + r.precision + 1, l.scale + r.scale);
    case "/": {
      const scale = Math.max(6, l.scale + r.precision + 1);
      return SqlTypes.decimal(l.precision - l.scale + r.scale + scale, scale);
    }
    case "%": {
      const scale = Math.max(l.scale, r.scale);
      return SqlTypes.decimal(Math.min(l.precision - l.scale, r.precision - r.scale) + scale, scale);
    }
  }
}

/**
 * The result type of arithmetic (`Operator.resultType`): STRING + STRING concatenates;
 * otherwise both sides must be numbers and the wider one wins, with DECIMAL sizes combined
 * as above. Returns undefined when ksqlDB rejects the combination.
 */
export function arithmeticResultType(op: ArithmeticOperator, left: SqlType, right: SqlType): SqlType | undefined {
  if (op === "+" && left.base === "STRING" && right.base === "STRING") return SqlTypes.STRING;
  if (!isNumeric(left) || !isNumeric(right)) return undefined;
  if (canImplicitlyCast(left.base, right.base)) {
    if (right.base !== "DECIMAL") return right;
    return decimalResultType(op, toDecimalType(left), right as SqlDecimalType);
  }
  if (left.base !== "DECIMAL") return left;
  return decimalResultType(op, left as SqlDecimalType, toDecimalType(right));
}

/**
 * The type as ksqlDB prints it in DESCRIBE and in error messages: `STRING`,
 * `DECIMAL(4, 2)`, `ARRAY<INTEGER>`, `MAP<STRING, BIGINT>`, `STRUCT<A INTEGER, B STRING>`.
 */
export function formatType(t: SqlType): string {
  switch (t.base) {
    case "DECIMAL":
      return `DECIMAL(${t.precision}, ${t.scale})`;
    case "ARRAY":
      return `ARRAY<${formatType(t.element)}>`;
    case "MAP":
      return `MAP<${formatType(t.key)}, ${formatType(t.value)}>`;
    case "STRUCT":
      return `STRUCT<${t.fields.map((f) => `${quoteIfNeeded(f.name)} ${formatType(f.type)}`).join(", ")}>`;
    default:
      return t.base;
  }
}

/** Names that would not read back the same unquoted are printed in backquotes, as ksqlDB does. */
export function quoteIfNeeded(name: string): string {
  return /^[A-Z_][A-Z0-9_@]*$/.test(name) ? name : "`" + name.replace(/`/g, "``") + "`";
}

export function structField(t: SqlStructType, name: string): SqlStructField | undefined {
  return t.fields.find((f) => f.name === name);
}
