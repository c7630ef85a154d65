/**
 * Runtime SQL values: equality, ordering and the text Java would print for them, which is
 * what ksqlDB shows for `CAST(x AS STRING)`, CONCAT of numbers and the like.
 */
import { Decimal } from "./decimal";
import type { SqlType } from "./types";

/** A row as the evaluator reads it: column slot -> value; a missing slot reads as NULL. */
export type Row = Record<string, unknown>;

/** Java's `Double.toString`: `1.0`, `0.001`, `1.0E7`, `1.0E-4`, `NaN`, `Infinity`. */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return "NaN";
  if (d === Infinity) return "Infinity";
  if (d === -Infinity) return "-Infinity";
  if (d === 0) return Object.is(d, -0) ? "-0.0" : "0.0";
  const abs = Math.abs(d);
  const sign = d < 0 ? "-" : "";
  const [mantissa, expText] = abs.toExponential().split("e") as [string, string];
  const exp = Number(expText);
  const digits = mantissa.replace(".", "");
  if (abs >= 1e-3 && abs < 1e7) {
    if (exp >= 0) {
      const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
      const frac = digits.slice(exp + 1);
      return `${sign}${intPart}.${frac === "" ? "0" : frac}`;
    }
    return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  }
  const frac = digits.slice(1);
  return `${sign}${digits[0]}.${frac === "" ? "0" : frac}E${exp}`;
}

/** Days since the epoch as `yyyy-MM-dd`. */
export function formatDate(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

/** Milliseconds of the day as `HH:mm:ss` (with `.SSS` when not zero), like java.sql.Time. */
export function formatTime(ms: number): string {
  const iso = new Date(ms).toISOString().slice(11, 23);
  return iso.endsWith(".000") ? iso.slice(0, 8) : iso;
}

/** Epoch milliseconds as ksqlDB prints a TIMESTAMP: `2021-03-04T05:06:07.089`, in UTC. */
export function formatTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.slice(0, iso.length - 1);
}

function bytesToBase64(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s);
}

/**
 * The text of a value of `type`, as `CAST(x AS STRING)` produces it: numbers as Java
 * prints them, temporal values in ISO form, collections as Java's toString does
 * (`[1, 2]`, `{a=1}`, `Struct{A=1}`).
 */
export function valueToString(v: unknown, type: SqlType): string | null {
  if (v === null || v === undefined) return null;
  switch (type.base) {
    case "DOUBLE":
      return javaDoubleToString(v as number);
    case "DECIMAL":
      return (v as Decimal).toString();
    case "TIMESTAMP":
      return formatTimestamp(v as number);
    case "DATE":
      return formatDate(v as number);
    case "TIME":
      return formatTime(v as number);
    case "BYTES":
      return bytesToBase64(v as Uint8Array);
    case "ARRAY":
      return "[" + (v as unknown[]).map((e) => valueToString(e, type.element) ?? "null").join(", ") + "]";
    case "MAP":
      return (
        "{" +
        [...(v as Map<unknown, unknown>)].map(([k, x]) => `${valueToString(k, type.key) ?? "null"}=${valueToString(x, type.value) ?? "null"}`).join(", ") +
        "}"
      );
    case "STRUCT": {
      const o = v as Record<string, unknown>;
      const parts = type.fields.filter((f) => o[f.name] !== null && o[f.name] !== undefined).map((f) => `${f.name}=${valueToString(o[f.name], f.type)}`);
      return "Struct{" + parts.join(",") + "}";
    }
    default:
      return String(v);
  }
}

/** Deep equality of two non-null values of the same SQL type family. */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (a instanceof Decimal || b instanceof Decimal) {
    return toDecimal(a).compareTo(toDecimal(b)) === 0;
  }
  if (typeof a === "number" && typeof b === "number") return a === b || (Number.isNaN(a) && Number.isNaN(b));
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => valuesEqual(x, b[i]));
  }
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false;
    for (const [k, x] of a) {
      if (!b.has(k) || !valuesEqual(x, b.get(k))) return false;
    }
    return true;
  }
  if (typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a as object);
    const kb = Object.keys(b as object);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => valuesEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

export function toDecimal(v: unknown): Decimal {
  if (v instanceof Decimal) return v;
  if (typeof v === "number") return Number.isInteger(v) ? Decimal.fromInteger(v) : Decimal.fromNumber(v);
  if (typeof v === "string") return Decimal.parse(v);
  throw new TypeError(`not a number: ${String(v)}`);
}

/** Ordering of two non-null comparable values: numbers, decimals, strings, booleans, bytes. */
export function compareValues(a: unknown, b: unknown): number {
  if (a instanceof Decimal || b instanceof Decimal) return toDecimal(a).compareTo(toDecimal(b));
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "boolean" && typeof b === "boolean") return a === b ? 0 : a ? 1 : -1;
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    // ByteBuffer.compareTo compares bytes as signed values.
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const x = (a[i]! << 24) >> 24;
      const y = (b[i]! << 24) >> 24;
      if (x !== y) return x < y ? -1 : 1;
    }
    return a.length - b.length;
  }
  throw new TypeError(`cannot order ${String(a)} and ${String(b)}`);
}

/**
 * A string that is equal for equal values: used to key groups, distinct sets and maps
 * whose keys are not plain strings or numbers.
 */
export function valueKey(v: unknown): string {
  if (v === null || v === undefined) return "n";
  if (typeof v === "string") return "s" + v;
  if (typeof v === "number") return "d" + String(v);
  if (typeof v === "boolean") return v ? "t" : "f";
  if (v instanceof Decimal) return "d" + v.toNumber();
  if (v instanceof Uint8Array) return "b" + Array.from(v).join(",");
  if (Array.isArray(v)) return "[" + v.map(valueKey).join(",") + "]";
  if (v instanceof Map) return "{" + [...v].map(([k, x]) => valueKey(k) + ":" + valueKey(x)).join(",") + "}";
  if (typeof v === "object") {
    return "(" + Object.keys(v).map((k) => JSON.stringify(k) + ":" + valueKey((v as Record<string, unknown>)[k])).join(",") + ")";
  }
  return "?" + String(v);
}
