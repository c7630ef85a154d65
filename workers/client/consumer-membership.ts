/**
 * A consumer's place in its group. `start()` builds the engine's `ConsumerSession`
 * (positions, auto.offset.reset, fetch order, the commit checks) over a `GroupMember` (the
 * Java consumer's join / sync / heartbeat state machine) that reaches the coordinator through
 * a {@link TransportCoordinator}; this module is the glue between them and KafkaJS's consumer:
 * what happens as partitions are assigned, revoked or lost, the REBALANCING and GROUP_JOIN
 * events, metadata refreshes for the leader, and committed offsets read (and partitions
 * placed) before the session looks up positions.
 */
import { ConsumerSession, type ConsumerLog } from "../groups/consumer-session";
import type { TopicPartition } from "../groups/topic-partition";
import { tpKey } from "../groups/topic-partition";
import type { ClientRuntime } from "./client-runtime";
import { CONSUMER_EVENTS } from "./consumer-api";
import type { ConsumerReporter } from "./consumer-reporter";
import type { ConsumerSubscription } from "./consumer-subscription";
import type { ResolvedConsumer } from "./kafkajs-config";
import type { OffsetCommitPolicy } from "./offset-commit-policy";
import type { PartitionEpochs } from "./partition-batches";
import type { PausedPartitions } from "./paused-partitions";
import type { RunSettings } from "./run-settings";
import { TransportCoordinator } from "./transport-coordinator";
import type { TransportConsumerLog } from "./transport-consumer-log";
import type { Waker } from "./waker";

export interface ConsumerMembershipDeps {
  readonly runtime: ClientRuntime;
  readonly groupId: string;
  readonly config: ResolvedConsumer;
  readonly subscription: ConsumerSubscription;
  readonly log: TransportConsumerLog;
  readonly paused: PausedPartitions;
  readonly epochs: PartitionEpochs;
  readonly offsets: OffsetCommitPolicy;
  readonly reporter: ConsumerReporter;
  readonly waker: Waker;
  settings(): RunSettings;
}

export class ConsumerMembership {
  private current: ConsumerSession | undefined;
  private transportCoordinator: TransportCoordinator | undefined;
  /** Seeks on partitions not assigned yet, applied when they are. */
  private readonly pendingSeeks = new Map<string, number>();
  /** Newly assigned partitions whose committed offsets have not been read yet. */
  private readonly toPrefetch = new Set<string>();
  private lastHeartbeatAt = 0;
  private rebalanceStartedAt: number | null = null;
  private assignmentBefore: string[] = [];
  private leaderId = "";
  private protocolName: string | null = null;
  private sessionReset: "earliest" | "latest" = "latest";

  constructor(private readonly deps: ConsumerMembershipDeps) {}

  /** The session of the latest run(), undefined before the first. */
  get session(): ConsumerSession | undefined {
    return this.current;
  }

  get coordinator(): TransportCoordinator | undefined {
    return this.transportCoordinator;
  }

  /** A new session for run(), not started yet. */
  start(): ConsumerSession {
    const { runtime, config, groupId, subscription, log, reporter } = this.deps;
    const kafka = config.kafka;
    const coordinator = new TransportCoordinator(runtime.transport, {
      beforeJoin: () => this.onRebalanceStarted(),
      joined: (response) => {
        this.leaderId = response.leader;
        this.protocolName = response.protocolName;
      },
      beforeAssignment: () => this.refreshMetadata(),
      afterSync: (response) => {
        if (response.error === null && this.current?.member.state === "STABLE") this.onRebalanceCompleted();
      },
      afterHeartbeat: (request, response) => {
        this.lastHeartbeatAt = reporter.now();
        if (response.error === null) {
          reporter.instrument(CONSUMER_EVENTS.HEARTBEAT, { groupId, memberId: request.memberId, groupGenerationId: request.generationId });
        }
      },
      onError: (e) => reporter.crashed(e, true),
    });
    this.transportCoordinator = coordinator;
    const consumerLog: ConsumerLog = {
      fetch: (topic, partition, offset, maxBytes, isolation) => log.fetch(topic, partition, offset, maxBytes, isolation),
      listOffset: (topic, partition, spec, isolation) => log.listOffset(topic, partition, spec, isolation),
      offsetCommitsSettled: () => this.beforePositions(),
    };
    // The session's reset covers most topics; beforePositions() places the others.
    const { sessionReset, reset } = subscription.sessionReset(kafka["auto.offset.reset"]);
    this.sessionReset = sessionReset;
    const session = new ConsumerSession({
      coordinator: coordinator.asCoordinator(),
      scheduler: runtime.scheduler,
      log: consumerLog,
      groupId,
      clientId: runtime.clientId,
      topics: subscription.topics().sort(),
      config: { ...kafka, "auto.offset.reset": reset },
      partitionsFor: (topic) => subscription.partitionCount(topic),
      paused: (p) => this.deps.paused.has(tpKey(p)),
      listener: {
        onPartitionsAssigned: (partitions) => this.onAssigned(partitions),
        onPartitionsRevoked: (partitions) => this.onRevoked(partitions),
        onPartitionsLost: (partitions) => this.onLost(partitions),
      },
    });
    coordinator.heartbeatNow = () => session.member.heartbeatNow();
    this.current = session;
    return session;
  }

