/**
 * JoinGroup. A new dynamic member is first given its id and must come back with it (KIP-394);
 * a static member (group.instance.id) that comes back under a new id takes over its old place
 * (KIP-345), without a rebalance when nothing else changed. Known members rejoining in
 * PreparingRebalance are parked until the join phase ends; in CompletingRebalance or Stable a
 * member that lost its answer gets the current generation again, while changed metadata, or
 * the leader rejoining, starts a rebalance.
 */
import type { KafkaErrorName } from "../protocol/errors";
import { KafkaError } from "../protocol/errors";
import type { ClassicGroup } from "./classic-group";
import type { JoinCallback } from "./classic-group-member";
import { ClassicGroupMember } from "./classic-group-member";
import type { CoordinatorContext } from "./coordinator-context";
import type { JoinGroupRequest, JoinGroupResponse } from "./group-protocol";
import { joinError, UNKNOWN_MEMBER_ID } from "./group-protocol";
import type { Rebalancer } from "./rebalance";
import type { SessionTimers } from "./session-timers";

export class JoinGroupHandler {
  constructor(
    private readonly ctx: CoordinatorContext,
    private readonly sessions: SessionTimers,
    private readonly rebalance: Rebalancer,
  ) {}

  joinGroup(request: JoinGroupRequest, respond: JoinCallback): void {
    const ctx = this.ctx;
    ctx.run(() => {
      const fail = (error: KafkaErrorName, memberId = request.memberId) => ctx.post(() => respond(joinError(error, memberId)));
      if (request.groupId === "") return fail("INVALID_GROUP_ID");
      if (request.sessionTimeoutMs < ctx.limits.minSessionTimeoutMs || request.sessionTimeoutMs > ctx.limits.maxSessionTimeoutMs) {
        return fail("INVALID_SESSION_TIMEOUT");
      }
      const isUnknownMember = request.memberId === UNKNOWN_MEMBER_ID;
      let group = ctx.groups.get(request.groupId);
      if (!group) {
        // A member id for a group that does not exist is stale: make the member start over.
        if (!isUnknownMember) return fail("UNKNOWN_MEMBER_ID");
        group = ctx.createGroup(request.groupId);
      }
      if (!this.acceptJoiningMember(group, request.memberId)) {
        group.remove(request.memberId);
        return fail("GROUP_MAX_SIZE_REACHED", UNKNOWN_MEMBER_ID);
      }
      if (isUnknownMember) this.joinNewMember(group, request, respond);
      else this.joinExistingMember(group, request, respond);
    });
  }

  private acceptJoiningMember(group: ClassicGroup, memberId: string): boolean {
    const maxGroupSize = this.ctx.limits.maxGroupSize;
    switch (group.state) {
      case "Empty":
      case "Dead":
        return true;
      case "PreparingRebalance":
        return (group.member(memberId)?.isAwaitingJoin() ?? false) || group.numAwaitingJoinResponse < maxGroupSize;
      default:
        return group.hasMember(memberId) || group.size < maxGroupSize;
    }
  }

  private joinNewMember(group: ClassicGroup, request: JoinGroupRequest, respond: JoinCallback): void {
    const ctx = this.ctx;
    if (group.is("Dead")) {
      ctx.post(() => respond(joinError("COORDINATOR_NOT_AVAILABLE", UNKNOWN_MEMBER_ID)));
      return;
    }
    if (!group.supportsProtocols(request.protocolType, new Set(request.protocols.map((p) => p.name)))) {
      ctx.post(() => respond(joinError("INCONSISTENT_GROUP_PROTOCOL", UNKNOWN_MEMBER_ID)));
      return;
    }
    const clientId = request.clientId ?? "consumer";
    const newMemberId = ctx.generateMemberId(request.groupInstanceId ?? clientId);
    if (request.groupInstanceId !== undefined) {
      const existing = group.staticMemberId(request.groupInstanceId);
      if (existing !== undefined) this.replaceStaticMemberThenRebalanceOrCompleteJoin(group, request, existing, newMemberId, respond);
      else this.addMemberThenRebalanceOrCompleteJoin(group, request, newMemberId, respond);
      return;
    }
    // KIP-394: a dynamic member first gets its id and must come back with it, so a client that
    // gave up on a parked join leaves no anonymous member behind. The id expires with the session.
    group.addPendingMember(newMemberId);
    this.sessions.schedule(group.groupId, newMemberId, request.sessionTimeoutMs);
    ctx.post(() => respond(joinError("MEMBER_ID_REQUIRED", newMemberId)));
  }

