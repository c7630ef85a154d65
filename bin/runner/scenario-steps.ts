/**
 * Steps: exactly one verb each, and that verb's arguments checked field by field (SCENARIO.md
 * lists them). Client configs are checked with the engine's resolvers, together with the
 * shorthand flags that stand for config keys (`acks`, `idempotent`, `transactional`,
 * `assignor`), so a scenario is refused for exactly what the engine would refuse.
 */
import { resolveConsumerConfig, resolveProducerConfig, resolveStreamsConfig } from "../../workers/protocol/client-config";
import { checkConfig, readClientConfig, resolveError } from "./scenario-config";
import { childPath, describeValue, indexPath } from "./scenario-error";
import {
  array,
  bool,
  configObject,
  fail,
  GROUP_ID,
  has,
  headers,
  INT32_MAX,
  integer,
  isObject,
  json,
  MEMBER_ID,
  nonEmptyText,
  object,
  OFFSET,
  onlyFields,
  optional,
  PARTITION,
  partitionName,
  put,
  required,
  TIMESTAMP,
  TOPIC,
  type JsonObject,
  type Read,
} from "./scenario-json";
import {
  ASSIGNORS,
  VERBS,
  type Acks,
  type AdvanceStep,
  type Assignor,
  type CleanStep,
  type CommitStep,
  type ConfigValue,
  type JoinStep,
  type MemberRef,
  type PollStep,
  type ProduceStep,
  type RestartStep,
  type RollStep,
  type ScenarioRecord,
  type SeekStep,
  type Step,
  type StepArgs,
  type TopologyStep,
  type Verb,
} from "./scenario-types";

export function readStep(value: unknown, index: number): Step {
  const path = indexPath("steps", index);
  const obj = object(value, path, 'a step: an object with one verb, e.g. { "advance": { "ms": 1000 } }');
  const keys = Object.keys(obj);
  for (const key of keys) {
    if (!(VERBS as readonly string[]).includes(key)) fail(childPath(path, key), `unknown verb (expected one of ${VERBS.join(", ")})`);
  }
  if (keys.length !== 1) {
    const found = keys.length === 0 ? "none" : keys.map((k) => JSON.stringify(k)).join(", ");
    fail(path, `a step must have exactly one verb, found ${found}`);
  }
  const verb = keys[0] as Verb;
  const argsPath = childPath(path, verb);
  const make = <V extends Verb>(v: V, args: StepArgs[V]): Step => ({ verb: v, index, path, args }) as Step;
  const raw = obj[verb];
  switch (verb) {
    case "produce":
      return make(verb, readProduce(raw, argsPath));
    case "advance":
      return make(verb, readAdvance(raw, argsPath));
    case "roll":
      return make(verb, readRoll(raw, argsPath));
    case "clean":
      return make(verb, readClean(raw, argsPath));
    case "sql":
      return make(verb, nonEmptyText("SQL statements (a non-empty string)")(raw, argsPath));
    case "topology":
      return make(verb, readTopology(raw, argsPath));
    case "join":
      return make(verb, readJoin(raw, argsPath));
    case "leave":
    case "crash":
      return make(verb, readMember(raw, argsPath, []));
    case "poll":
      return make(verb, readPoll(raw, argsPath));
    case "commit":
      return make(verb, readCommit(raw, argsPath));
    case "seek":
      return make(verb, readSeek(raw, argsPath));
    case "restart":
      return make(verb, readRestart(raw, argsPath));
  }
}

const PRODUCE_FIELDS = ["topic", "records", "config", "acks", "idempotent", "transactional"];
const RECORD_FIELDS = ["key", "value", "timestamp", "partition", "headers"];

function readProduce(value: unknown, path: string): ProduceStep {
  const obj = object(value, path, '{ "topic": …, "records": [ … ] }');
  onlyFields(obj, path, PRODUCE_FIELDS);
  const topic = required(obj, "topic", path, TOPIC, "a topic name");
  const recordsPath = childPath(path, "records");
  const records = required(obj, "records", path, (v, p) => array(v, p, "an array of records"), "an array of records");
  if (records.length === 0) fail(recordsPath, "expected at least one record");
  const step: ProduceStep = { topic, records: records.map((r, i) => readRecord(r, indexPath(recordsPath, i))) };
  const config = optional(obj, "config", path, configObject);
  const acks = optional(obj, "acks", path, readAcks);
  const idempotent = optional(obj, "idempotent", path, bool);
  const transactional = optional(obj, "transactional", path, bool);
  if (config !== undefined) step.config = config;
  if (acks !== undefined) step.acks = acks;
  if (idempotent !== undefined) step.idempotent = idempotent;
  if (transactional !== undefined) step.transactional = transactional;
  checkProducerFlags(step, path);
  return step;
}

