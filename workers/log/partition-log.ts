/**
 * One partition's log on storage (Kafka's UnifiedLog/LocalLog without replication or
 * producer state): a directory of segments, the offsets that delimit what may be read
 * (logStartOffset, high watermark, log end offset), appends from a producer or from a
 * leader, truncation, reads in whole batches, timestamp lookup, segment deletion and the
 * cleaner's segment swap.
 *
 * Every operation runs alone: calls queue behind each other, so an append that has to
 * roll (and wait for storage to create files) cannot interleave with a read or another
 * append. Only the active segment keeps its files open; closed segments open their `.log`
 * on demand and a few stay open for the next reads.
 */
import type { Storage } from "../storage/storage";
import type { Clock } from "../runtime/clock";
import { SeededRandom, type Random } from "../runtime/random";
import { KafkaError, isKafkaError } from "../protocol/errors";
import { crc32c } from "./crc32c";
import {
  BATCH_HEADER_SIZE,
  LOG_OVERHEAD,
  batchSize,
  decodeRecords,
  isControl,
  lastOffset,
  readBatchHeader,
  setBaseOffset,
  stampLogAppendTime,
  timestampType as timestampTypeOf,
  validateBatch,
  type BatchHeader,
  type TimestampType,
} from "./record-batch";
import { isCompacted, type LogConfig } from "./log-config";
import { LogSegment, batchInfo, type BatchInfo, type RollReason, type SegmentSettings } from "./segment";
import { loadLog } from "./log-loader";
import { LOG_START_OFFSET_CHECKPOINT, RECOVERY_POINT_CHECKPOINT, writeOffsetCheckpoint } from "./checkpoint-file";
import { joinPath, segmentFileName } from "./segment-name";
import { INT32_MAX } from "./offset-index";
import { NO_TIMESTAMP } from "./time-index";

export type { RollReason } from "./segment";

export type DeleteReason = "retention-time" | "retention-bytes" | "log-start-offset";
export type LogStartReason = DeleteReason | "delete-records" | "truncate";

/** What happened to a log, for the workbench (one event per change, never per record). */
export type LogEvent =
  | { type: "segment-rolled"; log: string; baseOffset: number; previousBaseOffset: number; reason: RollReason }
  | { type: "segment-deleted"; log: string; baseOffset: number; sizeInBytes: number; reason: DeleteReason | "truncate" }
  | { type: "log-start-offset-moved"; log: string; from: number; to: number; reason: LogStartReason }
  | { type: "truncated"; log: string; from: number; to: number }
  | { type: "recovered"; log: string; truncatedBytes: number; deletedSegments: number[]; recoveredSegments: number[] }
  | { type: "segments-replaced"; log: string; old: number[]; new: number };

export interface AppendInfo {
  firstOffset: number;
  lastOffset: number;
  /** Largest batch max timestamp appended (the broker's time for LogAppendTime). */
  maxTimestamp: number;
  /** The broker time stamped on the batches, or -1 for CreateTime. */
  logAppendTime: number;
  /** Byte position of the first batch in its segment's `.log`. */
  position: number;
  segmentBaseOffset: number;
  sizeInBytes: number;
  recordCount: number;
}

export interface FetchData {
  /** Whole batches, back to back, as stored. */
  bytes: Uint8Array;
  /** Base offset of the first returned batch (may be below the fetch offset); the fetch offset when empty. */
  firstOffset: number;
  /** Offset after the last returned batch; the fetch offset when empty. */
  nextOffset: number;
  highWatermark: number;
  logStartOffset: number;
}

export interface ReadOptions {
  /** Exclusive upper bound (HW or LSO): no batch holding an offset at or above it is returned. Default LEO. */
  maxOffset?: number;
  /** Return the first batch even if it is larger than maxBytes (Kafka does for the first partition of a fetch). Default true. */
  minOneBatch?: boolean;
}

