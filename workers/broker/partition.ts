/**
 * A partition as its leader sees it: the partition log plus what only a leader knows —
 * the producers writing to it (idempotence, transactions), the high watermark and the last
 * stable offset, and the checks Kafka's broker makes before it appends a producer's batch.
 *
 * The log underneath knows none of this, so a follower (replication comes later) can
 * append fetched batches with their original offsets and truncate to an offset.
 */
import type { PartitionLog } from "../log/partition-log";
import {
  batchesIn,
  decodeControlRecord,
  decodeRecords,
  isControl,
  isTransactional,
  type BatchHeader,
  type ControlType,
  encodeControlBatch,
  validateBatch,
} from "../log/record-batch";
import { KafkaError } from "../protocol/errors";
import type { TopicConfig } from "../protocol/topic-config";
import { ProducerStateManager, type CompletedTxn, type LoggedBatch } from "./producer-state";
import { SerialQueue } from "./serial-queue";

export interface PartitionAppendResult {
  /** Offset of the first record appended (or of the original append for a duplicate). */
  baseOffset: number;
  lastOffset: number;
  /** -1 unless the topic uses LogAppendTime. */
  logAppendTime: number;
  logStartOffset: number;
  /** True when every batch was a retry of one already in the log. */
  duplicate: boolean;
  recordCount: number;
  bytes: number;
}

export type IsolationLevel = "read_uncommitted" | "read_committed";

export interface PartitionFetchResult {
  bytes: Uint8Array;
  /** Offset after the last batch returned. */
  nextOffset: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  /** read_committed: transactions aborted inside the returned range (KIP-98 FetchResponse). */
  abortedTransactions: Array<{ producerId: number; firstOffset: number }>;
}

export class Partition {
  readonly topic: string;
  readonly index: number;
  readonly log: PartitionLog;
  readonly producers: ProducerStateManager;
  /** Every op that mutates or swaps the log's files runs through here, one at a time. */
  readonly queue = new SerialQueue();
  private config: TopicConfig;
  private aborted: CompletedTxn[] = [];

  private constructor(topic: string, index: number, log: PartitionLog, config: TopicConfig) {
    this.topic = topic;
    this.index = index;
    this.log = log;
    this.config = config;
    this.producers = new ProducerStateManager(topic, index);
  }

  /** Wrap an opened log and rebuild producer and transaction state by reading it once. */
  static async load(topic: string, index: number, log: PartitionLog, config: TopicConfig): Promise<Partition> {
    const p = new Partition(topic, index, log, config);
    await p.rebuildProducerState();
    log.setHighWatermark(log.logEndOffset);
    return p;
  }

  get name(): string {
    return `${this.topic}-${this.index}`;
  }

  get topicConfig(): TopicConfig {
    return this.config;
  }

  updateConfig(config: TopicConfig, logConfig: Parameters<PartitionLog["updateConfig"]>[0]): void {
    this.config = config;
    this.log.updateConfig(logConfig);
  }

  get logStartOffset(): number {
    return this.log.logStartOffset;
  }

  get logEndOffset(): number {
    return this.log.logEndOffset;
  }

  get highWatermark(): number {
    return this.log.highWatermark;
  }

  /** min(first offset of the earliest open transaction, HW). */
  get lastStableOffset(): number {
    const unstable = this.producers.firstUnstableOffset();
    return unstable === undefined ? this.highWatermark : Math.min(unstable, this.highWatermark);
  }

  /**
   * Append a producer's batches (one produce request for this partition). Validates each
   * batch as Kafka's LogValidator does, drops retries by sequence number, then flushes once
   * for the whole request (group commit).
   */
  append(buffer: Uint8Array, now: number): Promise<PartitionAppendResult> {
    return this.queue.run(async () => {
      let baseOffset = -1;
      let last = -1;
      let logAppendTime = -1;
      let duplicates = 0;
      let batches = 0;
      let records = 0;
      let consumed = 0;
      for (const { pos, header } of batchesIn(buffer)) {
        consumed = pos + header.batchLength + 12;
        batches++;
        const size = header.batchLength + 12;
        const bytes = buffer.subarray(pos, pos + size);
        validateBatch(bytes);
        if (isControl(header)) {
          throw new KafkaError("INVALID_RECORD", `${this.name}: producers cannot write control batches`);
        }
        this.checkRecords(bytes, header, now);
        const check = this.producers.check(header);
        if (check !== "append") {
          duplicates++;
          if (baseOffset < 0) baseOffset = check.duplicate.firstOffset;
          last = check.duplicate.lastOffset;
          continue;
        }
        const info = await this.log.appendAsLeader(bytes, { timestampType: this.config["message.timestamp.type"], now, validated: true });
        this.producers.update(header, info.firstOffset);
        if (baseOffset < 0) baseOffset = info.firstOffset;
        last = info.lastOffset;
        logAppendTime = info.logAppendTime;
        records += header.recordsCount;
      }
      if (batches === 0 || consumed !== buffer.length) {
        throw new KafkaError("CORRUPT_MESSAGE", `${this.name}: the produce request holds ${buffer.length - consumed} bytes that are not a whole record batch`);
      }
      this.log.flush();
      this.log.setHighWatermark(this.log.logEndOffset);
      return {
        baseOffset,
        lastOffset: last,
        logAppendTime,
        logStartOffset: this.log.logStartOffset,
        duplicate: duplicates === batches,
        recordCount: records,
        bytes: buffer.length,
      };
    });
  }

