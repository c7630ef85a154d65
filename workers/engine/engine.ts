/**
 * One running streamlab world: storage, a virtual clock with its scheduler, the broker,
 * and the clients the scenario verbs act through. The runner drives it step by step; the
 * browser's broker worker drives the same engine, moving its clock at wall speed.
 *
 * Time moves only through {@link Engine.advance}, one due moment at a time: all work that
 * a due task starts (a retention pass, a cleaner pass) finishes before the clock moves on,
 * so every run is deterministic.
 */
import { Broker, type BrokerConfig } from "../broker/broker";
import type { BrokerListener } from "../broker/broker-events";
import { ProducerCore, type ProduceTransport } from "../client/producer-core";
import { batchesIn, decodeRecords, isControl } from "../log/record-batch";
import { resolveProducerConfig } from "../protocol/client-config";
import { KafkaError } from "../protocol/errors";
import type { RawConfig } from "../protocol/config-def";
import { VirtualClock } from "../runtime/clock";
import { SeededRandom } from "../runtime/random";
import { VirtualScheduler } from "../runtime/scheduler";
import type { Storage } from "../storage/storage";
import type { ApplicationDescription, ApplicationEvent } from "../streams/runtime/application-host";
import { StreamsApplications, type RestartRequest } from "../streams/runtime/applications";
import type { ResetReport } from "../streams/runtime/app-reset";
import { WindowedKeyFormats, type WindowedKeyFormat } from "../streams/runtime/key-formats";
import type { ProcessingChannel, ProcessingChannelFactory } from "../streams/runtime/processing-channel";
import type { ProcessingRuntime } from "../streams/runtime/processing-runtime";
import type { RuntimeReply, RuntimeRequest } from "../streams/runtime/protocol";
import type { StateStore } from "../streams/state/state-store";
import type { TopologyFactory } from "../streams/user-code/load";
import { SqlEngine } from "../sql/engine/sql-engine";
import { COMMAND_TOPIC } from "../sql/engine/command-topic";
import type { SqlExecution } from "../sql/engine/results";
import { EngineConsumers, type ConsumerView } from "./engine-consumers";
import type {
  CommitRequest,
  EnginePort,
  GroupSummary,
  JoinRequest,
  MemberRequest,
  PollRequest,
  ProduceOptions,
  ProduceRecord,
  SeekRequest,
  StoredRecord,
  TopicSpec,
  TopologyRequest,
} from "./engine-port";

/** A stream application's event, as the engine passes it on (beside the broker's events). */
export interface StreamsEngineEvent {
  type: "streams";
  applicationId: string;
  event: ApplicationEvent;
}

export interface EngineOptions {
  storage: Storage;
  clockStart?: number;
  /** Seed of the engine's random source (sticky partitioner, generators). */
  seed?: number;
  broker?: Partial<BrokerConfig>;
  listener?: BrokerListener;
  /** Where stream applications run their topologies: worker threads, Web Workers, or in-process for tests. */
  processing?: ProcessingChannelFactory;
  /** Receives the stream applications' events. */
  streamsListener?: (event: StreamsEngineEvent) => void;
  /** Whether the processing runtimes collect processor events (per-node counts, windows, store updates). */
  streamsEvents?: boolean;
  /**
   * Commit every application's progress whenever the engine settles (the runner drives each
   * step to quiescence this way); off, applications commit every commit.interval.ms only.
   */
  commitOnSettle?: boolean;
  /** Most records per request to a processing runtime (one fetch is split into requests of this size). */
  streamsBatchRecords?: number;
}

/**
 * A built topology (a SQL query) run in the engine's own thread, as InProcessChannel does,
 * but with the processing runtime's module loaded on the first request: that module brings
 * the TypeScript compiler (for topologies written as source), megabytes the browser's
 * broker worker would otherwise parse at start for no use until a query runs.
 */
class BuiltTopologyChannel implements ProcessingChannel {
  readonly packs = false;
  private loading: Promise<ProcessingRuntime> | undefined;
  private runtime: ProcessingRuntime | undefined;
  private terminated = false;

  constructor(
    private readonly build: TopologyFactory,
    private readonly created: (runtime: ProcessingRuntime) => void,
  ) {}

  async request<R extends RuntimeReply>(request: RuntimeRequest): Promise<R> {
    if (this.terminated) throw new Error("the processing runtime was stopped");
    const runtime = this.runtime ?? (await this.load());
    if (this.terminated) throw new Error("the processing runtime was stopped");
    return runtime.handle(request) as R;
  }

  terminate(): void {
    this.terminated = true;
    this.runtime?.close();
  }

