import type { KafkaErrorName } from "../protocol/errors";
import { isKafkaError, KafkaError } from "../protocol/errors";
import type { Random } from "../runtime/random";
import type { Scheduler } from "../runtime/scheduler";
import { ClassicGroup } from "./classic-group";
import type { JoinCallback, SyncCallback } from "./classic-group-member";
import { ClassicGroupMember } from "./classic-group-member";
import type { GroupEvent, GroupEventListener } from "./group-events";
import type {
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  MemberAssignment,
  OffsetCommitRequest,
  SyncGroupRequest,
  SyncGroupResponse,
} from "./group-protocol";
import { EMPTY_ASSIGNMENT, NO_GENERATION_ID, UNKNOWN_MEMBER_ID } from "./group-protocol";
import type { GroupState } from "./group-state";
import { KeyedTimers } from "./keyed-timers";
import type { CommittedOffset, OffsetStore } from "./offset-store";
import type { TopicPartition } from "./topic-partition";
import { parseTpKey } from "./topic-partition";

export interface GroupCoordinatorOptions {
  readonly scheduler: Scheduler;
  /** For member ids (`<client.id>-<uuid>`, as Kafka makes them). */
  readonly random: Random;
  readonly offsetStore: OffsetStore;
  readonly listener?: GroupEventListener;
  /** group.initial.rebalance.delay.ms (Kafka: 3000; the scenario runner uses 0). */
  readonly initialRebalanceDelayMs?: number;
  /** group.min.session.timeout.ms */
  readonly minSessionTimeoutMs?: number;
  /** group.max.session.timeout.ms */
  readonly maxSessionTimeoutMs?: number;
  /** group.max.size */
  readonly maxGroupSize?: number;
  /** How long a new member's first JoinGroup may stay parked (Kafka: 5 minutes). */
  readonly newMemberJoinTimeoutMs?: number;
}

export interface GroupMemberDescription {
  readonly memberId: string;
  readonly groupInstanceId?: string;
  readonly clientId: string;
  readonly topics: readonly string[];
  readonly assignment: readonly TopicPartition[];
}

export interface GroupDescription {
  readonly groupId: string;
  /** "Dead" for a group the coordinator does not know, as DescribeGroups answers. */
  readonly state: GroupState;
  readonly generationId: number;
  readonly protocolType: string | null;
  readonly protocol: string | null;
  readonly leader: string | null;
  readonly members: readonly GroupMemberDescription[];
}

const joinError = (error: KafkaErrorName, memberId: string): JoinGroupResponse => ({
  error,
  memberId,
  generationId: NO_GENERATION_ID,
  protocolType: null,
  protocolName: null,
  leader: "",
  skipAssignment: false,
  members: [],
});

const syncError = (error: KafkaErrorName): SyncGroupResponse => ({
  error,
  protocolType: null,
  protocolName: null,
  assignment: EMPTY_ASSIGNMENT,
});

/**
 * The classic group coordinator: JoinGroup / SyncGroup / Heartbeat / LeaveGroup / OffsetCommit
 * for consumer groups, following Kafka 4's GroupMetadataManager (classic groups).
 *
 * JoinGroup and SyncGroup may be parked until other members act (the join phase waits for every
 * known member; followers' SyncGroup waits for the leader's), so they answer through a callback,
 * like Kafka's response futures. Callbacks run once the coordinator operation that produced the
 * answer has finished, never in the middle of it, so a member may send its next request from
 * inside the callback. Heartbeat, LeaveGroup and OffsetCommit answer at once.
 *
 * Session timeouts, the rebalance timeout and the initial rebalance delay run on the injected
 * scheduler.
 */
export class GroupCoordinator {
  private readonly groups = new Map<string, ClassicGroup>();
  private readonly timers: KeyedTimers;
  private readonly outbox: (() => void)[] = [];
  private depth = 0;
  private flushing = false;
  private readonly initialRebalanceDelayMs: number;
  private readonly minSessionTimeoutMs: number;
  private readonly maxSessionTimeoutMs: number;
  private readonly maxGroupSize: number;
  private readonly newMemberJoinTimeoutMs: number;

