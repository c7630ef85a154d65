/**
 * Client configs by Kafka's names: the producer (`ProducerConfig`), the consumer
 * (`ConsumerConfig`) and a Kafka Streams application (`StreamsConfig`), with Kafka 4.x
 * defaults and the cross-checks Kafka's clients make when they are constructed.
 *
 * Resolved configs are keyed by the dotted Kafka names (`config["linger.ms"]`). Anything
 * the client would refuse to start with is a KafkaError INVALID_CONFIG whose message names
 * the client kind, the key and the value.
 */
import {
  booleanKey,
  choiceKey,
  configConflict,
  customKey,
  defaultsOf,
  InvalidConfigValue,
  intKey,
  INT_MAX,
  listKey,
  longKey,
  parseKey,
  stringKey,
  suggestName,
  unknownName,
  type ConfigDefs,
  type ConfigKey,
  type ConfigOwner,
  type RawConfig,
  type RawConfigValue,
  type ValuesOf,
} from "./config-def";
import { KafkaError } from "./errors";
import { topicNameProblem } from "./topic-name";

// =======================================================================================
// Producer

/** The wire value of acks: -1 is "all". */
export type Acks = -1 | 0 | 1;

const NO_COMPRESSION = "compression is not supported by streamlab: batches are sent uncompressed";

const ACKS_KEY: ConfigKey<Acks> = customKey<Acks>({
  name: "acks",
  type: "string",
  default: -1,
  valid: "one of all, -1, 0, 1",
  values: ["all", "-1", "0", "1"],
  doc:
    "How many acknowledgements the producer waits for. 0: none (fire and forget, no offset known). 1: the " +
    "leader has appended the batch. all (-1, the default since Kafka 3.0): every in-sync replica has it.",
  parse(raw) {
    const text = String(raw).trim().toLowerCase();
    if (text === "all" || text === "-1") return -1;
    if (text === "0") return 0;
    if (text === "1") return 1;
    throw new InvalidConfigValue("one of all, -1, 0, 1");
  },
  format: (v) => (v === -1 ? "all" : String(v)),
});

export const PRODUCER_CONFIGS = {
  "acks": ACKS_KEY,
  "enable.idempotence": booleanKey("enable.idempotence", {
    default: true,
    doc:
      "Give every batch a producer id and sequence number so the broker drops retried duplicates and keeps " +
      "order. On by default since Kafka 3.0; needs acks=all, retries > 0 and at most 5 requests in flight.",
  }),
  "batch.size": intKey("batch.size", {
    default: 16_384,
    min: 0,
    max: INT_MAX,
    doc:
      "Upper bound in bytes of one batch per partition. A record bigger than this gets a batch of its own. " +
      "The sticky partitioner also moves to another partition after about this many bytes.",
  }),
  "linger.ms": longKey("linger.ms", {
    default: 5,
    min: 0,
    doc:
      "How long a batch may wait for more records before it is sent (default 5 ms since Kafka 4.0, 0 before). " +
      "A batch goes out when it is full or when linger.ms has passed since it was opened.",
  }),
  "max.request.size": intKey("max.request.size", {
    default: 1_048_576,
    min: 0,
    max: INT_MAX,
    doc:
      "Largest request the producer sends; a single record whose serialized size is larger fails at once " +
      "with RecordTooLargeException, before anything is sent.",
  }),
  "buffer.memory": longKey("buffer.memory", {
    default: 33_554_432,
    min: 0,
    doc: "Total bytes the producer may hold in unsent batches; send() blocks up to max.block.ms when it is full.",
  }),
  "max.block.ms": longKey("max.block.ms", {
    default: 60_000,
    min: 0,
    doc: "How long send() may block waiting for metadata or for buffer space before it fails.",
  }),
  "request.timeout.ms": intKey("request.timeout.ms", {
    default: 30_000,
    min: 0,
    max: INT_MAX,
    doc: "How long the producer waits for the broker's answer to one request before retrying it.",
  }),
  "delivery.timeout.ms": intKey("delivery.timeout.ms", {
    default: 120_000,
    min: 0,
    max: INT_MAX,
    doc:
      "Upper bound on the time between send() and success or failure, including linger, retries and waiting " +
      "for acknowledgements. Must be at least linger.ms + request.timeout.ms.",
  }),
  "retries": intKey("retries", {
    default: INT_MAX,
    min: 0,
    max: INT_MAX,
    doc:
      "How many times a failed batch is resent. The default retries until delivery.timeout.ms runs out; 0 " +
      "turns retries off (and with them idempotence unless it was asked for explicitly).",
  }),
  "max.in.flight.requests.per.connection": intKey("max.in.flight.requests.per.connection", {
    default: 5,
    min: 1,
    max: INT_MAX,
    doc:
      "How many unacknowledged requests may be outstanding. With idempotence at most 5, because the broker " +
      "remembers the last 5 batches per producer to detect duplicates and keep order across retries.",
  }),
  "transactional.id": stringKey("transactional.id", {
    default: null,
    nonEmpty: true,
    doc:
      "A stable name that makes the producer transactional: initTransactions() gets the same producer id with " +
      "a higher epoch, fencing any older producer with this id and finishing its open transaction.",
  }),
  "transaction.timeout.ms": intKey("transaction.timeout.ms", {
    default: 60_000,
    doc:
      "How long a transaction may stay open before the coordinator aborts it. The broker refuses values above " +
      "its transaction.max.timeout.ms (15 minutes).",
  }),
  "partitioner.ignore.keys": booleanKey("partitioner.ignore.keys", {
    default: false,
    doc:
      "When true, keys are not hashed to choose a partition: every record without an explicit partition uses " +
      "the sticky partitioner, as records without a key do.",
  }),
  "partitioner.adaptive.partitioning.enable": booleanKey("partitioner.adaptive.partitioning.enable", {
    default: true,
    doc:
      "Lets the sticky partitioner favour partitions whose broker answers faster. With a single broker every " +
      "partition is equally fast, so the choice is uniformly random either way.",
  }),
  "partitioner.availability.timeout.ms": longKey("partitioner.availability.timeout.ms", {
    default: 0,
    min: 0,
    doc:
      "With adaptive partitioning: a partition whose broker has not accepted a batch for this long is skipped. " +
      "0 turns the check off; a single broker is never skipped.",
  }),
  "compression.type": choiceKey("compression.type", {
    default: "none",
    values: ["none"],
    unsupported: { gzip: NO_COMPRESSION, snappy: NO_COMPRESSION, lz4: NO_COMPRESSION, zstd: NO_COMPRESSION },
    doc: "Compression of whole batches. streamlab sends batches uncompressed so they stay readable byte by byte.",
  }),
  "client.id": stringKey("client.id", {
    default: "",
    doc: "A name for the producer that shows up in the broker's logs and metrics.",
  }),
} satisfies ConfigDefs;