  private load(): Promise<ProcessingRuntime> {
    this.loading ??= import("../streams/runtime/processing-runtime").then(({ ProcessingRuntime }) => {
      const runtime = new ProcessingRuntime({ factory: this.build });
      this.runtime = runtime;
      this.created(runtime);
      // Stopped while the module loaded: nothing will ask this runtime anything.
      if (this.terminated) runtime.close();
      return runtime;
    });
    return this.loading;
  }
}

/** Fetch size used when the engine reads whole partitions for itself. */
const READ_CHUNK_BYTES = 1 << 20;

export class Engine implements EnginePort {
  readonly scheduler: VirtualScheduler;
  readonly random: SeededRandom;
  readonly storage: Storage;
  private brokerInstance: Broker;
  private readonly producers = new Map<string, ProducerCore>();
  private readonly initializedTransactional = new WeakSet<ProducerCore>();
  private readonly options: EngineOptions;
  private readonly consumers: EngineConsumers;
  readonly keyFormats: WindowedKeyFormats;
  private readonly applications: StreamsApplications;
  /** Applications whose topology engine code builds (SQL queries), with their current runtime. */
  private readonly builtTopologies = new Map<string, { build: TopologyFactory; runtime?: ProcessingRuntime }>();

  private constructor(options: EngineOptions, scheduler: VirtualScheduler, broker: Broker, keyFormats: WindowedKeyFormats) {
    this.options = options;
    this.storage = options.storage;
    this.scheduler = scheduler;
    this.random = new SeededRandom(options.seed ?? 0x5eed);
    this.brokerInstance = broker;
    this.consumers = new EngineConsumers(() => this.brokerInstance, scheduler);
    this.keyFormats = keyFormats;
    const listener = options.streamsListener;
    this.applications = new StreamsApplications({
      broker: () => this.brokerInstance,
      scheduler,
      random: this.random,
      keyFormats,
      channels: (applicationId) => {
        const built = this.builtTopologies.get(applicationId);
        if (built) {
          return new BuiltTopologyChannel(built.build, (runtime) => {
            built.runtime = runtime;
          });
        }
        if (!options.processing) throw new KafkaError("INVALID_REQUEST", `streams application "${applicationId}": this engine has no processing runtime for topologies`);
        return options.processing(applicationId);
      },
      ...(listener ? { emit: (applicationId: string, event: ApplicationEvent) => listener({ type: "streams", applicationId, event }) } : {}),
      events: options.streamsEvents ?? false,
      ...(options.streamsBatchRecords !== undefined ? { batchRecords: options.streamsBatchRecords } : {}),
    });
  }

