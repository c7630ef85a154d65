/**
 * What the host (engine side, all Kafka I/O) and the processing runtime (user code, in its
 * own worker) say to each other. Everything here is plain data that survives a structured
 * clone: records are bytes, topics are the broker's names (internal ones with their
 * `<application.id>-` prefix), and one message carries a whole fetch, never one record.
 */
import type { RecordHeader } from "../../log/record-batch";
import type { StreamsEvent } from "../processor/events";

/** Loads the topology: compile (or take the given factory), build, plan partitions and tasks. */
export interface InitRequest {
  readonly type: "init";
  readonly applicationId: string;
  /** TypeScript source of topology.ts. */
  readonly source: string;
  /** The application's streams config as given (Kafka's names); tasks read it through appConfigs(). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Engine clock now: wall-clock punctuations and currentSystemTimeMs() start here. */
  readonly now: number;
  /** Whether to collect events for the workbench (costs time per record). */
  readonly events: boolean;
  /** Partition counts of every topic on the broker: the plan is made from them. */
  readonly topicPartitions: Readonly<Record<string, number>>;
}

/** Create the tasks this instance owns (closing the others). */
export interface AssignRequest {
  readonly type: "assign";
  /** Task ids `<sub-topology>_<partition>`; global store groups as `<group>_global`. */
  readonly tasks: readonly string[];
  readonly topicPartitions: Readonly<Record<string, number>>;
  readonly now: number;
}

export interface RestoreRecord {
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly timestamp: number;
}

/** Changelog records for one store of one task, before the task processes anything. */
export interface RestoreRequest {
  readonly type: "restore";
  readonly taskId: string;
  readonly store: string;
  readonly records: readonly RestoreRecord[];
}

export interface WireInputRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers?: readonly RecordHeader[];
}

/** One task's records, in the order the task is to process them (lowest timestamp first across its partitions). */
export interface TaskBatch {
  readonly taskId: string;
  readonly records: readonly WireInputRecord[];
}

/**
 * Process batches; first the engine clock moves to `now`, running wall-clock punctuations
 * that fell due. With no batches it only punctuates.
 */
export interface ProcessRequest {
  readonly type: "process";
  readonly now: number;
  readonly batches: readonly TaskBatch[];
  /** The batches packed into one transferred buffer (wire-codec.ts), instead of `batches`. */
  readonly packed?: ArrayBuffer;
  /** Answer with the outputs packed into `packedOutputs`. */
  readonly packOutputs?: boolean;
  /** Processors to watch from this request on, replacing the previous set; absent: unchanged. */
  readonly watch?: readonly string[];
}

export interface CloseRequest {
  readonly type: "close";
}

export type RuntimeRequest = InitRequest | AssignRequest | RestoreRequest | ProcessRequest | CloseRequest;

export interface SubtopologyPlan {
  readonly id: number;
  /** Broker names. */
  readonly sourceTopics: readonly string[];
  readonly repartitionSourceTopics: readonly string[];
  /** Fixed sink topics (a TopicNameExtractor's are known only per record). */
  readonly sinkTopics: readonly string[];
  readonly stores: readonly string[];
  /** Tasks = the largest partition count among its input topics. */
  readonly tasks: number;
}

export interface GlobalPlan {
  /** Node group id; its task id is `<id>_global`. */
  readonly id: number;
  readonly store: string;
  readonly topic: string;
}

export interface ChangelogPlan {
  readonly store: string;
  readonly topic: string;
  readonly subtopology: number;
  readonly partitions: number;
  /** Topic configs the changelog is created with. */
  readonly config: Readonly<Record<string, string>>;
}

export interface NodePlan {
  readonly name: string;
  readonly kind: "source" | "processor" | "sink";
  readonly subtopology: number;
  readonly children: readonly string[];
  readonly stores: readonly string[];
  /** Source topics, or the sink's topic when fixed (broker names). */
  readonly topics: readonly string[];
}

/** What the host needs to know of a topology to run it. */
export interface TopologyInfo {
  /** `topology.describe()`, Kafka's text. */
  readonly describe: string;
  readonly subtopologies: readonly SubtopologyPlan[];
  readonly globals: readonly GlobalPlan[];
  readonly repartitionTopics: ReadonlyArray<{ readonly topic: string; readonly partitions: number }>;
  readonly changelogs: readonly ChangelogPlan[];
  /** Source topics that must exist before the application starts. */
  readonly externalSourceTopics: readonly string[];
  readonly nodes: readonly NodePlan[];
}

