/**
 * What the workbench can ask of the engine, as one object the broker worker exposes over
 * Comlink (DESIGN.md seams 1 and 4). It is plain engine code: the worker injects the wall
 * time, the clock driver and the frame timer, so the whole surface runs in Node tests on
 * memory storage.
 *
 * Life cycle: the object exists before the engine does, so the page can ask for its
 * status at once. It then either starts on a storage ("ready"), learns that another tab
 * owns the broker ("another-tab", which may later turn into "ready" when that tab goes
 * away), or fails to start ("failed"). Every other call needs "ready".
 *
 * Change events are never sent one per record: broker events are collected and delivered
 * to subscribers in one update per frame, together with the clock.
 */
import type { Broker, BrokerConfig, TopicDescription } from "../broker/broker";
import type { BrokerEvent } from "../broker/broker-events";
import type { PartitionAppendResult } from "../broker/partition";
import { ProducerCore, type OutgoingRecord } from "../client/producer-core";
import { decodeJson, serializeHeaders, serializeKey, serializeValue, type JsonHeaders, type JsonValue } from "../client/json-serde";
import {
  batchesIn,
  decodeControlRecord,
  decodeRecords,
  isControl,
  isTransactional,
  lastOffset,
  LOG_OVERHEAD,
  nextOffset as nextOffsetOf,
  timestampType,
  tryValidateBatch,
  type TimestampType,
} from "../log/record-batch";
import { resolveProducerConfig } from "../protocol/client-config";
import type { RawConfig } from "../protocol/config-def";
import { KafkaError } from "../protocol/errors";
import { toSeamError } from "../protocol/seam-error";
import { compactionEnabled, deletionEnabled } from "../protocol/topic-config";
import type { CleanableRange } from "../log/cleanable-range";
import type { CleanerEvent } from "../log/cleaner";
import type { Storage } from "../storage/storage";
import { cancelPushQuery, executeSqlForWorkbench, pushQueryRows, sqlCatalog, type PushRowsView, type SqlCatalog, type SqlExecutionView } from "../sql/engine/sql-api";
import { ClockFile } from "./clock-file";
import { BrokerEventBuffer, StreamsEventBuffer } from "./update-buffers";
import { Engine, type StreamsEngineEvent } from "./engine";
import type { ProcessingChannelFactory } from "../streams/runtime/processing-channel";
import type { ApplicationDescription } from "../streams/runtime/application-host";
import type { RestartRequest } from "../streams/runtime/applications";
import type { ResetReport } from "../streams/runtime/app-reset";
import type { GeneratedRecord } from "./generators/generated-record";
import { GeneratorRunner, TICK_MS as GENERATOR_TICK_MS, topicsOf, type GeneratorInput, type GeneratorSettings, type GeneratorStatus } from "./generators/generator-runner";
import { FIRST_APPLICATION, FIRST_APPLICATION_SOURCE, FIRST_HINT, FIRST_HINT_NOTE, seedFirstWorld } from "./first-world";
import type { OrderingSummary } from "./ordering-detector";
import { WorkbenchConsumers, type AddConsumerInput, type AssignorChoice, type RecentRecord, type RewindTarget, type WorkbenchMember } from "./workbench-consumers";
import { emptyManifest, MAX_NOTES_BYTES, WorkspaceFile, type SavedApplication, type WorkspaceManifest } from "./workspace-file";

export type { GeneratorInput, GeneratorKind, GeneratorSettings, GeneratorStatus } from "./generators/generator-runner";
export type { SqlExecutionView, SqlResultView, PushRowsView, SqlCatalog, PlainValue } from "../sql/engine/sql-api";
export type { SqlStatementError, StatementInfo, ResultColumn, PushQueryState } from "../sql/engine/results";
export type { CleanableRange } from "../log/cleanable-range";
export type { CleanerEvent, RemovalReason, RemovedRecord } from "../log/cleaner";
export type { AddConsumerInput, AssignorChoice, MemberLife, RecentRecord, RewindTarget, WorkbenchMember } from "./workbench-consumers";
export type { OrderingSummary, OrderingViolation, ViolationKind } from "./ordering-detector";
export type { GroupEvent } from "../groups/group-events";
export type { StreamsEngineEvent } from "./engine";
export type { ApplicationDescription, ApplicationEvent, ApplicationFailure, HostEvent } from "../streams/runtime/application-host";
export type { RestartRequest } from "../streams/runtime/applications";
export type { ResetReport } from "../streams/runtime/app-reset";
export type { StreamsEvent, WindowBounds } from "../streams/processor/events";
export type { NodePlan } from "../streams/runtime/protocol";

export type EngineState = "starting" | "ready" | "another-tab" | "failed";

export interface ClockState {
  /** Virtual time, ms since the epoch. */
  now: number;
  playing: boolean;
  speed: number;
}

export interface EngineStatus {
  state: EngineState;
  /** One sentence for the user about the state. */
  message: string;
  storage: Storage["kind"] | null;
  clock: ClockState | null;
  /** The last failure of background work (a retention or cleaner pass), if any. */
  lastError: { type: string; message: string } | null;
}

/** The time controls the engine is played with (the wall-clock driver in the browser). */
export interface ClockControl {
  play(): void;
  pause(): Promise<void>;
  step(ms: number): Promise<void>;
  setSpeed(speed: number): void;
  state(): ClockState;
  /** Stop for good, after the advance in progress. */
  dispose(): Promise<void>;
}

/** What a clock control drives: the engine's own clock. */
export interface ClockTarget {
  advance(ms: number): Promise<void>;
  now(): number;
  onError(error: unknown): void;
}

export interface EngineApiOptions {
  /** The wall time, read once when a workspace is created (engine code never reads it itself). */
  wallTime(): number;
  /** Make the clock control that plays a newly started engine. */
  driveClock(target: ClockTarget): ClockControl;
  /** Run `deliver` at the next frame (about 16 ms in the browser). */
  requestFrame(deliver: () => void): void;
  broker?: Partial<BrokerConfig>;
  seed?: number;
  /** Events kept per update when the UI falls behind; older ones are dropped and counted. */
  maxEventsPerUpdate?: number;
  /**
   * Start a brand-new workspace (no stored clock, nothing saved) with the small live world
   * of first-world.ts. Not after a reset: whoever resets asked for an empty workspace.
   */
  firstWorld?: boolean;
  /** Where stream applications run their topologies (Web Workers in the browser); none: applications cannot start. */
  processing?: ProcessingChannelFactory;
  /** Stream applications' events kept per update; older ones are dropped and counted. */
  maxStreamsEventsPerUpdate?: number;
}

/** A stream application as the workbench shows it: the engine's description and its source. */
export interface ApplicationView extends ApplicationDescription {
  source: string;
  config: Record<string, string | number | boolean>;
}

export interface StartApplicationInput {
  applicationId: string;
  source: string;
  config?: Record<string, string | number | boolean>;
}

/** One partition a group reads: committed offset, the consumers' position, the log's end. */
export interface WorkbenchGroupPartition {
  topic: string;
  partition: number;
  /** "topic-partition". */
  key: string;
  /** The committed offset, -1 if none. */
  committed: number;
  /** The owning member's position (next offset it fetches), -1 if no member holds it. */
  position: number;
  highWatermark: number;
  logEndOffset: number;
  /** High watermark minus committed offset (minus the log start offset when nothing is committed). */
  lag: number;
  /** The member (client id) it is assigned to, or null. */
  owner: string | null;
}

/** A consumer group as the groups view shows it. */
export interface WorkbenchGroup {
  groupId: string;
  /** Empty, PreparingRebalance, CompletingRebalance, Stable or Dead. */
  state: string;
  generation: number;
  /** The assignor the group runs (protocol name), null while it has none. */
  protocol: string | null;
  /** The leader's client id. */
  leader: string | null;
  /** The assignor workbench members are configured with; null for a group of other clients. */
  assignor: AssignorChoice | null;
  topics: string[];
  members: WorkbenchMember[];
  partitions: WorkbenchGroupPartition[];
  totalLag: number;
  ordering: OrderingSummary | null;
}

