/**
 * The log cleaner: one compaction pass over one partition (Kafka's `Cleaner.doClean`).
 *
 * 1. Map every key of the cleanable dirty range [firstDirty, firstUncleanable) to its
 *    highest offset.
 * 2. Recopy every closed segment from the start of the log up to firstUncleanable, keeping
 *    a record when it is the newest of its key (or its key was not mapped), and, if it is a
 *    tombstone, only until the delete horizon stamped on its batch has passed. Records
 *    without a key and records of aborted transactions go; transaction markers go once
 *    their transaction has no batch left and their own horizon has passed.
 * 3. Offsets never change: a batch keeps its base offset, last offset and producer fields
 *    even when it lost records, so the log gets gaps and a fetch at a removed offset reads
 *    on to the next survivor.
 * 4. Small adjacent segments are merged while the result stays within segment.bytes, and
 *    each merged group replaces its segments through the log's crash-safe swap.
 * 5. The checkpoint moves to firstUncleanable: the next pass starts there.
 *
 * One call is one pass, so callers interleave appends between passes; the broker runs it
 * from its scheduler for the filthiest log, the scenario `clean` step forces it.
 */
import type { LogConfig } from "./log-config";
import { cleanableRange, type CleanableRange, type SegmentSummary } from "./cleanable-range";
import { CleanedTransactions, abortedTransactionsIn, type AbortedTxn } from "./cleaned-transactions";
import { buildOffsetMap, type MappedSegment, type OffsetMap } from "./offset-map";
import { batchesIn, batchSize, deleteHorizonMs, hasDeleteHorizon, isControl, lastOffset, nextOffset, type BatchHeader } from "./record-batch";
import { RecordWalker } from "./record-walker";
import { emptyBatch, rebuildBatch, type RetainedRecord } from "./retained-batch";

const INT_MAX = 2147483647;
const OFFSET_INDEX_ENTRY = 8;
const TIME_INDEX_ENTRY = 12;

/** What the cleaner needs from a partition log. */
export interface CleanableLog {
  segmentInfos(): readonly (SegmentSummary & { nextOffset?: number })[];
  /** The whole `.log` of a closed segment. */
  readSegment(baseOffset: number): Promise<Uint8Array>;
  /** Swap `newSegmentLogBytes` (base offset `newBaseOffset`) in for the closed segments `oldBaseOffsets`. */
  replaceSegments(oldBaseOffsets: number[], newSegmentLogBytes: Uint8Array, newBaseOffset: number): Promise<void>;
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  readonly highWatermark: number;
  /** The LSO when transactions are tracked; the high watermark stands in otherwise. */
  readonly lastStableOffset?: number;
  /** The partition directory (`orders-0`), the default name in events. */
  readonly dir?: string;
}

/** Where the first dirty offset is kept (see CleanerCheckpoint). */
export interface CheckpointStore {
  read(): Promise<number | undefined>;
  write(firstDirtyOffset: number): Promise<void>;
}

export type CleanerConfig = Pick<
  LogConfig,
  "minCleanableDirtyRatio" | "minCompactionLagMs" | "maxCompactionLagMs" | "deleteRetentionMs" | "segmentBytes" | "segmentIndexBytes" | "indexIntervalBytes"
>;

/** A producer the broker still tracks: the batch holding its last sequence must survive, even empty. */
export interface ProducerLastRecord {
  /** Last offset of its last data batch; undefined when its last entry is a transaction marker. */
  lastDataOffset: number | undefined;
  producerEpoch: number;
}

export interface CleanOptions {
  /** Name for events, e.g. "orders-0"; default the log's directory. */
  topicPartition?: string;
  checkpoint: CheckpointStore;
  /**
   * The partition's last stable offset when the log itself does not know it (PartitionLog
   * has no transaction state): nothing at or above it is cleaned, so an open transaction's
   * records never supersede committed ones. Default: the log's own LSO, else its high watermark.
   */
  lastStableOffset?: number;
  /** Clean even when the dirty ratio is below min.cleanable.dirty.ratio and no max lag forces it. */
  force?: boolean;
  /**
   * Aborted transactions of the partition (its transaction index). When omitted they are
   * read off the cleaned segments themselves: an ABORT marker there marks its batches.
   */
  abortedTransactions?: readonly AbortedTxn[];
  /** producerId → its last record, for producers the broker still tracks. Default: none. */
  activeProducers?: ReadonlyMap<number, ProducerLastRecord>;
  /** Cap on the removed records listed in the event (the count is always exact). Default 10,000. */
  maxRemovedListed?: number;
}

export type RemovalReason = "superseded" | "tombstone-expired" | "no-key" | "aborted" | "marker-expired";