export interface LeaderAppendOptions {
  timestampType: TimestampType;
  /** Broker time: LogAppendTime stamp and segment.ms for batches without timestamps. */
  now: number;
  /**
   * Who writes: producers ("client", the default) may not write control batches and must
   * send batches whose offset range matches their record count; the transaction
   * coordinator ("coordinator") writes markers.
   */
  origin?: "client" | "coordinator";
  /**
   * Every batch in the buffer has just passed `validateBatch` (the broker's partition runs
   * it before its producer checks), so the CRC over every byte is not computed a second time.
   */
  validated?: boolean;
}

export interface SegmentInfo {
  baseOffset: number;
  /** Offset after the segment's last batch (its base offset when empty). */
  nextOffset: number;
  sizeInBytes: number;
  /** Max timestamp of the first batch (what segment.ms counts from), -1 if none. */
  firstTimestamp: number;
  /** Largest record timestamp (else the last modification time), as retention sees it. */
  largestTimestamp: number;
  createdAt: number;
  isActive: boolean;
  /** `00000000000000368769.log` */
  fileName: string;
}

export interface PartitionLogOptions {
  /** Draws each segment's roll jitter when segment.jitter.ms > 0 (default seeded from the directory name). */
  random?: Random;
  /** How many closed segments keep their `.log` open for reads (default 4). */
  openSegmentCache?: number;
}

export type LogListener = (event: LogEvent) => void;

const EMPTY: Uint8Array = new Uint8Array(0);

export class PartitionLog {
  readonly storage: Storage;
  /** The partition directory, e.g. `orders-0`; also the partition's name in messages. */
  readonly dir: string;
  private cfg: LogConfig;
  private readonly clock: Clock;
  private readonly listener: LogListener | undefined;
  private readonly random: Random;
  private readonly cacheSize: number;

