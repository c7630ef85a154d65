/**
 * The host half of a stream application (streams-runtime design, part 1): everything that
 * touches the broker. It creates the internal topics, joins the consumer group named after
 * the application id, turns the assignment into tasks, restores their stores from the
 * changelogs, fetches input and orders it per task by timestamp, sends it to the processing
 * runtime one batch per fetch, produces what comes back, and commits: offsets every
 * commit.interval.ms under at_least_once; under exactly_once_v2 one transaction per commit
 * interval holding the outputs, the changelog records and the input offsets.
 *
 * The runtime only ever sees copies of records. If it throws, misses its deadline or dies,
 * the host aborts what is not committed and the application goes to ERROR; broker data is
 * never in the runtime's hands.
 */
import type { Broker } from "../../broker/broker";
import { decodeJson } from "../../client/json-serde";
import type { OrderingDetector, OrderingSummary } from "../../engine/ordering-detector";
import { ProducerCore, type ProduceTransport } from "../../client/producer-core";
import { partitionForKey } from "../../client/partitioner";
import { ConsumerSession, type ConsumerRecord } from "../../groups/consumer-session";
import { settle } from "../../groups/member-driver";
import { tpKey } from "../../groups/topic-partition";
import { resolveStreamsConfig, type StreamsConfig } from "../../protocol/client-config";
import type { RawConfig } from "../../protocol/config-def";
import { KafkaError, isKafkaError } from "../../protocol/errors";
import type { Random } from "../../runtime/random";
import type { Cancel, Scheduler } from "../../runtime/scheduler";
import { RemoteError, WatchedWorkerError } from "../../runtime/watchdog";
import type { StreamsEvent } from "../processor/events";
import type { WindowedKeyFormats } from "./key-formats";
import { mergeByTimestamp } from "./partition-group";
import type { ProcessingChannel, ProcessingChannelFactory } from "./processing-channel";
import {
  globalTaskId,
  type AssignReply,
  type InitReply,
  type ProcessReply,
  type ProcessingFailure,
  type RuntimeReply,
  type RuntimeRequest,
  type TaskBatch,
  type TopologyInfo,
  type WatchedRecord,
  type WireInputRecord,
  type WireOutputRecord,
} from "./protocol";
import { readPartition } from "./read-partition";
import { packBatches, unpackOutputs } from "./wire-codec";
import { StreamsStateMachine, type StreamsState } from "./streams-state";

export interface ApplicationSpec {
  applicationId: string;
  /** TypeScript source of topology.ts. */
  source: string;
  /** Streams config by Kafka's names; application.id may be left out. */
  config?: RawConfig;
}

/** Why and where an application failed. */
export interface ApplicationFailure {
  /** user-code: the topology threw; timeout: the watchdog ended a runaway request; crashed: the worker died; broker: producing or committing failed. */
  readonly reason: "user-code" | "timeout" | "crashed" | "broker" | "runtime";
  readonly taskId: string | null;
  readonly topic: string | null;
  readonly partition: number;
  readonly offset: number;
  readonly message: string;
  readonly stack?: string;
  readonly line?: number;
  readonly column?: number;
}

/** What an application tells the workbench, besides the processors' own events. */
export type HostEvent =
  | { type: "state-change"; from: StreamsState; to: StreamsState }
  | { type: "task-assignment"; tasks: Array<{ id: string; partitions: string[] }> }
  | { type: "restored"; taskId: string; store: string; topic: string; partition: number; records: number }
  | { type: "processed"; records: number; outputs: number; skipped: number }
  | { type: "committed"; offsets: Record<string, number>; transactional: boolean }
  | { type: "transaction-aborted"; reason: string }
  | { type: "application-error"; failure: ApplicationFailure }
  /** A record a watched processor received (see watchNodes). */
  | ({ type: "node-record" } & WatchedRecord);

export type ApplicationEvent = HostEvent | StreamsEvent;

export interface ApplicationHostDeps {
  /** The current broker (an engine restart swaps it). */
  broker: () => Broker;
  scheduler: Scheduler;
  random: Random;
  channels: ProcessingChannelFactory;
  keyFormats: WindowedKeyFormats;
  emit?: (event: ApplicationEvent) => void;
  /** Whether the runtime collects processor events for the workbench. */
  events?: boolean;
  /** Most records per process request (default 5,000). */
  batchRecords?: number;
  /** Wall-clock deadline of loading the topology (compiling it), default 60 s. */
  initDeadlineMs?: number;
}

export interface TaskDescription {
  id: string;
  partitions: string[];
  streamTime: number;
}

export interface ApplicationDescription {
  applicationId: string;
  state: StreamsState;
  processingGuarantee: string;
  commitIntervalMs: number;
  /** `topology.describe()`, once loaded. */
  topology: string;
  nodes: TopologyInfo["nodes"];
  tasks: TaskDescription[];
  internalTopics: string[];
  stats: {
    processed: number;
    produced: number;
    skipped: number;
    dropped: number;
    restored: number;
    commits: number;
    lastCommitMs: number | null;
  };
  failure?: ApplicationFailure;
  /** Per-key ordering of the records handed to the tasks, `by` task id; only while watched (see watchOrdering). */
  ordering?: OrderingSummary;
}