export interface RemovedRecord {
  offset: number;
  /** The key as UTF-8 text (invalid bytes replaced), null for a record without key; "ABORT"/"COMMIT" for a transaction marker. */
  key: string | null;
  reason: RemovalReason;
}

export interface CleanerEvent {
  type: "cleaned";
  topicPartition: string;
  /** The first removed records, in offset order, at most `maxRemovedListed`. */
  removed: RemovedRecord[];
  removedCount: number;
  removedByReason: Record<RemovalReason, number>;
  /** Records (data and markers) left in the cleaned segments. */
  keptCount: number;
  /** Batches whose tombstones or markers got a delete horizon in this pass. */
  horizonsStamped: number;
  /** Base offsets of all the log's segments before and after the pass. */
  segmentsBefore: number[];
  segmentsAfter: number[];
  dirtyRatioBefore: number;
  firstDirtyOffset: number;
  firstUncleanableOffset: number;
  bytesBefore: number;
  bytesAfter: number;
  forced: boolean;
}

interface ReadSegment {
  baseOffset: number;
  /** Base of the next segment (the exclusive end of this one's offsets). */
  upperBound: number;
  sizeInBytes: number;
  bytes: Uint8Array;
}

/**
 * The cleanable range of `log` as the cleaner sees it now (for the selection across
 * partitions: see `selectFilthiest` in cleanable-range.ts).
 */
export async function cleanableRangeOf(
  log: CleanableLog,
  config: CleanerConfig,
  now: number,
  checkpoint: CheckpointStore,
  lastStableOffset?: number,
): Promise<CleanableRange> {
  return cleanableRange(log.segmentInfos(), offsetsOf(log, lastStableOffset), await checkpoint.read(), config, now);
}

function offsetsOf(log: CleanableLog, lastStableOffset: number | undefined) {
  return {
    logStartOffset: log.logStartOffset,
    logEndOffset: log.logEndOffset,
    lastStableOffset: Math.min(lastStableOffset ?? log.lastStableOffset ?? log.highWatermark, log.highWatermark),
  };
}

/**
 * One cleaning pass over `log` at time `now`. Returns what changed, or undefined when no
 * pass ran: the log was not due (and `force` was not set), or no closed segment lies
 * below the first uncleanable offset.
 */
export async function cleanOnce(log: CleanableLog, config: CleanerConfig, now: number, options: CleanOptions): Promise<CleanerEvent | undefined> {
  const infos = [...log.segmentInfos()].sort((a, b) => a.baseOffset - b.baseOffset);
  const range = cleanableRange(infos, offsetsOf(log, options.lastStableOffset), await options.checkpoint.read(), config, now);
  if (range.checkpointReset) await options.checkpoint.write(range.firstDirtyOffset);
  const forced = options.force === true;
  if (!range.shouldClean && !forced) return undefined;

  const endOffset = Math.max(range.firstUncleanableOffset, range.firstDirtyOffset);
  const toClean = infos.filter((s) => !s.isActive && s.baseOffset < endOffset);
  if (toClean.length === 0) return undefined;

  const segments: ReadSegment[] = [];
  for (let i = 0; i < toClean.length; i++) {
    const s = toClean[i]!;
    const upperBound = i + 1 < toClean.length ? toClean[i + 1]!.baseOffset : endOffset;
    segments.push({ baseOffset: s.baseOffset, upperBound, sizeInBytes: s.sizeInBytes, bytes: await log.readSegment(s.baseOffset) });
  }
  const aborted = options.abortedTransactions ?? abortedTransactionsIn(segments.map((s) => s.bytes));

  const dirty: MappedSegment[] = segments
    .filter((s) => s.upperBound > range.firstDirtyOffset)
    .map((s) => ({ bytes: s.bytes, nextSegmentStart: s.upperBound }));
  const map = buildOffsetMap(dirty, range.firstDirtyOffset, new CleanedTransactions(aborted));
  // Every segment below endOffset was mapped in full, so the map reaches its last offset
  // even when the dirty range is empty (a forced pass that only expires tombstones).
  map.updateLatestOffset(endOffset - 1);

  const segmentsBefore = infos.map((s) => s.baseOffset);
  const bytesBefore = infos.reduce((n, s) => n + s.sizeInBytes, 0);
  const pass = new CleaningPass(map, now, config.deleteRetentionMs, endOffset, new CleanedTransactions(aborted), options);

  for (const group of groupSegmentsBySize(segments, config, endOffset)) {
    const output = new ByteSink(group.reduce((n, s) => n + s.bytes.length, 0));
    for (const segment of group) pass.cleanInto(segment.bytes, output);
    await log.replaceSegments(
      group.map((s) => s.baseOffset),
      output.bytes(),
      group[0]!.baseOffset,
    );
  }
  await options.checkpoint.write(endOffset);

  const after = [...log.segmentInfos()].sort((a, b) => a.baseOffset - b.baseOffset);
  return {
    type: "cleaned",
    topicPartition: options.topicPartition ?? log.dir ?? "",
    removed: pass.removed,
    removedCount: pass.removedCount,
    removedByReason: pass.removedByReason,
    keptCount: pass.keptCount,
    horizonsStamped: pass.horizonsStamped,
    segmentsBefore,
    segmentsAfter: after.map((s) => s.baseOffset),
    dirtyRatioBefore: range.dirtyRatio,
    firstDirtyOffset: range.firstDirtyOffset,
    firstUncleanableOffset: endOffset,
    bytesBefore,
    bytesAfter: after.reduce((n, s) => n + s.sizeInBytes, 0),
    forced: forced && !range.shouldClean,
  };
}