export interface TopicSummary {
  name: string;
  partitions: number;
  internal: boolean;
  /** Sum over partitions of HW − log start offset (an upper bound once compacted). */
  records: number;
  sizeInBytes: number;
}

export interface CreateTopicInput {
  name: string;
  partitions?: number;
  config?: RawConfig;
}

/** A record as scenarios write it (SCENARIO.md "Records"). */
export interface JsonRecordInput {
  key?: JsonValue;
  value: JsonValue;
  partition?: number;
  headers?: JsonHeaders;
  timestamp?: number;
}

export interface ProducedRange {
  partition: number;
  firstOffset: number;
  lastOffset: number;
  count: number;
}

export interface ProduceSummary {
  /** Records acknowledged (all of them: acks=all, or the call fails). */
  acknowledged: number;
  /** Per partition, in partition order. */
  partitions: ProducedRange[];
}

/** A record as the UI shows it: printed key and value, and where it sits in the log. */
export interface RecordView {
  partition: number;
  offset: number;
  timestamp: number;
  timestampType: TimestampType;
  /** As the runner prints it (SCENARIO.md): JSON text, or the text itself; null for a null key. */
  key: string | null;
  /** Null for a tombstone. */
  value: string | null;
  keySize: number;
  valueSize: number;
  headers: Array<{ key: string; value: string | null }>;
  /** "COMMIT" or "ABORT" for a transaction marker, null for data. */
  control: string | null;
  batch: {
    baseOffset: number;
    lastOffset: number;
    producerId: number;
    producerEpoch: number;
    /** This record's sequence number, -1 for a non-idempotent producer. */
    sequence: number;
    transactional: boolean;
    crc: number;
  };
  /** The segment file holding the batch, e.g. `00000000000000000000.log`. */
  segment: string;
}

export interface RecordRange {
  records: RecordView[];
  /** Where the next read should start. */
  nextOffset: number;
  logStartOffset: number;
  highWatermark: number;
  logEndOffset: number;
}

export interface BatchBytes {
  /** Whole batches, back to back, as stored (a copy the caller owns). */
  bytes: Uint8Array;
  nextOffset: number;
  logStartOffset: number;
  highWatermark: number;
}

/** The result of reading a partition's whole log back and checking every batch. */
export interface LogCheck {
  topic: string;
  partition: number;
  logStartOffset: number;
  logEndOffset: number;
  batches: number;
  records: number;
  /** Offset of the first record read (the log start offset for an intact log). */
  firstOffset: number;
  /** Offset after the last batch read. */
  nextOffset: number;
  /** Every CRC failure, offset gap or overlap found; empty for an intact log. */
  problems: string[];
}

/** Where a record's batch sits on disk: the segment file and the batch's byte position in it. */
export interface RecordLocation {
  segment: string;
  segmentBaseOffset: number;
  /** Byte position of the batch in the `.log` file. */
  position: number;
  /** The batch's size in bytes, its log overhead included. */
  batchSize: number;
  batchBaseOffset: number;
}

/** One partition's cleanable range, as the cleaner would see it now. */
export interface PartitionCleanableRange extends CleanableRange {
  partition: number;
  logStartOffset: number;
  logEndOffset: number;
  /** min.cleanable.dirty.ratio of the topic. */
  minCleanableDirtyRatio: number;
}

/** What a "clean now" did: the cleaner's report per compacted partition, and retention's deleted segments. */
export interface CleanReport {
  cleaned: Array<{ partition: number; result: CleanerEvent }>;
  /** Partitions whose log start offset moved, with the segments retention deleted. */
  retention: Array<{ partition: number; deletedSegments: number[]; logStartOffset: number }>;
}

export interface EngineUpdate {
  state: EngineState;
  clock: ClockState | null;
  /** The generators running in the engine, with their counters. */
  generators: GeneratorStatus[];
  events: BrokerEvent[];
  /** Events dropped because the UI fell behind; it should reload what it shows. */
  droppedEvents: number;
  /** A new engine started (first start, take-over, workspace reset): reload everything. */
  restarted: boolean;
  /** Stream applications' events: state changes, per-node counts, windows, late drops, store updates, errors. */
  streams: StreamsEngineEvent[];
  droppedStreamsEvents: number;
}

export type UpdateCallback = (update: EngineUpdate) => void | Promise<void>;

/** Everything the UI calls; the worker exposes it over Comlink (all async across the seam). */
export interface EngineApi {
  status(): Promise<EngineStatus>;
  listTopics(): Promise<TopicSummary[]>;
  describeTopic(name: string): Promise<TopicDescription>;
  createTopic(input: CreateTopicInput): Promise<TopicDescription>;
  deleteTopic(name: string): Promise<void>;
  alterTopicConfig(name: string, set: RawConfig, reset?: string[]): Promise<TopicDescription>;
  produceJson(topic: string, records: JsonRecordInput[]): Promise<ProduceSummary>;
  produceBatch(topic: string, partition: number, bytes: Uint8Array): Promise<PartitionAppendResult>;
  readRange(topic: string, partition: number, fromOffset: number, maxRecords: number): Promise<RecordRange>;
  readBatches(topic: string, partition: number, fromOffset: number, maxBytes: number): Promise<BatchBytes>;
  checkLog(topic: string, partition: number): Promise<LogCheck>;
  subscribe(callback: UpdateCallback): Promise<number>;
  unsubscribe(id: number): Promise<void>;
  play(): Promise<ClockState>;
  pause(): Promise<ClockState>;
  step(ms: number): Promise<ClockState>;
  setSpeed(speed: number): Promise<ClockState>;
  now(): Promise<number>;
  resetWorkspace(): Promise<void>;
  /** Close the active segment of one partition, or of all. */
  roll(topic: string, partition?: number): Promise<TopicDescription>;
  /** Run cleanup now as cleanup.policy says (retention, compaction ignoring the dirty ratio, or both). */
  cleanTopic(topic: string): Promise<CleanReport>;
  /** Run only the retention check now, as the periodic log.retention.check.interval.ms pass does. */
  runRetention(topic: string): Promise<CleanReport["retention"]>;
  cleanableRanges(topic: string): Promise<PartitionCleanableRange[]>;
  /** The segment file and byte position of the batch holding `offset`, or null if it is not in the log. */
  locateRecord(topic: string, partition: number, offset: number): Promise<RecordLocation | null>;
  startGenerator(input: GeneratorInput): Promise<GeneratorStatus>;
  updateGenerator(id: string, patch: Partial<Omit<GeneratorSettings, "kind" | "topic" | "secondTopic">>): Promise<GeneratorStatus>;
  stopGenerator(id: string): Promise<void>;
  listGenerators(): Promise<GeneratorStatus[]>;
  /** Every consumer group the broker knows, with the workbench's members, positions and lag. */
  describeWorkbenchGroups(): Promise<WorkbenchGroup[]>;
  /** Start a consumer that keeps polling as time moves; resolves to its member id once joined. */
  addConsumer(input: AddConsumerInput): Promise<string>;
  /** Close a member cleanly: commit, LeaveGroup, rebalance. */
  removeConsumer(groupId: string, memberId: string): Promise<void>;
  /** Kill a member: heartbeats stop, the coordinator evicts it after session.timeout.ms. */
  crashConsumer(groupId: string, memberId: string): Promise<void>;
  setConsumerRate(groupId: string, memberId: string, recordsPerSecond: number): Promise<void>;
  /** Switch the group's assignor by a rolling restart of its members. */
  setGroupAssignor(groupId: string, assignor: AssignorChoice): Promise<void>;
  /** Every running member seeks its partitions; resolves to the new positions. */
  rewindGroup(groupId: string, target: RewindTarget): Promise<Record<string, number>>;
  /** Records the group's members processed after `afterSeq` (newest last), for the console. */
  consumedRecords(groupId: string, afterSeq?: number, max?: number): Promise<RecentRecord[]>;
  /** Text the workbench keeps with the workspace (editor drafts); survives reloads, not resets. */
  workspaceNotes(): Promise<Record<string, string>>;
  saveWorkspaceNote(name: string, text: string | null): Promise<void>;
  /** Compile and start a stream application; compile errors reject with `<app>:<line>:<column>: <message>` lines. */
  startApplication(input: StartApplicationInput): Promise<ApplicationView>;
  /** KafkaStreams.close(): commit, leave the group, end the processing worker. */
  stopApplication(applicationId: string): Promise<ApplicationView>;
  /** Stop and start again, with a changed source or config, optionally reset to the beginning. */
  restartApplication(req: RestartRequest): Promise<ApplicationView>;
  /** The application reset tool on a stopped application: input offsets to the beginning, internal topics deleted. */
  resetApplication(applicationId: string): Promise<ResetReport>;
  describeApplications(): Promise<ApplicationView[]>;
  /**
   * Runs ksqlDB statements: per statement its message, rows or CLI text; the first failing
   * statement stops the rest and comes back as `error` with its line and column. Push
   * queries keep running and are followed with pushQueryRows.
   */
  executeSql(text: string): Promise<SqlExecutionView>;
  /** Rows of a running push query from index `from` on, and whether it still runs. */
  pushQueryRows(id: string, from?: number): Promise<PushRowsView>;
  cancelPushQuery(id: string): Promise<void>;
  /** Streams, tables and their columns, functions, persistent queries and the processing log (editor completion, query list). */
  sqlCatalog(): Promise<SqlCatalog>;
  /** Forget a stopped application (its committed offsets and internal topics stay until reset). */
  removeApplication(applicationId: string): Promise<void>;
  /**
   * Watch one processor of an application (null: none): the records it receives from now
   * on come as node-record streams events, each with its source record's topic, partition
   * and offset and how many records the node forwarded. Unwatched processors cost nothing.
   */
  watchNode(applicationId: string, node: string | null): Promise<void>;
  /**
   * Check per-key ordering of the records an application's tasks process (per task, by
   * task id); while on, the application's view carries `ordering`. Off forgets it.
   */
  watchOrdering(applicationId: string, on: boolean): Promise<void>;
  /**
   * What the editor gives its type checker so that completion and type errors match what
   * the engine compiles against: the "streamlab" module's declarations and the globals
   * topologies may use.
   */
  editorDeclarations(): Promise<Array<{ fileName: string; text: string }>>;
}

