/**
 * The rebalance of a classic group, the heart of its state machine (group-state.ts):
 *
 *   Stable / CompletingRebalance / Empty --prepareRebalance--> PreparingRebalance
 *   PreparingRebalance --completeJoinPhase--> CompletingRebalance (or Empty when nobody is left)
 *   CompletingRebalance --completeSyncPhase (the leader's SyncGroup)--> Stable
 *
 * The join phase waits for every known member to rejoin, up to the largest rebalance timeout
 * (a new group's first one waits group.initial.rebalance.delay.ms for more members instead,
 * extended while members keep coming); members that did not rejoin are dropped. The sync
 * phase waits for the leader's assignment; members that never send SyncGroup within the
 * rebalance timeout are dropped and the group rebalances again.
 */
import type { KafkaErrorName } from "../protocol/errors";
import type { ClassicGroup } from "./classic-group";
import type { CoordinatorContext } from "./coordinator-context";
import type { MemberAssignment, SyncGroupRequest } from "./group-protocol";
import { EMPTY_ASSIGNMENT } from "./group-protocol";
import type { SessionTimers } from "./session-timers";

export class Rebalancer {
  constructor(
    private readonly ctx: CoordinatorContext,
    private readonly sessions: SessionTimers,
  ) {}

  maybePrepareRebalanceOrCompleteJoin(group: ClassicGroup, reason: string): void {
    if (group.canRebalance()) this.prepareRebalance(group, reason);
    else this.maybeCompleteJoinPhase(group);
  }

  prepareRebalance(group: ClassicGroup, reason: string): void {
    // Followers waiting for the leader's assignment must rejoin instead.
    if (group.is("CompletingRebalance")) this.resetAndPropagateAssignmentWithError(group, "REBALANCE_IN_PROGRESS");
    this.removeSyncExpiration(group);

    const isInitialRebalance = group.is("Empty");
    if (isInitialRebalance) {
      // A new group waits a little for more members before forming its first generation.
      const delayMs = this.ctx.limits.initialRebalanceDelayMs;
      const remainingMs = Math.max(group.rebalanceTimeoutMs() - delayMs, 0);
      this.ctx.timers.schedule(joinKey(group.groupId), delayMs, () => this.tryCompleteInitialRebalance(group.groupId, delayMs, remainingMs));
    }
    group.transitionTo("PreparingRebalance");
    this.ctx.emit({ type: "rebalance-started", at: this.ctx.now(), groupId: group.groupId, generation: group.generationId, reason });
    if (!isInitialRebalance) this.maybeCompleteJoinElseSchedule(group);
  }

  maybeCompleteJoinPhase(group: ClassicGroup): void {
    if (!group.is("PreparingRebalance")) return;
    // The first rebalance of a group ends with its delay timer, not with the last join.
    if (group.previousState === "Empty") return;
    if (!group.hasAllMembersJoined()) return;
    this.completeJoinPhase(group);
  }

  /**
   * The join phase ends: dynamic members that did not rejoin in time are dropped, the generation
   * advances, a protocol is chosen, every member gets its JoinGroup answer (the leader with all
   * subscriptions) and the coordinator waits for SyncGroups.
   */
  completeJoinPhase(group: ClassicGroup): void {
    this.ctx.timers.cancel(joinKey(group.groupId));
    for (const failed of group.notYetRejoinedMembers()) {
      if (failed.isStatic) continue;
      group.remove(failed.memberId);
      this.sessions.cancel(group.groupId, failed.memberId);
      this.ctx.emit({ type: "member-evicted", at: this.ctx.now(), groupId: group.groupId, memberId: failed.memberId, reason: "rebalance-timeout" });
    }
    if (group.is("Dead")) return;
    if (!group.maybeElectNewJoinedLeader() && group.size > 0) {
      // Only static members remain and none rejoined: wait another round for session timeouts.
      this.ctx.timers.schedule(joinKey(group.groupId), group.rebalanceTimeoutMs(), () => this.completeJoinPhaseById(group.groupId));
      return;
    }
    group.initNextGeneration();
    if (group.is("Empty")) return;

    for (const member of group.allMembers()) {
      const isLeader = group.isLeader(member.memberId);
      group.completeJoin(member, {
        error: null,
        memberId: member.memberId,
        generationId: group.generationId,
        protocolType: group.protocolType ?? null,
        protocolName: group.protocolName ?? null,
        leader: group.leader ?? "",
        skipAssignment: false,
        members: isLeader ? group.currentMembersForLeader() : [],
      });
      this.sessions.reschedule(group, member);
      member.isNew = false;
      group.addPendingSyncMember(member.memberId);
    }
    const generation = group.generationId;
    this.ctx.timers.schedule(syncKey(group.groupId), group.rebalanceTimeoutMs(), () => this.expirePendingSync(group.groupId, generation));
  }

