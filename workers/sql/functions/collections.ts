/**
 * Array and map functions. Arrays are 1-based where a position is involved, as in ksqlDB.
 */
import { SqlTypes, type SqlArrayType, type SqlMapType, type SqlType } from "../types";
import { KsqlFunctionException } from "../errors";
import { valuesEqual, valueToString } from "../values";
import { scalar, type Implementation } from "./registry";

const element = (args: (SqlType | null)[]): SqlType => (args[0] as SqlArrayType | null)?.element ?? SqlTypes.STRING;

export const ARRAY_CONTAINS = scalar("ARRAY_CONTAINS", "Whether the array holds the value (NULL elements match a NULL value).", {
  params: ["ARRAY", "ANY"],
  returns: SqlTypes.BOOLEAN,
  impl: ([arr, v]) => {
    if (arr === null) return false;
    for (const e of arr as unknown[]) {
      if (e === null ? v === null : v !== null && valuesEqual(e, v)) return true;
    }
    return false;
  },
});

export const ARRAY_LENGTH = scalar("ARRAY_LENGTH", "The number of elements, NULL for a NULL array.", {
  params: ["ARRAY"],
  returns: SqlTypes.INTEGER,
  impl: ([arr]) => (arr === null ? null : (arr as unknown[]).length),
});

export const ARRAY_DISTINCT = scalar("ARRAY_DISTINCT", "The array without duplicates, first occurrences kept.", {
  params: ["ARRAY"],
  returns: (args) => args[0] ?? SqlTypes.array(SqlTypes.STRING),
  impl: ([arr]) => {
    if (arr === null) return null;
    const out: unknown[] = [];
    for (const e of arr as unknown[]) if (!out.some((o) => (o === null ? e === null : e !== null && valuesEqual(o, e)))) out.push(e);
    return out;
  },
});

/** The Java class ksqlDB names when ARRAY_JOIN meets an element it cannot print. */
const JAVA_CLASS: Partial<Record<SqlType["base"], string>> = {
  ARRAY: "java.util.ArrayList",
  MAP: "java.util.HashMap",
  STRUCT: "org.apache.kafka.connect.data.Struct",
  BYTES: "java.nio.HeapByteBuffer",
  DATE: "java.sql.Date",
  TIME: "java.sql.Time",
  TIMESTAMP: "java.sql.Timestamp",
};

/** ARRAY_JOIN over elements of `type`: primitives as Java prints them, NULL as "null", anything else an error. */
function joiner(type: SqlType, fixed: string | undefined): Implementation {
  const unsupported = JAVA_CLASS[type.base];
  return ([arr, d]) => {
    if (arr === null) return null;
    const parts = (arr as unknown[]).map((e) => {
      if (e === null) return "null";
      if (unsupported) throw new KsqlFunctionException(`error: hit element of type ${unsupported} which is currently not supported`);
      return valueToString(e, type)!;
    });
    return parts.join(fixed ?? ((d as string | null) ?? ""));
  };
}

export const ARRAY_JOIN = scalar(
  "ARRAY_JOIN",
  "The elements as text joined by a delimiter (',' by default).",
  { params: ["ARRAY"], returns: SqlTypes.STRING, impl: () => null, bind: (args) => joiner(element(args), ",") },
  { params: ["ARRAY", "STRING"], returns: SqlTypes.STRING, impl: () => null, bind: (args) => joiner(element(args), undefined) },
);

export const ELT = scalar("ELT", "The n-th (1-based) of the remaining arguments, NULL when out of range.", {
  params: ["INTEGER"],
  variadic: "STRING",
  returns: SqlTypes.STRING,
  impl: ([n, ...rest]) => (n === null || (n as number) < 1 || (n as number) > rest.length ? null : rest[(n as number) - 1]),
});

export const FIELD = scalar("FIELD", "The 1-based position of the first argument among the others, 0 if absent.", {
  params: ["STRING"],
  variadic: "STRING",
  returns: SqlTypes.INTEGER,
  impl: ([s, ...rest]) => (s === null ? 0 : rest.indexOf(s) + 1),
});

export const MAP_KEYS = scalar("MAP_KEYS", "The keys of a map as an array.", {
  params: ["MAP"],
  returns: (args) => SqlTypes.array((args[0] as SqlMapType | null)?.key ?? SqlTypes.STRING),
  impl: ([m]) => (m === null ? null : [...(m as Map<unknown, unknown>).keys()]),
});

export const MAP_VALUES = scalar("MAP_VALUES", "The values of a map as an array.", {
  params: ["MAP"],
  returns: (args) => SqlTypes.array((args[0] as SqlMapType | null)?.value ?? SqlTypes.STRING),
  impl: ([m]) => (m === null ? null : [...(m as Map<unknown, unknown>).values()]),
});

export const AS_MAP = scalar("AS_MAP", "A map built from an array of keys and an array of values.", {
  params: ["ARRAY", "ARRAY"],
  returns: (args) => SqlTypes.map(element([args[0] ?? null]), element([args[1] ?? null])),
  impl: ([keys, values]) => {
    if (keys === null || values === null) return null;
    const m = new Map<unknown, unknown>();
    (keys as unknown[]).forEach((k, i) => m.set(k, (values as unknown[])[i] ?? null));
    return m;
  },
});
