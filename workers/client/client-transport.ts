/**
 * What the client API (producer, consumer, admin) needs from a broker, as Kafka's requests:
 * Metadata, Produce, Fetch, ListOffsets, the transaction calls, the admin calls and the
 * classic group protocol.
 *
 * Every method is async and takes and returns plain data (numbers, strings, arrays, plain
 * objects, Uint8Array payloads), so the same interface can be implemented over a worker
 * boundary: in the browser the broker worker exposes an {@link InProcessTransport} through
 * Comlink (wrapped by `seamSafeTransport`, so KafkaErrors keep their names) and the page
 * wraps the remote with `errorRebuildingTransport`. In Node and tests the client calls an
 * `InProcessTransport` over a `Broker` directly.
 *
 * Failures: calls about one thing (commit, produce to one partition, list one offset) reject
 * with a KafkaError; calls about many things (fetch, create topics, delete groups) answer
 * per item, as Kafka's responses do, so one bad partition does not hide the others.
 */
import type { IsolationLevel } from "../broker/partition";
import type { GroupDescription } from "../groups/group-coordinator";
import type {
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  OffsetCommitRequest,
  SyncGroupRequest,
  SyncGroupResponse,
} from "../groups/group-protocol";
import type { GroupState } from "../groups/group-state";
import type { CommittedOffset } from "../groups/offset-store";
import type { SeamError } from "../protocol/seam-error";
import type { TopicConfigEntry } from "../protocol/topic-config";
import type { AbortedTransaction } from "./visible-records";

/** A per-item failure: the KafkaError's name and message, as `KafkaError.toJSON()` gives them. */
export type ItemError = SeamError;

// ---- metadata ----

export interface MetadataRequest {
  /** Topics to describe; all topics when absent. */
  readonly topics?: readonly string[];
  /** Create missing topics (if the broker's auto.create.topics.enable allows it). */
  readonly allowAutoTopicCreation?: boolean;
}

export interface TopicMetadata {
  readonly name: string;
  /** UNKNOWN_TOPIC_OR_PARTITION for a topic that does not exist (and was not created). */
  readonly error: ItemError | null;
  readonly internal: boolean;
  /** Partition count; 0 with an error. */
  readonly partitions: number;
}

export interface MetadataResponse {
  /** The broker's node id (a single broker leads every partition). */
  readonly brokerId: number;
  readonly topics: readonly TopicMetadata[];
}

// ---- produce ----

export interface ProduceRequest {
  readonly topic: string;
  readonly partition: number;
  /** One or more encoded RecordBatch v2, back to back. */
  readonly records: Uint8Array;
}

export interface ProduceResponse {
  readonly baseOffset: number;
  readonly lastOffset: number;
  /** -1 unless the topic uses LogAppendTime. */
  readonly logAppendTime: number;
  readonly logStartOffset: number;
}

// ---- fetch and offsets ----

export interface FetchPartitionRequest {
  readonly topic: string;
  readonly partition: number;
  readonly fetchOffset: number;
  /** max.partition.fetch.bytes (the first batch is returned whole even if larger). */
  readonly maxBytes: number;
}

export interface FetchRequest {
  readonly isolationLevel: IsolationLevel;
  /** fetch.max.wait.ms: how long the broker may hold the request waiting for minBytes. */
  readonly maxWaitMs: number;
  /** fetch.min.bytes */
  readonly minBytes: number;
  /** fetch.max.bytes across partitions (the first batch is returned whole even if larger). */
  readonly maxBytes: number;
  readonly partitions: readonly FetchPartitionRequest[];
}

