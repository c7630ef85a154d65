/**
 * What the headless runner (and later the workbench) needs from a running engine: the
 * scenario verbs, in Kafka's terms. Implemented by `workers/engine/engine.ts`.
 */
import type { RecordHeader } from "../log/record-batch";

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor?: number;
  /** Kafka topic config names; values as written in the scenario (numbers or strings). */
  config?: Record<string, string | number | boolean>;
}

export interface ProduceRecord {
  key: Uint8Array | null;
  value: Uint8Array | null;
  /** Default: the engine clock's now. */
  timestamp?: number;
  /** Default: Kafka's default partitioner (murmur2 of the key; sticky for null keys). */
  partition?: number;
  headers?: RecordHeader[];
}

export interface ProduceOptions {
  /** Producer config by Kafka's names (acks, enable.idempotence, transactional.id, batch.size, linger.ms, …). */
  config?: Record<string, string | number | boolean>;
  acks?: 0 | 1 | -1 | "all";
  idempotent?: boolean;
  transactional?: boolean;
}

export interface StoredRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: RecordHeader[];
}

export interface EnginePort {
  createTopic(spec: TopicSpec): Promise<void>;
  hasTopic(name: string): boolean;
  partitionCount(topic: string): number;
  produce(topic: string, records: ProduceRecord[], options?: ProduceOptions): Promise<void>;
  /** Move the virtual clock, running everything that falls due (retention, cleaner, rolls, timeouts). */
  advance(ms: number): Promise<void>;
  roll(topic: string, partition?: number): Promise<void>;
  /** Run the topic's cleanup now as its cleanup.policy says. */
  clean(topic: string): Promise<void>;
  /** Stop the whole engine and start it again from its storage. */
  restart(): Promise<void>;
  /** Every record still in the topic (data records only), by partition then offset. */
  readAll(topic: string): Promise<StoredRecord[]>;
  close(): Promise<void>;
}
