/**
 * The broker: topics and their partitions on one storage, produce and fetch, offsets
 * lookups, the group coordinator with its committed offsets on `__consumer_offsets`, and
 * the housekeeping a Kafka broker runs in the background — the retention check and the log
 * cleaner — on the injected scheduler.
 *
 * One broker owns its storage (DESIGN.md seam 5). Every operation on a partition's files
 * is serialized through that partition's queue; background work is tracked so a caller
 * driving virtual time can wait until the broker is idle before moving on.
 */
import { applyRetention } from "../log/retention";
import { cleanOnce, cleanableRangeOf, type CleanerEvent } from "../log/cleaner";
import { CleanerCheckpoint } from "../log/cleaner-checkpoint";
import { selectFilthiest, type CleanableRange } from "../log/cleanable-range";
import { PartitionLog, type LogEvent, type SegmentInfo } from "../log/partition-log";
import { KafkaError } from "../protocol/errors";
import type { RawConfig } from "../protocol/config-def";
import {
  alterTopicConfig,
  compactionEnabled,
  deletionEnabled,
  describeTopicConfig,
  resolveTopicConfig,
  type TopicConfig,
  type TopicConfigEntry,
} from "../protocol/topic-config";
import { validateNewTopicName } from "../protocol/topic-name";
import { GroupCoordinator } from "../groups/group-coordinator";
import type { GroupState } from "../groups/group-state";
import { OffsetsTopicStore, type OffsetsTopicLog } from "../groups/offsets-topic-store";
import { OFFSETS_TOPIC } from "../groups/offsets-topic-partition";
import { parseTpKey } from "../groups/topic-partition";
import { SeededRandom } from "../runtime/random";
import type { Scheduler } from "../runtime/scheduler";
import type { Storage } from "../storage/storage";
import type { BrokerEvent, BrokerListener } from "./broker-events";
import { logConfigOf } from "./log-config-of";
import { Partition, type IsolationLevel, type PartitionAppendResult, type PartitionFetchResult } from "./partition";
import { ProducerIdManager, type InitProducerIdRequest, type InitProducerIdResult } from "./producer-ids";
import { ScopedScheduler } from "./scoped-scheduler";
import { loadTopicMetadata, saveTopicMetadata, type TopicMetadata } from "./topic-metadata-store";
import { loadProducerIds, saveProducerIds } from "./producer-ids-store";
import { TransactionCoordinator, type PendingOffsetCommit } from "./transaction-coordinator";

export interface BrokerConfig {
  /** num.partitions: partitions of an auto-created topic. */
  numPartitions: number;
  /** log.retention.check.interval.ms */
  logRetentionCheckIntervalMs: number;
  /** log.cleaner.backoff.ms: how often the cleaner looks for a log to clean. */
  logCleanerBackoffMs: number;
  /** log.cleaner.enable */
  logCleanerEnable: boolean;
  /** auto.create.topics.enable */
  autoCreateTopicsEnable: boolean;
  /** transaction.abort.timed.out.transaction.cleanup.interval.ms */
  transactionAbortTimedOutCleanupIntervalMs: number;
  /** offsets.topic.num.partitions: partitions of `__consumer_offsets` when the broker creates it. */
  offsetsTopicNumPartitions: number;
  /** group.initial.rebalance.delay.ms: how long a new group waits for more members before its first rebalance. */
  groupInitialRebalanceDelayMs: number;
}

export const DEFAULT_BROKER_CONFIG: BrokerConfig = {
  numPartitions: 1,
  logRetentionCheckIntervalMs: 300_000,
  logCleanerBackoffMs: 15_000,
  logCleanerEnable: true,
  autoCreateTopicsEnable: true,
  transactionAbortTimedOutCleanupIntervalMs: 10_000,
  offsetsTopicNumPartitions: 50,
  groupInitialRebalanceDelayMs: 3000,
};

/** offsets.topic.segment.bytes: Kafka keeps `__consumer_offsets` segments small so compaction runs often. */
export const OFFSETS_TOPIC_SEGMENT_BYTES = 104_857_600;

/** Seed of the coordinator's random source (member ids) when the caller gives none. */
const DEFAULT_GROUP_SEED = 0x6c0de;

export interface BrokerOptions {
  storage: Storage;
  scheduler: Scheduler;
  config?: Partial<BrokerConfig>;
  listener?: BrokerListener;
  /** Seed of the group coordinator's random source, which makes member ids. */
  seed?: number;
}

