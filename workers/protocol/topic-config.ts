/**
 * Kafka's topic configs (Kafka 4.x `LogConfig`), those that matter to a single broker:
 * names, types, defaults, valid values, and the words the topic dialog shows for each.
 *
 * A resolved {@link TopicConfig} is keyed by Kafka's own dotted names, so code reads
 * `config["retention.ms"]` exactly as the docs and the CLI spell it.
 *
 * One deliberate deviation: `segment.bytes` accepts anything ≥ 14 bytes (Kafka 4.0 requires
 * ≥ 1 MiB) because tiny segments are how the workbench makes rolling, retention and
 * compaction visible with a handful of records.
 */
import {
  booleanKey,
  choiceKey,
  configConflict,
  defaultsOf,
  doubleKey,
  intKey,
  INT_MAX,
  listKey,
  LONG_MAX,
  longKey,
  parseKey,
  resolveConfig,
  unknownName,
  type ConfigKey,
  type ConfigOwner,
  type ConfigType,
  type RawConfig,
  type RawConfigValue,
} from "./config-def";
import { KafkaError } from "./errors";

export type CleanupPolicy = "delete" | "compact";
export type MessageTimestampType = "CreateTime" | "LogAppendTime";
/** Only the values that leave batches as the producer sent them (streamlab writes no compressed batches). */
export type TopicCompressionType = "producer" | "uncompressed";

export interface TopicConfig {
  "cleanup.policy": readonly CleanupPolicy[];
  "retention.ms": number;
  "retention.bytes": number;
  "segment.bytes": number;
  "segment.ms": number;
  "segment.jitter.ms": number;
  "segment.index.bytes": number;
  "index.interval.bytes": number;
  "min.cleanable.dirty.ratio": number;
  "min.compaction.lag.ms": number;
  "max.compaction.lag.ms": number;
  "delete.retention.ms": number;
  "file.delete.delay.ms": number;
  "max.message.bytes": number;
  "message.timestamp.type": MessageTimestampType;
  "message.timestamp.before.max.ms": number;
  "message.timestamp.after.max.ms": number;
  "min.insync.replicas": number;
  "compression.type": TopicCompressionType;
  "unclean.leader.election.enable": boolean;
  "flush.messages": number;
  "flush.ms": number;
  "preallocate": boolean;
}

export type TopicConfigName = keyof TopicConfig;

/** Smallest segment.bytes streamlab accepts: Kafka's pre-4.0 floor (a legacy record's overhead). */
export const MIN_SEGMENT_BYTES = 14;

const NO_COMPRESSION = "compression is not supported by streamlab: batches are stored as the producer sent them, uncompressed";

