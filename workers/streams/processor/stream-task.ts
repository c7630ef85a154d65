import type { RecordHeader } from "../../log/record-batch";
import type { Scheduler } from "../../runtime/scheduler";
import { Change } from "../change";
import { StreamsException } from "../errors";
import { Headers, Record } from "../record";
import { DEFAULT_SERDE, windowedInnerSerde, windowedKeyBytes, type Serde } from "../serdes";
import type { StateStore, StateStoreContext } from "../state/state-store";
import type { NodeDef, SinkNodeDef, SourceNodeDef, Topology } from "../topology";
import { changelogTopicName } from "../topology";
import { SessionWindow, SlidingWindow, Windowed } from "../windowed";
import { changeSerde } from "./change-serde";
import type { StreamsEvent, StreamsEventListener } from "./events";
import {
  PunctuationType,
  supplierGet,
  type Cancellable,
  type DropReason,
  type InternalProcessorContext,
  type Processor,
  type Punctuator,
  type RecordContext,
  type RecordMetadata,
} from "./processor-context";
import type { OutgoingRecord, RecordCollector } from "./record-collector";

/** A record read from a topic, before deserialization. */
export interface InputRecord {
  /** The broker's topic name (internal topics with their `<application.id>-` prefix). */
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers?: RecordHeader[];
}

export interface StreamTaskOptions {
  topology: Topology;
  /** The node group this task runs: a sub-topology id, or a global store group. */
  groupId: number;
  partition: number;
  applicationId: string;
  collector: RecordCollector;
  /** Engine clock and timers: wall-clock punctuations, `currentSystemTimeMs()`. */
  scheduler: Scheduler;
  config?: Readonly<globalThis.Record<string, unknown>>;
  listener?: StreamsEventListener | undefined;
  /** Global stores, shared by every task of the application. */
  globalStores?: ReadonlyMap<string, StateStore>;
  /** A global-store task: its stores are not logged (the source topic is their changelog). */
  global?: boolean;
}

interface RuntimeNode {
  def: NodeDef;
  children: RuntimeNode[];
  processor: Processor<unknown, unknown, unknown, unknown> | undefined;
  context: NodeContext;
  processed: number;
  /** Stores this node may open: its own plus global ones. */
  stores: Set<string>;
  /** The last Change serde this node wrapped, and what it wrapped (wrapping costs a closure set per call). */
  changeSerde: { inner: Serde<unknown>; serde: Serde<Change<unknown>> } | undefined;
  /** Sinks with a fixed topic: the topic as the broker names it, and the kind of record written there. */
  sinkTopic: { topic: string; kind: OutgoingRecord["kind"] } | undefined;
  /** Sinks: the serde of the inner key when the key serde is one of WindowedSerdes' (it writes inner key + window). */
  windowedInner: Serde<unknown> | undefined;
}

/**
 * Sees each record a watched processor receives, after its process() returned: the record,
 * the context of the source record behind it, and how many records the processor's
 * children received meanwhile (0: it forwarded nothing, e.g. a filter that said no).
 */
export type NodeWatcher = (record: Record<unknown, unknown>, context: RecordContext, forwarded: number) => void;

function childrenProcessed(node: RuntimeNode): number {
  let n = 0;
  const children = node.children;
  for (let i = 0; i < children.length; i++) n += children[i]!.processed;
  return n;
}

function changeSerdeOf(node: RuntimeNode, inner: Serde<unknown>): Serde<Change<unknown>> {
  if (node.changeSerde?.inner !== inner) node.changeSerde = { inner, serde: changeSerde(inner) };
  return node.changeSerde.serde;
}

interface Schedule {
  node: RuntimeNode;
  time: number;
  interval: number;
  punctuator: Punctuator;
  cancelled: boolean;
  /** Wall-clock schedules are armed on the scheduler. */
  cancelTimer?: () => void;
}

function nextPunctuationTime(s: Schedule, now: number): number {
  let next = s.time + s.interval;
  if (now >= next) {
    // Missed punctuations are skipped, not replayed (Kafka's PunctuationSchedule.next).
    const missed = Math.floor((now - s.time) / s.interval);
    next = s.time + (missed + 1) * s.interval;
  }
  return next;
}

/**
 * One task: a sub-topology run for one input partition (task id `<sub-topology>_<partition>`).
 * It deserializes input records, tracks stream time, pushes records through the processors,
 * runs punctuations, owns the state stores (logging each change to the changelog through
 * the collector) and serializes what sinks write.
 */