  constructor(private readonly options: GroupCoordinatorOptions) {
    this.initialRebalanceDelayMs = options.initialRebalanceDelayMs ?? 3000;
    this.minSessionTimeoutMs = options.minSessionTimeoutMs ?? 6000;
    this.maxSessionTimeoutMs = options.maxSessionTimeoutMs ?? 1_800_000;
    this.maxGroupSize = options.maxGroupSize ?? 2_147_483_647;
    this.newMemberJoinTimeoutMs = options.newMemberJoinTimeoutMs ?? 300_000;
    this.timers = new KeyedTimers(
      options.scheduler,
      (task) => this.outbox.push(task),
      (task) => () => this.run(task),
    );
  }

  // =====================================================================================
  // Requests

  joinGroup(request: JoinGroupRequest, respond: JoinCallback): void {
    this.run(() => {
      const fail = (error: KafkaErrorName, memberId = request.memberId) => this.post(() => respond(joinError(error, memberId)));
      if (request.groupId === "") return fail("INVALID_GROUP_ID");
      if (request.sessionTimeoutMs < this.minSessionTimeoutMs || request.sessionTimeoutMs > this.maxSessionTimeoutMs) {
        return fail("INVALID_SESSION_TIMEOUT");
      }
      const isUnknownMember = request.memberId === UNKNOWN_MEMBER_ID;
      let group = this.groups.get(request.groupId);
      if (!group) {
        // A member id for a group that does not exist is stale: make the member start over.
        if (!isUnknownMember) return fail("UNKNOWN_MEMBER_ID");
        group = this.createGroup(request.groupId);
      }
      if (!this.acceptJoiningMember(group, request.memberId)) {
        group.remove(request.memberId);
        return fail("GROUP_MAX_SIZE_REACHED", UNKNOWN_MEMBER_ID);
      }
      if (isUnknownMember) this.joinNewMember(group, request, respond);
      else this.joinExistingMember(group, request, respond);
    });
  }

