import type { KafkaErrorName } from "../protocol/errors";
import type { SyncCallback } from "./classic-group-member";
import type { CoordinatorContext } from "./coordinator-context";
import type { SyncGroupRequest, SyncGroupResponse } from "./group-protocol";
import { syncError } from "./group-protocol";
import type { Rebalancer } from "./rebalance";

/**
 * SyncGroup. In CompletingRebalance followers are parked until the leader's SyncGroup brings
 * the assignment, which completes the rebalance for everyone; in Stable a member gets its
 * assignment of the current generation at once. During PreparingRebalance the member must
 * rejoin first (REBALANCE_IN_PROGRESS).
 */
export class SyncGroupHandler {
  constructor(
    private readonly ctx: CoordinatorContext,
    private readonly rebalance: Rebalancer,
  ) {}

  syncGroup(request: SyncGroupRequest, respond: SyncCallback): void {
    const ctx = this.ctx;
    ctx.run(() => {
      const fail = (error: KafkaErrorName) => ctx.post(() => respond(syncError(error)));
      if (request.groupId === "") return fail("INVALID_GROUP_ID");
      const group = ctx.groups.get(request.groupId);
      if (!group || group.is("Empty")) return fail("UNKNOWN_MEMBER_ID");
      if (group.is("Dead")) return fail("COORDINATOR_NOT_AVAILABLE");
      const error = ctx.errorOf(() => group.validateMember(request.memberId, request.groupInstanceId, "sync-group"));
      if (error) return fail(error);
      if (request.generationId !== group.generationId) return fail("ILLEGAL_GENERATION");
      if (
        isProtocolInconsistent(request.protocolType, group.protocolType) ||
        isProtocolInconsistent(request.protocolName, group.protocolName)
      ) {
        return fail("INCONSISTENT_GROUP_PROTOCOL");
      }
      if (group.is("PreparingRebalance")) return fail("REBALANCE_IN_PROGRESS");

      const member = group.member(request.memberId)!;
      if (group.is("CompletingRebalance")) {
        member.awaitingSync = respond;
        this.rebalance.removePendingSyncMember(group, request.memberId);
        if (group.isLeader(request.memberId)) this.rebalance.completeSyncPhase(group, request);
        return;
      }
      // Stable: hand out the member's assignment of the current generation.
      this.rebalance.removePendingSyncMember(group, request.memberId);
      const response: SyncGroupResponse = {
        error: null,
        protocolType: group.protocolType ?? null,
        protocolName: group.protocolName ?? null,
        assignment: member.assignment,
      };
      ctx.post(() => respond(response));
    });
  }
}

function isProtocolInconsistent(requested: string | undefined, current: string | undefined): boolean {
  return requested !== undefined && current !== undefined && requested !== current;
}
