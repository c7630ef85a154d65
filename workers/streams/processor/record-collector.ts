import type { RecordHeader } from "../../log/record-batch";
import type { WindowBounds } from "./events";

/** Why a record is written: user output, a repartition hop, or a state store's changelog. */
export type OutgoingKind = "output" | "repartition" | "changelog";

/**
 * A record a task writes. Topic names are the broker's (repartition and changelog topics
 * carry the `<application.id>-` prefix).
 */
export interface OutgoingRecord {
  topic: string;
  /** Set when a StreamPartitioner chose the partition, and for changelogs (the task's partition). */
  partition?: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  timestamp: number;
  headers: RecordHeader[];
  /**
   * The bytes the default partitioner should hash when `partition` is unset: for a windowed
   * key, the inner key only (Kafka's WindowedStreamPartitioner), so all windows of a key
   * land together; otherwise the key bytes.
   */
  partitionKey: Uint8Array | null;
  /** Present when the key is windowed: the inner key and its window, for printing `{"key":K,"window":{…}}`. */
  windowedKey?: { key: unknown; window: WindowBounds; windowType: "time" | "session" | "sliding" };
  kind: OutgoingKind;
  taskId: string;
  /** The sink node, or the store for a changelog record. */
  origin: string;
}

/**
 * Where tasks send what they write; the test driver keeps it, the broker path produces it.
 * Key and value arrays may be shared with the engine's caches (a key's serialized bytes are
 * reused for every record with that key): read or copy them, never write into them or
 * transfer their buffers.
 */
export interface RecordCollector {
  send(record: OutgoingRecord): void;
  /** Partition count of a topic, when known; StreamPartitioners need it. */
  partitionCount?(topic: string): number | undefined;
}
