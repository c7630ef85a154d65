/** The part of a topic's config its partition logs obey. */
import type { LogConfig } from "../log/log-config";
import type { TopicConfig } from "../protocol/topic-config";

export function logConfigOf(c: TopicConfig): LogConfig {
  return {
    segmentBytes: c["segment.bytes"],
    segmentMs: c["segment.ms"],
    segmentJitterMs: c["segment.jitter.ms"],
    segmentIndexBytes: c["segment.index.bytes"],
    indexIntervalBytes: c["index.interval.bytes"],
    retentionMs: c["retention.ms"],
    retentionBytes: c["retention.bytes"],
    messageTimestampType: c["message.timestamp.type"],
    maxMessageBytes: c["max.message.bytes"],
    cleanupPolicy: c["cleanup.policy"],
    deleteRetentionMs: c["delete.retention.ms"],
    minCompactionLagMs: c["min.compaction.lag.ms"],
    maxCompactionLagMs: c["max.compaction.lag.ms"],
    minCleanableDirtyRatio: c["min.cleanable.dirty.ratio"],
    fileDeleteDelayMs: c["file.delete.delay.ms"],
  };
}
