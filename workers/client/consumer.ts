/**
 * KafkaJS's consumer over a {@link ClientTransport}: `subscribe`, `run({ eachMessage |
 * eachBatch })`, `seek`, `commitOffsets`, `pause`/`resume`, `stop`, `describeGroup`, and
 * KafkaJS's instrumentation events.
 *
 * Underneath is the engine's `ConsumerSession` (positions, auto.offset.reset, fetch order,
 * the commit checks) driving a `GroupMember` (the Java consumer's join / sync / heartbeat
 * state machine), both reaching the broker through the transport. On top sits KafkaJS's
 * processing model: offsets are *resolved* as handlers finish with messages, and with
 * autoCommit the resolved offsets are committed after every batch (sooner with
 * autoCommitInterval / autoCommitThreshold), before the member gives partitions up in a
 * rebalance, and when it stops.
 *
 * The run loop never blocks on time itself: it waits for data with a fetch the broker holds
 * up to maxWaitTimeInMs, or on the injected scheduler when it has nothing to fetch, and wakes
 * early when its partitions change, on seek, resume or stop. On virtual time, records are
 * delivered as the engine's clock is driven.
 */
import { ConsumerSession, type ConsumerLog, type ConsumerRecord, type ListOffsetSpec } from "../groups/consumer-session";
import type { TopicPartition } from "../groups/topic-partition";
import { tpKey } from "../groups/topic-partition";
import { isKafkaError, KafkaError } from "../protocol/errors";
import { fromSeamError } from "../protocol/seam-error";
import type { ClientRuntime } from "./client-runtime";
import type { ConsumerEvent, PartitionLagView } from "./client-events";
import type { FetchResponse } from "./client-transport";
import { Instrumentation, eventNames, type InstrumentationEvent, type RemoveInstrumentationEventListener } from "./instrumentation";
import { resolveKafkaJsConsumer, type ConsumerConfig } from "./kafkajs-config";
import { decodeHeaders, MessageBytes, type IncomingHeaders } from "./message-bytes";
import { parseOffset } from "./producer";
import { TransportCoordinator } from "./transport-coordinator";
import { Waker } from "./waker";

export const CONSUMER_EVENTS = {
  HEARTBEAT: "consumer.heartbeat",
  COMMIT_OFFSETS: "consumer.commit_offsets",
  GROUP_JOIN: "consumer.group_join",
  FETCH_START: "consumer.fetch_start",
  FETCH: "consumer.fetch",
  START_BATCH_PROCESS: "consumer.start_batch_process",
  END_BATCH_PROCESS: "consumer.end_batch_process",
  CONNECT: "consumer.connect",
  DISCONNECT: "consumer.disconnect",
  STOP: "consumer.stop",
  CRASH: "consumer.crash",
  REBALANCING: "consumer.rebalancing",
  RECEIVED_UNSUBSCRIBED_TOPICS: "consumer.received_unsubscribed_topics",
  REQUEST: "consumer.network.request",
  REQUEST_TIMEOUT: "consumer.network.request_timeout",
  REQUEST_QUEUE_SIZE: "consumer.network.request_queue_size",
} as const;

export type ConsumerEvents = typeof CONSUMER_EVENTS;

/** A received message, as KafkaJS's KafkaMessage (keys, values and header values are {@link MessageBytes}). */
export interface KafkaMessage {
  key: MessageBytes | null;
  value: MessageBytes | null;
  /** Milliseconds since the epoch, as a string. */
  timestamp: string;
  attributes: number;
  offset: string;
  headers: IncomingHeaders;
}

export interface EachMessagePayload {
  topic: string;
  partition: number;
  message: KafkaMessage;
  heartbeat(): Promise<void>;
  /** Pause this partition; the returned function resumes it. */
  pause(): () => void;
}

export interface Batch {
  topic: string;
  partition: number;
  highWatermark: string;
  messages: KafkaMessage[];
  isEmpty(): boolean;
  firstOffset(): string | null;
  lastOffset(): string;
  offsetLag(): string;
  offsetLagLow(): string;
}

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

export interface TopicPartitionOffsetAndMetadata extends TopicPartitionOffset {
  metadata?: string | null;
}

export interface OffsetsByTopicPartition {
  topics: { topic: string; partitions: { partition: number; offset: string }[] }[];
}

export interface EachBatchPayload {
  batch: Batch;
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  pause(): () => void;
  commitOffsetsIfNecessary(offsets?: OffsetsByTopicPartition): Promise<void>;
  uncommittedOffsets(): OffsetsByTopicPartition;
  isRunning(): boolean;
  isStale(): boolean;
}

export interface ConsumerRunConfig {
  /** Default true. */
  autoCommit?: boolean;
  autoCommitInterval?: number | null;
  autoCommitThreshold?: number | null;
  /** Default true: a batch that eachBatch finished without throwing is resolved up to its last message. */
  eachBatchAutoResolve?: boolean;
  /** How many partitions' batches are processed at the same time; default 1. */
  partitionsConsumedConcurrently?: number;
  eachBatch?: (payload: EachBatchPayload) => Promise<void>;
  eachMessage?: (payload: EachMessagePayload) => Promise<void>;
}

export interface ConsumerSubscribeTopics {
  topics?: (string | RegExp)[];
  /** KafkaJS's older form. */
  topic?: string | RegExp;
  /** Without a committed offset: start at the log start (true) or the end (false, the default). */
  fromBeginning?: boolean;
}

export interface MemberDescription {
  memberId: string;
  clientId: string;
  clientHost: string;
  /** The member's subscription (KafkaJS gives the encoded bytes; here it is decoded). */
  memberMetadata: { topics: string[] };
  /** topic -> partitions (KafkaJS gives the encoded bytes; here it is decoded). */
  memberAssignment: Record<string, number[]>;
}

