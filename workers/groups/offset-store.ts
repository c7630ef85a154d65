/** One partition's committed position: the offset of the next record to read, not the last one processed. */
export interface OffsetAndMetadata {
  readonly offset: number;
  readonly metadata?: string;
}

export interface CommittedOffset extends OffsetAndMetadata {
  /** Leader epoch the committer saw, -1 when unknown. */
  readonly leaderEpoch?: number;
  /** Coordinator time of the commit (ms). */
  readonly commitTimestamp?: number;
}

/**
 * Where a group's committed offsets live. The group coordinator validates a commit (member,
 * generation, group state) and then hands it here; the broker implements this on the
 * compacted `__consumer_offsets` topic (records from `offsets-topic-codec.ts`, partition from
 * `partitionFor`), keeping the latest value per key in memory as Kafka does, so reads are
 * synchronous while a commit may complete once its records are appended.
 *
 * Offsets are keyed by `topic-partition` (`orders-3`).
 */
export interface OffsetStore {
  commit(
    groupId: string,
    generationId: number,
    memberId: string,
    offsets: Readonly<Record<string, OffsetAndMetadata>>,
  ): void | Promise<void>;
  /** The committed offsets of the group, all of them or only the partitions asked for (absent = none committed). */
  fetch(groupId: string, partitions?: readonly string[]): Record<string, CommittedOffset>;
}