/** Every topic config, in the order the dialog lists them. */
export const TOPIC_CONFIGS: { readonly [K in TopicConfigName]: ConfigKey<TopicConfig[K]> } = {
  "cleanup.policy": listKey<CleanupPolicy>("cleanup.policy", {
    default: ["delete"],
    values: ["delete", "compact"],
    doc:
      "What happens to old data. \"delete\" drops whole segments once they are older than retention.ms or " +
      "the partition is bigger than retention.bytes. \"compact\" keeps at least the latest record for every " +
      "key and removes older values of the same key (a null value, a tombstone, removes the key itself after " +
      "delete.retention.ms). \"compact,delete\" does both: compaction, and segments still expire by retention.",
  }),
  "retention.ms": longKey("retention.ms", {
    default: 604_800_000,
    min: -1,
    valid: "a long integer ≥ -1 (-1 = keep forever)",
    doc:
      "How long records are kept when the policy includes delete, in milliseconds (default 7 days; -1 keeps " +
      "them forever). A segment is deleted once its newest record is older than this, so one record with a " +
      "far-future timestamp keeps its whole segment and everything after it. Only whole segments are deleted, " +
      "never single records.",
  }),
  "retention.bytes": longKey("retention.bytes", {
    default: -1,
    valid: "a long integer (negative = no size limit)",
    doc:
      "Maximum size of each partition (not of the whole topic) before the oldest segments are deleted, when " +
      "the policy includes delete. -1 means no size limit. The active segment is never deleted for size, so " +
      "a partition can stay bigger than this by up to one segment.",
  }),
  "segment.bytes": intKey("segment.bytes", {
    default: 1_073_741_824,
    min: MIN_SEGMENT_BYTES,
    max: INT_MAX,
    doc:
      "Size at which the active segment file is closed and a new one started (default 1 GiB). Retention and " +
      "compaction work on closed segments only, so small segments make them visible. Real Kafka 4.x refuses " +
      "values below 1 MiB; streamlab accepts down to 14 bytes so a few records already fill a segment.",
  }),
  "segment.ms": longKey("segment.ms", {
    default: 604_800_000,
    min: 1,
    doc:
      "Time after which the active segment is closed even if it is not full (default 7 days), so that " +
      "retention and compaction can eventually act on records in a quiet partition. Measured from the first " +
      "record's timestamp in the segment.",
  }),
  "segment.jitter.ms": longKey("segment.jitter.ms", {
    default: 0,
    min: 0,
    doc:
      "A random amount, up to this many milliseconds, subtracted from segment.ms for each new segment so that " +
      "many partitions do not all roll at the same moment. 0 means no jitter.",
  }),
  "segment.index.bytes": intKey("segment.index.bytes", {
    default: 10_485_760,
    min: 4,
    max: INT_MAX,
    doc:
      "Maximum size of a segment's offset index file (.index), which maps offsets to file positions; each " +
      "entry takes 8 bytes. When the index is full the segment rolls, even if segment.bytes is not reached.",
  }),
  "index.interval.bytes": intKey("index.interval.bytes", {
    default: 4096,
    min: 0,
    max: INT_MAX,
    doc:
      "How many bytes of batches are written between two entries of the offset and time indexes. Smaller " +
      "values make lookups land closer to the wanted offset at the cost of bigger index files; 0 indexes " +
      "every batch.",
  }),
  "min.cleanable.dirty.ratio": doubleKey("min.cleanable.dirty.ratio", {
    default: 0.5,
    min: 0,
    max: 1,
    doc:
      "For compacted topics: the cleaner compacts a partition once the part not yet compacted (the dirty part) " +
      "is more than this fraction of the log. 0.5 means half the log may hold duplicates of keys; lower values " +
      "clean more often.",
  }),
  "min.compaction.lag.ms": longKey("min.compaction.lag.ms", {
    default: 0,
    min: 0,
    doc:
      "For compacted topics: the minimum time a record stays uncompacted, so consumers are guaranteed to see " +
      "every value of a key written within this window. Segments with records newer than this are not cleaned.",
  }),
  "max.compaction.lag.ms": longKey("max.compaction.lag.ms", {
    default: LONG_MAX,
    min: 1,
    doc:
      "For compacted topics: the maximum time a record can stay uncompacted. A segment older than this is " +
      "cleaned even if the dirty ratio is below min.cleanable.dirty.ratio, and the active segment is rolled " +
      "in time for that. The default means no limit.",
  }),
  "delete.retention.ms": longKey("delete.retention.ms", {
    default: 86_400_000,
    min: 0,
    doc:
      "For compacted topics: how long tombstones (records with a null value) and transaction markers are kept " +
      "after the cleaner first passes over them (default 1 day). A consumer that reads the topic from the " +
      "start within this time sees the delete; one that is slower may miss it.",
  }),
  "file.delete.delay.ms": longKey("file.delete.delay.ms", {
    default: 60_000,
    min: 0,
    doc:
      "How long a deleted segment's files stay on disk (renamed with a .deleted suffix) before they are " +
      "removed, so that readers still using them can finish.",
  }),
  "max.message.bytes": intKey("max.message.bytes", {
    default: 1_048_588,
    min: 0,
    max: INT_MAX,
    doc:
      "Largest record batch the broker accepts for this topic, in bytes (default 1 MiB + 12). A larger batch " +
      "is rejected with MESSAGE_TOO_LARGE, which the producer reports as RecordTooLargeException.",
  }),
  "message.timestamp.type": choiceKey<MessageTimestampType>("message.timestamp.type", {
    default: "CreateTime",
    values: ["CreateTime", "LogAppendTime"],
    doc:
      "Which time a record carries. CreateTime keeps the timestamp the producer set (event time); " +
      "LogAppendTime replaces it with the broker's clock when the batch is appended (ingestion time).",
  }),
  "message.timestamp.before.max.ms": longKey("message.timestamp.before.max.ms", {
    default: LONG_MAX,
    min: 0,
    doc:
      "With CreateTime: how far in the past a record's timestamp may be, compared with the broker's clock, " +
      "before the batch is rejected with INVALID_TIMESTAMP. The default accepts any past timestamp.",
  }),
  "message.timestamp.after.max.ms": longKey("message.timestamp.after.max.ms", {
    default: 3_600_000,
    min: 0,
    doc:
      "With CreateTime: how far in the future a record's timestamp may be, compared with the broker's clock, " +
      "before the batch is rejected with INVALID_TIMESTAMP. Kafka 4.0 lowered the default to 1 hour (it was " +
      "unlimited) because future timestamps keep segments from ever expiring.",
  }),
  "min.insync.replicas": intKey("min.insync.replicas", {
    default: 1,
    min: 1,
    max: INT_MAX,
    doc:
      "With acks=all, how many replicas must have a write before it is acknowledged. streamlab runs one broker " +
      "with one replica per partition, so any value above 1 makes every acks=all produce fail with " +
      "NOT_ENOUGH_REPLICAS, just as it would on a real cluster that lost its followers.",
  }),
  "compression.type": choiceKey<TopicCompressionType>("compression.type", {
    default: "producer",
    values: ["producer", "uncompressed"],
    unsupported: { gzip: NO_COMPRESSION, snappy: NO_COMPRESSION, lz4: NO_COMPRESSION, zstd: NO_COMPRESSION },
    doc:
      "How the broker stores batches: \"producer\" keeps what the producer sent, \"uncompressed\" stores them " +
      "uncompressed. Kafka also offers gzip, snappy, lz4 and zstd; streamlab does not compress, so batches " +
      "stay readable byte by byte.",
  }),
  "unclean.leader.election.enable": booleanKey("unclean.leader.election.enable", {
    default: false,
    doc:
      "Whether a replica that is not in sync may become leader when no in-sync replica is left, trading lost " +
      "records for availability. With a single broker there is never another replica to elect, so this only " +
      "matters on a real cluster.",
  }),
  "flush.messages": longKey("flush.messages", {
    default: LONG_MAX,
    min: 1,
    doc:
      "Force the log to stable storage after this many records. By default Kafka never forces a flush and " +
      "relies on replication and the operating system for durability.",
  }),
  "flush.ms": longKey("flush.ms", {
    default: LONG_MAX,
    min: 0,
    doc:
      "Force the log to stable storage when this many milliseconds have passed since the last flush. By " +
      "default Kafka never forces a flush on time.",
  }),
  "preallocate": booleanKey("preallocate", {
    default: false,
    doc: "Create each new segment file at its full segment.bytes size up front instead of letting it grow.",
  }),
};