function readRecord(value: unknown, path: string): ScenarioRecord {
  const obj = object(value, path, 'a record: { "key": …, "value": … }');
  onlyFields(obj, path, RECORD_FIELDS);
  const record: ScenarioRecord = { value: required(obj, "value", path, json, "a value (null for a tombstone)") };
  if (has(obj, "key")) record.key = json(obj.key, childPath(path, "key"));
  const timestamp = optional(obj, "timestamp", path, TIMESTAMP);
  const partition = optional(obj, "partition", path, PARTITION);
  const h = optional(obj, "headers", path, headers);
  if (timestamp !== undefined) record.timestamp = timestamp;
  if (partition !== undefined) record.partition = partition;
  if (h !== undefined) record.headers = h;
  return record;
}

const readAcks: Read<Acks> = (value, path) => {
  switch (value) {
    case 0:
    case "0":
      return 0;
    case 1:
    case "1":
      return 1;
    case -1:
    case "-1":
      return -1;
    case "all":
      return "all";
    default:
      return fail(path, `expected one of 0, 1, -1, "all", got ${describeValue(value)}`);
  }
};

/**
 * The flags are shorthand for producer configs (`acks`, `enable.idempotence`,
 * `transactional.id`), so the producer config rules apply to them together with
 * `config` (idempotence needs acks=all, transactions need idempotence).
 */
function checkProducerFlags(step: ProduceStep, path: string): void {
  const config: Record<string, ConfigValue> = { ...(step.config ?? {}) };
  const shorthand: [flag: keyof ProduceStep, key: string, value: ConfigValue | undefined][] = [
    ["acks", "acks", step.acks === undefined ? undefined : String(step.acks)],
    ["idempotent", "enable.idempotence", step.idempotent],
    ["transactional", "transactional.id", step.transactional === true ? "scenario" : undefined],
  ];
  for (const [flag, key, value] of shorthand) {
    if (value === undefined) continue;
    if (Object.hasOwn(config, key)) fail(childPath(path, flag), `set both here and as config "${key}": use one of them`);
    config[key] = value;
  }
  checkConfig(childPath(path, "config"), step.config ?? {}, resolveProducerConfig);
  const conflict = resolveError(config, resolveProducerConfig);
  if (conflict !== undefined) fail(path, conflict);
}

function readAdvance(value: unknown, path: string): AdvanceStep {
  const obj = object(value, path, '{ "ms": N }');
  onlyFields(obj, path, ["ms"]);
  return { ms: required(obj, "ms", path, integer(0, Number.MAX_SAFE_INTEGER, "a duration in ms (an integer ≥ 0)"), "a duration in ms") };
}

function readRoll(value: unknown, path: string): RollStep {
  const obj = object(value, path, '{ "topic": …, "partition": … }');
  onlyFields(obj, path, ["topic", "partition"]);
  const step: RollStep = { topic: required(obj, "topic", path, TOPIC, "a topic name") };
  const partition = optional(obj, "partition", path, PARTITION);
  if (partition !== undefined) step.partition = partition;
  return step;
}

function readClean(value: unknown, path: string): CleanStep {
  const obj = object(value, path, '{ "topic": … }');
  onlyFields(obj, path, ["topic"]);
  return { topic: required(obj, "topic", path, TOPIC, "a topic name") };
}


function readTopology(value: unknown, path: string): TopologyStep {
  const obj = object(value, path, '{ "applicationId": …, "source": … }');
  onlyFields(obj, path, ["applicationId", "source", "config", "reset"]);
  const applicationId = required(obj, "applicationId", path, nonEmptyText("an application id (a non-empty string)"), "an application id");
  const step: TopologyStep = {
    applicationId,
    source: required(obj, "source", path, nonEmptyText("TypeScript source (a non-empty string)"), "TypeScript source"),
  };
  const config = readClientConfig(obj, path, { key: "application.id", field: "applicationId", value: applicationId }, resolveStreamsConfig);
  if (config !== undefined) step.config = config;
  const reset = optional(obj, "reset", path, bool);
  if (reset !== undefined) step.reset = reset;
  return step;
}