const READ_CHUNK_BYTES = 256 * 1024;
const MAX_RANGE_RECORDS = 10_000;
const MAX_BATCH_BYTES = 8 * 1024 * 1024;
/** Reads a record lookup may take from the nearest index entry (index.interval.bytes apart). */
const LOCATE_MAX_READS = 64;

const MESSAGES: Record<EngineState, string> = {
  starting: "The broker is starting.",
  ready: "The broker is running in this tab.",
  "another-tab":
    "Another tab of this site owns the broker and its files. Work there, or close that tab: this one takes over when it goes away.",
  failed: "The broker could not start.",
};

const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

function printed(bytes: Uint8Array | null): string | null {
  if (bytes === null) return null;
  const value = decodeJson(bytes);
  return typeof value === "string" ? value : JSON.stringify(value);
}

interface Running {
  engine: Engine;
  storage: Storage;
  clockFile: ClockFile;
  clock: ClockControl;
  producer: ProducerCore;
  generators: GeneratorRunner;
  consumers: WorkbenchConsumers;
  workspace: WorkspaceFile;
  manifest: WorkspaceManifest;
}

export class BrokerEngineApi implements EngineApi {
  private state: EngineState = "starting";
  private failure: string | undefined;
  private lastError: EngineStatus["lastError"] = null;
  private running: Running | undefined;
  private readonly subscribers = new Map<number, UpdateCallback>();
  private nextSubscriber = 1;
  private readonly pendingEvents: BrokerEventBuffer;
  private readonly pendingStreams: StreamsEventBuffer;
  /** Applications to start once the engine is ready (saved ones, or the first world's). */
  private applicationsToStart: SavedApplication[] = [];
  /** What the page watches in applications (watchNode, watchOrdering), by application id. */
  private readonly appWatches = new Map<string, { nodes: string[]; ordering: boolean }>();
  /** Application starts and restarts under way; closing waits for them (see close()). */
  private readonly applicationCalls = new Set<Promise<unknown>>();
  private restartPending = false;
  private dirty = false;
  private frameRequested = false;
  /** Start and reset run one at a time. */
  private lifecycle: Promise<void> = Promise.resolve();

  constructor(private readonly options: EngineApiOptions) {
    this.pendingEvents = new BrokerEventBuffer(options.maxEventsPerUpdate ?? 10_000);
    this.pendingStreams = new StreamsEventBuffer(options.maxStreamsEventsPerUpdate ?? 5_000);
  }

  // ---- life cycle (called by the worker, not across the seam) ----

  /** Start the engine on `storage`, continuing the workspace's stored clock. */
  start(storage: Storage): Promise<void> {
    return this.serially(async () => {
      if (this.running) throw new KafkaError("ILLEGAL_STATE", "the broker is already running");
      try {
        await this.open(storage, this.options.firstWorld === true);
        this.setState("ready");
        this.startPendingApplications();
      } catch (e) {
        this.fail(e);
        throw e;
      }
    });
  }

  /** Another tab holds the broker: say so, and touch no storage. */
  lockedElsewhere(): void {
    if (this.state === "starting") this.setState("another-tab");
  }

  fail(error: unknown): void {
    this.failure = toSeamError(error).message;
    this.setState("failed");
  }

  /**
   * The running engine's broker (it changes on a workspace reset): what the worker serves
   * the page's clients over their own ports. Throws as every call does until ready.
   */
  currentBroker(): Broker {
    return this.ready().engine.broker;
  }

  /** Stop the clock and close every file (the worker is going away). */
  shutdown(): Promise<void> {
    return this.serially(() => this.close());
  }

  // ---- status and topics ----

  async status(): Promise<EngineStatus> {
    const message = this.state === "failed" && this.failure ? `${MESSAGES.failed} ${this.failure}` : MESSAGES[this.state];
    return {
      state: this.state,
      message,
      storage: this.running?.storage.kind ?? null,
      clock: this.running?.clock.state() ?? null,
      lastError: this.lastError,
    };
  }

  async listTopics(): Promise<TopicSummary[]> {
    const { broker } = this.ready().engine;
    return broker.listTopics().map((name) => {
      const d = broker.describeTopic(name);
      let records = 0;
      let sizeInBytes = 0;
      for (const p of d.partitions) {
        records += p.highWatermark - p.logStartOffset;
        for (const s of p.segments) sizeInBytes += s.sizeInBytes;
      }
      return { name, partitions: d.partitions.length, internal: d.internal, records, sizeInBytes };
    });
  }

  async describeTopic(name: string): Promise<TopicDescription> {
    return this.ready().engine.broker.describeTopic(name);
  }

  async createTopic(input: CreateTopicInput): Promise<TopicDescription> {
    const { engine } = this.ready();
    return engine.broker.createTopic({
      name: input.name,
      ...(input.partitions !== undefined ? { partitions: input.partitions } : {}),
      ...(input.config ? { config: input.config } : {}),
    });
  }

  async deleteTopic(name: string): Promise<void> {
    await this.ready().engine.broker.deleteTopic(name);
  }

  async alterTopicConfig(name: string, set: RawConfig, reset: string[] = []): Promise<TopicDescription> {
    const { broker } = this.ready().engine;
    await broker.alterTopicConfig(name, set, reset);
    return broker.describeTopic(name);
  }

  // ---- produce ----

