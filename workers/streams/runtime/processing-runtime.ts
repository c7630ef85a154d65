/**
 * The processing half of a stream application (streams-runtime design, part 2): it holds
 * the user's topology and runs its tasks on the records the host sends, answering with
 * what the tasks wrote. It never talks to the broker. The same module runs inside the
 * application's worker (Node worker_threads or a module Web Worker, see
 * processing-worker-entry.ts) and, for tests and benchmarks, in the host's own thread.
 */
import { VirtualClock } from "../../runtime/clock";
import { VirtualScheduler } from "../../runtime/scheduler";
import { resolvePartitionCounts, taskCounts } from "../copartition";
import { StreamsException, TopologyException } from "../errors";
import * as dsl from "../index";
import type { StreamsEvent } from "../processor/events";
import type { OutgoingRecord, RecordCollector } from "../processor/record-collector";
import { StreamTask, type InputRecord } from "../processor/stream-task";
import type { StateStore } from "../state/state-store";
import { StreamsBuilder } from "../streams-builder";
import { changelogTopicName, type Topology } from "../topology";
import { compileTopology } from "../user-code/compile";
import type { CompiledTopology } from "../user-code/compiled-topology";
import { errorsOf, formatDiagnostic } from "../user-code/diagnostic";
import type { LibFiles } from "../user-code/lib-files";
import { TopologyLoadError, loadTopologyFactory, type TopologyFactory } from "../user-code/load";
import { mapStack, messageOf } from "../user-code/map-stack";
import {
  globalTaskId,
  parseTaskId,
  type AssignReply,
  type AssignRequest,
  type ChangelogPlan,
  type InitReply,
  type InitRequest,
  type NodePlan,
  type ProcessReply,
  type ProcessRequest,
  type ProcessingFailure,
  type RestoreReply,
  type RestoreRequest,
  type RuntimeReply,
  type RuntimeRequest,
  type TopologyInfo,
  type WatchedRecord,
  type WireOutputRecord,
  WATCHED_PER_NODE,
} from "./protocol";
import { OutputPacker, unpackBatches } from "./wire-codec";

export interface Progress {
  /** The runtime is at record `index` of the request (counted across its batches). */
  mark(index: number): void;
}

export interface ProcessingRuntimeOptions {
  /** The ES2022 lib texts the compiler checks against (nodeLibFiles or browserLibFiles). */
  libs?: () => LibFiles;
  /**
   * Builds the topology instead of compiling `source`: for tests and benchmarks that run
   * in the host's thread with a topology written in the test itself.
   */
  factory?: TopologyFactory;
  /** Most events kept per reply; the rest are counted as dropped. */
  maxEventsPerReply?: number;
}

const NO_PROGRESS: Progress = { mark() {} };

/** Kafka's default: a window store's changelog keeps data one day longer than the store. */
const ADDITIONAL_RETENTION_MS = 86_400_000;

/** Where a deserialization failure can be told from other failures: StreamTask's wording, as Kafka's. */
const DESERIALIZATION_FAILURE = "Deserialization exception handler is set to fail";

interface App {
  applicationId: string;
  topology: Topology;
  compiled: CompiledTopology | undefined;
  config: Readonly<Record<string, unknown>>;
  /** Tasks by id, global ones first so their stores exist when the others are built. */
  tasks: Map<string, StreamTask>;
  globalStores: Map<string, StateStore>;
  partitionCounts: Map<string, number>;
  topicPartitions: Record<string, number>;
  info: TopologyInfo;
}

/** Makes a value safe to post and small to show: JSON-like data, class instances by their own shape. */
export function plainValue(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value ?? null;
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
      return value;
    case "bigint":
      return value.toString();
    case "function":
    case "symbol":
      return String(value);
  }
  if (depth > 4) return "…";
  if (value instanceof dsl.Windowed) {
    const w = value.window();
    return { key: plainValue(value.key(), depth + 1), window: { start: w.start(), end: w.end() } };
  }
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => plainValue(v, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    const text = String(value);
    return text === "[object Object]" ? plainObject(value as Record<string, unknown>, depth) : text;
  }
  return plainObject(value as Record<string, unknown>, depth);
}