  private segments: LogSegment[];
  private startOffset: number;
  private hw: number;
  private recoveryPoint: number;
  /** Closed segments with an open `.log`, least recently used first. */
  private readers: LogSegment[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(storage: Storage, dir: string, config: LogConfig, clock: Clock, listener: LogListener | undefined, options: PartitionLogOptions) {
    this.storage = storage;
    this.dir = dir;
    this.cfg = config;
    this.clock = clock;
    this.listener = listener;
    this.random = options.random ?? new SeededRandom(hashName(dir));
    this.cacheSize = Math.max(0, options.openSegmentCache ?? 4);
    this.segments = [];
    this.startOffset = 0;
    this.hw = 0;
    this.recoveryPoint = 0;
  }

  /** Open (or create) the log in `dir`, recovering its tail (section 1.5). */
  static async open(
    storage: Storage,
    dir: string,
    config: LogConfig,
    clock: Clock,
    listener?: LogListener,
    options: PartitionLogOptions = {},
  ): Promise<PartitionLog> {
    const log = new PartitionLog(storage, dir, config, clock, listener, options);
    const loaded = await loadLog(storage, dir, () => log.segmentSettings(), clock.now());
    log.segments = loaded.segments;
    log.startOffset = loaded.logStartOffset;
    log.recoveryPoint = loaded.recoveryPoint;
    // A single broker commits on write; replication will lower this through setHighWatermark.
    log.hw = log.logEndOffset;
    log.emit({
      type: "recovered",
      log: dir,
      truncatedBytes: loaded.truncatedBytes,
      deletedSegments: loaded.deletedSegments,
      recoveredSegments: loaded.recoveredSegments,
    });
    return log;
  }

  // ---- offsets ----

  get config(): LogConfig {
    return this.cfg;
  }

  get logStartOffset(): number {
    return this.startOffset;
  }

  /** LEO: the offset the next record gets. */
  get logEndOffset(): number {
    return this.active.nextOffset;
  }

  get highWatermark(): number {
    return this.hw;
  }

  /** Total bytes of all segments' `.log` files (what retention.bytes limits). */
  get size(): number {
    let total = 0;
    for (const s of this.segments) total += s.size;
    return total;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Kept within [logStartOffset, LEO], as Kafka's updateHighWatermark does. */
  setHighWatermark(offset: number): void {
    this.hw = Math.min(Math.max(offset, this.startOffset), this.logEndOffset);
  }

  updateConfig(config: LogConfig): void {
    this.cfg = config;
  }

  // ---- appending ----

  /**
   * Append one or more producer batches (back to back in `batch`): validate them, stamp
   * LogAppendTime if asked, assign offsets from LEO by rewriting each baseOffset in place,
   * roll if needed, and write them with one storage call. The high watermark is left to
   * the caller.
   */
  appendAsLeader(batch: Uint8Array, opts: LeaderAppendOptions): Promise<AppendInfo> {
    return this.exclusive(async () => {
      const infos = this.validateLeaderBatches(batch, opts);
      let next = this.logEndOffset;
      for (const b of infos) {
        const delta = b.lastOffset - b.baseOffset;
        setBaseOffset(batch, b.pos, next);
        b.baseOffset = next;
        b.lastOffset = next + delta;
        next = b.lastOffset + 1;
      }
      return this.appendLocked(batch, infos, opts.now, opts.timestampType === "LogAppendTime" ? opts.now : NO_TIMESTAMP);
    });
  }

  /** Append batches fetched from a leader, keeping their offsets (which must start at or above LEO). */
  appendAsFollower(batch: Uint8Array): Promise<AppendInfo> {
    return this.exclusive(async () => {
      const infos: BatchInfo[] = [];
      let expected = this.logEndOffset;
      this.forEachBatch(batch, false, (h, pos) => {
        if (h.baseOffset < expected) {
          throw new KafkaError(
            "INVALID_RECORD",
            `append to ${this.dir} as follower: batch at offset ${h.baseOffset} is below the expected offset ${expected} (log end offset ${this.logEndOffset})`,
          );
        }
        infos.push(batchInfo(h, pos));
        expected = lastOffset(h) + 1;
      });
      return this.appendLocked(batch, infos, this.clock.now(), NO_TIMESTAMP);
    });
  }

  private async appendLocked(buf: Uint8Array, infos: BatchInfo[], now: number, logAppendTime: number): Promise<AppendInfo> {
    let position = -1;
    let segmentBaseOffset = -1;
    let maxTimestamp = NO_TIMESTAMP;
    let recordCount = 0;
    for (const b of infos) {
      if (b.maxTimestamp > maxTimestamp) maxTimestamp = b.maxTimestamp;
      recordCount += b.recordsCount;
    }
    let i = 0;
    while (i < infos.length) {
      const first = infos[i]!;
      let runMaxTs = NO_TIMESTAMP;
      for (let k = i; k < infos.length; k++) runMaxTs = Math.max(runMaxTs, infos[k]!.maxTimestamp);
      const reason = this.active.shouldRoll({
        messagesSize: buf.length - first.pos,
        maxTimestamp: runMaxTs,
        maxOffset: infos[infos.length - 1]!.lastOffset,
        now,
        segmentBytes: this.cfg.segmentBytes,
        segmentMs: this.cfg.segmentMs,
      });
      if (reason !== undefined) await this.rollLocked(Math.max(this.logEndOffset, first.baseOffset), reason, now);
      const segment = this.active;
      // Offsets a segment cannot index (a follower's sparse offsets) go to the next segment.
      let j = i;
      while (j < infos.length && segment.canHoldOffset(infos[j]!.lastOffset)) j++;
      if (j === i) {
        throw new KafkaError("INVALID_RECORD", `append to ${this.dir}: batch at offset ${first.baseOffset} cannot be indexed in segment ${segment.baseOffset}`);
      }
      const end = j < infos.length ? infos[j]!.pos : buf.length;
      if (position < 0) {
        position = segment.size;
        segmentBaseOffset = segment.baseOffset;
      }
      segment.append(buf, first.pos, end, infos.slice(i, j), now);
      i = j;
    }
    return {
      firstOffset: infos[0]!.baseOffset,
      lastOffset: infos[infos.length - 1]!.lastOffset,
      maxTimestamp,
      logAppendTime,
      position,
      segmentBaseOffset,
      sizeInBytes: buf.length,
      recordCount,
    };
  }

  /** Kafka's LogValidator checks for a producer's batches (uncompressed, magic 2). */
  private validateLeaderBatches(buf: Uint8Array, opts: LeaderAppendOptions): BatchInfo[] {
    if (buf.length > this.cfg.segmentBytes) {
      throw new KafkaError(
        "RECORD_LIST_TOO_LARGE",
        `message batch size is ${buf.length} bytes in append to partition ${this.dir} which exceeds the maximum configured segment size of ${this.cfg.segmentBytes} (segment.bytes)`,
      );
    }
    const infos: BatchInfo[] = [];
    const fromClient = (opts.origin ?? "client") === "client";
    const compacted = isCompacted(this.cfg);
    this.forEachBatch(buf, opts.validated === true, (h, pos) => {
      const size = batchSize(h);
      if (size > this.cfg.maxMessageBytes) {
        throw new KafkaError(
          "MESSAGE_TOO_LARGE",
          `the record batch of ${size} bytes in the append to ${this.dir} exceeds max.message.bytes (${this.cfg.maxMessageBytes})`,
        );
      }
      if (fromClient) {
        if (h.recordsCount <= 0) throw new KafkaError("INVALID_RECORD", `record batch in the append to ${this.dir} reports ${h.recordsCount} records`);
        if (h.lastOffsetDelta + 1 !== h.recordsCount) {
          throw new KafkaError(
            "INVALID_RECORD",
            `record batch in the append to ${this.dir} spans ${h.lastOffsetDelta + 1} offsets but holds ${h.recordsCount} records`,
          );
        }
        if (isControl(h)) throw new KafkaError("INVALID_RECORD", `clients may not write control records (append to ${this.dir})`);
        if (h.producerId >= 0 && h.baseSequence < 0) {
          throw new KafkaError("INVALID_RECORD", `record batch of producer ${h.producerId} in the append to ${this.dir} has no base sequence`);
        }
      }
      let maxTimestamp = h.maxTimestamp;
      const backToCreateTime = opts.timestampType === "CreateTime" && timestampTypeOf(h) === "LogAppendTime";
      // Decoding a LogAppendTime batch reports the append time for every record; the flag
      // goes first so the records' own (create) timestamps come back.
      if (backToCreateTime) clearLogAppendTime(buf, pos);
      if (compacted || backToCreateTime) {
        const records = isControl(h) ? [] : decodeRecords(buf, pos);
        if (compacted && records.some((r) => r.key === null)) {
          throw new KafkaError("INVALID_RECORD", `compacted topic cannot accept message without key in topic partition ${this.dir}`);
        }
        if (backToCreateTime) {
          maxTimestamp = records.reduce((m, r) => Math.max(m, r.timestamp), NO_TIMESTAMP);
          setMaxTimestamp(buf, pos, size, maxTimestamp);
        }
      }
      if (opts.timestampType === "LogAppendTime") {
        stampLogAppendTime(buf, pos, opts.now);
        maxTimestamp = opts.now;
      }
      infos.push({ ...batchInfo(h, pos), maxTimestamp });
    });
    return infos;
  }

  /**
   * Check every batch's CRC and framing; the buffer must hold whole batches only. With
   * `validated`, a batch that frames correctly is taken as checked already; one that does
   * not still goes through the full check, for its error.
   */
  private forEachBatch(buf: Uint8Array, validated: boolean, visit: (h: BatchHeader, pos: number) => void): void {
    if (buf.length === 0) throw new KafkaError("INVALID_RECORD", `empty record set in the append to ${this.dir}`);
    let pos = 0;
    while (pos < buf.length) {
      let header: BatchHeader;
      try {
        header = validated ? framedHeader(buf, pos) : validateBatch(buf, pos);
      } catch (e) {
        if (isKafkaError(e)) throw new KafkaError(e.type, `append to ${this.dir}: ${withoutType(e)}`);
        throw e;
      }
      visit(header, pos);
      pos += batchSize(header);
    }
  }

  // ---- rolling ----

  /** Close the active segment now (if it holds anything) and start a new one at LEO. */
  roll(): Promise<void> {
    return this.exclusive(() => this.rollLocked(this.logEndOffset, "requested", this.clock.now()));
  }

  private async rollLocked(newBase: number, reason: RollReason, now: number): Promise<void> {
    const old = this.active;
    if (old.size === 0) {
      if (old.baseOffset === newBase) return;
      // Empty and behind a follower's next batch: replace it rather than leave it empty in the middle.
      this.segments.pop();
      await old.delete();
    } else {
      old.deactivate();
      this.remember(old);
    }
    this.segments.push(await LogSegment.create(this.storage, this.dir, newBase, this.segmentSettings(), now));
    await this.checkpointRecoveryPoint(newBase);
    this.emit({ type: "segment-rolled", log: this.dir, baseOffset: newBase, previousBaseOffset: old.baseOffset, reason });
  }

  // ---- truncation ----

  /** Remove every batch holding an offset >= `offset` (whole batches) and all later segments. */
  truncateTo(offset: number): Promise<void> {
    return this.exclusive(async () => {
      if (!Number.isSafeInteger(offset) || offset < 0) {
        throw new KafkaError("OFFSET_OUT_OF_RANGE", `cannot truncate ${this.dir} to offset ${offset}`);
      }
      const from = this.logEndOffset;
      if (offset >= from) return;
      const now = this.clock.now();
      if (offset < this.segments[0]!.baseOffset) {
        await this.truncateFullyAndStartAt(offset, now);
      } else {
        while (this.segments.length > 1 && this.active.baseOffset > offset) {
          const doomed = this.segments.pop()!;
          this.forget(doomed);
          await doomed.delete();
          this.emit({ type: "segment-deleted", log: this.dir, baseOffset: doomed.baseOffset, sizeInBytes: doomed.size, reason: "truncate" });
        }
        const last = this.active;
        if (last.isActive) {
          last.truncateTo(offset, now);
        } else {
          this.forget(last);
          await last.openLog();
          last.truncateTo(offset, now);
          await last.activate();
        }
        const leo = this.logEndOffset;
        const start = Math.min(this.startOffset, offset, leo);
        if (start !== this.startOffset) await this.moveLogStart(start, "truncate");
        this.hw = Math.min(this.hw, leo);
        if (this.recoveryPoint > last.baseOffset) await this.checkpointRecoveryPoint(last.baseOffset);
      }
      this.emit({ type: "truncated", log: this.dir, from, to: this.logEndOffset });
    });
  }

  private async truncateFullyAndStartAt(offset: number, now: number): Promise<void> {
    for (const doomed of this.segments.splice(0)) {
      this.forget(doomed);
      await doomed.delete();
      this.emit({ type: "segment-deleted", log: this.dir, baseOffset: doomed.baseOffset, sizeInBytes: doomed.size, reason: "truncate" });
    }
    this.segments.push(await LogSegment.create(this.storage, this.dir, offset, this.segmentSettings(), now));
    await this.moveLogStart(offset, "truncate");
    this.hw = offset;
    await this.checkpointRecoveryPoint(offset);
  }

  // ---- reading ----

  /**
   * Whole batches from the one holding `fetchOffset`, Kafka's way: at most `maxBytes`
   * but at least one batch (unless `minOneBatch` is false), from one segment, none at or
   * above `maxOffset`. OFFSET_OUT_OF_RANGE outside [logStartOffset, LEO].
   */
  read(fetchOffset: number, maxBytes: number, opts: ReadOptions = {}): Promise<FetchData> {
    return this.exclusive(async () => {
      const leo = this.logEndOffset;
      if (!Number.isSafeInteger(fetchOffset) || fetchOffset < this.startOffset || fetchOffset > leo) {
        throw new KafkaError(
          "OFFSET_OUT_OF_RANGE",
          `fetch offset ${fetchOffset} is out of range for partition ${this.dir}, which holds offsets [${this.startOffset}, ${leo})`,
        );
      }
      if (maxBytes < 0) throw new KafkaError("INVALID_REQUEST", `negative max bytes ${maxBytes} in a read of ${this.dir}`);
      const maxOffset = Math.min(opts.maxOffset ?? leo, leo);
      const minOneBatch = opts.minOneBatch ?? true;
      const nothing: FetchData = { bytes: EMPTY, firstOffset: fetchOffset, nextOffset: fetchOffset, highWatermark: this.hw, logStartOffset: this.startOffset };
      if (fetchOffset >= maxOffset) return nothing;
      for (let i = this.floorIndex(fetchOffset); i < this.segments.length; i++) {
        const segment = this.segments[i]!;
        if (segment.baseOffset >= maxOffset) break;
        await this.useLog(segment);
        const found = segment.read(fetchOffset, maxBytes, maxOffset, minOneBatch);
        if (found !== undefined) return { ...found, highWatermark: this.hw, logStartOffset: this.startOffset };
      }
      return nothing;
    });
  }

  /**
   * ListOffsets by time: the first offset at or after logStartOffset whose record timestamp
   * is >= `timestamp`, with that timestamp; undefined if there is none. The broker caps the
   * answer at HW/LSO.
   */
  offsetForTimestamp(timestamp: number): Promise<{ offset: number; timestamp: number } | undefined> {
    return this.exclusive(async () => {
      for (const segment of this.segments) {
        if (segment.largestRecordTimestamp < timestamp || segment.nextOffset <= this.startOffset) continue;
        await this.useLog(segment);
        const found = segment.findOffsetByTimestamp(timestamp, this.startOffset);
        if (found !== undefined) return found;
      }
      return undefined;
    });
  }

  /** The whole `.log` of a segment, for the cleaner and for downloads. */
  readSegment(baseOffset: number): Promise<Uint8Array> {
    return this.exclusive(async () => {
      const segment = this.segmentAt(baseOffset);
      await this.useLog(segment);
      return segment.readAll();
    });
  }

  segmentInfos(): SegmentInfo[] {
    return this.segments.map((s) => ({
      baseOffset: s.baseOffset,
      nextOffset: s.nextOffset,
      sizeInBytes: s.size,
      firstTimestamp: s.firstBatchTimestamp,
      largestTimestamp: s.largestTimestamp,
      createdAt: s.createdAt,
      isActive: s === this.active,
      fileName: s.fileName,
    }));
  }

  /** A segment's index entries (absolute offsets), for the segment inspector. */
  indexEntries(baseOffset: number): { offsets: { offset: number; position: number }[]; times: { timestamp: number; offset: number }[] } {
    return this.segmentAt(baseOffset).indexEntries();
  }

  // ---- deletion ----

  /**
   * Delete the `count` oldest segments (whole segments only) and move logStartOffset to the
   * new first segment. Deleting every segment first rolls a new empty one at LEO, so the
   * log is never without an active segment; an empty active segment is never deleted.
   * Refuses to delete data at or above the high watermark.
   */
  deleteOldestSegments(count: number, reason: DeleteReason): Promise<void> {
    return this.exclusive(async () => {
      let n = Math.min(Math.floor(count), this.segments.length);
      if (n <= 0) return;
      if (n === this.segments.length && this.active.size === 0) n--;
      if (n <= 0) return;
      const upperBound = n < this.segments.length ? this.segments[n]!.baseOffset : this.logEndOffset;
      if (upperBound > this.hw) {
        throw new KafkaError(
          "OFFSET_OUT_OF_RANGE",
          `cannot delete segments of ${this.dir} up to offset ${upperBound}: above the high watermark ${this.hw}`,
        );
      }
      if (n === this.segments.length) await this.rollLocked(this.logEndOffset, "retention", this.clock.now());
      for (const doomed of this.segments.splice(0, n)) {
        this.forget(doomed);
        await doomed.delete();
        this.emit({ type: "segment-deleted", log: this.dir, baseOffset: doomed.baseOffset, sizeInBytes: doomed.size, reason });
      }
      const start = Math.max(this.startOffset, this.segments[0]!.baseOffset);
      if (start !== this.startOffset) await this.moveLogStart(start, reason);
    });
  }

  /** DeleteRecords: hide everything below `offset`, even inside a segment. Only moves forward, never past HW. */
  setLogStartOffset(offset: number): Promise<void> {
    return this.exclusive(async () => {
      if (!Number.isSafeInteger(offset) || offset > this.hw) {
        throw new KafkaError(
          "OFFSET_OUT_OF_RANGE",
          `cannot move the log start offset of ${this.dir} to ${offset}: it is above the high watermark ${this.hw}`,
        );
      }
      if (offset > this.startOffset) await this.moveLogStart(offset, "delete-records");
    });
  }

  // ---- the cleaner's swap ----

  /**
   * Replace consecutive closed segments by one new segment holding `newSegmentLogBytes`
   * (whole batches, offsets kept), Kafka-style: written as `.cleaned`, renamed `.swap`
   * (the commit point: an interrupted swap is completed on the next open), old segments
   * renamed `.deleted`, the new one renamed to its final name, old files removed.
   */
  replaceSegments(oldBaseOffsets: number[], newSegmentLogBytes: Uint8Array, newBaseOffset: number): Promise<void> {
    return this.exclusive(async () => {
      const first = this.checkReplaceable(oldBaseOffsets);
      const count = oldBaseOffsets.length;
      const upperBound = this.segments[first + count]!.baseOffset;
      if (!Number.isSafeInteger(newBaseOffset) || newBaseOffset < oldBaseOffsets[0]!) {
        throw new KafkaError("ILLEGAL_STATE", `new segment base offset ${newBaseOffset} of ${this.dir} is below the first replaced segment ${oldBaseOffsets[0]}`);
      }
      const infos: BatchInfo[] = [];
      let expected = newBaseOffset;
      if (newSegmentLogBytes.length > 0) {
        this.forEachBatch(newSegmentLogBytes, false, (h, pos) => {
          const last = lastOffset(h);
          if (h.baseOffset < expected || last >= upperBound || last - newBaseOffset > INT32_MAX) {
            throw new KafkaError(
              "ILLEGAL_STATE",
              `replacement segment for ${this.dir}: batch [${h.baseOffset}, ${last}] is outside [${expected}, ${upperBound}) or out of order`,
            );
          }
          infos.push(batchInfo(h, pos));
          expected = last + 1;
        });
      }
      const now = this.clock.now();
      for (const kind of ["log", "index", "timeindex"] as const) {
        for (const suffix of ["cleaned", "swap"] as const) {
          await this.storage.remove(joinPath(this.dir, segmentFileName(newBaseOffset, kind, suffix)));
        }
      }
      const cleaned = await LogSegment.create(this.storage, this.dir, newBaseOffset, this.segmentSettings(), now, "cleaned");
      if (infos.length > 0) cleaned.append(newSegmentLogBytes, 0, newSegmentLogBytes.length, infos, now);
      cleaned.close();
      await cleaned.changeSuffix("swap");
      const old = this.segments.splice(first, count, cleaned);
      const doomed: string[] = [];
      for (const segment of old) {
        this.forget(segment);
        doomed.push(...(await segment.markDeleted()));
      }
      await cleaned.changeSuffix(undefined);
      for (const path of doomed) await this.storage.remove(path);
      this.emit({ type: "segments-replaced", log: this.dir, old: [...oldBaseOffsets], new: newBaseOffset });
    });
  }

  private checkReplaceable(oldBaseOffsets: number[]): number {
    if (oldBaseOffsets.length === 0) throw new KafkaError("ILLEGAL_STATE", `no segments of ${this.dir} to replace`);
    const first = this.segments.findIndex((s) => s.baseOffset === oldBaseOffsets[0]);
    for (let k = 0; k < oldBaseOffsets.length; k++) {
      const segment = first < 0 ? undefined : this.segments[first + k];
      if (segment === undefined || segment.baseOffset !== oldBaseOffsets[k]) {
        throw new KafkaError("ILLEGAL_STATE", `segments [${oldBaseOffsets.join(", ")}] are not consecutive segments of ${this.dir}`);
      }
      if (segment === this.active) throw new KafkaError("ILLEGAL_STATE", `the active segment ${segment.baseOffset} of ${this.dir} cannot be replaced`);
    }
    return first;
  }

  // ---- flush and close ----

  /** Group commit: make the active segment's appended bytes durable. */
  flush(): void {
    if (this.closed) return;
    this.active.flush();
  }

  close(): Promise<void> {
    return this.exclusive(async () => {
      for (const segment of this.segments) segment.close();
      this.readers = [];
      this.closed = true;
    });
  }

  // ---- internals ----

  private get active(): LogSegment {
    return this.segments[this.segments.length - 1]!;
  }

  private exclusive<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.closed) throw new KafkaError("ILLEGAL_STATE", `the log of ${this.dir} is closed`);
      return op();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private segmentSettings(): SegmentSettings {
    const { indexIntervalBytes, segmentIndexBytes, segmentJitterMs, segmentMs } = this.cfg;
    const bound = Math.min(segmentJitterMs, segmentMs);
    return { indexIntervalBytes, segmentIndexBytes, rollJitterMs: bound > 0 ? this.random.int(bound) : 0 };
  }

  /** Index of the segment holding `offset`: the last with base <= offset, else the first. */
  private floorIndex(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.segments[mid]!.baseOffset <= offset) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  private segmentAt(baseOffset: number): LogSegment {
    const segment = this.segments[this.floorIndex(baseOffset)];
    if (segment === undefined || segment.baseOffset !== baseOffset) {
      throw new KafkaError("ILLEGAL_STATE", `${this.dir} has no segment with base offset ${baseOffset}`);
    }
    return segment;
  }

  /** Open a closed segment's `.log` for reading, keeping the few most recent open. */
  private async useLog(segment: LogSegment): Promise<void> {
    if (segment.isActive) return;
    await segment.openLog();
    this.remember(segment);
  }

  private remember(segment: LogSegment): void {
    const at = this.readers.indexOf(segment);
    if (at >= 0) this.readers.splice(at, 1);
    this.readers.push(segment);
    while (this.readers.length > this.cacheSize) this.readers.shift()!.closeLog();
  }

  private forget(segment: LogSegment): void {
    const at = this.readers.indexOf(segment);
    if (at >= 0) this.readers.splice(at, 1);
  }

  private async moveLogStart(to: number, reason: LogStartReason): Promise<void> {
    const from = this.startOffset;
    this.startOffset = to;
    await writeOffsetCheckpoint(this.storage, this.dir, LOG_START_OFFSET_CHECKPOINT, to);
    this.emit({ type: "log-start-offset-moved", log: this.dir, from, to, reason });
  }

  private async checkpointRecoveryPoint(offset: number): Promise<void> {
    this.recoveryPoint = offset;
    await writeOffsetCheckpoint(this.storage, this.dir, RECOVERY_POINT_CHECKPOINT, offset);
  }

  private emit(event: LogEvent): void {
    this.listener?.(event);
  }
}

/** The header of a batch already validated by the caller, if it lies whole in `buf`; else the full check (which throws why). */
function framedHeader(buf: Uint8Array, pos: number): BatchHeader {
  if (buf.length - pos >= BATCH_HEADER_SIZE) {
    const h = readBatchHeader(buf, pos);
    if (h.batchLength >= BATCH_HEADER_SIZE - LOG_OVERHEAD && pos + batchSize(h) <= buf.length) return h;
  }
  return validateBatch(buf, pos);
}

function withoutType(e: KafkaError): string {
  const prefix = `${e.type}: `;
  return e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
}

/**
 * A producer batch that claims LogAppendTime on a CreateTime topic is turned back into
 * CreateTime with its records' real max timestamp, as Kafka's validator does: the flag is
 * cleared, then the max timestamp set and the CRC (which covers both) recomputed.
 */
function clearLogAppendTime(buf: Uint8Array, pos: number): void {
  const view = new DataView(buf.buffer, buf.byteOffset + pos);
  view.setInt16(21, view.getInt16(21) & ~0x08);
}

function setMaxTimestamp(buf: Uint8Array, pos: number, size: number, maxTimestamp: number): void {
  const view = new DataView(buf.buffer, buf.byteOffset + pos, size);
  const hi = Math.floor(maxTimestamp / 4294967296);
  view.setInt32(35, hi);
  view.setUint32(39, maxTimestamp - hi * 4294967296);
  view.setUint32(17, crc32c(buf, pos + 21, pos + size));
}

/** FNV-1a of the directory name: a stable default seed for roll jitter. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
