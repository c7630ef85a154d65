/**
 * KafkaJS's consumer as the application sees it: the handler payloads (`eachMessage`,
 * `eachBatch`), run and subscribe options, group descriptions, and the names of the
 * instrumentation events (`consumer.on(consumer.events.X)`).
 */
import type { IncomingHeaders, MessageBytes } from "./message-bytes";

export const CONSUMER_EVENTS = {
  HEARTBEAT: "consumer.heartbeat",
  COMMIT_OFFSETS: "consumer.commit_offsets",
  GROUP_JOIN: "consumer.group_join",
  FETCH_START: "consumer.fetch_start",
  FETCH: "consumer.fetch",
  START_BATCH_PROCESS: "consumer.start_batch_process",
  END_BATCH_PROCESS: "consumer.end_batch_process",
  CONNECT: "consumer.connect",
  DISCONNECT: "consumer.disconnect",
  STOP: "consumer.stop",
  CRASH: "consumer.crash",
  REBALANCING: "consumer.rebalancing",
  RECEIVED_UNSUBSCRIBED_TOPICS: "consumer.received_unsubscribed_topics",
  REQUEST: "consumer.network.request",
  REQUEST_TIMEOUT: "consumer.network.request_timeout",
  REQUEST_QUEUE_SIZE: "consumer.network.request_queue_size",
} as const;

export type ConsumerEvents = typeof CONSUMER_EVENTS;

/** A received message, as KafkaJS's KafkaMessage (keys, values and header values are {@link MessageBytes}). */
export interface KafkaMessage {
  key: MessageBytes | null;
  value: MessageBytes | null;
  /** Milliseconds since the epoch, as a string. */
  timestamp: string;
  attributes: number;
  offset: string;
  headers: IncomingHeaders;
}

export interface EachMessagePayload {
  topic: string;
  partition: number;
  message: KafkaMessage;
  heartbeat(): Promise<void>;
  /** Pause this partition; the returned function resumes it. */
  pause(): () => void;
}

export interface Batch {
  topic: string;
  partition: number;
  highWatermark: string;
  messages: KafkaMessage[];
  isEmpty(): boolean;
  firstOffset(): string | null;
  lastOffset(): string;
  offsetLag(): string;
  offsetLagLow(): string;
}

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

export interface TopicPartitionOffsetAndMetadata extends TopicPartitionOffset {
  metadata?: string | null;
}

export interface OffsetsByTopicPartition {
  topics: { topic: string; partitions: { partition: number; offset: string }[] }[];
}

export interface EachBatchPayload {
  batch: Batch;
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  pause(): () => void;
  commitOffsetsIfNecessary(offsets?: OffsetsByTopicPartition): Promise<void>;
  uncommittedOffsets(): OffsetsByTopicPartition;
  isRunning(): boolean;
  isStale(): boolean;
}

export interface ConsumerRunConfig {
  /** Default true. */
  autoCommit?: boolean;
  autoCommitInterval?: number | null;
  autoCommitThreshold?: number | null;
  /** Default true: a batch that eachBatch finished without throwing is resolved up to its last message. */
  eachBatchAutoResolve?: boolean;
  /** How many partitions' batches are processed at the same time; default 1. */
  partitionsConsumedConcurrently?: number;
  eachBatch?: (payload: EachBatchPayload) => Promise<void>;
  eachMessage?: (payload: EachMessagePayload) => Promise<void>;
}

export interface ConsumerSubscribeTopics {
  topics?: (string | RegExp)[];
  /** KafkaJS's older form. */
  topic?: string | RegExp;
  /** Without a committed offset: start at the log start (true) or the end (false, the default). */
  fromBeginning?: boolean;
}

export interface MemberDescription {
  memberId: string;
  clientId: string;
  clientHost: string;
  /** The member's subscription (KafkaJS gives the encoded bytes; here it is decoded). */
  memberMetadata: { topics: string[] };
  /** topic -> partitions (KafkaJS gives the encoded bytes; here it is decoded). */
  memberAssignment: Record<string, number[]>;
}

export interface GroupDescription {
  groupId: string;
  members: MemberDescription[];
  protocol: string;
  protocolType: string;
  state: string;
  errorCode: number;
}

export interface TopicPartitions {
  topic: string;
  partitions: number[];
}