  /** The leader's SyncGroup: every member gets its assignment and the group is Stable. */
  completeSyncPhase(group: ClassicGroup, request: SyncGroupRequest): void {
    const assignments = new Map<string, MemberAssignment>();
    for (const a of request.assignments) assignments.set(a.memberId, a.assignment);
    const before = group.lastStableAssignment;
    for (const member of group.allMembers()) member.assignment = assignments.get(member.memberId) ?? EMPTY_ASSIGNMENT;
    this.propagateAssignment(group, null);
    group.transitionTo("Stable");
    group.lastStableAssignment = group.assignmentSnapshot();
    this.ctx.emit({
      type: "rebalance-completed",
      at: this.ctx.now(),
      groupId: group.groupId,
      generation: group.generationId,
      protocol: group.protocolName ?? null,
      leader: group.leader ?? null,
      assignmentBefore: before,
      assignmentAfter: group.lastStableAssignment,
    });
  }

  /** A member's SyncGroup arrived; once every member's has, the sync deadline goes. */
  removePendingSyncMember(group: ClassicGroup, memberId: string): void {
    group.removePendingSyncMember(memberId);
    if (!(group.is("CompletingRebalance") || group.is("Stable")) || group.hasReceivedSyncFromAllMembers()) {
      this.ctx.timers.cancel(syncKey(group.groupId));
    }
  }

  private maybeCompleteJoinElseSchedule(group: ClassicGroup): void {
    if (group.hasAllMembersJoined()) {
      this.completeJoinPhase(group);
    } else {
      this.ctx.timers.schedule(joinKey(group.groupId), group.rebalanceTimeoutMs(), () => this.completeJoinPhaseById(group.groupId));
    }
  }

  private tryCompleteInitialRebalance(groupId: string, delayMs: number, remainingMs: number): void {
    const group = this.ctx.groups.get(groupId);
    if (!group) return;
    if (group.newMemberAdded && remainingMs !== 0) {
      group.newMemberAdded = false;
      const newDelayMs = Math.min(this.ctx.limits.initialRebalanceDelayMs, remainingMs);
      const newRemainingMs = Math.max(remainingMs - delayMs, 0);
      this.ctx.timers.schedule(joinKey(groupId), newDelayMs, () => this.tryCompleteInitialRebalance(groupId, newDelayMs, newRemainingMs));
    } else {
      this.completeJoinPhase(group);
    }
  }

  private completeJoinPhaseById(groupId: string): void {
    const group = this.ctx.groups.get(groupId);
    if (group) this.completeJoinPhase(group);
  }

  private resetAndPropagateAssignmentWithError(group: ClassicGroup, error: KafkaErrorName): void {
    for (const member of group.allMembers()) member.assignment = EMPTY_ASSIGNMENT;
    this.propagateAssignment(group, error);
  }

  private propagateAssignment(group: ClassicGroup, error: KafkaErrorName | null): void {
    for (const member of group.allMembers()) {
      const delivered = group.completeSync(member, {
        error,
        protocolType: error === null ? (group.protocolType ?? null) : null,
        protocolName: error === null ? (group.protocolName ?? null) : null,
        assignment: member.assignment,
      });
      // The session clock restarts once a member has its answer.
      if (delivered) this.sessions.reschedule(group, member);
    }
  }

  private removeSyncExpiration(group: ClassicGroup): void {
    group.clearPendingSyncMembers();
    this.ctx.timers.cancel(syncKey(group.groupId));
  }

  /** Members that joined a generation but never sent SyncGroup within the rebalance timeout are removed. */
  private expirePendingSync(groupId: string, generationId: number): void {
    const group = this.ctx.groups.get(groupId);
    if (!group || group.generationId !== generationId) return;
    if (!(group.is("CompletingRebalance") || group.is("Stable")) || group.hasReceivedSyncFromAllMembers()) return;
    const pending = group.allPendingSyncMembers();
    for (const memberId of pending) {
      const member = group.member(memberId);
      group.remove(memberId);
      this.sessions.cancel(groupId, memberId);
      this.ctx.emit({
        type: "member-evicted",
        at: this.ctx.now(),
        groupId,
        memberId,
        ...(member?.groupInstanceId === undefined ? {} : { groupInstanceId: member.groupInstanceId }),
        reason: "rebalance-timeout",
      });
    }
    this.prepareRebalance(group, `members ${pending.join(", ")} sent no SyncGroup in time`);
  }
}

function joinKey(groupId: string): string {
  return `join\u0000${groupId}`;
}

function syncKey(groupId: string): string {
  return `sync\u0000${groupId}`;
}
