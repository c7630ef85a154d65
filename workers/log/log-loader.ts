/**
 * Opening a partition directory: clean up what an interrupted operation left, complete or
 * discard a half-done compaction swap, load the segments, and recover the unflushed tail
 * (Kafka's LogLoader, section 1.5).
 *
 * Every segment from the one holding the recovery point on is validated batch by batch
 * and gets its indexes rebuilt. The recovery point is the active segment's base offset,
 * checkpointed at each roll after the closed segment was flushed, so normally only the
 * last segment is validated; without a checkpoint the whole log is. The first invalid or
 * torn batch ends the log: its segment is cut there and every later segment is deleted.
 */
import type { Storage } from "../storage/storage";
import {
  LOG_START_OFFSET_CHECKPOINT,
  RECOVERY_POINT_CHECKPOINT,
  isCheckpointTemp,
  readOffsetCheckpoint,
  writeOffsetCheckpoint,
} from "./checkpoint-file";
import { LogSegment, type SegmentSettings } from "./segment";
import { joinPath, parseSegmentFileName, segmentFileName, type ParsedSegmentFileName } from "./segment-name";

export interface LoadedLog {
  /** Oldest first; the last one is active (its index files open). */
  segments: LogSegment[];
  logStartOffset: number;
  /** Base offset of the active segment, as checkpointed. */
  recoveryPoint: number;
  /** Bytes cut from the segment with the first invalid batch. */
  truncatedBytes: number;
  /** Base offsets of segments deleted because they followed an invalid batch. */
  deletedSegments: number[];
  /** Base offsets of the segments that were validated and had their indexes rebuilt. */
  recoveredSegments: number[];
}

/**
 * Load the log in `dir` (created if missing). `settings` gives each segment's settings
 * (a fresh roll jitter per segment, as Kafka draws one per segment).
 */
export async function loadLog(storage: Storage, dir: string, settings: () => SegmentSettings, now: number): Promise<LoadedLog> {
  await storage.mkdir(dir);
  await removeLeftovers(storage, dir);
  const swapped = await completeSwaps(storage, dir, settings, now);
  const bases = await segmentBaseOffsets(storage, dir);

  const logStartCheckpoint = await readOffsetCheckpoint(storage, dir, LOG_START_OFFSET_CHECKPOINT);
  const recoveryCheckpoint = await readOffsetCheckpoint(storage, dir, RECOVERY_POINT_CHECKPOINT);
  // No checkpoint: nothing is known to be flushed, so every segment is validated.
  const recoveryPoint = recoveryCheckpoint ?? -1;
  let recoverFrom = 0;
  for (let i = 0; i < bases.length; i++) if (bases[i]! <= recoveryPoint) recoverFrom = i;

  const segments: LogSegment[] = [];
  const recoveredSegments: number[] = [];
  const deletedSegments: number[] = [];
  let truncatedBytes = 0;
  for (let i = 0; i < bases.length; i++) {
    const base = bases[i]!;
    const segment = await LogSegment.open(storage, dir, base, settings(), now);
    segments.push(segment);
    const isLast = i === bases.length - 1;
    let recover = i >= recoverFrom || swapped.has(base);
    if (!recover && (await segment.loadIndexes()) !== undefined) recover = true;
    let cut = 0;
    if (recover) {
      const previous = segments[i - 1];
      cut = segment.recover(previous === undefined ? base : previous.nextOffset);
      recoveredSegments.push(base);
      truncatedBytes += cut;
    }
    if (cut > 0 && !isLast) {
      for (const later of bases.slice(i + 1)) {
        await removeSegmentFiles(storage, dir, later);
        deletedSegments.push(later);
      }
    }
    if (recover && !(cut > 0 || isLast)) await segment.writeIndexFiles();
    if (cut > 0 || isLast) break;
    segment.closeLog();
  }

  if (segments.length === 0) {
    segments.push(await LogSegment.create(storage, dir, logStartCheckpoint ?? 0, settings(), now));
  }
  const logStartOffset = Math.max(logStartCheckpoint ?? 0, segments[0]!.baseOffset);
  const logEndOffset = segments[segments.length - 1]!.nextOffset;
  if (logStartOffset > logEndOffset) {
    // Records up to the checkpointed start were deleted and the rest was lost: start over
    // empty at the log start offset rather than hand out offsets that were already used.
    for (const segment of segments) {
      await segment.delete();
      deletedSegments.push(segment.baseOffset);
    }
    segments.length = 0;
    segments.push(await LogSegment.create(storage, dir, logStartOffset, settings(), now));
  }
  const active = segments[segments.length - 1]!;
  if (!active.isActive) await active.activate();

  if (logStartCheckpoint !== logStartOffset) {
    await writeOffsetCheckpoint(storage, dir, LOG_START_OFFSET_CHECKPOINT, logStartOffset);
  }
  if (recoveryCheckpoint !== active.baseOffset) {
    await writeOffsetCheckpoint(storage, dir, RECOVERY_POINT_CHECKPOINT, active.baseOffset);
  }
  return {
    segments,
    logStartOffset,
    recoveryPoint: active.baseOffset,
    truncatedBytes,
    deletedSegments,
    recoveredSegments,
  };
}