export const TOPIC_CONFIG_NAMES = Object.keys(TOPIC_CONFIGS) as TopicConfigName[];

const REMOTE = "tiered storage is not supported: streamlab keeps every segment locally";
const THROTTLE = "replication throttling needs more than one broker";
const REMOVED = "it was removed in Kafka 4.0";

/** Kafka names that cannot be set here, and why. */
const REFUSED: Readonly<Record<string, string>> = {
  "compression.gzip.level": NO_COMPRESSION,
  "compression.lz4.level": NO_COMPRESSION,
  "compression.zstd.level": NO_COMPRESSION,
  "remote.storage.enable": REMOTE,
  "local.retention.ms": REMOTE,
  "local.retention.bytes": REMOTE,
  "remote.log.copy.disable": REMOTE,
  "remote.log.delete.on.disable": REMOTE,
  "leader.replication.throttled.replicas": THROTTLE,
  "follower.replication.throttled.replicas": THROTTLE,
  "message.timestamp.difference.max.ms": `${REMOVED}; use message.timestamp.before.max.ms and message.timestamp.after.max.ms`,
  "message.format.version": REMOVED,
  "message.downconversion.enable": REMOVED,
};

function topicOwner(topic: string): ConfigOwner {
  return { subject: `topic ${JSON.stringify(topic)}`, noun: "topic config", refused: REFUSED };
}

export function defaultTopicConfig(): TopicConfig {
  return defaultsOf(TOPIC_CONFIGS);
}