export type ProducerConfig = ValuesOf<typeof PRODUCER_CONFIGS>;

// =======================================================================================
// Consumer

export type Assignor = "range" | "roundrobin" | "sticky" | "cooperative-sticky";
export type IsolationLevel = "read_uncommitted" | "read_committed";
/** `by_duration:<ISO-8601 duration>` (KIP-842, Kafka 4.0) resets to the first offset at or after now - duration. */
export type AutoOffsetReset = "earliest" | "latest" | "none" | `by_duration:${string}`;
export type GroupProtocol = "classic" | "consumer";

const ASSIGNOR_CLASSES: Record<string, Assignor> = {
  RangeAssignor: "range",
  RoundRobinAssignor: "roundrobin",
  StickyAssignor: "sticky",
  CooperativeStickyAssignor: "cooperative-sticky",
};
const ASSIGNOR_ALIASES: Record<string, Assignor> = Object.fromEntries(
  Object.entries(ASSIGNOR_CLASSES).flatMap(([cls, short]) => [
    [cls, short],
    [`org.apache.kafka.clients.consumer.${cls}`, short],
  ]),
);

const ISO_DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:[.,](\d{1,9}))?S)?)?$/i;

/** Milliseconds of an ISO-8601 duration as Java's Duration.parse reads it (non-negative only). */
export function parseIsoDurationMs(text: string): number | undefined {
  const m = ISO_DURATION.exec(text);
  if (m === null || text.length <= 1 || /T$/i.test(text)) return undefined;
  const [, d, h, min, s, frac] = m;
  const num = (x: string | undefined) => (x === undefined ? 0 : Number(x));
  const fracMs = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  return num(d) * 86_400_000 + num(h) * 3_600_000 + num(min) * 60_000 + num(s) * 1000 + fracMs;
}

/** The duration of a `by_duration:` reset, undefined for the other strategies. */
export function autoOffsetResetDurationMs(reset: AutoOffsetReset): number | undefined {
  if (!reset.startsWith("by_duration:")) return undefined;
  return parseIsoDurationMs(reset.slice("by_duration:".length));
}

const AUTO_OFFSET_RESET_VALID = "one of earliest, latest, none, by_duration:<ISO-8601 duration such as PT1H>";

const AUTO_OFFSET_RESET_KEY: ConfigKey<AutoOffsetReset> = customKey<AutoOffsetReset>({
  name: "auto.offset.reset",
  type: "string",
  default: "latest",
  valid: AUTO_OFFSET_RESET_VALID,
  values: ["earliest", "latest", "none"],
  doc:
    "Where to start when the group has no committed offset for a partition (or it is out of range): earliest " +
    "(the log start), latest (the log end: only new records, the default), none (fail with " +
    "NoOffsetForPartitionException), or by_duration:PT1H (the first record at most that long ago).",
  parse(raw) {
    if (typeof raw !== "string") throw new InvalidConfigValue(AUTO_OFFSET_RESET_VALID);
    const text = raw.trim();
    const lower = text.toLowerCase();
    if (lower === "earliest" || lower === "latest" || lower === "none") return lower;
    if (lower.startsWith("by_duration:")) {
      const iso = text.slice("by_duration:".length).trim().toUpperCase();
      if (parseIsoDurationMs(iso) !== undefined) return `by_duration:${iso}`;
    }
    throw new InvalidConfigValue(AUTO_OFFSET_RESET_VALID);
  },
  format: (v) => v,
});

