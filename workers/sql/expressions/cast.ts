/**
 * CAST(x AS type) as ksqlDB defines it: anything but BYTES to STRING; STRING to numbers,
 * BOOLEAN ('true' case-insensitive, anything else false) and temporal types; numbers to
 * numbers (Java's narrowing: truncation towards zero, saturation for doubles); TIMESTAMP to
 * DATE/TIME; DATE to TIMESTAMP; ARRAY/MAP/STRUCT element-wise.
 */
import { Decimal } from "../decimal";
import { KsqlFunctionException } from "../errors";
import { formatType, isNumeric, structField, type SqlDecimalType, type SqlType } from "../types";
import { toDecimal, valueToString } from "../values";

const MS_PER_DAY = 86_400_000;

export function canCast(from: SqlType, to: SqlType): boolean {
  if (from.base === to.base && from.base !== "ARRAY" && from.base !== "MAP" && from.base !== "STRUCT") return true;
  if (to.base === "STRING") return from.base !== "BYTES";
  if (from.base === "STRING") return to.base === "BOOLEAN" || isNumeric(to) || to.base === "TIME" || to.base === "DATE" || to.base === "TIMESTAMP" || to.base === "BYTES";
  if (isNumeric(from) && isNumeric(to)) return true;
  if (from.base === "TIMESTAMP") return to.base === "DATE" || to.base === "TIME";
  if (from.base === "DATE") return to.base === "TIMESTAMP";
  if (from.base === "ARRAY" && to.base === "ARRAY") return canCast(from.element, to.element);
  if (from.base === "MAP" && to.base === "MAP") return canCast(from.key, to.key) && canCast(from.value, to.value);
  if (from.base === "STRUCT" && to.base === "STRUCT") {
    return to.fields.every((f) => {
      const src = structField(from, f.name);
      return !src || canCast(src.type, f.type);
    });
  }
  return false;
}

/** Java's (int) of a double: truncate, NaN to 0, saturate at the int range. */
function doubleToInt(d: number): number {
  if (Number.isNaN(d)) return 0;
  if (d >= 2147483647) return 2147483647;
  if (d <= -2147483648) return -2147483648;
  return Math.trunc(d);
}

function doubleToLong(d: number): number {
  if (Number.isNaN(d)) return 0;
  return Math.trunc(d);
}

function parseNumber(s: string, to: SqlType): number | Decimal {
  const t = s.trim();
  const fail = (): never => {
    throw new KsqlFunctionException(`Cannot cast '${s}' to ${formatType(to)}: not a number`);
  };
  switch (to.base) {
    case "INTEGER": {
      if (!/^[+-]?\d+$/.test(t)) fail();
      const n = Number(t);
      if (n > 2147483647 || n < -2147483648) fail();
      return n;
    }
    case "BIGINT": {
      if (!/^[+-]?\d+$/.test(t)) fail();
      const n = BigInt(t);
      if (n > 9223372036854775807n || n < -9223372036854775808n) fail();
      return Number(n);
    }
    case "DOUBLE": {
      if (!/^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[dDfF]?$/.test(t)) fail();
      return Number(t.replace(/[dDfF]$/, ""));
    }
    default:
      try {
        return Decimal.parse(t);
      } catch {
        return fail();
      }
  }
}

function fitDecimal(d: Decimal, to: SqlDecimalType): Decimal {
  const scaled = d.setScale(to.scale, "HALF_UP");
  if (scaled.precision() > to.precision && scaled.signum() !== 0) {
    throw new KsqlFunctionException(`Cannot fit decimal '${d.toString()}' into ${formatType(to)} without overflow.`);
  }
  return scaled;
}

