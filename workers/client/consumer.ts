/**
 * KafkaJS's consumer over a {@link ClientTransport}: `subscribe`, `run({ eachMessage |
 * eachBatch })`, `seek`, `commitOffsets`, `pause`/`resume`, `stop`, `describeGroup`, and
 * KafkaJS's instrumentation events.
 *
 * This class is the API and the wiring; the parts, each in its own module:
 * - {@link ConsumerMembership}: the engine's `ConsumerSession` and `GroupMember` under it,
 *   reaching the coordinator through the transport, and what the consumer does as
 *   partitions come and go;
 * - {@link FetchLoop}: poll, process, commit, wait for data;
 * - {@link BatchRunner}: KafkaJS's processing model (`eachMessage` / `eachBatch`, resolving
 *   offsets as handlers finish, rewinding what they did not);
 * - {@link OffsetCommitPolicy}: resolved and committed offsets, and when a commit is due
 *   (after every batch, sooner with autoCommitInterval / autoCommitThreshold, before the
 *   member gives partitions up in a rebalance, and when it stops);
 * - {@link PausedPartitions}, {@link PartitionEpochs} (batches a seek or rebalance made
 *   stale), {@link TransportConsumerLog} (fetches and end offsets), {@link ConsumerReporter}
 *   (instrumentation and low-level events).
 *
 * On virtual time, records are delivered as the engine's clock is driven.
 */
import type { ConsumerSession } from "../groups/consumer-session";
import { tpKey } from "../groups/topic-partition";
import { KafkaError } from "../protocol/errors";
import { fromSeamError } from "../protocol/seam-error";
import { BatchRunner } from "./batch-runner";
import type { ClientRuntime } from "./client-runtime";
import type { ClientTransport } from "./client-transport";
import type { ConsumerEvent, PartitionLagView } from "./client-events";
import {
  CONSUMER_EVENTS,
  type ConsumerEvents,
  type ConsumerRunConfig,
  type ConsumerSubscribeTopics,
  type GroupDescription,
  type TopicPartitionOffset,
  type TopicPartitionOffsetAndMetadata,
  type TopicPartitions,
} from "./consumer-api";
import { ConsumerMembership } from "./consumer-membership";
import { ConsumerReporter } from "./consumer-reporter";
import { ConsumerSubscription } from "./consumer-subscription";
import { FetchLoop } from "./fetch-loop";
import type { InstrumentationEvent, RemoveInstrumentationEventListener } from "./instrumentation";
import { resolveKafkaJsConsumer, type ConsumerConfig, type ResolvedConsumer } from "./kafkajs-config";
import { toKafkaJsGroup } from "./kafkajs-group";
import { OffsetCommitPolicy } from "./offset-commit-policy";
import { PartitionEpochs } from "./partition-batches";
import { PausedPartitions } from "./paused-partitions";
import { parseOffset } from "./producer";
import { DEFAULT_RUN_SETTINGS, resolveRunSettings, type RunSettings } from "./run-settings";
import { TransportConsumerLog } from "./transport-consumer-log";
import { Waker } from "./waker";

export {
  CONSUMER_EVENTS,
  type Batch,
  type ConsumerEvents,
  type ConsumerRunConfig,
  type ConsumerSubscribeTopics,
  type EachBatchPayload,
  type EachMessagePayload,
  type GroupDescription,
  type KafkaMessage,
  type MemberDescription,
  type OffsetsByTopicPartition,
  type TopicPartitionOffset,
  type TopicPartitionOffsetAndMetadata,
  type TopicPartitions,
} from "./consumer-api";

export class Consumer {
  readonly events: ConsumerEvents = CONSUMER_EVENTS;
  readonly groupId: string;
  private readonly resolved: ResolvedConsumer;
  private readonly reporter: ConsumerReporter;
  private readonly waker = new Waker();
  private readonly subscription: ConsumerSubscription;
  private readonly pausedPartitions = new PausedPartitions();
  private readonly epochs = new PartitionEpochs();
  private readonly offsets: OffsetCommitPolicy;
  private readonly log: TransportConsumerLog;
  private readonly membership: ConsumerMembership;
  private readonly fetchLoop: FetchLoop;