export function isTopicConfigName(name: string): name is TopicConfigName {
  return Object.hasOwn(TOPIC_CONFIGS, name);
}

function checkCombination(topic: string, config: TopicConfig): TopicConfig {
  // Same rule and wording as Kafka's LogConfig.validateValues.
  if (config["min.compaction.lag.ms"] > config["max.compaction.lag.ms"]) {
    const fmt = TOPIC_CONFIGS["max.compaction.lag.ms"].format;
    throw configConflict(
      topicOwner(topic),
      `conflict topic config setting min.compaction.lag.ms (${fmt(config["min.compaction.lag.ms"])}) > ` +
        `max.compaction.lag.ms (${fmt(config["max.compaction.lag.ms"])})`,
    );
  }
  return config;
}

/**
 * The full config of `topic`: Kafka's defaults with `overrides` applied. Values may be
 * numbers, booleans or their text ("1024" and 1024 are the same). Throws
 * KafkaError INVALID_CONFIG naming the topic, the key, the value and what is valid.
 */
export function resolveTopicConfig(topic: string, overrides: RawConfig): TopicConfig {
  const { values } = resolveConfig(TOPIC_CONFIGS, overrides, topicOwner(topic));
  return checkCombination(topic, values);
}

/**
 * IncrementalAlterConfigs for one topic: set `changes`, revert `deletions` to their
 * defaults, and return the new config (the current one is not modified).
 */
export function alterTopicConfig(
  topic: string,
  current: TopicConfig,
  changes: RawConfig,
  deletions: readonly string[] = [],
): TopicConfig {
  const owner = topicOwner(topic);
  for (const name of deletions) {
    if (Object.hasOwn(changes, name)) {
      throw new KafkaError(
        "INVALID_REQUEST",
        `topic ${JSON.stringify(topic)}: config "${name}" is both set and deleted in one alter request`,
      );
    }
  }
  const { values } = resolveConfig(TOPIC_CONFIGS, changes, owner, current);
  const next = values as Record<string, unknown>;
  for (const name of deletions) {
    if (!isTopicConfigName(name)) throw unknownName(owner, name, TOPIC_CONFIG_NAMES);
    next[name] = TOPIC_CONFIGS[name].default;
  }
  return checkCombination(topic, values);
}

/** Parses one value for the dialog's field-by-field checking; throws like resolveTopicConfig. */
export function parseTopicConfigValue<K extends TopicConfigName>(topic: string, name: K, raw: RawConfigValue): TopicConfig[K] {
  return parseKey(topicOwner(topic), TOPIC_CONFIGS[name], raw);
}

function formatValue<K extends TopicConfigName>(name: K, value: TopicConfig[K]): string | null {
  return TOPIC_CONFIGS[name].format(value);
}

function sameValue<K extends TopicConfigName>(name: K, a: TopicConfig[K], b: TopicConfig[K]): boolean {
  return formatValue(name, a) === formatValue(name, b);
}

export interface TopicConfigEntry {
  name: TopicConfigName;
  /** As `kafka-configs --describe` prints it. */
  value: string | null;
  isDefault: boolean;
  type: ConfigType;
  valid: string;
  doc: string;
}

/** DescribeConfigs: every topic config with its value, whether it is Kafka's default, and its explanation. */
export function describeTopicConfig(config: TopicConfig): TopicConfigEntry[] {
  return TOPIC_CONFIG_NAMES.map(<K extends TopicConfigName>(name: K) => {
    const key = TOPIC_CONFIGS[name];
    return {
      name,
      value: formatValue(name, config[name]),
      isDefault: sameValue(name, config[name], key.default),
      type: key.type,
      valid: key.valid,
      doc: key.doc,
    };
  });
}

/**
 * The values that differ from Kafka's defaults, as text: what the broker persists for a
 * topic and what resolveTopicConfig turns back into the same config.
 */
export function topicConfigOverrides(config: TopicConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of describeTopicConfig(config)) {
    if (!entry.isDefault && entry.value !== null) out[entry.name] = entry.value;
  }
  return out;
}

export const compactionEnabled = (config: TopicConfig): boolean => config["cleanup.policy"].includes("compact");
export const deletionEnabled = (config: TopicConfig): boolean => config["cleanup.policy"].includes("delete");