/** A key or value as one short line of text, for a watched node's records. */
export function shortText(value: unknown, max = 80): string | null {
  if (value === null || value === undefined) return null;
  const plain = plainValue(value);
  const text = typeof plain === "string" ? plain : JSON.stringify(plain);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function plainObject(value: Record<string, unknown>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const [k, v] of Object.entries(value)) {
    if (n++ >= 50) break;
    Object.defineProperty(out, k, { value: plainValue(v, depth + 1), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function rootCause(error: unknown): unknown {
  let e = error;
  for (let i = 0; i < 8 && e instanceof Error && e.cause !== undefined && e.cause !== null; i++) e = e.cause;
  return e;
}

export class ProcessingRuntime {
  private app: App | undefined;
  private scheduler = new VirtualScheduler(new VirtualClock(0));
  private outputs: WireOutputRecord[] = [];
  /** Set while a request that wants its outputs packed is processed. */
  private packer: OutputPacker | undefined;
  private events: StreamsEvent[] = [];
  private eventsDropped = 0;
  private readonly processedByNode = new Map<string, { taskId: string; node: string; total: number }>();
  private listening = false;
  private skipped = 0;
  private readonly maxEvents: number;
  /** Processors the workbench watches, in every task that has them. */
  private watchedNodes: ReadonlySet<string> = new Set();
  /** Their newest records since the last reply, per node, oldest first. */
  private watchedRecords = new Map<string, WatchedRecord[]>();

  constructor(private readonly options: ProcessingRuntimeOptions = {}) {
    this.maxEvents = options.maxEventsPerReply ?? 2000;
  }

  /** Answers one request; `progress` lets a watchdog that ends a runaway request name its record. */
  handle(request: RuntimeRequest, progress: Progress = NO_PROGRESS): RuntimeReply {
    switch (request.type) {
      case "init":
        return this.init(request);
      case "assign":
        return this.assign(request);
      case "restore":
        return this.restore(request);
      case "process":
        try {
          return this.process(request, progress);
        } finally {
          this.packer = undefined;
        }
      case "close":
        this.close();
        return { closed: true };
    }
  }

  // ---- init ----

  private init(request: InitRequest): InitReply {
    if (this.app) throw new StreamsException(`${request.applicationId}: the runtime already holds application ${this.app.applicationId}`);
    const { applicationId } = request;
    let compiled: CompiledTopology | undefined;
    let factory = this.options.factory;
    if (!factory) {
      if (!this.options.libs) throw new StreamsException(`${applicationId}: this runtime cannot compile topologies (no lib files given)`);
      compiled = compileTopology(applicationId, request.source, this.options.libs());
      const errors = errorsOf(compiled.diagnostics);
      if (errors.length > 0) return { ok: false, kind: "compile", diagnostics: errors.map(formatDiagnostic) };
      try {
        factory = loadTopologyFactory(compiled, dsl);
      } catch (e) {
        return this.loadFailure(applicationId, e, compiled);
      }
    }
    let topology: Topology;
    try {
      const builder = new StreamsBuilder();
      factory(builder);
      topology = builder.build();
    } catch (e) {
      return this.loadFailure(applicationId, e, compiled);
    }
    let partitionCounts: Map<string, number>;
    try {
      partitionCounts = resolvePartitionCounts(topology, (t) => request.topicPartitions[t]);
    } catch (e) {
      if (e instanceof TopologyException) return { ok: false, kind: "topology", message: e.message };
      throw e;
    }
    this.scheduler = new VirtualScheduler(new VirtualClock(request.now));
    this.listening = request.events;
    const info = planOf(applicationId, topology, partitionCounts, request.config);
    this.app = {
      applicationId,
      topology,
      compiled,
      config: request.config,
      tasks: new Map(),
      globalStores: new Map(),
      partitionCounts,
      topicPartitions: { ...request.topicPartitions },
      info,
    };
    return { ok: true, info };
  }

  private loadFailure(applicationId: string, e: unknown, compiled: CompiledTopology | undefined): InitReply {
    if (e instanceof TopologyLoadError) {
      const stack = e.mapped?.stack;
      return { ok: false, kind: "load", message: e.message, ...(stack !== undefined ? { stack } : {}) };
    }
    if (compiled) {
      const mapped = mapStack(e, compiled.sourceMap);
      const top = mapped.frames[0];
      const where = top ? `:${top.line}:${top.column}` : "";
      return { ok: false, kind: "load", message: `${applicationId}${where}: ${mapped.message}`, stack: mapped.stack };
    }
    return { ok: false, kind: "load", message: `${applicationId}: ${messageOf(e)}` };
  }

  // ---- tasks ----

  private requireApp(): App {
    if (!this.app) throw new StreamsException("no topology loaded: send init first");
    return this.app;
  }

  private assign(request: AssignRequest): AssignReply {
    const app = this.requireApp();
    app.topicPartitions = { ...request.topicPartitions };
    this.moveClock(request.now);
    const wanted = new Set(request.tasks);
    for (const [id, task] of app.tasks) {
      if (wanted.has(id)) continue;
      task.close();
      app.tasks.delete(id);
      if (parseTaskId(id).partition === "global") for (const s of task.storeNames()) app.globalStores.delete(s);
    }
    const collector: RecordCollector = {
      send: (record) => this.collect(record),
      partitionCount: (topic) => app.topicPartitions[topic] ?? app.partitionCounts.get(topic),
    };
    const created: StreamTask[] = [];
    // Global tasks first: the other tasks find their stores through globalStores.
    const ordered = [...wanted].sort((a, b) => Number(parseTaskId(b).partition === "global") - Number(parseTaskId(a).partition === "global"));
    for (const id of ordered) {
      if (app.tasks.has(id)) continue;
      const { group, partition } = parseTaskId(id);
      const global = partition === "global";
      const task = new StreamTask({
        topology: app.topology,
        groupId: group,
        partition: global ? 0 : partition,
        applicationId: app.applicationId,
        collector,
        scheduler: this.scheduler,
        config: app.config,
        listener: this.listening ? (e) => this.onEvent(e, id) : undefined,
        globalStores: app.globalStores,
        ...(global ? { global: true } : {}),
      });
      if (global) for (const s of task.storeNames()) app.globalStores.set(s, task.getStore(s)!);
      for (const node of this.watchedNodes) this.watchIn(task, node);
      app.tasks.set(id, task);
      created.push(task);
    }
    const restore: Array<{ taskId: string; store: string; topic: string; partition: number }> = [];
    for (const task of created) {
      const { partition } = parseTaskId(task.id);
      if (partition === "global") continue;
      for (const store of task.storeNames()) {
        const plan = app.info.changelogs.find((c) => c.store === store);
        if (plan) restore.push({ taskId: task.id, store, topic: plan.topic, partition });
      }
    }
    return { restore };
  }

  private restore(request: RestoreRequest): RestoreReply {
    const app = this.requireApp();
    const task = app.tasks.get(request.taskId);
    if (!task) throw new StreamsException(`restore: task ${request.taskId} is not assigned`);
    const store = task.getStore(request.store);
    if (!store) throw new StreamsException(`restore: task ${request.taskId} has no store ${request.store}`);
    if (!store.restore) return { restored: 0 };
    for (const r of request.records) {
      if (r.key === null) continue;
      store.restore(r.key, r.value, r.timestamp);
    }
    return { restored: request.records.length };
  }

  // ---- processing ----

  private collect(record: OutgoingRecord): void {
    const w = record.windowedKey;
    if (this.packer) {
      // Straight into the reply's buffer: no object per output.
      this.packer.add(record, w ? { start: w.window.start, end: w.window.end, type: w.windowType } : undefined);
      return;
    }
    // One object shape for every record: this runs once per output.
    this.outputs.push({
      topic: record.topic,
      partition: record.partition,
      key: record.key,
      value: record.value,
      timestamp: record.timestamp,
      headers: record.headers,
      partitionKey: record.partitionKey,
      kind: record.kind,
      taskId: record.taskId,
      window: w ? { start: w.window.start, end: w.window.end, type: w.windowType } : undefined,
    });
  }

  private onEvent(event: StreamsEvent, taskId: string): void {
    if (event.type === "node-processed") {
      // One per node per reply: the view needs the running total, not every increment.
      this.processedByNode.set(`${taskId}\u0000${event.node}`, { taskId, node: event.node, total: event.total });
      return;
    }
    if (this.events.length >= this.maxEvents) {
      this.eventsDropped++;
      return;
    }
    this.events.push(sanitizeEvent(event));
  }

  /** Watches exactly `nodes` from now on, in every task. */
  private watch(app: App, nodes: readonly string[]): void {
    const next = new Set(nodes);
    for (const task of app.tasks.values()) {
      for (const node of this.watchedNodes) if (!next.has(node)) task.watchNode(node, undefined);
      for (const node of next) if (!this.watchedNodes.has(node)) this.watchIn(task, node);
    }
    for (const node of this.watchedRecords.keys()) if (!next.has(node)) this.watchedRecords.delete(node);
    this.watchedNodes = next;
  }

  private watchIn(task: StreamTask, node: string): void {
    const taskId = task.id;
    task.watchNode(node, (record, context, forwarded) => {
      let list = this.watchedRecords.get(node);
      if (!list) this.watchedRecords.set(node, (list = []));
      if (list.length >= WATCHED_PER_NODE) list.shift();
      list.push({
        taskId,
        node,
        key: shortText(record.key()),
        value: shortText(record.value()),
        timestamp: record.timestamp(),
        topic: context.topic,
        partition: context.partition,
        offset: context.offset,
        forwarded,
      });
    });
  }

  /** Moves the engine clock, running wall-clock punctuations that fall due. */
  private moveClock(now: number): void {
    const current = this.scheduler.clock.now();
    if (now > current) this.scheduler.advance(now - current);
  }

  private process(request: ProcessRequest, progress: Progress): ProcessReply {
    const app = this.requireApp();
    this.outputs = [];
    this.events = [];
    this.eventsDropped = 0;
    this.skipped = 0;
    this.processedByNode.clear();
    if (request.watch) this.watch(app, request.watch);
    this.packer = request.packOutputs ? new OutputPacker() : undefined;
    const batches = request.packed ? unpackBatches(request.packed) : request.batches;
    const done: number[] = batches.map(() => 0);
    let failure: ProcessingFailure | undefined;
    try {
      this.moveClock(request.now);
      // Processors start once their stores are restored (Kafka initializes the topology
      // when restoration completes): the first request after an assignment does it.
      for (const task of app.tasks.values()) task.init();
    } catch (e) {
      failure = this.failureOf(e, { taskId: "", topic: null, partition: -1, offset: -1 });
    }
    const continueOnDeserialization = app.config["deserialization.exception.handler"] === "logAndContinue";
    const continueOnProcessing = app.config["processing.exception.handler"] === "logAndContinue";
    let index = 0;
    for (let b = 0; b < batches.length && !failure; b++) {
      const batch = batches[b]!;
      const task = app.tasks.get(batch.taskId);
      if (!task) throw new StreamsException(`process: task ${batch.taskId} is not assigned`);
      const records = batch.records;
      let i = 0;
      for (; i < records.length; i++, index++) {
        progress.mark(index);
        const r = records[i]!;
        try {
          task.process(r as InputRecord);
        } catch (e) {
          const deserialization = e instanceof StreamsException && e.message.startsWith(DESERIALIZATION_FAILURE);
          if ((deserialization && continueOnDeserialization) || (!deserialization && continueOnProcessing)) {
            this.skipped++;
            if (this.listening) {
              this.onEvent({ type: "record-dropped", taskId: task.id, node: "", reason: deserialization ? "deserialization-error" : "processing-error", timestamp: r.timestamp }, task.id);
            }
            continue;
          }
          failure = this.failureOf(e, { taskId: task.id, topic: r.topic, partition: r.partition, offset: r.offset });
          break;
        }
      }
      done[b] = i;
    }
    const streamTimes: Record<string, number> = {};
    let dropped = 0;
    for (const [id, t] of app.tasks) {
      streamTimes[id] = t.streamTime();
      dropped += t.droppedRecordsTotal();
    }
    for (const p of this.processedByNode.values()) {
      if (this.events.length >= this.maxEvents) break;
      this.events.push({ type: "node-processed", taskId: p.taskId, node: p.node, total: p.total });
    }
    const packed = this.packer?.finish();
    let watched: WatchedRecord[] | undefined;
    if (this.watchedRecords.size > 0) {
      watched = [...this.watchedRecords.values()].flat();
      this.watchedRecords = new Map();
    }
    const reply: ProcessReply = {
      outputs: packed ? [] : this.outputs,
      ...(packed ? { packedOutputs: packed } : {}),
      done,
      skipped: this.skipped,
      dropped,
      events: this.events,
      eventsDropped: this.eventsDropped,
      nextWallClockDue: this.scheduler.nextDue() ?? null,
      streamTimes,
      ...(watched ? { watched } : {}),
      ...(failure ? { failure } : {}),
    };
    this.outputs = [];
    this.events = [];
    return reply;
  }

  private failureOf(error: unknown, at: { taskId: string; topic: string | null; partition: number; offset: number }): ProcessingFailure {
    const origin = error instanceof StreamsException ? error.origin : undefined;
    const where = origin ? { taskId: origin.taskId, topic: origin.topic, partition: origin.partition, offset: origin.offset } : at;
    const compiled = this.app?.compiled;
    const cause = rootCause(error);
    if (compiled) {
      const mapped = mapStack(error, compiled.sourceMap);
      const top = mapped.frames[0];
      return {
        ...where,
        message: messageOf(cause),
        streamsMessage: messageOf(error),
        stack: mapped.stack,
        ...(top ? { line: top.line, column: top.column } : {}),
      };
    }
    return { ...where, message: messageOf(cause), streamsMessage: messageOf(error), stack: error instanceof Error ? (error.stack ?? messageOf(error)) : messageOf(error) };
  }

  close(): void {
    if (!this.app) return;
    for (const t of this.app.tasks.values()) t.close();
    this.app.tasks.clear();
    this.app = undefined;
  }

  // ---- for tests in the host's thread ----

  /** The store of a task (tests and benchmarks only; across a worker the host never sees stores). */
  store<S extends StateStore = StateStore>(taskId: string, name: string): S | undefined {
    return this.app?.tasks.get(taskId)?.getStore<S>(name);
  }
}

function sanitizeEvent(event: StreamsEvent): StreamsEvent {
  switch (event.type) {
    case "window-update":
    case "window-closed":
    case "suppress-emitted":
      return { ...event, key: plainValue(event.key), value: plainValue(event.value) };
    case "store-update":
      return { ...event, key: plainValue(event.key), value: plainValue(event.value) };
    case "late-record-dropped":
    case "session-merged":
      return { ...event, key: plainValue(event.key) };
    case "record-dropped":
      return event.key === undefined ? event : { ...event, key: plainValue(event.key) };
    default:
      return event;
  }
}

/** The host's view of the topology: broker topic names, partition counts, internal topics and their configs. */
function planOf(applicationId: string, topology: Topology, counts: Map<string, number>, config: Readonly<Record<string, unknown>>): TopologyInfo {
  const decorate = (t: string) => topology.decorateTopic(applicationId, t);
  const tasks = taskCounts(topology, counts);
  const subtopologies = topology.subtopologies().map((s) => ({
    id: s.id,
    sourceTopics: s.sourceTopics.map(decorate),
    repartitionSourceTopics: s.repartitionSourceTopics.map(decorate),
    sinkTopics: s.sinkTopics.map(decorate),
    stores: [...s.stores],
    tasks: tasks.get(s.id) ?? 0,
  }));
  const additional = Number(config["windowstore.changelog.additional.retention.ms"] ?? ADDITIONAL_RETENTION_MS);
  const changelogs: ChangelogPlan[] = [];
  for (const { name, builder } of topology.stores()) {
    if (!builder.loggingEnabled()) continue;
    const sub = subtopologies.find((s) => s.stores.includes(name));
    if (!sub) continue;
    const windowed = builder.kind === "window" || builder.kind === "timestampedWindow" || builder.kind === "session";
    const base: Record<string, string> = windowed
      ? { "cleanup.policy": "compact,delete", "retention.ms": String((builder.retentionMs ?? 0) + additional) }
      : { "cleanup.policy": "compact" };
    changelogs.push({ store: name, topic: changelogTopicName(applicationId, name), subtopology: sub.id, partitions: sub.tasks, config: { ...base, ...builder.logConfig() } });
  }
  const groups = topology.nodeGroups();
  const groupOf = new Map<string, number>();
  for (const g of groups) for (const n of g.nodes) groupOf.set(n, g.id);
  const nodes: NodePlan[] = topology.nodes().map((n) => ({
    name: n.name,
    kind: n.kind,
    subtopology: groupOf.get(n.name) ?? -1,
    children: [...n.children],
    stores: n.kind === "processor" ? [...n.stores] : [],
    topics: n.kind === "source" ? n.topics.map(decorate) : n.kind === "sink" && n.topic !== undefined ? [decorate(n.topic)] : [],
  }));
  const internal = new Set(topology.internalTopics().map((t) => t.name));
  const external = new Set<string>();
  for (const s of topology.subtopologies()) for (const t of s.sourceTopics) if (!internal.has(t)) external.add(t);
  for (const g of topology.globalStores()) external.add(g.topic);
  return {
    describe: topology.describe().toString(),
    subtopologies,
    globals: topology.globalStores().map((g) => ({ id: g.id, store: g.store, topic: g.topic })),
    repartitionTopics: topology.internalTopics().map((t) => ({ topic: decorate(t.name), partitions: counts.get(t.name) ?? 1 })),
    changelogs,
    externalSourceTopics: [...external],
    nodes,
  };
}

export { globalTaskId };