function readMember(value: unknown, path: string, extra: readonly string[]): MemberRef & { obj: JsonObject } {
  const obj = object(value, path, '{ "groupId": …, "memberId": … }');
  onlyFields(obj, path, ["groupId", "memberId", ...extra]);
  return {
    groupId: required(obj, "groupId", path, GROUP_ID, "a group id"),
    memberId: required(obj, "memberId", path, MEMBER_ID, "a member id"),
    obj,
  };
}

function memberOnly(m: MemberRef): MemberRef {
  return { groupId: m.groupId, memberId: m.memberId };
}

const STRATEGY = "partition.assignment.strategy";

function readJoin(value: unknown, path: string): JoinStep {
  const m = readMember(value, path, ["topics", "assignor", "config"]);
  const topicsPath = childPath(path, "topics");
  const list = required(m.obj, "topics", path, (v, p) => array(v, p, "an array of topic names"), "an array of topic names");
  if (list.length === 0) fail(topicsPath, "expected at least one topic");
  const topics = list.map((t, i) => TOPIC(t, indexPath(topicsPath, i)));
  topics.forEach((t, i) => {
    if (topics.indexOf(t) !== i) fail(indexPath(topicsPath, i), `topic "${t}" is listed twice`);
  });
  const step: JoinStep = { ...memberOnly(m), topics };
  const assignor = optional(m.obj, "assignor", path, (v, p) => {
    if (!(ASSIGNORS as readonly unknown[]).includes(v)) fail(p, `expected one of ${ASSIGNORS.join(", ")}, got ${describeValue(v)}`);
    return v as Assignor;
  });
  if (assignor !== undefined) step.assignor = assignor;
  const groupId = { key: "group.id", field: "groupId", value: step.groupId };
  const config = readClientConfig(m.obj, path, groupId, resolveConsumerConfig);
  if (config !== undefined) step.config = config;
  if (assignor !== undefined) {
    // The assignor is shorthand for partition.assignment.strategy, under the same rules.
    if (config !== undefined && Object.hasOwn(config, STRATEGY)) {
      fail(childPath(path, "assignor"), `set both here and as config "${STRATEGY}": use one of them`);
    }
    const conflict = resolveError({ ...config, "group.id": step.groupId, [STRATEGY]: assignor }, resolveConsumerConfig);
    if (conflict !== undefined) fail(childPath(path, "assignor"), conflict);
  }
  return step;
}

function readPoll(value: unknown, path: string): PollStep {
  const m = readMember(value, path, ["max"]);
  const step: PollStep = memberOnly(m);
  const max = optional(m.obj, "max", path, integer(1, INT32_MAX, "a record count (an integer ≥ 1)"));
  if (max !== undefined) step.max = max;
  return step;
}

function readCommit(value: unknown, path: string): CommitStep {
  const m = readMember(value, path, ["offsets"]);
  const step: CommitStep = memberOnly(m);
  const offsets = optional(m.obj, "offsets", path, (v, p) => {
    const obj = object(v, p, 'an object of partitions to offsets, e.g. { "orders-0": 5 }');
    const out: Record<string, number> = {};
    for (const [name, offset] of Object.entries(obj)) {
      const entryPath = childPath(p, name);
      partitionName(name, entryPath);
      put(out, name, OFFSET(offset, entryPath));
    }
    return out;
  });
  if (offsets !== undefined) step.offsets = offsets;
  return step;
}

function readSeek(value: unknown, path: string): SeekStep {
  const m = readMember(value, path, ["partition", "offset"]);
  return {
    ...memberOnly(m),
    partition: required(m.obj, "partition", path, partitionName, 'a partition as "topic-partition"'),
    offset: required(
      m.obj,
      "offset",
      path,
      (v, p) => {
        if (v === "earliest" || v === "latest") return v;
        if (typeof v === "number") return OFFSET(v, p);
        if (isObject(v)) {
          onlyFields(v, p, ["timestamp"]);
          return { timestamp: required(v, "timestamp", p, TIMESTAMP, "a time in ms") };
        }
        return fail(p, `expected an offset (an integer ≥ 0), "earliest", "latest" or { "timestamp": ms }, got ${describeValue(v)}`);
      },
      'an offset, "earliest", "latest" or { "timestamp": ms }',
    ),
  };
}

function readRestart(value: unknown, path: string): RestartStep {
  onlyFields(object(value, path, "{}"), path, []);
  return {};
}
