import type { KafkaErrorName } from "../protocol/errors";
import type { TopicPartition } from "./topic-partition";

/**
 * The classic group protocol's requests and responses (JoinGroup, SyncGroup, Heartbeat,
 * LeaveGroup, OffsetCommit), as plain objects. The consumer protocol's metadata and
 * assignment, which Kafka carries as opaque bytes, are structured here so the UI can show them.
 */

/** The protocol type consumers use ("consumer"); Kafka Connect uses "connect". */
export const CONSUMER_PROTOCOL_TYPE = "consumer";

/** JoinGroup's memberId on a first join (JoinGroupRequest.UNKNOWN_MEMBER_ID). */
export const UNKNOWN_MEMBER_ID = "";

/** Generation of a member that is not in a group (and of commits from outside group management). */
export const NO_GENERATION_ID = -1;

/** A consumer's subscription as it sends it for one assignor (ConsumerProtocolSubscription). */
export interface ConsumerSubscriptionMetadata {
  readonly topics: readonly string[];
  /** Partitions the member currently owns (empty for eager members, which revoked everything before joining). */
  readonly ownedPartitions: readonly TopicPartition[];
  /** The member's generation when it sent this, -1 if it had none. */
  readonly generationId: number;
  /**
   * The eager sticky assignor's user data: the member's last assignment and its generation,
   * which it remembers even though it revoked those partitions before rejoining.
   */
  readonly userData?: { readonly previousAssignment: readonly TopicPartition[]; readonly generation: number };
}

/** One entry of JoinGroup's protocol list: an assignor name and the subscription for it. */
export interface GroupProtocol {
  readonly name: string;
  readonly metadata: ConsumerSubscriptionMetadata;
}

/** What the leader hands a member for one generation (ConsumerProtocolAssignment). */
export interface MemberAssignment {
  readonly partitions: readonly TopicPartition[];
}

export const EMPTY_ASSIGNMENT: MemberAssignment = Object.freeze({ partitions: Object.freeze([]) as readonly TopicPartition[] });

export interface JoinGroupRequest {
  readonly groupId: string;
  /** {@link UNKNOWN_MEMBER_ID} on the first join. */
  readonly memberId: string;
  readonly groupInstanceId?: string;
  readonly clientId?: string;
  readonly sessionTimeoutMs: number;
  /** max.poll.interval.ms for consumers. */
  readonly rebalanceTimeoutMs: number;
  readonly protocolType: string;
  /** In order of preference. */
  readonly protocols: readonly GroupProtocol[];
  readonly reason?: string;
}

export interface JoinGroupMember {
  readonly memberId: string;
  readonly groupInstanceId?: string;
  readonly metadata: ConsumerSubscriptionMetadata;
}

export interface JoinGroupResponse {
  readonly error: KafkaErrorName | null;
  readonly memberId: string;
  readonly generationId: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly leader: string;
  /** True for a static leader that rejoined without a rebalance: it must not compute a new assignment. */
  readonly skipAssignment: boolean;
  /** Every member's subscription for the chosen protocol; only the leader receives them. */
  readonly members: readonly JoinGroupMember[];
}

export interface SyncGroupRequest {
  readonly groupId: string;
  readonly memberId: string;
  readonly groupInstanceId?: string;
  readonly generationId: number;
  readonly protocolType?: string;
  readonly protocolName?: string;
  /** The leader sends every member's assignment; followers send none. */
  readonly assignments: readonly { readonly memberId: string; readonly assignment: MemberAssignment }[];
}

export interface SyncGroupResponse {
  readonly error: KafkaErrorName | null;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly assignment: MemberAssignment;
}

export interface HeartbeatRequest {
  readonly groupId: string;
  readonly memberId: string;
  readonly groupInstanceId?: string;
  readonly generationId: number;
}

export interface HeartbeatResponse {
  readonly error: KafkaErrorName | null;
}

export interface LeaveGroupRequest {
  readonly groupId: string;
  /** A member id, or {@link UNKNOWN_MEMBER_ID} with a group instance id to remove a static member administratively. */
  readonly members: readonly { readonly memberId: string; readonly groupInstanceId?: string; readonly reason?: string }[];
}

export interface LeaveGroupResponse {
  /** A group-level error (the group is Dead); member errors are per member. */
  readonly error: KafkaErrorName | null;
  readonly members: readonly { readonly memberId: string; readonly groupInstanceId?: string; readonly error: KafkaErrorName | null }[];
}

export interface OffsetCommitRequest {
  readonly groupId: string;
  /** "" with generation -1 for commits from outside group management (a simple group). */
  readonly memberId: string;
  readonly groupInstanceId?: string;
  readonly generationId: number;
  /** `topic-partition` -> offset (the next record to read) and optional metadata. */
  readonly offsets: Readonly<Record<string, { readonly offset: number; readonly metadata?: string }>>;
}

/** A JoinGroup answer carrying only an error (and the member id the member should use next). */
export function joinError(error: KafkaErrorName, memberId: string): JoinGroupResponse {
  return {
    error,
    memberId,
    generationId: NO_GENERATION_ID,
    protocolType: null,
    protocolName: null,
    leader: "",
    skipAssignment: false,
    members: [],
  };
}

/** A SyncGroup answer carrying only an error. */
export function syncError(error: KafkaErrorName): SyncGroupResponse {
  return { error, protocolType: null, protocolName: null, assignment: EMPTY_ASSIGNMENT };
}
