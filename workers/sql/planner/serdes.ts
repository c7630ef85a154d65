/**
 * Serdes between a query's rows and record bytes. Keys and values of a source or sink use
 * the declared KEY_FORMAT / VALUE_FORMAT; a key is the single key column's value, an array
 * of values for several key columns, or null when there is no key column.
 *
 * Reading never throws: a record the format cannot read becomes a {@link BadRecord}, which
 * the source step drops and reports to the processing log (ksqlDB's
 * LogMetricAndContinueExceptionHandler), so one bad record never stops a query.
 */
import type { Serde } from "../../streams/serdes";
import { asciiText, readInt64BE, utf8Cached, utf8Decode, utf8Encode, writeInt64BE } from "../../streams/bytes";
import { Decimal } from "../decimal";
import { SerializationException } from "../errors";
import { createFormat, type RowFormat } from "../format/formats";
import type { Row } from "../values";
import type { Column, FormatInfo } from "./schema";

/** A key or value that could not be deserialized, with the reason. */
export class BadRecord {
  constructor(
    readonly error: unknown,
    readonly part: "key" | "value",
  ) {}
}

function rowFormat(columns: readonly Column[], format: FormatInfo, forKey: boolean): RowFormat {
  return createFormat(format.format, columns, {
    ...(format.delimiter !== undefined ? { delimiter: format.delimiter } : {}),
    // ksqlDB writes a single key column unwrapped; values follow WRAP_SINGLE_VALUE.
    wrapSingleValue: forKey ? false : (format.wrapSingleValue ?? true),
  });
}

/** The serde of a key with these columns. */
export function keySerde(columns: readonly Column[], format: FormatInfo): Serde<unknown> {
  if (columns.length === 0) {
    return {
      name: "NoKey",
      serialize: () => null,
      deserialize: () => null,
    };
  }
  if (columns.length === 1 && format.format === "KAFKA") {
    const fast = kafkaKeySerde(columns[0]!.type.base);
    if (fast) return fast;
  }
  const f = rowFormat(columns, format, true);
  if (columns.length === 1) {
    const name = columns[0]!.name;
    return {
      name: `${format.format}Key`,
      serialize: (topic, key) => (key === null || key === undefined ? null : f.serialize(topic, { [name]: key })),
      deserialize: (topic, bytes) => {
        if (bytes === null) return null;
        try {
          const row = f.deserialize(topic, bytes);
          return row === null ? null : (row[name] ?? null);
        } catch (e) {
          return new BadRecord(e, "key");
        }
      },
    };
  }
  return {
    name: `${format.format}Key`,
    serialize: (topic, key) => {
      if (key === null || key === undefined) return null;
      const values = key as unknown[];
      const row: Row = {};
      columns.forEach((c, i) => (row[c.name] = values[i] ?? null));
      return f.serialize(topic, row);
    },
    deserialize: (topic, bytes) => {
      if (bytes === null) return null;
      try {
        const row = f.deserialize(topic, bytes);
        return row === null ? null : columns.map((c) => row[c.name] ?? null);
      } catch (e) {
        return new BadRecord(e, "key");
      }
    },
  };
}

const keyDecoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Kafka's primitive serdes for a single key column, without going through a row: keys are
 * serialized on every state store access, so this path matters.
 */
function kafkaKeySerde(base: string): Serde<unknown> | undefined {
  const bad = (e: unknown) => new BadRecord(e, "key");
  switch (base) {
    case "STRING":
      return {
        name: "KAFKA_STRING",
        serialize: (_t, k) => (k === null || k === undefined ? null : utf8Cached(String(k))),
        deserialize: (_t, b) => {
          if (b === null) return null;
          const ascii = asciiText(b);
          if (ascii !== undefined) return ascii;
          try {
            return keyDecoder.decode(b);
          } catch (e) {
            return bad(e);
          }
        },
      };
    case "INTEGER":
    case "BIGINT":
    case "DOUBLE": {
      const size = base === "INTEGER" ? 4 : 8;
      return {
        name: `KAFKA_${base}`,
        serialize: (_t, k) => {
          if (k === null || k === undefined) return null;
          const out = new Uint8Array(size);
          if (base === "INTEGER") new DataView(out.buffer).setInt32(0, k as number);
          else if (base === "BIGINT") writeInt64BE(out, 0, k as number);
          else new DataView(out.buffer).setFloat64(0, k as number);
          return out;
        },
        deserialize: (_t, b) => {
          if (b === null) return null;
          if (b.length !== size) return bad(new SerializationException(`Size of data received by ${base === "INTEGER" ? "Integer" : base === "BIGINT" ? "Long" : "Double"}Deserializer is not ${size}`));
          if (base === "BIGINT") return readInt64BE(b, 0);
          const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
          return base === "INTEGER" ? view.getInt32(0) : view.getFloat64(0);
        },
      };
    }
    default:
      return undefined;
  }
}