  /**
   * Produce scenario-style JSON records through one idempotent acks=all producer with
   * Kafka's default partitioner, flushing at the end: when this resolves, every record
   * is in the log, flushed to storage.
   */
  async produceJson(topic: string, records: JsonRecordInput[]): Promise<ProduceSummary> {
    const { producer } = this.ready();
    if (!Array.isArray(records)) throw new KafkaError("INVALID_REQUEST", `produce to "${topic}": records must be an array`);
    const outgoing = records.map((r, i) => toOutgoing(topic, r, i));
    if (outgoing.length === 0) return { acknowledged: 0, partitions: [] };
    const acks = await producer.send(topic, outgoing);
    // A failed batch rejects its own records' acks; those are what this call reports.
    await producer.flush().catch(() => {});
    const metadata = await Promise.all(acks);
    const ranges = new Map<number, ProducedRange>();
    for (const m of metadata) {
      const r = ranges.get(m.partition);
      if (!r) ranges.set(m.partition, { partition: m.partition, firstOffset: m.offset, lastOffset: m.offset, count: 1 });
      else {
        r.firstOffset = Math.min(r.firstOffset, m.offset);
        r.lastOffset = Math.max(r.lastOffset, m.offset);
        r.count++;
      }
    }
    return { acknowledged: metadata.length, partitions: [...ranges.values()].sort((a, b) => a.partition - b.partition) };
  }

  /** Append already encoded RecordBatch v2 bytes to one partition (the fast path). */
  async produceBatch(topic: string, partition: number, bytes: Uint8Array): Promise<PartitionAppendResult> {
    const { engine } = this.ready();
    if (!(bytes instanceof Uint8Array)) throw new KafkaError("INVALID_REQUEST", `produce to "${topic}": batch bytes must be a Uint8Array`);
    return engine.broker.produce(topic, partition, bytes);
  }

  // ---- reading ----

  /** Up to `maxRecords` records from `fromOffset` (raised to the log start offset), below the high watermark. */
  async readRange(topic: string, partition: number, fromOffset: number, maxRecords: number): Promise<RecordRange> {
    const { engine } = this.ready();
    const p = engine.broker.partition(topic, partition);
    checkOffset(topic, partition, fromOffset);
    const limit = Math.max(0, Math.min(Math.floor(maxRecords), MAX_RANGE_RECORDS));
    const hw = p.highWatermark;
    const segments = p.log.segmentInfos();
    const records: RecordView[] = [];
    let offset = Math.max(fromOffset, p.logStartOffset);
    // The broker's fetch stops below the high watermark, so every record read is visible.
    fetching: while (records.length < limit && offset < hw) {
      const data = await engine.broker.fetch(topic, partition, offset, READ_CHUNK_BYTES);
      if (data.bytes.length === 0) break;
      for (const { pos, header } of batchesIn(data.bytes)) {
        const control = isControl(header);
        const segment = segmentOf(segments, header.baseOffset);
        for (const r of decodeRecords(data.bytes, pos)) {
          if (r.offset < offset) continue;
          records.push({
            partition,
            offset: r.offset,
            timestamp: r.timestamp,
            timestampType: timestampType(header),
            key: control ? null : printed(r.key),
            value: control ? null : printed(r.value),
            keySize: r.key?.length ?? -1,
            valueSize: r.value?.length ?? -1,
            headers: r.headers.map((h) => ({ key: h.key, value: h.value === null ? null : decoder.decode(h.value) })),
            control: control ? controlName(decodeControlRecord(r).type) : null,
            batch: {
              baseOffset: header.baseOffset,
              lastOffset: lastOffset(header),
              producerId: header.producerId,
              producerEpoch: header.producerEpoch,
              // Kafka numbers a record by its offset delta, so compaction keeps sequences.
              sequence: header.baseSequence < 0 ? -1 : header.baseSequence + (r.offset - header.baseOffset),
              transactional: isTransactional(header),
              crc: header.crc,
            },
            segment,
          });
          offset = r.offset + 1;
          if (records.length >= limit) break fetching;
        }
        offset = Math.max(offset, nextOffsetOf(header));
      }
      offset = Math.max(offset, data.nextOffset);
    }
    return { records, nextOffset: offset, logStartOffset: p.logStartOffset, highWatermark: p.highWatermark, logEndOffset: p.logEndOffset };
  }

  /** Raw stored batches from the one holding `fromOffset`, below the high watermark. */
  async readBatches(topic: string, partition: number, fromOffset: number, maxBytes: number): Promise<BatchBytes> {
    const { engine } = this.ready();
    checkOffset(topic, partition, fromOffset);
    const data = await engine.broker.fetch(topic, partition, fromOffset, Math.max(0, Math.min(maxBytes, MAX_BATCH_BYTES)));
    return { bytes: data.bytes.slice(), nextOffset: data.nextOffset, logStartOffset: data.logStartOffset, highWatermark: data.highWatermark };
  }

  /**
   * Read a partition's whole log back and check every batch: its CRC-32C, and that the
   * batches follow each other without gaps or overlaps (gaps are allowed in compacted
   * logs, where the cleaner removes whole batches).
   */
  async checkLog(topic: string, partition: number): Promise<LogCheck> {
    const { engine } = this.ready();
    const p = engine.broker.partition(topic, partition);
    const compacted = compactionEnabled(engine.broker.topicConfig(topic));
    const problems: string[] = [];
    let batches = 0;
    let records = 0;
    let firstOffset = -1;
    let expected = p.logStartOffset;
    let offset = p.logStartOffset;
    // Up to the high watermark: above it an append may be under way.
    const end = p.highWatermark;
    while (offset < end) {
      const data = await engine.broker.fetch(topic, partition, offset, READ_CHUNK_BYTES);
      if (data.bytes.length === 0) break;
      let consumed = 0;
      for (const { pos, header } of batchesIn(data.bytes)) {
        consumed = pos + header.batchLength + LOG_OVERHEAD;
        batches++;
        if (tryValidateBatch(data.bytes, pos) === undefined) {
          problems.push(`batch at offset ${header.baseOffset}: CRC-32C or layout check failed`);
          // Its header still tells which offsets it claims, so the next batch is not a gap.
          expected = Math.max(expected, nextOffsetOf(header));
          continue;
        }
        if (firstOffset < 0) firstOffset = Math.max(header.baseOffset, p.logStartOffset);
        if (header.baseOffset > expected && !compacted) problems.push(`offsets ${expected}–${header.baseOffset - 1} are missing`);
        if (header.baseOffset < expected && batches > 1) problems.push(`batch at offset ${header.baseOffset} overlaps offsets below ${expected}`);
        if (!compacted && header.recordsCount !== header.lastOffsetDelta + 1) {
          problems.push(`batch at offset ${header.baseOffset} holds ${header.recordsCount} records for ${header.lastOffsetDelta + 1} offsets`);
        }
        records += header.recordsCount;
        expected = nextOffsetOf(header);
      }
      if (consumed !== data.bytes.length) problems.push(`${data.bytes.length - consumed} bytes after offset ${expected} are not a whole batch`);
      if (data.nextOffset <= offset) break;
      offset = data.nextOffset;
    }
    if (expected < end) problems.push(`the high watermark is ${end} but the batches end at ${expected}`);
    return {
      topic,
      partition,
      logStartOffset: p.logStartOffset,
      logEndOffset: p.logEndOffset,
      batches,
      records,
      firstOffset: firstOffset < 0 ? p.logStartOffset : firstOffset,
      nextOffset: expected,
      problems,
    };
  }

  // ---- updates ----

  async subscribe(callback: UpdateCallback): Promise<number> {
    if (typeof callback !== "function") throw new KafkaError("INVALID_REQUEST", "subscribe needs a callback function");
    const id = this.nextSubscriber++;
    this.subscribers.set(id, callback);
    this.touch();
    return id;
  }

  async unsubscribe(id: number): Promise<void> {
    this.subscribers.delete(id);
  }

  private onStreamsEvent = (event: StreamsEngineEvent): void => {
    this.pendingStreams.push(event);
    this.touch();
  };

