/**
 * Scenario documents (SCENARIO.md): their types, and the validator that turns parsed JSON
 * into a typed {@link Scenario} or throws a {@link ScenarioError} whose message opens with
 * the JSON path of the problem. Unknown fields are errors, never ignored: a misspelt
 * `recordz` must not silently produce nothing.
 *
 * Topic references are checked against the declared topics. Where other topics may exist
 * by then (after a `sql` or `topology` step, which create topics this validator cannot
 * foresee, or in a data directory holding an earlier run) an unknown name is left to the
 * runner, which asks the engine the same question ({@link checkStepTopics}) when the step
 * runs.
 */
import type { JsonHeaders, JsonValue } from "../../workers/client/json-serde";
import { resolveConsumerConfig, resolveProducerConfig, resolveStreamsConfig } from "../../workers/protocol/client-config";
import type { RawConfig } from "../../workers/protocol/config-def";
import { isKafkaError } from "../../workers/protocol/errors";
import { resolveTopicConfig } from "../../workers/protocol/topic-config";
import { INTERNAL_TOPICS, validateNewTopicName } from "../../workers/protocol/topic-name";
import { findJsonSyntaxError } from "./json-syntax";
import { parsePartitionName } from "./partition-name";
import { childPath, describeValue, indexPath, ScenarioError } from "./scenario-error";

// ---------------------------------------------------------------------------------------
// Types

export type ConfigValue = string | number | boolean;
export type ScenarioConfig = Record<string, ConfigValue>;

export interface ScenarioTopic {
  name: string;
  partitions: number;
  replicationFactor: number;
  config: ScenarioConfig;
}

export interface ScenarioRecord {
  /** Absent = null key. */
  key?: JsonValue;
  /** null = tombstone. */
  value: JsonValue;
  timestamp?: number;
  partition?: number;
  headers?: JsonHeaders;
}

export type Acks = 0 | 1 | -1 | "all";

export interface ProduceStep {
  topic: string;
  records: ScenarioRecord[];
  config?: ScenarioConfig;
  acks?: Acks;
  idempotent?: boolean;
  transactional?: boolean;
}

export interface AdvanceStep {
  ms: number;
}

export interface RollStep {
  topic: string;
  partition?: number;
}

export interface CleanStep {
  topic: string;
}

export interface TopologyStep {
  applicationId: string;
  source: string;
  config?: ScenarioConfig;
  /**
   * Run the application reset tool first (committed offsets back to the beginning, internal
   * topics deleted); an application already running under that id is stopped first.
   */
  reset?: boolean;
}

export const ASSIGNORS = ["range", "roundrobin", "sticky", "cooperative-sticky"] as const;
export type Assignor = (typeof ASSIGNORS)[number];

export interface MemberRef {
  groupId: string;
  memberId: string;
}

export interface JoinStep extends MemberRef {
  topics: string[];
  assignor?: Assignor;
  config?: ScenarioConfig;
}

export interface PollStep extends MemberRef {
  max?: number;
}

export interface CommitStep extends MemberRef {
  /** "topic-partition" → offset; absent = the member's current positions. */
  offsets?: Record<string, number>;
}

export interface SeekStep extends MemberRef {
  /** "topic-partition". */
  partition: string;
  /**
   * An offset, "earliest", "latest", or (an extension of the core format) `{ "timestamp": ms }`:
   * the first record at or after that time, as offsetsForTimes then seek; the end when none is.
   */
  offset: number | "earliest" | "latest" | { timestamp: number };
}

export type RestartStep = Record<string, never>;

/** What each verb carries. */
export interface StepArgs {
  produce: ProduceStep;
  advance: AdvanceStep;
  roll: RollStep;
  clean: CleanStep;
  sql: string;
  topology: TopologyStep;
  join: JoinStep;
  leave: MemberRef;
  crash: MemberRef;
  poll: PollStep;
  commit: CommitStep;
  seek: SeekStep;
  restart: RestartStep;
}

