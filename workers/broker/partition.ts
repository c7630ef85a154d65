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

/** Bytes appended before the partition forces them to stable storage (group commit). */
export const GROUP_COMMIT_BYTES = 1 << 20;

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
  private unflushedBytes = 0;
  private unflushedMessages = 0;
  private lastFlushAt = 0;

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
   * Append a producer's batches (one produce request for this partition), as Kafka's
   * LogValidator and UnifiedLog do: the whole request is validated before anything is
   * written, retries are dropped by sequence number, and the accepted batches go to the log
   * in one write. Durability follows {@link maybeFlush}.
   */
  append(buffer: Uint8Array, now: number): Promise<PartitionAppendResult> {
    return this.queue.run(async () => {
      const batches = this.validateRequest(buffer, now);
      const before = this.producers.snapshot();
      let baseOffset = -1;
      let last = -1;
      let logAppendTime = -1;
      let records = 0;
      let duplicates = 0;
      // Runs of consecutive accepted batches are appended with one call (one storage write).
      let runStart = -1;
      let runEnd = -1;
      let nextOffset = this.log.logEndOffset;
      try {
        for (const b of batches) {
          const check = this.producers.check(b.header);
          if (check !== "append") {
            duplicates++;
            if (runStart >= 0) ({ logAppendTime } = await this.appendRun(buffer, runStart, runEnd, now));
            runStart = -1;
            if (baseOffset < 0) baseOffset = check.duplicate.firstOffset;
            last = check.duplicate.lastOffset;
            continue;
          }
          // The log assigns offsets densely from its end, so each batch's first offset is known now.
          this.producers.update(b.header, nextOffset);
          if (baseOffset < 0) baseOffset = nextOffset;
          last = nextOffset + b.header.lastOffsetDelta;
          nextOffset = last + 1;
          records += b.header.recordsCount;
          if (runStart < 0) runStart = b.pos;
          runEnd = b.pos + b.size;
        }
        if (runStart >= 0) ({ logAppendTime } = await this.appendRun(buffer, runStart, runEnd, now));
      } catch (e) {
        // Nothing of a refused request may linger in the producers' state.
        this.producers.loadSnapshot(before);
        throw e;
      }
      this.log.setHighWatermark(this.log.logEndOffset);
      this.maybeFlush(records, runStart >= 0 || records > 0 ? buffer.length : 0, now);
      return {
        baseOffset,
        lastOffset: last,
        logAppendTime,
        logStartOffset: this.log.logStartOffset,
        duplicate: duplicates === batches.length,
        recordCount: records,
        bytes: buffer.length,
      };
    });
  }

  /** Every check of Kafka's LogValidator, over the whole request, before any write. */
  private validateRequest(buffer: Uint8Array, now: number): Array<{ pos: number; size: number; header: BatchHeader }> {
    const batches: Array<{ pos: number; size: number; header: BatchHeader }> = [];
    let consumed = 0;
    const maxBytes = this.config["max.message.bytes"];
    for (const { pos, header } of batchesIn(buffer)) {
      const size = header.batchLength + 12;
      consumed = pos + size;
      const bytes = buffer.subarray(pos, pos + size);
      validateBatch(bytes);
      if (isControl(header)) throw new KafkaError("INVALID_RECORD", `${this.name}: producers cannot write control batches`);
      if (size > maxBytes) {
        throw new KafkaError("MESSAGE_TOO_LARGE", `${this.name}: a record batch of ${size} bytes is larger than max.message.bytes=${maxBytes}`);
      }
      this.checkRecords(bytes, header, now);
      batches.push({ pos, size, header });
    }
    if (batches.length === 0 || consumed !== buffer.length) {
      throw new KafkaError("CORRUPT_MESSAGE", `${this.name}: the produce request holds ${buffer.length - consumed} bytes that are not a whole record batch`);
    }
    return batches;
  }

  private appendRun(buffer: Uint8Array, start: number, end: number, now: number) {
    return this.log.appendAsLeader(buffer.subarray(start, end), {
      timestampType: this.config["message.timestamp.type"],
      now,
      validated: true,
    });
  }

  /**
   * When appended bytes are forced to stable storage. Kafka never fsyncs per request by
   * default (flush.messages and flush.ms are "never"); it acknowledges once the bytes are
   * in the log and leaves the rest to replication and the OS. streamlab does the same and
   * adds a group commit: a flush once a MiB is waiting, on every segment roll, on
   * shutdown, and whenever flush.messages or flush.ms say so. On OPFS, written bytes
   * survive a killed worker and a reload even before a flush, so an acknowledged record
   * is never lost to a crashed tab; the flush guards against the machine going down.
   */
  private maybeFlush(messages: number, bytes: number, now: number): void {
    this.unflushedMessages += messages;
    this.unflushedBytes += bytes;
    if (this.unflushedBytes === 0 && this.unflushedMessages === 0) return;
    if (
      this.unflushedBytes >= GROUP_COMMIT_BYTES ||
      this.unflushedMessages >= this.config["flush.messages"] ||
      now - this.lastFlushAt >= this.config["flush.ms"]
    ) {
      this.flush(now);
    }
  }

  /** Force everything appended so far to stable storage. */
  flush(now: number): void {
    if (this.unflushedBytes === 0 && this.unflushedMessages === 0) return;
    this.log.flush();
    this.unflushedBytes = 0;
    this.unflushedMessages = 0;
    this.lastFlushAt = now;
  }

  get hasUnflushedData(): boolean {
    return this.unflushedBytes > 0 || this.unflushedMessages > 0;
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
      // A transaction's outcome is forced to disk at once, with everything before it.
      this.unflushedMessages++;
      this.flush(now);
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