/** Remove a segment's files by name (segments never opened, e.g. after an invalid batch). */
export async function removeSegmentFiles(storage: Storage, dir: string, baseOffset: number): Promise<void> {
  // The .log goes first: without it the rest is recognised as stray on the next load.
  for (const kind of ["log", "index", "timeindex", "txnindex"] as const) {
    await storage.remove(joinPath(dir, segmentFileName(baseOffset, kind)));
  }
}

/** Files scheduled for deletion, unfinished compaction output and checkpoint temporaries. */
async function removeLeftovers(storage: Storage, dir: string): Promise<void> {
  for (const name of await storage.list(dir)) {
    const parsed = parseSegmentFileName(name);
    if (parsed?.suffix === "deleted" || parsed?.suffix === "cleaned" || isCheckpointTemp(name)) {
      await storage.remove(joinPath(dir, name));
    }
  }
}

/**
 * A `.log.swap` means the cleaner got as far as committing its output: finish the swap by
 * removing the segments the swap file covers and renaming it to its final name. Answers
 * the base offsets of completed swaps (their indexes are rebuilt).
 */
async function completeSwaps(storage: Storage, dir: string, settings: () => SegmentSettings, now: number): Promise<Set<number>> {
  const names = await storage.list(dir);
  const swapLogs: number[] = [];
  for (const name of names) {
    const parsed = parseSegmentFileName(name);
    if (parsed?.suffix !== "swap") continue;
    if (parsed.kind === "log") swapLogs.push(parsed.baseOffset);
    else await storage.remove(joinPath(dir, name)); // indexes are rebuilt from the log
  }
  const done = new Set<number>();
  if (swapLogs.length === 0) return done;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const base of swapLogs) {
    const swap = await LogSegment.open(storage, dir, base, settings(), now, "swap");
    swap.recover(base);
    min = Math.min(min, base);
    max = Math.max(max, swap.nextOffset);
    swap.closeLog();
  }
  for (const name of names) {
    const parsed = parseSegmentFileName(name);
    if (isSegmentFile(parsed) && parsed.baseOffset >= min && parsed.baseOffset < max) {
      await storage.remove(joinPath(dir, name));
    }
  }
  for (const base of swapLogs) {
    await storage.remove(joinPath(dir, segmentFileName(base, "index")));
    await storage.remove(joinPath(dir, segmentFileName(base, "timeindex")));
    await storage.rename(joinPath(dir, segmentFileName(base, "log", "swap")), joinPath(dir, segmentFileName(base, "log")));
    done.add(base);
  }
  return done;
}

/** Base offsets of the `.log` files, ascending; index files without a `.log` are removed. */
async function segmentBaseOffsets(storage: Storage, dir: string): Promise<number[]> {
  const names = await storage.list(dir);
  const logs = new Set<number>();
  for (const name of names) {
    const parsed = parseSegmentFileName(name);
    if (parsed?.kind === "log" && parsed.suffix === undefined) logs.add(parsed.baseOffset);
  }
  for (const name of names) {
    const parsed = parseSegmentFileName(name);
    if (isSegmentFile(parsed) && parsed.kind !== "log" && !logs.has(parsed.baseOffset)) {
      await storage.remove(joinPath(dir, name));
    }
  }
  return [...logs].sort((a, b) => a - b);
}

/** A final-named file of a segment (producer snapshots are named by offset too, but are not one). */
function isSegmentFile(parsed: ParsedSegmentFileName | undefined): parsed is ParsedSegmentFileName {
  return parsed !== undefined && parsed.suffix === undefined && parsed.kind !== "snapshot";
}
