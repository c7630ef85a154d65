import type { TopicPartition } from "./topic-partition";
import { compareStrings } from "./topic-partition";

/**
 * EAGER: every member gives up all its partitions before it rejoins. COOPERATIVE (KIP-429):
 * members keep their partitions through the rebalance and only give up those the assignor
 * takes away from them, which then need a second rebalance to land on their new owner.
 */
export type RebalanceProtocol = "EAGER" | "COOPERATIVE";

/** What the group leader knows about one member when it runs the assignor. */
export interface MemberSubscription {
  readonly memberId: string;
  readonly topics: readonly string[];
  /** group.instance.id of a static member (KIP-345). */
  readonly groupInstanceId?: string;
  /**
   * Partitions the member held in generation {@link generation}. The sticky assignors keep
   * them where they can; the others ignore them.
   */
  readonly ownedPartitions?: readonly TopicPartition[];
  /** Generation in which {@link ownedPartitions} were owned; absent when the member does not know. */
  readonly generation?: number;
}

/** memberId -> partitions assigned to it; every member of the input appears, possibly with []. */
export type GroupAssignment = Record<string, TopicPartition[]>;

/** Kafka's ConsumerPartitionAssignor, reduced to what runs inside the group leader. */
export interface PartitionAssignor {
  /** The protocol name members advertise in JoinGroup (`range`, `cooperative-sticky`, ...). */
  readonly name: string;
  /** Protocols this assignor can work under, least advanced first. */
  readonly supportedProtocols: readonly RebalanceProtocol[];
  /** True when the assignor supports the cooperative protocol. */
  readonly cooperative: boolean;
  /**
   * @param partitionsPerTopic partition counts of the topics the members subscribe to; topics
   *   missing here (unknown to metadata) are skipped, as Kafka skips topics without metadata.
   */
  assign(members: readonly MemberSubscription[], partitionsPerTopic: Readonly<Record<string, number>>): GroupAssignment;
}

/**
 * The rebalance protocol a consumer uses: the most advanced one that every assignor it is
 * configured with supports (ConsumerCoordinator's constructor). The 3.x default list
 * [range, cooperative-sticky] therefore runs EAGER.
 */
export function rebalanceProtocolFor(assignors: readonly PartitionAssignor[]): RebalanceProtocol {
  if (assignors.length === 0) return "EAGER";
  const common = (["EAGER", "COOPERATIVE"] as const).filter((p) => assignors.every((a) => a.supportedProtocols.includes(p)));
  const best = common[common.length - 1];
  if (best === undefined) {
    throw new RangeError(`assignors ${assignors.map((a) => a.name).join(", ")} have no commonly supported rebalance protocol`);
  }
  return best;
}

/**
 * Kafka's MemberInfo ordering, used by range and roundrobin: static members first, ordered by
 * group.instance.id, then dynamic members by member id. Static members sorting by their
 * stable instance id is what keeps their assignment the same across restarts.
 */
export function compareMembers(a: MemberSubscription, b: MemberSubscription): number {
  if (a.groupInstanceId !== undefined && b.groupInstanceId !== undefined) {
    return compareStrings(a.groupInstanceId, b.groupInstanceId);
  }
  if (a.groupInstanceId !== undefined) return -1;
  if (b.groupInstanceId !== undefined) return 1;
  return compareStrings(a.memberId, b.memberId);
}

/**
 * The partition counts an assignor works on: only topics some member subscribes to and that
 * have at least one partition (AbstractPartitionAssignor drops the others before assigning).
 */
export function subscribedPartitionCounts(
  members: readonly MemberSubscription[],
  partitionsPerTopic: Readonly<Record<string, number>>,
): Map<string, number> {
  const subscribed = new Set<string>();
  for (const m of members) for (const t of m.topics) subscribed.add(t);
  const out = new Map<string, number>();
  for (const topic of [...subscribed].sort(compareStrings)) {
    const n = partitionsPerTopic[topic];
    if (n !== undefined && n > 0) out.set(topic, n);
  }
  return out;
}

export function checkUniqueMembers(members: readonly MemberSubscription[], assignor: string): void {
  const seen = new Set<string>();
  for (const m of members) {
    if (seen.has(m.memberId)) throw new RangeError(`${assignor} assignor: member ${m.memberId} appears twice`);
    seen.add(m.memberId);
  }
}
