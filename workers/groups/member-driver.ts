import type { KafkaErrorName } from "../protocol/errors";
import { KafkaError } from "../protocol/errors";
import type { Cancel, Scheduler } from "../runtime/scheduler";
import type { MemberSubscription, PartitionAssignor, RebalanceProtocol } from "./assignor";
import { rebalanceProtocolFor } from "./assignor";
import { assignorFor } from "./assignors";
import type { GroupCoordinator } from "./group-coordinator";
import type {
  ConsumerSubscriptionMetadata,
  GroupProtocol,
  JoinGroupResponse,
  MemberAssignment,
  SyncGroupResponse,
} from "./group-protocol";
import { CONSUMER_PROTOCOL_TYPE, NO_GENERATION_ID, UNKNOWN_MEMBER_ID } from "./group-protocol";
import type { GroupState } from "./group-state";
import type { OffsetAndMetadata } from "./offset-store";
import type { TopicPartition } from "./topic-partition";
import { sameTp, sortTps, tpKey } from "./topic-partition";

/** The consumer configs a group member uses, by Kafka's names (a resolved ConsumerConfig fits). */
export interface GroupMemberConfig {
  readonly "group.instance.id"?: string | null;
  readonly "session.timeout.ms"?: number;
  readonly "heartbeat.interval.ms"?: number;
  readonly "max.poll.interval.ms"?: number;
  /** Assignor names in order of preference (default: range, cooperative-sticky, as Kafka 3.x/4.x). */
  readonly "partition.assignment.strategy"?: readonly string[];
}

/** Kafka's ConsumerRebalanceListener. */
export interface RebalanceListener {
  onPartitionsRevoked?(partitions: TopicPartition[]): void;
  onPartitionsAssigned?(partitions: TopicPartition[]): void;
  /** Partitions taken away without a clean revocation (the member was no longer in the group). */
  onPartitionsLost?(partitions: TopicPartition[]): void;
}

export interface GroupMemberOptions {
  readonly coordinator: GroupCoordinator;
  readonly scheduler: Scheduler;
  readonly groupId: string;
  /** client.id: prefixes the member id the coordinator hands out; the scenario's member name. */
  readonly clientId: string;
  readonly topics: readonly string[];
  /** Partition count of a topic, undefined when it does not exist (the leader's metadata). */
  readonly partitionsFor: (topic: string) => number | undefined;
  readonly config?: GroupMemberConfig;
  readonly listener?: RebalanceListener;
  /**
   * Runs when the member is about to rejoin, before it gives up any partition: where the Java
   * consumer commits its consumed positions when enable.auto.commit is on
   * (ConsumerCoordinator.onJoinPrepare), so whoever gets a partition next resumes from there.
   */
  readonly onJoinPrepare?: () => void;
  /**
   * Leave the group when poll() is not called for max.poll.interval.ms, as the Java consumer's
   * heartbeat thread does. Off by default: in-process members stand for applications that keep
   * polling.
   */
  readonly enforceMaxPollInterval?: boolean;
}

/** The member's side of the protocol (AbstractCoordinator.MemberState). */
export type MemberState = "UNJOINED" | "PREPARING_REBALANCE" | "COMPLETING_REBALANCE" | "STABLE";

const DEFAULT_ASSIGNORS = ["range", "cooperative-sticky"];

/**
 * An in-process consumer group member that behaves like the Java consumer's ConsumerCoordinator:
 * it joins (coming back with the member id the coordinator hands out), runs the assignor when it
 * is the leader, syncs, heartbeats every heartbeat.interval.ms on the scheduler, rejoins when a
 * heartbeat says REBALANCE_IN_PROGRESS, and revokes partitions before rejoining: all of them
 * under the eager protocol, only the ones taken away under the cooperative one (then it rejoins
 * at once for the follow-up rebalance).
 *
 * It answers the coordinator immediately, from inside the coordinator's callbacks, so a
 * rebalance runs to completion within the call that started it whenever all members are live.
 */
export class GroupMember {
  readonly groupId: string;
  readonly clientId: string;
  readonly groupInstanceId: string | undefined;
  readonly topics: readonly string[];
  readonly protocol: RebalanceProtocol;
  private readonly assignors: readonly PartitionAssignor[];
  private readonly sessionTimeoutMs: number;
  private readonly heartbeatIntervalMs: number;
  private readonly maxPollIntervalMs: number;