export const CONSUMER_CONFIGS = {
  "group.id": stringKey("group.id", {
    default: null,
    doc:
      "The consumer group this consumer belongs to. Members of a group share the partitions of the topics " +
      "they subscribe to and commit their offsets under this id.",
  }),
  "group.instance.id": stringKey("group.instance.id", {
    default: null,
    nonEmpty: true,
    check: (v) => {
      const problem = topicNameProblem(v);
      return problem === undefined ? undefined : `a legal id: ${problem.replace("a topic name", "an id")}`;
    },
    doc:
      "Makes the member static: after a restart within session.timeout.ms it gets its old partitions back " +
      "without a rebalance.",
  }),
  "group.protocol": choiceKey<GroupProtocol>("group.protocol", {
    default: "classic",
    values: ["classic", "consumer"],
    caseInsensitive: true,
    doc:
      "classic: the JoinGroup/SyncGroup protocol where one member computes the assignment. consumer: the " +
      "protocol of KIP-848 where the broker assigns partitions incrementally.",
  }),
  "group.remote.assignor": stringKey("group.remote.assignor", {
    default: null,
    check: (v) => (v === "uniform" || v === "range" ? undefined : "one of uniform, range"),
    valid: "one of uniform, range",
    doc: "With group.protocol=consumer: which of the broker's assignors to use (uniform or range).",
  }),
  "auto.offset.reset": AUTO_OFFSET_RESET_KEY,
  "enable.auto.commit": booleanKey("enable.auto.commit", {
    default: true,
    doc:
      "Commit the positions of the records returned by poll() in the background every " +
      "auto.commit.interval.ms. A crash between two commits replays records: at-least-once delivery.",
  }),
  "auto.commit.interval.ms": intKey("auto.commit.interval.ms", {
    default: 5000,
    min: 0,
    max: INT_MAX,
    doc: "How often positions are committed when enable.auto.commit is true.",
  }),
  "session.timeout.ms": intKey("session.timeout.ms", {
    default: 45_000,
    min: 1,
    max: INT_MAX,
    doc:
      "A member that sends no heartbeat for this long is considered dead and its partitions are reassigned. " +
      "The broker accepts values between its group.min.session.timeout.ms (6 s) and " +
      "group.max.session.timeout.ms (30 min).",
  }),
  "heartbeat.interval.ms": intKey("heartbeat.interval.ms", {
    default: 3000,
    min: 1,
    max: INT_MAX,
    doc: "How often the member tells the coordinator it is alive; must be lower than session.timeout.ms.",
  }),
  "max.poll.interval.ms": intKey("max.poll.interval.ms", {
    default: 300_000,
    min: 1,
    max: INT_MAX,
    doc:
      "Longest allowed time between two poll() calls. A consumer that takes longer leaves the group and its " +
      "partitions are reassigned; its next commit fails with CommitFailedException.",
  }),
  "max.poll.records": intKey("max.poll.records", {
    default: 500,
    min: 1,
    max: INT_MAX,
    doc: "Most records one poll() returns.",
  }),
  "isolation.level": choiceKey<IsolationLevel>("isolation.level", {
    default: "read_uncommitted",
    values: ["read_uncommitted", "read_committed"],
    doc:
      "read_uncommitted reads up to the high watermark, including records of open and aborted transactions. " +
      "read_committed stops at the last stable offset and skips records of aborted transactions.",
  }),
  "partition.assignment.strategy": listKey<Assignor>("partition.assignment.strategy", {
    default: ["range", "cooperative-sticky"],
    values: ["range", "roundrobin", "sticky", "cooperative-sticky"],
    aliases: ASSIGNOR_ALIASES,
    doc:
      "The assignors this member supports, in order of preference (class names such as " +
      "org.apache.kafka.clients.consumer.RangeAssignor are accepted too). The group uses the first one every " +
      "member supports. The default, range then cooperative-sticky, allows a rolling upgrade to cooperative.",
  }),
  "fetch.min.bytes": intKey("fetch.min.bytes", {
    default: 1,
    min: 0,
    max: INT_MAX,
    doc: "The broker waits (up to fetch.max.wait.ms) until at least this many bytes are available before answering a fetch.",
  }),
  "fetch.max.bytes": intKey("fetch.max.bytes", {
    default: 52_428_800,
    min: 0,
    max: INT_MAX,
    doc:
      "Most bytes one fetch returns across partitions. Not an absolute limit: the first batch is returned even " +
      "if it is bigger, so the consumer can always make progress.",
  }),
  "fetch.max.wait.ms": intKey("fetch.max.wait.ms", {
    default: 500,
    min: 0,
    max: INT_MAX,
    doc: "Longest time the broker holds a fetch waiting for fetch.min.bytes.",
  }),
  "max.partition.fetch.bytes": intKey("max.partition.fetch.bytes", {
    default: 1_048_576,
    min: 0,
    max: INT_MAX,
    doc:
      "Most bytes one fetch returns per partition; as with fetch.max.bytes a bigger first batch is still " +
      "returned whole.",
  }),
  "client.id": stringKey("client.id", {
    default: "",
    doc: "A name for the consumer that shows up in the broker's logs and in the group's member list.",
  }),
  "allow.auto.create.topics": booleanKey("allow.auto.create.topics", {
    default: true,
    doc: "Whether subscribing to a topic that does not exist creates it (if the broker allows auto-creation).",
  }),
  "request.timeout.ms": intKey("request.timeout.ms", {
    default: 30_000,
    min: 0,
    max: INT_MAX,
    doc: "How long the consumer waits for the broker's answer to one request.",
  }),
  "default.api.timeout.ms": intKey("default.api.timeout.ms", {
    default: 60_000,
    min: 0,
    max: INT_MAX,
    doc: "Timeout of blocking consumer calls (commitSync, position, …) that take no explicit timeout.",
  }),
} satisfies ConfigDefs;

