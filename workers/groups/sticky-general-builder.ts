import type { MemberSubscription } from "./assignor";
import { NO_GENERATION } from "./sticky-claims";
import type { StickyBuildResult } from "./sticky-constrained-builder";
import type { TopicPartition } from "./topic-partition";
import { compareStrings, sameTp, tpKey } from "./topic-partition";

interface PreviousOwner {
  readonly member: string;
  readonly generation: number;
}

/**
 * AbstractStickyAssignor's GeneralAssignmentBuilder, used when members subscribe to different
 * topics (no rack awareness here):
 *
 * 1. keep every claimed partition whose topic the claimant still subscribes to;
 * 2. hand out the rest one by one to the least loaded subscribed member;
 * 3. move partitions from members with at least two more than another subscriber of the same
 *    topic, preferring to send a partition back to its owner of the generation before last,
 *    and undoing a move that would create a ping-pong between two members;
 * 4. when the group was not empty before and the moves did not improve the balance score,
 *    go back to the assignment of step 2.
 *
 * Where Kafka walks hash maps, members are visited in member id order and topics in name order.
 */
export function buildGeneralAssignment(
  partitionCounts: ReadonlyMap<string, number>,
  members: readonly MemberSubscription[],
  owned: ReadonlyMap<string, readonly TopicPartition[]>,
  maxGeneration: number,
): StickyBuildResult {
  return new GeneralBuilder(partitionCounts, members, owned, maxGeneration).build();
}

class PartitionMovements {
  /** tpKey -> [source member, current member] of a partition that moved during this assignment. */
  private readonly byPartition = new Map<string, { src: string; dst: string; tp: TopicPartition }>();
  /** topic -> "src\u0000dst" -> partitions moved along that pair, in the order they moved. */
  private readonly byTopic = new Map<string, Map<string, Map<string, TopicPartition>>>();

  private static pair(src: string, dst: string): string {
    return `${src}\u0000${dst}`;
  }

  private add(p: TopicPartition, src: string, dst: string): void {
    const key = tpKey(p);
    this.byPartition.set(key, { src, dst, tp: p });
    let pairs = this.byTopic.get(p.topic);
    if (!pairs) this.byTopic.set(p.topic, (pairs = new Map()));
    const pair = PartitionMovements.pair(src, dst);
    let parts = pairs.get(pair);
    if (!parts) pairs.set(pair, (parts = new Map()));
    parts.set(key, p);
  }

  private remove(p: TopicPartition): { src: string; dst: string } {
    const key = tpKey(p);
    const record = this.byPartition.get(key)!;
    this.byPartition.delete(key);
    const pairs = this.byTopic.get(p.topic)!;
    const pair = PartitionMovements.pair(record.src, record.dst);
    const parts = pairs.get(pair)!;
    parts.delete(key);
    if (parts.size === 0) pairs.delete(pair);
    if (pairs.size === 0) this.byTopic.delete(p.topic);
    return record;
  }

  move(p: TopicPartition, oldOwner: string, newOwner: string): void {
    if (this.byPartition.has(tpKey(p))) {
      const previous = this.remove(p);
      // Moving back to where it started erases the movement altogether.
      if (previous.src !== newOwner) this.add(p, previous.src, newOwner);
    } else {
      this.add(p, oldOwner, newOwner);
    }
  }

  /**
   * When some partition of the same topic already went from `newOwner` to the member the
   * partition originally came from, move that one back instead: it keeps partitions from
   * bouncing between two members.
   */
  actualPartitionToMove(p: TopicPartition, oldOwner: string, newOwner: string): TopicPartition {
    const pairs = this.byTopic.get(p.topic);
    if (!pairs) return p;
    const record = this.byPartition.get(tpKey(p));
    const origin = record ? record.src : oldOwner;
    const reverse = pairs.get(PartitionMovements.pair(newOwner, origin));
    if (!reverse) return p;
    return reverse.values().next().value as TopicPartition;
  }
}

class GeneralBuilder {
  private readonly topicConsumers = new Map<string, string[]>();
  private readonly consumerTopics = new Map<string, string[]>();
  private readonly subscriptions = new Map<string, ReadonlySet<string>>();
  /** Members taking part in balancing, with their current partitions. */
  private current = new Map<string, TopicPartition[]>();
  private owner = new Map<string, string>();
  private readonly sortedAllPartitions: TopicPartition[] = [];
  private readonly movements = new PartitionMovements();
  private revocationRequired = false;
  private readonly totalPartitions: number;