  private onBrokerEvent = (event: BrokerEvent): void => {
    if (event.type === "group") this.running?.consumers.onGroupEvent(event.event);
    this.pendingEvents.push(event);
    this.touch();
  };

  private touch(): void {
    this.dirty = true;
    if (this.frameRequested) return;
    this.frameRequested = true;
    this.options.requestFrame(() => this.deliver());
  }

  private deliver(): void {
    this.frameRequested = false;
    if (!this.dirty) return;
    this.dirty = false;
    const broker = this.pendingEvents.take();
    const streams = this.pendingStreams.take();
    const update: EngineUpdate = {
      state: this.state,
      clock: this.running?.clock.state() ?? null,
      generators: this.running?.generators.list() ?? [],
      events: broker.events,
      droppedEvents: broker.dropped,
      restarted: this.restartPending,
      streams: streams.events,
      droppedStreamsEvents: streams.dropped,
    };
    this.restartPending = false;
    for (const [id, callback] of this.subscribers) {
      try {
        const result = callback(update);
        // A subscriber whose page went away is dropped rather than retried every frame.
        if (result instanceof Promise) result.catch(() => this.subscribers.delete(id));
      } catch {
        this.subscribers.delete(id);
      }
    }
  }

  // ---- clock ----

  async play(): Promise<ClockState> {
    const { clock } = this.ready();
    clock.play();
    this.touch();
    return clock.state();
  }

  async pause(): Promise<ClockState> {
    const running = this.ready();
    await running.clock.pause();
    running.clockFile.flush();
    this.touch();
    return running.clock.state();
  }

  async step(ms: number): Promise<ClockState> {
    const { clock } = this.ready();
    await clock.step(ms);
    return clock.state();
  }

  async setSpeed(speed: number): Promise<ClockState> {
    const { clock } = this.ready();
    clock.setSpeed(speed);
    this.touch();
    return clock.state();
  }

  async now(): Promise<number> {
    return this.ready().engine.now();
  }

  // ---- workspace ----

  /** Delete every file of this workspace and start an empty one, its clock at the wall time. */
  resetWorkspace(): Promise<void> {
    return this.serially(async () => {
      const running = this.ready();
      const storage = running.storage;
      await this.close();
      await storage.remove("");
      await this.open(storage, false);
      this.startPendingApplications();
    });
  }

  // ---- housekeeping on demand ----

  async roll(topic: string, partition?: number): Promise<TopicDescription> {
    const { broker } = this.ready().engine;
    await broker.roll(topic, partition);
    return broker.describeTopic(topic);
  }

  async cleanTopic(topic: string): Promise<CleanReport> {
    const { broker } = this.ready().engine;
    const config = broker.topicConfig(topic);
    const retention = deletionEnabled(config) ? await this.runRetention(topic) : [];
    const cleaned: CleanReport["cleaned"] = [];
    if (compactionEnabled(config)) {
      for (let partition = 0; partition < broker.partitionCount(topic); partition++) {
        const result = await broker.cleanPartition(topic, partition, true);
        if (result) cleaned.push({ partition, result });
      }
    }
    return { cleaned, retention };
  }

  async runRetention(topic: string): Promise<CleanReport["retention"]> {
    const { broker } = this.ready().engine;
    const out: CleanReport["retention"] = [];
    const before = broker.describeTopic(topic).partitions.map((p) => new Set(p.segments.map((s) => s.baseOffset)));
    await broker.runRetention(topic);
    for (const p of broker.describeTopic(topic).partitions) {
      const now = new Set(p.segments.map((s) => s.baseOffset));
      const deleted = [...(before[p.partition] ?? [])].filter((b) => !now.has(b));
      if (deleted.length > 0) out.push({ partition: p.partition, deletedSegments: deleted, logStartOffset: p.logStartOffset });
    }
    return out;
  }

  async cleanableRanges(topic: string): Promise<PartitionCleanableRange[]> {
    const { broker } = this.ready().engine;
    const ratio = Number(broker.describeTopic(topic).config.find((c) => c.name === "min.cleanable.dirty.ratio")?.value ?? 0.5);
    const ranges = await broker.cleanableRanges(topic);
    return ranges.map((r, partition) => {
      const p = broker.partition(topic, partition);
      return { ...r, partition, logStartOffset: p.logStartOffset, logEndOffset: p.logEndOffset, minCleanableDirtyRatio: ratio };
    });
  }

  async locateRecord(topic: string, partition: number, offset: number): Promise<RecordLocation | null> {
    const { broker } = this.ready().engine;
    const p = broker.partition(topic, partition);
    checkOffset(topic, partition, offset);
    if (offset < p.logStartOffset || offset >= p.highWatermark) return null;
    const segments = p.log.segmentInfos();
    let segment = segments[0];
    for (const s of segments) if (s.baseOffset <= offset) segment = s;
    if (!segment) return null;
    // Offset index entries map a batch's last offset to its position: start from the last
    // batch that ends before the record, or from the segment's first batch at position 0.
    let from = segment.baseOffset;
    let position = 0;
    for (const e of p.log.indexEntries(segment.baseOffset).offsets) {
      if (e.offset >= offset) break;
      if (e.offset >= p.logStartOffset) {
        from = e.offset;
        position = e.position;
      }
    }
    if (from < p.logStartOffset) return null;
    for (let reads = 0; reads < LOCATE_MAX_READS; reads++) {
      const data = await broker.fetch(topic, partition, from, READ_CHUNK_BYTES);
      if (data.bytes.length === 0) return null;
      for (const { header } of batchesIn(data.bytes)) {
        const size = header.batchLength + LOG_OVERHEAD;
        if (lastOffset(header) >= offset) {
          return { segment: segment.fileName, segmentBaseOffset: segment.baseOffset, position, batchSize: size, batchBaseOffset: header.baseOffset };
        }
        position += size;
      }
      from = data.nextOffset;
    }
    return null;
  }

  // ---- generators ----

  async startGenerator(input: GeneratorInput): Promise<GeneratorStatus> {
    const { engine, generators } = this.ready();
    if (typeof input !== "object" || input === null) throw new KafkaError("INVALID_REQUEST", "startGenerator needs settings");
    const topics = topicsOf({ kind: input.kind, topic: input.topic, secondTopic: input.secondTopic ?? "payments" });
    const first = topics[0]!;
    if (!engine.broker.hasTopic(first)) throw new KafkaError("UNKNOWN_TOPIC_OR_PARTITION", `generator target topic "${first}" does not exist; create it first`);
    // A second topic is made like the first, co-partitioned, so the pair can be joined.
    for (const name of topics.slice(1)) {
      if (!engine.broker.hasTopic(name)) await engine.broker.createTopic({ name, partitions: engine.broker.partitionCount(first) });
    }
    const status = generators.start(input);
    this.saveManifest();
    this.touch();
    return status;
  }

  async updateGenerator(id: string, patch: Partial<Omit<GeneratorSettings, "kind" | "topic" | "secondTopic">>): Promise<GeneratorStatus> {
    const status = this.ready().generators.update(id, patch);
    this.saveManifest();
    this.touch();
    return status;
  }

  async stopGenerator(id: string): Promise<void> {
    this.ready().generators.stop(id);
    this.saveManifest();
    this.touch();
  }

  async listGenerators(): Promise<GeneratorStatus[]> {
    return this.ready().generators.list();
  }

  // ---- consumer groups ----

