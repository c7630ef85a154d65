/** offsets.topic.num.partitions: the default number of partitions of `__consumer_offsets`. */
export const OFFSETS_TOPIC_PARTITIONS = 50;

/** `__consumer_offsets`: the compacted internal topic holding committed offsets and group metadata. */
export const OFFSETS_TOPIC = "__consumer_offsets";

/** Java's `String.hashCode`: s[0]*31^(n-1) + ... + s[n-1] over UTF-16 code units, in int32 arithmetic. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The `__consumer_offsets` partition that holds a group; its leader is the group's coordinator.
 *
 * Kafka 4 (GroupCoordinatorService.partitionFor) computes `Utils.abs(groupId.hashCode()) %
 * numPartitions`, where Utils.abs maps Integer.MIN_VALUE to 0 and is otherwise Math.abs. That is
 * NOT `hash & 0x7fffffff`, the masking the producer's partitioner uses: for a negative hash the
 * two differ ("my-group" hashes to -1906497762: abs gives partition 12, masking would give 36).
 */
export function partitionFor(groupId: string, numPartitions: number = OFFSETS_TOPIC_PARTITIONS): number {
  if (!Number.isInteger(numPartitions) || numPartitions <= 0) {
    throw new RangeError(`offsets.topic.num.partitions must be a positive integer, got ${numPartitions}`);
  }
  const h = javaStringHashCode(groupId);
  const abs = h === -2147483648 ? 0 : Math.abs(h);
  return abs % numPartitions;
}
