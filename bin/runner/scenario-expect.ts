/**
 * A scenario's `expect`: the records each topic should end with and each group's end state
 * (state, generation, assignments, committed offsets, lag), compared by `--check`.
 */
import type { JsonValue } from "../../workers/client/json-serde";
import { childPath, describeValue, indexPath } from "./scenario-error";
import { array, fail, has, headers, INT32_MAX, integer, object, OFFSET, onlyFields, optional, PARTITION, partitionName, put } from "./scenario-json";
import { GROUP_STATES, type ExpectedGroup, type ExpectedRecord, type GroupState, type ScenarioExpect } from "./scenario-types";

const EXPECTED_RECORD_FIELDS = ["partition", "offset", "timestamp", "key", "value", "headers"];
const EXPECTED_GROUP_FIELDS = ["state", "generation", "assignments", "committed", "lag"];

export function readExpect(value: unknown, path: string): ScenarioExpect {
  const obj = object(value, path, '{ "topics": { … }, "groups": { … } }');
  onlyFields(obj, path, ["topics", "groups"]);
  const expect: ScenarioExpect = {};
  const topics = optional(obj, "topics", path, (v, p) => {
    const byTopic = object(v, p, "an object of topic names to arrays of records");
    const out: Record<string, ExpectedRecord[]> = {};
    for (const [topic, records] of Object.entries(byTopic)) {
      const tp = childPath(p, topic);
      put(out, topic, array(records, tp, "an array of records").map((r, i) => readExpectedRecord(r, indexPath(tp, i))));
    }
    return out;
  });
  const groups = optional(obj, "groups", path, (v, p) => {
    const byGroup = object(v, p, "an object of group ids to group states");
    const out: Record<string, ExpectedGroup> = {};
    for (const [group, g] of Object.entries(byGroup)) put(out, group, readExpectedGroup(g, childPath(p, group)));
    return out;
  });
  if (topics !== undefined) expect.topics = topics;
  if (groups !== undefined) expect.groups = groups;
  return expect;
}

function readExpectedRecord(value: unknown, path: string): ExpectedRecord {
  const obj = object(value, path, 'a record: { "key": …, "value": … }');
  onlyFields(obj, path, EXPECTED_RECORD_FIELDS);
  const r: ExpectedRecord = {};
  const partition = optional(obj, "partition", path, PARTITION);
  const offset = optional(obj, "offset", path, OFFSET);
  const timestamp = optional(obj, "timestamp", path, integer(-1, Number.MAX_SAFE_INTEGER, "a timestamp in ms"));
  const h = optional(obj, "headers", path, headers);
  if (partition !== undefined) r.partition = partition;
  if (offset !== undefined) r.offset = offset;
  if (timestamp !== undefined) r.timestamp = timestamp;
  if (has(obj, "key")) r.key = obj.key as JsonValue;
  if (has(obj, "value")) r.value = obj.value as JsonValue;
  if (h !== undefined) r.headers = h;
  return r;
}

function readExpectedGroup(value: unknown, path: string): ExpectedGroup {
  const obj = object(value, path, '{ "assignments": { … }, … }');
  onlyFields(obj, path, EXPECTED_GROUP_FIELDS);
  const g: ExpectedGroup = {};
  const state = optional(obj, "state", path, (v, p) => {
    if (!(GROUP_STATES as readonly unknown[]).includes(v)) fail(p, `expected one of ${GROUP_STATES.join(", ")}, got ${describeValue(v)}`);
    return v as GroupState;
  });
  const generation = optional(obj, "generation", path, integer(0, INT32_MAX, "a generation (an integer ≥ 0)"));
  const assignments = optional(obj, "assignments", path, (v, p) => {
    const byMember = object(v, p, 'an object of member ids to partitions, e.g. { "m1": ["orders-0"] }');
    const out: Record<string, string[]> = {};
    for (const [member, list] of Object.entries(byMember)) {
      const mp = childPath(p, member);
      put(out, member, array(list, mp, 'an array of partitions, e.g. ["orders-0"]').map((n, i) => partitionName(n, indexPath(mp, i))));
    }
    return out;
  });
  const byPartition = (expected: string) => (v: unknown, p: string) => {
    const obj = object(v, p, `an object of partitions to ${expected}s, e.g. { "orders-0": 5 }`);
    const out: Record<string, number> = {};
    for (const [name, n] of Object.entries(obj)) {
      const entryPath = childPath(p, name);
      partitionName(name, entryPath);
      put(out, name, integer(0, Number.MAX_SAFE_INTEGER, `${expected === "offset" ? "an offset" : "a lag"} (an integer ≥ 0)`)(n, entryPath));
    }
    return out;
  };
  const committed = optional(obj, "committed", path, byPartition("offset"));
  const lag = optional(obj, "lag", path, byPartition("lag"));
  if (state !== undefined) g.state = state;
  if (generation !== undefined) g.generation = generation;
  if (assignments !== undefined) g.assignments = assignments;
  if (committed !== undefined) g.committed = committed;
  if (lag !== undefined) g.lag = lag;
  return g;
}
