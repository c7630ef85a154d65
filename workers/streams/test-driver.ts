import type { RecordHeader } from "../log/record-batch";
import { VirtualClock } from "../runtime/clock";
import { VirtualScheduler } from "../runtime/scheduler";
import { IllegalArgumentException, StreamsException } from "./errors";
import { KeyValue, type KeyValueLike } from "./key-value";
import { Headers } from "./record";
import { DEFAULT_SERDE, type Deserializer, type Serde, type Serializer } from "./serdes";
import type { StreamsEventListener } from "./processor/events";
import type { OutgoingRecord, RecordCollector } from "./processor/record-collector";
import { StreamTask } from "./processor/stream-task";
import type { KeyValueStore } from "./state/key-value-store";
import type { SessionStore } from "./state/session-store";
import { KeyValueIterator, ValueAndTimestamp, type StateStore } from "./state/state-store";
import type { WindowStore } from "./state/window-store";
import type { Topology } from "./topology";
import { SessionWindow, SlidingWindow, TimeWindow, Windowed } from "./windowed";

export interface TopologyTestDriverOptions {
  /** `application.id`: prefixes repartition and changelog topics. */
  applicationId?: string;
  /** Engine clock start (ms): wall-clock punctuations and `currentSystemTimeMs()`. */
  startTime?: number;
  /** Streams config, including Kafka's internal `__…__` settings. */
  config?: Record<string, unknown>;
  /** Receives the UI events of every task. */
  listener?: StreamsEventListener;
}

/** A record read back from an output topic, with its window when the key is windowed. */
export interface TestRecord<K, V> {
  key: K;
  value: V;
  timestamp: number;
  headers: RecordHeader[];
  /** The window of a windowed key, as the runner prints it. */
  window?: { start: number; end: number };
}

interface QueuedRecord {
  topic: string;
  offset: number;
  seq: number;
  timestamp: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: RecordHeader[];
}

/**
 * Runs a topology without a broker, like Kafka's `TopologyTestDriver`: pipe records into
 * input topics, read what sinks wrote from output topics, inspect state stores, move the
 * engine clock for wall-clock punctuations. Every sub-topology runs as one task for
 * partition 0; records written to topics the topology reads (repartition topics, or any
 * source topic) are fed back in before `pipeInput` returns, oldest timestamp first.
 */
export class TopologyTestDriver {
  readonly applicationId: string;
  private readonly scheduler: VirtualScheduler;
  private readonly tasks: StreamTask[] = [];
  private readonly globalTasks: StreamTask[] = [];
  private readonly taskByTopic = new Map<string, StreamTask>();
  private readonly globalStores = new Map<string, StateStore>();
  private readonly outputs = new Map<string, OutgoingRecord[]>();
  private readonly readPositions = new Map<string, number>();
  private readonly offsets = new Map<string, number>();
  private readonly pending: QueuedRecord[] = [];
  private seq = 0;
  private draining = false;
  private closed = false;

  constructor(
    private readonly topology: Topology,
    options: TopologyTestDriverOptions = {},
  ) {
    this.applicationId = options.applicationId ?? "topology-test-driver";
    this.scheduler = new VirtualScheduler(new VirtualClock(options.startTime ?? 0));
    const collector: RecordCollector = {
      send: (record) => this.collect(record),
      partitionCount: () => 1,
    };
    const common = {
      topology,
      partition: 0,
      applicationId: this.applicationId,
      collector,
      scheduler: this.scheduler,
      config: options.config ?? {},
      listener: options.listener,
    };
    for (const g of topology.nodeGroups()) {
      if (!g.global) continue;
      const task = new StreamTask({ ...common, groupId: g.id, global: true });
      for (const name of task.storeNames()) this.globalStores.set(name, task.getStore(name)!);
      this.globalTasks.push(task);
      for (const t of task.inputTopics()) this.taskByTopic.set(t, task);
    }
    for (const sub of topology.subtopologies()) {
      const task = new StreamTask({ ...common, groupId: sub.id, globalStores: this.globalStores });
      this.tasks.push(task);
      for (const t of task.inputTopics()) this.taskByTopic.set(t, task);
    }
    for (const task of [...this.globalTasks, ...this.tasks]) task.init();
    this.drain();
  }

  private collect(record: OutgoingRecord): void {
    let list = this.outputs.get(record.topic);
    if (!list) {
      list = [];
      this.outputs.set(record.topic, list);
    }
    list.push(record);
    if (record.kind !== "changelog" && this.taskByTopic.has(record.topic)) {
      this.pending.push({
        topic: record.topic,
        offset: this.nextOffset(record.topic),
        seq: this.seq++,
        timestamp: record.timestamp,
        key: record.key,
        value: record.value,
        headers: record.headers,
      });
    }
  }

