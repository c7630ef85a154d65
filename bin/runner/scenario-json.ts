/**
 * Reading parsed JSON with paths: each reader checks one value's type and range and throws a
 * {@link ScenarioError} naming the value's JSON path and what was expected there. Unknown
 * fields are errors ({@link onlyFields}), never ignored.
 */
import type { JsonHeaders, JsonValue } from "../../workers/client/json-serde";
import { parsePartitionName } from "./partition-name";
import { childPath, describeValue, ScenarioError } from "./scenario-error";
import type { ScenarioConfig } from "./scenario-types";

export type JsonObject = Record<string, unknown>;

export function fail(path: string, detail: string): never {
  throw new ScenarioError(path, detail);
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function object(value: unknown, path: string, expected = "an object"): JsonObject {
  if (!isObject(value)) fail(path, `expected ${expected}, got ${describeValue(value)}`);
  return value;
}

export function onlyFields(obj: JsonObject, path: string, allowed: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      const hint = allowed.length === 0 ? "this object takes no fields" : `expected one of ${allowed.join(", ")}`;
      fail(childPath(path, key), `unknown field (${hint})`);
    }
  }
}

export type Read<T> = (value: unknown, path: string) => T;

/**
 * Copies one entry as an own property. Plain assignment would treat a key named
 * "__proto__" (a legal topic and header name) as the prototype and drop it.
 */
export function put<T>(out: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

export function has(obj: JsonObject, key: string): boolean {
  return Object.hasOwn(obj, key);
}

export function required<T>(obj: JsonObject, key: string, path: string, read: Read<T>, expected: string): T {
  const p = childPath(path, key);
  if (!has(obj, key)) fail(p, `missing (expected ${expected})`);
  return read(obj[key], p);
}

export function optional<T>(obj: JsonObject, key: string, path: string, read: Read<T>): T | undefined {
  return has(obj, key) ? read(obj[key], childPath(path, key)) : undefined;
}

export const text =
  (expected = "a string", nonEmpty = false): Read<string> =>
  (value, path) => {
    if (typeof value !== "string" || (nonEmpty && value === "")) fail(path, `expected ${expected}, got ${describeValue(value)}`);
    return value;
  };

export const nonEmptyText = (expected: string): Read<string> => text(expected, true);

export const INT32_MAX = 2147483647;

export const integer =
  (min: number, max: number, expected: string): Read<number> =>
  (value, path) => {
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
      fail(path, `expected ${expected}, got ${describeValue(value)}`);
    }
    return value;
  };

export const bool: Read<boolean> = (value, path) => {
  if (typeof value !== "boolean") fail(path, `expected true or false, got ${describeValue(value)}`);
  return value;
};

export function array(value: unknown, path: string, expected: string): unknown[] {
  if (!Array.isArray(value)) fail(path, `expected ${expected}, got ${describeValue(value)}`);
  return value;
}

export const TIMESTAMP = integer(0, Number.MAX_SAFE_INTEGER, "a timestamp in ms (an integer ≥ 0)");
export const PARTITION = integer(0, INT32_MAX, "a partition number (an integer ≥ 0)");
export const OFFSET = integer(0, Number.MAX_SAFE_INTEGER, "an offset (an integer ≥ 0)");
export const GROUP_ID = nonEmptyText("a group id (a non-empty string)");
export const MEMBER_ID = nonEmptyText("a member id (a non-empty string)");
export const TOPIC = nonEmptyText("a topic name");

export const json: Read<JsonValue> = (value) => value as JsonValue;

export const headers: Read<JsonHeaders> = (value, path) => {
  const obj = object(value, path, 'an object of header names to string values ({ "h": "v" })');
  const out: JsonHeaders = {};
  for (const [key, v] of Object.entries(obj)) {
    if (v !== null && typeof v !== "string") fail(childPath(path, key), `expected a string or null, got ${describeValue(v)}`);
    put(out, key, v);
  }
  return out;
};

export const configObject: Read<ScenarioConfig> = (value, path) => {
  const obj = object(value, path, "an object of Kafka config names to values");
  const out: ScenarioConfig = {};
  for (const [key, v] of Object.entries(obj)) {
    if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") {
      fail(childPath(path, key), `expected a number or a string, got ${describeValue(v)}`);
    }
    put(out, key, v);
  }
  return out;
};

export const partitionName: Read<string> = (value, path) => {
  const name = text('a partition as "topic-partition", e.g. "orders-0"')(value, path);
  if (parsePartitionName(name) === undefined) fail(path, `expected a partition as "topic-partition", e.g. "orders-0", got ${describeValue(name)}`);
  return name;
};