  syncGroup(request: SyncGroupRequest, respond: SyncCallback): void {
    this.run(() => {
      const fail = (error: KafkaErrorName) => this.post(() => respond(syncError(error)));
      if (request.groupId === "") return fail("INVALID_GROUP_ID");
      const group = this.groups.get(request.groupId);
      if (!group || group.is("Empty")) return fail("UNKNOWN_MEMBER_ID");
      if (group.is("Dead")) return fail("COORDINATOR_NOT_AVAILABLE");
      const error = this.errorOf(() => group.validateMember(request.memberId, request.groupInstanceId, "sync-group"));
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
        this.removePendingSyncMember(group, request.memberId);
        if (group.isLeader(request.memberId)) this.completeSyncPhase(group, request);
        return;
      }
      // Stable: hand out the member's assignment of the current generation.
      this.removePendingSyncMember(group, request.memberId);
      const response: SyncGroupResponse = {
        error: null,
        protocolType: group.protocolType ?? null,
        protocolName: group.protocolName ?? null,
        assignment: member.assignment,
      };
      this.post(() => respond(response));
    });
  }

  heartbeat(request: HeartbeatRequest): HeartbeatResponse {
    return this.run((): HeartbeatResponse => {
      if (request.groupId === "") return { error: "INVALID_GROUP_ID" };
      const group = this.groups.get(request.groupId);
      if (!group) return { error: "UNKNOWN_MEMBER_ID" };
      if (group.is("Dead")) return { error: "COORDINATOR_NOT_AVAILABLE" };
      const error = this.errorOf(() => group.validateMember(request.memberId, request.groupInstanceId, "heartbeat"));
      if (error) return { error };
      if (request.generationId !== group.generationId) return { error: "ILLEGAL_GENERATION" };
      switch (group.state) {
        case "Empty":
          return { error: "UNKNOWN_MEMBER_ID" };
        case "PreparingRebalance":
          this.rescheduleHeartbeat(group, group.member(request.memberId)!);
          return { error: "REBALANCE_IN_PROGRESS" };
        default:
          // Members heartbeat from their JoinGroup response on, even before the assignment.
          this.rescheduleHeartbeat(group, group.member(request.memberId)!);
          return { error: null };
      }
    });
  }

  leaveGroup(request: LeaveGroupRequest): LeaveGroupResponse {
    return this.run((): LeaveGroupResponse => {
      if (request.groupId === "") return { error: "INVALID_GROUP_ID", members: [] };
      const group = this.groups.get(request.groupId);
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
          this.timers.cancel(heartbeatKey(group.groupId, identity.memberId));
          responses.push(echo(identity, null));
          anyLeft = true;
        } else {
          const error = this.errorOf(() => group.validateMember(identity.memberId, identity.groupInstanceId, "leave-group"));
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
        if (group.is("Stable") || group.is("CompletingRebalance")) this.maybePrepareRebalanceOrCompleteJoin(group, reason);
        else if (group.is("PreparingRebalance")) this.maybeCompleteJoinPhase(group);
      }
      return { error: null, members: responses };
    });
  }

  /**
   * Validates a commit against the group (member, generation, state) and hands it to the offset
   * store. Throws KafkaError: UNKNOWN_MEMBER_ID or ILLEGAL_GENERATION for a member that is not
   * in the current generation (the Java client turns both into CommitFailedException),
   * REBALANCE_IN_PROGRESS while the leader assigns, FENCED_INSTANCE_ID, GROUP_ID_NOT_FOUND for a
   * generation >= 0 on a group the coordinator does not know. A commit with generation -1 and no
   * member id, from outside group management, is accepted while the group has no members.
   */
  commitOffsets(request: OffsetCommitRequest): void | Promise<void> {
    const generationId = this.run(() => {
      if (request.groupId === "") throw new KafkaError("INVALID_GROUP_ID", "offset-commit: the group id is empty");
      let group = this.groups.get(request.groupId);
      if (!group) {
        if (request.generationId >= 0) {
          throw new KafkaError("GROUP_ID_NOT_FOUND", `offset-commit: group ${request.groupId} does not exist`);
        }
        group = this.createGroup(request.groupId);
      }
      group.validateOffsetCommit(request.memberId, request.groupInstanceId, request.generationId);
      for (const [key, value] of Object.entries(request.offsets)) {
        parseTpKey(key);
        if (!Number.isSafeInteger(value.offset)) {
          throw new KafkaError("INVALID_REQUEST", `offset-commit: offset for ${key} must be an integer, got ${value.offset}`);
        }
      }
      return request.generationId;
    });
    const committed = () =>
      this.emit({
        type: "offsets-committed",
        at: this.now(),
        groupId: request.groupId,
        memberId: request.memberId,
        generationId,
        offsets: Object.fromEntries(Object.entries(request.offsets).map(([k, v]) => [k, v.offset])),
      });
    const result = this.options.offsetStore.commit(request.groupId, generationId, request.memberId, request.offsets);
    if (result instanceof Promise) return result.then(committed);
    committed();
  }

  /** Committed offsets of a group (OffsetFetch). GROUP_ID_NOT_FOUND for a group being removed. */
  fetchOffsets(groupId: string, partitions?: readonly string[]): Record<string, CommittedOffset> {
    if (this.groups.get(groupId)?.is("Dead")) throw new KafkaError("GROUP_ID_NOT_FOUND", `group ${groupId} is being removed`);
    return this.options.offsetStore.fetch(groupId, partitions);
  }

  // =====================================================================================
  // Inspection

  describeGroup(groupId: string): GroupDescription {
    const group = this.groups.get(groupId);
    if (!group) return { groupId, state: "Dead", generationId: NO_GENERATION_ID, protocolType: null, protocol: null, leader: null, members: [] };
    return {
      groupId,
      state: group.state,
      generationId: group.generationId,
      protocolType: group.protocolType ?? null,
      protocol: group.protocolName ?? null,
      leader: group.leader ?? null,
      members: group.allMembers().map((m) => ({
        memberId: m.memberId,
        ...(m.groupInstanceId === undefined ? {} : { groupInstanceId: m.groupInstanceId }),
        clientId: m.clientId,
        topics: (m.protocols.find((p) => p.name === group.protocolName) ?? m.protocols[0])?.metadata.topics ?? [],
        assignment: m.assignment.partitions,
      })),
    };
  }

  listGroups(): { groupId: string; state: GroupState; protocolType: string | null }[] {
    return [...this.groups.values()].map((g) => ({ groupId: g.groupId, state: g.state, protocolType: g.protocolType ?? null }));
  }

  groupState(groupId: string): GroupState {
    return this.groups.get(groupId)?.state ?? "Dead";
  }

  /**
   * Drops an Empty group (its offsets expired or it was deleted): the group goes Dead and is
   * forgotten. False when the group is unknown or still has members.
   */
  removeEmptyGroup(groupId: string): boolean {
    return this.run(() => {
      const group = this.groups.get(groupId);
      if (!group || !group.is("Empty")) return false;
      group.transitionTo("Dead");
      this.groups.delete(groupId);
      return true;
    });
  }

  // =====================================================================================
  // Operation plumbing

  /**
   * Runs one coordinator operation; responses produced on the way are delivered when the
   * outermost operation ends, in order, so no callback sees the coordinator half-way.
   */
  private run<T>(op: () => T): T {
    this.depth++;
    try {
      return op();
    } finally {
      this.depth--;
      if (this.depth === 0 && !this.flushing) {
        this.flushing = true;
        try {
          while (this.outbox.length > 0) this.outbox.shift()!();
        } finally {
          this.flushing = false;
        }
      }
    }
  }

  private post(task: () => void): void {
    this.outbox.push(task);
  }

  private now(): number {
    return this.options.scheduler.clock.now();
  }

  private emit(event: GroupEvent): void {
    this.options.listener?.(event);
  }

  private errorOf(check: () => void): KafkaErrorName | null {
    try {
      check();
      return null;
    } catch (e) {
      if (isKafkaError(e)) return e.type;
      throw e;
    }
  }

  private createGroup(groupId: string): ClassicGroup {
    const group = new ClassicGroup(groupId, {
      now: () => this.now(),
      post: (task) => this.post(task),
      onTransition: (g, from, to) => this.emit({ type: "state-changed", at: this.now(), groupId: g.groupId, from, to }),
    });
    this.groups.set(groupId, group);
    return group;
  }

  private generateMemberId(prefix: string): string {
    const hex = (n: number) => {
      let s = "";
      for (let i = 0; i < n; i++) s += this.options.random.int(16).toString(16);
      return s;
    };
    const variant = (8 + this.options.random.int(4)).toString(16);
    return `${prefix}-${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
  }

  // =====================================================================================
  // JoinGroup

  private acceptJoiningMember(group: ClassicGroup, memberId: string): boolean {
    switch (group.state) {
      case "Empty":
      case "Dead":
        return true;
      case "PreparingRebalance":
        return (group.member(memberId)?.isAwaitingJoin() ?? false) || group.numAwaitingJoinResponse < this.maxGroupSize;
      default:
        return group.hasMember(memberId) || group.size < this.maxGroupSize;
    }
  }

  private joinNewMember(group: ClassicGroup, request: JoinGroupRequest, respond: JoinCallback): void {
    if (group.is("Dead")) {
      this.post(() => respond(joinError("COORDINATOR_NOT_AVAILABLE", UNKNOWN_MEMBER_ID)));
      return;
    }
    if (!group.supportsProtocols(request.protocolType, new Set(request.protocols.map((p) => p.name)))) {
      this.post(() => respond(joinError("INCONSISTENT_GROUP_PROTOCOL", UNKNOWN_MEMBER_ID)));
      return;
    }
    const clientId = request.clientId ?? "consumer";
    const newMemberId = this.generateMemberId(request.groupInstanceId ?? clientId);
    if (request.groupInstanceId !== undefined) {
      const existing = group.staticMemberId(request.groupInstanceId);
      if (existing !== undefined) this.replaceStaticMemberThenRebalanceOrCompleteJoin(group, request, existing, newMemberId, respond);
      else this.addMemberThenRebalanceOrCompleteJoin(group, request, newMemberId, respond);
      return;
    }
    // KIP-394: a dynamic member first gets its id and must come back with it, so a client that
    // gave up on a parked join leaves no anonymous member behind. The id expires with the session.
    group.addPendingMember(newMemberId);
    this.timers.schedule(heartbeatKey(group.groupId, newMemberId), request.sessionTimeoutMs, () =>
      this.expireHeartbeat(group.groupId, newMemberId),
    );
    this.post(() => respond(joinError("MEMBER_ID_REQUIRED", newMemberId)));
  }

  private joinExistingMember(group: ClassicGroup, request: JoinGroupRequest, respond: JoinCallback): void {
    const memberId = request.memberId;
    if (group.is("Dead")) {
      this.post(() => respond(joinError("COORDINATOR_NOT_AVAILABLE", memberId)));
      return;
    }
    if (!group.supportsProtocols(request.protocolType, new Set(request.protocols.map((p) => p.name)))) {
      this.post(() => respond(joinError("INCONSISTENT_GROUP_PROTOCOL", memberId)));
      return;
    }
    if (group.isPendingMember(memberId)) {
      if (request.groupInstanceId !== undefined) {
        // Pending members are dynamic by construction; Kafka treats this as an internal error.
        this.post(() => respond(joinError("UNKNOWN_SERVER_ERROR", memberId)));
        return;
      }
      this.addMemberThenRebalanceOrCompleteJoin(group, request, memberId, respond);
      return;
    }
    const error = this.errorOf(() => group.validateMember(memberId, request.groupInstanceId, "join-group"));
    if (error) {
      this.post(() => respond(joinError(error, memberId)));
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
          this.post(() => respond(response));
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
          this.post(() => respond(response));
        }
        return;
      default:
        this.post(() => respond(joinError("UNKNOWN_MEMBER_ID", memberId)));
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
    this.emit({
      type: "member-joined",
      at: this.now(),
      groupId: group.groupId,
      memberId,
      ...(request.groupInstanceId === undefined ? {} : { groupInstanceId: request.groupInstanceId }),
      clientId: member.clientId,
    });
    // A parked first join cannot heartbeat; it gets a deadline of its own.
    this.rescheduleHeartbeat(group, member, this.newMemberJoinTimeoutMs);
    this.maybePrepareRebalanceOrCompleteJoin(group, `new member ${memberId} joined`);
  }

  private updateMemberThenRebalanceOrCompleteJoin(
    group: ClassicGroup,
    member: ClassicGroupMember,
    request: JoinGroupRequest,
    respond: JoinCallback,
    reason: string,
  ): void {
    group.updateMember(member, request.protocols, request.rebalanceTimeoutMs, request.sessionTimeoutMs, respond);
    this.maybePrepareRebalanceOrCompleteJoin(group, reason);
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
    this.timers.cancel(heartbeatKey(group.groupId, oldMemberId));
    this.rescheduleHeartbeat(group, member);
    group.updateMember(member, request.protocols, request.rebalanceTimeoutMs, request.sessionTimeoutMs, respond);
    this.emit({
      type: "member-joined",
      at: this.now(),
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
          this.maybePrepareRebalanceOrCompleteJoin(group, `static member ${request.groupInstanceId} rejoined with another protocol`);
        }
        return;
      }
      case "CompletingRebalance":
        // The leader may already be assigning to the old member id: start over.
        this.prepareRebalance(group, `static member ${request.groupInstanceId} rejoined during CompletingRebalance`);
        return;
      case "PreparingRebalance":
        this.maybeCompleteJoinPhase(group);
        return;
      default:
        throw new KafkaError("ILLEGAL_STATE", `group ${group.groupId} in state ${group.state} has static member ${request.groupInstanceId}`);
    }
  }

  // =====================================================================================
  // Rebalance

  private maybePrepareRebalanceOrCompleteJoin(group: ClassicGroup, reason: string): void {
    if (group.canRebalance()) this.prepareRebalance(group, reason);
    else this.maybeCompleteJoinPhase(group);
  }

  private prepareRebalance(group: ClassicGroup, reason: string): void {
    // Followers waiting for the leader's assignment must rejoin instead.
    if (group.is("CompletingRebalance")) this.resetAndPropagateAssignmentWithError(group, "REBALANCE_IN_PROGRESS");
    this.removeSyncExpiration(group);

    const isInitialRebalance = group.is("Empty");
    if (isInitialRebalance) {
      // A new group waits a little for more members before forming its first generation.
      const delayMs = this.initialRebalanceDelayMs;
      const remainingMs = Math.max(group.rebalanceTimeoutMs() - delayMs, 0);
      this.timers.schedule(joinKey(group.groupId), delayMs, () => this.tryCompleteInitialRebalance(group.groupId, delayMs, remainingMs));
    }
    group.transitionTo("PreparingRebalance");
    this.emit({ type: "rebalance-started", at: this.now(), groupId: group.groupId, generation: group.generationId, reason });
    if (!isInitialRebalance) this.maybeCompleteJoinElseSchedule(group);
  }

  private maybeCompleteJoinElseSchedule(group: ClassicGroup): void {
    if (group.hasAllMembersJoined()) {
      this.completeJoinPhase(group);
    } else {
      this.timers.schedule(joinKey(group.groupId), group.rebalanceTimeoutMs(), () => this.completeJoinPhaseById(group.groupId));
    }
  }

  private tryCompleteInitialRebalance(groupId: string, delayMs: number, remainingMs: number): void {
    const group = this.groups.get(groupId);
    if (!group) return;
    if (group.newMemberAdded && remainingMs !== 0) {
      group.newMemberAdded = false;
      const newDelayMs = Math.min(this.initialRebalanceDelayMs, remainingMs);
      const newRemainingMs = Math.max(remainingMs - delayMs, 0);
      this.timers.schedule(joinKey(groupId), newDelayMs, () => this.tryCompleteInitialRebalance(groupId, newDelayMs, newRemainingMs));
    } else {
      this.completeJoinPhase(group);
    }
  }

  private maybeCompleteJoinPhase(group: ClassicGroup): void {
    if (!group.is("PreparingRebalance")) return;
    // The first rebalance of a group ends with its delay timer, not with the last join.
    if (group.previousState === "Empty") return;
    if (!group.hasAllMembersJoined()) return;
    this.completeJoinPhase(group);
  }

  private completeJoinPhaseById(groupId: string): void {
    const group = this.groups.get(groupId);
    if (group) this.completeJoinPhase(group);
  }

  /**
   * The join phase ends: dynamic members that did not rejoin in time are dropped, the generation
   * advances, a protocol is chosen, every member gets its JoinGroup answer (the leader with all
   * subscriptions) and the coordinator waits for SyncGroups.
   */
  private completeJoinPhase(group: ClassicGroup): void {
    this.timers.cancel(joinKey(group.groupId));
    for (const failed of group.notYetRejoinedMembers()) {
      if (failed.isStatic) continue;
      group.remove(failed.memberId);
      this.timers.cancel(heartbeatKey(group.groupId, failed.memberId));
      this.emit({ type: "member-evicted", at: this.now(), groupId: group.groupId, memberId: failed.memberId, reason: "rebalance-timeout" });
    }
    if (group.is("Dead")) return;
    if (!group.maybeElectNewJoinedLeader() && group.size > 0) {
      // Only static members remain and none rejoined: wait another round for session timeouts.
      this.timers.schedule(joinKey(group.groupId), group.rebalanceTimeoutMs(), () => this.completeJoinPhaseById(group.groupId));
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
      this.rescheduleHeartbeat(group, member);
      member.isNew = false;
      group.addPendingSyncMember(member.memberId);
    }
    const generation = group.generationId;
    this.timers.schedule(syncKey(group.groupId), group.rebalanceTimeoutMs(), () => this.expirePendingSync(group.groupId, generation));
  }

  private completeSyncPhase(group: ClassicGroup, request: SyncGroupRequest): void {
    const assignments = new Map<string, MemberAssignment>();
    for (const a of request.assignments) assignments.set(a.memberId, a.assignment);
    const before = group.lastStableAssignment;
    for (const member of group.allMembers()) member.assignment = assignments.get(member.memberId) ?? EMPTY_ASSIGNMENT;
    this.propagateAssignment(group, null);
    group.transitionTo("Stable");
    group.lastStableAssignment = group.assignmentSnapshot();
    this.emit({
      type: "rebalance-completed",
      at: this.now(),
      groupId: group.groupId,
      generation: group.generationId,
      protocol: group.protocolName ?? null,
      leader: group.leader ?? null,
      assignmentBefore: before,
      assignmentAfter: group.lastStableAssignment,
    });
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
      if (delivered) this.rescheduleHeartbeat(group, member);
    }
  }

  private removeSyncExpiration(group: ClassicGroup): void {
    group.clearPendingSyncMembers();
    this.timers.cancel(syncKey(group.groupId));
  }

  private removePendingSyncMember(group: ClassicGroup, memberId: string): void {
    group.removePendingSyncMember(memberId);
    if (!(group.is("CompletingRebalance") || group.is("Stable")) || group.hasReceivedSyncFromAllMembers()) {
      this.timers.cancel(syncKey(group.groupId));
    }
  }

  /** Members that joined a generation but never sent SyncGroup within the rebalance timeout are removed. */
  private expirePendingSync(groupId: string, generationId: number): void {
    const group = this.groups.get(groupId);
    if (!group || group.generationId !== generationId) return;
    if (!(group.is("CompletingRebalance") || group.is("Stable")) || group.hasReceivedSyncFromAllMembers()) return;
    const pending = group.allPendingSyncMembers();
    for (const memberId of pending) {
      const member = group.member(memberId);
      group.remove(memberId);
      this.timers.cancel(heartbeatKey(groupId, memberId));
      this.emit({
        type: "member-evicted",
        at: this.now(),
        groupId,
        memberId,
        ...(member?.groupInstanceId === undefined ? {} : { groupInstanceId: member.groupInstanceId }),
        reason: "rebalance-timeout",
      });
    }
    this.prepareRebalance(group, `members ${pending.join(", ")} sent no SyncGroup in time`);
  }

  // =====================================================================================
  // Sessions

  private rescheduleHeartbeat(group: ClassicGroup, member: ClassicGroupMember, timeoutMs = member.sessionTimeoutMs): void {
    this.timers.schedule(heartbeatKey(group.groupId, member.memberId), timeoutMs, () => this.expireHeartbeat(group.groupId, member.memberId));
  }

  private expireHeartbeat(groupId: string, memberId: string): void {
    const group = this.groups.get(groupId);
    if (!group || group.is("Dead")) return;
    if (group.isPendingMember(memberId)) {
      group.remove(memberId);
      if (group.is("PreparingRebalance") && group.hasAllMembersJoined()) this.completeJoinPhase(group);
      return;
    }
    const member = group.member(memberId);
    if (!member || member.hasSatisfiedHeartbeat()) return;
    this.emit({
      type: "member-evicted",
      at: this.now(),
      groupId,
      memberId,
      ...(member.groupInstanceId === undefined ? {} : { groupInstanceId: member.groupInstanceId }),
      reason: "session-timeout",
    });
    // A new member may still have a parked JoinGroup: tell it to start over.
    group.completeJoin(member, joinError("UNKNOWN_MEMBER_ID", UNKNOWN_MEMBER_ID));
    group.remove(memberId);
    if (group.is("Stable") || group.is("CompletingRebalance")) {
      this.maybePrepareRebalanceOrCompleteJoin(group, `member ${memberId} missed its session timeout`);
    } else if (group.is("PreparingRebalance") && group.hasAllMembersJoined()) {
      this.completeJoinPhase(group);
    }
  }

  private removeLeavingMember(group: ClassicGroup, memberId: string): void {
    const member = group.member(memberId);
    if (!member) return;
    this.timers.cancel(heartbeatKey(group.groupId, memberId));
    group.completeJoin(member, joinError("UNKNOWN_MEMBER_ID", UNKNOWN_MEMBER_ID));
    group.remove(memberId);
    this.emit({
      type: "member-left",
      at: this.now(),
      groupId: group.groupId,
      memberId,
      ...(member.groupInstanceId === undefined ? {} : { groupInstanceId: member.groupInstanceId }),
    });
  }
}

function isProtocolInconsistent(requested: string | undefined, current: string | undefined): boolean {
  return requested !== undefined && current !== undefined && requested !== current;
}

function heartbeatKey(groupId: string, memberId: string): string {
  return `heartbeat\u0000${groupId}\u0000${memberId}`;
}

function joinKey(groupId: string): string {
  return `join\u0000${groupId}`;
}

function syncKey(groupId: string): string {
  return `sync\u0000${groupId}`;
}