export type Verb = keyof StepArgs;

export const VERBS: readonly Verb[] = [
  "produce",
  "advance",
  "roll",
  "clean",
  "sql",
  "topology",
  "join",
  "leave",
  "crash",
  "poll",
  "commit",
  "seek",
  "restart",
];

/** A step with its verb made explicit; `path` is `steps[i]`, the prefix of its messages. */
export type Step = { [V in Verb]: { verb: V; index: number; path: string; args: StepArgs[V] } }[Verb];
export type StepOf<V extends Verb> = Extract<Step, { verb: V }>;

export interface ExpectedRecord {
  partition?: number;
  offset?: number;
  timestamp?: number;
  /** Absent = not compared; null matches a null key. */
  key?: JsonValue;
  /** Absent = not compared; null matches a tombstone. */
  value?: JsonValue;
  headers?: JsonHeaders;
}

export const GROUP_STATES = ["Empty", "PreparingRebalance", "CompletingRebalance", "Stable", "Dead"] as const;
export type GroupState = (typeof GROUP_STATES)[number];

export interface ExpectedGroup {
  state?: GroupState;
  generation?: number;
  assignments?: Record<string, string[]>;
  committed?: Record<string, number>;
  lag?: Record<string, number>;
}

export interface ScenarioExpect {
  topics?: Record<string, ExpectedRecord[]>;
  groups?: Record<string, ExpectedGroup>;
}

export interface Scenario {
  version: 1;
  name?: string;
  description?: string;
  clock: { start: number };
  topics: ScenarioTopic[];
  steps: Step[];
  expect?: ScenarioExpect;
}

export interface ParseOptions {
  /**
   * Undeclared topics may already exist (a `--data-dir` holding an earlier run): references
   * to them are then checked when the step runs, against the engine.
   */
  topicsMayExist?: boolean;
}

// ---------------------------------------------------------------------------------------
// Reading JSON with paths

type JsonObject = Record<string, unknown>;

function fail(path: string, detail: string): never {
  throw new ScenarioError(path, detail);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function object(value: unknown, path: string, expected = "an object"): JsonObject {
  if (!isObject(value)) fail(path, `expected ${expected}, got ${describeValue(value)}`);
  return value;
}

function onlyFields(obj: JsonObject, path: string, allowed: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      const hint = allowed.length === 0 ? "this object takes no fields" : `expected one of ${allowed.join(", ")}`;
      fail(childPath(path, key), `unknown field (${hint})`);
    }
  }
}

type Read<T> = (value: unknown, path: string) => T;

/**
 * Copies one entry as an own property. Plain assignment would treat a key named
 * "__proto__" (a legal topic and header name) as the prototype and drop it.
 */
function put<T>(out: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

function has(obj: JsonObject, key: string): boolean {
  return Object.hasOwn(obj, key);
}

function required<T>(obj: JsonObject, key: string, path: string, read: Read<T>, expected: string): T {
  const p = childPath(path, key);
  if (!has(obj, key)) fail(p, `missing (expected ${expected})`);
  return read(obj[key], p);
}

function optional<T>(obj: JsonObject, key: string, path: string, read: Read<T>): T | undefined {
  return has(obj, key) ? read(obj[key], childPath(path, key)) : undefined;
}

const text =
  (expected = "a string", nonEmpty = false): Read<string> =>
  (value, path) => {
    if (typeof value !== "string" || (nonEmpty && value === "")) fail(path, `expected ${expected}, got ${describeValue(value)}`);
    return value;
  };

const nonEmptyText = (expected: string): Read<string> => text(expected, true);

const INT32_MAX = 2147483647;

const integer =
  (min: number, max: number, expected: string): Read<number> =>
  (value, path) => {
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
      fail(path, `expected ${expected}, got ${describeValue(value)}`);
    }
    return value;
  };

const bool: Read<boolean> = (value, path) => {
  if (typeof value !== "boolean") fail(path, `expected true or false, got ${describeValue(value)}`);
  return value;
};