// Small enough that a slow topology stays far inside the watchdog's per-request deadline.
const DEFAULT_BATCH_RECORDS = 5_000;
/** Records per poll while draining what the tasks can read. */
const POLL_RECORDS = 10_000;
const RESTORE_CHUNK = 20_000;

/** Kafka's configs for repartition topics: kept until Streams purges what it consumed. */
const REPARTITION_CONFIG = { "cleanup.policy": "delete", "segment.bytes": "52428800", "retention.ms": "-1", "message.timestamp.type": "CreateTime" } as const;

/** An error the runner prints as it is: the message carries its own `<app>:<line>:<column>:` position. */
export class TopologyStartError extends KafkaError {
  constructor(message: string) {
    super("INVALID_CONFIG", message);
    this.name = "TopologyStartError";
    this.message = message;
  }
}

function hexId(random: Random): string {
  let s = "";
  for (let i = 0; i < 32; i++) s += random.int(16).toString(16);
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

export class StreamsApplication {
  readonly applicationId: string;
  readonly config: StreamsConfig;
  readonly processId: string;
  private readonly machine: StreamsStateMachine;
  private readonly eos: boolean;
  private channel: ProcessingChannel | undefined;
  private info: TopologyInfo | undefined;
  private session: ConsumerSession | undefined;
  private producer: ProducerCore | undefined;
  private readonly topicToSub = new Map<string, number>();
  private tasks: TaskDescription[] = [];
  private assignmentKey: string | undefined;
  /** Next offset to commit per input partition: one past the last record processed. */
  private readonly processed = new Map<string, number>();
  private readonly globalPositions = new Map<string, number>();
  private dirty = false;
  private inTransaction = false;
  private lastCommit: number;
  private lastPurge: number;
  private commitTimer: Cancel | undefined;
  private wallTimer: Cancel | undefined;
  private nextWallClockDue: number | null = null;
  private failureInfo: ApplicationFailure | undefined;
  private readonly stats = { processed: 0, produced: 0, skipped: 0, dropped: 0, restored: 0, commits: 0, lastCommitMs: null as number | null };
  private streamTimes: Record<string, number> = {};
  private watchedNodes: readonly string[] = [];
  /** The watched set changed since the last process request told the runtime. */
  private watchPending = false;
  private ordering: OrderingDetector | undefined;

  constructor(
    private readonly spec: ApplicationSpec,
    private readonly deps: ApplicationHostDeps,
  ) {
    this.applicationId = spec.applicationId;
    const given = spec.config ?? {};
    if (given["application.id"] !== undefined && given["application.id"] !== spec.applicationId) {
      throw new KafkaError("INVALID_CONFIG", `application.id "${String(given["application.id"])}" differs from the applicationId "${spec.applicationId}"; leave it out`);
    }
    this.config = resolveStreamsConfig({ ...given, "application.id": spec.applicationId });
    this.eos = this.config["processing.guarantee"] === "exactly_once_v2";
    this.processId = hexId(deps.random);
    this.machine = new StreamsStateMachine(spec.applicationId, (from, to) => this.emit({ type: "state-change", from, to }));
    this.lastCommit = deps.scheduler.clock.now();
    this.lastPurge = this.lastCommit;
  }

  get state(): StreamsState {
    return this.machine.state;
  }

  get failure(): ApplicationFailure | undefined {
    return this.failureInfo;
  }

  get topology(): TopologyInfo | undefined {
    return this.info;
  }

  private emit(event: ApplicationEvent): void {
    this.deps.emit?.(event);
  }

  private now(): number {
    return this.deps.scheduler.clock.now();
  }

  private broker(): Broker {
    return this.deps.broker();
  }

  // =====================================================================================
  // Start

  /**
   * KafkaStreams.start(): load the topology (compile errors and invalid topologies throw,
   * and the application never exists), create the internal topics, join the group, take
   * the tasks and restore their state.
   */
  async start(): Promise<void> {
    if (this.machine.state !== "CREATED") throw new KafkaError("ILLEGAL_STATE", `streams application "${this.applicationId}" was already started`);
    const broker = this.broker();
    const topicPartitions: Record<string, number> = {};
    for (const t of broker.listTopics()) topicPartitions[t] = broker.partitionCount(t);
    const channel = this.deps.channels(this.applicationId);
    this.channel = channel;
    let reply: InitReply;
    try {
      reply = await channel.request<InitReply>(
        { type: "init", applicationId: this.applicationId, source: this.spec.source, config: this.runtimeConfig(), now: this.now(), events: this.deps.events ?? false, topicPartitions },
        { deadlineMs: this.deps.initDeadlineMs ?? 60_000, describe: () => "loading the topology" },
      );
    } catch (e) {
      channel.terminate();
      throw new TopologyStartError(`${this.applicationId}: the topology could not be loaded: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!reply.ok) {
      channel.terminate();
      if (reply.kind === "compile") throw new TopologyStartError(reply.diagnostics.join("\n"));
      throw new TopologyStartError(reply.stack && !reply.stack.startsWith(reply.message) ? `${reply.message}\n${reply.stack}` : reply.message);
    }
    this.info = reply.info;
    for (const s of reply.info.subtopologies) for (const t of s.sourceTopics) this.topicToSub.set(t, s.id);
    try {
      await this.createInternalTopics(reply.info);
    } catch (e) {
      channel.terminate();
      throw e;
    }
    this.machine.to("REBALANCING");
    try {
      this.producer = this.makeProducer();
      if (this.eos) await this.producer.initTransactions();
      this.session = this.makeSession(reply.info);
      this.session.start();
      await this.settleGroup();
      await this.syncAssignment();
    } catch (e) {
      await this.fail(this.failureOf(e, undefined));
    }
  }

  /** The config the runtime's tasks see (appConfigs()): Streams' own settings, resolved. */
  private runtimeConfig(): Record<string, unknown> {
    const { consumer: _consumer, producer: _producer, ...own } = this.config;
    return { ...own, ...Object.fromEntries(Object.entries(this.spec.config ?? {}).filter(([k]) => k.startsWith("__"))) };
  }

  private async createInternalTopics(info: TopologyInfo): Promise<void> {
    const broker = this.broker();
    const wanted = [
      ...info.repartitionTopics.map((t) => ({ name: t.topic, partitions: t.partitions, config: { ...REPARTITION_CONFIG } as Record<string, string> })),
      ...info.changelogs.map((c) => ({ name: c.topic, partitions: c.partitions, config: { "message.timestamp.type": "CreateTime", ...c.config } })),
    ];
    for (const t of wanted) {
      if (broker.hasTopic(t.name)) {
        const actual = broker.partitionCount(t.name);
        if (actual !== t.partitions) {
          throw new KafkaError(
            "INVALID_PARTITIONS",
            `streams application "${this.applicationId}": existing internal topic ${t.name} has invalid partitions: expected: ${t.partitions}; actual: ${actual}. Reset the application (its internal topics are deleted) before starting it with this topology`,
          );
        }
        continue;
      }
      await broker.createTopic({ name: t.name, partitions: t.partitions, config: t.config });
    }
  }

  private makeProducer(): ProducerCore {
    const transport: ProduceTransport = {
      partitionCount: (topic) => this.broker().partitionCount(topic),
      produce: (topic, partition, batch) => this.broker().produce(topic, partition, batch),
      initProducerId: (req) => this.broker().initProducerId(req),
      transactions: {
        addPartitionsToTxn: (id, pid, epoch, partitions) => this.broker().addPartitionsToTxn(id, pid, epoch, partitions),
        addOffsetsToTxn: (id, pid, epoch, commit) => this.broker().addOffsetsToTxn(id, pid, epoch, commit),
        endTxn: (id, pid, epoch, commit) => this.broker().endTxn(id, pid, epoch, commit),
      },
    };
    const config = this.eos ? { ...this.config.producer, "transactional.id": `${this.applicationId}-${this.processId}-1` } : this.config.producer;
    return new ProducerCore(transport, this.deps.scheduler, this.deps.random, config);
  }

  private makeSession(info: TopologyInfo): ConsumerSession {
    const topics = [...new Set(info.subtopologies.flatMap((s) => s.sourceTopics))].sort();
    const broker = this.broker();
    return new ConsumerSession({
      coordinator: broker.groups,
      scheduler: this.deps.scheduler,
      log: broker,
      groupId: this.applicationId,
      clientId: `${this.applicationId}-${this.processId}-StreamThread-1-consumer`,
      topics,
      // Range keeps partition p of co-partitioned inputs on one member: a task's inputs stay together.
      config: { ...this.config.consumer, "partition.assignment.strategy": ["range"] },
      partitionsFor: (topic) => (this.broker().hasTopic(topic) ? this.broker().partitionCount(topic) : undefined),
    });
  }

  private async settleGroup(): Promise<void> {
    const session = this.session;
    if (!session || !session.live) return;
    session.member.checkMetadata();
    settle(this.broker().groups, this.applicationId, [session.member]);
    await session.idle();
    await session.resolvePositions();
  }

  // =====================================================================================
  // Tasks and restoration

  private async syncAssignment(): Promise<void> {
    const session = this.session!;
    const info = this.info!;
    if (session.member.state !== "STABLE") {
      if (this.machine.state === "RUNNING") this.machine.to("REBALANCING");
      return;
    }
    const assigned = session.assignment;
    const key = assigned.map(tpKey).join(",");
    if (key === this.assignmentKey) {
      if (this.machine.state === "REBALANCING") this.machine.to("RUNNING");
      return;
    }
    if (this.machine.state === "RUNNING") this.machine.to("REBALANCING");
    const byTask = new Map<string, string[]>();
    for (const tp of assigned) {
      const sub = this.topicToSub.get(tp.topic);
      if (sub === undefined) continue;
      const plan = info.subtopologies.find((s) => s.id === sub)!;
      if (tp.partition >= plan.tasks) continue;
      const id = `${sub}_${tp.partition}`;
      const list = byTask.get(id) ?? [];
      list.push(tpKey(tp));
      byTask.set(id, list);
    }
    for (const g of info.globals) byTask.set(globalTaskId(g.id), this.globalPartitions(g.topic).map((p) => `${g.topic}-${p}`));
    const ids = [...byTask.keys()].sort(compareTaskIds);
    const broker = this.broker();
    const topicPartitions: Record<string, number> = {};
    for (const t of broker.listTopics()) topicPartitions[t] = broker.partitionCount(t);
    const reply = await this.call<AssignReply>({ type: "assign", tasks: ids, topicPartitions, now: this.now() });
    const owned = new Set(assigned.map(tpKey));
    for (const k of [...this.processed.keys()]) if (!owned.has(k)) this.processed.delete(k);
    const isolation = this.eos ? "read_committed" : "read_uncommitted";
    for (const r of reply.restore) {
      let count = 0;
      await readPartition(broker, r.topic, r.partition, 0, isolation, async (records) => {
        for (let i = 0; i < records.length; i += RESTORE_CHUNK) {
          const chunk = records.slice(i, i + RESTORE_CHUNK).map((c) => ({ key: c.key, value: c.value, timestamp: c.timestamp }));
          await this.call({ type: "restore", taskId: r.taskId, store: r.store, records: chunk });
          count += chunk.length;
        }
      });
      this.stats.restored += count;
      this.emit({ type: "restored", taskId: r.taskId, store: r.store, topic: r.topic, partition: r.partition, records: count });
    }
    this.tasks = ids.map((id) => ({ id, partitions: byTask.get(id)!, streamTime: this.streamTimes[id] ?? -1 }));
    this.assignmentKey = key;
    this.emit({ type: "task-assignment", tasks: this.tasks.map((t) => ({ id: t.id, partitions: [...t.partitions] })) });
    // Restored: the processors start now (and schedule their punctuations).
    await this.processBatches([]);
    if (this.machine.state === "REBALANCING") this.machine.to("RUNNING");
  }

  private globalPartitions(topic: string): number[] {
    const n = this.broker().hasTopic(topic) ? this.broker().partitionCount(topic) : 0;
    return Array.from({ length: n }, (_, i) => i);
  }

  private requireChannel(): ProcessingChannel {
    const channel = this.channel;
    if (!channel) throw new KafkaError("ILLEGAL_STATE", `streams application "${this.applicationId}" has no processing runtime`);
    return channel;
  }

  private async call<R extends RuntimeReply>(request: RuntimeRequest): Promise<R> {
    return this.requireChannel().request<R>(request);
  }

  // =====================================================================================
  // Watching (the workbench)

  /**
   * Processors whose received records the workbench wants, as node-record events (the
   * runtime swaps in a recording wrapper for them); an empty list stops watching. Takes
   * effect with the next records processed.
   */
  watchNodes(nodes: readonly string[]): void {
    if (nodes.length === this.watchedNodes.length && nodes.every((n, i) => n === this.watchedNodes[i])) return;
    this.watchedNodes = [...nodes];
    this.watchPending = true;
  }

  /**
   * Feeds `detector` with the records handed to the tasks (key, topic, partition, offset,
   * timestamp, by task id) and shows its summary in describe(); undefined (the default)
   * stops, and costs nothing. The detector may outlive this instance: a restart that
   * processes records again then shows as replays.
   */
  watchOrdering(detector: OrderingDetector | undefined): void {
    this.ordering = detector;
  }

  private observeOrdering(detector: OrderingDetector, request: readonly TaskBatch[], done: readonly number[]): void {
    request.forEach((batch, i) => {
      // A global table's records fill a store; no task processes them per key.
      if (batch.taskId.endsWith("_global")) return;
      const n = done[i] ?? 0;
      for (let j = 0; j < n; j++) {
        const r = batch.records[j]!;
        detector.observe({ key: keyText(r.key), topic: r.topic, partition: r.partition, offset: r.offset, timestamp: r.timestamp, by: batch.taskId });
      }
    });
  }

  // =====================================================================================
  // Processing

  /**
   * One pass: settle the group, take new tasks, fetch everything the tasks can read, process
   * it, produce the results, commit if the interval has passed. True when anything moved.
   */
  async runOnce(): Promise<boolean> {
    if (!this.machine.isRunningOrRebalancing()) return false;
    try {
      await this.settleGroup();
      await this.syncAssignment();
      if (this.machine.state !== "RUNNING") return false;
      const batches = [...(await this.globalBatches()), ...(await this.taskBatches())];
      let progressed = false;
      if (batches.length > 0) progressed = await this.processBatches(batches);
      else if (this.nextWallClockDue !== null && this.now() >= this.nextWallClockDue) progressed = await this.processBatches([]);
      if (!this.machine.isRunningOrRebalancing()) return true;
      await this.maybeCommit();
      return progressed;
    } catch (e) {
      await this.fail(this.failureOf(e, undefined));
      return true;
    }
  }

  private async globalBatches(): Promise<TaskBatch[]> {
    const info = this.info!;
    const out: TaskBatch[] = [];
    for (const g of info.globals) {
      const queues: ConsumerRecord[][] = [];
      for (const p of this.globalPartitions(g.topic)) {
        const key = `${g.topic}-${p}`;
        const records: ConsumerRecord[] = [];
        const next = await readPartition(this.broker(), g.topic, p, this.globalPositions.get(key) ?? 0, this.config.consumer["isolation.level"], (chunk) => {
          for (const r of chunk) records.push(r);
        });
        this.globalPositions.set(key, next);
        queues.push(records);
      }
      const records = mergeByTimestamp(queues);
      if (records.length > 0) out.push({ taskId: globalTaskId(g.id), records });
    }
    return out;
  }

  private async taskBatches(): Promise<TaskBatch[]> {
    const session = this.session!;
    // Everything the tasks can read now, so each task can order its partitions by timestamp.
    const byPartition = new Map<string, ConsumerRecord[]>();
    for (;;) {
      const records = await session.poll(POLL_RECORDS);
      if (records.length === 0) break;
      for (const r of records) {
        const k = `${r.topic}-${r.partition}`;
        let list = byPartition.get(k);
        if (!list) byPartition.set(k, (list = []));
        list.push(r);
      }
    }
    if (byPartition.size === 0) return [];
    const out: TaskBatch[] = [];
    for (const task of this.tasks) {
      if (task.id.endsWith("_global")) continue;
      const queues = task.partitions.map((p) => byPartition.get(p) ?? []);
      const merged = mergeByTimestamp(queues);
      if (merged.length > 0) out.push({ taskId: task.id, records: merged });
    }
    return out;
  }

  /**
   * Sends the batches in requests of at most batchRecords records and produces each reply's
   * outputs, in request order. With the runtime in another thread the next request is
   * already on its way while this thread produces the previous reply's outputs: processing
   * and producing overlap, and nothing else changes (replies are taken, and their outputs
   * produced, one after the other; a failed reply stops the requests after it).
   */
  private async processBatches(batches: TaskBatch[]): Promise<boolean> {
    const requests = splitRequests(batches, this.deps.batchRecords ?? DEFAULT_BATCH_RECORDS);
    let channel: ProcessingChannel;
    try {
      channel = this.requireChannel();
    } catch (e) {
      await this.fail(this.failureOf(e, requests[0]));
      return true;
    }
    const overlap = channel.packs;
    let progressed = false;
    let next: Promise<Answer> | undefined = this.send(channel, requests[0]!);
    for (let i = 0; i < requests.length; i++) {
      const request = requests[i]!;
      let answer: Answer;
      try {
        answer = await next!;
      } catch (e) {
        await this.fail(this.failureOf(e, request));
        return true;
      }
      const { reply, outputs } = answer;
      const more = i + 1 < requests.length && !reply.failure;
      next = more && overlap ? this.send(channel, requests[i + 1]!) : undefined;
      // Should producing fail, the host ends the runtime and the request under way with it.
      next?.catch(() => {});
      const processed = this.noteProcessed(request, reply.done);
      if (this.ordering) this.observeOrdering(this.ordering, request, reply.done);
      this.stats.processed += processed;
      this.stats.skipped += reply.skipped;
      this.stats.dropped = reply.dropped;
      this.streamTimes = { ...this.streamTimes, ...reply.streamTimes };
      for (const t of this.tasks) t.streamTime = this.streamTimes[t.id] ?? t.streamTime;
      for (const e of reply.events) this.emit(e);
      if (reply.watched) for (const w of reply.watched) this.emit({ type: "node-record", ...w });
      if (processed > 0 || outputs.length > 0) {
        this.emit({ type: "processed", records: processed, outputs: outputs.length, skipped: reply.skipped });
        this.markDirty();
        progressed = true;
      }
      try {
        await this.produce(outputs);
      } catch (e) {
        await this.fail(this.failureOf(e, undefined));
        return true;
      }
      this.armWallClock(reply.nextWallClockDue);
      if (reply.failure) {
        await this.fail(userFailure(reply.failure));
        return true;
      }
      if (more && !overlap) next = this.send(channel, requests[i + 1]!);
    }
    return progressed;
  }

  /** One process request; its outputs unpacked when they came packed. */
  private async send(channel: ProcessingChannel, request: TaskBatch[]): Promise<Answer> {
    const describe = (progress: number | undefined) => describeProgress(request, progress);
    let watch: { watch: readonly string[] } | undefined;
    if (this.watchPending) {
      this.watchPending = false;
      watch = { watch: this.watchedNodes };
    }
    if (channel.packs) {
      // One transferred buffer each way, not thousands of cloned objects.
      const packed = packBatches(request);
      const reply = await channel.request<ProcessReply>({ type: "process", now: this.now(), batches: [], packed, packOutputs: true, ...watch }, { describe, transfer: [packed] });
      return { reply, outputs: reply.packedOutputs ? unpackOutputs(reply.packedOutputs) : reply.outputs };
    }
    const reply = await channel.request<ProcessReply>({ type: "process", now: this.now(), batches: request, ...watch }, { describe });
    return { reply, outputs: reply.outputs };
  }

  /**
   * Moves the offsets to commit past the records the runtime processed; the count of them.
   * Records of one partition come in offset order within a batch, so the last one of each
   * partition is the one that counts.
   */
  private noteProcessed(request: readonly TaskBatch[], done: readonly number[]): number {
    let processed = 0;
    request.forEach((batch, i) => {
      const n = done[i] ?? 0;
      processed += n;
      if (batch.taskId.endsWith("_global") || n === 0) return;
      // From the end: the first record met of each partition is its last one.
      const partitions = this.tasks.find((t) => t.id === batch.taskId)?.partitions.length ?? Infinity;
      const seen = new Set<string>();
      let lastTopic: string | undefined;
      let lastPartition = -1;
      for (let j = n - 1; j >= 0 && seen.size < partitions; j--) {
        const r = batch.records[j]!;
        if (r.partition === lastPartition && r.topic === lastTopic) continue;
        lastTopic = r.topic;
        lastPartition = r.partition;
        const key = `${r.topic}-${r.partition}`;
        if (seen.has(key)) continue;
        seen.add(key);
        this.processed.set(key, r.offset + 1);
      }
    });
    return processed;
  }

  private async produce(outputs: readonly WireOutputRecord[]): Promise<void> {
    if (outputs.length === 0) return;
    const producer = this.producer!;
    if (this.eos && !this.inTransaction) {
      producer.beginTransaction();
      this.inTransaction = true;
    }
    // One send per topic for the whole reply: outputs alternate between topics (a count's
    // result, then its changelog record), and sending each run of one topic on its own made
    // a producer call, a metadata look-up and a topic check per record. Records of one
    // partition keep their order, which is all Kafka orders.
    const byTopic = new Map<string, { records: WireOutputRecord[]; partitions: number }>();
    for (let i = 0; i < outputs.length; i++) {
      const o = outputs[i]!;
      let group = byTopic.get(o.topic);
      if (!group) {
        await this.ensureTopic(o.topic);
        byTopic.set(o.topic, (group = { records: [], partitions: this.broker().partitionCount(o.topic) }));
      }
      if (o.window && o.kind !== "changelog") this.deps.keyFormats.note(o.topic, o.window);
      if (o.partition === undefined && o.partitionKey !== null) o.partition = partitionForKey(o.partitionKey, group.partitions);
      // The producer batches the output itself: it is the runtime's copy, and nothing changes it before the flush below.
      group.records.push(o);
    }
    // No promise per record: a failed batch fails the flush, which is all the host acts on.
    for (const [topic, { records }] of byTopic) await producer.sendBulk(topic, records);
    await producer.flush();
    this.stats.produced += outputs.length;
  }

  /** A sink writing to a topic that does not exist: created by the broker when it allows it, as a metadata request would. */
  private async ensureTopic(topic: string): Promise<void> {
    const broker = this.broker();
    if (broker.hasTopic(topic)) return;
    if (!broker.config.autoCreateTopicsEnable) {
      throw new KafkaError("UNKNOWN_TOPIC_OR_PARTITION", `streams application "${this.applicationId}": topic ${topic} not present in metadata and the broker has auto.create.topics.enable=false`);
    }
    await broker.createTopic({ name: topic });
  }

  private armWallClock(due: number | null): void {
    if (due === this.nextWallClockDue) return;
    this.wallTimer?.();
    this.wallTimer = undefined;
    this.nextWallClockDue = due;
    // The timer only makes the engine's clock stop there; the next pass punctuates.
    if (due !== null) this.wallTimer = this.deps.scheduler.at(due, () => {});
  }

  private markDirty(): void {
    this.dirty = true;
    if (this.commitTimer) return;
    const due = this.lastCommit + this.config["commit.interval.ms"];
    if (due > this.now()) this.commitTimer = this.deps.scheduler.at(due, () => (this.commitTimer = undefined));
  }

  // =====================================================================================
  // Commit

  private async maybeCommit(): Promise<void> {
    if (this.dirty && this.now() >= this.lastCommit + this.config["commit.interval.ms"]) await this.commit();
  }

  /** Commits now if anything was processed or produced since the last commit; true when it did. */
  async commitIfDirty(): Promise<boolean> {
    if (this.machine.state !== "RUNNING" || !this.dirty) return false;
    try {
      await this.commit();
    } catch (e) {
      await this.fail(this.failureOf(e, undefined));
    }
    return true;
  }

  private async commit(): Promise<void> {
    const producer = this.producer!;
    const offsets = Object.fromEntries([...this.processed].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    if (this.eos) {
      if (!this.inTransaction) {
        producer.beginTransaction();
        this.inTransaction = true;
      }
      if (Object.keys(offsets).length > 0) await producer.sendOffsetsToTransaction(this.applicationId, offsets);
      await producer.commitTransaction();
      this.inTransaction = false;
      await this.broker().offsetCommitsSettled();
    } else {
      await producer.flush();
      if (Object.keys(offsets).length > 0) await this.session!.commitSync(offsets);
    }
    this.dirty = false;
    this.lastCommit = this.now();
    await this.maybePurgeRepartitionTopics(offsets);
    this.commitTimer?.();
    this.commitTimer = undefined;
    this.stats.commits++;
    this.stats.lastCommitMs = this.lastCommit;
    this.emit({ type: "committed", offsets, transactional: this.eos });
  }

  /**
   * Records of a repartition topic are only a hand-over between sub-topologies: once their
   * offsets are committed, Streams deletes them (DeleteRecords) every
   * repartition.purge.interval.ms.
   */
  private async maybePurgeRepartitionTopics(committed: Record<string, number>): Promise<void> {
    const info = this.info;
    if (!info || info.repartitionTopics.length === 0) return;
    if (this.now() < this.lastPurge + this.config["repartition.purge.interval.ms"]) return;
    this.lastPurge = this.now();
    const repartition = new Set(info.repartitionTopics.map((t) => t.topic));
    const broker = this.broker();
    for (const [key, offset] of Object.entries(committed)) {
      const cut = key.lastIndexOf("-");
      const topic = key.slice(0, cut);
      if (!repartition.has(topic) || !broker.hasTopic(topic)) continue;
      const partition = Number(key.slice(cut + 1));
      if (offset > broker.partition(topic, partition).logStartOffset) await broker.deleteRecords(topic, partition, offset);
    }
  }

  // =====================================================================================
  // Failure and shutdown

  private failureOf(e: unknown, request: readonly TaskBatch[] | undefined): ApplicationFailure {
    if (e instanceof WatchedWorkerError) {
      const at = request && e.progress !== undefined ? recordAt(request, e.progress) : undefined;
      return {
        reason: e.reason === "timeout" || e.reason === "startup-timeout" ? "timeout" : "crashed",
        taskId: at?.taskId ?? null,
        topic: at?.record.topic ?? null,
        partition: at?.record.partition ?? -1,
        offset: at?.record.offset ?? -1,
        message: e.message,
      };
    }
    if (e instanceof RemoteError) return { reason: "runtime", taskId: null, topic: null, partition: -1, offset: -1, message: `${e.name}: ${e.message}`, ...(e.remoteStack ? { stack: e.remoteStack } : {}) };
    const message = isKafkaError(e) ? e.message : e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return { reason: isKafkaError(e) ? "broker" : "runtime", taskId: null, topic: null, partition: -1, offset: -1, message };
  }

  /** The stream thread dies: nothing more is committed, an open transaction is aborted, the member leaves, the runtime is ended. */
  private async fail(failure: ApplicationFailure): Promise<void> {
    if (this.machine.isTerminal() || this.machine.state === "PENDING_ERROR") return;
    if (this.machine.state === "PENDING_SHUTDOWN") {
      this.failureInfo ??= failure;
      return;
    }
    this.machine.to("PENDING_ERROR");
    this.failureInfo = failure;
    this.emit({ type: "application-error", failure });
    await this.abandonWork(failure.message);
    try {
      await this.session?.close();
      await this.settleGroup();
    } catch {
      // Leaving is best effort: the coordinator evicts the member after session.timeout.ms anyway.
    }
    this.channel?.terminate();
    this.cancelTimers();
    this.machine.to("ERROR");
  }

  private async abandonWork(reason: string): Promise<void> {
    const producer = this.producer;
    if (!producer) return;
    if (this.eos && this.inTransaction) {
      this.inTransaction = false;
      try {
        await producer.abortTransaction();
        this.emit({ type: "transaction-aborted", reason });
      } catch {
        // The broker aborts it when the transaction times out.
      }
      return;
    }
    try {
      await producer.flush();
    } catch {
      // Records that could not be written are lost with the failed instance, as in Kafka.
    }
  }

  private cancelTimers(): void {
    this.commitTimer?.();
    this.commitTimer = undefined;
    this.wallTimer?.();
    this.wallTimer = undefined;
  }

  /** KafkaStreams.close(): commit what was processed, leave the group, end the runtime. */
  async stop(): Promise<void> {
    if (this.machine.isTerminal() || this.machine.state === "PENDING_SHUTDOWN" || this.machine.state === "PENDING_ERROR") return;
    const healthy = this.machine.state === "RUNNING";
    this.machine.to("PENDING_SHUTDOWN");
    try {
      if (healthy && this.dirty) await this.commit();
    } catch (e) {
      this.failureInfo = this.failureOf(e, undefined);
      await this.abandonWork(this.failureInfo.message);
    }
    if (this.eos && this.inTransaction) await this.abandonWork("shutdown");
    try {
      await this.session?.close();
      await this.settleGroup();
    } catch {
      // The coordinator evicts a member that could not leave after session.timeout.ms.
    }
    try {
      await this.channel?.request({ type: "close" });
    } catch {
      // A runtime that cannot close is ended below all the same.
    }
    this.channel?.terminate();
    this.cancelTimers();
    this.machine.to("NOT_RUNNING");
  }

  /**
   * The process dies with the engine (a restart): no commit, no LeaveGroup; an open
   * transaction is left to the broker, which aborts it.
   */
  kill(): void {
    if (this.machine.isTerminal()) return;
    this.session?.crash();
    this.channel?.terminate();
    this.cancelTimers();
    if (this.machine.state !== "PENDING_SHUTDOWN" && this.machine.state !== "PENDING_ERROR") this.machine.to("PENDING_SHUTDOWN");
    if (this.machine.state === "PENDING_ERROR") this.machine.to("ERROR");
    else this.machine.to("NOT_RUNNING");
  }

  describe(): ApplicationDescription {
    const info = this.info;
    return {
      applicationId: this.applicationId,
      state: this.machine.state,
      processingGuarantee: this.config["processing.guarantee"],
      commitIntervalMs: this.config["commit.interval.ms"],
      topology: info?.describe ?? "",
      nodes: info?.nodes ?? [],
      tasks: this.tasks.map((t) => ({ id: t.id, partitions: [...t.partitions], streamTime: t.streamTime })),
      internalTopics: info ? [...info.repartitionTopics.map((t) => t.topic), ...info.changelogs.map((c) => c.topic)] : [],
      stats: { ...this.stats },
      ...(this.failureInfo ? { failure: this.failureInfo } : {}),
      ...(this.ordering ? { ordering: this.ordering.summary() } : {}),
    };
  }
}

/** A record's key as the ordering check names it: the JSON it holds, as text. */
function keyText(bytes: Uint8Array | null): string | null {
  if (bytes === null) return null;
  const v = decodeJson(bytes);
  const text = typeof v === "string" ? v : JSON.stringify(v);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/** A process reply with its outputs unpacked. */
interface Answer {
  reply: ProcessReply;
  outputs: readonly WireOutputRecord[];
}

/** The batches cut into requests of at most `limit` records, in order (one empty request when there is nothing: it punctuates). */
function splitRequests(batches: readonly TaskBatch[], limit: number): TaskBatch[][] {
  const requests: TaskBatch[][] = [];
  let current: TaskBatch[] = [];
  let size = 0;
  for (const b of batches) {
    for (let i = 0; i < b.records.length; ) {
      const take = Math.min(limit - size, b.records.length - i);
      current.push(i === 0 && take === b.records.length ? b : { taskId: b.taskId, records: b.records.slice(i, i + take) });
      size += take;
      i += take;
      if (size >= limit) {
        requests.push(current);
        current = [];
        size = 0;
      }
    }
  }
  if (current.length > 0 || requests.length === 0) requests.push(current);
  return requests;
}

function compareTaskIds(a: string, b: string): number {
  const [ga, pa] = a.split("_");
  const [gb, pb] = b.split("_");
  if (Number(ga) !== Number(gb)) return Number(ga) - Number(gb);
  if (pa === "global" || pb === "global") return pa === pb ? 0 : pa === "global" ? -1 : 1;
  return Number(pa) - Number(pb);
}

function recordAt(request: readonly TaskBatch[], index: number): { taskId: string; record: WireInputRecord } | undefined {
  let i = index;
  for (const b of request) {
    if (i < b.records.length) return { taskId: b.taskId, record: b.records[i]! };
    i -= b.records.length;
  }
  return undefined;
}

function describeProgress(request: readonly TaskBatch[], progress: number | undefined): string {
  const at = progress === undefined ? undefined : recordAt(request, progress);
  if (at) return `the record at topic ${at.record.topic}, partition ${at.record.partition}, offset ${at.record.offset} (task ${at.taskId})`;
  const n = request.reduce((s, b) => s + b.records.length, 0);
  return n === 0 ? "a punctuation" : `a batch of ${n} records`;
}

function userFailure(f: ProcessingFailure): ApplicationFailure {
  return {
    reason: "user-code",
    taskId: f.taskId || null,
    topic: f.topic,
    partition: f.partition,
    offset: f.offset,
    message: f.message,
    stack: f.stack,
    ...(f.line !== undefined ? { line: f.line } : {}),
    ...(f.column !== undefined ? { column: f.column } : {}),
  };
}