  constructor(
    private readonly partitionCounts: ReadonlyMap<string, number>,
    private readonly members: readonly MemberSubscription[],
    owned: ReadonlyMap<string, readonly TopicPartition[]>,
    private readonly maxGeneration: number,
  ) {
    let total = 0;
    for (const topic of [...partitionCounts.keys()].sort(compareStrings)) {
      this.topicConsumers.set(topic, []);
      total += partitionCounts.get(topic)!;
    }
    this.totalPartitions = total;
    const sortedMembers = [...members].sort((a, b) => compareStrings(a.memberId, b.memberId));
    for (const m of sortedMembers) {
      this.subscriptions.set(m.memberId, new Set(m.topics));
      const topics = m.topics.filter((t) => partitionCounts.has(t));
      this.consumerTopics.set(m.memberId, topics);
      for (const t of topics) this.topicConsumers.get(t)!.push(m.memberId);
      this.current.set(m.memberId, [...(owned.get(m.memberId) ?? [])]);
    }
    for (const [member, list] of this.current) for (const p of list) this.owner.set(tpKey(p), member);

    const sortedTopics = [...this.topicConsumers.keys()].sort(
      (a, b) => this.topicConsumers.get(a)!.length - this.topicConsumers.get(b)!.length || compareStrings(a, b),
    );
    for (const topic of sortedTopics) {
      const count = partitionCounts.get(topic)!;
      for (let partition = 0; partition < count; partition++) this.sortedAllPartitions.push({ topic, partition });
    }
  }

  build(): StickyBuildResult {
    const previous = this.previousOwners();
    const assigned = this.keepOwnedPartitions();
    const unassigned = this.sortedAllPartitions.filter((p) => !assigned.has(tpKey(p)));
    this.balance(previous, unassigned);
    return { assignment: this.current, transferring: null };
  }

  /**
   * Owners from the generation before the newest one: when balancing has to move a partition,
   * going back to that member is the stickiest choice.
   */
  private previousOwners(): Map<string, PreviousOwner> {
    const previous = new Map<string, PreviousOwner>();
    const remember = (partitions: readonly TopicPartition[], member: string, generation: number) => {
      for (const p of partitions) {
        const key = tpKey(p);
        const known = previous.get(key);
        if (!known || generation > known.generation) previous.set(key, { member, generation });
      }
    };
    for (const m of [...this.members].sort((a, b) => compareStrings(a.memberId, b.memberId))) {
      const owned = m.ownedPartitions ?? [];
      if (m.generation !== undefined && m.generation < this.maxGeneration) remember(owned, m.memberId, m.generation);
      else if (m.generation === undefined && this.maxGeneration > NO_GENERATION) remember(owned, m.memberId, NO_GENERATION);
    }
    return previous;
  }

  private keepOwnedPartitions(): Set<string> {
    const assigned = new Set<string>();
    for (const [member, list] of this.current) {
      const subscribed = this.subscriptions.get(member)!;
      const kept: TopicPartition[] = [];
      for (const p of list) {
        if (!this.topicConsumers.has(p.topic)) {
          this.owner.delete(tpKey(p));
        } else if (!subscribed.has(p.topic)) {
          // Kafka leaves the stale owner entry in place here; the partition is unassigned
          // and gets a new owner below, which overwrites it.
          this.revocationRequired = true;
        } else {
          kept.push(p);
          assigned.add(tpKey(p));
        }
      }
      this.current.set(member, kept);
    }
    return assigned;
  }

  private size(member: string): number {
    return this.current.get(member)!.length;
  }

  /** Members in balancing order: fewest partitions first, then member id. */
  private sortedMembers(): string[] {
    return [...this.current.keys()].sort((a, b) => this.size(a) - this.size(b) || compareStrings(a, b));
  }

  private maxAssignmentSize(member: string): number {
    const topics = this.consumerTopics.get(member)!;
    if (topics.length === this.partitionCounts.size) return this.totalPartitions;
    let n = 0;
    for (const t of topics) n += this.partitionCounts.get(t)!;
    return n;
  }

  private canTopicMove(topic: string): boolean {
    return this.topicConsumers.get(topic)!.length >= 2;
  }

  private canMemberTakePart(member: string): boolean {
    const list = this.current.get(member)!;
    if (list.length < this.maxAssignmentSize(member)) return true;
    return list.some((p) => this.canTopicMove(p.topic));
  }

