import type { GroupAssignment, MemberSubscription, PartitionAssignor } from "./assignor";
import { checkUniqueMembers, subscribedPartitionCounts } from "./assignor";
import { collectClaims } from "./sticky-claims";
import type { StickyBuildResult } from "./sticky-constrained-builder";
import { buildConstrainedAssignment } from "./sticky-constrained-builder";
import { buildGeneralAssignment } from "./sticky-general-builder";
import { sortTps } from "./topic-partition";

/**
 * The shared core of the sticky assignors (AbstractStickyAssignor): balance first, then keep
 * as many partitions as possible with the member that held them. Previous ownership comes from
 * each member's `ownedPartitions` and `generation`.
 */
export function stickyAssign(
  members: readonly MemberSubscription[],
  partitionsPerTopic: Readonly<Record<string, number>>,
  assignorName: string,
): StickyBuildResult {
  checkUniqueMembers(members, assignorName);
  const counts = subscribedPartitionCounts(members, partitionsPerTopic);
  const claims = collectClaims(members, new Set(counts.keys()));
  if (claims.allSubscriptionsEqual) return buildConstrainedAssignment(counts, claims.owned, claims.multiplyOwned);
  return buildGeneralAssignment(counts, members, claims.owned, claims.maxGeneration);
}

export function toGroupAssignment(members: readonly MemberSubscription[], result: StickyBuildResult): GroupAssignment {
  const out: GroupAssignment = {};
  for (const m of members) out[m.memberId] = sortTps(result.assignment.get(m.memberId) ?? []);
  return out;
}

/**
 * Kafka's StickyAssignor: eager protocol, so members revoke everything before they rejoin;
 * their previous assignment travels in the subscription's user data, which here is
 * {@link MemberSubscription.ownedPartitions} with its generation.
 */
export class StickyAssignor implements PartitionAssignor {
  readonly name = "sticky";
  readonly supportedProtocols = ["EAGER"] as const;
  readonly cooperative = false;

  assign(members: readonly MemberSubscription[], partitionsPerTopic: Readonly<Record<string, number>>): GroupAssignment {
    return toGroupAssignment(members, stickyAssign(members, partitionsPerTopic, this.name));
  }
}