  private joinExistingMember(group: ClassicGroup, request: JoinGroupRequest, respond: JoinCallback): void {
    const ctx = this.ctx;
    const memberId = request.memberId;
    if (group.is("Dead")) {
      ctx.post(() => respond(joinError("COORDINATOR_NOT_AVAILABLE", memberId)));
      return;
    }
    if (!group.supportsProtocols(request.protocolType, new Set(request.protocols.map((p) => p.name)))) {
      ctx.post(() => respond(joinError("INCONSISTENT_GROUP_PROTOCOL", memberId)));
      return;
    }
    if (group.isPendingMember(memberId)) {
      if (request.groupInstanceId !== undefined) {
        // Pending members are dynamic by construction; Kafka treats this as an internal error.
        ctx.post(() => respond(joinError("UNKNOWN_SERVER_ERROR", memberId)));
        return;
      }
      this.addMemberThenRebalanceOrCompleteJoin(group, request, memberId, respond);
      return;
    }
    const error = ctx.errorOf(() => group.validateMember(memberId, request.groupInstanceId, "join-group"));
    if (error) {
      ctx.post(() => respond(joinError(error, memberId)));
      return;
    }
    const member = group.member(memberId)!;
    const currentGeneration = (): JoinGroupResponse => ({
      error: null,
      memberId,
      generationId: group.generationId,
      protocolType: group.protocolType ?? null,
      protocolName: group.protocolName ?? null,
      leader: group.leader ?? "",
      skipAssignment: false,
      members: group.isLeader(memberId) && !group.is("Stable") ? group.currentMembersForLeader() : [],
    });
    switch (group.state) {
      case "PreparingRebalance":
        this.updateMemberThenRebalanceOrCompleteJoin(group, member, request, respond, `member ${memberId} joining during PreparingRebalance`);
        return;
      case "CompletingRebalance":
        if (member.matches(request.protocols)) {
          // The member lost its JoinGroup response; give it the current generation again.
          const response = currentGeneration();
          ctx.post(() => respond(response));
        } else {
          this.updateMemberThenRebalanceOrCompleteJoin(group, member, request, respond, `member ${memberId} changed its metadata during CompletingRebalance`);
        }
        return;
      case "Stable":
        if (group.isLeader(memberId)) {
          // The leader rejoins to trigger a rebalance for changes only it sees (topic metadata).
          this.updateMemberThenRebalanceOrCompleteJoin(group, member, request, respond, `leader ${memberId} rejoining`);
        } else if (!member.matches(request.protocols)) {
          this.updateMemberThenRebalanceOrCompleteJoin(group, member, request, respond, `member ${memberId} changed its metadata`);
        } else {
          const response = currentGeneration();
          ctx.post(() => respond(response));
        }
        return;
      default:
        ctx.post(() => respond(joinError("UNKNOWN_MEMBER_ID", memberId)));
    }
  }

  private addMemberThenRebalanceOrCompleteJoin(group: ClassicGroup, request: JoinGroupRequest, memberId: string, respond: JoinCallback): void {
    const member = new ClassicGroupMember(
      memberId,
      request.groupInstanceId,
      request.clientId ?? "consumer",
      request.rebalanceTimeoutMs,
      request.sessionTimeoutMs,
      request.protocolType,
      request.protocols,
    );
    member.isNew = true;
    if (group.is("PreparingRebalance") && group.previousState === "Empty") group.newMemberAdded = true;
    group.add(member, respond);
    this.ctx.emit({
      type: "member-joined",
      at: this.ctx.now(),
      groupId: group.groupId,
      memberId,
      ...(request.groupInstanceId === undefined ? {} : { groupInstanceId: request.groupInstanceId }),
      clientId: member.clientId,
    });
    // A parked first join cannot heartbeat; it gets a deadline of its own.
    this.sessions.reschedule(group, member, this.ctx.limits.newMemberJoinTimeoutMs);
    this.rebalance.maybePrepareRebalanceOrCompleteJoin(group, `new member ${memberId} joined`);
  }

  private updateMemberThenRebalanceOrCompleteJoin(
    group: ClassicGroup,
    member: ClassicGroupMember,
    request: JoinGroupRequest,
    respond: JoinCallback,
    reason: string,
  ): void {
    group.updateMember(member, request.protocols, request.rebalanceTimeoutMs, request.sessionTimeoutMs, respond);
    this.rebalance.maybePrepareRebalanceOrCompleteJoin(group, reason);
  }

  /**
   * A static member came back under a new member id (a restart). In a Stable group that keeps
   * its protocol nothing is rebalanced: the new id takes over the old assignment, and a returning
   * leader is told to skip the assignment.
   */
  private replaceStaticMemberThenRebalanceOrCompleteJoin(
    group: ClassicGroup,
    request: JoinGroupRequest,
    oldMemberId: string,
    newMemberId: string,
    respond: JoinCallback,
  ): void {
    const member = group.replaceStaticMember(request.groupInstanceId!, oldMemberId, newMemberId);
    this.sessions.cancel(group.groupId, oldMemberId);
    this.sessions.reschedule(group, member);
    group.updateMember(member, request.protocols, request.rebalanceTimeoutMs, request.sessionTimeoutMs, respond);
    this.ctx.emit({
      type: "member-joined",
      at: this.ctx.now(),
      groupId: group.groupId,
      memberId: newMemberId,
      groupInstanceId: request.groupInstanceId!,
      clientId: member.clientId,
      replacedMemberId: oldMemberId,
    });

    switch (group.state) {
      case "Stable": {
        if (group.protocolName === group.selectProtocol()) {
          const isLeader = group.isLeader(newMemberId);
          group.completeJoin(member, {
            error: null,
            memberId: newMemberId,
            generationId: group.generationId,
            protocolType: group.protocolType ?? null,
            protocolName: group.protocolName ?? null,
            leader: group.leader ?? "",
            skipAssignment: isLeader,
            members: isLeader ? group.currentMembersForLeader() : [],
          });
        } else {
          this.rebalance.maybePrepareRebalanceOrCompleteJoin(group, `static member ${request.groupInstanceId} rejoined with another protocol`);
        }
        return;
      }
      case "CompletingRebalance":
        // The leader may already be assigning to the old member id: start over.
        this.rebalance.prepareRebalance(group, `static member ${request.groupInstanceId} rejoined during CompletingRebalance`);
        return;
      case "PreparingRebalance":
        this.rebalance.maybeCompleteJoinPhase(group);
        return;
      default:
        throw new KafkaError("ILLEGAL_STATE", `group ${group.groupId} in state ${group.state} has static member ${request.groupInstanceId}`);
    }
  }
}