export type ConsumerConfig = ValuesOf<typeof CONSUMER_CONFIGS>;

// =======================================================================================
// Streams

export type ProcessingGuarantee = "at_least_once" | "exactly_once_v2";
export type HandlerResponse = "logAndFail" | "logAndContinue";
export type TopologyOptimization = "reuse.ktable.source.topics" | "merge.repartition.topics" | "single.store.self.join";

const OPTIMIZATIONS: readonly TopologyOptimization[] = [
  "reuse.ktable.source.topics",
  "merge.repartition.topics",
  "single.store.self.join",
];
const OPTIMIZATION_VALID = `none, all, or a comma-separated list of ${OPTIMIZATIONS.join(", ")}`;

const TOPOLOGY_OPTIMIZATION_KEY: ConfigKey<readonly TopologyOptimization[]> = customKey({
  name: "topology.optimization",
  type: "list",
  default: [],
  valid: OPTIMIZATION_VALID,
  values: ["none", "all", ...OPTIMIZATIONS],
  doc:
    "Rewrites of the topology before it runs: reuse a table's source topic as its changelog, merge repartition " +
    "topics that carry the same key, share one store in a self-join. none (default) or all.",
  parse(raw) {
    if (typeof raw !== "string") throw new InvalidConfigValue(OPTIMIZATION_VALID);
    const items = raw.split(",").map((s) => s.trim());
    if (items.length === 1 && items[0] === "none") return [];
    if (items.length === 1 && items[0] === "all") return OPTIMIZATIONS;
    const out: TopologyOptimization[] = [];
    for (const item of items) {
      const hit = OPTIMIZATIONS.find((o) => o === item);
      if (hit === undefined) throw new InvalidConfigValue(OPTIMIZATION_VALID);
      if (!out.includes(hit)) out.push(hit);
    }
    return out;
  },
  format: (v) => (v.length === 0 ? "none" : v.length === OPTIMIZATIONS.length ? "all" : v.join(",")),
});

function handlerKey(
  name: string,
  failClass: string,
  continueClass: string,
  doc: string,
): ConfigKey<HandlerResponse> {
  return choiceKey<HandlerResponse>(name, {
    default: "logAndFail",
    values: ["logAndFail", "logAndContinue"],
    aliases: {
      [failClass]: "logAndFail",
      [`org.apache.kafka.streams.errors.${failClass}`]: "logAndFail",
      [continueClass]: "logAndContinue",
      [`org.apache.kafka.streams.errors.${continueClass}`]: "logAndContinue",
    },
    doc,
  });
}

