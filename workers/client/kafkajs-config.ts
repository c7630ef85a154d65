/**
 * KafkaJS's option names, mapped onto Kafka's client configs so the same validation and
 * defaults apply (`resolveProducerConfig`, `resolveConsumerConfig`). Where KafkaJS's
 * defaults differ from the Java client's, KafkaJS's win for KafkaJS-named options, since
 * people bring KafkaJS code: sessionTimeout 30 s, rebalanceTimeout 60 s, maxWaitTimeInMs
 * 5 s, read_committed unless readUncommitted, the round-robin assignor, no idempotence
 * unless asked, batches of up to 10,000 records (max.poll.records) rather than 500. Any
 * Kafka config can be given by its own name in `config`; KafkaJS-named options override it.
 */
import {
  resolveConsumerConfig,
  resolveProducerConfig,
  type ConsumerConfig as KafkaConsumerConfig,
  type ProducerConfig as KafkaProducerConfig,
} from "../protocol/client-config";
import { KafkaError } from "../protocol/errors";
import { assignorName, ASSIGNOR_NAMES } from "../groups/assignors";

export type KafkaConfigValues = Record<string, string | number | boolean>;

/** KafkaJS's retry options; `initialRetryTime` is the pause before the consumer retries after a failure. */
export interface RetryOptions {
  maxRetryTime?: number;
  initialRetryTime?: number;
  factor?: number;
  multiplier?: number;
  retries?: number;
}

export interface ProducerConfig {
  /** Default true (KafkaJS): sending to a missing topic creates it if the broker allows. */
  allowAutoTopicCreation?: boolean;
  /** Default false, as in KafkaJS (Kafka's own producer defaults to true). */
  idempotent?: boolean;
  transactionalId?: string;
  /** transaction.timeout.ms; KafkaJS's default is 60 s. */
  transactionTimeout?: number;
  maxInFlightRequests?: number;
  metadataMaxAge?: number;
  retry?: RetryOptions;
  /** Not supported: the built-in (Java-compatible) partitioner is always used. */
  createPartitioner?: unknown;
  /** Any producer config by Kafka's name (`linger.ms`, `batch.size`, …). */
  config?: KafkaConfigValues;
}

export interface ConsumerConfig {
  groupId: string;
  /**
   * Assignor names in order of preference: `range`, `roundrobin`, `sticky`,
   * `cooperative-sticky` (also Kafka's class names, and the values of `PartitionAssigners`).
   * Default: round robin, as in KafkaJS.
   */
  partitionAssigners?: readonly string[];
  /** Default 30000 (KafkaJS). */
  sessionTimeout?: number;
  /** How long the coordinator waits for members to rejoin (max.poll.interval.ms); default 60000. */
  rebalanceTimeout?: number;
  /** Default 3000. */
  heartbeatInterval?: number;
  /** How often the consumer refreshes topic metadata (a leader notices new partitions); default 300000. */
  metadataMaxAge?: number;
  /** Default true: subscribing to a missing topic creates it (if the broker allows). */
  allowAutoTopicCreation?: boolean;
  /** max.partition.fetch.bytes; default 1 MiB. */
  maxBytesPerPartition?: number;
  /** fetch.min.bytes; default 1. */
  minBytes?: number;
  /** fetch.max.bytes; default 10 MiB (KafkaJS). */
  maxBytes?: number;
  /** fetch.max.wait.ms; default 5000 (KafkaJS). */
  maxWaitTimeInMs?: number;
  /** Default false: the consumer reads committed data only (isolation.level=read_committed). */
  readUncommitted?: boolean;
  /** group.instance.id: a static member (not in KafkaJS; Kafka's KIP-345). */
  groupInstanceId?: string;
  retry?: RetryOptions;
  maxInFlightRequests?: number;
  rackId?: string;
  /** Any consumer config by Kafka's name. */
  config?: KafkaConfigValues;
}

/** KafkaJS's `PartitionAssigners`, as the protocol names the built-in assignors advertise. */
export const PartitionAssigners = {
  roundRobin: "roundrobin",
  range: "range",
  sticky: "sticky",
  cooperativeSticky: "cooperative-sticky",
} as const;

export interface ResolvedProducer {
  kafka: KafkaProducerConfig;
  allowAutoTopicCreation: boolean;
  idempotent: boolean;
}