  private memberIdValue = UNKNOWN_MEMBER_ID;
  private generation = NO_GENERATION_ID;
  private protocolName: string | null = null;
  private stateValue: MemberState = "UNJOINED";
  private owned: TopicPartition[] = [];
  /** The eager sticky assignor's memory of the last assignment, kept across revocation. */
  private lastAssignment: { partitions: TopicPartition[]; generation: number } | null = null;
  private rejoinNeeded = true;
  private needsJoinPrepare = true;
  private joinInFlight = false;
  private syncInFlight = false;
  private leader = false;
  private stopped: "crashed" | "closed" | null = null;
  private fatal: KafkaError | null = null;
  private heartbeatTimer: Cancel | null = null;
  /** Partition counts the leader assigned from; a change means the assignment is out of date. */
  private assignedFromMetadata: { topics: string[]; counts: Record<string, number> } | null = null;
  private lastPoll: number;
  /** Left because poll() was not called in time; the next poll() rejoins. */
  private leftOnPollTimeout = false;

  constructor(private readonly options: GroupMemberOptions) {
    const config = options.config ?? {};
    this.groupId = options.groupId;
    this.clientId = options.clientId;
    this.groupInstanceId = config["group.instance.id"] ?? undefined;
    this.topics = [...options.topics];
    this.assignors = (config["partition.assignment.strategy"] ?? DEFAULT_ASSIGNORS).map(assignorFor);
    this.protocol = rebalanceProtocolFor(this.assignors);
    this.sessionTimeoutMs = config["session.timeout.ms"] ?? 45_000;
    this.heartbeatIntervalMs = config["heartbeat.interval.ms"] ?? 3000;
    this.maxPollIntervalMs = config["max.poll.interval.ms"] ?? 300_000;
    if (this.heartbeatIntervalMs >= this.sessionTimeoutMs) {
      throw new KafkaError(
        "INVALID_CONFIG",
        `heartbeat.interval.ms (${this.heartbeatIntervalMs}) must be lower than session.timeout.ms (${this.sessionTimeoutMs})`,
      );
    }
    this.lastPoll = options.scheduler.clock.now();
  }

  // =====================================================================================
  // What the runner and tests read

  get memberId(): string {
    return this.memberIdValue;
  }

  get generationId(): number {
    return this.generation;
  }

  get state(): MemberState {
    return this.stateValue;
  }

  get isLeader(): boolean {
    return this.leader;
  }

  /** The partitions this member owns now, sorted. */
  get assignment(): TopicPartition[] {
    return sortTps(this.owned);
  }

  /** False once crashed, closed, or stopped by a fatal error. */
  get live(): boolean {
    return this.stopped === null && this.fatal === null;
  }

  get error(): KafkaError | null {
    return this.fatal;
  }

  /** True when the member has something to do: (re)join, or finish a join it started. */
  get busy(): boolean {
    return this.live && (this.rejoinNeeded || this.joinInFlight || this.syncInFlight);
  }

  // =====================================================================================
  // Actions

  /** Subscribe and join the group; starts the heartbeat timer. */
  start(): void {
    if (!this.live) throw new KafkaError("ILLEGAL_STATE", `member ${this.clientId} of group ${this.groupId} is no longer running`);
    if (this.heartbeatTimer === null) {
      this.heartbeatTimer = this.options.scheduler.every(this.heartbeatIntervalMs, () => this.onHeartbeatTimer());
    }
    this.step();
  }

  /** Sends a JoinGroup if one is needed and none is under way. True when it did. */
  step(): boolean {
    if (!this.live || !this.rejoinNeeded || this.joinInFlight || this.syncInFlight) return false;
    this.sendJoin();
    return true;
  }