/** Bytes the offset and time indexes of `bytes` hold, following the segment's index rule. */
function indexSizes(bytes: Uint8Array, indexIntervalBytes: number): { offsetIndex: number; timeIndex: number } {
  let offsetEntries = 0;
  let timeEntries = 0;
  let sinceLast = 0;
  let maxTimestamp = -1;
  let lastTimeEntry = -1;
  for (const { header } of batchesIn(bytes)) {
    if (header.maxTimestamp > maxTimestamp) maxTimestamp = header.maxTimestamp;
    if (sinceLast > indexIntervalBytes) {
      offsetEntries++;
      if (maxTimestamp > lastTimeEntry) {
        timeEntries++;
        lastTimeEntry = maxTimestamp;
      }
      sinceLast = 0;
    }
    sinceLast += batchSize(header);
  }
  // A segment that stops being active appends its final time entry.
  if (maxTimestamp > lastTimeEntry) timeEntries++;
  return { offsetIndex: offsetEntries * OFFSET_INDEX_ENTRY, timeIndex: timeEntries * TIME_INDEX_ENTRY };
}

/**
 * Kafka's `groupSegmentsBySize`: consecutive segments whose log bytes together stay within
 * segment.bytes (and whose indexes within segment.index.bytes, and whose offsets still fit
 * relative offsets) are cleaned into one.
 */
function groupSegmentsBySize(segments: readonly ReadSegment[], config: CleanerConfig, firstUncleanableOffset: number): ReadSegment[][] {
  const sizes = segments.map((s) => indexSizes(s.bytes, config.indexIntervalBytes));
  const groups: ReadSegment[][] = [];
  let i = 0;
  while (i < segments.length) {
    const head = segments[i]!;
    const group = [head];
    let logSize = head.sizeInBytes;
    let offsetIndex = sizes[i]!.offsetIndex;
    let timeIndex = sizes[i]!.timeIndex;
    i++;
    while (i < segments.length) {
      const next = segments[i]!;
      const lastOffsetOfNext = i + 1 < segments.length ? segments[i + 1]!.baseOffset - 1 : firstUncleanableOffset - 1;
      const fits =
        logSize + next.sizeInBytes <= config.segmentBytes &&
        offsetIndex + sizes[i]!.offsetIndex <= config.segmentIndexBytes &&
        timeIndex + sizes[i]!.timeIndex <= config.segmentIndexBytes &&
        (next.sizeInBytes === 0 || lastOffsetOfNext - head.baseOffset <= INT_MAX);
      if (!fits) break;
      group.push(next);
      logSize += next.sizeInBytes;
      offsetIndex += sizes[i]!.offsetIndex;
      timeIndex += sizes[i]!.timeIndex;
      i++;
    }
    groups.push(group);
  }
  return groups;
}

/** A growable output buffer for one cleaned segment. */
class ByteSink {
  private buf: Uint8Array;
  private length = 0;

  constructor(capacity: number) {
    this.buf = new Uint8Array(Math.max(capacity, 64));
  }

  append(bytes: Uint8Array): void {
    if (this.length + bytes.length > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + bytes.length));
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
    }
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

const keyDecoder = new TextDecoder();

/** A control record's key is int16 version, int16 type: name the marker rather than show those bytes. */
function markerName(buf: Uint8Array, keyStart: number, keyLength: number): string {
  const type = keyLength >= 4 ? (buf[keyStart + 2]! << 8) | buf[keyStart + 3]! : -1;
  return type === 0 ? "ABORT" : type === 1 ? "COMMIT" : `control type ${type}`;
}

