/**
 * The message browser's filters: by key, value text, header, timestamp range and partition,
 * and a JavaScript expression over the record. Pure functions, so the same code runs in the
 * filter worker (where user expressions are evaluated, never on the page) and in tests.
 */

export interface FilterRecord {
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: Array<{ key: string; value: string | null }>;
}

export interface FilterSpec {
  /** Substring of the key (case-insensitive). */
  key?: string;
  /** Substring of the value text (case-insensitive). */
  value?: string;
  /** A header name, or `name=value` for a header with that value. */
  header?: string;
  /** Inclusive lower and exclusive upper bound on the timestamp, ms. */
  fromTimestamp?: number;
  toTimestamp?: number;
  /**
   * A JavaScript expression, true for records to keep. In scope: `key`, `value` (text),
   * `json` (the value parsed as JSON, or null), `headers` (name → value), `timestamp`,
   * `partition`, `offset`.
   */
  expression?: string;
}

export type RecordPredicate = (r: FilterRecord) => boolean;

export class FilterError extends Error {
  override name = "FilterError";
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  const t = text.trimStart();
  if (!/^[{["\-0-9tfn]/.test(t)) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export function compileExpression(expression: string): RecordPredicate {
  let fn: (key: unknown, value: unknown, json: unknown, headers: unknown, timestamp: unknown, partition: unknown, offset: unknown) => unknown;
  try {
    // Evaluated only inside the filter worker: the expression is the user's own code.
    fn = new Function("key", "value", "json", "headers", "timestamp", "partition", "offset", `"use strict"; return (${expression}\n);`) as typeof fn;
  } catch (e) {
    throw new FilterError(`the filter expression does not parse: ${e instanceof Error ? e.message : String(e)}`);
  }
  return (r) => {
    const headers: Record<string, string | null> = {};
    for (const h of r.headers) headers[h.key] = h.value;
    try {
      return Boolean(fn(r.key, r.value, parseJson(r.value), headers, r.timestamp, r.partition, r.offset));
    } catch {
      // A record the expression cannot handle (json.x of null) simply does not match.
      return false;
    }
  };
}

export function compileFilter(spec: FilterSpec): RecordPredicate {
  const tests: RecordPredicate[] = [];
  const key = spec.key?.trim().toLowerCase();
  if (key) tests.push((r) => r.key !== null && r.key.toLowerCase().includes(key));
  const value = spec.value?.trim().toLowerCase();
  if (value) tests.push((r) => r.value !== null && r.value.toLowerCase().includes(value));
  const header = spec.header?.trim();
  if (header) {
    const eq = header.indexOf("=");
    const name = eq < 0 ? header : header.slice(0, eq);
    const want = eq < 0 ? undefined : header.slice(eq + 1);
    tests.push((r) => r.headers.some((h) => h.key === name && (want === undefined || h.value === want)));
  }
  if (spec.fromTimestamp !== undefined) {
    const from = spec.fromTimestamp;
    tests.push((r) => r.timestamp >= from);
  }
  if (spec.toTimestamp !== undefined) {
    const to = spec.toTimestamp;
    tests.push((r) => r.timestamp < to);
  }
  if (spec.expression?.trim()) tests.push(compileExpression(spec.expression));
  return (r) => tests.every((t) => t(r));
}

/** Whether a spec needs the worker (it has an expression) or can run anywhere. */
export function hasExpression(spec: FilterSpec): boolean {
  return !!spec.expression?.trim();
}
