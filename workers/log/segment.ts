/**
 * One log segment: `<base>.log` (record batches back to back, exactly as Kafka stores
 * them), `<base>.index` and `<base>.timeindex`, all named by the segment's 20-digit base
 * offset. The indexes live in memory and are mirrored to their files; the `.log` is read
 * through the storage handle, which the partition log opens lazily for closed segments.
 *
 * Only the active segment is written. Its index entries reach their files on flush, roll
 * and close; recovery always rebuilds the active segment's indexes from its `.log`, so
 * those writes never need to be durable before the data is.
 */
import type { Storage, StorageFile } from "../storage/storage";
import { KafkaError } from "../protocol/errors";
import {
  BATCH_HEADER_SIZE,
  LOG_OVERHEAD,
  batchesIn,
  decodeRecords,
  lastOffset,
  readBatchHeader,
  timestampType,
  tryValidateBatch,
  type BatchHeader,
} from "./record-batch";
import { OFFSET_INDEX_ENTRY_SIZE, OffsetIndex } from "./offset-index";
import { NO_TIMESTAMP, TIME_INDEX_ENTRY_SIZE, TimeIndex } from "./time-index";
import { joinPath, segmentFileName, type SegmentFileKind, type SegmentFileSuffix } from "./segment-name";

/** Where a batch sits and what the log needs from its header. */
export interface BatchInfo {
  /** Byte position of the batch in the buffer or file it was found in. */
  pos: number;
  /** Bytes on disk, LOG_OVERHEAD included. */
  size: number;
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  recordsCount: number;
}

export function batchInfo(h: BatchHeader, pos: number): BatchInfo {
  return {
    pos,
    size: h.batchLength + LOG_OVERHEAD,
    baseOffset: h.baseOffset,
    lastOffset: lastOffset(h),
    maxTimestamp: h.maxTimestamp,
    recordsCount: h.recordsCount,
  };
}

/** Per-segment settings fixed when the segment is created, as in Kafka. */
export interface SegmentSettings {
  indexIntervalBytes: number;
  segmentIndexBytes: number;
  /** Subtracted from segment.ms for this segment, so partitions do not all roll at once. */
  rollJitterMs: number;
}

export type RollReason = "segment.bytes" | "segment.ms" | "index-full" | "offset-overflow" | "requested" | "retention";

export interface RollCheck {
  /** Bytes about to be appended. */
  messagesSize: number;
  /** Largest timestamp among them. */
  maxTimestamp: number;
  /** Last offset among them. */
  maxOffset: number;
  now: number;
  segmentBytes: number;
  segmentMs: number;
}

export interface SegmentRead {
  /** Whole batches, possibly empty. */
  bytes: Uint8Array;
  /** Base offset of the first returned batch; the start offset when nothing was returned. */
  firstOffset: number;
  /** Offset after the last returned batch; the start offset when nothing was returned. */
  nextOffset: number;
}

const EMPTY: Uint8Array = new Uint8Array(0);
const MIN_BATCH_LENGTH = BATCH_HEADER_SIZE - LOG_OVERHEAD;
/** Reads while walking headers: big enough to cover many small batches per storage call. */
const SCAN_CHUNK = 64 * 1024;
/** Reads while validating a whole segment on recovery. */
const RECOVERY_CHUNK = 1024 * 1024;

