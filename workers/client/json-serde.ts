/**
 * How scenario JSON becomes record bytes and how record bytes are shown again (SCENARIO.md
 * "Records" and "Decoding for output").
 *
 * A JSON string is stored as its UTF-8 bytes, exactly as Kafka's StringSerializer would
 * store it, so keys hash to the same partitions as with a real Java producer. Any other
 * JSON value is stored as the UTF-8 of its compact JSON text. Printing reverses this as far
 * as bytes allow: bytes that parse as a JSON object, array, number, boolean or null are
 * shown as that value, anything else as a string. A JSON string literal (bytes `"x"`, with
 * the quotes) is deliberately not in that list: it prints as the string `"\"x\""`, so
 * what was stored is visible.
 */
import type { RecordHeader } from "../log/record-batch";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Header values as scenarios write them: a string, or null for a header without a value. */
export type JsonHeaders = Record<string, string | null>;

const encoder = new TextEncoder();
// Lenient decoding: arbitrary bytes (binary keys, windowed keys) must still print.
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

export function serializeJson(value: JsonValue): Uint8Array {
  return encoder.encode(typeof value === "string" ? value : JSON.stringify(value));
}

/** A record key: a missing or null key is Kafka's null key. */
export function serializeKey(key: JsonValue | undefined): Uint8Array | null {
  return key === undefined || key === null ? null : serializeJson(key);
}

/** A record value: null is a tombstone. */
export function serializeValue(value: JsonValue): Uint8Array | null {
  return value === null ? null : serializeJson(value);
}

export function serializeHeaders(headers: JsonHeaders): RecordHeader[] {
  return Object.entries(headers).map(([key, value]) => ({
    key,
    value: value === null ? null : encoder.encode(value),
  }));
}

/** Text that could start a JSON value other than a string: `{ [ - 0-9 t f n`, after whitespace. */
const NON_STRING_JSON_START = /^[\t\n\r ]*[{[\-0-9tfn]/;

/** Bytes as the runner prints them; null bytes (a null key, a tombstone) print as null. */
export function decodeJson(bytes: Uint8Array | null): JsonValue {
  if (bytes === null) return null;
  const text = decoder.decode(bytes);
  if (NON_STRING_JSON_START.test(text)) {
    try {
      return JSON.parse(text) as JsonValue;
    } catch {
      // Not JSON after all (e.g. "10 apples"): shown as text below.
    }
  }
  return text;
}

/**
 * Headers printed back the way scenarios write them. Kafka allows repeated header keys;
 * an object cannot hold them, so the last one wins, as `Headers.lastHeader` reads them.
 */
export function decodeHeaders(headers: readonly RecordHeader[]): JsonHeaders {
  const out: JsonHeaders = {};
  for (const h of headers) {
    // defineProperty, not assignment: a header named "__proto__" is still a header.
    Object.defineProperty(out, h.key, {
      value: h.value === null ? null : decoder.decode(h.value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

// A type literal, not an interface, so that it is assignable to JsonValue.
export type WindowedKeyJson = {
  key: JsonValue;
  window: { start: number; end: number };
};

/** A windowed key as printed: `{"key":K,"window":{"start":ms,"end":ms}}`. */
export function windowedKeyJson(key: JsonValue, start: number, end: number): WindowedKeyJson {
  return { key, window: { start, end } };
}