  async describeWorkbenchGroups(): Promise<WorkbenchGroup[]> {
    const { engine, consumers } = this.ready();
    const broker = engine.broker;
    const ids = new Set<string>([...broker.listGroups().map((g) => g.groupId), ...consumers.groupIds()]);
    const out: WorkbenchGroup[] = [];
    for (const groupId of [...ids].sort()) {
      const d = broker.groups.describeGroup(groupId);
      const listing = broker.listGroups().find((g) => g.groupId === groupId);
      const state = d.state === "Dead" ? (listing?.state ?? "Dead") : d.state;
      const members = consumers.members(groupId);
      for (const m of d.members) {
        if (members.some((w) => w.memberId === m.clientId || w.coordinatorMemberId === m.memberId)) continue;
        const unique = d.members.filter((o) => o.clientId === m.clientId).length === 1;
        members.push({
          memberId: unique ? m.clientId : m.memberId,
          external: true,
          coordinatorMemberId: m.memberId,
          life: "running",
          since: null,
          evictBy: null,
          sessionTimeoutMs: 0,
          recordsPerSecond: 0,
          actualRate: 0,
          processed: 0,
          generation: d.generationId,
          state: state === "Stable" ? "STABLE" : state === "CompletingRebalance" ? "COMPLETING_REBALANCE" : "PREPARING_REBALANCE",
          assignment: state === "Stable" ? m.assignment.map((tp) => `${tp.topic}-${tp.partition}`) : [],
          positions: {},
        });
      }
      const settings = consumers.settingsOf(groupId);
      const nameOf = new Map<string, string>(d.members.map((m) => [m.memberId, m.clientId]));
      const owner = new Map<string, string>();
      const positions = new Map<string, number>();
      for (const m of members) {
        for (const p of m.assignment) owner.set(p, m.memberId);
        for (const [p, pos] of Object.entries(m.positions)) positions.set(p, pos);
      }
      if (state === "Stable") for (const m of d.members) for (const tp of m.assignment) if (!owner.has(`${tp.topic}-${tp.partition}`)) owner.set(`${tp.topic}-${tp.partition}`, m.clientId);
      const topics = new Set<string>(settings?.topics ?? []);
      for (const m of d.members) for (const t of m.topics) topics.add(t);
      const committed = broker.groups.fetchOffsets(groupId);
      for (const key of Object.keys(committed)) {
        const dash = key.lastIndexOf("-");
        topics.add(key.slice(0, dash));
      }
      const partitions: WorkbenchGroupPartition[] = [];
      let totalLag = 0;
      for (const topic of [...topics].sort()) {
        if (!broker.hasTopic(topic)) continue;
        for (const p of broker.describeTopic(topic).partitions) {
          const key = `${topic}-${p.partition}`;
          const c = committed[key]?.offset ?? -1;
          const lag = p.highWatermark - (c >= 0 ? c : p.logStartOffset);
          totalLag += Math.max(0, lag);
          partitions.push({
            topic,
            partition: p.partition,
            key,
            committed: c,
            position: positions.get(key) ?? -1,
            highWatermark: p.highWatermark,
            logEndOffset: p.logEndOffset,
            lag: Math.max(0, lag),
            owner: owner.get(key) ?? null,
          });
        }
      }
      out.push({
        groupId,
        state,
        generation: Math.max(0, d.generationId),
        protocol: d.protocol,
        leader: d.leader === null ? null : (nameOf.get(d.leader) ?? d.leader),
        assignor: settings?.assignor ?? null,
        topics: [...topics].sort(),
        members,
        partitions,
        totalLag,
        ordering: consumers.ordering(groupId) ?? null,
      });
    }
    return out;
  }

  async addConsumer(input: AddConsumerInput): Promise<string> {
    const id = await this.ready().consumers.add(input);
    this.touch();
    return id;
  }

  async removeConsumer(groupId: string, memberId: string): Promise<void> {
    await this.ready().consumers.remove(groupId, memberId);
    this.touch();
  }

  async crashConsumer(groupId: string, memberId: string): Promise<void> {
    await this.ready().consumers.crash(groupId, memberId);
    this.touch();
  }

  async setConsumerRate(groupId: string, memberId: string, recordsPerSecond: number): Promise<void> {
    this.ready().consumers.setRate(groupId, memberId, recordsPerSecond);
  }

  async setGroupAssignor(groupId: string, assignor: AssignorChoice): Promise<void> {
    await this.ready().consumers.setAssignor(groupId, assignor);
    this.touch();
  }

  async rewindGroup(groupId: string, target: RewindTarget): Promise<Record<string, number>> {
    const positions = await this.ready().consumers.rewind(groupId, target);
    this.touch();
    return positions;
  }

  async consumedRecords(groupId: string, afterSeq = 0, max = 300): Promise<RecentRecord[]> {
    return this.ready().consumers.recent(groupId, afterSeq, max);
  }

  // ---- stream applications ----

  /**
   * Applications start after the engine is ready, in the background: compiling a topology
   * loads the TypeScript compiler into the application's worker, and the page must not
   * wait for that. A failure is reported as the engine's last error.
   */
  private startPendingApplications(): void {
    const pending = this.applicationsToStart;
    this.applicationsToStart = [];
    if (pending.length === 0) return;
    const engine = this.running?.engine;
    const startAll = async () => {
      for (const app of pending) {
        if (this.running?.engine !== engine) return;
        try {
          await this.startApplication({ applicationId: app.applicationId, source: app.source, config: app.config });
        } catch (e) {
          this.lastError = toSeamError(e);
          this.rememberApplication({ ...app, running: false });
          this.touch();
        }
      }
    };
    void this.trackApplicationCall(startAll());
  }

  /**
   * An application start creates topics and opens their files in one long step; closing
   * the engine in the middle would leave those files open. Closing waits for these.
   */
  private trackApplicationCall<T>(call: Promise<T>): Promise<T> {
    this.applicationCalls.add(call);
    const done = () => this.applicationCalls.delete(call);
    call.then(done, done);
    return call;
  }

  private async waitForApplicationCalls(): Promise<void> {
    while (this.applicationCalls.size > 0) await Promise.allSettled([...this.applicationCalls]);
  }

  private rememberApplication(app: SavedApplication): void {
    const running = this.running;
    if (!running) return;
    const others = running.manifest.applications.filter((a) => a.applicationId !== app.applicationId);
    running.manifest = { ...running.manifest, applications: [...others, app].sort((a, b) => (a.applicationId < b.applicationId ? -1 : 1)) };
    this.saveManifest();
  }

  private viewOf(d: ApplicationDescription): ApplicationView {
    const saved = this.running?.manifest.applications.find((a) => a.applicationId === d.applicationId);
    return { ...d, source: saved?.source ?? "", config: saved?.config ?? {} };
  }

  async startApplication(input: StartApplicationInput): Promise<ApplicationView> {
    const { engine } = this.ready();
    if (typeof input !== "object" || input === null || typeof input.source !== "string") throw new KafkaError("INVALID_REQUEST", "startApplication needs an applicationId and the topology's source");
    const app: SavedApplication = { applicationId: input.applicationId, source: input.source, config: input.config ?? {}, running: true };
    const d = await this.trackApplicationCall(engine.startApplication({ applicationId: input.applicationId, source: input.source, ...(input.config ? { config: input.config } : {}) }));
    this.rememberApplication(app);
    this.touch();
    return this.viewOf(d);
  }

  async stopApplication(applicationId: string): Promise<ApplicationView> {
    const { engine, manifest } = this.ready();
    const d = await engine.stopApplication(applicationId);
    const saved = manifest.applications.find((a) => a.applicationId === applicationId);
    if (saved) this.rememberApplication({ ...saved, running: false });
    this.touch();
    return this.viewOf(d);
  }

  async restartApplication(req: RestartRequest): Promise<ApplicationView> {
    const { engine, manifest } = this.ready();
    const saved = manifest.applications.find((a) => a.applicationId === req.applicationId);
    const d = await this.trackApplicationCall(engine.restartApplication(req));
    this.rememberApplication({
      applicationId: req.applicationId,
      source: req.source ?? saved?.source ?? "",
      config: (req.config as SavedApplication["config"] | undefined) ?? saved?.config ?? {},
      running: true,
    });
    this.touch();
    return this.viewOf(d);
  }

  async resetApplication(applicationId: string): Promise<ResetReport> {
    const report = await this.ready().engine.resetApplication(applicationId);
    this.touch();
    return report;
  }

  // ---- streaming SQL ----