export interface GroupDescription {
  groupId: string;
  members: MemberDescription[];
  protocol: string;
  protocolType: string;
  state: string;
  errorCode: number;
}

export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

/** How a CRASH caused by the application's handler is worded in the low-level event. */
const HANDLER_ERROR = "the message handler threw";

interface PartitionBatch {
  readonly tp: TopicPartition;
  readonly key: string;
  readonly records: ConsumerRecord[];
  readonly epoch: number;
}

export class Consumer {
  readonly events: ConsumerEvents = CONSUMER_EVENTS;
  readonly groupId: string;
  private readonly resolved: ReturnType<typeof resolveKafkaJsConsumer>;
  private readonly instrumentation: Instrumentation;
  private readonly listeners = new Set<(event: ConsumerEvent) => void>();
  private readonly waker = new Waker();

  private connected = false;
  private running = false;
  private readonly subscriptions = new Map<string, boolean>();
  private readonly partitionCounts = new Map<string, number>();
  private session: ConsumerSession | undefined;
  private coordinator: TransportCoordinator | undefined;
  private loop: Promise<void> | undefined;
  private runConfig: Required<Omit<ConsumerRunConfig, "eachBatch" | "eachMessage">> & Pick<ConsumerRunConfig, "eachBatch" | "eachMessage"> = {
    autoCommit: true,
    autoCommitInterval: null,
    autoCommitThreshold: null,
    eachBatchAutoResolve: true,
    partitionsConsumedConcurrently: 1,
  };
  private readonly pausedTopics = new Set<string>();
  private readonly pausedPartitions = new Set<string>();
  private readonly pendingSeeks = new Map<string, number>();
  /** Offset after the last message the handlers finished with, per partition. */
  private readonly resolvedOffsets = new Map<string, number>();
  /** What the group has committed, as far as this consumer knows. */
  private readonly committed = new Map<string, number>();
  /** Bumped on seek, assignment and revocation: a batch fetched before is stale. */
  private readonly epochs = new Map<string, number>();
  private readonly endOffsets = new Map<string, { highWatermark: number; lastStableOffset: number }>();
  /** Newly assigned partitions whose committed offsets have not been read yet. */
  private readonly toPrefetch = new Set<string>();
  private resolvedSinceCommit = 0;
  private lastCommitAt = 0;
  private lastHeartbeatAt = 0;
  private rebalanceStartedAt: number | null = null;
  private assignmentBefore: string[] = [];
  private leaderId = "";
  private protocolName: string | null = null;
  private sessionReset: "earliest" | "latest" = "latest";
  private lastLag = "";
  private cancelMetadataTimer: (() => void) | undefined;

  constructor(
    private readonly runtime: ClientRuntime,
    private readonly options: ConsumerConfig,
  ) {
    this.resolved = resolveKafkaJsConsumer(runtime.clientId, options);
    this.groupId = options.groupId;
    this.instrumentation = new Instrumentation(runtime.scheduler.clock, eventNames(CONSUMER_EVENTS), `consumer of group "${options.groupId}"`);
  }

  // =====================================================================================
  // Connection and subscription

  async connect(): Promise<void> {
    this.connected = true;
    this.instrumentation.emit(CONSUMER_EVENTS.CONNECT, null);
  }

  /** Stops (committing what was resolved, leaving the group) and disconnects. */
  async disconnect(): Promise<void> {
    await this.stop();
    if (!this.connected) return;
    this.connected = false;
    this.instrumentation.emit(CONSUMER_EVENTS.DISCONNECT, null);
  }

  /**
   * Add topics to the subscription (before run). A topic that does not exist is created when
   * allowAutoTopicCreation is on and the broker allows it; otherwise UNKNOWN_TOPIC_OR_PARTITION
   * names it. A RegExp matches the topics that exist now (internal topics excepted).
   */
  async subscribe(subscription: ConsumerSubscribeTopics): Promise<void> {
    this.requireConnected("subscribe");
    if (this.running) throw new KafkaError("ILLEGAL_STATE", `consumer of group "${this.groupId}": cannot subscribe to topics while the consumer is running`);
    const list = subscription.topics ?? (subscription.topic === undefined ? [] : [subscription.topic]);
    if (list.length === 0) throw new KafkaError("INVALID_REQUEST", `consumer of group "${this.groupId}": subscribe needs topics (or topic)`);
    const names = list.filter((t): t is string => typeof t === "string");
    const patterns = list.filter((t): t is RegExp => t instanceof RegExp);
    if (names.length + patterns.length !== list.length) {
      throw new KafkaError("INVALID_REQUEST", `consumer of group "${this.groupId}": topics must be strings or regular expressions`);
    }
    const found: string[] = [];
    if (names.length > 0) {
      const response = await this.runtime.transport.metadata({ topics: names, allowAutoTopicCreation: this.resolved.kafka["allow.auto.create.topics"] });
      for (const t of response.topics) {
        if (t.error) throw fromSeamError(t.error);
        this.partitionCounts.set(t.name, t.partitions);
        found.push(t.name);
      }
    }
    if (patterns.length > 0) {
      const all = await this.runtime.transport.metadata({});
      for (const t of all.topics) {
        if (t.error || t.internal) continue;
        this.partitionCounts.set(t.name, t.partitions);
        if (patterns.some((p) => new RegExp(p.source, p.flags.replace("g", "")).test(t.name))) found.push(t.name);
      }
    }
    for (const topic of found) this.subscriptions.set(topic, subscription.fromBeginning ?? false);
  }

  // =====================================================================================
  // Running