export interface CreateTopicRequest {
  name: string;
  partitions?: number;
  replicationFactor?: number;
  config?: RawConfig;
}

export interface PartitionDescription {
  partition: number;
  leader: number;
  logStartOffset: number;
  logEndOffset: number;
  highWatermark: number;
  lastStableOffset: number;
  segments: SegmentInfo[];
}

export interface TopicDescription {
  name: string;
  internal: boolean;
  replicationFactor: number;
  partitions: PartitionDescription[];
  config: TopicConfigEntry[];
}

export type OffsetSpec = "earliest" | "latest" | { timestamp: number };

/** One partition's lag as `kafka-consumer-groups.sh --describe` shows it. */
export interface PartitionLag {
  committedOffset: number;
  /** The high watermark, or the last stable offset for read_committed. */
  endOffset: number;
  lag: number;
}

export interface GroupLag {
  groupId: string;
  /** By "topic-partition", for every partition with a committed offset whose topic still exists. */
  partitions: Record<string, PartitionLag>;
  totalLag: number;
}

export interface GroupListing {
  groupId: string;
  state: GroupState;
  protocolType: string | null;
}

interface Topic {
  meta: TopicMetadata;
  config: TopicConfig;
  partitions: Partition[];
  checkpoints: CleanerCheckpoint[];
}

export const BROKER_ID = 0;

export class Broker {
  readonly storage: Storage;
  readonly scheduler: Scheduler;
  readonly config: BrokerConfig;
  private readonly topics = new Map<string, Topic>();
  private readonly listeners = new Set<BrokerListener>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly cancels: Array<() => void> = [];
  private readonly flushScheduled = new Set<Partition>();
  private producerIds = new ProducerIdManager();
  private transactions = this.newTransactionCoordinator();
  /** Where committed transactional offsets go; the group coordinator plugs in here. */
  private offsetCommitter: (commit: PendingOffsetCommit) => Promise<void> = async (commit) => {
    throw new KafkaError("COORDINATOR_NOT_AVAILABLE", `no group coordinator to commit offsets of group "${commit.groupId}"`);
  };
  private backgroundErrors: Error[] = [];
  private closed = false;
  private offsets: OffsetsTopicStore | undefined;
  private coordinator: GroupCoordinator | undefined;
  private readonly groupScheduler: ScopedScheduler;
  private readonly seed: number;

  private constructor(opts: BrokerOptions) {
    this.storage = opts.storage;
    this.scheduler = opts.scheduler;
    this.config = { ...DEFAULT_BROKER_CONFIG, ...opts.config };
    if (opts.listener) this.listeners.add(opts.listener);
    this.groupScheduler = new ScopedScheduler(opts.scheduler);
    this.seed = opts.seed ?? DEFAULT_GROUP_SEED;
  }

  /** Start a broker on `storage`: load the topics there, recover every partition log. */
  static async start(opts: BrokerOptions): Promise<Broker> {
    const broker = new Broker(opts);
    for (const meta of await loadTopicMetadata(broker.storage)) {
      const config = resolveTopicConfig(meta.name, meta.overrides);
      await broker.openTopic(meta, config);
    }
    broker.producerIds = await loadProducerIds(broker.storage, broker.highestProducerIdInLogs() + 1);
    broker.transactions = broker.newTransactionCoordinator();
    await broker.startGroupCoordinator();
    await broker.abortOrphanedTransactions();
    broker.scheduleHousekeeping();
    return broker;
  }

  private newTransactionCoordinator(): TransactionCoordinator {
    return new TransactionCoordinator(this.producerIds, {
      writeMarker: async (tp, type, producerId, producerEpoch) => {
        const cut = tp.lastIndexOf("-");
        const p = this.partition(tp.slice(0, cut), Number(tp.slice(cut + 1)));
        await p.writeMarker(type, producerId, producerEpoch, 0, this.scheduler.clock.now());
      },
      commitOffsets: (commit) => this.offsetCommitter(commit),
      now: () => this.scheduler.clock.now(),
    });
  }