export class StreamTask {
  readonly id: string;
  private readonly nodes = new Map<string, RuntimeNode>();
  private readonly sourceByTopic = new Map<string, RuntimeNode>();
  private lastTopic: string | undefined;
  private lastSource: RuntimeNode | undefined;
  private readonly stores = new Map<string, StateStore>();
  private readonly partitionTimes = new Map<string, number>();
  private streamTimeMs = -1;
  private context: RecordContext;
  private readonly streamSchedules: Schedule[] = [];
  private readonly wallSchedules = new Set<Schedule>();
  private droppedRecords = 0;
  private initialized = false;
  private closed = false;
  /** Watched processors: their own processor, which a recording wrapper stands in for. */
  private readonly watched = new Map<string, { inner: Processor<unknown, unknown, unknown, unknown> | undefined; watcher: NodeWatcher }>();

  constructor(private readonly options: StreamTaskOptions) {
    this.id = `${options.groupId}_${options.partition}`;
    this.context = { topic: null, partition: -1, offset: -1, timestamp: 0, headers: new Headers() };
    const group = options.topology.nodeGroups().find((g) => g.id === options.groupId);
    if (!group) throw new StreamsException(`Topology has no sub-topology ${options.groupId}`);
    for (const name of group.nodes) {
      const def = options.topology.node(name)!;
      const node: RuntimeNode = {
        def,
        children: [],
        processor: undefined,
        context: undefined as unknown as NodeContext,
        processed: 0,
        stores: new Set(def.kind === "processor" ? def.stores : []),
        changeSerde: undefined,
        sinkTopic: undefined,
        windowedInner: undefined,
      };
      if (def.kind === "sink") node.windowedInner = windowedInnerSerde((def.keySerde ?? DEFAULT_SERDE) as Serde<never>);
      if (def.kind === "sink" && def.topic !== undefined) {
        node.sinkTopic = {
          topic: options.topology.decorateTopic(options.applicationId, def.topic),
          kind: options.topology.isInternalTopic(def.topic) ? "repartition" : "output",
        };
      }
      node.context = new NodeContext(this, node);
      this.nodes.set(name, node);
    }
    for (const node of this.nodes.values()) {
      node.children = node.def.children.map((c) => this.nodes.get(c)!);
      if (node.def.kind === "source") {
        for (const t of node.def.topics) this.sourceByTopic.set(options.topology.decorateTopic(options.applicationId, t), node);
      }
    }
    for (const node of this.nodes.values()) {
      if (node.def.kind !== "processor") continue;
      for (const storeName of node.def.stores) {
        if (this.stores.has(storeName) || options.globalStores?.has(storeName)) continue;
        const builder = options.topology.storeBuilder(storeName);
        if (!builder) throw new StreamsException(`StateStore ${storeName} is not added yet.`);
        const store = builder.build();
        store.init(this.storeContext(storeName, builder.loggingEnabled() && !options.global));
        this.stores.set(storeName, store);
      }
    }
  }

  private storeContext(storeName: string, logged: boolean): StateStoreContext {
    const ctx: StateStoreContext = {
      applicationId: this.options.applicationId,
      taskId: this.id,
      currentTimestamp: () => this.context.timestamp,
    };
    if (logged) {
      const topic = changelogTopicName(this.options.applicationId, storeName);
      ctx.changelog = {
        logChange: (store, key, value, timestamp) => {
          // The fields in a sink record's order: one object shape for every record a collector sees.
          this.options.collector.send({
            topic,
            partition: this.options.partition,
            key,
            value,
            timestamp,
            headers: [],
            partitionKey: key,
            windowedKey: undefined,
            kind: "changelog",
            taskId: this.id,
            origin: store,
          });
        },
      };
    }
    if (this.options.listener) {
      const listener = this.options.listener;
      ctx.onUpdate = (u) => listener({ type: "store-update", taskId: this.id, ...u });
    }
    return ctx;
  }

  /** Creates the processors and calls their `init` in topology order, as Kafka's StreamTask does. */
  init(): void {
    if (this.initialized) return;
    this.initialized = true;
    const nodes = [...this.nodes.values()];
    for (const node of nodes) {
      if (node.def.kind !== "processor") continue;
      node.processor = supplierGet(node.def.supplier) as Processor<unknown, unknown, unknown, unknown>;
      const w = this.watched.get(node.def.name);
      if (w) this.wrap(node, w);
    }
    for (const node of nodes) {
      if (!node.processor?.init) continue;
      this.withNode(node, () => node.processor!.init!(node.context));
    }
  }