export const STREAMS_CONFIGS = {
  "application.id": stringKey("application.id", {
    default: "",
    nonEmpty: true,
    check: (v) => {
      const problem = topicNameProblem(v);
      return problem === undefined
        ? undefined
        : `a name usable in topic names (it prefixes the application's internal topics): ${problem.replace("a topic name", "it")}`;
    },
    valid: "a non-empty name of ASCII letters, digits, '.', '_' and '-'",
    doc:
      "The application's name. It is the consumer group id of all its instances and the prefix of its internal " +
      "topics (<application.id>-<store>-changelog, <application.id>-…-repartition).",
  }),
  "client.id": stringKey("client.id", {
    default: "",
    doc: "Prefix of the names of the application's internal consumers and producers.",
  }),
  "processing.guarantee": choiceKey<ProcessingGuarantee>("processing.guarantee", {
    default: "at_least_once",
    values: ["at_least_once", "exactly_once_v2"],
    unsupported: {
      exactly_once: "it was removed in Kafka 4.0; use exactly_once_v2",
      exactly_once_beta: "it was removed in Kafka 4.0; use exactly_once_v2",
    },
    doc:
      "at_least_once: after a crash some records are processed again. exactly_once_v2: reading, state updates " +
      "and writes commit together in one transaction, so each record affects the results exactly once (for " +
      "read_committed readers).",
  }),
  "commit.interval.ms": longKey("commit.interval.ms", {
    default: 30_000,
    min: 0,
    doc:
      "How often the application commits its progress (offsets, and with exactly_once_v2 its transaction). " +
      "Default 30 s, or 100 ms with exactly_once_v2, so that read_committed readers see results quickly.",
  }),
  "num.stream.threads": intKey("num.stream.threads", {
    default: 1,
    min: 1,
    max: INT_MAX,
    doc: "How many processing threads share the application's tasks in this instance.",
  }),
  "statestore.cache.max.bytes": longKey("statestore.cache.max.bytes", {
    default: 10_485_760,
    min: 0,
    doc:
      "Memory for record caches in front of state stores, shared by all threads. Caching collapses several " +
      "updates of a key into one downstream record; 0 turns it off so every update is emitted. Replaces the " +
      "deprecated cache.max.bytes.buffering.",
  }),
  "deserialization.exception.handler": handlerKey(
    "deserialization.exception.handler",
    "LogAndFailExceptionHandler",
    "LogAndContinueExceptionHandler",
    "What to do with a record whose key or value cannot be deserialized: logAndFail stops the application " +
      "(state ERROR), logAndContinue skips the record. Replaces default.deserialization.exception.handler.",
  ),
  "processing.exception.handler": handlerKey(
    "processing.exception.handler",
    "LogAndFailProcessingExceptionHandler",
    "LogAndContinueProcessingExceptionHandler",
    "What to do when user code throws while processing a record: logAndFail stops the application (state " +
      "ERROR), logAndContinue skips the record (KIP-1033).",
  ),
  "max.task.idle.ms": longKey("max.task.idle.ms", {
    default: 0,
    min: -1,
    doc:
      "How long a task with several inputs (a join or merge) waits for an empty input to receive data before " +
      "processing the others, to process records in timestamp order. 0 waits only for data already fetched; " +
      "-1 never waits.",
  }),
  "num.standby.replicas": intKey("num.standby.replicas", {
    default: 0,
    min: 0,
    max: INT_MAX,
    doc: "How many warm copies of each state store other instances keep, for faster failover.",
  }),
  "poll.ms": longKey("poll.ms", {
    default: 100,
    min: 0,
    doc: "How long a stream thread's poll() blocks waiting for input.",
  }),
  "buffered.records.per.partition": intKey("buffered.records.per.partition", {
    default: 1000,
    min: 1,
    max: INT_MAX,
    doc: "Most records buffered per input partition; when full, fetching from that partition pauses.",
  }),
  "task.timeout.ms": longKey("task.timeout.ms", {
    default: 300_000,
    min: 0,
    doc:
      "How long a task may keep hitting timeouts (e.g. a slow broker) before the error is fatal; 0 fails on " +
      "the first one.",
  }),
  "topology.optimization": TOPOLOGY_OPTIMIZATION_KEY,
  "repartition.purge.interval.ms": longKey("repartition.purge.interval.ms", {
    default: 30_000,
    min: 0,
    doc:
      "How often records already processed are deleted from repartition topics (they are only a hand-over " +
      "between sub-topologies).",
  }),
  "windowstore.changelog.additional.retention.ms": longKey("windowstore.changelog.additional.retention.ms", {
    default: 86_400_000,
    min: 0,
    doc: "Extra retention added to a window store's changelog topic beyond the window's own retention.",
  }),
} satisfies ConfigDefs;

type StreamsOwnConfig = ValuesOf<typeof STREAMS_CONFIGS>;

/** A streams application's config, with the configs of its main consumer and producer. */
export interface StreamsConfig extends StreamsOwnConfig {
  readonly consumer: ConsumerConfig;
  readonly producer: ProducerConfig;
}

/** Deprecated names Kafka 4.x still reads, mapped to their replacements. */
const STREAMS_ALIASES: Readonly<Record<string, keyof typeof STREAMS_CONFIGS>> = {
  "cache.max.bytes.buffering": "statestore.cache.max.bytes",
  "default.deserialization.exception.handler": "deserialization.exception.handler",
};

const EOS_COMMIT_INTERVAL_MS = 100;
const EOS_TRANSACTION_TIMEOUT_MS = 10_000;

// =======================================================================================
// Resolution

interface Entry {
  /** The name as the user wrote it (possibly prefixed), for messages. */
  shown: string;
  name: string;
  raw: RawConfigValue;
}

