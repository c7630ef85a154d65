/**
 * What the headless runner (and later the workbench) needs from a running engine: the
 * scenario verbs, in Kafka's terms. Implemented by `workers/engine/engine.ts`.
 */
import type { RecordHeader } from "../log/record-batch";
import type { ApplicationDescription } from "../streams/runtime/application-host";
import type { RestartRequest } from "../streams/runtime/applications";
import type { WindowedKeyFormat } from "../streams/runtime/key-formats";

export type { ApplicationDescription, RestartRequest, WindowedKeyFormat };
export type { SqlExecution } from "../sql/engine/results";
import type { SqlExecution } from "../sql/engine/results";

/** The `topology` verb: a stream application. */
export interface TopologyRequest {
  applicationId: string;
  /** TypeScript source of topology.ts. */
  source: string;
  /** Streams config by Kafka's names (processing.guarantee, commit.interval.ms, consumer and producer configs…). */
  config?: Record<string, string | number | boolean>;
}

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor?: number;
  /** Kafka topic config names; values as written in the scenario (numbers or strings). */
  config?: Record<string, string | number | boolean>;
}

export interface ProduceRecord {
  key: Uint8Array | null;
  value: Uint8Array | null;
  /** Default: the engine clock's now. */
  timestamp?: number;
  /** Default: Kafka's default partitioner (murmur2 of the key; sticky for null keys). */
  partition?: number;
  headers?: RecordHeader[];
}

export interface ProduceOptions {
  /** Producer config by Kafka's names (acks, enable.idempotence, transactional.id, batch.size, linger.ms, …). */
  config?: Record<string, string | number | boolean>;
  acks?: 0 | 1 | -1 | "all";
  idempotent?: boolean;
  transactional?: boolean;
}

export interface StoredRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: RecordHeader[];
}

export interface MemberRequest {
  groupId: string;
  /** The scenario's name for the consumer; it is also its client.id. */
  memberId: string;
}

export interface JoinRequest extends MemberRequest {
  topics: string[];
  /** range, roundrobin, sticky or cooperative-sticky (default: Kafka's range, cooperative-sticky list). */
  assignor?: string;
  /** Consumer config by Kafka's names (auto.offset.reset, enable.auto.commit, session.timeout.ms, …). */
  config?: Record<string, string | number | boolean>;
}

export interface PollRequest extends MemberRequest {
  /** At most this many records (default max.poll.records). */
  max?: number;
}

export interface CommitRequest extends MemberRequest {
  /** "topic-partition" → offset; absent = the member's current positions. */
  offsets?: Record<string, number>;
}

export interface SeekRequest extends MemberRequest {
  /** "topic-partition". */
  partition: string;
  /** An offset, the log start, the end, or the first record at or after a time. */
  offset: number | "earliest" | "latest" | { timestamp: number };
}

/** One consumer group, as `--groups` prints it. */
export interface GroupSummary {
  group: string;
  /** Kafka's state name: Empty, PreparingRebalance, CompletingRebalance, Stable, Dead. */
  state: string;
  generation: number;
  /** Member (client id) → partitions as "topic-partition". */
  assignments: Record<string, string[]>;
  /** "topic-partition" → committed offset. */
  committed: Record<string, number>;
  /** "topic-partition" → end offset minus committed offset. */
  lag: Record<string, number>;
}

export interface EnginePort {
  createTopic(spec: TopicSpec): Promise<void>;
  hasTopic(name: string): boolean;
  partitionCount(topic: string): number;
  produce(topic: string, records: ProduceRecord[], options?: ProduceOptions): Promise<void>;
  /** Move the virtual clock, running everything that falls due (retention, cleaner, rolls, timeouts). */
  advance(ms: number): Promise<void>;
  roll(topic: string, partition?: number): Promise<void>;
  /** Run the topic's cleanup now as its cleanup.policy says. */
  clean(topic: string): Promise<void>;
  /** Stop the whole engine and start it again from its storage. */
  restart(): Promise<void>;
  /** Every record still in the topic (data records only), by partition then offset. */
  readAll(topic: string): Promise<StoredRecord[]>;
  /** A consumer joins a group; the rebalance it causes completes before this resolves. */
  join(req: JoinRequest): Promise<void>;
  /** A consumer closes: commits if auto commit is on, sends LeaveGroup; the group rebalances. */
  leave(req: MemberRequest): Promise<void>;
  /** A consumer stops heartbeating; it is evicted after session.timeout.ms of `advance`. */
  crash(req: MemberRequest): Promise<void>;
  /** The member's next records (markers and, for read_committed, aborted records never appear). */
  poll(req: PollRequest): Promise<StoredRecord[]>;
  /** commitSync; resolves to the offsets committed. */
  commit(req: CommitRequest): Promise<Record<string, number>>;
  /** Moves the member's position on one of its partitions; resolves to the new position. */
  seek(req: SeekRequest): Promise<number>;
  /** Every group the broker knows, sorted by group id. */
  describeGroups(): Promise<GroupSummary[]>;
  /** Drive everything to rest: groups, and every running stream application to quiescence. */
  settle(): Promise<void>;
  /** Start a stream application; compile errors and invalid topologies throw. */
  startApplication(req: TopologyRequest): Promise<ApplicationDescription>;
  stopApplication(applicationId: string): Promise<ApplicationDescription>;
  restartApplication(req: RestartRequest): Promise<ApplicationDescription>;
  /** Every stream application, sorted by id: state, tasks, topology, stats, failure. */
  describeApplications(): ApplicationDescription[];
  /** Set when stream applications wrote windowed keys to the topic. */
  windowedKeyFormat(topic: string): WindowedKeyFormat | undefined;
  /** Runs ksqlDB statements; the first one that fails stops the rest and is described in `error`. */
  executeSql(text: string): Promise<SqlExecution>;
  close(): Promise<void>;
}
