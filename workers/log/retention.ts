/**
 * Retention for cleanup.policy=delete (section 2, Kafka's UnifiedLog.deleteOldSegments):
 * time, then size, then segments wholly below logStartOffset (that last one for every
 * policy). Each pass deletes a contiguous prefix of whole segments, stopping at the first
 * segment the predicate rejects, at the first one not entirely below the high watermark,
 * and never taking an empty last segment.
 */
import { deletesSegments, type LogConfig } from "./log-config";
import type { DeleteReason, PartitionLog, SegmentInfo } from "./partition-log";

export interface RetentionResult {
  /** Deleted segments, oldest first, with the rule that took each. */
  deleted: { baseOffset: number; sizeInBytes: number; reason: DeleteReason }[];
  logStartOffset: number;
  /** An expired non-empty active segment was rolled so it could be deleted (time retention). */
  rolledActive: boolean;
}

type Predicate = (segment: SegmentInfo, next: SegmentInfo | undefined) => boolean;

export async function applyRetention(log: PartitionLog, config: LogConfig, now: number): Promise<RetentionResult> {
  const result: RetentionResult = { deleted: [], logStartOffset: log.logStartOffset, rolledActive: false };
  if (deletesSegments(config)) {
    if (config.retentionMs >= 0) {
      await deleteOldSegments(log, "retention-time", (s) => now - s.largestTimestamp > config.retentionMs, result);
    }
    const size = log.size;
    if (config.retentionBytes >= 0 && size >= config.retentionBytes) {
      let excess = size - config.retentionBytes;
      await deleteOldSegments(
        log,
        "retention-bytes",
        (s) => {
          if (excess - s.sizeInBytes < 0) return false;
          excess -= s.sizeInBytes;
          return true;
        },
        result,
      );
    }
  }
  await deleteOldSegments(log, "log-start-offset", (_s, next) => next !== undefined && next.baseOffset <= log.logStartOffset, result);
  result.logStartOffset = log.logStartOffset;
  return result;
}

/** How many of the oldest segments a predicate lets go (Kafka's deletableSegments). */
export function deletableSegmentCount(segments: readonly SegmentInfo[], highWatermark: number, logEndOffset: number, predicate: Predicate): number {
  let count = 0;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const next = segments[i + 1];
    const upperBound = next === undefined ? logEndOffset : next.baseOffset;
    const lastAndEmpty = next === undefined && segment.sizeInBytes === 0;
    if (highWatermark >= upperBound && !lastAndEmpty && predicate(segment, next)) count++;
    else break;
  }
  return count;
}

async function deleteOldSegments(log: PartitionLog, reason: DeleteReason, predicate: Predicate, result: RetentionResult): Promise<void> {
  const segments = log.segmentInfos();
  const count = deletableSegmentCount(segments, log.highWatermark, log.logEndOffset, predicate);
  if (count === 0) return;
  await log.deleteOldestSegments(count, reason);
  if (count === segments.length) result.rolledActive = true;
  for (const s of segments.slice(0, count)) result.deleted.push({ baseOffset: s.baseOffset, sizeInBytes: s.sizeInBytes, reason });
}