  private nextOffset(topic: string): number {
    const o = this.offsets.get(topic) ?? 0;
    this.offsets.set(topic, o + 1);
    return o;
  }

  /** Processes queued records, always the one with the smallest timestamp first (Kafka's partition-group choice). */
  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.pending.length > 0) {
        let best = 0;
        for (let i = 1; i < this.pending.length; i++) {
          const a = this.pending[i]!;
          const b = this.pending[best]!;
          if (a.timestamp < b.timestamp || (a.timestamp === b.timestamp && a.seq < b.seq)) best = i;
        }
        const r = this.pending.splice(best, 1)[0]!;
        this.taskByTopic.get(r.topic)!.process({
          topic: r.topic,
          partition: 0,
          offset: r.offset,
          timestamp: r.timestamp,
          key: r.key,
          value: r.value,
          headers: r.headers,
        });
      }
    } catch (e) {
      this.pending.length = 0;
      throw e;
    } finally {
      this.draining = false;
    }
  }

  /** @internal Pipes one serialized record into a topic the topology reads. */
  pipe(topic: string, key: Uint8Array | null, value: Uint8Array | null, timestamp: number, headers: RecordHeader[]): void {
    if (this.closed) throw new StreamsException("the test driver is closed");
    if (!this.taskByTopic.has(topic)) throw new IllegalArgumentException(`Unknown topic: ${topic}`);
    this.pending.push({ topic, offset: this.nextOffset(topic), seq: this.seq++, timestamp, key, value, headers });
    this.drain();
  }

  /** Now on the engine clock. */
  now(): number {
    return this.scheduler.clock.now();
  }

  createInputTopic<K = unknown, V = unknown>(
    topic: string,
    keySerde?: Serializer<K>,
    valueSerde?: Serializer<V>,
    options: { startTimestamp?: number; autoAdvanceMs?: number } = {},
  ): TestInputTopic<K, V> {
    if (!this.taskByTopic.has(topic)) throw new IllegalArgumentException(`Unknown topic: ${topic}`);
    return new TestInputTopic<K, V>(
      this,
      topic,
      keySerde ?? (DEFAULT_SERDE as Serializer<K>),
      valueSerde ?? (DEFAULT_SERDE as Serializer<V>),
      options.startTimestamp ?? this.now(),
      options.autoAdvanceMs ?? 0,
    );
  }

  /** An output topic; repartition and changelog topics are named with the application-id prefix. */
  createOutputTopic<K = unknown, V = unknown>(topic: string, keySerde?: Deserializer<K>, valueSerde?: Deserializer<V>): TestOutputTopic<K, V> {
    return new TestOutputTopic<K, V>(this, topic, keySerde, valueSerde);
  }

  /** @internal */
  takeRecords(topic: string, max: number): OutgoingRecord[] {
    const list = this.outputs.get(topic) ?? [];
    const pos = this.readPositions.get(topic) ?? 0;
    const out = list.slice(pos, pos + max);
    this.readPositions.set(topic, pos + out.length);
    return out;
  }

  /** @internal */
  queueSize(topic: string): number {
    return (this.outputs.get(topic)?.length ?? 0) - (this.readPositions.get(topic) ?? 0);
  }

  /** Every topic something was written to, internal ones included. */
  producedTopicNames(): Set<string> {
    return new Set(this.outputs.keys());
  }

  /** Moves the engine clock, running wall-clock punctuations that fall due. */
  advanceWallClockTime(ms: number): void {
    if (!(ms >= 0)) throw new IllegalArgumentException(`advance must not be negative, got ${ms}`);
    this.scheduler.advance(ms);
    this.drain();
  }

  private findStore(name: string): StateStore | undefined {
    const global = this.globalStores.get(name);
    if (global) return global;
    for (const t of this.tasks) {
      const s = t.getStore(name);
      if (s) return s;
    }
    return undefined;
  }

  getStateStore<S extends StateStore = StateStore>(name: string): S | undefined {
    return this.findStore(name) as S | undefined;
  }

  getAllStateStores(): Map<string, StateStore> {
    const out = new Map<string, StateStore>(this.globalStores);
    for (const t of this.tasks) for (const n of t.storeNames()) out.set(n, t.getStore(n)!);
    return out;
  }

  /** A key-value store; a timestamped store's values are shown without their timestamps, as Kafka's driver does. */
  getKeyValueStore<K = unknown, V = unknown>(name: string): KeyValueStore<K, V> | undefined {
    const store = this.findStore(name) as KeyValueStore<K, unknown> | undefined;
    if (!store || typeof (store as Partial<KeyValueStore<K, unknown>>).approximateNumEntries !== "function") return undefined;
    return plainValues(store);
  }

  getTimestampedKeyValueStore<K = unknown, V = unknown>(name: string): KeyValueStore<K, ValueAndTimestamp<V>> | undefined {
    const store = this.findStore(name) as KeyValueStore<K, ValueAndTimestamp<V>> | undefined;
    return store && typeof store.approximateNumEntries === "function" ? store : undefined;
  }

  getWindowStore<K = unknown, V = unknown>(name: string): WindowStore<K, ValueAndTimestamp<V>> | undefined {
    const store = this.findStore(name) as WindowStore<K, ValueAndTimestamp<V>> | undefined;
    return store && typeof store.fetchAll === "function" ? store : undefined;
  }

  getSessionStore<K = unknown, V = unknown>(name: string): SessionStore<K, V> | undefined {
    const store = this.findStore(name) as SessionStore<K, V> | undefined;
    return store && typeof store.findSessions === "function" ? store : undefined;
  }

  /** Records dropped by all tasks (late, null keys...): Kafka's dropped-records metric. */
  droppedRecordsTotal(): number {
    return [...this.tasks, ...this.globalTasks].reduce((n, t) => n + t.droppedRecordsTotal(), 0);
  }

  /** Records handled per node, summed over tasks. */
  processedCounts(): Map<string, number> {
    const out = new Map<string, number>();
    for (const t of [...this.globalTasks, ...this.tasks]) for (const [n, c] of t.processedCounts()) out.set(n, (out.get(n) ?? 0) + c);
    return out;
  }

  /** The task (sub-topology) stream times. */
  streamTimes(): Map<string, number> {
    return new Map(this.tasks.map((t) => [t.id, t.streamTime()]));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of [...this.tasks, ...this.globalTasks]) t.close();
  }
}