  /**
   * Transactions the logs say are open but no coordinator remembers (the broker restarted
   * mid-transaction) are aborted, so the last stable offset can move again.
   */
  private async abortOrphanedTransactions(): Promise<void> {
    for (const topic of this.topics.values()) {
      for (const p of topic.partitions) {
        for (const { producerId } of p.producers.ongoingTransactions()) {
          const epoch = p.producers.lastEntry(producerId)?.producerEpoch ?? 0;
          await p.writeMarker("ABORT", producerId, epoch, 0, this.scheduler.clock.now());
        }
      }
    }
  }

  subscribe(listener: BrokerListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: BrokerEvent): void {
    for (const l of this.listeners) l(event);
  }

  // ---- consumer groups ----

  /**
   * The group coordinator, with the committed offsets read back from `__consumer_offsets`.
   * Kafka runs one per `__consumer_offsets` partition leader; a single broker leads them all.
   */
  private async startGroupCoordinator(): Promise<void> {
    const offsets = await OffsetsTopicStore.load(this.offsetsTopicLog(), this.scheduler.clock);
    this.offsets = offsets;
    this.coordinator = new GroupCoordinator({
      scheduler: this.groupScheduler,
      random: new SeededRandom(this.seed),
      offsetStore: offsets,
      initialRebalanceDelayMs: this.config.groupInitialRebalanceDelayMs,
      listener: (event) => {
        if (!this.closed) this.emit({ type: "group", event });
      },
    });
    this.setTransactionalOffsetCommitter(async (commit) => {
      const entries = Object.entries(commit.offsets).map(([tp, offset]) => [tp, { offset }] as const);
      await offsets.commit(commit.groupId, -1, "", Object.fromEntries(entries));
      this.emit({
        type: "group",
        event: { type: "offsets-committed", at: this.scheduler.clock.now(), groupId: commit.groupId, memberId: "", generationId: -1, offsets: commit.offsets },
      });
    });
  }

  /** `__consumer_offsets` as the offset store sees it: created on first use with Kafka's settings. */
  private offsetsTopicLog(): OffsetsTopicLog {
    return {
      partitionCount: () => this.topics.get(OFFSETS_TOPIC)?.partitions.length,
      create: async () => {
        await this.createTopic({
          name: OFFSETS_TOPIC,
          partitions: this.config.offsetsTopicNumPartitions,
          config: { "cleanup.policy": "compact", "segment.bytes": OFFSETS_TOPIC_SEGMENT_BYTES },
        });
        return this.config.offsetsTopicNumPartitions;
      },
      append: async (partition, batch) => {
        await this.produce(OFFSETS_TOPIC, partition, batch);
      },
      read: (partition, offset) => this.fetch(OFFSETS_TOPIC, partition, offset, 1 << 20),
      logStartOffset: (partition) => this.partition(OFFSETS_TOPIC, partition).logStartOffset,
    };
  }

  /** Resolves once every offset commit accepted so far is in `__consumer_offsets` and readable. */
  async offsetCommitsSettled(): Promise<void> {
    await this.offsets?.settled();
  }

  /** The classic group coordinator (JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit/Fetch). */
  get groups(): GroupCoordinator {
    if (!this.coordinator) throw new KafkaError("COORDINATOR_NOT_AVAILABLE", "the group coordinator is loading");
    return this.coordinator;
  }

  /**
   * ListGroups: the groups the coordinator holds plus those known only by their committed
   * offsets (after a restart, until a member joins), which Kafka loads as Empty groups.
   */
  listGroups(): GroupListing[] {
    const out = new Map<string, GroupListing>();
    for (const g of this.groups.listGroups()) if (g.state !== "Dead") out.set(g.groupId, g);
    for (const groupId of this.offsets?.groupIds() ?? []) {
      if (!out.has(groupId)) out.set(groupId, { groupId, state: "Empty", protocolType: null });
    }
    return [...out.values()].sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  }

  /**
   * DeleteGroups for one group: only a group without members can go (NON_EMPTY_GROUP
   * otherwise); its committed offsets are tombstoned on `__consumer_offsets`.
   */
  async deleteGroup(groupId: string): Promise<void> {
    this.assertOpen();
    const state = this.groups.groupState(groupId);
    const hasOffsets = this.offsets?.groupIds().includes(groupId) ?? false;
    if (state === "Dead" && !hasOffsets) throw new KafkaError("GROUP_ID_NOT_FOUND", `group "${groupId}" does not exist`);
    if (state !== "Dead" && state !== "Empty") {
      throw new KafkaError("NON_EMPTY_GROUP", `group "${groupId}" is ${state} and still has members; only an Empty group can be deleted`);
    }
    this.groups.removeEmptyGroup(groupId);
    await this.offsets?.deleteGroup(groupId);
  }