  static async create(options: EngineOptions): Promise<Engine> {
    const scheduler = new VirtualScheduler(new VirtualClock(options.clockStart ?? 0));
    const broker = await Broker.start({
      storage: options.storage,
      scheduler,
      ...(options.broker ? { config: options.broker } : {}),
      ...(options.listener ? { listener: options.listener } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
    });
    const engine = new Engine(options, scheduler, broker, await WindowedKeyFormats.load(options.storage));
    // ksqlDB's server replays its command topic on start: the SQL queries run again.
    if (broker.hasTopic(COMMAND_TOPIC)) await SqlEngine.attach(engine);
    return engine;
  }

  get broker(): Broker {
    return this.brokerInstance;
  }

  now(): number {
    return this.scheduler.clock.now();
  }

  async createTopic(spec: TopicSpec): Promise<void> {
    await this.broker.createTopic({
      name: spec.name,
      partitions: spec.partitions,
      ...(spec.replicationFactor !== undefined ? { replicationFactor: spec.replicationFactor } : {}),
      ...(spec.config ? { config: spec.config } : {}),
    });
  }

  hasTopic(name: string): boolean {
    return this.broker.hasTopic(name);
  }

  partitionCount(topic: string): number {
    return this.broker.partitionCount(topic);
  }

  /** Send records through a producer with the given config and wait until all are acknowledged. */
  async produce(topic: string, records: ProduceRecord[], options: ProduceOptions = {}): Promise<void> {
    const producer = this.producerFor(options);
    if (producer.transactionalId) {
      await this.produceInTransaction(producer, topic, records);
      return;
    }
    const acks = await producer.send(topic, records);
    // Observe every acknowledgement before flush can throw, so a refused batch surfaces
    // once, as flush's error, and never as an unhandled rejection.
    const settled = Promise.allSettled(acks);
    await producer.flush();
    await settled;
  }

  /** A transactional produce step: every record of the step in one committed transaction. */
  private async produceInTransaction(producer: ProducerCore, topic: string, records: ProduceRecord[]): Promise<void> {
    if (!this.initializedTransactional.has(producer)) {
      await producer.initTransactions();
      this.initializedTransactional.add(producer);
    }
    producer.beginTransaction();
    const acks = await producer.send(topic, records);
    const settled = Promise.allSettled(acks);
    await producer.commitTransaction();
    await settled;
  }

  private producerFor(options: ProduceOptions): ProducerCore {
    const raw: Record<string, RawConfig[string]> = { ...options.config };
    if (options.transactional && raw["transactional.id"] === undefined) raw["transactional.id"] = "streamlab-scenario-producer";
    if (options.acks !== undefined) raw["acks"] = options.acks;
    if (options.idempotent !== undefined) raw["enable.idempotence"] = options.idempotent;
    const key = JSON.stringify(Object.entries(raw).sort(([a], [b]) => a.localeCompare(b)));
    let producer = this.producers.get(key);
    if (!producer) {
      producer = new ProducerCore(this.transport(), this.scheduler, this.random, resolveProducerConfig(raw));
      this.producers.set(key, producer);
    }
    return producer;
  }

  /** The broker as a producer sees it; looked up per call so a restart swaps it underneath. */
  private transport(): ProduceTransport {
    return {
      partitionCount: (topic) => this.broker.partitionCount(topic),
      produce: (topic, partition, batch) => this.broker.produce(topic, partition, batch),
      initProducerId: (req) => this.broker.initProducerId(req),
      transactions: {
        addPartitionsToTxn: (id, pid, epoch, partitions) => this.broker.addPartitionsToTxn(id, pid, epoch, partitions),
        addOffsetsToTxn: (id, pid, epoch, commit) => this.broker.addOffsetsToTxn(id, pid, epoch, commit),
        endTxn: (id, pid, epoch, commit) => this.broker.endTxn(id, pid, epoch, commit),
      },
    };
  }

  /** Move the clock by `ms`, stopping at every due task and letting its work finish. */
  async advance(ms: number): Promise<void> {
    const target = this.now() + ms;
    for (;;) {
      const due = this.scheduler.nextDue();
      if (due === undefined || due > target) break;
      this.scheduler.advance(Math.max(0, due - this.now()));
      await this.settle();
    }
    this.scheduler.advance(target - this.now());
    await this.settle();
  }

  /**
   * Wait until the broker's background work is done and every consumer group is at rest: a
   * session timeout that fell due has been acted on and its rebalance completed.
   */
  async settle(): Promise<void> {
    await this.broker.idle();
    await this.consumers.settleAll();
    await this.applications.drive(this.options.commitOnSettle ?? true);
    await this.broker.idle();
  }

  roll(topic: string, partition?: number): Promise<void> {
    return this.broker.roll(topic, partition);
  }

  clean(topic: string): Promise<void> {
    return this.broker.cleanTopic(topic);
  }

  /** Shut the broker down and start a new one from the same storage: what a crash-free restart does. */
  async restart(): Promise<void> {
    this.consumers.stopAll();
    this.applications.killAll();
    await this.broker.shutdown();
    this.brokerInstance = await Broker.start({
      storage: this.storage,
      scheduler: this.scheduler,
      ...(this.options.broker ? { config: this.options.broker } : {}),
      ...(this.options.listener ? { listener: this.options.listener } : {}),
      ...(this.options.seed !== undefined ? { seed: this.options.seed } : {}),
    });
    await this.applications.resumeAll();
    await this.settle();
  }

  async readAll(topic: string): Promise<StoredRecord[]> {
    const out: StoredRecord[] = [];
    const partitions = this.broker.partitionCount(topic);
    for (let partition = 0; partition < partitions; partition++) {
      const p = this.broker.partition(topic, partition);
      let offset = p.logStartOffset;
      while (offset < p.highWatermark) {
        const data = await this.broker.fetch(topic, partition, offset, READ_CHUNK_BYTES);
        if (data.bytes.length === 0) break;
        for (const { pos, header } of batchesIn(data.bytes)) {
          if (isControl(header)) continue;
          for (const r of decodeRecords(data.bytes, pos)) {
            if (r.offset < offset) continue; // records below the log start inside the first batch
            out.push({ topic, partition, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers });
          }
        }
        offset = data.nextOffset;
      }
    }
    return out;
  }

  // ---- consumer groups ----

  join(req: JoinRequest): Promise<void> {
    return this.consumers.join(req);
  }

  leave(req: MemberRequest): Promise<void> {
    return this.consumers.leave(req);
  }

  crash(req: MemberRequest): Promise<void> {
    return this.consumers.crash(req);
  }

  poll(req: PollRequest): Promise<StoredRecord[]> {
    return this.consumers.poll(req);
  }

  commit(req: CommitRequest): Promise<Record<string, number>> {
    return this.consumers.commit(req);
  }

  seek(req: SeekRequest): Promise<number> {
    return this.consumers.seek(req);
  }

  async describeGroups(): Promise<GroupSummary[]> {
    return this.consumers.describeGroups();
  }

  /** Each consumer's own view: generation, assignment and positions (for views and tests). */
  describeConsumers(groupId?: string): ConsumerView[] {
    return this.consumers.describeConsumers(groupId);
  }

  // ---- stream applications ----

  /**
   * Starts a stream application: its topology is compiled and checked (errors throw, as
   * `<applicationId>:<line>:<column>: <message>`), its internal topics created, its group
   * joined and its state restored; the engine then drives it whenever it settles.
   */
  async startApplication(req: TopologyRequest): Promise<ApplicationDescription> {
    const description = await this.applications.start({ applicationId: req.applicationId, source: req.source, ...(req.config ? { config: req.config } : {}) });
    await this.settle();
    return this.applications.get(req.applicationId)?.describe() ?? description;
  }

  /**
   * Starts an application whose topology engine code builds (a SQL query), through the same
   * host as any other: internal topics, group, commits, restore. Trusted code, so it runs in
   * the engine's thread; an engine restart resumes it with the same build function.
   */
  async startBuiltApplication(req: { applicationId: string; build: TopologyFactory; config?: TopologyRequest["config"] }): Promise<ApplicationDescription> {
    this.builtTopologies.set(req.applicationId, { build: req.build });
    try {
      return await this.startApplication({ applicationId: req.applicationId, source: "", ...(req.config ? { config: req.config } : {}) });
    } catch (e) {
      this.builtTopologies.delete(req.applicationId);
      throw e;
    }
  }

  /** Stops a built application for good: it is not resumed after a restart. */
  async stopBuiltApplication(applicationId: string): Promise<ApplicationDescription> {
    const description = await this.stopApplication(applicationId);
    this.builtTopologies.delete(applicationId);
    return description;
  }

  /**
   * What the workbench watches in an application, started or not: `nodes`, the processors
   * whose received records come as node-record events; `ordering`, the per-key ordering
   * check shown in describe() (see StreamsApplications.watch). Fields left out stay.
   */
  watchApplication(applicationId: string, what: { nodes?: readonly string[]; ordering?: boolean }): void {
    this.applications.watch(applicationId, what);
  }

  /** A state store of a running built application, one per task that has it (pull queries read them). */
  applicationStores<S extends StateStore = StateStore>(applicationId: string, storeName: string): S[] {
    const runtime = this.builtTopologies.get(applicationId)?.runtime;
    const app = this.applications.get(applicationId);
    if (!runtime || !app) return [];
    const stores: S[] = [];
    for (const t of app.describe().tasks) {
      const s = runtime.store<S>(t.id, storeName);
      if (s) stores.push(s);
    }
    return stores;
  }

  /** Runs ksqlDB statements (workers/sql): persistent queries become built applications of this engine. */
  async executeSql(text: string): Promise<SqlExecution> {
    return (await SqlEngine.attach(this)).execute(text);
  }

  /** KafkaStreams.close(): commits, leaves the group, ends the processing worker. */
  async stopApplication(applicationId: string): Promise<ApplicationDescription> {
    const description = await this.applications.stop(applicationId);
    await this.settle();
    return description;
  }

  /**
   * Stops (if running) and starts again, possibly changed, possibly reset to the beginning
   * with its state wiped (the application reset tool) or kept (input offsets only: the
   * stores are restored and reprocessing adds to them); see RestartRequest.wipeState.
   */
  async restartApplication(req: RestartRequest): Promise<ApplicationDescription> {
    await this.applications.restart(req);
    await this.settle();
    return this.applications.get(req.applicationId)!.describe();
  }

  /** The application reset tool on a stopped application. */
  async resetApplication(applicationId: string): Promise<ResetReport> {
    return this.applications.reset(applicationId);
  }

  describeApplications(): ApplicationDescription[] {
    return this.applications.describe();
  }

  /** How keys of `topic` print when stream applications wrote windowed keys there. */
  windowedKeyFormat(topic: string): WindowedKeyFormat | undefined {
    return this.keyFormats.get(topic);
  }

  async close(): Promise<void> {
    this.consumers.stopAll();
    await this.applications.closeAll();
    await this.keyFormats.flushed();
    await this.broker.shutdown();
  }
}

export function createEngine(options: EngineOptions): Promise<Engine> {
  return Engine.create(options);
}
