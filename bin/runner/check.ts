/**
 * `--check`: compares what a run left behind with the scenario's `expect` (SCENARIO.md):
 *
 * - a topic must hold exactly as many records as expected, compared in order (partition,
 *   then offset) on the fields each expected record gives; a field left out is not compared;
 * - values are compared as printed: an expected value is read as if it had been produced
 *   and printed back, so the string "17" equals the printed number 17 (and `null` matches
 *   a tombstone's value or a null key);
 * - assignments are compared as sets per member.
 *
 * Every difference becomes one line naming the topic or group, the record index and the
 * field, with expected and actual values side by side.
 */
import { decodeJson, serializeJson, type JsonHeaders, type JsonValue } from "../../workers/client/json-serde";
import type { ExpectedGroup, ExpectedRecord, ScenarioExpect } from "./scenario";
import type { GroupSummary, PrintedRecord } from "./output";
import { comparePartitionNames } from "./partition-name";
import { childPath } from "./scenario-error";

/** What the run left behind, as the runner would print it. */
export interface RunState {
  /** Records of every topic named in `expect.topics`, by partition then offset; absent = no such topic. */
  topics: ReadonlyMap<string, readonly PrintedRecord[]>;
  groups: ReadonlyMap<string, GroupSummary>;
}

export interface Difference {
  /** Where in `expect` the difference shows: `expect.topics.orders[2].value`. */
  path: string;
  message: string;
}

const show = (value: unknown): string => (value === undefined ? "nothing" : JSON.stringify(value));

export function checkExpectations(expect: ScenarioExpect, actual: RunState): Difference[] {
  const out: Difference[] = [];
  for (const [topic, expected] of Object.entries(expect.topics ?? {})) {
    const records = actual.topics.get(topic);
    const path = childPath("expect.topics", topic);
    if (records === undefined) out.push({ path, message: `topic "${topic}" does not exist` });
    else compareTopic(topic, path, expected, records, out);
  }
  for (const [group, expected] of Object.entries(expect.groups ?? {})) {
    const summary = actual.groups.get(group);
    const path = childPath("expect.groups", group);
    if (summary === undefined) out.push({ path, message: `group "${group}" does not exist` });
    else compareGroup(group, path, expected, summary, out);
  }
  return out;
}

function compareTopic(
  topic: string,
  path: string,
  expected: readonly ExpectedRecord[],
  records: readonly PrintedRecord[],
  out: Difference[],
): void {
  if (expected.length !== records.length) {
    out.push({
      path,
      message: `topic "${topic}": expected ${plural(expected.length, "record")}, found ${records.length}`,
    });
  }
  const common = Math.min(expected.length, records.length);
  for (let i = 0; i < common; i++) {
    const want = expected[i] as ExpectedRecord;
    const got = records[i] as PrintedRecord;
    for (const field of ["partition", "offset", "timestamp", "key", "value", "headers"] as const) {
      if (!Object.hasOwn(want, field)) continue;
      const same =
        field === "headers"
          ? sameHeaders(want.headers ?? {}, got.headers ?? {})
          : field === "key" || field === "value"
            ? samePrinted(want[field] as JsonValue, got[field])
            : want[field] === got[field];
      if (!same) {
        out.push({
          path: `${path}[${i}].${field}`,
          message: `topic "${topic}" record ${i} (partition ${got.partition}, offset ${got.offset}): ${field}: expected ${show(want[field])}, got ${show(field === "headers" ? (got.headers ?? {}) : got[field])}`,
        });
      }
    }
  }
  for (let i = common; i < expected.length; i++) {
    out.push({ path: `${path}[${i}]`, message: `topic "${topic}" record ${i}: expected ${show(expected[i])}, missing` });
  }
  for (let i = common; i < records.length; i++) {
    const r = records[i] as PrintedRecord;
    out.push({
      path,
      message: `topic "${topic}" record ${i}: unexpected (partition ${r.partition}, offset ${r.offset}, key ${show(r.key)}, value ${show(r.value)})`,
    });
  }
}

/**
 * An expected value is compared in printed form: read as if it had been produced (a
 * string stored as its text, anything else as its JSON) and printed back.
 */
export function asPrinted(value: JsonValue): JsonValue {
  return value === null ? null : decodeJson(serializeJson(value));
}

export function samePrinted(expected: JsonValue, actual: JsonValue): boolean {
  return sameJson(asPrinted(expected), actual);
}

/** Deep equality of JSON values; object key order does not matter. */
export function sameJson(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameJson(x, b[i] as JsonValue));
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && sameJson(a[k] as JsonValue, b[k] as JsonValue));
}

function sameHeaders(a: JsonHeaders, b: JsonHeaders): boolean {
  return sameJson(a, b);
}

function compareGroup(group: string, path: string, want: ExpectedGroup, got: GroupSummary, out: Difference[]): void {
  const g = `group "${group}"`;
  if (want.state !== undefined && want.state !== got.state) {
    out.push({ path: `${path}.state`, message: `${g}: state: expected ${show(want.state)}, got ${show(got.state)}` });
  }
  if (want.generation !== undefined && want.generation !== got.generation) {
    out.push({
      path: `${path}.generation`,
      message: `${g}: generation: expected ${want.generation}, got ${got.generation}`,
    });
  }
  if (want.assignments !== undefined) {
    const members = new Set([...Object.keys(want.assignments), ...Object.keys(got.assignments)]);
    for (const member of [...members].sort()) {
      const expected = want.assignments[member];
      const actual = got.assignments[member];
      const at = childPath(`${path}.assignments`, member);
      if (expected === undefined) {
        out.push({ path: `${path}.assignments`, message: `${g}: member "${member}" is in the group but not expected (assigned ${show(sorted(actual ?? []))})` });
      } else if (actual === undefined) {
        out.push({ path: at, message: `${g}: member "${member}" is not in the group` });
      } else if (!sameSet(expected, actual)) {
        out.push({
          path: at,
          message: `${g}: assignment of member "${member}": expected ${show(sorted(expected))}, got ${show(sorted(actual))}`,
        });
      }
    }
  }
  for (const field of ["committed", "lag"] as const) {
    const expected = want[field];
    if (expected === undefined) continue;
    const actual = got[field];
    const names = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort(comparePartitionNames);
    for (const name of names) {
      if (expected[name] !== actual[name]) {
        out.push({
          path: childPath(`${path}.${field}`, name),
          message: `${g}: ${field} of ${name}: expected ${show(expected[name])}, got ${show(actual[name])}`,
        });
      }
    }
  }
}

function sorted(partitions: readonly string[]): string[] {
  return [...partitions].sort(comparePartitionNames);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** The report `--check` prints on stderr when the run differs from `expect`. */
export function formatDifferences(differences: readonly Difference[]): string {
  const lines = [`check failed: ${plural(differences.length, "difference")}`];
  for (const d of differences) lines.push(`  ${d.path}: ${d.message}`);
  return lines.join("\n");
}