  private isBalanced(): boolean {
    const order = this.sortedMembers();
    if (order.length === 0) return true;
    const min = this.size(order[0]!);
    const max = this.size(order[order.length - 1]!);
    if (min >= max - 1) return true;
    for (const member of order) {
      const count = this.size(member);
      if (count === this.maxAssignmentSize(member)) continue;
      const mine = this.current.get(member)!;
      for (const topic of this.consumerTopics.get(member)!) {
        const n = this.partitionCounts.get(topic)!;
        for (let partition = 0; partition < n; partition++) {
          if (mine.some((p) => p.topic === topic && p.partition === partition)) continue;
          const other = this.owner.get(`${topic}-${partition}`);
          if (other === undefined || !this.current.has(other)) continue;
          if (count + 1 < this.size(other)) return false;
        }
      }
    }
    return true;
  }

  private balanceScore(assignment: ReadonlyMap<string, readonly TopicPartition[]>): number {
    const sizes = [...assignment.values()].map((l) => l.length);
    let score = 0;
    for (let i = 0; i < sizes.length; i++) for (let j = i + 1; j < sizes.length; j++) score += Math.abs(sizes[i]! - sizes[j]!);
    return score;
  }

  private assignToLeastLoaded(p: TopicPartition): void {
    for (const member of this.sortedMembers()) {
      if (this.consumerTopics.get(member)!.includes(p.topic)) {
        this.current.get(member)!.push(p);
        this.owner.set(tpKey(p), member);
        return;
      }
    }
  }

  private balance(previous: ReadonlyMap<string, PreviousOwner>, unassignedIn: TopicPartition[]): void {
    const order = this.sortedMembers();
    const initializing = order.length === 0 || this.size(order[order.length - 1]!) === 0;

    for (const p of unassignedIn) {
      if (this.topicConsumers.get(p.topic)!.length === 0) continue;
      this.assignToLeastLoaded(p);
    }

    // Partitions of topics with a single possible consumer, and members that hold everything
    // they could and nothing movable, take no part in balancing.
    const movable = (p: TopicPartition) => this.canTopicMove(p.topic);
    const reassignable = this.sortedAllPartitions.filter(movable);
    const unassigned = unassignedIn.filter(movable);
    const fixed = new Map<string, TopicPartition[]>();
    for (const member of this.consumerTopics.keys()) {
      if (!this.canMemberTakePart(member)) {
        fixed.set(member, this.current.get(member)!);
        this.current.delete(member);
      }
    }

    const before = new Map<string, TopicPartition[]>([...this.current].map(([m, l]) => [m, [...l]]));
    const ownersBefore = new Map(this.owner);

    if (!this.revocationRequired) this.performReassignments(unassigned, previous);
    const reassigned = this.performReassignments(reassignable, previous);

    if (!initializing && reassigned && this.balanceScore(this.current) >= this.balanceScore(before)) {
      this.current = before;
      this.owner = ownersBefore;
    }
    for (const [member, list] of fixed) this.current.set(member, list);
  }

  private performReassignments(partitions: readonly TopicPartition[], previous: ReadonlyMap<string, PreviousOwner>): boolean {
    let performed = false;
    let modified: boolean;
    do {
      modified = false;
      for (const p of partitions) {
        if (this.isBalanced()) break;
        const holder = this.owner.get(tpKey(p));
        if (holder === undefined || !this.current.has(holder)) continue;

        const prev = previous.get(tpKey(p));
        // Kafka does not check that the previous owner is still a balancing member subscribed
        // to the topic; without that check a partition could land on a member that cannot take it.
        if (
          prev !== undefined &&
          this.current.has(prev.member) &&
          this.consumerTopics.get(prev.member)!.includes(p.topic) &&
          this.size(holder) > this.size(prev.member) + 1
        ) {
          this.reassign(p, prev.member);
          performed = modified = true;
          continue;
        }

        for (const other of this.topicConsumers.get(p.topic)!) {
          if (!this.current.has(other)) continue;
          if (this.size(holder) > this.size(other) + 1) {
            const target = this.sortedMembers().find((m) => this.consumerTopics.get(m)!.includes(p.topic))!;
            this.reassign(p, target);
            performed = modified = true;
            break;
          }
        }
      }
    } while (modified);
    return performed;
  }

  private reassign(p: TopicPartition, newOwner: string): void {
    const holder = this.owner.get(tpKey(p))!;
    const toMove = this.movements.actualPartitionToMove(p, holder, newOwner);
    const oldOwner = this.owner.get(tpKey(toMove))!;
    this.movements.move(toMove, oldOwner, newOwner);
    const from = this.current.get(oldOwner)!;
    const i = from.findIndex((q) => sameTp(q, toMove));
    if (i >= 0) from.splice(i, 1);
    this.current.get(newOwner)!.push(toMove);
    this.owner.set(tpKey(toMove), newOwner);
  }
}
