/**
 * COALESCE, IFNULL, NULLIF. Arguments must share a type; numbers may mix and widen.
 */
import { arithmeticResultType, formatType, isNumeric, typesEqual, type SqlType } from "../types";
import { valuesEqual } from "../values";
import type { Overload, ScalarFunction } from "./registry";

/** The one type all non-NULL arguments share, numbers widened; undefined if they differ. */
export function commonType(types: (SqlType | null)[]): SqlType | null | undefined {
  let result: SqlType | null = null;
  for (const t of types) {
    if (t === null) continue;
    if (result === null) result = t;
    else if (typesEqual(result, t)) continue;
    else if (isNumeric(result) && isNumeric(t)) result = arithmeticResultType("+", result, t)!;
    else return undefined;
  }
  return result;
}

function sameTypes(name: string): (args: (SqlType | null)[]) => string | undefined {
  return (args) =>
    commonType(args) === undefined
      ? `Function '${name}' cannot resolve a common type for parameters (${args.map((t) => (t ? formatType(t) : "null")).join(", ")}).`
      : undefined;
}

const anyOf = (args: (SqlType | null)[]): SqlType => commonType(args) ?? { base: "STRING" };

const coalesce: Overload = {
  params: ["ANY"],
  variadic: "ANY",
  returns: anyOf,
  check: sameTypes("COALESCE"),
  impl: (args) => {
    for (const a of args) if (a !== null) return a;
    return null;
  },
};

export const COALESCE: ScalarFunction = { name: "COALESCE", description: "The first non-NULL argument.", overloads: [coalesce] };

export const IFNULL: ScalarFunction = {
  name: "IFNULL",
  description: "The first argument, or the second if the first is NULL.",
  overloads: [{ params: ["ANY", "ANY"], returns: anyOf, check: sameTypes("IFNULL"), impl: ([a, b]) => (a === null ? b : a) }],
};

export const NULLIF: ScalarFunction = {
  name: "NULLIF",
  description: "NULL if the two arguments are equal, otherwise the first.",
  overloads: [
    {
      params: ["ANY", "ANY"],
      returns: (args) => args[0] ?? args[1] ?? { base: "STRING" },
      check: sameTypes("NULLIF"),
      impl: ([a, b]) => (a !== null && b !== null && valuesEqual(a, b) ? null : a),
    },
  ],
};
