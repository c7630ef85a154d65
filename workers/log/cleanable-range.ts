/**
 * Which part of a compacted log the cleaner may work on, and whether it should now
 * (Kafka's `LogCleanerManager.cleanableOffsets` and `LogToClean`):
 *
 *   logStart … firstDirtyOffset … firstUncleanableOffset … activeSegment.base … LEO
 *   |<- clean ->|<- cleanable dirty ->|<-------------- uncleanable -------------->|
 *
 * The active segment is never cleaned, nor anything at or above the last stable offset (open
 * transactions, data above the high watermark), nor a segment holding a record younger than
 * min.compaction.lag.ms. Sizes are whole segments, so the dirty ratio moves in segment steps.
 */
import type { LogConfig } from "./log-config";

/** What the range computation needs to know about a segment. */
export interface SegmentSummary {
  baseOffset: number;
  sizeInBytes: number;
  /** Timestamp of the first batch, used by max.compaction.lag.ms; ≤ 0 when unknown. */
  firstTimestamp: number;
  /** Largest record timestamp, used by min.compaction.lag.ms. */
  largestTimestamp: number;
  isActive: boolean;
}

export interface LogOffsets {
  logStartOffset: number;
  logEndOffset: number;
  /** The LSO (the high watermark when no transaction is open). */
  lastStableOffset: number;
}

export type CompactionConfig = Pick<LogConfig, "minCleanableDirtyRatio" | "minCompactionLagMs" | "maxCompactionLagMs">;

export interface CleanableRange {
  firstDirtyOffset: number;
  /** Exclusive end of the cleanable range, always a segment base offset. */
  firstUncleanableOffset: number;
  /** Bytes of the segments below firstDirtyOffset (compacted before). */
  cleanBytes: number;
  /** Bytes of the segments in [firstDirtyOffset, firstUncleanableOffset). */
  cleanableBytes: number;
  totalBytes: number;
  /** cleanableBytes / (cleanBytes + cleanableBytes); 0 for a log with nothing to weigh. */
  dirtyRatio: number;
  /** How long past max.compaction.lag.ms the oldest dirty segment is; 0 when within it. */
  compactionDelayMs: number;
  /** max.compaction.lag.ms has passed for a dirty segment. */
  needCompactionNow: boolean;
  /** The stored checkpoint was outside [logStart, LEO] and must be rewritten to firstDirtyOffset. */
  checkpointReset: boolean;
  /** The cleaner would pick this log: dirty ratio above min.cleanable.dirty.ratio, or forced by max lag with bytes to clean. */
  shouldClean: boolean;
}

/** Segments that hold offsets ≥ `offset`: the one containing it (its floor) and all after. */
function segmentsFrom<T extends SegmentSummary>(segments: readonly T[], offset: number): T[] {
  let first = 0;
  for (let i = 0; i < segments.length; i++) {
    if (segments[i]!.baseOffset <= offset) first = i;
    else break;
  }
  return segments.slice(first);
}

/** Sum of sizes of the segments overlapping [from, to). */
function bytesIn(segments: readonly SegmentSummary[], from: number, to: number): number {
  let total = 0;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    const end = i + 1 < segments.length ? segments[i + 1]!.baseOffset : Number.POSITIVE_INFINITY;
    if (s.baseOffset < to && end > from) total += s.sizeInBytes;
  }
  return total;
}

/**
 * The cleanable range of one log. `segments` are in offset order with the active segment
 * last; `checkpoint` is the stored first dirty offset (undefined before the first clean).
 */
export function cleanableRange(
  segments: readonly SegmentSummary[],
  offsets: LogOffsets,
  checkpoint: number | undefined,
  config: CompactionConfig,
  now: number,
): CleanableRange {
  const { logStartOffset, logEndOffset, lastStableOffset } = offsets;
  let firstDirtyOffset = checkpoint ?? logStartOffset;
  let checkpointReset = false;
  // A checkpoint below the log start (retention or DeleteRecords moved it) or beyond the end
  // (the tail was truncated after a crash) no longer describes this log: start over.
  if (firstDirtyOffset < logStartOffset || firstDirtyOffset > logEndOffset) {
    firstDirtyOffset = logStartOffset;
    checkpointReset = true;
  }

  const active = segments.find((s) => s.isActive) ?? segments[segments.length - 1];
  const activeBase = active ? active.baseOffset : logEndOffset;
  const nonActive = segments.filter((s) => s !== active && !s.isActive);

  let uncleanable = Math.min(lastStableOffset, activeBase);
  const minLag = Math.max(config.minCompactionLagMs, 0);
  if (minLag > 0) {
    const young = segmentsFrom(nonActive, firstDirtyOffset).find((s) => s.largestTimestamp > now - minLag);
    if (young) uncleanable = Math.min(uncleanable, young.baseOffset);
  }
  uncleanable = Math.max(firstDirtyOffset, uncleanable);

  // Down to the base of the segment holding it: only whole segments are cleaned.
  const holding = uncleanable >= activeBase ? [] : segmentsFrom(nonActive, uncleanable);
  const firstUncleanableOffset = holding.length > 0 ? holding[0]!.baseOffset : activeBase;

  const cleanBytes = bytesIn(segments, -1, firstDirtyOffset);
  const cleanableBytes = bytesIn(segments, Math.min(firstDirtyOffset, firstUncleanableOffset), firstUncleanableOffset);
  const totalBytes = cleanBytes + cleanableBytes;
  const dirtyRatio = totalBytes > 0 ? cleanableBytes / totalBytes : 0;

  let earliest = Number.POSITIVE_INFINITY;
  for (const s of segmentsFrom(nonActive, firstDirtyOffset)) {
    if (s.firstTimestamp > 0 && s.firstTimestamp < earliest) earliest = s.firstTimestamp;
  }
  const cleanUntil = now - Math.max(config.maxCompactionLagMs, 0);
  const compactionDelayMs = earliest < cleanUntil ? cleanUntil - earliest : 0;
  const needCompactionNow = compactionDelayMs > 0;

  const shouldClean = totalBytes > 0 && ((needCompactionNow && cleanableBytes > 0) || dirtyRatio > config.minCleanableDirtyRatio);
  return {
    firstDirtyOffset,
    firstUncleanableOffset,
    cleanBytes,
    cleanableBytes,
    totalBytes,
    dirtyRatio,
    compactionDelayMs,
    needCompactionNow,
    checkpointReset,
    shouldClean,
  };
}

/**
 * The log the cleaner takes next among `candidates`: of those that should be cleaned, the
 * one with the highest dirty ratio (the first of equals), or undefined when none qualifies.
 */
export function selectFilthiest<T extends { range: CleanableRange }>(candidates: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const c of candidates) {
    if (!c.range.shouldClean) continue;
    if (best === undefined || c.range.dirtyRatio > best.range.dirtyRatio) best = c;
  }
  return best;
}