function collect<D extends ConfigDefs>(
  defs: D,
  owner: ConfigOwner,
  entries: readonly Entry[],
  values: ValuesOf<D>,
  set: Set<string>,
): void {
  for (const { shown, name, raw } of entries) {
    const key = Object.hasOwn(defs, name) ? defs[name] : undefined;
    if (key === undefined) throw unknownName(owner, shown, Object.keys(defs));
    (values as Record<string, unknown>)[name] = parseKey(owner, key, raw, shown);
    set.add(name);
  }
}

const entriesOf = (cfg: RawConfig): Entry[] => Object.entries(cfg).map(([name, raw]) => ({ shown: name, name, raw }));

function otherClientHint(own: string, name: string): string | undefined {
  const kinds: string[] = [];
  if (own !== "producer" && Object.hasOwn(PRODUCER_CONFIGS, name)) kinds.push("producer");
  if (own !== "consumer" && Object.hasOwn(CONSUMER_CONFIGS, name)) kinds.push("consumer");
  if (own !== "streams" && (Object.hasOwn(STREAMS_CONFIGS, name) || Object.hasOwn(STREAMS_ALIASES, name))) {
    kinds.push("streams");
  }
  return kinds.length === 0 ? undefined : `it is a ${kinds.join(" and ")} config`;
}

function clientOwner(kind: "producer" | "consumer", subject = kind): ConfigOwner {
  return {
    subject,
    noun: `${kind} config`,
    refused: kind === "producer" ? PRODUCER_REFUSED : CONSUMER_REFUSED,
    hint: (name) => otherClientHint(kind, name),
  };
}

const SERIALIZERS = "streamlab serializes keys and values itself (strings as UTF-8, anything else as JSON text)";
const PRODUCER_REFUSED: Readonly<Record<string, string>> = {
  "key.serializer": SERIALIZERS,
  "value.serializer": SERIALIZERS,
  "partitioner.class": "custom partitioners are not supported; the built-in partitioner is used",
  "bootstrap.servers": "streamlab clients always talk to the one in-process broker",
  "compression.gzip.level": NO_COMPRESSION,
  "compression.lz4.level": NO_COMPRESSION,
  "compression.zstd.level": NO_COMPRESSION,
};
const CONSUMER_REFUSED: Readonly<Record<string, string>> = {
  "key.deserializer": SERIALIZERS,
  "value.deserializer": SERIALIZERS,
  "bootstrap.servers": "streamlab clients always talk to the one in-process broker",
};

function finishProducer(owner: ConfigOwner, values: ProducerConfig, set: ReadonlySet<string>): ProducerConfig {
  // Kafka's ProducerConfig.postProcessAndValidateIdempotenceConfigs: an idempotence the
  // user asked for makes conflicting settings an error; the default one quietly yields.
  const askedIdempotence = set.has("enable.idempotence");
  if (values["enable.idempotence"]) {
    if (values["max.in.flight.requests.per.connection"] > 5) {
      throw configConflict(
        owner,
        `to use the idempotent producer, max.in.flight.requests.per.connection must be set to at most 5 ` +
          `(it is ${values["max.in.flight.requests.per.connection"]})`,
      );
    }
    if (values.retries === 0) {
      if (askedIdempotence) throw configConflict(owner, "must set retries to non-zero when using the idempotent producer");
      values["enable.idempotence"] = false;
    }
    if (values.acks !== -1) {
      if (askedIdempotence) {
        throw configConflict(
          owner,
          `must set acks to all in order to use the idempotent producer (acks is ${values.acks}); otherwise idempotence cannot be guaranteed`,
        );
      }
      values["enable.idempotence"] = false;
    }
  }
  if (values["transactional.id"] !== null && !values["enable.idempotence"]) {
    throw configConflict(owner, "cannot set a transactional.id without also enabling idempotence");
  }
  // KafkaProducer's constructor: a configured delivery timeout must cover linger and one
  // request; an unconfigured one is raised to that sum.
  const floor = values["linger.ms"] + values["request.timeout.ms"];
  if (values["delivery.timeout.ms"] < floor) {
    if (set.has("delivery.timeout.ms")) {
      throw configConflict(
        owner,
        `delivery.timeout.ms (${values["delivery.timeout.ms"]}) should be equal to or larger than ` +
          `linger.ms + request.timeout.ms (${floor})`,
      );
    }
    values["delivery.timeout.ms"] = Math.min(floor, INT_MAX);
  }
  return values;
}