/** The record filter of one pass, carried across the segments and groups it cleans. */
class CleaningPass {
  readonly removed: RemovedRecord[] = [];
  removedCount = 0;
  readonly removedByReason: Record<RemovalReason, number> = { superseded: 0, "tombstone-expired": 0, "no-key": 0, aborted: 0, "marker-expired": 0 };
  keptCount = 0;
  horizonsStamped = 0;

  private readonly walker = new RecordWalker();
  private readonly retained: RetainedRecord[] = [];
  private readonly maxListed: number;
  private readonly activeProducers: ReadonlyMap<number, ProducerLastRecord>;

  constructor(
    private readonly map: OffsetMap,
    private readonly now: number,
    private readonly deleteRetentionMs: number,
    /** The end of this pass: the batch ending there is kept even when emptied. */
    private readonly upperBoundOffset: number,
    private readonly transactions: CleanedTransactions,
    options: CleanOptions,
  ) {
    this.maxListed = options.maxRemovedListed ?? 10_000;
    this.activeProducers = options.activeProducers ?? new Map();
  }

  private remove(offset: number, buf: Uint8Array, keyStart: number, keyLength: number, reason: RemovalReason): void {
    this.removedCount++;
    this.removedByReason[reason]++;
    if (this.removed.length < this.maxListed) {
      let key: string | null;
      if (keyLength < 0) key = null;
      else if (reason === "marker-expired") key = markerName(buf, keyStart, keyLength);
      else key = keyDecoder.decode(buf.subarray(keyStart, keyStart + keyLength));
      this.removed.push({ offset, key, reason });
    }
  }

  /** Is this batch the one holding a tracked producer's last sequence (or its last marker)? */
  private holdsProducerState(header: BatchHeader): boolean {
    if (header.producerId < 0) return false;
    const last = this.activeProducers.get(header.producerId);
    if (!last) return false;
    if (last.lastDataOffset !== undefined) return lastOffset(header) === last.lastDataOffset;
    return isControl(header) && header.producerEpoch === last.producerEpoch;
  }

  /** Append what survives of the segment `buf` to `out`. */
  cleanInto(buf: Uint8Array, out: ByteSink): void {
    for (const { pos, header } of batchesIn(buf)) this.cleanBatch(buf, pos, header, out);
  }

  private cleanBatch(buf: Uint8Array, pos: number, header: BatchHeader, out: ByteSink): void {
    const control = isControl(header);
    const canDiscard = control ? this.transactions.onControlBatchRead(buf, pos, header) : this.transactions.onBatchRead(header);
    const horizon = deleteHorizonMs(header);
    const horizonPassed = horizon !== undefined && horizon <= this.now;
    const discardRecords = control ? canDiscard && horizonPassed : canDiscard;
    const retainEmpty = this.holdsProducerState(header) || nextOffset(header) === this.upperBoundOffset;
    const markerForEmptyTxn = control && canDiscard;
    const dropReason: RemovalReason = control ? "marker-expired" : "aborted";

    const walker = this.walker.reset(buf, pos, header);
    const retained = this.retained;
    retained.length = 0;
    let containsTombstones = false;
    while (walker.next()) {
      const offset = walker.offset;
      let keep: boolean;
      if (discardRecords) {
        this.remove(offset, buf, walker.keyStart, walker.keyLength, dropReason);
        keep = false;
      } else if (control || offset > this.map.latestOffset) {
        keep = true;
      } else if (walker.keyLength < 0) {
        this.remove(offset, buf, walker.keyStart, walker.keyLength, "no-key");
        keep = false;
      } else if (offset < this.map.get(buf, walker.keyStart, walker.keyStart + walker.keyLength)) {
        this.remove(offset, buf, walker.keyStart, walker.keyLength, "superseded");
        keep = false;
      } else if (walker.valueLength < 0 && horizonPassed) {
        this.remove(offset, buf, walker.keyStart, walker.keyLength, "tombstone-expired");
        keep = false;
      } else {
        keep = true;
      }
      if (keep) {
        if (walker.valueLength < 0) containsTombstones = true;
        retained.push({ start: walker.start, end: walker.end, afterTimestamp: walker.afterTimestamp, timestampDelta: walker.timestampDelta });
      }
    }

    if (retained.length > 0) {
      this.keptCount += retained.length;
      const stamp = (containsTombstones || markerForEmptyTxn) && !hasDeleteHorizon(header);
      if (retained.length === header.recordsCount && !stamp) {
        out.append(buf.subarray(pos, pos + batchSize(header)));
      } else {
        if (stamp) this.horizonsStamped++;
        out.append(rebuildBatch(buf, header, retained, stamp ? this.now + this.deleteRetentionMs : horizon));
      }
    } else if (retainEmpty) {
      out.append(emptyBatch(header));
    }
  }
}