  /** Sends a heartbeat now (the heartbeat thread's job), if the member is in a generation. */
  heartbeatNow(): void {
    if (!this.live || !(this.stateValue === "STABLE" || this.stateValue === "COMPLETING_REBALANCE")) return;
    const generationSent = this.generation;
    const memberSent = this.memberIdValue;
    const response = this.options.coordinator.heartbeat({
      groupId: this.groupId,
      memberId: this.memberIdValue,
      ...(this.groupInstanceId === undefined ? {} : { groupInstanceId: this.groupInstanceId }),
      generationId: this.generation,
    });
    this.onHeartbeatResponse(response.error, generationSent, memberSent);
  }

  /**
   * Topic metadata changed (a subscribed topic appeared or got more partitions). Only the leader
   * watches for this, as in the Java client: it rejoins, which makes the coordinator rebalance.
   * True when it did.
   */
  checkMetadata(): boolean {
    if (!this.live || !this.leader || this.stateValue !== "STABLE" || this.assignedFromMetadata === null) return false;
    // The leader watches the topics of the whole group, not only its own subscription.
    const { topics, counts } = this.assignedFromMetadata;
    if (!topics.some((topic) => this.options.partitionsFor(topic) !== counts[topic])) return false;
    this.requestRejoin();
    return this.step();
  }

  /** Record that the application polled (resets the max.poll.interval.ms clock). */
  poll(): void {
    this.lastPoll = this.options.scheduler.clock.now();
    if (this.leftOnPollTimeout && this.live) {
      this.leftOnPollTimeout = false;
      this.requestRejoin();
      this.step();
    }
  }

  /**
   * KafkaConsumer.close(): the member gives up its partitions and, if it is dynamic, sends
   * LeaveGroup so the group rebalances at once. A static member sends nothing: the coordinator
   * keeps its place until session.timeout.ms, so a quick restart gets the same partitions back.
   */
  close(): void {
    if (this.stopped !== null) return;
    this.onLeavePrepare();
    if (this.groupInstanceId === undefined) this.sendLeave();
    this.stop("closed");
  }

  /** The process dies: no more heartbeats, no LeaveGroup, responses go unanswered. */
  crash(): void {
    if (this.stopped !== null) return;
    this.stop("crashed");
  }

  /**
   * commitSync(offsets) in the member's current generation. Throws COMMIT_FAILED (the Java
   * client's CommitFailedException) when the coordinator answers UNKNOWN_MEMBER_ID or
   * ILLEGAL_GENERATION: the member is no longer part of the generation that owns the partitions.
   */
  commitSync(offsets: Readonly<Record<string, OffsetAndMetadata>>): void | Promise<void> {
    try {
      const result = this.options.coordinator.commitOffsets({
        groupId: this.groupId,
        memberId: this.memberIdValue,
        ...(this.groupInstanceId === undefined ? {} : { groupInstanceId: this.groupInstanceId }),
        generationId: this.generation,
        offsets,
      });
      if (result instanceof Promise) return result.catch((e: unknown) => this.onCommitError(e));
    } catch (e) {
      this.onCommitError(e);
    }
  }

  // =====================================================================================
  // Join / sync

  private stop(how: "crashed" | "closed"): void {
    this.stopped = how;
    this.heartbeatTimer?.();
    this.heartbeatTimer = null;
    this.stateValue = "UNJOINED";
    this.joinInFlight = false;
    this.syncInFlight = false;
  }

  private requestRejoin(): void {
    this.rejoinNeeded = true;
  }

  /** ConsumerCoordinator.onJoinPrepare: give up partitions as the protocol requires before joining. */
  private onJoinPrepare(): void {
    this.options.onJoinPrepare?.();
    if (this.generation === NO_GENERATION_ID || this.memberIdValue === UNKNOWN_MEMBER_ID) {
      // Not in a generation any more: whatever it held may already be someone else's.
      this.dropPartitions(this.owned, "lost");
    } else if (this.protocol === "EAGER") {
      this.dropPartitions(this.owned, "revoked");
    } else {
      this.dropPartitions(
        this.owned.filter((p) => !this.topics.includes(p.topic)),
        "revoked",
      );
    }
    this.leader = false;
  }

  private onLeavePrepare(): void {
    const lost = this.generation === NO_GENERATION_ID || this.memberIdValue === UNKNOWN_MEMBER_ID || this.stateValue !== "STABLE";
    this.dropPartitions(this.owned, lost ? "lost" : "revoked");
  }