/** The serde of a row's value columns; other properties of the row object are not written. */
export function valueSerde(columns: readonly Column[], format: FormatInfo): Serde<unknown> {
  const f = rowFormat(columns, format, false);
  return {
    name: `${format.format}Value`,
    serialize: (topic, row) => (row === null || row === undefined ? null : f.serialize(topic, row as Row)),
    deserialize: (topic, bytes) => {
      if (bytes === null) return null;
      try {
        return f.deserialize(topic, bytes);
      } catch (e) {
        return new BadRecord(e, "value");
      }
    },
  };
}

// ---------------------------------------------------------------------------------------
// Internal topics (repartition, changelog): any row or aggregate state, losslessly.


function toBase64(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s);
}

function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Whether JSON.stringify alone would lose nothing (the common case: flat rows of primitives). */
function plain(v: unknown): boolean {
  if (v === null || typeof v !== "object") return true;
  if (v instanceof Decimal || v instanceof Map || v instanceof Uint8Array || v instanceof Set) return false;
  if (Array.isArray(v)) {
    for (const x of v) if (!plain(x)) return false;
    return true;
  }
  for (const k in v) if (!plain((v as Record<string, unknown>)[k])) return false;
  return true;
}

function tag(v: unknown): unknown {
  if (v === null || v === undefined || typeof v !== "object") return v ?? null;
  if (v instanceof Decimal) return { $dec: v.toString() };
  if (v instanceof Uint8Array) return { $bytes: toBase64(v) };
  if (v instanceof Map) return { $map: [...v].map(([k, x]) => [tag(k), tag(x)]) };
  if (v instanceof Set) return { $set: [...v].map(tag) };
  if (Array.isArray(v)) return v.map(tag);
  const o: Record<string, unknown> = {};
  for (const k in v) o[k] = tag((v as Record<string, unknown>)[k]);
  return o;
}

function untag(v: unknown): unknown {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = untag(v[i]);
    return v;
  }
  const o = v as Record<string, unknown>;
  if ("$dec" in o && typeof o.$dec === "string") return Decimal.parse(o.$dec);
  if ("$bytes" in o && typeof o.$bytes === "string") return fromBase64(o.$bytes);
  if ("$map" in o && Array.isArray(o.$map)) return new Map((o.$map as [unknown, unknown][]).map(([k, x]) => [untag(k), untag(x)]));
  if ("$set" in o && Array.isArray(o.$set)) return new Set((o.$set as unknown[]).map(untag));
  for (const k in o) o[k] = untag(o[k]);
  return o;
}

const STATE_NUMBERS = 1;

/**
 * Aggregate states (one entry per aggregate call) in a store's changelog. States that are
 * all numbers (COUNT, SUM of numbers) are written as 8-byte doubles after a tag byte, the
 * rest as tagged JSON; state stores write their changelog on every update, so this is on
 * the hot path of every aggregation.
 */
export const aggregateStateSerde: Serde<unknown> = {
  name: "KsqlAggregateState",
  serialize: (topic, v) => {
    if (Array.isArray(v) && v.every((x) => typeof x === "number")) {
      const out = new Uint8Array(1 + 8 * v.length);
      out[0] = STATE_NUMBERS;
      const view = new DataView(out.buffer);
      v.forEach((x, i) => view.setFloat64(1 + 8 * i, x as number));
      return out;
    }
    return internalSerde.serialize(topic, v);
  },
  deserialize: (topic, bytes) => {
    if (bytes === null) return null;
    if (bytes[0] === STATE_NUMBERS) {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const n = (bytes.length - 1) / 8;
      const out = new Array<number>(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(1 + 8 * i);
      return out;
    }
    return internalSerde.deserialize(topic, bytes);
  },
};

/**
 * JSON for rows and aggregate states in a query's own topics; DECIMAL, BYTES, MAP and set
 * values are tagged so that a restored state store reads back exactly what was written.
 */
export const internalSerde: Serde<unknown> = {
  name: "KsqlInternal",
  serialize: (_topic, v) => (v === null || v === undefined ? null : utf8Encode(JSON.stringify(plain(v) ? v : tag(v)))),
  deserialize: (_topic, bytes) => (bytes === null ? null : untag(JSON.parse(utf8Decode(bytes)))),
};