  /**
   * Lag per partition: the end offset a consumer of this isolation level reads up to (HW, or
   * the LSO for read_committed, as ListOffsets "latest" answers) minus the group's committed
   * offset. Partitions without a committed offset have no lag (the CLI shows "-").
   */
  groupLag(groupId: string, isolation: IsolationLevel = "read_uncommitted"): GroupLag {
    const partitions: Record<string, PartitionLag> = {};
    let totalLag = 0;
    for (const [key, committed] of Object.entries(this.groups.fetchOffsets(groupId))) {
      const { topic, partition } = parseTpKey(key);
      const p = this.topics.get(topic)?.partitions[partition];
      if (!p) continue;
      const endOffset = isolation === "read_committed" ? p.lastStableOffset : p.highWatermark;
      const lag = endOffset - committed.offset;
      partitions[key] = { committedOffset: committed.offset, endOffset, lag };
      totalLag += lag;
    }
    return { groupId, partitions, totalLag };
  }

  // ---- topics ----

  listTopics(): string[] {
    return [...this.topics.keys()].sort();
  }

  hasTopic(name: string): boolean {
    return this.topics.has(name);
  }

  partitionCount(name: string): number {
    return this.topic(name).partitions.length;
  }

  topicConfig(name: string): TopicConfig {
    return this.topic(name).config;
  }

