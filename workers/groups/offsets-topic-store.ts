import { batchesIn, decodeRecords, encodeBatch, isControl } from "../log/record-batch";
import type { Clock } from "../runtime/clock";
import type { CommittedOffset, OffsetAndMetadata, OffsetStore } from "./offset-store";
import {
  decodeOffsetCommitValue,
  decodeOffsetsTopicKey,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
  NO_LEADER_EPOCH,
} from "./offsets-topic-codec";
import { partitionFor } from "./offsets-topic-partition";
import { compareTp, parseTpKey, tpKey } from "./topic-partition";

/**
 * What the store needs from the broker: the `__consumer_offsets` topic, created on first use,
 * appended to as the coordinator appends (one batch per commit, flushed) and read back whole
 * when the broker starts.
 */
export interface OffsetsTopicLog {
  /** Partition count of `__consumer_offsets`, undefined while the topic does not exist. */
  partitionCount(): number | undefined;
  /** Creates the topic with Kafka's settings for it; resolves to its partition count. */
  create(): Promise<number>;
  /** Appends one record batch to a partition; resolves once it is in the log. */
  append(partition: number, batch: Uint8Array): Promise<void>;
  /** Whole batches from `offset` on (empty at the end of the log), as a fetch returns them. */
  read(partition: number, offset: number): Promise<{ bytes: Uint8Array; nextOffset: number }>;
  logStartOffset(partition: number): number;
}

/**
 * Committed offsets kept as Kafka keeps them: every commit is a record on the compacted
 * internal topic `__consumer_offsets` (key OffsetCommitKey, value OffsetCommitValue), in the
 * partition `partitionFor(groupId)` picks, and the latest value per key lives in memory so
 * OffsetFetch answers at once. The memory is updated only once the commit's batch is in the
 * log, as Kafka's GroupMetadataManager does, and rebuilt from the topic when the broker starts:
 * committed offsets survive a restart, and compaction of the topic never loses the latest one.
 */
export class OffsetsTopicStore implements OffsetStore {
  private readonly groups = new Map<string, Map<string, CommittedOffset>>();
  private creating: Promise<number> | null = null;
  private readonly inflight = new Set<Promise<void>>();

  private constructor(
    private readonly log: OffsetsTopicLog,
    private readonly clock: Clock,
  ) {}

  /** A store holding what the topic already holds (nothing when it does not exist yet). */
  static async load(log: OffsetsTopicLog, clock: Clock): Promise<OffsetsTopicStore> {
    const store = new OffsetsTopicStore(log, clock);
    const partitions = log.partitionCount();
    for (let p = 0; p < (partitions ?? 0); p++) await store.replay(p);
    return store;
  }

  private async replay(partition: number): Promise<void> {
    let offset = this.log.logStartOffset(partition);
    for (;;) {
      const data = await this.log.read(partition, offset);
      if (data.bytes.length === 0) return;
      for (const { pos, header } of batchesIn(data.bytes)) {
        if (isControl(header)) continue;
        for (const record of decodeRecords(data.bytes, pos)) {
          if (record.offset < offset || record.key === null) continue;
          const key = decodeOffsetsTopicKey(record.key);
          // Group metadata and KIP-848 records describe membership, which a restart starts afresh.
          if (key.kind !== "offset-commit") continue;
          const tp = tpKey({ topic: key.topic, partition: key.partition });
          if (record.value === null) {
            this.groups.get(key.group)?.delete(tp);
            continue;
          }
          const value = decodeOffsetCommitValue(record.value);
          this.put(key.group, tp, {
            offset: value.offset,
            metadata: value.metadata,
            leaderEpoch: value.leaderEpoch,
            commitTimestamp: value.commitTimestamp,
          });
        }
      }
      offset = data.nextOffset;
    }
  }

  commit(groupId: string, _generationId: number, _memberId: string, offsets: Readonly<Record<string, OffsetAndMetadata>>): Promise<void> {
    const work = this.write(groupId, offsets);
    this.inflight.add(work);
    const done = () => this.inflight.delete(work);
    work.then(done, done);
    return work;
  }