function readInt32(buf: Uint8Array, pos: number): number {
  return (buf[pos]! << 24) | (buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!;
}

export class LogSegment {
  readonly storage: Storage;
  readonly dir: string;
  readonly baseOffset: number;
  readonly settings: SegmentSettings;
  private suffix: SegmentFileSuffix | undefined;

  private offsetIndex: OffsetIndex;
  private timeIndex: TimeIndex;
  private logFile: StorageFile | undefined;
  private indexFile: StorageFile | undefined;
  private timeIndexFile: StorageFile | undefined;
  /** Entries already written to the index files (only tracked while active). */
  private persistedOffsetEntries = 0;
  private persistedTimeEntries = 0;

  private sizeBytes = 0;
  private next: number;
  private maxTs = NO_TIMESTAMP;
  private offsetOfMaxTs: number;
  /** Max timestamp of the first batch: what segment.ms is measured from. */
  private firstBatchTs: number = NO_TIMESTAMP;
  private bytesSinceLastIndexEntry = 0;
  private created: number;
  private modified: number;
  private active = false;
  private removed = false;

  private constructor(storage: Storage, dir: string, baseOffset: number, settings: SegmentSettings, now: number, suffix: SegmentFileSuffix | undefined) {
    this.storage = storage;
    this.dir = dir;
    this.baseOffset = baseOffset;
    this.settings = settings;
    this.suffix = suffix;
    this.offsetIndex = new OffsetIndex(baseOffset, settings.segmentIndexBytes);
    this.timeIndex = new TimeIndex(baseOffset, settings.segmentIndexBytes);
    this.next = baseOffset;
    this.offsetOfMaxTs = baseOffset;
    this.created = now;
    this.modified = now;
  }

  /** A new, empty, active segment (any stale files of that name are emptied). */
  static async create(
    storage: Storage,
    dir: string,
    baseOffset: number,
    settings: SegmentSettings,
    now: number,
    suffix?: SegmentFileSuffix,
  ): Promise<LogSegment> {
    const segment = new LogSegment(storage, dir, baseOffset, settings, now, suffix);
    const file = await storage.open(segment.path("log"), { create: true });
    if (file.size() > 0) file.truncate(0);
    segment.logFile = file;
    await segment.activate();
    return segment;
  }

  /**
   * An existing segment with its `.log` open and nothing else read yet; the loader then
   * either {@link loadIndexes} or {@link recover}s it.
   */
  static async open(
    storage: Storage,
    dir: string,
    baseOffset: number,
    settings: SegmentSettings,
    now: number,
    suffix?: SegmentFileSuffix,
  ): Promise<LogSegment> {
    const segment = new LogSegment(storage, dir, baseOffset, settings, now, suffix);
    segment.logFile = await storage.open(segment.path("log"));
    segment.sizeBytes = segment.logFile.size();
    return segment;
  }

  // ---- state ----

  get size(): number {
    return this.sizeBytes;
  }

  /** Offset after the last batch; the base offset when empty. */
  get nextOffset(): number {
    return this.next;
  }

  /** Largest record timestamp, or NO_TIMESTAMP when no batch carries one. */
  get largestRecordTimestamp(): number {
    return this.maxTs;
  }

  /** Kafka's `largestTimestamp`: the largest record timestamp, else the last modification time. */
  get largestTimestamp(): number {
    return this.maxTs >= 0 ? this.maxTs : this.modified;
  }

  get firstBatchTimestamp(): number {
    return this.firstBatchTs;
  }

  get createdAt(): number {
    return this.created;
  }

  get lastModified(): number {
    return this.modified;
  }

  get isActive(): boolean {
    return this.active;
  }

  get isDeleted(): boolean {
    return this.removed;
  }

  get isLogOpen(): boolean {
    return this.logFile !== undefined;
  }

  get fileName(): string {
    return segmentFileName(this.baseOffset, "log", this.suffix);
  }

  get offsetIndexEntries(): number {
    return this.offsetIndex.entries;
  }

  get timeIndexEntries(): number {
    return this.timeIndex.entries;
  }

  /** Copies of the index entries, for tests and the segment inspector. */
  indexEntries(): { offsets: { offset: number; position: number }[]; times: { timestamp: number; offset: number }[] } {
    const offsets = [];
    for (let i = 0; i < this.offsetIndex.entries; i++) offsets.push(this.offsetIndex.entry(i));
    const times = [];
    for (let i = 0; i < this.timeIndex.entries; i++) times.push(this.timeIndex.entry(i));
    return { offsets, times };
  }

  /** Path of one of the segment's files under its current suffix. */
  path(kind: SegmentFileKind): string {
    return this.pathWith(kind, this.suffix);
  }

  private pathWith(kind: SegmentFileKind, suffix: SegmentFileSuffix | undefined): string {
    return joinPath(this.dir, segmentFileName(this.baseOffset, kind, suffix));
  }

  /** Whether `offset` can be stored relative to this segment's base offset. */
  canHoldOffset(offset: number): boolean {
    return this.offsetIndex.canAppendOffset(offset);
  }

  /** Kafka's roll conditions for appending `check.messagesSize` bytes (section 1.3), first that holds. */
  shouldRoll(check: RollCheck): RollReason | undefined {
    const size = this.sizeBytes;
    if (size > check.segmentBytes - check.messagesSize) return "segment.bytes";
    if (size > 0) {
      const waited = this.firstBatchTs >= 0 ? check.maxTimestamp - this.firstBatchTs : check.now - this.created;
      if (waited > check.segmentMs - this.settings.rollJitterMs) return "segment.ms";
    }
    if (this.offsetIndex.isFull() || this.timeIndex.isFull()) return "index-full";
    if (!this.offsetIndex.canAppendOffset(check.maxOffset)) return "offset-overflow";
    return undefined;
  }

  // ---- files ----

  async openLog(): Promise<void> {
    if (this.logFile === undefined) {
      this.assertNotDeleted();
      this.logFile = await this.storage.open(this.path("log"));
    }
  }

  /** Release the `.log` handle of a closed segment (the active one keeps its handles). */
  closeLog(): void {
    if (this.active || this.logFile === undefined) return;
    this.logFile.close();
    this.logFile = undefined;
  }

  /** Become the segment appends go to: open the index files and write them out whole. */
  async activate(): Promise<void> {
    await this.openLog();
    if (this.indexFile === undefined) this.indexFile = await this.storage.open(this.path("index"), { create: true });
    if (this.timeIndexFile === undefined) this.timeIndexFile = await this.storage.open(this.path("timeindex"), { create: true });
    this.rewrite(this.indexFile, this.offsetIndex.encode());
    this.rewrite(this.timeIndexFile, this.timeIndex.encode());
    this.persistedOffsetEntries = this.offsetIndex.entries;
    this.persistedTimeEntries = this.timeIndex.entries;
    this.active = true;
  }

  /**
   * Stop being active (roll): record the largest timestamp as the last time-index entry, so
   * a reloaded closed segment knows it from the index alone, then make everything durable
   * and close the index files.
   */
  deactivate(): void {
    if (!this.active) return;
    if (this.maxTs >= 0) this.timeIndex.maybeAppend(this.maxTs, this.offsetOfMaxTs, true);
    this.persistIndexEntries();
    this.requireLog().flush();
    for (const file of [this.indexFile, this.timeIndexFile]) {
      file?.flush();
      file?.close();
    }
    this.indexFile = undefined;
    this.timeIndexFile = undefined;
    this.active = false;
  }

  /** Group commit: make the appended bytes durable; index entries are written, not flushed. */
  flush(): void {
    if (!this.active) return;
    this.persistIndexEntries();
    this.requireLog().flush();
  }

  close(): void {
    this.deactivate();
    this.closeLog();
  }

  /** Write the in-memory indexes as whole files (a closed segment whose indexes were rebuilt). */
  async writeIndexFiles(): Promise<void> {
    if (this.active) {
      this.rewrite(this.indexFile!, this.offsetIndex.encode());
      this.rewrite(this.timeIndexFile!, this.timeIndex.encode());
      this.persistedOffsetEntries = this.offsetIndex.entries;
      this.persistedTimeEntries = this.timeIndex.entries;
      return;
    }
    for (const [kind, bytes] of [
      ["index", this.offsetIndex.encode()],
      ["timeindex", this.timeIndex.encode()],
    ] as const) {
      const file = await this.storage.open(this.path(kind), { create: true });
      try {
        this.rewrite(file, bytes);
        file.flush();
      } finally {
        file.close();
      }
    }
  }

  /** Rename the three files to another temporary suffix (or none): the cleaner's swap steps. */
  async changeSuffix(suffix: SegmentFileSuffix | undefined): Promise<void> {
    this.closeHandles();
    for (const kind of ["log", "index", "timeindex"] as const) {
      await this.storage.rename(this.path(kind), this.pathWith(kind, suffix));
    }
    this.suffix = suffix;
  }

  /**
   * Remove the segment's files: each is first renamed `.deleted` (the `.log` first), so a
   * crash midway leaves files the loader recognises as garbage rather than a segment
   * missing its index.
   */
  async delete(): Promise<void> {
    for (const path of await this.markDeleted()) await this.storage.remove(path);
  }

  /** First half of {@link delete}: close and rename to `.deleted`; answers the renamed paths. */
  async markDeleted(): Promise<string[]> {
    this.closeHandles();
    this.removed = true;
    const doomed: string[] = [];
    for (const kind of ["log", "index", "timeindex"] as const) {
      const path = this.path(kind);
      if (await this.storage.exists(path)) {
        const target = this.pathWith(kind, "deleted");
        await this.storage.rename(path, target);
        doomed.push(target);
      }
    }
    return doomed;
  }

  // ---- appending ----

  /**
   * Append `buf[start, end)` in one storage write; `batches` describe the batches in it
   * (positions relative to `buf`) with their final offsets. Index entries follow Kafka's
   * density rule per batch: an entry for a batch only when more than index.interval.bytes
   * were appended since the previous entry, counted before this batch.
   */
  append(buf: Uint8Array, start: number, end: number, batches: readonly BatchInfo[], now: number): void {
    if (!this.active) throw new KafkaError("ILLEGAL_STATE", `segment ${this.fileName} in ${this.dir} is not the active segment`);
    const file = this.requireLog();
    const basePosition = this.sizeBytes;
    file.write(basePosition, start === 0 && end === buf.length ? buf : buf.subarray(start, end));
    for (const b of batches) this.indexBatch(b, basePosition + (b.pos - start));
    this.sizeBytes = basePosition + (end - start);
    this.modified = now;
  }

  private indexBatch(b: BatchInfo, position: number): void {
    if (position === 0) this.firstBatchTs = b.maxTimestamp;
    if (b.maxTimestamp > this.maxTs) {
      this.maxTs = b.maxTimestamp;
      this.offsetOfMaxTs = b.lastOffset;
    }
    if (this.bytesSinceLastIndexEntry > this.settings.indexIntervalBytes) {
      // A full index only means the next append rolls; the log stays readable by scanning.
      if (!this.offsetIndex.isFull()) this.offsetIndex.append(b.lastOffset, position);
      if (!this.timeIndex.isFull()) this.timeIndex.maybeAppend(this.maxTs, this.offsetOfMaxTs);
      this.bytesSinceLastIndexEntry = 0;
    }
    this.bytesSinceLastIndexEntry += b.size;
    this.next = b.lastOffset + 1;
  }

  private persistIndexEntries(): void {
    if (this.indexFile === undefined || this.timeIndexFile === undefined) return;
    const offsets = this.offsetIndex.entries;
    if (offsets > this.persistedOffsetEntries) {
      this.indexFile.write(this.indexFile.size(), this.offsetIndex.encode(this.persistedOffsetEntries, offsets));
      this.persistedOffsetEntries = offsets;
    }
    const times = this.timeIndex.entries;
    if (times > this.persistedTimeEntries) {
      this.timeIndexFile.write(this.timeIndexFile.size(), this.timeIndex.encode(this.persistedTimeEntries, times));
      this.persistedTimeEntries = times;
    }
  }

  // ---- reading (the `.log` must be open) ----

  /** The whole `.log`. */
  readAll(): Uint8Array {
    return this.sizeBytes === 0 ? EMPTY : this.requireLog().read(0, this.sizeBytes);
  }

  /** The first batch whose last offset is >= `offset`, found from the offset index. */
  findBatch(offset: number): BatchInfo | undefined {
    let found: BatchInfo | undefined;
    this.walk(this.offsetIndex.lookup(offset).position, (b) => {
      if (b.lastOffset >= offset) {
        found = b;
        return false;
      }
      return true;
    });
    return found;
  }

  /**
   * Whole batches from the one holding `startOffset`: up to `maxBytes` (but the first
   * batch even if larger when `minOneBatch`), none holding an offset >= `maxOffset`.
   * Undefined when no batch of this segment reaches `startOffset`.
   */
  read(startOffset: number, maxBytes: number, maxOffset: number, minOneBatch: boolean): SegmentRead | undefined {
    const first = this.findBatch(startOffset);
    if (first === undefined) return undefined;
    const none: SegmentRead = { bytes: EMPTY, firstOffset: startOffset, nextOffset: startOffset };
    if (first.lastOffset >= maxOffset) return none;
    const want = Math.min(minOneBatch ? Math.max(maxBytes, first.size) : maxBytes, this.sizeBytes - first.pos);
    if (want < first.size) return none;
    const chunk = this.requireLog().read(first.pos, want);
    let end = 0;
    let next = startOffset;
    for (const { pos, header } of batchesIn(chunk)) {
      const last = lastOffset(header);
      if (last >= maxOffset) break;
      end = pos + header.batchLength + LOG_OVERHEAD;
      next = last + 1;
    }
    return { bytes: end === chunk.length ? chunk : chunk.subarray(0, end), firstOffset: first.baseOffset, nextOffset: next };
  }

  /**
   * The first record at or after `startingOffset` whose timestamp is >= `target`
   * (LogAppendTime batches stamp every record with the batch's time).
   */
  findOffsetByTimestamp(target: number, startingOffset: number): { offset: number; timestamp: number } | undefined {
    const entry = this.timeIndex.lookup(target);
    const from = this.offsetIndex.lookup(Math.max(entry.offset, startingOffset)).position;
    const file = this.requireLog();
    let result: { offset: number; timestamp: number } | undefined;
    this.walk(from, (b) => {
      if (b.maxTimestamp < target || b.lastOffset < startingOffset) return true;
      const bytes = file.read(b.pos, b.size);
      const header = readBatchHeader(bytes);
      const appendTime = timestampType(header) === "LogAppendTime";
      for (const record of decodeRecords(bytes)) {
        const timestamp = appendTime ? header.maxTimestamp : record.timestamp;
        if (timestamp >= target && record.offset >= startingOffset) {
          result = { offset: record.offset, timestamp };
          return false;
        }
      }
      return true;
    });
    return result;
  }

  /**
   * Walk batch headers from `from` without CRC checks, reading in chunks; `visit` answers
   * false to stop. Reports where the walk ended and whether it met bytes that are not a
   * whole batch.
   */
  walk(from: number, visit: (b: BatchInfo) => boolean): { end: number; torn: boolean } {
    const file = this.requireLog();
    const size = this.sizeBytes;
    let chunk = EMPTY;
    let chunkStart = 0;
    let pos = from;
    while (pos < size) {
      if (pos + BATCH_HEADER_SIZE > size) return { end: pos, torn: true };
      if (pos < chunkStart || pos + BATCH_HEADER_SIZE > chunkStart + chunk.length) {
        chunk = file.read(pos, Math.min(size - pos, SCAN_CHUNK));
        chunkStart = pos;
      }
      const header = readBatchHeader(chunk, pos - chunkStart);
      const batchBytes = header.batchLength + LOG_OVERHEAD;
      if (header.batchLength < MIN_BATCH_LENGTH || pos + batchBytes > size) return { end: pos, torn: true };
      if (!visit(batchInfo(header, pos))) return { end: pos, torn: false };
      pos += batchBytes;
    }
    return { end: pos, torn: false };
  }

  // ---- loading, recovery, truncation ----

  /**
   * Load a closed segment's state from its index files and the batches after the last
   * index entry. Answers why the segment must be recovered instead (missing or
   * inconsistent index, `.log` not ending on a whole batch), or undefined when loaded.
   */
  async loadIndexes(): Promise<string | undefined> {
    const offsetBytes = await this.readWholeFile("index");
    const timeBytes = await this.readWholeFile("timeindex");
    if (offsetBytes === undefined || timeBytes === undefined) return `index files of ${this.fileName} are missing`;
    const offsetIndex = OffsetIndex.decode(this.baseOffset, offsetBytes, this.settings.segmentIndexBytes);
    if (typeof offsetIndex === "string") return offsetIndex;
    const timeIndex = TimeIndex.decode(this.baseOffset, timeBytes, this.settings.segmentIndexBytes);
    if (typeof timeIndex === "string") return timeIndex;
    if (offsetIndex.entries > 0 && offsetIndex.lastPosition() >= this.sizeBytes) {
      return `offset index of ${this.fileName} points past the end of the log`;
    }
    this.offsetIndex = offsetIndex;
    this.timeIndex = timeIndex;
    this.bytesSinceLastIndexEntry = 0;
    if (this.sizeBytes === 0) {
      return offsetIndex.entries > 0 || timeIndex.entries > 0 ? `indexes of empty segment ${this.fileName} are not empty` : undefined;
    }
    const first = this.requireLog().read(0, Math.min(this.sizeBytes, BATCH_HEADER_SIZE));
    if (first.length < BATCH_HEADER_SIZE) return `${this.fileName} is shorter than one batch header`;
    this.firstBatchTs = readBatchHeader(first).maxTimestamp;
    if (!this.reloadTail()) return `${this.fileName} does not end on a whole batch`;
    if (this.timeIndex.entries > 0 && this.timeIndex.lastEntry().offset >= this.next) {
      return `time index of ${this.fileName} points past its last offset`;
    }
    return undefined;
  }

  /**
   * Validate every batch (size, magic, CRC, offsets increasing from `minOffset` and
   * fitting the index) and rebuild the indexes; cut the `.log` before the first invalid
   * or torn batch. Answers how many bytes were cut.
   */
  recover(minOffset: number): number {
    this.offsetIndex.reset();
    this.timeIndex.reset();
    this.maxTs = NO_TIMESTAMP;
    this.offsetOfMaxTs = this.baseOffset;
    this.firstBatchTs = NO_TIMESTAMP;
    this.bytesSinceLastIndexEntry = 0;
    this.next = this.baseOffset;
    const file = this.requireLog();
    const size = file.size();
    let expected = Math.max(minOffset, this.baseOffset);
    let valid = 0;
    let chunk = EMPTY;
    let chunkStart = 0;
    while (valid + BATCH_HEADER_SIZE <= size) {
      if (valid < chunkStart || valid + LOG_OVERHEAD > chunkStart + chunk.length) {
        chunk = file.read(valid, Math.min(size - valid, RECOVERY_CHUNK));
        chunkStart = valid;
      }
      const batchLength = readInt32(chunk, valid - chunkStart + 8);
      const batchBytes = batchLength + LOG_OVERHEAD;
      if (batchLength < MIN_BATCH_LENGTH || valid + batchBytes > size) break;
      if (valid + batchBytes > chunkStart + chunk.length) {
        chunk = file.read(valid, Math.max(batchBytes, Math.min(size - valid, RECOVERY_CHUNK)));
        chunkStart = valid;
      }
      const at = valid - chunkStart;
      const header = tryValidateBatch(chunk.subarray(at, at + batchBytes));
      if (header === undefined) break;
      if (header.baseOffset < expected || !this.offsetIndex.canAppendOffset(lastOffset(header))) break;
      this.indexBatch(batchInfo(header, valid), valid);
      valid += batchBytes;
      expected = lastOffset(header) + 1;
    }
    const truncated = size - valid;
    if (truncated > 0) file.truncate(valid);
    this.sizeBytes = valid;
    if (this.maxTs >= 0) this.timeIndex.maybeAppend(this.maxTs, this.offsetOfMaxTs, true);
    return truncated;
  }

  /**
   * Remove the batch holding `offset` and everything after it (whole batches, as Kafka
   * does). Answers how many bytes were cut.
   */
  truncateTo(offset: number, now: number): number {
    const cut = this.findBatch(offset);
    if (cut === undefined) return 0;
    const removedBytes = this.sizeBytes - cut.pos;
    this.requireLog().truncate(cut.pos);
    this.sizeBytes = cut.pos;
    this.offsetIndex.truncateToPosition(cut.pos);
    this.timeIndex.truncateTo(cut.baseOffset);
    if (this.indexFile !== undefined && this.persistedOffsetEntries > this.offsetIndex.entries) {
      this.persistedOffsetEntries = this.offsetIndex.entries;
      this.indexFile.truncate(this.persistedOffsetEntries * OFFSET_INDEX_ENTRY_SIZE);
    }
    if (this.timeIndexFile !== undefined && this.persistedTimeEntries > this.timeIndex.entries) {
      this.persistedTimeEntries = this.timeIndex.entries;
      this.timeIndexFile.truncate(this.persistedTimeEntries * TIME_INDEX_ENTRY_SIZE);
    }
    this.bytesSinceLastIndexEntry = 0;
    if (this.sizeBytes === 0) {
      this.next = this.baseOffset;
      this.maxTs = NO_TIMESTAMP;
      this.offsetOfMaxTs = this.baseOffset;
      this.firstBatchTs = NO_TIMESTAMP;
      this.created = now;
    } else {
      this.reloadTail();
    }
    this.modified = now;
    return removedBytes;
  }

  /**
   * Next offset and largest timestamp from the last time-index entry plus a scan of the
   * batches from there (Kafka's readLargestTimestamp). False when the scan hits a partial
   * batch before the end of the file.
   */
  private reloadTail(): boolean {
    const last = this.timeIndex.lastEntry();
    this.maxTs = last.timestamp;
    this.offsetOfMaxTs = last.offset;
    this.next = this.baseOffset;
    const { end, torn } = this.walk(this.offsetIndex.lookup(last.offset).position, (b) => {
      if (b.maxTimestamp > this.maxTs) {
        this.maxTs = b.maxTimestamp;
        this.offsetOfMaxTs = b.lastOffset;
      }
      this.next = b.lastOffset + 1;
      return true;
    });
    return !torn && end === this.sizeBytes;
  }

  // ---- helpers ----

  private requireLog(): StorageFile {
    if (this.logFile === undefined) {
      throw new KafkaError("ILLEGAL_STATE", `segment ${this.fileName} in ${this.dir} is not open`);
    }
    return this.logFile;
  }

  private assertNotDeleted(): void {
    if (this.removed) throw new KafkaError("ILLEGAL_STATE", `segment ${this.fileName} in ${this.dir} was deleted`);
  }

  private closeHandles(): void {
    for (const file of [this.indexFile, this.timeIndexFile, this.logFile]) file?.close();
    this.indexFile = undefined;
    this.timeIndexFile = undefined;
    this.logFile = undefined;
    this.active = false;
  }

  private rewrite(file: StorageFile, bytes: Uint8Array): void {
    file.truncate(0);
    file.write(0, bytes);
  }

  private async readWholeFile(kind: SegmentFileKind): Promise<Uint8Array | undefined> {
    const path = this.path(kind);
    if (!(await this.storage.exists(path))) return undefined;
    const file = await this.storage.open(path);
    try {
      return file.read(0, file.size());
    } finally {
      file.close();
    }
  }
}