  private dropPartitions(partitions: readonly TopicPartition[], how: "revoked" | "lost"): void {
    if (partitions.length === 0) return;
    const dropped = sortTps(partitions);
    this.owned = this.owned.filter((p) => !dropped.some((d) => sameTp(d, p)));
    if (how === "revoked") this.options.listener?.onPartitionsRevoked?.(dropped);
    else this.options.listener?.onPartitionsLost?.(dropped);
  }

  private subscriptionFor(assignor: PartitionAssignor): ConsumerSubscriptionMetadata {
    const base = { topics: [...this.topics], ownedPartitions: sortTps(this.owned), generationId: this.generation };
    if (assignor.name === "sticky" && this.lastAssignment !== null) {
      return {
        ...base,
        userData: { previousAssignment: sortTps(this.lastAssignment.partitions), generation: this.lastAssignment.generation },
      };
    }
    return base;
  }

  private sendJoin(): void {
    if (this.needsJoinPrepare) {
      this.onJoinPrepare();
      this.needsJoinPrepare = false;
    }
    this.rejoinNeeded = false;
    this.joinInFlight = true;
    this.stateValue = "PREPARING_REBALANCE";
    const protocols: GroupProtocol[] = this.assignors.map((a) => ({ name: a.name, metadata: this.subscriptionFor(a) }));
    this.options.coordinator.joinGroup(
      {
        groupId: this.groupId,
        memberId: this.memberIdValue,
        ...(this.groupInstanceId === undefined ? {} : { groupInstanceId: this.groupInstanceId }),
        clientId: this.clientId,
        sessionTimeoutMs: this.sessionTimeoutMs,
        rebalanceTimeoutMs: this.maxPollIntervalMs,
        protocolType: CONSUMER_PROTOCOL_TYPE,
        protocols,
      },
      (response) => this.onJoinResponse(response),
    );
  }

  private onJoinResponse(response: JoinGroupResponse): void {
    if (!this.live || !this.joinInFlight) return;
    this.joinInFlight = false;
    if (response.error === null) {
      this.stateValue = "COMPLETING_REBALANCE";
      this.generation = response.generationId;
      this.memberIdValue = response.memberId;
      this.protocolName = response.protocolName;
      this.leader = response.leader === response.memberId;
      const assignments =
        this.leader && !response.skipAssignment ? this.runAssignor(response) : [];
      this.syncInFlight = true;
      this.options.coordinator.syncGroup(
        {
          groupId: this.groupId,
          memberId: this.memberIdValue,
          ...(this.groupInstanceId === undefined ? {} : { groupInstanceId: this.groupInstanceId }),
          generationId: this.generation,
          protocolType: CONSUMER_PROTOCOL_TYPE,
          ...(this.protocolName === null ? {} : { protocolName: this.protocolName }),
          assignments,
        },
        (sync) => this.onSyncResponse(sync),
      );
      return;
    }
    switch (response.error) {
      case "MEMBER_ID_REQUIRED":
        this.memberIdValue = response.memberId;
        this.requestRejoin();
        this.step();
        return;
      case "UNKNOWN_MEMBER_ID":
        this.resetGeneration(true);
        this.step();
        return;
      default:
        this.onJoinOrSyncError(response.error, "JoinGroup");
    }
  }

  private runAssignor(response: JoinGroupResponse): { memberId: string; assignment: MemberAssignment }[] {
    const assignor = this.assignors.find((a) => a.name === response.protocolName);
    if (!assignor) throw new KafkaError("ILLEGAL_STATE", `coordinator selected protocol ${response.protocolName}, which ${this.clientId} does not have`);
    const members: MemberSubscription[] = response.members.map((m) => {
      const sticky = assignor.name === "sticky";
      const owned = sticky ? (m.metadata.userData?.previousAssignment ?? []) : m.metadata.ownedPartitions;
      const generation = sticky ? m.metadata.userData?.generation : m.metadata.generationId;
      return {
        memberId: m.memberId,
        topics: m.metadata.topics,
        ...(m.groupInstanceId === undefined ? {} : { groupInstanceId: m.groupInstanceId }),
        ownedPartitions: owned,
        ...(generation === undefined ? {} : { generation }),
      };
    });
    const partitionsPerTopic: Record<string, number> = {};
    for (const m of members) {
      for (const topic of m.topics) {
        const n = this.options.partitionsFor(topic);
        if (n !== undefined) partitionsPerTopic[topic] = n;
      }
    }
    this.assignedFromMetadata = { topics: [...new Set(members.flatMap((m) => m.topics))], counts: partitionsPerTopic };
    const assignment = assignor.assign(members, partitionsPerTopic);
    return members.map((m) => ({ memberId: m.memberId, assignment: { partitions: assignment[m.memberId] ?? [] } }));
  }