  /**
   * Watches a processor (the workbench's "last records of this node"): while a watcher is
   * set, the node's processor is swapped for a wrapper that reports each record after the
   * node processed it; `undefined` puts the processor back. Unwatched nodes run their
   * processor directly, so watching costs nothing until someone watches. False when the
   * task has no processor of that name.
   */
  watchNode(name: string, watcher: NodeWatcher | undefined): boolean {
    const node = this.nodes.get(name);
    if (!node || node.def.kind !== "processor") return false;
    const current = this.watched.get(name);
    if (!watcher) {
      if (current) {
        this.watched.delete(name);
        if (current.inner) node.processor = current.inner;
      }
      return true;
    }
    if (current) {
      current.watcher = watcher;
      return true;
    }
    const w = { inner: node.processor, watcher };
    this.watched.set(name, w);
    // Before init() the processor does not exist yet: init() wraps it.
    if (node.processor) this.wrap(node, w);
    return true;
  }

  private wrap(node: RuntimeNode, w: { inner: Processor<unknown, unknown, unknown, unknown> | undefined; watcher: NodeWatcher }): void {
    const inner = node.processor!;
    w.inner = inner;
    node.processor = {
      init: inner.init ? (ctx) => inner.init!(ctx) : undefined,
      process: (record) => {
        const before = childrenProcessed(node);
        inner.process(record);
        w.watcher(record, this.context, childrenProcessed(node) - before);
      },
      close: inner.close ? () => inner.close!() : undefined,
    } as Processor<unknown, unknown, unknown, unknown>;
  }

  /** Topics this task reads, as named on the broker. */
  inputTopics(): string[] {
    return [...this.sourceByTopic.keys()];
  }

  streamTime(): number {
    return this.streamTimeMs;
  }

  droppedRecordsTotal(): number {
    return this.droppedRecords;
  }

  processedCounts(): Map<string, number> {
    return new Map([...this.nodes.values()].map((n) => [n.def.name, n.processed]));
  }

  getStore<S extends StateStore = StateStore>(name: string): S | undefined {
    return (this.stores.get(name) ?? this.options.globalStores?.get(name)) as S | undefined;
  }

  storeNames(): string[] {
    return [...this.stores.keys()];
  }

  /** Deserializes and processes one record, then runs due stream-time punctuations. */
  process(input: InputRecord): void {
    if (this.closed) throw new StreamsException(`task ${this.id} is closed`);
    if (!this.initialized) this.init();
    // Records come in runs from one topic: the previous answer usually holds.
    let source = this.lastSource;
    if (input.topic !== this.lastTopic) {
      source = this.sourceByTopic.get(input.topic);
      this.lastTopic = input.topic;
      this.lastSource = source;
    }
    if (!source || source.def.kind !== "source") throw new StreamsException(`task ${this.id} does not read topic ${input.topic}`);
    const def = source.def;
    const headers = new Headers(input.headers === undefined || input.headers.length === 0 ? undefined : input.headers);
    // One context object per record: processors may keep it (buffers replay it later), so it is never reused.
    const context: RecordContext = { topic: input.topic, partition: input.partition, offset: input.offset, timestamp: input.timestamp, headers };
    this.context = context;
    let key: unknown;
    let value: unknown;
    try {
      key = (def.keySerde ?? DEFAULT_SERDE).deserialize(input.topic, input.key);
      const valueSerde = def.valueSerde ?? DEFAULT_SERDE;
      value = def.changeValues ? changeSerdeOf(source, valueSerde).deserialize(input.topic, input.value) : valueSerde.deserialize(input.topic, input.value);
    } catch (e) {
      throw new StreamsException(
        `Deserialization exception handler is set to fail upon a deserialization error. taskId=${this.id}, topic=${input.topic}, partition=${input.partition}, offset=${input.offset}: ${errorMessage(e)}`,
        e,
        this.origin(def.name),
      );
    }
    let timestamp = input.timestamp;
    if (def.timestampExtractor) {
      // Only an extractor reads partition time, so only sources with one keep it.
      const partitionKey = `${input.topic}-${input.partition}`;
      const partitionTime = this.partitionTimes.get(partitionKey) ?? -1;
      timestamp = this.extractTimestamp(def, input, key, value, headers, partitionTime);
      this.partitionTimes.set(partitionKey, Math.max(partitionTime, timestamp));
    } else if (!(timestamp >= 0)) {
      this.extractTimestamp(def, input, key, value, headers, -1);
    }
    if (timestamp > this.streamTimeMs) this.streamTimeMs = timestamp;
    // Nothing has seen the context yet: the extracted timestamp can go into it in place.
    context.timestamp = timestamp;
    this.runNode(source, new Record(key, value, timestamp, headers));
    if (this.streamSchedules.length > 0) this.punctuateStreamTime();
  }

