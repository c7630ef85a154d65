/**
 * Scenario documents as the runner holds them once validated (SCENARIO.md): the topics,
 * the steps with one verb each and its arguments, and the expected end state.
 */
import type { JsonHeaders, JsonValue } from "../../workers/client/json-serde";

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