export interface FetchPartitionResponse {
  readonly topic: string;
  readonly partition: number;
  /** OFFSET_OUT_OF_RANGE, UNKNOWN_TOPIC_OR_PARTITION, … for this partition only. */
  readonly error: ItemError | null;
  readonly fetchOffset: number;
  readonly highWatermark: number;
  readonly lastStableOffset: number;
  readonly logStartOffset: number;
  /** Whole batches as stored; the first may start below the fetch offset. */
  readonly records: Uint8Array;
  /** The offset after the last batch returned (the fetch offset when none was). */
  readonly nextOffset: number;
  /** read_committed: transactions aborted inside the returned range. */
  readonly abortedTransactions: readonly AbortedTransaction[];
}

export interface FetchResponse {
  readonly partitions: readonly FetchPartitionResponse[];
}

/** ListOffsets: log start, end (HW, or LSO for read_committed), or the first offset at or after a time. */
export type OffsetSpec = "earliest" | "latest" | { readonly timestamp: number };

export interface ListOffsetsRequest {
  readonly isolationLevel: IsolationLevel;
  readonly partitions: readonly { readonly topic: string; readonly partition: number; readonly spec: OffsetSpec }[];
}

export interface ListOffsetsResponse {
  /** offset -1 when no record has a timestamp at or after the one asked for. */
  readonly partitions: readonly { readonly topic: string; readonly partition: number; readonly offset: number; readonly timestamp: number }[];
}

// ---- producer ids and transactions ----

export interface InitProducerIdRequest {
  readonly transactionalId?: string | null;
  readonly transactionTimeoutMs?: number;
}

export interface ProducerIdentity {
  readonly producerId: number;
  readonly producerEpoch: number;
}

export interface TransactionRequest extends ProducerIdentity {
  readonly transactionalId: string;
}

export interface AddPartitionsToTxnRequest extends TransactionRequest {
  /** `topic-partition` names. */
  readonly partitions: readonly string[];
}

export interface AddOffsetsToTxnRequest extends TransactionRequest {
  readonly groupId: string;
  /** `topic-partition` -> offset of the next record to read. */
  readonly offsets: Readonly<Record<string, number>>;
}

export interface EndTxnRequest extends TransactionRequest {
  readonly commit: boolean;
}

// ---- admin ----

export interface NewTopic {
  readonly name: string;
  /** Default: the broker's num.partitions. */
  readonly partitions?: number;
  readonly replicationFactor?: number;
  /** Topic config overrides by Kafka's names. */
  readonly config?: Readonly<Record<string, string | number | boolean>>;
}

export interface TopicResult {
  readonly name: string;
  readonly error: ItemError | null;
}

export interface CreateTopicsRequest {
  readonly topics: readonly NewTopic[];
  /** Check everything, create nothing. */
  readonly validateOnly?: boolean;
}

export interface CreatePartitionsRequest {
  readonly topics: readonly { readonly name: string; readonly count: number }[];
  readonly validateOnly?: boolean;
}

export interface TopicConfigsResult {
  readonly name: string;
  readonly error: ItemError | null;
  readonly entries: readonly TopicConfigEntry[];
}

export interface AlterTopicConfigsRequest {
  readonly topics: readonly {
    readonly name: string;
    /** Keys to set, by Kafka's names. */
    readonly set: Readonly<Record<string, string>>;
    /** Keys to put back to their defaults. */
    readonly reset: readonly string[];
  }[];
  readonly validateOnly?: boolean;
}

export interface DeleteRecordsRequest {
  /** Delete records before `offset`; -1 means up to the high watermark. */
  readonly partitions: readonly { readonly topic: string; readonly partition: number; readonly offset: number }[];
}

export interface DeleteRecordsResponse {
  readonly partitions: readonly {
    readonly topic: string;
    readonly partition: number;
    readonly lowWatermark: number;
    readonly error: ItemError | null;
  }[];
}

// ---- groups ----

export interface FetchOffsetsRequest {
  readonly groupId: string;
  /** `topic-partition` names; every committed partition of the group when absent. */
  readonly partitions?: readonly string[];
}

export interface GroupOverview {
  readonly groupId: string;
  readonly state: GroupState;
  readonly protocolType: string | null;
}

export interface GroupResult {
  readonly groupId: string;
  readonly error: ItemError | null;
}