  private extractTimestamp(def: SourceNodeDef, input: InputRecord, key: unknown, value: unknown, headers: Headers, partitionTime: number): number {
    const ts = def.timestampExtractor
      ? def.timestampExtractor({ topic: input.topic, partition: input.partition, offset: input.offset, timestamp: input.timestamp, key, value, headers }, partitionTime)
      : input.timestamp;
    if (!(ts >= 0)) {
      throw new StreamsException(
        `Input record with key ${JSON.stringify(key)} on topic ${input.topic}, partition ${input.partition}, offset ${input.offset} has invalid (negative) timestamp ${ts}. Use a different TimestampExtractor to process this data.`,
        undefined,
        this.origin(def.name),
      );
    }
    return ts;
  }

  private origin(node: string): { taskId: string; processor: string; topic: string | null; partition: number; offset: number } {
    return { taskId: this.id, processor: node, topic: this.context.topic, partition: this.context.partition, offset: this.context.offset };
  }

  private withNode<T>(node: RuntimeNode, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw this.wrapError(node, e);
    }
  }

  /** The first node an error passes through names it; outer nodes pass it on unchanged. */
  private wrapError(node: RuntimeNode, e: unknown): unknown {
    if (e instanceof StreamsException && e.origin) return e;
    const o = this.origin(node.def.name);
    return new StreamsException(
      `Exception caught in process. taskId=${o.taskId}, processor=${o.processor}, topic=${String(o.topic)}, partition=${o.partition}, offset=${o.offset}, error=${errorMessage(e)}`,
      e,
      o,
    );
  }

  /** @internal Runs one node on a record (sources forward, processors process, sinks write). */
  runNode(node: RuntimeNode, record: Record<unknown, unknown>): void {
    node.processed++;
    if (this.options.listener) this.options.listener({ type: "node-processed", taskId: this.id, node: node.def.name, total: node.processed });
    try {
      const def = node.def;
      if (def.kind === "source") {
        const children = node.children;
        for (let i = 0; i < children.length; i++) this.runNode(children[i]!, record);
      } else if (def.kind === "processor") {
        node.processor!.process(record);
      } else {
        this.write(node, def, record);
      }
    } catch (e) {
      throw this.wrapError(node, e);
    }
  }

  private write(node: RuntimeNode, def: SinkNodeDef, record: Record<unknown, unknown>): void {
    let topic: string;
    let kind: OutgoingRecord["kind"];
    if (node.sinkTopic !== undefined) {
      topic = node.sinkTopic.topic;
      kind = node.sinkTopic.kind;
    } else {
      const topicAsWritten = this.extractTopic(def, record);
      topic = this.options.topology.decorateTopic(this.options.applicationId, topicAsWritten);
      kind = this.options.topology.isInternalTopic(topicAsWritten) ? "repartition" : "output";
    }
    const keySerde = (def.keySerde ?? DEFAULT_SERDE) as Serde<unknown>;
    const valueSerde = (def.valueSerde ?? DEFAULT_SERDE) as Serde<unknown>;
    const k = record.key();
    let keyBytes: Uint8Array | null;
    let partitionKey: Uint8Array | null;
    let windowedKey: OutgoingRecord["windowedKey"] = undefined;
    if (k instanceof Windowed) {
      const w = k.window();
      windowedKey = {
        key: k.key(),
        window: { start: w.start(), end: w.end() },
        windowType: w instanceof SessionWindow ? "session" : w instanceof SlidingWindow ? "sliding" : "time",
      };
      if (keySerde.windowed && node.windowedInner === undefined) {
        // A windowed serde of its own making: its bytes are all that is known.
        keyBytes = keySerde.serialize(topic, k);
        partitionKey = keyBytes;
      } else {
        // The inner key is serialized once: it is the partition key (Kafka's WindowedStreamPartitioner
        // hashes the inner key for a windowed serde) and the head of the windowed key.
        partitionKey = (node.windowedInner ?? keySerde).serialize(topic, k.key());
        keyBytes = windowedKeyBytes(partitionKey, w);
      }
    } else {
      keyBytes = keySerde.serialize(topic, k);
      partitionKey = keyBytes;
    }
    const v = record.value();
    const valueBytes = def.changeValues || v instanceof Change ? changeSerdeOf(node, valueSerde).serialize(topic, v as Change<unknown>) : valueSerde.serialize(topic, v);
    let partition: number | undefined;
    if (def.partitioner) {
      const count = this.options.collector.partitionCount?.(topic);
      if (count !== undefined) {
        partition = (def.partitioner as (t: string, key: unknown, value: unknown, n: number) => number | undefined)(topic, k, v, count);
      }
    }
    // Every field present, optional ones undefined: one object shape for every record a collector sees.
    this.options.collector.send({
      topic,
      partition,
      key: keyBytes,
      value: valueBytes,
      timestamp: record.timestamp(),
      headers: record.headers().toArray(),
      partitionKey,
      windowedKey,
      kind,
      taskId: this.id,
      origin: def.name,
    });
  }

  private extractTopic(def: SinkNodeDef, record: Record<unknown, unknown>): string {
    const ex = def.extractor! as unknown as
      | ((key: unknown, value: unknown, ctx: RecordContext) => string)
      | { extract(key: unknown, value: unknown, ctx: RecordContext): string };
    const topic = typeof ex === "function" ? ex(record.key(), record.value(), this.context) : ex.extract(record.key(), record.value(), this.context);
    if (typeof topic !== "string" || topic.length === 0) throw new StreamsException(`Topic name extractor of sink ${def.name} returned no topic`);
    return topic;
  }

  /** @internal */
  forward(from: RuntimeNode, record: Record<unknown, unknown>, childName?: string): void {
    if (childName !== undefined) {
      const child = from.children.find((c) => c.def.name === childName);
      if (!child) throw new StreamsException(`Unknown downstream node: ${childName} either does not exist or is not connected to this processor.`);
      this.runNode(child, record);
      return;
    }
    const children = from.children;
    for (let i = 0; i < children.length; i++) this.runNode(children[i]!, record);
  }

  /** @internal */
  storeFor(node: RuntimeNode, name: string): StateStore {
    const global = this.options.globalStores?.get(name);
    if (global) return global;
    if (!node.stores.has(name)) {
      throw new StreamsException(
        `Processor ${node.def.name} has no access to StateStore ${name} as the store is not connected to the processor. If you add stores manually via '.addStateStore()' make sure to connect the added store to the processor by providing the processor name to '.addStateStore()' or connect them via '.connectProcessorAndStateStores()'. DSL users need to provide the store name to '.process()', '.transform()', or '.transformValues()' to connect the store to the corresponding operator, or they can provide a StoreBuilder by implementing the stores() method on the Supplier itself. If you do not add stores manually, please file a bug report at https://issues.apache.org/jira/projects/KAFKA.`,
      );
    }
    return this.stores.get(name)!;
  }

  /** @internal */
  recordContext(): RecordContext {
    return this.context;
  }

  /** @internal */
  setRecordContext(context: RecordContext): void {
    this.context = context;
  }

  /** @internal */
  appConfigs(): Readonly<globalThis.Record<string, unknown>> {
    return this.options.config ?? {};
  }

  /** @internal */
  applicationId(): string {
    return this.options.applicationId;
  }

  /** @internal */
  now(): number {
    return this.options.scheduler.clock.now();
  }

  /** @internal */
  emit(event: StreamsEvent): void {
    this.options.listener?.(event);
  }

  /** @internal */
  hasListener(): boolean {
    return this.options.listener !== undefined;
  }

  /** @internal */
  dropped(node: RuntimeNode, reason: DropReason, details?: { key?: unknown; timestamp?: number }): void {
    this.droppedRecords++;
    if (this.options.listener && reason !== "expired-window") {
      this.options.listener({ type: "record-dropped", taskId: this.id, node: node.def.name, reason, ...details });
    }
  }

  /** @internal */
  schedule(node: RuntimeNode, interval: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
    if (!(interval >= 1)) throw new StreamsException(`The minimum supported scheduling interval is 1 millisecond, got ${interval}`);
    if (type === PunctuationType.STREAM_TIME) {
      const s: Schedule = { node, time: 0, interval, punctuator, cancelled: false };
      this.streamSchedules.push(s);
      return { cancel: () => void (s.cancelled = true) };
    }
    const s: Schedule = { node, time: this.now() + interval, interval, punctuator, cancelled: false };
    this.wallSchedules.add(s);
    const arm = (): void => {
      s.cancelTimer = this.options.scheduler.at(s.time, () => {
        if (s.cancelled || this.closed) return;
        const now = this.now();
        this.punctuate(s, now, PunctuationType.WALL_CLOCK_TIME);
        if (!s.cancelled) {
          s.time = nextPunctuationTime(s, now);
          arm();
        }
      });
    };
    arm();
    return {
      cancel: () => {
        s.cancelled = true;
        s.cancelTimer?.();
        this.wallSchedules.delete(s);
      },
    };
  }

  private punctuate(s: Schedule, timestamp: number, type: PunctuationType): void {
    const saved = this.context;
    this.context = { topic: null, partition: -1, offset: -1, timestamp, headers: new Headers() };
    try {
      if (this.options.listener) this.emit({ type: "punctuation", taskId: this.id, node: s.node.def.name, punctuationType: type, timestamp });
      this.withNode(s.node, () => s.punctuator(timestamp));
    } finally {
      this.context = saved;
    }
  }

  /** Runs every stream-time punctuation due at the current stream time. */
  punctuateStreamTime(): boolean {
    if (this.streamTimeMs < 0) return false;
    let ran = false;
    const schedules = this.streamSchedules;
    for (;;) {
      // The earliest due schedule; among equal times the one scheduled first.
      let due: Schedule | undefined;
      for (let i = 0; i < schedules.length; i++) {
        const s = schedules[i]!;
        if (!s.cancelled && s.time <= this.streamTimeMs && (due === undefined || s.time < due.time)) due = s;
      }
      if (!due) break;
      this.punctuate(due, this.streamTimeMs, PunctuationType.STREAM_TIME);
      due.time = nextPunctuationTime(due, this.streamTimeMs);
      ran = true;
    }
    for (let i = schedules.length - 1; i >= 0; i--) if (schedules[i]!.cancelled) schedules.splice(i, 1);
    return ran;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.wallSchedules) s.cancelTimer?.();
    for (const node of this.nodes.values()) node.processor?.close?.();
    for (const store of this.stores.values()) store.close();
  }
}