function finishConsumer(owner: ConfigOwner, values: ConsumerConfig, set: ReadonlySet<string>): ConsumerConfig {
  if (values["group.protocol"] === "consumer") {
    // The KIP-848 protocol moves these to the broker; Kafka refuses them on the client.
    for (const name of ["partition.assignment.strategy", "session.timeout.ms", "heartbeat.interval.ms"]) {
      if (set.has(name)) {
        throw configConflict(owner, `${name} is not supported when group.protocol is "consumer" (the broker controls it)`);
      }
    }
  } else {
    if (values["group.remote.assignor"] !== null) {
      throw configConflict(owner, `group.remote.assignor can only be set when group.protocol is "consumer"`);
    }
    if (values["heartbeat.interval.ms"] >= values["session.timeout.ms"]) {
      throw configConflict(
        owner,
        `heartbeat.interval.ms (${values["heartbeat.interval.ms"]}) must be lower than session.timeout.ms (${values["session.timeout.ms"]})`,
      );
    }
  }
  return values;
}

/** A producer's config: Kafka's defaults, `cfg` applied, then Kafka's cross-checks. */
export function resolveProducerConfig(cfg: RawConfig = {}): ProducerConfig {
  const owner = clientOwner("producer");
  const values = defaultsOf(PRODUCER_CONFIGS);
  const set = new Set<string>();
  collect(PRODUCER_CONFIGS, owner, entriesOf(cfg), values, set);
  return finishProducer(owner, values, set);
}

/** A consumer's config: Kafka's defaults, `cfg` applied, then Kafka's cross-checks. */
export function resolveConsumerConfig(cfg: RawConfig = {}): ConsumerConfig {
  const owner = clientOwner("consumer");
  const values = defaultsOf(CONSUMER_CONFIGS);
  const set = new Set<string>();
  collect(CONSUMER_CONFIGS, owner, entriesOf(cfg), values, set);
  return finishConsumer(owner, values, set);
}

const PREFIXES = ["main.consumer.", "consumer.", "producer."] as const;

function forced(owner: ConfigOwner, kind: string, name: string, shown: string, why: string): KafkaError {
  return configConflict(owner, `${kind} config "${shown}" cannot be changed in a streams application: ${why}`);
}

/**
 * A Kafka Streams application's config. Like Kafka, it also takes configs of its clients:
 * plain consumer/producer names, or prefixed with `consumer.`, `main.consumer.` or
 * `producer.` (prefixed ones win). Streams' own client defaults apply (earliest reset,
 * max.poll.records 1000, linger.ms 100, and with exactly_once_v2 read_committed and
 * idempotence); settings Streams controls itself are refused when they differ.
 * `application.id` is required.
 */