  /**
   * Join the group and start delivering records. Resolves once the consumer is running (the
   * join completes in the background, as time and the other members allow); failures later
   * are reported by the CRASH event.
   */
  async run(config: ConsumerRunConfig = {}): Promise<void> {
    this.requireConnected("run");
    if (this.running) throw new KafkaError("ILLEGAL_STATE", `consumer of group "${this.groupId}" is already running`);
    if (this.subscriptions.size === 0) throw new KafkaError("ILLEGAL_STATE", `consumer of group "${this.groupId}": subscribe to topics before run()`);
    if (!config.eachMessage && !config.eachBatch) throw new KafkaError("INVALID_REQUEST", `consumer of group "${this.groupId}": run() needs eachMessage or eachBatch`);
    const concurrency = config.partitionsConsumedConcurrently ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new KafkaError("INVALID_CONFIG", `partitionsConsumedConcurrently must be an integer ≥ 1, got ${concurrency}`);
    }
    this.runConfig = {
      autoCommit: config.autoCommit ?? true,
      autoCommitInterval: config.autoCommitInterval ?? null,
      autoCommitThreshold: config.autoCommitThreshold ?? null,
      eachBatchAutoResolve: config.eachBatchAutoResolve ?? true,
      partitionsConsumedConcurrently: concurrency,
      eachBatch: config.eachBatch,
      eachMessage: config.eachMessage,
    };
    this.startSession();
    this.running = true;
    this.lastCommitAt = this.now();
    this.cancelMetadataTimer = this.runtime.scheduler.every(this.resolved.metadataMaxAgeMs, () => {
      void this.runtime.track(this.refreshMetadata().catch(() => undefined));
    });
    this.session!.start();
    this.loop = this.runLoop();
  }

  /** Stop fetching, finish the message in hand, commit what was resolved (autoCommit) and leave the group. */
  async stop(): Promise<void> {
    if (!this.running) {
      await this.loop;
      return;
    }
    this.running = false;
    this.waker.wake();
    await this.loop;
    this.cancelMetadataTimer?.();
    const session = this.session;
    if (session && session.live) {
      if (this.runConfig.autoCommit) await this.commitResolved().catch(() => undefined);
      const member = this.base();
      await session.close();
      this.emit({ type: "left", ...member, at: this.now() });
    }
    this.instrumentation.emit(CONSUMER_EVENTS.STOP, null);
    this.emit({ type: "stopped", ...this.base() });
  }

  /**
   * Not in KafkaJS: the process dies here. No commit, no LeaveGroup; heartbeats stop, so the
   * coordinator notices only after sessionTimeout and then gives the partitions to others.
   */
  crash(): void {
    if (!this.running) return;
    this.running = false;
    this.cancelMetadataTimer?.();
    this.session?.crash();
    this.waker.wake();
  }

  /** Consume from `offset` next (a string, as in KafkaJS). Allowed once run() was called. */
  seek({ topic, partition, offset }: TopicPartitionOffset): void {
    const session = this.requireRunning("seek");
    const key = `${topic}-${partition}`;
    const target = parseOffset(offset, `seek on ${key}`);
    if (target < 0) throw new KafkaError("INVALID_REQUEST", `seek on ${key}: offset must be ≥ 0, got ${offset}`);
    this.bump(key);
    this.resolvedOffsets.set(key, target);
    if (session.assignment.some((p) => tpKey(p) === key)) {
      // A numeric seek takes effect at once; it can only fail for a consumer that just stopped.
      void session.seek({ topic, partition }, target).catch(() => undefined);
      if (this.runConfig.autoCommit) void this.runtime.track(this.commitResolved([key]).catch(() => undefined));
    } else {
      this.pendingSeeks.set(key, target);
    }
    this.waker.wake();
  }

  /**
   * Commit these offsets (the next offsets to read) now, whatever autoCommit says. An offset
   * past the partition's log end is refused with OFFSET_OUT_OF_RANGE naming the group, the
   * partition, the offset and the log end.
   */
  async commitOffsets(offsets: TopicPartitionOffsetAndMetadata[]): Promise<void> {
    const session = this.requireRunning("commitOffsets");
    const map: Record<string, number> = {};
    for (const o of offsets) map[`${o.topic}-${o.partition}`] = parseOffset(o.offset, `commit of ${o.topic}-${o.partition}`);
    const done = await this.runtime.track(session.commitSync(map));
    this.afterCommit(done);
  }

  pause(topics: { topic: string; partitions?: number[] }[]): void {
    this.requireRunning("pause");
    for (const t of topics) {
      if (t.partitions === undefined) this.pausedTopics.add(t.topic);
      else for (const p of t.partitions) this.pausedPartitions.add(`${t.topic}-${p}`);
    }
  }

  resume(topics: { topic: string; partitions?: number[] }[]): void {
    this.requireRunning("resume");
    for (const t of topics) {
      if (t.partitions === undefined) {
        this.pausedTopics.delete(t.topic);
        for (const key of [...this.pausedPartitions]) if (key.startsWith(`${t.topic}-`) && /^\d+$/.test(key.slice(t.topic.length + 1))) this.pausedPartitions.delete(key);
      } else {
        for (const p of t.partitions) this.pausedPartitions.delete(`${t.topic}-${p}`);
      }
    }
    this.waker.wake();
  }

  paused(): TopicPartitions[] {
    const byTopic = new Map<string, number[]>();
    for (const topic of this.pausedTopics) {
      const count = this.partitionCounts.get(topic) ?? 0;
      byTopic.set(topic, Array.from({ length: count }, (_, i) => i));
    }
    for (const key of this.pausedPartitions) {
      const dash = key.lastIndexOf("-");
      const topic = key.slice(0, dash);
      const list = byTopic.get(topic) ?? [];
      const partition = Number(key.slice(dash + 1));
      if (!list.includes(partition)) list.push(partition);
      byTopic.set(topic, list);
    }
    return [...byTopic].map(([topic, partitions]) => ({ topic, partitions: partitions.sort((a, b) => a - b) }));
  }

  async describeGroup(): Promise<GroupDescription> {
    const [g] = await this.runtime.transport.describeGroups({ groupIds: [this.groupId] });
    return toKafkaJsGroup(g!);
  }

  // =====================================================================================
  // What tests and the workbench read

  /** The partitions this consumer owns now, as `topic-partition`, sorted. */
  assignment(): string[] {
    return this.session?.assignment.map(tpKey) ?? [];
  }

  memberId(): string {
    return this.session?.member.memberId ?? "";
  }

  generationId(): number {
    return this.session?.member.generationId ?? -1;
  }

  isRunning(): boolean {
    return this.running;
  }

  /** Lag of each assigned partition as this consumer knows it. */
  lag(): Record<string, PartitionLagView> {
    const out: Record<string, PartitionLagView> = {};
    const session = this.session;
    if (!session) return out;
    const positions = session.positions();
    for (const p of session.assignment) {
      const key = tpKey(p);
      const end = this.endOffsets.get(key);
      const position = positions[key];
      if (end === undefined || position === undefined) continue;
      const endOffset = session.isolation === "read_committed" ? end.lastStableOffset : end.highWatermark;
      const committed = this.committed.get(key) ?? null;
      out[key] = { position, committed, endOffset, lag: committed === null ? null : Math.max(0, endOffset - committed), positionLag: Math.max(0, endOffset - position) };
    }
    return out;
  }

  on(eventName: string, listener: (event: InstrumentationEvent<unknown>) => void): RemoveInstrumentationEventListener {
    return this.instrumentation.on(eventName, listener);
  }

  /** The low-level events of this consumer (see client-events.ts); returns an unsubscribe. */
  onEvent(listener: (event: ConsumerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // =====================================================================================
  // Internals: the session and the group

  private startSession(): void {
    const kafka = this.resolved.kafka;
    const coordinator = new TransportCoordinator(this.runtime.transport, {
      beforeJoin: () => this.onRebalanceStarted(),
      joined: (response) => {
        this.leaderId = response.leader;
        this.protocolName = response.protocolName;
      },
      beforeAssignment: () => this.refreshMetadata(),
      afterSync: (response) => {
        if (response.error === null && this.session?.member.state === "STABLE") this.onRebalanceCompleted();
      },
      afterHeartbeat: (request, response) => {
        this.lastHeartbeatAt = this.now();
        if (response.error === null) {
          this.instrumentation.emit(CONSUMER_EVENTS.HEARTBEAT, { groupId: this.groupId, memberId: request.memberId, groupGenerationId: request.generationId });
        }
      },
      onError: (e) => this.reportCrash(e, true),
    });
    this.coordinator = coordinator;
    const log: ConsumerLog = {
      fetch: (topic, partition, offset, maxBytes, isolation) => this.fetchOne(topic, partition, offset, maxBytes, isolation),
      listOffset: (topic, partition, spec, isolation) => this.listOffset(topic, partition, spec, isolation),
      offsetCommitsSettled: () => this.beforePositions(),
    };
    // The session's reset covers most topics; beforePositions() places the others.
    const starts = [...this.subscriptions.keys()].map((t) => this.startOf(t));
    this.sessionReset = starts.filter((s) => s === "earliest").length * 2 >= starts.length ? "earliest" : "latest";
    const reset = this.options.config?.["auto.offset.reset"] !== undefined && starts.every((s) => s === "latest") ? kafka["auto.offset.reset"] : this.sessionReset;
    const session = new ConsumerSession({
      coordinator: coordinator.asCoordinator(),
      scheduler: this.runtime.scheduler,
      log,
      groupId: this.groupId,
      clientId: this.runtime.clientId,
      topics: [...this.subscriptions.keys()].sort(),
      config: { ...kafka, "auto.offset.reset": reset },
      partitionsFor: (topic) => this.partitionCounts.get(topic),
      paused: (p) => this.isPaused(tpKey(p)),
      listener: {
        onPartitionsAssigned: (partitions) => this.onAssigned(partitions),
        onPartitionsRevoked: (partitions) => this.onRevoked(partitions),
        onPartitionsLost: (partitions) => this.onLost(partitions),
      },
    });
    coordinator.heartbeatNow = () => session.member.heartbeatNow();
    this.session = session;
  }

  private onAssigned(partitions: TopicPartition[]): void {
    const session = this.session!;
    for (const p of partitions) {
      const key = tpKey(p);
      this.bump(key);
      this.toPrefetch.add(key);
      const seek = this.pendingSeeks.get(key);
      if (seek !== undefined) {
        this.pendingSeeks.delete(key);
        void session.seek(p, seek).catch(() => undefined);
      }
    }
    this.emit({ type: "partitions-assigned", ...this.base(), partitions: partitions.map(tpKey) });
    this.waker.wake();
  }

  /** Before giving partitions up, commit what the handlers finished with (KafkaJS does too). */
  private onRevoked(partitions: TopicPartition[]): void {
    const keys = partitions.map(tpKey);
    if (this.runConfig.autoCommit) void this.runtime.track(this.commitResolved(keys).catch(() => undefined));
    this.forget(keys);
    this.emit({ type: "partitions-revoked", ...this.base(), partitions: keys });
    this.waker.wake();
  }

  private onLost(partitions: TopicPartition[]): void {
    const keys = partitions.map(tpKey);
    this.forget(keys);
    this.emit({ type: "partitions-lost", ...this.base(), partitions: keys });
    this.waker.wake();
  }

  private forget(keys: readonly string[]): void {
    for (const key of keys) {
      this.bump(key);
      this.resolvedOffsets.delete(key);
      this.toPrefetch.delete(key);
    }
  }

  private onRebalanceStarted(): void {
    if (this.rebalanceStartedAt !== null) return;
    this.rebalanceStartedAt = this.now();
    const member = this.session?.member;
    this.instrumentation.emit(CONSUMER_EVENTS.REBALANCING, { groupId: this.groupId, memberId: member?.memberId ?? "" });
    this.emit({ type: "rebalance-started", ...this.base(), generationId: member?.generationId ?? -1, assignment: this.assignmentBefore });
  }

  private onRebalanceCompleted(): void {
    const member = this.session!.member;
    const after = member.assignment.map(tpKey);
    const startedAt = this.rebalanceStartedAt ?? this.now();
    this.rebalanceStartedAt = null;
    const memberAssignment: Record<string, number[]> = {};
    for (const p of member.assignment) (memberAssignment[p.topic] ??= []).push(p.partition);
    this.instrumentation.emit(CONSUMER_EVENTS.GROUP_JOIN, {
      duration: this.now() - startedAt,
      groupId: this.groupId,
      isLeader: member.isLeader,
      leaderId: this.leaderId,
      groupProtocol: this.protocolName ?? "",
      memberId: member.memberId,
      memberAssignment,
    });
    this.emit({
      type: "rebalance-completed",
      ...this.base(),
      generationId: member.generationId,
      leaderId: this.leaderId,
      isLeader: member.isLeader,
      protocol: this.protocolName,
      assignmentBefore: this.assignmentBefore,
      assignmentAfter: after,
    });
    this.assignmentBefore = after;
  }

  /** Topic partition counts for the leader's assignment and for noticing new partitions. */
  private async refreshMetadata(): Promise<void> {
    const response = await this.runtime.transport.metadata({});
    for (const t of response.topics) if (!t.error) this.partitionCounts.set(t.name, t.partitions);
    for (const topic of [...this.partitionCounts.keys()]) if (!response.topics.some((t) => t.name === topic)) this.partitionCounts.delete(topic);
    this.session?.member.checkMetadata();
  }

  // =====================================================================================
  // Internals: what ConsumerSession reads through the transport

  private async fetchOne(topic: string, partition: number, offset: number, maxBytes: number, isolation: "read_uncommitted" | "read_committed") {
    const key = `${topic}-${partition}`;
    if (this.isPaused(key)) return { bytes: new Uint8Array(0), nextOffset: offset, abortedTransactions: [] };
    const response = await this.runtime.transport.fetch({
      isolationLevel: isolation,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: this.resolved.kafka["fetch.max.bytes"],
      partitions: [{ topic, partition, fetchOffset: offset, maxBytes }],
    });
    const p = response.partitions[0];
    if (!p) throw new KafkaError("UNKNOWN_SERVER_ERROR", `fetch of ${key} came back without that partition`);
    if (p.error) throw fromSeamError(p.error);
    this.endOffsets.set(key, { highWatermark: p.highWatermark, lastStableOffset: p.lastStableOffset });
    return { bytes: p.records, nextOffset: p.nextOffset, abortedTransactions: [...p.abortedTransactions] };
  }

  private async listOffset(topic: string, partition: number, spec: ListOffsetSpec, isolation: "read_uncommitted" | "read_committed") {
    const response = await this.runtime.transport.listOffsets({ isolationLevel: isolation, partitions: [{ topic, partition, spec }] });
    const p = response.partitions[0];
    if (!p) throw new KafkaError("UNKNOWN_SERVER_ERROR", `list offsets of ${topic}-${partition} came back without that partition`);
    return { offset: p.offset, timestamp: p.timestamp };
  }

  /** Read the group's committed offsets of `keys` before the session asks for them. */
  private async prefetchCommitted(keys: readonly string[]): Promise<void> {
    if (keys.length === 0 || !this.coordinator) return;
    for (const key of keys) this.toPrefetch.delete(key);
    await this.coordinator.refreshCommitted(this.groupId, keys);
    const found = this.coordinator.fetchOffsets(this.groupId, keys);
    for (const key of keys) {
      const c = found[key];
      if (c === undefined || c.offset < 0) this.committed.delete(key);
      else this.committed.set(key, c.offset);
    }
  }

  /**
   * Runs inside the session's position lookup, right before it reads committed offsets: read
   * them for newly assigned partitions, and place partitions of topics whose start (KafkaJS's
   * per-topic fromBeginning) differs from the session's auto.offset.reset.
   */
  private async beforePositions(): Promise<void> {
    const session = this.session;
    while (this.toPrefetch.size > 0 && session) {
      const keys = [...this.toPrefetch];
      await this.prefetchCommitted(keys);
      const positions = session.positions();
      for (const p of session.assignment) {
        const key = tpKey(p);
        if (!keys.includes(key) || positions[key] !== undefined || this.committed.has(key)) continue;
        const start = this.startOf(p.topic);
        if (start !== this.sessionReset) await session.seek(p, start);
      }
    }
  }

  /** Where a partition without a committed offset starts: KafkaJS's fromBeginning, per topic. */
  private startOf(topic: string): "earliest" | "latest" {
    if (this.subscriptions.get(topic) === true) return "earliest";
    const configured = this.options.config?.["auto.offset.reset"];
    return configured === "earliest" ? "earliest" : "latest";
  }

  // =====================================================================================
  // Internals: the run loop

  private async runLoop(): Promise<void> {
    while (this.running) {
      const since = this.waker.generation;
      try {
        const delivered = await this.step();
        if (!delivered && this.running) await this.waitForData(since);
      } catch (e) {
        if (!this.running) break;
        const fatal = !this.session?.live || isKafkaError(e, "NO_OFFSET_FOR_PARTITION") || isKafkaError(e, "OFFSET_OUT_OF_RANGE");
        this.reportCrash(e, !fatal);
        if (fatal) {
          this.running = false;
          this.cancelMetadataTimer?.();
          break;
        }
        await this.waker.sleep(this.runtime.scheduler, this.resolved.retryBackoffMs, this.waker.generation);
      }
    }
  }

  /** One poll and the processing of what it returned. False when there was nothing to deliver. */
  private async step(): Promise<boolean> {
    const session = this.session!;
    if (!session.live) throw session.member.error ?? new KafkaError("ILLEGAL_STATE", `consumer of group "${this.groupId}" is no longer in the group`);
    const startedAt = this.now();
    this.instrumentation.emit(CONSUMER_EVENTS.FETCH_START, { nodeId: 0 });
    const release = this.coordinator!.hold();
    let records: ConsumerRecord[];
    try {
      records = await this.runtime.track(session.poll());
    } finally {
      release();
    }
    const batches = this.toBatches(records);
    this.instrumentation.emit(CONSUMER_EVENTS.FETCH, { numberOfBatches: batches.length, duration: this.now() - startedAt, nodeId: 0 });
    if (!this.running) return false;
    if (batches.length > 0) await this.runtime.track(this.processAll(batches));
    this.resolvePastFiltered(batches);
    if (this.runConfig.autoCommit) await this.runtime.track(this.commitResolved()).catch(() => undefined);
    this.emitLag();
    return batches.length > 0;
  }

  /** Wait until data may be there: a fetch the broker holds, or the scheduler when there is nothing to fetch. */
  private async waitForData(since: number): Promise<void> {
    const session = this.session!;
    const positions = session.positions();
    const fetchable = session.assignment.filter((p) => positions[tpKey(p)] !== undefined && !this.isPaused(tpKey(p)));
    const maxWait = this.resolved.kafka["fetch.max.wait.ms"];
    if (fetchable.length === 0 || maxWait === 0) {
      // Nothing to fetch (no assignment yet, or everything paused), or no broker-side wait: look again later.
      await this.waker.sleep(this.runtime.scheduler, maxWait === 0 ? this.resolved.retryBackoffMs : maxWait, since);
      return;
    }
    const fetch = this.runtime.transport.fetch({
      isolationLevel: session.isolation,
      maxWaitMs: maxWait,
      minBytes: this.resolved.kafka["fetch.min.bytes"],
      maxBytes: this.resolved.kafka["fetch.max.bytes"],
      partitions: fetchable.map((p) => ({ topic: p.topic, partition: p.partition, fetchOffset: positions[tpKey(p)]!, maxBytes: this.resolved.kafka["max.partition.fetch.bytes"] })),
    });
    const answered = fetch.then(
      (r) => this.noteEndOffsets(r),
      () => undefined,
    );
    await Promise.race([answered, this.waker.until(since)]);
  }

  private noteEndOffsets(response: FetchResponse): void {
    for (const p of response.partitions) {
      if (p.error === null) this.endOffsets.set(`${p.topic}-${p.partition}`, { highWatermark: p.highWatermark, lastStableOffset: p.lastStableOffset });
    }
  }

  private toBatches(records: readonly ConsumerRecord[]): PartitionBatch[] {
    const byKey = new Map<string, PartitionBatch>();
    // A poll returns each partition's records together: name the partition once per run of them.
    let batch: PartitionBatch | undefined;
    for (const r of records) {
      if (batch === undefined || batch.tp.partition !== r.partition || batch.tp.topic !== r.topic) {
        const key = `${r.topic}-${r.partition}`;
        batch = byKey.get(key);
        if (!batch) byKey.set(key, (batch = { tp: { topic: r.topic, partition: r.partition }, key, records: [], epoch: this.epoch(key) }));
      }
      batch.records.push(r);
    }
    return [...byKey.values()];
  }

  /** Process the batches of one poll, up to partitionsConsumedConcurrently at a time. */
  private async processAll(batches: PartitionBatch[]): Promise<void> {
    const queue = [...batches];
    let failure: { error: unknown } | undefined;
    const worker = async () => {
      for (let b = queue.shift(); b !== undefined; b = queue.shift()) {
        if (failure) {
          this.rewind(b, b.records[0]!.offset);
          continue;
        }
        try {
          await this.processBatch(b);
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.runConfig.partitionsConsumedConcurrently, queue.length) }, worker));
    if (failure) {
      if (this.runConfig.autoCommit) await this.commitResolved().catch(() => undefined);
      throw failure.error;
    }
  }

  private async processBatch(b: PartitionBatch): Promise<void> {
    const first = b.records[0]!.offset;
    const last = b.records.at(-1)!.offset;
    const end = this.endOffsets.get(b.key);
    const highWatermark = end?.highWatermark ?? last + 1;
    const payload = {
      topic: b.tp.topic,
      partition: b.tp.partition,
      highWatermark: String(highWatermark),
      offsetLag: String(Math.max(0, highWatermark - 1 - last)),
      offsetLagLow: String(Math.max(0, highWatermark - 1 - first)),
      batchSize: b.records.length,
      firstOffset: String(first),
      lastOffset: String(last),
    };
    const startedAt = this.now();
    this.instrumentation.emit(CONSUMER_EVENTS.START_BATCH_PROCESS, payload);
    if (this.runConfig.eachMessage) await this.eachMessage(b);
    else await this.eachBatch(b, makeBatch(b.tp, highWatermark, b.records.map(toKafkaMessage)));
    this.instrumentation.emit(CONSUMER_EVENTS.END_BATCH_PROCESS, { ...payload, duration: this.now() - startedAt });
  }

  /**
   * Each message is made just before its handler runs: made all at once, a batch of
   * thousands would outlive the young generation and cost a full collection.
   */
  private async eachMessage(b: PartitionBatch): Promise<void> {
    const handler = this.runConfig.eachMessage!;
    const pause = () => this.pausePartition(b.tp);
    const heartbeat = () => this.heartbeat();
    const { topic, partition } = b.tp;
    // Checked per message only when a commit can fall due inside a batch.
    const { autoCommit, autoCommitInterval, autoCommitThreshold } = this.runConfig;
    const commitsWithin = autoCommit && (autoCommitInterval !== null || autoCommitThreshold !== null);
    for (const record of b.records) {
      const offset = record.offset;
      if (this.isStale(b)) return;
      if (!this.running || this.isPaused(b.key)) {
        this.rewind(b, offset);
        return;
      }
      try {
        await handler({ topic, partition, message: toKafkaMessage(record), heartbeat, pause });
      } catch (e) {
        this.rewind(b, offset);
        throw new HandlerError(e);
      }
      if (this.isStale(b)) return;
      this.resolve(b.key, offset + 1);
      if (commitsWithin) await this.commitIfNecessary();
    }
  }

  private async eachBatch(b: PartitionBatch, batch: Batch): Promise<void> {
    const handler = this.runConfig.eachBatch!;
    try {
      await handler({
        batch,
        resolveOffset: (offset) => {
          if (!this.isStale(b)) this.resolve(b.key, parseOffset(offset, `resolveOffset on ${b.key}`) + 1);
        },
        heartbeat: () => this.heartbeat(),
        pause: () => this.pausePartition(b.tp),
        commitOffsetsIfNecessary: async (offsets) => {
          if (offsets) await this.commitOffsets(offsets.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: p.offset }))));
          else await this.commitIfNecessary();
        },
        uncommittedOffsets: () => this.uncommittedOffsets(),
        isRunning: () => this.running,
        isStale: () => this.isStale(b),
      });
    } catch (e) {
      const next = this.resolvedOffsets.get(b.key) ?? b.records[0]!.offset;
      this.rewind(b, Math.max(next, b.records[0]!.offset));
      throw new HandlerError(e);
    }
    if (this.isStale(b)) return;
    const last = b.records.at(-1)!.offset;
    if (this.runConfig.eachBatchAutoResolve) this.resolve(b.key, last + 1);
    const next = this.resolvedOffsets.get(b.key) ?? b.records[0]!.offset;
    // What the handler did not resolve is delivered again.
    if (next <= last) this.rewind(b, next);
  }

  /** Fetch `b`'s partition again from `offset` (an unprocessed message), unless it moved on meanwhile. */
  private rewind(b: PartitionBatch, offset: number): void {
    if (this.isStale(b)) return;
    const session = this.session!;
    if (!session.assignment.some((p) => tpKey(p) === b.key)) return;
    void session.seek(b.tp, offset).catch(() => undefined);
  }

  /**
   * A partition whose records were all handled moves its resolved offset to the session's
   * position, past transaction markers and aborted records, as KafkaJS resolves batches
   * that filtering emptied: a consumer that read everything then shows no lag.
   */
  private resolvePastFiltered(batches: readonly PartitionBatch[]): void {
    const session = this.session!;
    const positions = session.positions();
    for (const p of session.assignment) {
      const key = tpKey(p);
      const position = positions[key];
      if (position === undefined || this.isPaused(key)) continue;
      const b = batches.find((x) => x.key === key);
      if (b && this.isStale(b)) continue;
      const lastDelivered = b ? b.records.at(-1)!.offset + 1 : undefined;
      const resolved = this.resolvedOffsets.get(key);
      if (lastDelivered !== undefined && (resolved === undefined || resolved < lastDelivered)) continue;
      if (resolved === undefined || position > resolved) this.resolvedOffsets.set(key, position);
    }
  }

  private resolve(key: string, next: number): void {
    this.resolvedOffsets.set(key, next);
    this.resolvedSinceCommit++;
  }

  private async commitIfNecessary(): Promise<void> {
    const { autoCommitInterval, autoCommitThreshold } = this.runConfig;
    const due =
      (autoCommitInterval !== null && this.now() >= this.lastCommitAt + autoCommitInterval) ||
      (autoCommitThreshold !== null && this.resolvedSinceCommit >= autoCommitThreshold);
    if (due) await this.commitResolved().catch(() => undefined);
  }

  /**
   * Commit the resolved offsets that differ from what is committed (of `keys`, or of every
   * owned partition). The request goes out before this returns its promise, so a caller in
   * the middle of a rebalance (revocation) commits in the generation it is leaving.
   */
  private commitResolved(keys?: readonly string[]): Promise<void> {
    const session = this.session;
    // COMPLETING_REBALANCE: a cooperative member gives up partitions right after its SyncGroup,
    // already in the new generation, which the coordinator accepts commits from.
    const state = session?.member.state;
    if (!session || !session.live || session.member.generationId < 0 || (state !== "STABLE" && state !== "COMPLETING_REBALANCE")) return Promise.resolve();
    const owned = new Set(session.assignment.map(tpKey));
    const offsets: Record<string, { offset: number }> = {};
    for (const key of keys ?? [...this.resolvedOffsets.keys()]) {
      const offset = this.resolvedOffsets.get(key);
      if (offset === undefined || !owned.has(key) || this.committed.get(key) === offset) continue;
      offsets[key] = { offset };
    }
    if (Object.keys(offsets).length === 0) return Promise.resolve();
    const generationId = session.member.generationId;
    const memberId = session.member.memberId;
    const result = session.member.commitSync(offsets);
    return Promise.resolve(result).then(() => {
      this.resolvedSinceCommit = 0;
      this.afterCommit(Object.fromEntries(Object.entries(offsets).map(([k, v]) => [k, v.offset])), generationId, memberId);
    });
  }

  private afterCommit(offsets: Record<string, number>, generationId = this.generationId(), memberId = this.memberId()): void {
    if (Object.keys(offsets).length === 0) return;
    this.lastCommitAt = this.now();
    for (const [key, offset] of Object.entries(offsets)) this.committed.set(key, offset);
    this.instrumentation.emit(CONSUMER_EVENTS.COMMIT_OFFSETS, { groupId: this.groupId, memberId, groupGenerationId: generationId, topics: byTopic(offsets) });
    this.emit({ type: "offsets-committed", ...this.base(), generationId, offsets: { ...offsets } });
  }

  private uncommittedOffsets(): OffsetsByTopicPartition {
    const pending: Record<string, number> = {};
    for (const [key, offset] of this.resolvedOffsets) if (this.committed.get(key) !== offset) pending[key] = offset;
    return { topics: byTopic(pending) };
  }

  private async heartbeat(): Promise<void> {
    const session = this.session;
    if (session && this.now() - this.lastHeartbeatAt >= this.resolved.kafka["heartbeat.interval.ms"]) session.member.heartbeatNow();
  }

  private pausePartition(tp: TopicPartition): () => void {
    this.pausedPartitions.add(tpKey(tp));
    return () => {
      if (this.running) this.resume([{ topic: tp.topic, partitions: [tp.partition] }]);
    };
  }

  private isPaused(key: string): boolean {
    if (this.pausedTopics.size === 0) return this.pausedPartitions.size > 0 && this.pausedPartitions.has(key);
    if (this.pausedPartitions.has(key)) return true;
    const dash = key.lastIndexOf("-");
    return this.pausedTopics.has(key.slice(0, dash));
  }

  private epoch(key: string): number {
    return this.epochs.get(key) ?? 0;
  }

  private bump(key: string): void {
    this.epochs.set(key, this.epoch(key) + 1);
  }

  private isStale(b: PartitionBatch): boolean {
    return this.epoch(b.key) !== b.epoch;
  }

  private emitLag(): void {
    const partitions = this.lag();
    const signature = JSON.stringify(partitions);
    if (signature === this.lastLag) return;
    this.lastLag = signature;
    const totalLag = Object.values(partitions).reduce((n, p) => n + (p.lag ?? p.positionLag), 0);
    this.emit({ type: "lag", ...this.base(), partitions, totalLag });
  }

  private reportCrash(e: unknown, restart: boolean): void {
    const error = e instanceof HandlerError ? e.cause : e;
    const asError = error instanceof Error ? error : new Error(String(error));
    this.instrumentation.emit(CONSUMER_EVENTS.CRASH, { error: asError, groupId: this.groupId, restart });
    this.emit({
      type: "crashed",
      ...this.base(),
      error: { type: error instanceof KafkaError ? error.type : null, message: e instanceof HandlerError ? `${HANDLER_ERROR}: ${asError.message}` : asError.message },
      restart,
    });
  }

  private emit(event: ConsumerEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch {
        // A listener must not break the consumer.
      }
    }
    this.runtime.emit({ client: "consumer", ...event });
  }

  private base(): { at: number; clientId: string; groupId: string; memberId: string } {
    return { at: this.now(), clientId: this.runtime.clientId, groupId: this.groupId, memberId: this.memberId() };
  }

  private now(): number {
    return this.runtime.scheduler.clock.now();
  }

  private requireConnected(what: string): void {
    if (!this.connected) throw new KafkaError("ILLEGAL_STATE", `consumer of group "${this.groupId}" is disconnected: call connect() before ${what}()`);
  }

  private requireRunning(what: string): ConsumerSession {
    if (!this.running || !this.session) {
      throw new KafkaError("ILLEGAL_STATE", `consumer of group "${this.groupId}": ${what}() needs a running consumer (call run() first)`);
    }
    return this.session;
  }
}