export interface ClientTransport {
  metadata(request: MetadataRequest): Promise<MetadataResponse>;

  produce(request: ProduceRequest): Promise<ProduceResponse>;
  /** May be held by the broker up to maxWaitMs until minBytes are there. */
  fetch(request: FetchRequest): Promise<FetchResponse>;
  listOffsets(request: ListOffsetsRequest): Promise<ListOffsetsResponse>;

  initProducerId(request: InitProducerIdRequest): Promise<ProducerIdentity>;
  addPartitionsToTxn(request: AddPartitionsToTxnRequest): Promise<void>;
  addOffsetsToTxn(request: AddOffsetsToTxnRequest): Promise<void>;
  endTxn(request: EndTxnRequest): Promise<void>;

  createTopics(request: CreateTopicsRequest): Promise<readonly TopicResult[]>;
  deleteTopics(request: { readonly topics: readonly string[] }): Promise<readonly TopicResult[]>;
  createPartitions(request: CreatePartitionsRequest): Promise<readonly TopicResult[]>;
  describeTopicConfigs(request: { readonly topics: readonly string[] }): Promise<readonly TopicConfigsResult[]>;
  alterTopicConfigs(request: AlterTopicConfigsRequest): Promise<readonly TopicResult[]>;
  deleteRecords(request: DeleteRecordsRequest): Promise<DeleteRecordsResponse>;

  /** May be held by the coordinator until the join phase ends. */
  joinGroup(request: JoinGroupRequest): Promise<JoinGroupResponse>;
  /** A follower's SyncGroup may be held until the leader's arrives. */
  syncGroup(request: SyncGroupRequest): Promise<SyncGroupResponse>;
  heartbeat(request: HeartbeatRequest): Promise<HeartbeatResponse>;
  leaveGroup(request: LeaveGroupRequest): Promise<LeaveGroupResponse>;
  /** OffsetCommit; rejects with UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS, … */
  commitOffsets(request: OffsetCommitRequest): Promise<void>;
  /** OffsetFetch: `topic-partition` -> committed offset; absent partitions have none. */
  fetchOffsets(request: FetchOffsetsRequest): Promise<Record<string, CommittedOffset>>;
  /** DescribeGroups; an unknown group is described as Dead with no members, as Kafka answers. */
  describeGroups(request: { readonly groupIds: readonly string[] }): Promise<readonly GroupDescription[]>;
  listGroups(): Promise<readonly GroupOverview[]>;
  /** DeleteGroups: only groups without members; their committed offsets go too. */
  deleteGroups(request: { readonly groupIds: readonly string[] }): Promise<readonly GroupResult[]>;
}

/** Every method of {@link ClientTransport}, for wrappers that must forward all of them. */
export const CLIENT_TRANSPORT_METHODS = [
  "metadata",
  "produce",
  "fetch",
  "listOffsets",
  "initProducerId",
  "addPartitionsToTxn",
  "addOffsetsToTxn",
  "endTxn",
  "createTopics",
  "deleteTopics",
  "createPartitions",
  "describeTopicConfigs",
  "alterTopicConfigs",
  "deleteRecords",
  "joinGroup",
  "syncGroup",
  "heartbeat",
  "leaveGroup",
  "commitOffsets",
  "fetchOffsets",
  "describeGroups",
  "listGroups",
  "deleteGroups",
] as const satisfies readonly (keyof ClientTransport)[];

// A method missing from the list would be dropped by the wrappers.
type Unlisted = Exclude<keyof ClientTransport, (typeof CLIENT_TRANSPORT_METHODS)[number]>;
const _everyMethodListed: [Unlisted] extends [never] ? true : Unlisted = true;
void _everyMethodListed;

/** Requests that may wait at the broker for other clients or for time to pass. */
export const PARKING_METHODS: ReadonlySet<keyof ClientTransport> = new Set(["fetch", "joinGroup", "syncGroup"]);