/** The context each processor of a task gets. */
class NodeContext implements InternalProcessorContext<unknown, unknown> {
  constructor(
    private readonly task: StreamTask,
    private readonly node: RuntimeNode,
  ) {}

  applicationId(): string {
    return this.task.applicationId();
  }

  taskId(): string {
    return this.task.id;
  }

  appConfigs(): Readonly<globalThis.Record<string, unknown>> {
    return this.task.appConfigs();
  }

  forward(record: Record<unknown, unknown>, childName?: string): void {
    this.task.forward(this.node, record, childName);
  }

  getStateStore<S extends StateStore = StateStore>(name: string): S {
    return this.task.storeFor(this.node, name) as S;
  }

  schedule(intervalMs: number, type: PunctuationType, callback: Punctuator): Cancellable {
    return this.task.schedule(this.node, intervalMs, type, callback);
  }

  commit(): void {}

  recordMetadata(): RecordMetadata | undefined {
    const c = this.task.recordContext();
    if (c.topic === null) return undefined;
    const topic = c.topic;
    return { topic: () => topic, partition: () => c.partition, offset: () => c.offset };
  }

  recordContext(): RecordContext {
    return this.task.recordContext();
  }

  currentStreamTimeMs(): number {
    return this.task.streamTime();
  }

  currentSystemTimeMs(): number {
    return this.task.now();
  }

  nodeName(): string {
    return this.node.def.name;
  }

  emitEvent(event: StreamsEvent): void {
    this.task.emit(event);
  }

  hasListener(): boolean {
    return this.task.hasListener();
  }

  recordDropped(reason: DropReason, details?: { key?: unknown; timestamp?: number }): void {
    this.task.dropped(this.node, reason, details);
  }

  setRecordContext(context: RecordContext): void {
    this.task.setRecordContext(context);
  }

  config<T>(name: string, fallback: T): T {
    const v = this.task.appConfigs()[name];
    return v === undefined ? fallback : (v as T);
  }
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