  async createTopic(req: CreateTopicRequest): Promise<TopicDescription> {
    this.assertOpen();
    validateNewTopicName(req.name, this.topics.keys());
    if (this.topics.has(req.name)) throw new KafkaError("TOPIC_ALREADY_EXISTS", `topic "${req.name}" already exists`);
    const partitions = req.partitions ?? this.config.numPartitions;
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new KafkaError("INVALID_PARTITIONS", `topic "${req.name}": number of partitions must be an integer ≥ 1, got ${partitions}`);
    }
    const replicationFactor = req.replicationFactor ?? 1;
    if (!Number.isInteger(replicationFactor) || replicationFactor < 1) {
      throw new KafkaError("INVALID_REPLICATION_FACTOR", `topic "${req.name}": replication factor must be an integer ≥ 1, got ${replicationFactor}`);
    }
    if (replicationFactor > 1) {
      throw new KafkaError(
        "INVALID_REPLICATION_FACTOR",
        `topic "${req.name}": replication factor ${replicationFactor} is larger than the number of available brokers (1)`,
      );
    }
    // Validate everything before touching storage, so a bad request leaves nothing behind.
    const overrides = req.config ?? {};
    const config = resolveTopicConfig(req.name, overrides);
    const meta: TopicMetadata = { name: req.name, partitions, replicationFactor, overrides };
    await this.openTopic(meta, config);
    await this.saveMetadata();
    this.emit({ type: "topic-created", topic: req.name, partitions });
    return this.describeTopic(req.name);
  }

  async deleteTopic(name: string): Promise<void> {
    this.assertOpen();
    const topic = this.topic(name);
    this.topics.delete(name);
    for (const p of topic.partitions) {
      await p.queue.run(async () => {
        await p.log.close();
        await this.storage.remove(p.log.dir);
      });
    }
    await this.saveMetadata();
    this.emit({ type: "topic-deleted", topic: name });
  }

  describeTopic(name: string): TopicDescription {
    const topic = this.topic(name);
    return {
      name,
      internal: name.startsWith("__"),
      replicationFactor: topic.meta.replicationFactor,
      partitions: topic.partitions.map((p) => ({
        partition: p.index,
        leader: BROKER_ID,
        ...p.describe(),
        segments: p.log.segmentInfos(),
      })),
      config: describeTopicConfig(topic.config),
    };
  }

  /** IncrementalAlterConfigs: set some keys, reset others to their defaults. */
  async alterTopicConfig(name: string, set: RawConfig, reset: readonly string[] = []): Promise<void> {
    this.assertOpen();
    const topic = this.topic(name);
    const config = alterTopicConfig(name, topic.config, set, reset);
    const overrides: Record<string, RawConfig[string]> = { ...topic.meta.overrides, ...set };
    for (const key of reset) delete overrides[key];
    topic.meta = { ...topic.meta, overrides };
    topic.config = config;
    for (const p of topic.partitions) p.updateConfig(config, logConfigOf(config));
    await this.saveMetadata();
    this.emit({ type: "topic-config-altered", topic: name, changed: [...Object.keys(set), ...reset] });
  }

  /** CreatePartitions: only ever grows a topic (keys then hash to different partitions). */
  async createPartitions(name: string, totalCount: number): Promise<void> {
    this.assertOpen();
    const topic = this.topic(name);
    if (!Number.isInteger(totalCount) || totalCount <= topic.partitions.length) {
      throw new KafkaError("INVALID_PARTITIONS", `topic "${name}" has ${topic.partitions.length} partitions; the new count must be larger, got ${totalCount}`);
    }
    for (let i = topic.partitions.length; i < totalCount; i++) await this.openPartition(topic, i);
    topic.meta = { ...topic.meta, partitions: totalCount };
    await this.saveMetadata();
  }

  private async openTopic(meta: TopicMetadata, config: TopicConfig): Promise<void> {
    const topic: Topic = { meta, config, partitions: [], checkpoints: [] };
    for (let i = 0; i < meta.partitions; i++) await this.openPartition(topic, i);
    this.topics.set(meta.name, topic);
  }

  private async openPartition(topic: Topic, index: number): Promise<void> {
    const name = topic.meta.name;
    const dir = `${name}-${index}`;
    const onLog = (event: LogEvent) => this.emit({ type: "log", topic: name, partition: index, event });
    const log = await PartitionLog.open(this.storage, dir, logConfigOf(topic.config), this.scheduler.clock, onLog);
    topic.partitions[index] = await Partition.load(name, index, log, topic.config);
    topic.checkpoints[index] = new CleanerCheckpoint(this.storage, dir);
  }

  private saveMetadata(): Promise<void> {
    return saveTopicMetadata(this.storage, [...this.topics.values()].map((t) => t.meta));
  }

  private topic(name: string): Topic {
    const topic = this.topics.get(name);
    if (!topic) throw new KafkaError("UNKNOWN_TOPIC_OR_PARTITION", `topic "${name}" does not exist`);
    return topic;
  }

  partition(topicName: string, index: number): Partition {
    const topic = this.topic(topicName);
    const p = topic.partitions[index];
    if (!p) {
      throw new KafkaError(
        "UNKNOWN_TOPIC_OR_PARTITION",
        `topic "${topicName}" has ${topic.partitions.length} partition${topic.partitions.length === 1 ? "" : "s"} (0–${topic.partitions.length - 1}), no partition ${index}`,
      );
    }
    return p;
  }

  // ---- producers ----

  /** InitProducerId: a fresh id for an idempotent producer, or the transactional.id's id with a bumped epoch. */
  async initProducerId(req: InitProducerIdRequest = {}): Promise<InitProducerIdResult> {
    const result = req.transactionalId
      ? await this.transactions.initTransactions(req.transactionalId, req.transactionTimeoutMs ?? 60_000)
      : this.producerIds.initProducerId(req);
    await saveProducerIds(this.storage, this.producerIds);
    return result;
  }

  addPartitionsToTxn(transactionalId: string, producerId: number, producerEpoch: number, partitions: readonly string[]): void {
    for (const tp of partitions) {
      const cut = tp.lastIndexOf("-");
      this.partition(tp.slice(0, cut), Number(tp.slice(cut + 1)));
    }
    this.transactions.addPartitions(transactionalId, producerId, producerEpoch, partitions);
  }

  /** TxnOffsetCommit: consumer offsets that commit or abort with the transaction. */
  addOffsetsToTxn(transactionalId: string, producerId: number, producerEpoch: number, commit: PendingOffsetCommit): void {
    this.transactions.addOffsets(transactionalId, producerId, producerEpoch, commit);
  }

  async endTxn(transactionalId: string, producerId: number, producerEpoch: number, commit: boolean): Promise<void> {
    await this.transactions.endTransaction(transactionalId, producerId, producerEpoch, commit);
    await saveProducerIds(this.storage, this.producerIds);
  }

  describeTransactions() {
    return this.transactions.describe();
  }

  /** The group coordinator registers how transactional offset commits are applied. */
  setTransactionalOffsetCommitter(commit: (commit: PendingOffsetCommit) => Promise<void>): void {
    this.offsetCommitter = commit;
  }

  /** Produce one partition's batches (acks decide only when the caller hears back: every append is flushed). */
  async produce(topicName: string, partition: number, batches: Uint8Array): Promise<PartitionAppendResult> {
    this.assertOpen();
    const p = this.partition(topicName, partition);
    const result = await p.append(batches, this.scheduler.clock.now());
    this.scheduleIdleFlush(p);
    if (!result.duplicate) {
      this.emit({
        type: "records-appended",
        topic: topicName,
        partition,
        baseOffset: result.baseOffset,
        lastOffset: result.lastOffset,
        recordCount: result.recordCount,
        bytes: result.bytes,
      });
    }
    return result;
  }

  /**
   * Group commit's other half: whatever a burst of produce requests left unflushed is
   * forced to storage at the engine's next tick, so a quiet partition never keeps
   * acknowledged bytes unflushed for long.
   */
  private scheduleIdleFlush(p: Partition): void {
    if (!p.hasUnflushedData || this.flushScheduled.has(p)) return;
    this.flushScheduled.add(p);
    this.scheduler.at(this.scheduler.clock.now(), () => {
      this.flushScheduled.delete(p);
      if (this.closed) return; // shutdown closes, and so flushes, every log
      this.background(p.queue.run(() => p.flush(this.scheduler.clock.now())));
    });
  }

  // ---- consumers ----

  fetch(topicName: string, partition: number, offset: number, maxBytes: number, isolation: IsolationLevel = "read_uncommitted"): Promise<PartitionFetchResult> {
    this.assertOpen();
    return this.partition(topicName, partition).fetch(offset, maxBytes, isolation);
  }

  /** ListOffsets: earliest, latest (HW, or LSO for read_committed) or the first offset at or after a time. */
  async listOffset(topicName: string, partition: number, spec: OffsetSpec, isolation: IsolationLevel = "read_uncommitted"): Promise<{ offset: number; timestamp: number }> {
    const p = this.partition(topicName, partition);
    if (spec === "earliest") return { offset: p.logStartOffset, timestamp: -1 };
    if (spec === "latest") return { offset: isolation === "read_committed" ? p.lastStableOffset : p.highWatermark, timestamp: -1 };
    const found = await p.log.offsetForTimestamp(spec.timestamp);
    if (!found) return { offset: -1, timestamp: -1 };
    return found;
  }

  /** DeleteRecords: move the log start offset forward. */
  async deleteRecords(topicName: string, partition: number, beforeOffset: number): Promise<number> {
    const p = this.partition(topicName, partition);
    return p.queue.run(async () => {
      if (beforeOffset > p.highWatermark || beforeOffset < 0) {
        throw new KafkaError("OFFSET_OUT_OF_RANGE", `${p.name}: cannot delete records before ${beforeOffset}; valid offsets are 0–${p.highWatermark}`);
      }
      if (beforeOffset > p.logStartOffset) await p.log.setLogStartOffset(beforeOffset);
      return p.logStartOffset;
    });
  }

  // ---- housekeeping ----

  /** Close the active segment of one or all partitions now. */
  async roll(topicName: string, partition?: number): Promise<void> {
    const topic = this.topic(topicName);
    const targets = partition === undefined ? topic.partitions : [this.partition(topicName, partition)];
    for (const p of targets) await p.queue.run(() => p.log.roll());
  }

  /** Run retention on every partition of one topic (or all), as the periodic check does. */
  async runRetention(topicName?: string): Promise<void> {
    const names = topicName === undefined ? this.listTopics() : [topicName];
    for (const name of names) {
      const topic = this.topics.get(name);
      if (!topic) continue;
      for (const p of topic.partitions) {
        await p.queue.run(async () => {
          const before = p.log.segmentInfos().map((s) => s.baseOffset);
          await applyRetention(p.log, logConfigOf(topic.config), this.scheduler.clock.now());
          const after = new Set(p.log.segmentInfos().map((s) => s.baseOffset));
          const deleted = before.filter((b) => !after.has(b));
          if (deleted.length > 0) {
            this.emit({ type: "retention", topic: name, partition: p.index, deletedSegments: deleted, logStartOffset: p.logStartOffset });
          }
        });
      }
    }
  }

  /** One cleaner pass over one partition; `force` ignores the dirty ratio (the scenario `clean` step). */
  async cleanPartition(topicName: string, partition: number, force: boolean): Promise<CleanerEvent | undefined> {
    const topic = this.topic(topicName);
    if (!compactionEnabled(topic.config)) return undefined;
    const p = this.partition(topicName, partition);
    const checkpoint = topic.checkpoints[partition]!;
    return p.queue.run(async () => {
      const result = await cleanOnce(p.log, logConfigOf(topic.config), this.scheduler.clock.now(), {
        topicPartition: p.name,
        checkpoint,
        force,
        // Nothing at or past the LSO is cleaned: an open transaction may still abort.
        lastStableOffset: p.lastStableOffset,
        activeProducers: new Map(
          p.producers.snapshot().map((e) => [e.producerId, { lastDataOffset: e.batches.at(-1)?.lastOffset, producerEpoch: e.producerEpoch }]),
        ),
        abortedTransactions: p.abortedBetween(p.logStartOffset, p.logEndOffset).map((t) => ({
          producerId: t.producerId,
          firstOffset: t.firstOffset,
          lastOffset: t.lastOffset,
        })),
      });
      if (result) this.emit({ type: "cleaned", topic: topicName, partition, result });
      return result;
    });
  }

  /** The `clean` step: cleanup now as cleanup.policy says — retention, compaction, or both. */
  async cleanTopic(topicName: string): Promise<void> {
    const topic = this.topic(topicName);
    if (deletionEnabled(topic.config)) await this.runRetention(topicName);
    if (compactionEnabled(topic.config)) {
      for (const p of topic.partitions) await this.cleanPartition(topicName, p.index, true);
    }
  }

  /** Dirty ratio and sections of every compacted partition, for the compaction view. */
  async cleanableRanges(topicName: string): Promise<CleanableRange[]> {
    const topic = this.topic(topicName);
    const now = this.scheduler.clock.now();
    return Promise.all(topic.partitions.map((p, i) => cleanableRangeOf(p.log, logConfigOf(topic.config), now, topic.checkpoints[i]!, p.lastStableOffset)));
  }

  /** The log cleaner's periodic round: clean the filthiest compacted partition, if any is due. */
  private async cleanerRound(): Promise<void> {
    const now = this.scheduler.clock.now();
    const candidates: Array<{ topic: string; partition: number; range: CleanableRange }> = [];
    for (const [name, topic] of this.topics) {
      if (!compactionEnabled(topic.config)) continue;
      for (const p of topic.partitions) {
        const range = await cleanableRangeOf(p.log, logConfigOf(topic.config), now, topic.checkpoints[p.index]!, p.lastStableOffset);
        candidates.push({ topic: name, partition: p.index, range });
      }
    }
    const pick = selectFilthiest(candidates);
    if (pick) await this.cleanPartition(pick.topic, pick.partition, false);
  }

  private scheduleHousekeeping(): void {
    this.cancels.push(
      this.scheduler.every(this.config.transactionAbortTimedOutCleanupIntervalMs, () => this.background(this.transactions.abortTimedOut())),
    );
    this.cancels.push(this.scheduler.every(this.config.logRetentionCheckIntervalMs, () => this.background(this.runRetention())));
    if (this.config.logCleanerEnable) {
      this.cancels.push(this.scheduler.every(this.config.logCleanerBackoffMs, () => this.background(this.cleanerRound())));
    }
  }

  private background(work: Promise<unknown>): void {
    const tracked = work.catch((e: unknown) => {
      this.backgroundErrors.push(e instanceof Error ? e : new Error(String(e)));
    });
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  /** Resolves when all background work started so far has finished; rethrows its first failure. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    const failure = this.backgroundErrors.shift();
    if (failure) throw failure;
  }

  private highestProducerIdInLogs(): number {
    let max = -1;
    for (const topic of this.topics.values()) {
      for (const p of topic.partitions) for (const e of p.producers.snapshot()) max = Math.max(max, e.producerId);
    }
    return max;
  }

  private assertOpen(): void {
    if (this.closed) throw new KafkaError("ILLEGAL_STATE", "the broker has been shut down");
  }

  /** Stop housekeeping, finish queued work, close every file. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const cancel of this.cancels) cancel();
    this.groupScheduler.close();
    await Promise.allSettled([...this.pending]);
    for (const topic of this.topics.values()) {
      for (const p of topic.partitions) await p.queue.run(() => p.log.close());
    }
  }
}
