import type { GroupAssignment, MemberSubscription, PartitionAssignor } from "./assignor";
import { stickyAssign, toGroupAssignment } from "./sticky-assignor";
import type { TopicPartition } from "./topic-partition";
import { sameTp, tpKey } from "./topic-partition";

/**
 * Kafka's CooperativeStickyAssignor (KIP-429): the sticky assignment, then every partition that
 * would move from a member still holding it to another member is withheld from its new owner.
 * The current owner sees it missing from its assignment, revokes it and rejoins; in that next
 * rebalance nobody owns it any more and it is assigned for real.
 */
export class CooperativeStickyAssignor implements PartitionAssignor {
  readonly name = "cooperative-sticky";
  readonly supportedProtocols = ["EAGER", "COOPERATIVE"] as const;
  readonly cooperative = true;

  assign(members: readonly MemberSubscription[], partitionsPerTopic: Readonly<Record<string, number>>): GroupAssignment {
    const result = stickyAssign(members, partitionsPerTopic, this.name);
    const transferring = result.transferring ?? partitionsTransferringOwnership(members, result.assignment);
    for (const [key, newOwner] of transferring) {
      const list = result.assignment.get(newOwner);
      if (!list) continue;
      const i = list.findIndex((p) => tpKey(p) === key);
      if (i >= 0) list.splice(i, 1);
    }
    return toGroupAssignment(members, result);
  }
}

/**
 * What the general sticky algorithm does not track itself: partitions newly given to one member
 * that some member owned and is losing (CooperativeStickyAssignor.computePartitionsTransferringOwnership).
 */
function partitionsTransferringOwnership(
  members: readonly MemberSubscription[],
  assignment: ReadonlyMap<string, readonly TopicPartition[]>,
): Map<string, string> {
  const added = new Map<string, string>();
  const revoked = new Set<string>();
  for (const m of members) {
    const owned = m.ownedPartitions ?? [];
    const assigned = assignment.get(m.memberId) ?? [];
    for (const p of assigned) if (!owned.some((o) => sameTp(o, p))) added.set(tpKey(p), m.memberId);
    for (const p of owned) if (!assigned.some((a) => sameTp(a, p))) revoked.add(tpKey(p));
  }
  for (const key of [...added.keys()]) if (!revoked.has(key)) added.delete(key);
  return added;
}
