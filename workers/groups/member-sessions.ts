/**
 * How a member stays in its group and how it goes: Heartbeat keeps its session alive (and
 * tells it when the group rebalances), a missed session timeout evicts it, LeaveGroup removes
 * it at once. Either way the group then rebalances, or finishes a join phase that was waiting
 * only for the member that went.
 */
import type { KafkaErrorName } from "../protocol/errors";
import type { ClassicGroup } from "./classic-group";
import type { CoordinatorContext } from "./coordinator-context";
import type { HeartbeatRequest, HeartbeatResponse, LeaveGroupRequest, LeaveGroupResponse } from "./group-protocol";
import { joinError, UNKNOWN_MEMBER_ID } from "./group-protocol";
import type { Rebalancer } from "./rebalance";
import type { SessionTimers } from "./session-timers";

export class MemberSessions {
  constructor(
    private readonly ctx: CoordinatorContext,
    private readonly sessions: SessionTimers,
    private readonly rebalance: Rebalancer,
  ) {}

  heartbeat(request: HeartbeatRequest): HeartbeatResponse {
    const ctx = this.ctx;
    return ctx.run((): HeartbeatResponse => {
      if (request.groupId === "") return { error: "INVALID_GROUP_ID" };
      const group = ctx.groups.get(request.groupId);
      if (!group) return { error: "UNKNOWN_MEMBER_ID" };
      if (group.is("Dead")) return { error: "COORDINATOR_NOT_AVAILABLE" };
      const error = ctx.errorOf(() => group.validateMember(request.memberId, request.groupInstanceId, "heartbeat"));
      if (error) return { error };
      if (request.generationId !== group.generationId) return { error: "ILLEGAL_GENERATION" };
      switch (group.state) {
        case "Empty":
          return { error: "UNKNOWN_MEMBER_ID" };
        case "PreparingRebalance":
          this.sessions.reschedule(group, group.member(request.memberId)!);
          return { error: "REBALANCE_IN_PROGRESS" };
        default:
          // Members heartbeat from their JoinGroup response on, even before the assignment.
          this.sessions.reschedule(group, group.member(request.memberId)!);
          return { error: null };
      }
    });
  }

  leaveGroup(request: LeaveGroupRequest): LeaveGroupResponse {
    const ctx = this.ctx;
    return ctx.run((): LeaveGroupResponse => {
      if (request.groupId === "") return { error: "INVALID_GROUP_ID", members: [] };
      const group = ctx.groups.get(request.groupId);
      const echo = (m: LeaveGroupRequest["members"][number], error: KafkaErrorName | null) => ({
        memberId: m.memberId,
        ...(m.groupInstanceId === undefined ? {} : { groupInstanceId: m.groupInstanceId }),
        error,
      });
      if (!group) return { error: null, members: request.members.map((m) => echo(m, "UNKNOWN_MEMBER_ID")) };
      if (group.is("Dead")) return { error: "COORDINATOR_NOT_AVAILABLE", members: [] };

      const responses: LeaveGroupResponse["members"][number][] = [];
      let anyLeft = false;
      for (const identity of request.members) {
        if (identity.memberId === UNKNOWN_MEMBER_ID) {
          // Removal by group instance id alone: the admin tool's --remove-members.
          const staticId = identity.groupInstanceId === undefined ? undefined : group.staticMemberId(identity.groupInstanceId);
          if (staticId === undefined) {
            responses.push(echo(identity, "UNKNOWN_MEMBER_ID"));
          } else {
            this.removeLeavingMember(group, staticId);
            responses.push(echo(identity, null));
            anyLeft = true;
          }
        } else if (group.isPendingMember(identity.memberId)) {
          group.remove(identity.memberId);
          this.sessions.cancel(group.groupId, identity.memberId);
          responses.push(echo(identity, null));
          anyLeft = true;
        } else {
          const error = ctx.errorOf(() => group.validateMember(identity.memberId, identity.groupInstanceId, "leave-group"));
          if (error) {
            responses.push(echo(identity, error));
          } else {
            this.removeLeavingMember(group, identity.memberId);
            responses.push(echo(identity, null));
            anyLeft = true;
          }
        }
      }
      if (anyLeft) {
        const reason = `explicit LeaveGroup from ${request.members.map((m) => m.memberId || m.groupInstanceId).join(", ")}`;
        if (group.is("Stable") || group.is("CompletingRebalance")) this.rebalance.maybePrepareRebalanceOrCompleteJoin(group, reason);
        else if (group.is("PreparingRebalance")) this.rebalance.maybeCompleteJoinPhase(group);
      }
      return { error: null, members: responses };
    });
  }

  /** A member's (or pending member's) session deadline passed. */
  expire(groupId: string, memberId: string): void {
    const group = this.ctx.groups.get(groupId);
    if (!group || group.is("Dead")) return;
    if (group.isPendingMember(memberId)) {
      group.remove(memberId);
      if (group.is("PreparingRebalance") && group.hasAllMembersJoined()) this.rebalance.completeJoinPhase(group);
      return;
    }
    const member = group.member(memberId);
    if (!member || member.hasSatisfiedHeartbeat()) return;
    this.ctx.emit({
      type: "member-evicted",
      at: this.ctx.now(),
      groupId,
      memberId,
      ...(member.groupInstanceId === undefined ? {} : { groupInstanceId: member.groupInstanceId }),
      reason: "session-timeout",
    });
    // A new member may still have a parked JoinGroup: tell it to start over.
    group.completeJoin(member, joinError("UNKNOWN_MEMBER_ID", UNKNOWN_MEMBER_ID));
    group.remove(memberId);
    if (group.is("Stable") || group.is("CompletingRebalance")) {
      this.rebalance.maybePrepareRebalanceOrCompleteJoin(group, `member ${memberId} missed its session timeout`);
    } else if (group.is("PreparingRebalance") && group.hasAllMembersJoined()) {
      this.rebalance.completeJoinPhase(group);
    }
  }

  private removeLeavingMember(group: ClassicGroup, memberId: string): void {
    const member = group.member(memberId);
    if (!member) return;
    this.sessions.cancel(group.groupId, memberId);
    group.completeJoin(member, joinError("UNKNOWN_MEMBER_ID", UNKNOWN_MEMBER_ID));
    group.remove(memberId);
    this.ctx.emit({
      type: "member-left",
      at: this.ctx.now(),
      groupId: group.groupId,
      memberId,
      ...(member.groupInstanceId === undefined ? {} : { groupInstanceId: member.groupInstanceId }),
    });
  }
}