export function resolveStreamsConfig(cfg: RawConfig): StreamsConfig {
  const appIdRaw = cfg["application.id"];
  const subject = typeof appIdRaw === "string" && appIdRaw.trim() !== "" ? `streams application ${JSON.stringify(appIdRaw.trim())}` : "streams";
  const owner: ConfigOwner = { subject, noun: "streams config", hint: (name) => otherClientHint("streams", name) };

  const own: Entry[] = [];
  const consumerPlain: Entry[] = [];
  const producerPlain: Entry[] = [];
  const consumerPrefixed: Entry[] = [];
  const mainConsumerPrefixed: Entry[] = [];
  const producerPrefixed: Entry[] = [];
  const setOwn = new Set<string>();

  for (const [shown, raw] of Object.entries(cfg)) {
    const ownName = STREAMS_ALIASES[shown] ?? shown;
    if (Object.hasOwn(STREAMS_CONFIGS, ownName)) {
      // The current name wins over its deprecated alias, as in Kafka.
      if (ownName !== shown && Object.hasOwn(cfg, ownName)) continue;
      own.push({ shown, name: ownName, raw });
      continue;
    }
    const prefix = PREFIXES.find((p) => shown.startsWith(p));
    if (prefix !== undefined) {
      const entry = { shown, name: shown.slice(prefix.length), raw };
      const defs: ConfigDefs = prefix === "producer." ? PRODUCER_CONFIGS : CONSUMER_CONFIGS;
      if (!Object.hasOwn(defs, entry.name)) {
        const kind = prefix === "producer." ? "producer" : "consumer";
        const refused = (kind === "producer" ? PRODUCER_REFUSED : CONSUMER_REFUSED)[entry.name];
        if (refused !== undefined) throw configConflict(owner, `${kind} config "${shown}" is not supported: ${refused}`);
        const guess = suggestName(entry.name, Object.keys(defs));
        throw configConflict(
          owner,
          `unknown ${kind} config "${shown}"${guess !== undefined ? ` (did you mean "${prefix}${guess}"?)` : ""}`,
        );
      }
      (prefix === "producer." ? producerPrefixed : prefix === "consumer." ? consumerPrefixed : mainConsumerPrefixed).push(entry);
      continue;
    }
    const isConsumer = Object.hasOwn(CONSUMER_CONFIGS, shown);
    const isProducer = Object.hasOwn(PRODUCER_CONFIGS, shown);
    if (isConsumer) consumerPlain.push({ shown, name: shown, raw });
    if (isProducer) producerPlain.push({ shown, name: shown, raw });
    if (!isConsumer && !isProducer) {
      throw unknownName(owner, shown, [
        ...Object.keys(STREAMS_CONFIGS),
        ...Object.keys(CONSUMER_CONFIGS),
        ...Object.keys(PRODUCER_CONFIGS),
      ]);
    }
  }

  const streams = defaultsOf(STREAMS_CONFIGS);
  collect(STREAMS_CONFIGS, owner, own, streams, setOwn);
  if (!setOwn.has("application.id")) {
    throw configConflict(owner, `missing required config "application.id", which has no default value`);
  }
  const eos = streams["processing.guarantee"] === "exactly_once_v2";
  if (eos && !setOwn.has("commit.interval.ms")) streams["commit.interval.ms"] = EOS_COMMIT_INTERVAL_MS;
  const appId = streams["application.id"];

  // Main consumer: Streams' defaults, then plain names, then consumer., then main.consumer.
  const consumer = defaultsOf(CONSUMER_CONFIGS);
  const consumerSet = new Set<string>();
  consumer["max.poll.records"] = 1000;
  consumer["auto.offset.reset"] = "earliest";
  consumer["enable.auto.commit"] = false;
  if (eos) consumer["isolation.level"] = "read_committed";
  const consumerOwner: ConfigOwner = { subject, noun: "consumer config" };
  const consumerEntries = [...consumerPlain, ...consumerPrefixed, ...mainConsumerPrefixed];
  collect(CONSUMER_CONFIGS, consumerOwner, consumerEntries, consumer, consumerSet);
  for (const e of consumerEntries) {
    if (e.name === "enable.auto.commit" && consumer["enable.auto.commit"]) {
      throw forced(owner, "consumer", e.name, e.shown, "Kafka Streams commits itself every commit.interval.ms");
    }
    if (e.name === "group.protocol" && consumer["group.protocol"] !== "classic") {
      throw forced(owner, "consumer", e.name, e.shown, "Kafka Streams applications use the classic group protocol");
    }
    if (e.name === "group.id" && consumer["group.id"] !== appId) {
      throw forced(owner, "consumer", e.name, e.shown, `the group id of a streams application is its application.id ("${appId}")`);
    }
    if (e.name === "isolation.level" && eos && consumer["isolation.level"] !== "read_committed") {
      throw forced(owner, "consumer", e.name, e.shown, "exactly_once_v2 reads with read_committed");
    }
  }
  consumer["group.id"] = appId;
  if (streams["client.id"] !== "" && !consumerSet.has("client.id")) consumer["client.id"] = `${streams["client.id"]}-consumer`;

  // Producer: Streams' defaults (with EOS they count as configured, as in Kafka), then user values.
  const producer = defaultsOf(PRODUCER_CONFIGS);
  const producerSet = new Set<string>();
  producer["linger.ms"] = 100;
  if (eos) {
    producer["enable.idempotence"] = true;
    producer["delivery.timeout.ms"] = INT_MAX;
    producer["transaction.timeout.ms"] = EOS_TRANSACTION_TIMEOUT_MS;
    producerSet.add("enable.idempotence").add("delivery.timeout.ms");
  }
  const producerOwner: ConfigOwner = { subject, noun: "producer config" };
  const producerEntries = [...producerPlain, ...producerPrefixed];
  collect(PRODUCER_CONFIGS, producerOwner, producerEntries, producer, producerSet);
  for (const e of producerEntries) {
    if (e.name === "transactional.id" && producer["transactional.id"] !== null) {
      throw forced(owner, "producer", e.name, e.shown, "Kafka Streams names its transactional producers itself");
    }
    if (e.name === "enable.idempotence" && eos && !producer["enable.idempotence"]) {
      throw forced(owner, "producer", e.name, e.shown, "exactly_once_v2 needs the idempotent producer");
    }
  }
  if (streams["client.id"] !== "" && !producerSet.has("client.id")) producer["client.id"] = `${streams["client.id"]}-producer`;
  finishProducer(producerOwner, producer, producerSet);
  finishConsumer(consumerOwner, consumer, consumerSet);

  if (eos && producer["transaction.timeout.ms"] < streams["commit.interval.ms"]) {
    throw configConflict(
      owner,
      `transaction timeout ${producer["transaction.timeout.ms"]} was set lower than the streams commit interval ` +
        `${streams["commit.interval.ms"]}: every transaction would time out; lower commit.interval.ms or raise ` +
        `producer.transaction.timeout.ms`,
    );
  }

  return { ...streams, consumer, producer };
}

/** Whether `name` is a config of that client kind (streams also knows its deprecated aliases). */
export function isClientConfigName(kind: "producer" | "consumer" | "streams", name: string): boolean {
  const defs: ConfigDefs = kind === "producer" ? PRODUCER_CONFIGS : kind === "consumer" ? CONSUMER_CONFIGS : STREAMS_CONFIGS;
  return Object.hasOwn(defs, name) || (kind === "streams" && Object.hasOwn(STREAMS_ALIASES, name));
}