  private connected = false;
  private running = false;
  private loop: Promise<void> | undefined;
  private settings: RunSettings = DEFAULT_RUN_SETTINGS;
  private cancelMetadataTimer: (() => void) | undefined;

  constructor(
    private readonly runtime: ClientRuntime,
    options: ConsumerConfig,
  ) {
    this.resolved = resolveKafkaJsConsumer(runtime.clientId, options);
    this.groupId = options.groupId;
    const settings = () => this.settings;
    const session = () => this.membership.session;
    this.reporter = new ConsumerReporter(runtime, this.groupId, () => this.memberId());
    this.subscription = new ConsumerSubscription(options.config?.["auto.offset.reset"]);
    this.offsets = new OffsetCommitPolicy({
      session,
      settings,
      now: () => this.reporter.now(),
      committed: (offsets, generationId, memberId) => this.reporter.committed(offsets, generationId, memberId),
    });
    this.log = new TransportConsumerLog(runtime.transport, this.resolved.kafka["fetch.max.bytes"], (key) => this.pausedPartitions.has(key));
    const parts = {
      runtime,
      groupId: this.groupId,
      config: this.resolved,
      waker: this.waker,
      paused: this.pausedPartitions,
      epochs: this.epochs,
      offsets: this.offsets,
      log: this.log,
      reporter: this.reporter,
      settings,
    };
    this.membership = new ConsumerMembership({ ...parts, subscription: this.subscription });
    const runner = new BatchRunner({
      ...parts,
      isRunning: () => this.running,
      session: () => this.membership.session!,
      heartbeat: () => this.membership.heartbeat(),
      commitOffsets: (offsets) => this.commitOffsets(offsets),
      resume: (topics) => this.resume(topics),
    });
    this.fetchLoop = new FetchLoop({
      ...parts,
      runner,
      isRunning: () => this.running,
      session,
      coordinator: () => this.membership.coordinator,
      lag: () => this.lag(),
      halt: () => {
        this.running = false;
        this.cancelMetadataTimer?.();
      },
    });
  }

  // =====================================================================================
  // Connection and subscription

  async connect(): Promise<void> {
    this.connected = true;
    this.reporter.instrument(CONSUMER_EVENTS.CONNECT, null);
  }

  /** Stops (committing what was resolved, leaving the group) and disconnects. */
  async disconnect(): Promise<void> {
    await this.stop();
    if (!this.connected) return;
    this.connected = false;
    this.reporter.instrument(CONSUMER_EVENTS.DISCONNECT, null);
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
    const transport: ClientTransport = this.runtime.transport;
    const found: string[] = [];
    if (names.length > 0) {
      const response = await transport.metadata({ topics: names, allowAutoTopicCreation: this.resolved.kafka["allow.auto.create.topics"] });
      for (const t of response.topics) {
        if (t.error) throw fromSeamError(t.error);
        this.subscription.notePartitionCount(t.name, t.partitions);
        found.push(t.name);
      }
    }
    if (patterns.length > 0) {
      const all = await transport.metadata({});
      for (const t of all.topics) {
        if (t.error || t.internal) continue;
        this.subscription.notePartitionCount(t.name, t.partitions);
        if (patterns.some((p) => new RegExp(p.source, p.flags.replace("g", "")).test(t.name))) found.push(t.name);
      }
    }
    for (const topic of found) this.subscription.add(topic, subscription.fromBeginning ?? false);
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
    if (this.subscription.size === 0) throw new KafkaError("ILLEGAL_STATE", `consumer of group "${this.groupId}": subscribe to topics before run()`);
    if (!config.eachMessage && !config.eachBatch) throw new KafkaError("INVALID_REQUEST", `consumer of group "${this.groupId}": run() needs eachMessage or eachBatch`);
    this.settings = resolveRunSettings(config);
    const session = this.membership.start();
    this.running = true;
    this.offsets.restartInterval();
    this.cancelMetadataTimer = this.runtime.scheduler.every(this.resolved.metadataMaxAgeMs, () => {
      void this.runtime.track(this.membership.refreshMetadata().catch(() => undefined));
    });
    session.start();
    this.loop = this.fetchLoop.run();
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
    const session = this.membership.session;
    if (session && session.live) {
      if (this.settings.autoCommit) await this.offsets.commitResolved().catch(() => undefined);
      const member = this.reporter.base();
      await session.close();
      this.reporter.emit({ type: "left", ...member, at: this.reporter.now() });
    }
    this.reporter.instrument(CONSUMER_EVENTS.STOP, null);
    this.reporter.emit({ type: "stopped", ...this.reporter.base() });
  }