function array(value: unknown, path: string, expected: string): unknown[] {
  if (!Array.isArray(value)) fail(path, `expected ${expected}, got ${describeValue(value)}`);
  return value;
}

const TIMESTAMP = integer(0, Number.MAX_SAFE_INTEGER, "a timestamp in ms (an integer ≥ 0)");
const PARTITION = integer(0, INT32_MAX, "a partition number (an integer ≥ 0)");
const OFFSET = integer(0, Number.MAX_SAFE_INTEGER, "an offset (an integer ≥ 0)");
const GROUP_ID = nonEmptyText("a group id (a non-empty string)");
const MEMBER_ID = nonEmptyText("a member id (a non-empty string)");
const TOPIC = nonEmptyText("a topic name");

const json: Read<JsonValue> = (value) => value as JsonValue;

const headers: Read<JsonHeaders> = (value, path) => {
  const obj = object(value, path, 'an object of header names to string values ({ "h": "v" })');
  const out: JsonHeaders = {};
  for (const [key, v] of Object.entries(obj)) {
    if (v !== null && typeof v !== "string") fail(childPath(path, key), `expected a string or null, got ${describeValue(v)}`);
    put(out, key, v);
  }
  return out;
};

const configObject: Read<ScenarioConfig> = (value, path) => {
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

const partitionName: Read<string> = (value, path) => {
  const name = text('a partition as "topic-partition", e.g. "orders-0"')(value, path);
  if (parsePartitionName(name) === undefined) fail(path, `expected a partition as "topic-partition", e.g. "orders-0", got ${describeValue(name)}`);
  return name;
};

/**
 * Runs a config resolver and rewrites its KafkaError as a ScenarioError at `path`. When
 * the failure is about one key alone (the same error comes back for that key by itself),
 * the path names that key; a conflict between keys is reported at the config object.
 */
export function checkConfig(path: string, config: RawConfig, resolve: (config: RawConfig) => unknown): void {
  const failure = resolveError(config, resolve);
  if (failure === undefined) return;
  for (const [key, value] of Object.entries(config)) {
    if (resolveError({ [key]: value }, resolve) === failure) fail(childPath(path, key), failure);
  }
  fail(path, failure);
}

function resolveError(config: RawConfig, resolve: (config: RawConfig) => unknown): string | undefined {
  try {
    resolve(config);
    return undefined;
  } catch (e) {
    if (isKafkaError(e)) return e.message;
    throw e;
  }
}

// ---------------------------------------------------------------------------------------
// The document

const DOCUMENT_FIELDS = ["version", "name", "description", "clock", "topics", "steps", "expect"];

/** Parses the text of a scenario file; JSON syntax errors name the file, line and column. */
export function parseScenarioText(text: string, fileName: string, options: ParseOptions = {}): Scenario {
  // Some editors start UTF-8 files with a byte order mark, which JSON does not allow.
  const source = text.startsWith("\ufeff") ? text.slice(1) : text;
  const syntax = findJsonSyntaxError(source);
  if (syntax !== undefined) fail("", `${fileName}:${syntax.line}:${syntax.column}: invalid JSON: ${syntax.message}`);
  return parseScenario(JSON.parse(source), options);
}

export function parseScenario(doc: unknown, options: ParseOptions = {}): Scenario {
  const root = object(doc, "", "a scenario: a JSON object");
  if (!has(root, "version")) fail("version", "missing (expected 1)");
  if (root.version !== 1) fail("version", `unsupported version ${describeValue(root.version)} (this runner reads version 1)`);
  onlyFields(root, "", DOCUMENT_FIELDS);

  const scenario: Scenario = { version: 1, clock: { start: 0 }, topics: [], steps: [] };
  const name = optional(root, "name", "", text());
  if (name !== undefined) scenario.name = name;
  const description = optional(root, "description", "", text());
  if (description !== undefined) scenario.description = description;
  const clock = optional(root, "clock", "", readClock);
  if (clock !== undefined) scenario.clock = clock;

  const catalog = new TopicCatalog();
  catalog.openWorld = options.topicsMayExist === true;
  if (has(root, "topics")) {
    const list = array(root.topics, "topics", "an array of topics");
    list.forEach((t, i) => {
      const topic = readTopic(t, indexPath("topics", i), catalog);
      catalog.declare(topic.name, topic.partitions);
      scenario.topics.push(topic);
    });
  }
  if (has(root, "steps")) {
    const list = array(root.steps, "steps", "an array of steps");
    list.forEach((s, i) => {
      const step = readStep(s, i);
      checkStepTopics(step, (topic) => catalog.partitionsOf(topic));
      if (step.verb === "sql" || step.verb === "topology") catalog.openWorld = true;
      scenario.steps.push(step);
    });
  }
  if (has(root, "expect")) {
    const expect = readExpect(root.expect, "expect");
    for (const topic of Object.keys(expect.topics ?? {})) {
      checkTopicExists(childPath("expect.topics", topic), topic, (t) => catalog.partitionsOf(t));
    }
    scenario.expect = expect;
  }
  return scenario;
}

function readClock(value: unknown, path: string): { start: number } {
  const obj = object(value, path, '{ "start": ms }');
  onlyFields(obj, path, ["start"]);
  return { start: required(obj, "start", path, TIMESTAMP, "a time in ms") };
}

// ---------------------------------------------------------------------------------------
// Topics

/**
 * What topics exist at a point of the run, as far as the validator can tell. After a step
 * that may create topics of its own (sql, topology) an unknown name is left for the engine
 * to judge when the step runs.
 */
class TopicCatalog {
  private readonly declared = new Map<string, number>();
  openWorld = false;

  declare(name: string, partitions: number): void {
    this.declared.set(name, partitions);
  }

  names(): Iterable<string> {
    return this.declared.keys();
  }

  /** Partition count, undefined when the topic does not exist, "unknown" when nobody can tell yet. */
  partitionsOf(name: string): number | undefined | "unknown" {
    const count = this.declared.get(name);
    if (count !== undefined) return count;
    return this.openWorld ? "unknown" : undefined;
  }
}

const TOPIC_FIELDS = ["name", "partitions", "replicationFactor", "config"];

function readTopic(value: unknown, path: string, catalog: TopicCatalog): ScenarioTopic {
  const obj = object(value, path, 'a topic: { "name": …, "partitions": … }');
  onlyFields(obj, path, TOPIC_FIELDS);
  const namePath = childPath(path, "name");
  const name = required(obj, "name", path, text("a topic name"), "a topic name");
  if (INTERNAL_TOPICS.has(name)) fail(namePath, `topic "${name}" is internal: the broker creates it itself`);
  const index = [...catalog.names()].indexOf(name);
  if (index >= 0) fail(namePath, `topic "${name}" is declared twice (first at topics[${index}])`);
  try {
    validateNewTopicName(name, catalog.names());
  } catch (e) {
    if (isKafkaError(e)) fail(namePath, e.message);
    throw e;
  }
  const partitions = optional(obj, "partitions", path, integer(1, INT32_MAX, "a partition count (an integer ≥ 1)")) ?? 1;
  const replicationFactor =
    optional(obj, "replicationFactor", path, integer(1, 32767, "a replication factor (an integer ≥ 1)")) ?? 1;
  const config = optional(obj, "config", path, configObject) ?? {};
  checkConfig(childPath(path, "config"), config, (c) => resolveTopicConfig(name, c));
  return { name, partitions, replicationFactor, config };
}

// ---------------------------------------------------------------------------------------
// Steps

function readStep(value: unknown, index: number): Step {
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

/**
 * A client's `config`, checked with the id the step gives it (`group.id` for a consumer,
 * `application.id` for a streams application); the config may repeat that id, not change it.
 */
function readClientConfig(
  obj: JsonObject,
  path: string,
  id: { key: string; field: string; value: string },
  resolve: (config: RawConfig) => unknown,
): ScenarioConfig | undefined {
  const config = optional(obj, "config", path, configObject);
  if (config === undefined) return undefined;
  const configPath = childPath(path, "config");
  const given = config[id.key];
  if (given !== undefined && given !== id.value) {
    fail(childPath(configPath, id.key), `differs from "${id.field}" (${JSON.stringify(id.value)}); leave it out`);
  }
  checkConfig(configPath, config, (c) => resolve({ [id.key]: id.value, ...c }));
  return config;
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

// ---------------------------------------------------------------------------------------
// Topic references

/** Partition count of a topic; undefined when it does not exist, "unknown" when that cannot be told yet. */
export type PartitionsOf = (topic: string) => number | undefined | "unknown";

interface TopicRef {
  path: string;
  topic: string;
  partitions: { path: string; partition: number }[];
}

/** Every topic (and partition) a step names, with the path where it is named. */
export function stepTopicRefs(step: Step): TopicRef[] {
  const at = childPath(step.path, step.verb);
  switch (step.verb) {
    case "produce":
      return [
        {
          path: childPath(at, "topic"),
          topic: step.args.topic,
          partitions: step.args.records.flatMap((r, i) =>
            r.partition === undefined ? [] : [{ path: childPath(indexPath(childPath(at, "records"), i), "partition"), partition: r.partition }],
          ),
        },
      ];
    case "roll": {
      const partition = step.args.partition;
      return [
        {
          path: childPath(at, "topic"),
          topic: step.args.topic,
          partitions: partition === undefined ? [] : [{ path: childPath(at, "partition"), partition }],
        },
      ];
    }
    case "clean":
      return [{ path: childPath(at, "topic"), topic: step.args.topic, partitions: [] }];
    case "join":
      return step.args.topics.map((topic, i) => ({ path: indexPath(childPath(at, "topics"), i), topic, partitions: [] }));
    case "commit":
      return Object.keys(step.args.offsets ?? {}).map((name) => partitionRef(childPath(childPath(at, "offsets"), name), name));
    case "seek":
      return [partitionRef(childPath(at, "partition"), step.args.partition)];
    case "advance":
    case "sql":
    case "topology":
    case "leave":
    case "crash":
    case "poll":
    case "restart":
      return [];
  }
}

function partitionRef(path: string, name: string): TopicRef {
  const parsed = parsePartitionName(name);
  if (parsed === undefined) fail(path, `expected a partition as "topic-partition", got ${describeValue(name)}`);
  return { path, topic: parsed.topic, partitions: [{ path, partition: parsed.partition }] };
}

/** Throws a ScenarioError when a step names a topic that does not exist or a partition it does not have. */
export function checkStepTopics(step: Step, partitionsOf: PartitionsOf): void {
  for (const ref of stepTopicRefs(step)) {
    const count = checkTopicExists(ref.path, ref.topic, partitionsOf);
    if (count === "unknown") continue;
    for (const p of ref.partitions) {
      if (p.partition >= count) fail(p.path, `topic "${ref.topic}" has ${partitionRange(count)}, got ${p.partition}`);
    }
  }
}

export function checkTopicExists(path: string, topic: string, partitionsOf: PartitionsOf): number | "unknown" {
  const count = partitionsOf(topic);
  if (count === undefined) fail(path, `no topic "${topic}"`);
  return count;
}

function partitionRange(count: number): string {
  return count === 1 ? "1 partition (0)" : `${count} partitions (0–${count - 1})`;
}

// ---------------------------------------------------------------------------------------
// expect

const EXPECTED_RECORD_FIELDS = ["partition", "offset", "timestamp", "key", "value", "headers"];
const EXPECTED_GROUP_FIELDS = ["state", "generation", "assignments", "committed", "lag"];

function readExpect(value: unknown, path: string): ScenarioExpect {
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