export type InitReply =
  | { readonly ok: true; readonly info: TopologyInfo }
  /** Syntax or type errors, each `<applicationId>:<line>:<column>: <message>`. */
  | { readonly ok: false; readonly kind: "compile"; readonly diagnostics: readonly string[] }
  /** The module threw while loading or building, or the topology is invalid (TopologyException). */
  | { readonly ok: false; readonly kind: "load" | "topology"; readonly message: string; readonly stack?: string };

export interface WindowOfKey {
  readonly start: number;
  readonly end: number;
  readonly type: "time" | "session" | "sliding";
}

/** A record a task wrote, for the host to produce. */
export interface WireOutputRecord {
  readonly topic: string;
  /** Set by a StreamPartitioner, and for changelogs; the host fills it in from partitionKey before producing. */
  partition?: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly timestamp: number;
  /** Read-only in practice: shared between outputs that have none. */
  readonly headers: RecordHeader[];
  /** What the default partitioner hashes: the inner key of a windowed key. */
  readonly partitionKey: Uint8Array | null;
  readonly kind: "output" | "repartition" | "changelog";
  readonly taskId: string;
  readonly window?: WindowOfKey;
}

/** User code failed on a record (or in a punctuation): the application goes to ERROR. */
export interface ProcessingFailure {
  readonly taskId: string;
  /** The record being processed; null topic for a punctuation. */
  readonly topic: string | null;
  readonly partition: number;
  readonly offset: number;
  /** The innermost error, `Name: message` (what the user threw). */
  readonly message: string;
  /** Kafka's StreamsException text naming task, processor, topic, partition and offset. */
  readonly streamsMessage: string;
  /** Mapped to topology.ts lines, causes after `Caused by:`. */
  readonly stack: string;
  /** Where in topology.ts it was thrown, when known. */
  readonly line?: number;
  readonly column?: number;
}

/** A record a watched processor received (StreamTask.watchNode), as the workbench shows it. */
export interface WatchedRecord {
  readonly taskId: string;
  readonly node: string;
  /** Key and value as short text; null for null. */
  readonly key: string | null;
  readonly value: string | null;
  readonly timestamp: number;
  /** The input record behind it; a null topic when a punctuation forwarded it. */
  readonly topic: string | null;
  readonly partition: number;
  readonly offset: number;
  /** Records the node's children received from it: 0 when it forwarded nothing (a filter that said no). */
  readonly forwarded: number;
}

export interface ProcessReply {
  readonly outputs: WireOutputRecord[];
  /** The outputs packed into one buffer (when the request asked for it); `outputs` is then empty. */
  readonly packedOutputs?: ArrayBuffer;
  /** Per batch of the request: how many of its records were processed. */
  readonly done: number[];
  readonly failure?: ProcessingFailure;
  /** Records skipped by deserialization.exception.handler / processing.exception.handler = logAndContinue. */
  readonly skipped: number;
  /** Records dropped by operators (late, null keys…), since the task started. */
  readonly dropped: number;
  readonly events: StreamsEvent[];
  readonly eventsDropped: number;
  /** When the next wall-clock punctuation is due (engine clock), null if none. */
  readonly nextWallClockDue: number | null;
  /** Stream time per task. */
  readonly streamTimes: Readonly<Record<string, number>>;
  /** The newest records of each watched processor (at most WATCHED_PER_NODE per node), oldest first. */
  readonly watched?: WatchedRecord[];
}

/** Records of a watched processor one reply carries, and the workbench keeps. */
export const WATCHED_PER_NODE = 20;

export interface AssignReply {
  /** Stores per task that have a changelog to restore from. */
  readonly restore: ReadonlyArray<{ readonly taskId: string; readonly store: string; readonly topic: string; readonly partition: number }>;
}

export interface RestoreReply {
  readonly restored: number;
}

export type RuntimeReply = InitReply | AssignReply | RestoreReply | ProcessReply | { readonly closed: true };

/** Buffers of a reply that move to the host instead of being copied. */
export function transferablesOf(reply: RuntimeReply): ArrayBuffer[] {
  return "packedOutputs" in reply && reply.packedOutputs ? [reply.packedOutputs] : [];
}

/** Task id of a global store group. */
export function globalTaskId(groupId: number): string {
  return `${groupId}_global`;
}

export function parseTaskId(id: string): { group: number; partition: number | "global" } {
  const cut = id.indexOf("_");
  const group = Number(id.slice(0, cut));
  const rest = id.slice(cut + 1);
  return { group, partition: rest === "global" ? "global" : Number(rest) };
}