  private onSyncResponse(response: SyncGroupResponse): void {
    if (!this.live || !this.syncInFlight) return;
    this.syncInFlight = false;
    if (response.error === null) {
      this.onJoinComplete(response.assignment.partitions);
      if (this.rejoinNeeded) this.step();
      return;
    }
    switch (response.error) {
      case "REBALANCE_IN_PROGRESS":
        this.stateValue = "UNJOINED";
        this.requestRejoin();
        this.step();
        return;
      case "UNKNOWN_MEMBER_ID":
      case "ILLEGAL_GENERATION":
        this.resetGeneration(response.error === "UNKNOWN_MEMBER_ID");
        this.step();
        return;
      default:
        this.onJoinOrSyncError(response.error, "SyncGroup");
    }
  }

  /** ConsumerCoordinator.onJoinComplete. */
  private onJoinComplete(assigned: readonly TopicPartition[]): void {
    this.needsJoinPrepare = true;
    if (assigned.some((p) => !this.topics.includes(p.topic))) {
      // The subscription changed since the join: take nothing and rejoin with the new one.
      this.stateValue = "STABLE";
      this.requestRejoin();
      return;
    }
    if (this.protocol === "COOPERATIVE") {
      const revoked = this.owned.filter((p) => !assigned.some((a) => sameTp(a, p)));
      if (revoked.length > 0) {
        this.dropPartitions(revoked, "revoked");
        // Whatever it gave up now goes to its new owner in a follow-up rebalance.
        this.requestRejoin();
      }
    }
    const added = assigned.filter((p) => !this.owned.some((o) => sameTp(o, p)));
    this.owned = [...assigned];
    this.lastAssignment = { partitions: [...assigned], generation: this.generation };
    this.stateValue = "STABLE";
    if (added.length > 0) this.options.listener?.onPartitionsAssigned?.(sortTps(added));
  }

  private resetGeneration(resetMemberId: boolean): void {
    this.stateValue = "UNJOINED";
    this.generation = NO_GENERATION_ID;
    this.protocolName = null;
    if (resetMemberId) this.memberIdValue = UNKNOWN_MEMBER_ID;
    this.needsJoinPrepare = true;
    this.requestRejoin();
  }

  private onJoinOrSyncError(error: KafkaErrorName, request: string): void {
    this.stateValue = "UNJOINED";
    switch (error) {
      case "FENCED_INSTANCE_ID":
      case "INCONSISTENT_GROUP_PROTOCOL":
      case "INVALID_SESSION_TIMEOUT":
      case "INVALID_GROUP_ID":
      case "GROUP_MAX_SIZE_REACHED":
      case "UNKNOWN_SERVER_ERROR":
        this.fail(new KafkaError(error, `${request} of ${this.clientId} in group ${this.groupId} failed`));
        return;
      default:
        // Retriable (the coordinator is moving or the group is busy): try again on the next drive.
        this.requestRejoin();
    }
  }

  private fail(error: KafkaError): void {
    this.fatal = error;
    this.heartbeatTimer?.();
    this.heartbeatTimer = null;
    this.dropPartitions(this.owned, "lost");
  }

  // =====================================================================================
  // Heartbeats

  private onHeartbeatTimer(): void {
    if (!this.live) return;
    if (this.options.enforceMaxPollInterval && this.options.scheduler.clock.now() - this.lastPoll > this.maxPollIntervalMs) {
      // The application stopped polling: leave so its partitions go to someone who does.
      this.onLeavePrepare();
      if (this.groupInstanceId === undefined) this.sendLeave();
      this.resetGeneration(true);
      this.rejoinNeeded = false;
      this.leftOnPollTimeout = true;
      return;
    }
    if (this.stateValue === "UNJOINED" && this.rejoinNeeded) {
      this.step();
      return;
    }
    this.heartbeatNow();
  }