export function resolveKafkaJsProducer(clientId: string, options: ProducerConfig): ResolvedProducer {
  if (options.createPartitioner !== undefined) {
    throw new KafkaError("INVALID_CONFIG", "producer: createPartitioner is not supported; records are partitioned by Kafka's built-in partitioner (murmur2 of the key, sticky without a key)");
  }
  const raw: KafkaConfigValues = { "linger.ms": 0, ...options.config, "client.id": clientId };
  // KafkaJS sends every send() at once: no linger unless the caller asks for one by its Kafka name.
  const transactional = options.transactionalId !== undefined;
  const idempotent = options.idempotent ?? (transactional ? true : false);
  if (options.idempotent !== undefined || transactional || raw["enable.idempotence"] === undefined) raw["enable.idempotence"] = idempotent;
  // KafkaJS takes acks per send() call; the producer itself always waits for the broker's answer.
  raw["acks"] = "all";
  if (options.transactionalId !== undefined) raw["transactional.id"] = options.transactionalId;
  raw["transaction.timeout.ms"] = options.transactionTimeout ?? (raw["transaction.timeout.ms"] as number | undefined) ?? 60_000;
  if (options.maxInFlightRequests !== undefined) raw["max.in.flight.requests.per.connection"] = options.maxInFlightRequests;
  if (options.retry?.retries !== undefined) raw["retries"] = options.retry.retries;
  const kafka = resolveProducerConfig(raw);
  return { kafka, allowAutoTopicCreation: options.allowAutoTopicCreation ?? true, idempotent: kafka["enable.idempotence"] };
}

export interface ResolvedConsumer {
  kafka: KafkaConsumerConfig;
  metadataMaxAgeMs: number;
  retryBackoffMs: number;
}

export function resolveKafkaJsConsumer(clientId: string, options: ConsumerConfig): ResolvedConsumer {
  if (typeof options.groupId !== "string" || options.groupId === "") {
    throw new KafkaError("INVALID_GROUP_ID", `consumer: groupId must be a non-empty string, got ${JSON.stringify(options.groupId)}`);
  }
  const assigners = options.partitionAssigners ?? [PartitionAssigners.roundRobin];
  if (assigners.length === 0) {
    throw new KafkaError("INVALID_CONFIG", `consumer of group "${options.groupId}": partitionAssigners is empty; valid assignors are ${ASSIGNOR_NAMES.join(", ")}`);
  }
  // assignorName names the unknown assignor and lists the valid ones.
  const strategy = assigners.map((a) => assignorName(a));
  const raw: KafkaConfigValues = {
    "session.timeout.ms": 30_000,
    "max.poll.interval.ms": 60_000,
    "fetch.max.wait.ms": 5000,
    "fetch.max.bytes": 10_485_760,
    "isolation.level": "read_committed",
    // KafkaJS commits what eachMessage/eachBatch resolved itself; Kafka's timer-driven auto-commit is off.
    "enable.auto.commit": false,
    // KafkaJS caps no record count: a batch is what one fetch brought for a partition, up to
    // maxBytesPerPartition (1 MiB, ~10,000 records of 100 B), and it commits after each one.
    // Kafka's 500 would make batches, and so commits, twenty times as frequent.
    "max.poll.records": 10_000,
    ...options.config,
    "group.id": options.groupId,
    "client.id": clientId,
    "partition.assignment.strategy": strategy.join(","),
  };
  const set = (key: string, value: string | number | boolean | undefined) => {
    if (value !== undefined) raw[key] = value;
  };
  set("session.timeout.ms", options.sessionTimeout);
  set("max.poll.interval.ms", options.rebalanceTimeout);
  set("heartbeat.interval.ms", options.heartbeatInterval);
  set("allow.auto.create.topics", options.allowAutoTopicCreation);
  set("max.partition.fetch.bytes", options.maxBytesPerPartition);
  set("fetch.min.bytes", options.minBytes);
  set("fetch.max.bytes", options.maxBytes);
  set("fetch.max.wait.ms", options.maxWaitTimeInMs);
  if (options.readUncommitted !== undefined) raw["isolation.level"] = options.readUncommitted ? "read_uncommitted" : "read_committed";
  set("group.instance.id", options.groupInstanceId);
  return {
    kafka: resolveConsumerConfig(raw),
    metadataMaxAgeMs: options.metadataMaxAge ?? 300_000,
    retryBackoffMs: options.retry?.initialRetryTime ?? 300,
  };
}