  /** Kafka's per-record checks: keys on compacted topics, and timestamps not too far from now. */
  private checkRecords(bytes: Uint8Array, header: BatchHeader, now: number): void {
    const after = this.config["message.timestamp.after.max.ms"];
    const before = this.config["message.timestamp.before.max.ms"];
    const compacted = this.config["cleanup.policy"].includes("compact");
    const checkTimes = this.config["message.timestamp.type"] === "CreateTime";
    if (checkTimes && header.maxTimestamp - now > after) {
      throw new KafkaError(
        "INVALID_TIMESTAMP",
        `${this.name}: record timestamp ${header.maxTimestamp} is more than message.timestamp.after.max.ms=${after} ahead of the broker's time ${now}`,
      );
    }
    const needRecords = compacted || (checkTimes && before < Number.MAX_SAFE_INTEGER);
    if (!needRecords) return;
    for (const r of decodeRecords(bytes)) {
      if (compacted && r.key === null) {
        throw new KafkaError("INVALID_RECORD", `${this.name}: compacted topic cannot accept message without key (offset delta ${r.offset - header.baseOffset})`);
      }
      if (checkTimes && now - r.timestamp > before) {
        throw new KafkaError(
          "INVALID_TIMESTAMP",
          `${this.name}: record timestamp ${r.timestamp} is more than message.timestamp.before.max.ms=${before} behind the broker's time ${now}`,
        );
      }
    }
  }

  /** Write a COMMIT or ABORT marker for a producer's transaction (the transaction coordinator's job). */
  writeMarker(type: ControlType, producerId: number, producerEpoch: number, coordinatorEpoch: number, now: number): Promise<number> {
    return this.queue.run(async () => {
      const batch = encodeControlBatch({ type, producerId, producerEpoch, coordinatorEpoch, timestamp: now });
      const info = await this.log.appendAsLeader(batch, { timestampType: this.config["message.timestamp.type"], now, origin: "coordinator" });
      const done = this.producers.onControlBatch(type, producerId, info.firstOffset, { producerEpoch, coordinatorEpoch, timestamp: now });
      if (done?.isAborted) this.aborted.push(done);
      this.log.flush();
      this.log.setHighWatermark(this.log.logEndOffset);
      return info.firstOffset;
    });
  }

  /**
   * Fetch from `offset`: whole batches up to the high watermark (read_uncommitted) or the
   * last stable offset (read_committed). At least one batch when any is visible.
   */
  async fetch(offset: number, maxBytes: number, isolation: IsolationLevel = "read_uncommitted"): Promise<PartitionFetchResult> {
    const limit = isolation === "read_committed" ? this.lastStableOffset : this.highWatermark;
    const empty = (): PartitionFetchResult => ({
      bytes: new Uint8Array(0),
      nextOffset: offset,
      highWatermark: this.highWatermark,
      lastStableOffset: this.lastStableOffset,
      logStartOffset: this.logStartOffset,
      abortedTransactions: [],
    });
    if (offset >= limit && offset <= this.logEndOffset && offset >= this.logStartOffset) return empty();
    const data = await this.log.read(offset, maxBytes, { maxOffset: limit });
    const aborted =
      isolation === "read_committed"
        ? this.aborted
            .filter((t) => t.lastOffset >= offset && t.firstOffset < data.nextOffset)
            .map((t) => ({ producerId: t.producerId, firstOffset: t.firstOffset }))
        : [];
    return {
      bytes: data.bytes,
      nextOffset: data.nextOffset,
      highWatermark: this.highWatermark,
      lastStableOffset: this.lastStableOffset,
      logStartOffset: this.logStartOffset,
      abortedTransactions: aborted,
    };
  }

  /** Aborted transactions overlapping [from, to): what the cleaner must drop. */
  abortedBetween(from: number, to: number): CompletedTxn[] {
    return this.aborted.filter((t) => t.lastOffset >= from && t.firstOffset < to);
  }

  private async rebuildProducerState(): Promise<void> {
    const logged: LoggedBatch[] = [];
    let offset = this.log.logStartOffset;
    const end = this.log.logEndOffset;
    while (offset < end) {
      const data = await this.log.read(offset, 1 << 20, { maxOffset: end });
      if (data.bytes.length === 0) break;
      for (const { pos, header } of batchesIn(data.bytes)) {
        if (header.producerId < 0 && !isTransactional(header)) continue;
        const entry: LoggedBatch = { header, firstOffset: header.baseOffset };
        if (isControl(header)) {
          const rec = decodeRecords(data.bytes, pos)[0];
          const marker = rec ? decodeControlRecord(rec) : undefined;
          if (marker && (marker.type === "COMMIT" || marker.type === "ABORT")) entry.controlType = marker.type;
        }
        logged.push(entry);
      }
      offset = data.nextOffset;
    }
    this.aborted = this.producers.rebuildFrom(logged).filter((t) => t.isAborted);
  }

  /** For housekeeping: batches fully below the log start no longer need their producer state. */
  describe(): { logStartOffset: number; logEndOffset: number; highWatermark: number; lastStableOffset: number } {
    return {
      logStartOffset: this.logStartOffset,
      logEndOffset: this.logEndOffset,
      highWatermark: this.highWatermark,
      lastStableOffset: this.lastStableOffset,
    };
  }
}