function parseTemporal(s: string, to: SqlType): number {
  const t = s.trim();
  const fail = (): never => {
    throw new KsqlFunctionException(`Cannot cast '${s}' to ${formatType(to)}`);
  };
  if (to.base === "DATE") {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(t)) fail();
    const ms = Date.parse(t + "T00:00:00Z");
    if (Number.isNaN(ms)) fail();
    return Math.floor(ms / MS_PER_DAY);
  }
  if (to.base === "TIME") {
    const m = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/.exec(t);
    if (!m) fail();
    return ((Number(m![1]) * 60 + Number(m![2])) * 60 + Number(m![3] ?? 0)) * 1000 + Math.floor(Number(((m![4] ?? "") + "000").slice(0, 3)));
  }
  // ISO-8601 timestamp, read as UTC unless it carries an offset.
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?))?(Z|[+-]\d{2}:?\d{2})?$/.exec(t);
  if (!m) fail();
  const time = m![2] ?? "00:00:00";
  const frac = /\.(\d+)/.exec(time);
  const base = time.replace(/\.\d+$/, "") + (frac ? "." + (frac[1]! + "00").slice(0, 3) : "");
  const zone = m![3] ? (m![3] === "Z" ? "Z" : m![3].includes(":") ? m![3] : m![3].slice(0, 3) + ":" + m![3].slice(3)) : "Z";
  const ms = Date.parse(`${m![1]}T${base.length === 5 ? base + ":00" : base}${zone}`);
  if (Number.isNaN(ms)) fail();
  return ms;
}

function base64ToBytes(s: string): Uint8Array {
  let bin: string;
  try {
    bin = atob(s);
  } catch {
    throw new KsqlFunctionException(`Value is not a valid Base64 encoded string: ${s}`);
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** A converter from values of `from` to values of `to`; NULL stays NULL. */
export function castFunction(from: SqlType, to: SqlType): (v: unknown) => unknown {
  const convert = converter(from, to);
  return (v) => (v === null || v === undefined ? null : convert(v));
}

function converter(from: SqlType, to: SqlType): (v: unknown) => unknown {
  if (to.base === "STRING") return (v) => valueToString(v, from);
  if (from.base === "STRING") {
    switch (to.base) {
      case "BOOLEAN":
        return (v) => (v as string).toLowerCase() === "true";
      case "INTEGER":
      case "BIGINT":
      case "DOUBLE":
        return (v) => parseNumber(v as string, to);
      case "DECIMAL":
        return (v) => fitDecimal(parseNumber(v as string, to) as Decimal, to);
      case "DATE":
      case "TIME":
      case "TIMESTAMP":
        return (v) => parseTemporal(v as string, to);
      case "BYTES":
        return (v) => base64ToBytes(v as string);
    }
  }
  if (isNumeric(from) && isNumeric(to)) {
    switch (to.base) {
      case "INTEGER":
        if (from.base === "DECIMAL") return (v) => doubleToInt(Number((v as Decimal).setScale(0, "DOWN").toString()));
        return (v) => (from.base === "BIGINT" ? Number(BigInt.asIntN(32, BigInt(v as number))) : doubleToInt(v as number));
      case "BIGINT":
        if (from.base === "DECIMAL") return (v) => Number((v as Decimal).setScale(0, "DOWN").toString());
        return (v) => doubleToLong(v as number);
      case "DOUBLE":
        return (v) => (v instanceof Decimal ? v.toNumber() : v);
      case "DECIMAL":
        return (v) => fitDecimal(toDecimal(v), to);
    }
  }
  if (from.base === to.base && from.base !== "ARRAY" && from.base !== "MAP" && from.base !== "STRUCT") return (v) => v;
  if (from.base === "TIMESTAMP" && to.base === "DATE") return (v) => Math.floor((v as number) / MS_PER_DAY);
  if (from.base === "TIMESTAMP" && to.base === "TIME") return (v) => (((v as number) % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
  if (from.base === "DATE" && to.base === "TIMESTAMP") return (v) => (v as number) * MS_PER_DAY;
  if (from.base === "ARRAY" && to.base === "ARRAY") {
    const e = castFunction(from.element, to.element);
    return (v) => (v as unknown[]).map(e);
  }
  if (from.base === "MAP" && to.base === "MAP") {
    const k = castFunction(from.key, to.key);
    const x = castFunction(from.value, to.value);
    return (v) => new Map([...(v as Map<unknown, unknown>)].map(([a, b]) => [k(a), x(b)]));
  }
  if (from.base === "STRUCT" && to.base === "STRUCT") {
    const fields = to.fields.map((f) => {
      const src = structField(from, f.name);
      return { name: f.name, conv: src ? castFunction(src.type, f.type) : () => null };
    });
    return (v) => {
      const o: Record<string, unknown> = {};
      for (const f of fields) o[f.name] = f.conv((v as Record<string, unknown>)[f.name] ?? null);
      return o;
    };
  }
  return () => {
    throw new KsqlFunctionException(`Cast of ${formatType(from)} to ${formatType(to)} is not supported`);
  };
}