  async executeSql(text: string): Promise<SqlExecutionView> {
    if (typeof text !== "string") throw new KafkaError("INVALID_REQUEST", "executeSql needs the statements' text");
    const result = await executeSqlForWorkbench(this.ready().engine, text);
    this.touch();
    return result;
  }

  async pushQueryRows(id: string, from = 0): Promise<PushRowsView> {
    return pushQueryRows(this.ready().engine, id, from);
  }

  async cancelPushQuery(id: string): Promise<void> {
    await cancelPushQuery(this.ready().engine, id);
  }

  async sqlCatalog(): Promise<SqlCatalog> {
    return sqlCatalog(this.ready().engine);
  }

  async describeApplications(): Promise<ApplicationView[]> {
    const { engine, manifest } = this.ready();
    const described = engine.describeApplications();
    const views = described.map((d) => this.viewOf(d));
    // Saved applications the engine does not know (not started since the reload) show as stopped.
    for (const a of manifest.applications) {
      if (described.some((d) => d.applicationId === a.applicationId)) continue;
      views.push({
        applicationId: a.applicationId,
        state: "NOT_RUNNING",
        processingGuarantee: String(a.config["processing.guarantee"] ?? "at_least_once"),
        commitIntervalMs: Number(a.config["commit.interval.ms"] ?? 30_000),
        topology: "",
        nodes: [],
        tasks: [],
        internalTopics: [],
        stats: { processed: 0, produced: 0, skipped: 0, dropped: 0, restored: 0, commits: 0, lastCommitMs: null },
        source: a.source,
        config: a.config,
      });
    }
    return views.sort((a, b) => (a.applicationId < b.applicationId ? -1 : 1));
  }

  async watchNode(applicationId: string, node: string | null): Promise<void> {
    this.watchOf(applicationId).nodes = node === null ? [] : [node];
    this.ready().engine.watchApplication(applicationId, { nodes: node === null ? [] : [node] });
  }

  async watchOrdering(applicationId: string, on: boolean): Promise<void> {
    this.watchOf(applicationId).ordering = on;
    this.ready().engine.watchApplication(applicationId, { ordering: on });
  }

  private watchOf(applicationId: string): { nodes: string[]; ordering: boolean } {
    if (typeof applicationId !== "string") throw new KafkaError("INVALID_REQUEST", "watching needs an applicationId");
    let w = this.appWatches.get(applicationId);
    if (!w) this.appWatches.set(applicationId, (w = { nodes: [], ordering: false }));
    return w;
  }

  async removeApplication(applicationId: string): Promise<void> {
    const running = this.ready();
    const state = running.engine.describeApplications().find((d) => d.applicationId === applicationId)?.state;
    if (state !== undefined && state !== "NOT_RUNNING" && state !== "ERROR") {
      throw new KafkaError("ILLEGAL_STATE", `streams application "${applicationId}" is ${state}; stop it before removing it`);
    }
    running.manifest = { ...running.manifest, applications: running.manifest.applications.filter((a) => a.applicationId !== applicationId) };
    this.saveManifest();
    this.touch();
  }

  async editorDeclarations(): Promise<Array<{ fileName: string; text: string }>> {
    // Loaded on demand: 90 KB of declarations the broker itself never needs.
    const [{ STREAMLAB_DTS }, { USER_GLOBALS_FILE_NAME, USER_GLOBALS_TEXT }] = await Promise.all([
      import("../streams/user-code/generated/streamlab-dts"),
      import("../streams/user-code/lib-files"),
    ]);
    return [
      { fileName: "streamlab.d.ts", text: STREAMLAB_DTS },
      { fileName: USER_GLOBALS_FILE_NAME, text: USER_GLOBALS_TEXT },
    ];
  }

  // ---- workspace notes ----

  async workspaceNotes(): Promise<Record<string, string>> {
    return { ...this.ready().manifest.notes };
  }

  async saveWorkspaceNote(name: string, text: string | null): Promise<void> {
    const running = this.ready();
    if (typeof name !== "string" || name === "") throw new KafkaError("INVALID_REQUEST", "a workspace note needs a name");
    const notes = { ...running.manifest.notes };
    if (text === null) delete notes[name];
    else notes[name] = String(text);
    const size = Object.entries(notes).reduce((n, [k, v]) => n + k.length + v.length, 0);
    if (size > MAX_NOTES_BYTES) throw new KafkaError("INVALID_REQUEST", `workspace notes would take ${size} characters; at most ${MAX_NOTES_BYTES} are kept`);
    running.manifest = { ...running.manifest, notes };
    this.saveManifest();
  }

  // ---- internals ----

  private ready(starting = false): Running {
    if ((this.state === "ready" || starting) && this.running) return this.running;
    if (this.state === "another-tab") throw new KafkaError("STORAGE_LOCKED", MESSAGES["another-tab"]);
    if (this.state === "failed") throw new KafkaError("ILLEGAL_STATE", `${MESSAGES.failed} ${this.failure ?? ""}`.trim());
    throw new KafkaError("ILLEGAL_STATE", "the broker is still starting");
  }

  private setState(state: EngineState): void {
    this.state = state;
    this.touch();
  }

  private async open(storage: Storage, seedIfNew: boolean): Promise<void> {
    const clockFile = await ClockFile.open(storage);
    let engine: Engine;
    let workspaceFile: WorkspaceFile | undefined;
    let saved: WorkspaceManifest | undefined;
    let isNew: boolean;
    try {
      const storedClock = clockFile.read();
      workspaceFile = await WorkspaceFile.open(storage);
      saved = workspaceFile.read();
      isNew = storedClock === undefined && saved === undefined;
      const clockStart = storedClock ?? Math.floor(this.options.wallTime());
      clockFile.write(clockStart);
      clockFile.flush();
      engine = await Engine.create({
        storage,
        clockStart,
        ...(this.options.seed !== undefined ? { seed: this.options.seed } : {}),
        ...(this.options.broker ? { broker: this.options.broker } : {}),
        listener: this.onBrokerEvent,
        ...(this.options.processing ? { processing: this.options.processing } : {}),
        streamsListener: this.onStreamsEvent,
        streamsEvents: true,
        // Applications commit every commit.interval.ms, as they do in Kafka, not on every tick.
        commitOnSettle: false,
      });
    } catch (e) {
      clockFile.close();
      await workspaceFile?.close();
      throw e;
    }
    const workspace = workspaceFile;
    const generatorProducer = new ProducerCore(
      {
        partitionCount: (topic) => engine.broker.partitionCount(topic),
        produce: (topic, partition, batch) => engine.broker.produce(topic, partition, batch),
        initProducerId: (req) => engine.broker.initProducerId(req),
      },
      engine.scheduler,
      engine.random,
      resolveProducerConfig({}),
    );
    const generators = new GeneratorRunner({
      scheduler: engine.scheduler,
      random: engine.random,
      produce: (records) => produceGenerated(generatorProducer, records),
    });
    const consumers = new WorkbenchConsumers(engine, () => this.saveManifest());
    const clock = this.options.driveClock({
      advance: async (ms) => {
        if (generators.list().length === 0 && consumers.empty) await engine.advance(ms);
        else {
          // With generators running, time moves one generator tick at a time and each
          // tick's records are acknowledged before the next: the clock slows down rather
          // than the generators falling behind it. Workbench consumers poll once a tick.
          for (let left = ms; left > 0; left -= GENERATOR_TICK_MS) {
            await engine.advance(Math.min(left, GENERATOR_TICK_MS));
            await generators.idle();
            await consumers.pollAll();
          }
        }
        clockFile.write(engine.now());
        this.touch();
      },
      now: () => engine.now(),
      onError: (e) => {
        this.lastError = toSeamError(e);
        this.touch();
      },
    });
    const producer = new ProducerCore(
      {
        partitionCount: (topic) => engine.broker.partitionCount(topic),
        produce: (topic, partition, batch) => engine.broker.produce(topic, partition, batch),
        initProducerId: (req) => engine.broker.initProducerId(req),
      },
      engine.scheduler,
      engine.random,
      resolveProducerConfig({}),
    );
    const manifest = saved ?? emptyManifest();
    this.running = { engine, storage, clockFile, clock, producer, generators, consumers, workspace, manifest };
    // The page watches once per selection: a new engine (a reset, a reopened workspace) keeps watching.
    for (const [id, w] of this.appWatches) engine.watchApplication(id, w);
    this.lastError = null;
    this.restartPending = true;
    this.applicationsToStart = [];
    if (saved) {
      await this.restoreWorkspace(saved);
      this.applicationsToStart = saved.applications.filter((a) => a.running);
    } else if (isNew && seedIfNew) {
      if (this.options.processing) this.applicationsToStart = [{ applicationId: FIRST_APPLICATION, source: FIRST_APPLICATION_SOURCE, config: {}, running: true }];
      // The workbench shows this line until someone dismisses it (the note is deleted).
      this.running.manifest = { ...this.running.manifest, notes: { ...this.running.manifest.notes, [FIRST_HINT_NOTE]: FIRST_HINT } };
      try {
        await seedFirstWorld({
          createTopic: (input) => engine.broker.createTopic(input),
          startGenerator: async (input) => generators.start(input),
          addConsumer: (input) => consumers.add(input),
        });
      } catch (e) {
        this.lastError = toSeamError(e);
      }
    }
    this.saveManifest();
    this.touch();
  }

