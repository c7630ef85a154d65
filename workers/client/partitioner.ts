/**
 * The producer's built-in partitioner (Kafka 3.3+, `BuiltInPartitioner` + KIP-794):
 *
 * 1. a partition set on the record wins;
 * 2. a key (unless partitioner.ignore.keys) goes to `toPositive(murmur2(keyBytes)) % numPartitions`,
 *    so the same key always lands in the same partition while the partition count stays;
 * 3. otherwise the record sticks to one randomly chosen partition until about batch.size
 *    bytes have been produced to it, then a new random partition is chosen.
 *
 * With one broker every partition is equally fast, so the adaptive weighting of KIP-794
 * reduces to a uniform choice.
 */
import { KafkaError } from "../protocol/errors";
import type { Random } from "../runtime/random";
import { murmur2, toPositive } from "./murmur2";

function checkPartitionCount(numPartitions: number, topic?: string): void {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) {
    const where = topic === undefined ? "" : ` of topic ${JSON.stringify(topic)}`;
    throw new KafkaError("INVALID_PARTITIONS", `partition count${where} must be a positive integer, got ${numPartitions}`);
  }
}

/** The partition Kafka's default partitioner gives a serialized key. */
export function partitionForKey(keyBytes: Uint8Array, numPartitions: number): number {
  checkPartitionCount(numPartitions);
  return toPositive(murmur2(keyBytes)) % numPartitions;
}

/**
 * Sticky partition choice for records without a key, for one topic. Kafka switches once
 * `batch.size` bytes went to the current partition and its batch is full, and regardless
 * at twice that, so one oversized record cannot pin a partition forever.
 */
export class StickyPartitioner {
  private current: number | undefined;
  private producedBytes = 0;

  constructor(
    private readonly random: Random,
    private readonly batchSize: number,
  ) {}

  /** The partition the next keyless record goes to. */
  partition(numPartitions: number): number {
    checkPartitionCount(numPartitions);
    // A shrunk view of the topic (or the first record) needs a fresh choice.
    if (this.current === undefined || this.current >= numPartitions) this.switchPartition(numPartitions);
    return this.current as number;
  }

  /**
   * Accounts `appendedBytes` produced to the current sticky partition. `batchFull` says
   * whether the batch that took them is now full (Kafka's `allBatchesFull`); a simulator
   * without an accumulator passes true and switches after batch.size bytes.
   */
  recordAppended(appendedBytes: number, numPartitions: number, batchFull = true): void {
    if (this.current === undefined) return;
    this.producedBytes += appendedBytes;
    if ((this.producedBytes >= this.batchSize && batchFull) || this.producedBytes >= 2 * this.batchSize) {
      this.switchPartition(numPartitions);
    }
  }

  /** The current sticky partition, if one was chosen. */
  peek(): number | undefined {
    return this.current;
  }

  private switchPartition(numPartitions: number): void {
    checkPartitionCount(numPartitions);
    this.current = this.random.int(numPartitions);
    this.producedBytes = 0;
  }
}

export interface PartitionerConfig {
  "batch.size": number;
  "partitioner.ignore.keys": boolean;
}

export interface RecordToPartition {
  topic: string;
  numPartitions: number;
  keyBytes: Uint8Array | null;
  /** Set on the record by the caller: it wins. */
  partition?: number | undefined;
}

/** One producer's partitioner: explicit partition, key hash, or per-topic sticky choice. */
export class Partitioner {
  private readonly sticky = new Map<string, StickyPartitioner>();

  constructor(
    private readonly random: Random,
    private readonly config: PartitionerConfig,
  ) {}

  /** Which partition `record` goes to, and whether the sticky partitioner chose it. */
  choose(record: RecordToPartition): { partition: number; sticky: boolean } {
    const { topic, numPartitions, keyBytes, partition } = record;
    checkPartitionCount(numPartitions, topic);
    if (partition !== undefined) {
      if (!Number.isInteger(partition) || partition < 0 || partition >= numPartitions) {
        throw new KafkaError(
          "UNKNOWN_TOPIC_OR_PARTITION",
          `invalid partition ${partition} for topic ${JSON.stringify(topic)}: it has partitions 0 to ${numPartitions - 1}`,
        );
      }
      return { partition, sticky: false };
    }
    if (keyBytes !== null && !this.config["partitioner.ignore.keys"]) {
      return { partition: partitionForKey(keyBytes, numPartitions), sticky: false };
    }
    return { partition: this.stickyFor(topic).partition(numPartitions), sticky: true };
  }

  /** Reports bytes appended for a record placed by the sticky partitioner. */
  recordAppended(topic: string, appendedBytes: number, numPartitions: number, batchFull = true): void {
    this.sticky.get(topic)?.recordAppended(appendedBytes, numPartitions, batchFull);
  }

  private stickyFor(topic: string): StickyPartitioner {
    let s = this.sticky.get(topic);
    if (s === undefined) {
      s = new StickyPartitioner(this.random, this.config["batch.size"]);
      this.sticky.set(topic, s);
    }
    return s;
  }
}