  private onHeartbeatResponse(error: KafkaErrorName | null, generationSent: number, memberSent: string): void {
    if (error === null || error === "COORDINATOR_NOT_AVAILABLE") return;
    const unchanged = generationSent === this.generation && memberSent === this.memberIdValue;
    switch (error) {
      case "REBALANCE_IN_PROGRESS":
        if (this.stateValue === "STABLE") {
          this.requestRejoin();
          this.step();
        }
        return;
      case "ILLEGAL_GENERATION":
      case "UNKNOWN_MEMBER_ID":
        if (unchanged) {
          this.resetGeneration(error === "UNKNOWN_MEMBER_ID");
          this.step();
        }
        return;
      case "FENCED_INSTANCE_ID":
        if (unchanged) this.fail(new KafkaError("FENCED_INSTANCE_ID", `heartbeat of ${this.clientId}: group.instance.id ${this.groupInstanceId} was taken over by a newer member`));
        return;
      default:
        this.fail(new KafkaError(error, `heartbeat of ${this.clientId} in group ${this.groupId} failed`));
    }
  }

  private sendLeave(): void {
    if (this.memberIdValue === UNKNOWN_MEMBER_ID || this.stateValue === "UNJOINED") {
      this.resetGeneration(true);
      return;
    }
    this.options.coordinator.leaveGroup({ groupId: this.groupId, members: [{ memberId: this.memberIdValue, reason: "the consumer is being closed" }] });
    this.resetGeneration(true);
  }

  private onCommitError(e: unknown): never {
    if (e instanceof KafkaError && (e.type === "UNKNOWN_MEMBER_ID" || e.type === "ILLEGAL_GENERATION")) {
      // Like the Java client: the member's generation is over; rejoin (keeping the member id for ILLEGAL_GENERATION).
      this.resetGeneration(e.type === "UNKNOWN_MEMBER_ID");
      throw new KafkaError(
        "COMMIT_FAILED",
        `commit of ${this.clientId} in group ${this.groupId} cannot be completed: the group has already rebalanced and ` +
          `assigned the partitions to another member (${e.type}); poll again to rejoin`,
      );
    }
    throw e;
  }
}

export interface SettleResult {
  readonly state: GroupState;
  readonly generationId: number;
  /** The group is Stable and no live member has a join or sync outstanding. */
  readonly stable: boolean;
  readonly rounds: number;
}

/**
 * Drives the live members of a group until the group is Stable with every member in it, or
 * nothing more can happen without time passing (a crashed member the coordinator still waits
 * for). Members that have not noticed a rebalance yet are told at once, as if their next
 * heartbeat were due now: that is how a step of a scenario completes its rebalance.
 */
export function settle(coordinator: GroupCoordinator, groupId: string, members: Iterable<GroupMember>, maxRounds = 100): SettleResult {
  const group = [...members].filter((m) => m.groupId === groupId);
  let rounds = 0;
  for (; rounds < maxRounds; rounds++) {
    let progress = false;
    for (const m of group) if (m.step()) progress = true;
    const state = coordinator.groupState(groupId);
    if (state === "PreparingRebalance" || state === "CompletingRebalance") {
      for (const m of group) {
        if (!m.live || m.busy || m.state !== "STABLE") continue;
        const generation = m.generationId;
        m.heartbeatNow();
        if (m.busy || m.generationId !== generation) progress = true;
      }
    }
    if (!progress) break;
  }
  const description = coordinator.describeGroup(groupId);
  const live = group.filter((m) => m.live);
  const stable =
    description.state === "Stable" &&
    live.every((m) => !m.busy && m.state === "STABLE" && m.generationId === description.generationId);
  return { state: description.state, generationId: description.generationId, stable, rounds };
}

/** Assignments of the live members by client id, as the runner prints them. */
export function assignmentsByClient(members: Iterable<GroupMember>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of members) if (m.live && m.state === "STABLE") out[m.clientId] = m.assignment.map(tpKey);
  return out;
}