  /** Start again what the saved workspace had running; a part that fails is reported, not fatal. */
  private async restoreWorkspace(saved: WorkspaceManifest): Promise<void> {
    const { generators, consumers, engine } = this.ready(true);
    for (const settings of saved.generators) {
      try {
        if (topicsOf(settings).every((t) => engine.broker.hasTopic(t))) generators.start(settings);
      } catch (e) {
        this.lastError = toSeamError(e);
      }
    }
    try {
      await consumers.restore(saved.groups.filter((g) => g.topics.every((t) => engine.broker.hasTopic(t))));
    } catch (e) {
      this.lastError = toSeamError(e);
    }
  }

  /** Write what the workspace runs now (generators, groups, applications, notes) to its file. */
  private saveManifest(): void {
    const running = this.running;
    if (!running) return;
    running.manifest = {
      ...running.manifest,
      generators: running.generators.list().map(({ kind, topic, secondTopic, ratePerSecond, outOfOrder, jitterMs, late, lateByMs }) => ({
        kind,
        topic,
        secondTopic,
        ratePerSecond,
        outOfOrder,
        jitterMs,
        late,
        lateByMs,
      })),
      groups: running.consumers.snapshot(),
      applications: running.manifest.applications,
    };
    running.workspace.write(running.manifest).catch((e: unknown) => {
      this.lastError = toSeamError(e);
    });
  }

  private async close(): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    // A start under way finishes on the old engine (and sees it is no longer current), so
    // the engine's close below stops that application with the rest and closes its files.
    await this.waitForApplicationCalls();
    running.generators.dispose();
    await running.clock.dispose();
    await running.consumers.idle();
    await running.workspace.close();
    await running.engine.close();
    running.clockFile.close();
  }

  private serially(work: () => Promise<void>): Promise<void> {
    const run = this.lifecycle.then(work);
    this.lifecycle = run.catch(() => {});
    return run;
  }
}

function toOutgoing(topic: string, r: JsonRecordInput, index: number): OutgoingRecord {
  if (typeof r !== "object" || r === null || r.value === undefined) {
    throw new KafkaError("INVALID_RECORD", `produce to "${topic}": record ${index} has no value (use null for a tombstone)`);
  }
  if (r.timestamp !== undefined && (!Number.isSafeInteger(r.timestamp) || r.timestamp < 0)) {
    throw new KafkaError("INVALID_TIMESTAMP", `produce to "${topic}": record ${index} has timestamp ${String(r.timestamp)}, not a whole number of ms ≥ 0`);
  }
  if (r.partition !== undefined && (!Number.isInteger(r.partition) || r.partition < 0)) {
    throw new KafkaError("UNKNOWN_TOPIC_OR_PARTITION", `produce to "${topic}": record ${index} names partition ${String(r.partition)}`);
  }
  return {
    key: serializeKey(r.key),
    value: serializeValue(r.value),
    headers: r.headers ? serializeHeaders(r.headers) : [],
    ...(r.timestamp !== undefined ? { timestamp: r.timestamp } : {}),
    ...(r.partition !== undefined ? { partition: r.partition } : {}),
  };
}

/** Generated records through one idempotent acks=all producer, acknowledged when this resolves. */
async function produceGenerated(producer: ProducerCore, records: GeneratedRecord[]): Promise<void> {
  const byTopic = new Map<string, OutgoingRecord[]>();
  for (const r of records) {
    let list = byTopic.get(r.topic);
    if (!list) byTopic.set(r.topic, (list = []));
    list.push({
      key: serializeKey(r.key),
      value: serializeValue(r.value),
      timestamp: r.timestamp,
      headers: r.headers ? serializeHeaders(r.headers) : [],
    });
  }
  const acks: Array<Promise<unknown>> = [];
  for (const [topic, list] of byTopic) acks.push(...(await producer.send(topic, list)));
  const settled = Promise.all(acks);
  settled.catch(() => {});
  await producer.flush();
  await settled;
}

function checkOffset(topic: string, partition: number, offset: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new KafkaError("OFFSET_OUT_OF_RANGE", `${topic}-${partition}: ${String(offset)} is not an offset`);
  }
}

function segmentOf(segments: ReadonlyArray<{ baseOffset: number; fileName: string }>, offset: number): string {
  let name = segments[0]?.fileName ?? "";
  for (const s of segments) {
    if (s.baseOffset > offset) break;
    name = s.fileName;
  }
  return name;
}

function controlName(type: string | number): string {
  return typeof type === "string" ? type : `control type ${type}`;
}

/**
 * The same API with every failure turned into the plain `{ type, message }` that survives
 * structured clone (workers/protocol/seam-error.ts); the client turns it back into a
 * KafkaError.
 */
export function seamSafe(api: EngineApi): EngineApi {
  const out: Record<string, unknown> = {};
  for (const name of API_METHODS) {
    const method = api[name] as (...args: unknown[]) => Promise<unknown>;
    out[name] = async (...args: unknown[]) => {
      try {
        return await method.apply(api, args);
      } catch (e) {
        throw toSeamError(e);
      }
    };
  }
  return out as unknown as EngineApi;
}

export const API_METHODS = [
  "status",
  "listTopics",
  "describeTopic",
  "createTopic",
  "deleteTopic",
  "alterTopicConfig",
  "produceJson",
  "produceBatch",
  "readRange",
  "readBatches",
  "checkLog",
  "subscribe",
  "unsubscribe",
  "play",
  "pause",
  "step",
  "setSpeed",
  "now",
  "resetWorkspace",
  "roll",
  "cleanTopic",
  "runRetention",
  "cleanableRanges",
  "locateRecord",
  "startGenerator",
  "updateGenerator",
  "stopGenerator",
  "listGenerators",
  "describeWorkbenchGroups",
  "addConsumer",
  "removeConsumer",
  "crashConsumer",
  "setConsumerRate",
  "setGroupAssignor",
  "rewindGroup",
  "consumedRecords",
  "workspaceNotes",
  "saveWorkspaceNote",
  "startApplication",
  "stopApplication",
  "restartApplication",
  "resetApplication",
  "describeApplications",
  "removeApplication",
  "watchNode",
  "watchOrdering",
  "executeSql",
  "pushQueryRows",
  "cancelPushQuery",
  "sqlCatalog",
  "editorDeclarations",
] as const satisfies ReadonlyArray<keyof EngineApi>;

// Every method of EngineApi must be in API_METHODS, or seamSafe would drop it.
type Unlisted = Exclude<keyof EngineApi, (typeof API_METHODS)[number]>;
const _everyMethodListed: [Unlisted] extends [never] ? true : Unlisted = true;
