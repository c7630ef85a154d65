/**
 * The classic group coordinator: JoinGroup / SyncGroup / Heartbeat / LeaveGroup / OffsetCommit
 * for consumer groups, following Kafka 4's GroupMetadataManager (classic groups). The group
 * states and their transitions are in group-state.ts; this class wires the protocol's parts:
 *
 * - join-group.ts: JoinGroup (new, known and static members);
 * - sync-group.ts: SyncGroup;
 * - rebalance.ts: the rebalance itself (join phase, new generation, sync phase, their timeouts);
 * - member-sessions.ts: Heartbeat, session expiry, LeaveGroup;
 * - offset-commits.ts: OffsetCommit / OffsetFetch against the {@link OffsetStore};
 * - group-admin.ts: DescribeGroups, ListGroups, removing an Empty group;
 * - coordinator-context.ts: the groups, timers, events and how an operation runs.
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
import type { Random } from "../runtime/random";
import type { Scheduler } from "../runtime/scheduler";
import type { JoinCallback, SyncCallback } from "./classic-group-member";
import { CoordinatorContext } from "./coordinator-context";
import { GroupAdmin, type GroupDescription } from "./group-admin";
import type { GroupEventListener } from "./group-events";
import type {
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  LeaveGroupRequest,
  LeaveGroupResponse,
  OffsetCommitRequest,
  SyncGroupRequest,
} from "./group-protocol";
import type { GroupState } from "./group-state";
import { JoinGroupHandler } from "./join-group";
import { MemberSessions } from "./member-sessions";
import { OffsetCommits } from "./offset-commits";
import type { CommittedOffset, OffsetStore } from "./offset-store";
import { Rebalancer } from "./rebalance";
import { SessionTimers } from "./session-timers";
import { SyncGroupHandler } from "./sync-group";

export type { GroupDescription, GroupMemberDescription } from "./group-admin";

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

export class GroupCoordinator {
  private readonly joins: JoinGroupHandler;
  private readonly syncs: SyncGroupHandler;
  private readonly sessions: MemberSessions;
  private readonly offsets: OffsetCommits;
  private readonly admin: GroupAdmin;

  constructor(options: GroupCoordinatorOptions) {
    const ctx = new CoordinatorContext(options.scheduler, options.random, options.listener, {
      initialRebalanceDelayMs: options.initialRebalanceDelayMs ?? 3000,
      minSessionTimeoutMs: options.minSessionTimeoutMs ?? 6000,
      maxSessionTimeoutMs: options.maxSessionTimeoutMs ?? 1_800_000,
      maxGroupSize: options.maxGroupSize ?? 2_147_483_647,
      newMemberJoinTimeoutMs: options.newMemberJoinTimeoutMs ?? 300_000,
    });
    const timers = new SessionTimers(ctx.timers, (groupId, memberId) => this.sessions.expire(groupId, memberId));
    const rebalance = new Rebalancer(ctx, timers);
    this.joins = new JoinGroupHandler(ctx, timers, rebalance);
    this.syncs = new SyncGroupHandler(ctx, rebalance);
    this.sessions = new MemberSessions(ctx, timers, rebalance);
    this.offsets = new OffsetCommits(ctx, options.offsetStore);
    this.admin = new GroupAdmin(ctx);
  }

  // =====================================================================================
  // Requests

  joinGroup(request: JoinGroupRequest, respond: JoinCallback): void {
    this.joins.joinGroup(request, respond);
  }

  syncGroup(request: SyncGroupRequest, respond: SyncCallback): void {
    this.syncs.syncGroup(request, respond);
  }

  heartbeat(request: HeartbeatRequest): HeartbeatResponse {
    return this.sessions.heartbeat(request);
  }

  leaveGroup(request: LeaveGroupRequest): LeaveGroupResponse {
    return this.sessions.leaveGroup(request);
  }

  /** OffsetCommit; see {@link OffsetCommits.commitOffsets} for the errors it throws. */
  commitOffsets(request: OffsetCommitRequest): void | Promise<void> {
    return this.offsets.commitOffsets(request);
  }

  /** Committed offsets of a group (OffsetFetch). GROUP_ID_NOT_FOUND for a group being removed. */
  fetchOffsets(groupId: string, partitions?: readonly string[]): Record<string, CommittedOffset> {
    return this.offsets.fetchOffsets(groupId, partitions);
  }

  // =====================================================================================
  // Inspection

  describeGroup(groupId: string): GroupDescription {
    return this.admin.describeGroup(groupId);
  }

  listGroups(): { groupId: string; state: GroupState; protocolType: string | null }[] {
    return this.admin.listGroups();
  }

  groupState(groupId: string): GroupState {
    return this.admin.groupState(groupId);
  }

  /**
   * Drops an Empty group (its offsets expired or it was deleted): the group goes Dead and is
   * forgotten. False when the group is unknown or still has members.
   */
  removeEmptyGroup(groupId: string): boolean {
    return this.admin.removeEmptyGroup(groupId);
  }
}