function plainValues<K, V>(store: KeyValueStore<K, unknown>): KeyValueStore<K, V> {
  const strip = (v: unknown): V | null => (v instanceof ValueAndTimestamp ? (v.value() as V) : (v as V | null));
  const iter = (it: KeyValueIterator<K, unknown>) => new KeyValueIterator(it.toArray().map((e) => new KeyValue(e.key, strip(e.value) as V)));
  return {
    name: () => store.name(),
    persistent: () => store.persistent(),
    init: (c) => store.init(c),
    close: () => store.close(),
    isOpen: () => store.isOpen(),
    get: (k) => strip(store.get(k)),
    put: (k, v) => store.put(k, v),
    putIfAbsent: (k, v) => strip(store.putIfAbsent(k, v)),
    putAll: (entries) => store.putAll(entries),
    delete: (k) => strip(store.delete(k)),
    range: (a, b) => iter(store.range(a, b)),
    reverseRange: (a, b) => iter(store.reverseRange(a, b)),
    all: () => iter(store.all()),
    reverseAll: () => iter(store.reverseAll()),
    prefixScan: (p, s) => iter(store.prefixScan(p, s)),
    approximateNumEntries: () => store.approximateNumEntries(),
  };
}

/** Writes records into an input topic of a {@link TopologyTestDriver} (Kafka's `TestInputTopic`). */
export class TestInputTopic<K, V> {
  private currentTime: number;

  /** @internal */
  constructor(
    private readonly driver: TopologyTestDriver,
    private readonly topic: string,
    private readonly keySerializer: Serializer<K>,
    private readonly valueSerializer: Serializer<V>,
    startTimestamp: number,
    private readonly autoAdvanceMs: number,
  ) {
    this.currentTime = startTimestamp;
  }

  /** Moves this topic's default record time forward. */
  advanceTime(ms: number): void {
    if (!(ms >= 0)) throw new IllegalArgumentException("advance must be positive");
    this.currentTime += ms;
  }

  /** `pipeInput(value)` (null key), or `pipeInput(key, value, timestamp?, headers?)`. */
  pipeInput(value: V): void;
  pipeInput(key: K, value: V, timestamp?: number, headers?: Headers | RecordHeader[]): void;
  pipeInput(...args: unknown[]): void {
    if (args.length === 1) {
      this.pipeRecord({ key: null as K, value: args[0] as V });
      return;
    }
    const [key, value, timestamp, headers] = args as [K, V, number | undefined, Headers | RecordHeader[] | undefined];
    this.pipeRecord({
      key,
      value,
      ...(timestamp !== undefined ? { timestamp } : {}),
      ...(headers !== undefined ? { headers } : {}),
    });
  }

