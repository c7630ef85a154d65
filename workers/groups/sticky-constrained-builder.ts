import type { TopicPartition } from "./topic-partition";
import { compareStrings, tpKey } from "./topic-partition";

export interface StickyBuildResult {
  /** memberId -> partitions, every member present. */
  readonly assignment: Map<string, TopicPartition[]>;
  /**
   * tpKey -> new owner, for partitions handed to a member other than the one still holding
   * them; null when the builder did not track it (the cooperative assignor then derives it).
   */
  readonly transferring: Map<string, string> | null;
}

/**
 * AbstractStickyAssignor's ConstrainedAssignmentBuilder, used when every member subscribes to
 * the same topics (no rack awareness here). With P partitions and C members, every member
 * ends with minQuota = floor(P/C) or maxQuota = ceil(P/C) partitions, exactly P % C of them
 * with maxQuota.
 *
 * 1. Each member keeps previously owned partitions, lowest partition number first: all of them
 *    if under minQuota; maxQuota if it has that many and the maxQuota places are not all
 *    taken yet; otherwise minQuota. What it gives up "may be revoked".
 * 2. The remaining partitions, in (topic, partition) order, go round-robin to members still
 *    under minQuota (sorted by member id), then one each to members at exactly minQuota
 *    until P % C members have maxQuota.
 *
 * @param owned every member in member id order with the partitions it may keep
 */
export function buildConstrainedAssignment(
  partitionCounts: ReadonlyMap<string, number>,
  owned: ReadonlyMap<string, readonly TopicPartition[]>,
  multiplyOwned: ReadonlySet<string>,
): StickyBuildResult {
  const assignment = new Map<string, TopicPartition[]>();
  const transferring = new Map<string, string>();
  const numberOfMembers = owned.size;
  if (numberOfMembers === 0) return { assignment, transferring };

  let total = 0;
  for (const n of partitionCounts.values()) total += n;
  const minQuota = Math.floor(total / numberOfMembers);
  const maxQuota = Math.ceil(total / numberOfMembers);
  const expectedOverMin = total % numberOfMembers;
  let currentOverMin = 0;

  const maybeRevoked = new Map<string, string>();
  let underMin: string[] = [];
  let exactlyMin: string[] = [];
  const assigned = new Set<string>();

  for (const member of owned.keys()) assignment.set(member, []);

  for (const [member, claims] of owned) {
    const keep = claims
      .filter((p) => !multiplyOwned.has(tpKey(p)))
      .sort((a, b) => a.partition - b.partition || compareStrings(a.topic, b.topic));
    const mine = assignment.get(member)!;
    const take = (list: readonly TopicPartition[]) => {
      for (const p of list) {
        mine.push(p);
        assigned.add(tpKey(p));
      }
    };
    const giveUp = (list: readonly TopicPartition[]) => {
      for (const p of list) maybeRevoked.set(tpKey(p), member);
    };

    if (keep.length < minQuota) {
      take(keep);
      underMin.push(member);
    } else if (keep.length >= maxQuota && currentOverMin < expectedOverMin) {
      currentOverMin++;
      if (currentOverMin === expectedOverMin) exactlyMin = [];
      take(keep.slice(0, maxQuota));
      giveUp(keep.slice(maxQuota));
    } else {
      take(keep.slice(0, minQuota));
      giveUp(keep.slice(minQuota));
      if (currentOverMin < expectedOverMin) exactlyMin.push(member);
    }
  }

  const unassigned: TopicPartition[] = [];
  for (const topic of [...partitionCounts.keys()].sort(compareStrings)) {
    const count = partitionCounts.get(topic)!;
    for (let partition = 0; partition < count; partition++) {
      if (!assigned.has(`${topic}-${partition}`)) unassigned.push({ topic, partition });
    }
  }

  underMin = underMin.sort(compareStrings);
  exactlyMin = exactlyMin.sort(compareStrings);

  const assignNew = (p: TopicPartition, member: string): number => {
    const list = assignment.get(member)!;
    list.push(p);
    const key = tpKey(p);
    const previousOwner = maybeRevoked.get(key);
    if ((previousOwner !== undefined && previousOwner !== member) || multiplyOwned.has(key)) {
      transferring.set(key, member);
    }
    return list.length;
  };

  // A cursor over `underMin` that wraps around and survives removals, like the LinkedList
  // iterator Kafka uses: members leave the list as they reach minQuota.
  let cursor = 0;
  for (const p of unassigned) {
    let member: string;
    let fromUnderMin = true;
    if (cursor < underMin.length) {
      member = underMin[cursor++]!;
    } else if (underMin.length === 0 && exactlyMin.length === 0) {
      throw new Error(`sticky assignor: no member left to take ${tpKey(p)}`);
    } else if (underMin.length === 0) {
      member = exactlyMin.shift()!;
      fromUnderMin = false;
    } else {
      cursor = 0;
      member = underMin[cursor++]!;
    }

    const count = assignNew(p, member);
    if (count === minQuota && fromUnderMin) {
      underMin.splice(--cursor, 1);
      exactlyMin.push(member);
    } else if (count === maxQuota) {
      currentOverMin++;
    }
  }

  if (underMin.length > 0) {
    if (currentOverMin !== expectedOverMin) {
      throw new Error(
        `sticky assignor: ${currentOverMin} members above minQuota instead of ${expectedOverMin}, and nothing left for ${underMin.join(", ")}`,
      );
    }
    for (const member of underMin) {
      const n = assignment.get(member)!.length;
      if (n !== minQuota) throw new Error(`sticky assignor: member ${member} has ${n} partitions, below minQuota ${minQuota}`);
    }
  }
  return { assignment, transferring };
}