  /**
   * Not in KafkaJS: the process dies here. No commit, no LeaveGroup; heartbeats stop, so the
   * coordinator notices only after sessionTimeout and then gives the partitions to others.
   */
  crash(): void {
    if (!this.running) return;
    this.running = false;
    this.cancelMetadataTimer?.();
    this.membership.session?.crash();
    this.waker.wake();
  }

  /** Consume from `offset` next (a string, as in KafkaJS). Allowed once run() was called. */
  seek({ topic, partition, offset }: TopicPartitionOffset): void {
    const session = this.requireRunning("seek");
    const key = `${topic}-${partition}`;
    const target = parseOffset(offset, `seek on ${key}`);
    if (target < 0) throw new KafkaError("INVALID_REQUEST", `seek on ${key}: offset must be ≥ 0, got ${offset}`);
    this.epochs.bump(key);
    this.offsets.place(key, target);
    if (session.assignment.some((p) => tpKey(p) === key)) {
      // A numeric seek takes effect at once; it can only fail for a consumer that just stopped.
      void session.seek({ topic, partition }, target).catch(() => undefined);
      if (this.settings.autoCommit) void this.runtime.track(this.offsets.commitResolved([key]).catch(() => undefined));
    } else {
      this.membership.seekWhenAssigned(key, target);
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
    this.offsets.recordCommit(done, this.generationId(), this.memberId());
  }

  pause(topics: { topic: string; partitions?: number[] }[]): void {
    this.requireRunning("pause");
    this.pausedPartitions.pause(topics);
  }

  resume(topics: { topic: string; partitions?: number[] }[]): void {
    this.requireRunning("resume");
    this.pausedPartitions.resume(topics);
    this.waker.wake();
  }

  paused(): TopicPartitions[] {
    return this.pausedPartitions.list((topic) => this.subscription.partitionCount(topic));
  }

  async describeGroup(): Promise<GroupDescription> {
    const [g] = await this.runtime.transport.describeGroups({ groupIds: [this.groupId] });
    return toKafkaJsGroup(g!);
  }

  // =====================================================================================
  // What tests and the workbench read

  /** The partitions this consumer owns now, as `topic-partition`, sorted. */
  assignment(): string[] {
    return this.membership.session?.assignment.map(tpKey) ?? [];
  }

  memberId(): string {
    return this.membership.session?.member.memberId ?? "";
  }

  generationId(): number {
    return this.membership.session?.member.generationId ?? -1;
  }

  isRunning(): boolean {
    return this.running;
  }

  /** Lag of each assigned partition as this consumer knows it. */
  lag(): Record<string, PartitionLagView> {
    const session = this.membership.session;
    if (!session) return {};
    return this.log.lag(session, (key) => this.offsets.committed(key));
  }

  on(eventName: string, listener: (event: InstrumentationEvent<unknown>) => void): RemoveInstrumentationEventListener {
    return this.reporter.on(eventName, listener);
  }

  /** The low-level events of this consumer (see client-events.ts); returns an unsubscribe. */
  onEvent(listener: (event: ConsumerEvent) => void): () => void {
    return this.reporter.onEvent(listener);
  }

  private requireConnected(what: string): void {
    if (!this.connected) throw new KafkaError("ILLEGAL_STATE", `consumer of group "${this.groupId}" is disconnected: call connect() before ${what}()`);
  }

  private requireRunning(what: string): ConsumerSession {
    const session = this.membership.session;
    if (!this.running || !session) {
      throw new KafkaError("ILLEGAL_STATE", `consumer of group "${this.groupId}": ${what}() needs a running consumer (call run() first)`);
    }
    return session;
  }
}
