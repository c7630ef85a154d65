/**
 * Partitions named as Kafka tools name them, "topic-partition" ("orders-0"): the form
 * scenarios use in `commit.offsets`, `seek.partition` and group assignments.
 */

export interface PartitionName {
  topic: string;
  partition: number;
}

/**
 * Splits "orders-v2-10" into topic "orders-v2" and partition 10: topic names may contain
 * '-', partition numbers may not, so the last '-' separates them. Undefined when the name
 * does not end in "-<number>" after a non-empty topic.
 */
export function parsePartitionName(name: string): PartitionName | undefined {
  const dash = name.lastIndexOf("-");
  if (dash <= 0) return undefined;
  const digits = name.slice(dash + 1);
  if (!/^(0|[1-9][0-9]{0,9})$/.test(digits)) return undefined;
  const partition = Number(digits);
  if (partition > 0x7fffffff) return undefined;
  return { topic: name.slice(0, dash), partition };
}

export function partitionName(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/** Orders by topic, then numerically by partition ("t-2" before "t-10"); malformed names last, as text. */
export function comparePartitionNames(a: string, b: string): number {
  const pa = parsePartitionName(a);
  const pb = parsePartitionName(b);
  if (pa === undefined || pb === undefined) {
    if (pa !== pb) return pa === undefined ? 1 : -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (pa.topic !== pb.topic) return pa.topic < pb.topic ? -1 : 1;
  return pa.partition - pb.partition;
}
