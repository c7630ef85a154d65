/**
 * The part of a topic's configuration the partition log itself obeys, typed and with
 * Kafka's defaults. Parsing and validating the user's `key=value` topic config is done by
 * `workers/protocol/topic-config.ts`; it hands the log one of these.
 */
import type { TimestampType } from "./record-batch";

export type CleanupPolicy = "delete" | "compact";

/** Java's Long.MAX_VALUE does not fit a JS number; the largest safe integer means "never" here. */
export const LONG_MAX = Number.MAX_SAFE_INTEGER;

export interface LogConfig {
  /** segment.bytes */
  segmentBytes: number;
  /** segment.ms */
  segmentMs: number;
  /** segment.jitter.ms */
  segmentJitterMs: number;
  /** segment.index.bytes: capacity of each of a segment's two indexes */
  segmentIndexBytes: number;
  /** index.interval.bytes */
  indexIntervalBytes: number;
  /** retention.ms; -1 keeps data forever */
  retentionMs: number;
  /** retention.bytes, per partition; -1 is unlimited */
  retentionBytes: number;
  /** message.timestamp.type */
  messageTimestampType: TimestampType;
  /** max.message.bytes: the largest record batch the log accepts */
  maxMessageBytes: number;
  /** cleanup.policy, a list in Kafka ("compact,delete") */
  cleanupPolicy: readonly CleanupPolicy[];
  /** delete.retention.ms */
  deleteRetentionMs: number;
  /** min.compaction.lag.ms */
  minCompactionLagMs: number;
  /** max.compaction.lag.ms */
  maxCompactionLagMs: number;
  /** min.cleanable.dirty.ratio */
  minCleanableDirtyRatio: number;
  /** file.delete.delay.ms */
  fileDeleteDelayMs: number;
}

export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 1073741824,
  segmentMs: 604800000,
  segmentJitterMs: 0,
  segmentIndexBytes: 10485760,
  indexIntervalBytes: 4096,
  retentionMs: 604800000,
  retentionBytes: -1,
  messageTimestampType: "CreateTime",
  maxMessageBytes: 1048588,
  cleanupPolicy: Object.freeze(["delete"]) as readonly CleanupPolicy[],
  deleteRetentionMs: 86400000,
  minCompactionLagMs: 0,
  maxCompactionLagMs: LONG_MAX,
  minCleanableDirtyRatio: 0.5,
  fileDeleteDelayMs: 60000,
});

/** Kafka's name for each field, for messages and for mapping topic configs onto this object. */
export const LOG_CONFIG_NAMES: Readonly<Record<keyof LogConfig, string>> = Object.freeze({
  segmentBytes: "segment.bytes",
  segmentMs: "segment.ms",
  segmentJitterMs: "segment.jitter.ms",
  segmentIndexBytes: "segment.index.bytes",
  indexIntervalBytes: "index.interval.bytes",
  retentionMs: "retention.ms",
  retentionBytes: "retention.bytes",
  messageTimestampType: "message.timestamp.type",
  maxMessageBytes: "max.message.bytes",
  cleanupPolicy: "cleanup.policy",
  deleteRetentionMs: "delete.retention.ms",
  minCompactionLagMs: "min.compaction.lag.ms",
  maxCompactionLagMs: "max.compaction.lag.ms",
  minCleanableDirtyRatio: "min.cleanable.dirty.ratio",
  fileDeleteDelayMs: "file.delete.delay.ms",
});

/** Defaults overlaid with `overrides`. */
export function logConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  return { ...DEFAULT_LOG_CONFIG, ...overrides };
}

/** Time and size retention apply (cleanup.policy contains delete). */
export function deletesSegments(config: LogConfig): boolean {
  return config.cleanupPolicy.includes("delete");
}

/** The cleaner compacts this log (cleanup.policy contains compact). */
export function isCompacted(config: LogConfig): boolean {
  return config.cleanupPolicy.includes("compact");
}