/** An error thrown by the application's handler, kept apart from the consumer's own failures. */
class HandlerError extends Error {
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = "HandlerError";
  }
}

function toKafkaMessage(r: ConsumerRecord): KafkaMessage {
  return {
    key: r.key === null ? null : MessageBytes.view(r.key),
    value: r.value === null ? null : MessageBytes.view(r.value),
    timestamp: String(r.timestamp),
    attributes: 0,
    offset: String(r.offset),
    headers: decodeHeaders(r.headers),
  };
}

function makeBatch(tp: TopicPartition, highWatermark: number, messages: KafkaMessage[]): Batch {
  const first = messages[0];
  const last = messages.at(-1);
  const lastOffset = () => (last ? last.offset : String(highWatermark - 1));
  return {
    topic: tp.topic,
    partition: tp.partition,
    highWatermark: String(highWatermark),
    messages,
    isEmpty: () => messages.length === 0,
    firstOffset: () => (first ? first.offset : null),
    lastOffset,
    offsetLag: () => String(Math.max(0, highWatermark - 1 - Number(lastOffset()))),
    offsetLagLow: () => String(Math.max(0, highWatermark - 1 - Number(first ? first.offset : lastOffset()))),
  };
}

function byTopic(offsets: Record<string, number>): { topic: string; partitions: { partition: number; offset: string }[] }[] {
  const out = new Map<string, { partition: number; offset: string }[]>();
  for (const [key, offset] of Object.entries(offsets)) {
    const dash = key.lastIndexOf("-");
    const topic = key.slice(0, dash);
    const list = out.get(topic) ?? [];
    list.push({ partition: Number(key.slice(dash + 1)), offset: String(offset) });
    out.set(topic, list);
  }
  return [...out].map(([topic, partitions]) => ({ topic, partitions: partitions.sort((a, b) => a.partition - b.partition) }));
}

export function toKafkaJsGroup(g: import("../groups/group-coordinator").GroupDescription): GroupDescription {
  return {
    groupId: g.groupId,
    state: g.state,
    protocol: g.protocol ?? "",
    protocolType: g.protocolType ?? "",
    errorCode: 0,
    members: g.members.map((m) => {
      const memberAssignment: Record<string, number[]> = {};
      for (const p of m.assignment) (memberAssignment[p.topic] ??= []).push(p.partition);
      return { memberId: m.memberId, clientId: m.clientId, clientHost: "streamlab", memberMetadata: { topics: [...m.topics] }, memberAssignment };
    }),
  };
}