  /** A seek on a partition this consumer does not own yet takes effect once it is assigned. */
  seekWhenAssigned(key: string, offset: number): void {
    this.pendingSeeks.set(key, offset);
  }

  /** The handler payloads' heartbeat(): one goes out unless one went out within heartbeat.interval.ms. */
  async heartbeat(): Promise<void> {
    const session = this.current;
    if (session && this.deps.reporter.now() - this.lastHeartbeatAt >= this.deps.config.kafka["heartbeat.interval.ms"]) session.member.heartbeatNow();
  }

  /** Topic partition counts for the leader's assignment and for noticing new partitions. */
  async refreshMetadata(): Promise<void> {
    const response = await this.deps.runtime.transport.metadata({});
    this.deps.subscription.noteMetadata(response.topics);
    this.current?.member.checkMetadata();
  }

  private onAssigned(partitions: TopicPartition[]): void {
    const session = this.current!;
    for (const p of partitions) {
      const key = tpKey(p);
      this.deps.epochs.bump(key);
      this.toPrefetch.add(key);
      const seek = this.pendingSeeks.get(key);
      if (seek !== undefined) {
        this.pendingSeeks.delete(key);
        void session.seek(p, seek).catch(() => undefined);
      }
    }
    this.deps.reporter.emit({ type: "partitions-assigned", ...this.deps.reporter.base(), partitions: partitions.map(tpKey) });
    this.deps.waker.wake();
  }

  /** Before giving partitions up, commit what the handlers finished with (KafkaJS does too). */
  private onRevoked(partitions: TopicPartition[]): void {
    const keys = partitions.map(tpKey);
    if (this.deps.settings().autoCommit) void this.deps.runtime.track(this.deps.offsets.commitResolved(keys).catch(() => undefined));
    this.forget(keys);
    this.deps.reporter.emit({ type: "partitions-revoked", ...this.deps.reporter.base(), partitions: keys });
    this.deps.waker.wake();
  }

  private onLost(partitions: TopicPartition[]): void {
    const keys = partitions.map(tpKey);
    this.forget(keys);
    this.deps.reporter.emit({ type: "partitions-lost", ...this.deps.reporter.base(), partitions: keys });
    this.deps.waker.wake();
  }

  private forget(keys: readonly string[]): void {
    for (const key of keys) {
      this.deps.epochs.bump(key);
      this.deps.offsets.forget(key);
      this.toPrefetch.delete(key);
    }
  }

  private onRebalanceStarted(): void {
    if (this.rebalanceStartedAt !== null) return;
    const { reporter, groupId } = this.deps;
    this.rebalanceStartedAt = reporter.now();
    const member = this.current?.member;
    reporter.instrument(CONSUMER_EVENTS.REBALANCING, { groupId, memberId: member?.memberId ?? "" });
    reporter.emit({ type: "rebalance-started", ...reporter.base(), generationId: member?.generationId ?? -1, assignment: this.assignmentBefore });
  }

  private onRebalanceCompleted(): void {
    const { reporter, groupId } = this.deps;
    const member = this.current!.member;
    const after = member.assignment.map(tpKey);
    const startedAt = this.rebalanceStartedAt ?? reporter.now();
    this.rebalanceStartedAt = null;
    const memberAssignment: Record<string, number[]> = {};
    for (const p of member.assignment) (memberAssignment[p.topic] ??= []).push(p.partition);
    reporter.instrument(CONSUMER_EVENTS.GROUP_JOIN, {
      duration: reporter.now() - startedAt,
      groupId,
      isLeader: member.isLeader,
      leaderId: this.leaderId,
      groupProtocol: this.protocolName ?? "",
      memberId: member.memberId,
      memberAssignment,
    });
    reporter.emit({
      type: "rebalance-completed",
      ...reporter.base(),
      generationId: member.generationId,
      leaderId: this.leaderId,
      isLeader: member.isLeader,
      protocol: this.protocolName,
      assignmentBefore: this.assignmentBefore,
      assignmentAfter: after,
    });
    this.assignmentBefore = after;
  }

  /** Read the group's committed offsets of `keys` before the session asks for them. */
  private async prefetchCommitted(keys: readonly string[]): Promise<void> {
    const coordinator = this.transportCoordinator;
    if (keys.length === 0 || !coordinator) return;
    for (const key of keys) this.toPrefetch.delete(key);
    await coordinator.refreshCommitted(this.deps.groupId, keys);
    const found = coordinator.fetchOffsets(this.deps.groupId, keys);
    for (const key of keys) {
      const c = found[key];
      this.deps.offsets.noteCommitted(key, c === undefined || c.offset < 0 ? undefined : c.offset);
    }
  }

  /**
   * Runs inside the session's position lookup, right before it reads committed offsets: read
   * them for newly assigned partitions, and place partitions of topics whose start (KafkaJS's
   * per-topic fromBeginning) differs from the session's auto.offset.reset.
   */
  private async beforePositions(): Promise<void> {
    const session = this.current;
    while (this.toPrefetch.size > 0 && session) {
      const keys = [...this.toPrefetch];
      await this.prefetchCommitted(keys);
      const positions = session.positions();
      for (const p of session.assignment) {
        const key = tpKey(p);
        if (!keys.includes(key) || positions[key] !== undefined || this.deps.offsets.committed(key) !== undefined) continue;
        const start = this.deps.subscription.startOf(p.topic);
        if (start !== this.sessionReset) await session.seek(p, start);
      }
    }
  }
}