  /**
   * Deletes a group's committed offsets: a tombstone per partition, as Kafka writes when a group
   * is deleted or its offsets expire; compaction then removes them for good.
   */
  deleteGroup(groupId: string): Promise<void> {
    const work = this.writeTombstones(groupId);
    this.inflight.add(work);
    const done = () => this.inflight.delete(work);
    work.then(done, done);
    return work;
  }

  private async writeTombstones(groupId: string): Promise<void> {
    const keys = [...(this.groups.get(groupId)?.keys() ?? [])];
    if (keys.length === 0) return;
    const partitions = await this.topicPartitions();
    const now = this.clock.now();
    const batch = encodeBatch({
      records: keys.map((key) => {
        const tp = parseTpKey(key);
        return { key: encodeOffsetCommitKey({ group: groupId, topic: tp.topic, partition: tp.partition }), value: null, timestamp: now };
      }),
    });
    await this.log.append(partitionFor(groupId, partitions), batch);
    this.groups.delete(groupId);
  }

  /**
   * Resolves once every commit accepted so far is readable. A consumer resolving its positions
   * waits for this, as a Java consumer's OffsetFetch can only follow the previous owner's commit:
   * that owner committed before it rejoined, and the assignment came after.
   */
  async settled(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private async write(groupId: string, offsets: Readonly<Record<string, OffsetAndMetadata>>): Promise<void> {
    const entries = Object.entries(offsets);
    if (entries.length === 0) return;
    const partitions = await this.topicPartitions();
    const commitTimestamp = this.clock.now();
    const committed = entries.map(([key, value]): [string, CommittedOffset] => [
      key,
      { offset: value.offset, metadata: value.metadata ?? "", leaderEpoch: NO_LEADER_EPOCH, commitTimestamp },
    ]);
    const batch = encodeBatch({
      records: committed.map(([key, value]) => {
        const tp = parseTpKey(key);
        return {
          key: encodeOffsetCommitKey({ group: groupId, topic: tp.topic, partition: tp.partition }),
          value: encodeOffsetCommitValue({
            offset: value.offset,
            leaderEpoch: NO_LEADER_EPOCH,
            metadata: value.metadata ?? "",
            commitTimestamp,
          }),
          timestamp: commitTimestamp,
        };
      }),
    });
    await this.log.append(partitionFor(groupId, partitions), batch);
    for (const [key, value] of committed) this.put(groupId, key, value);
  }

  fetch(groupId: string, partitions?: readonly string[]): Record<string, CommittedOffset> {
    const group = this.groups.get(groupId);
    const out: Record<string, CommittedOffset> = {};
    if (!group) return out;
    const keys = partitions ?? [...group.keys()].sort((a, b) => compareTp(parseTpKey(a), parseTpKey(b)));
    for (const key of keys) {
      const value = group.get(key);
      if (value) out[key] = value;
    }
    return out;
  }

  /** Groups that have committed offsets, sorted. */
  groupIds(): string[] {
    return [...this.groups].filter(([, offsets]) => offsets.size > 0).map(([id]) => id).sort();
  }

  /** The `__consumer_offsets` partition holding a group, once the topic exists. */
  partitionOf(groupId: string): number | undefined {
    const partitions = this.log.partitionCount();
    return partitions === undefined ? undefined : partitionFor(groupId, partitions);
  }

  private put(groupId: string, key: string, value: CommittedOffset): void {
    let group = this.groups.get(groupId);
    if (!group) this.groups.set(groupId, (group = new Map()));
    group.set(key, value);
  }

  /** Kafka creates `__consumer_offsets` when a group first needs it; so does the first commit here. */
  private topicPartitions(): Promise<number> {
    const existing = this.log.partitionCount();
    if (existing !== undefined) return Promise.resolve(existing);
    if (this.creating === null) {
      this.creating = this.log.create().finally(() => {
        this.creating = null;
      });
    }
    return this.creating;
  }
}