  pipeRecord(record: { key: K; value: V; timestamp?: number; headers?: Headers | RecordHeader[] }): void {
    let timestamp = record.timestamp;
    if (timestamp === undefined) {
      timestamp = this.currentTime;
      this.currentTime += this.autoAdvanceMs;
    }
    const headers = record.headers instanceof Headers ? record.headers.toArray() : (record.headers ?? []);
    this.driver.pipe(
      this.topic,
      record.key === null || record.key === undefined ? null : this.keySerializer.serialize(this.topic, record.key),
      record.value === null || record.value === undefined ? null : this.valueSerializer.serialize(this.topic, record.value),
      timestamp,
      headers,
    );
  }

  pipeKeyValueList(list: ReadonlyArray<KeyValueLike<K, V>>, startTimestamp?: number, advanceMs = 0): void {
    let ts = startTimestamp;
    for (const kv of list) {
      this.pipeRecord({ key: kv.key, value: kv.value, ...(ts !== undefined ? { timestamp: ts } : {}) });
      if (ts !== undefined) ts += advanceMs;
    }
  }

  pipeValueList(values: ReadonlyArray<V>, startTimestamp?: number, advanceMs = 0): void {
    this.pipeKeyValueList(
      values.map((v) => ({ key: null as K, value: v })),
      startTimestamp,
      advanceMs,
    );
  }
}

/** Reads what the topology wrote to a topic (Kafka's `TestOutputTopic`); each record is read once. */
export class TestOutputTopic<K, V> {
  /** @internal */
  constructor(
    private readonly driver: TopologyTestDriver,
    private readonly topic: string,
    private readonly keyDeserializer: Deserializer<K> | undefined,
    private readonly valueDeserializer: Deserializer<V> | undefined,
  ) {}

  private decode(r: OutgoingRecord): TestRecord<K, V> {
    const value = (this.valueDeserializer ?? (DEFAULT_SERDE as Serde<V>)).deserialize(this.topic, r.value);
    let key: K;
    if (this.keyDeserializer) {
      key = this.keyDeserializer.deserialize(this.topic, r.key);
    } else if (r.windowedKey) {
      const inner = DEFAULT_SERDE.deserialize(this.topic, r.partitionKey);
      const { start, end } = r.windowedKey.window;
      const w = r.windowedKey.windowType === "session" ? new SessionWindow(start, end) : r.windowedKey.windowType === "sliding" ? new SlidingWindow(start, end) : new TimeWindow(start, end);
      key = new Windowed(inner, w) as K;
    } else {
      key = DEFAULT_SERDE.deserialize(this.topic, r.key) as K;
    }
    return {
      key,
      value,
      timestamp: r.timestamp,
      headers: r.headers,
      ...(r.windowedKey ? { window: { ...r.windowedKey.window } } : {}),
    };
  }

  private take(): OutgoingRecord {
    const [r] = this.driver.takeRecords(this.topic, 1);
    if (!r) throw new StreamsException(`Empty topic: ${this.topic}`);
    return r;
  }

  readRecord(): TestRecord<K, V> {
    return this.decode(this.take());
  }

  readValue(): V {
    return this.readRecord().value;
  }

  readKeyValue(): KeyValue<K, V> {
    const r = this.readRecord();
    return new KeyValue(r.key, r.value);
  }

  readRecordsToList(): Array<TestRecord<K, V>> {
    return this.driver.takeRecords(this.topic, Number.MAX_SAFE_INTEGER).map((r) => this.decode(r));
  }

  readValuesToList(): V[] {
    return this.readRecordsToList().map((r) => r.value);
  }

  readKeyValuesToList(): Array<KeyValue<K, V>> {
    return this.readRecordsToList().map((r) => new KeyValue(r.key, r.value));
  }

  /** Latest value per key (by JSON identity of the key); a null value removes the key. */
  readKeyValuesToMap(): Map<K, V> {
    const byId = new Map<string, [K, V]>();
    for (const r of this.readRecordsToList()) {
      const id = JSON.stringify(r.key);
      if (r.value === null) byId.delete(id);
      else byId.set(id, [r.key, r.value]);
    }
    return new Map([...byId.values()]);
  }

  getQueueSize(): number {
    return this.driver.queueSize(this.topic);
  }

  isEmpty(): boolean {
    return this.getQueueSize() === 0;
  }
}
