/**
 * Kafka's PartitionGroup choice for a task that reads several partitions: always take the
 * head record with the smallest timestamp next (max.task.idle.ms = 0, with every partition
 * fetched up to its end first, so a table's input is loaded before a later stream record
 * that joins it). Records of one partition keep their offset order.
 */
export interface Timestamped {
  readonly timestamp: number;
}

/**
 * Merges per-partition queues (each in offset order) into processing order. Ties go to the
 * queue listed first, so callers list a task's partitions in a fixed order.
 */
export function mergeByTimestamp<T extends Timestamped>(queues: ReadonlyArray<readonly T[]>): T[] {
  const live = queues.filter((q) => q.length > 0);
  if (live.length === 0) return [];
  if (live.length === 1) return [...live[0]!];
  const heads = live.map(() => 0);
  let total = 0;
  for (const q of live) total += q.length;
  const out: T[] = new Array<T>(total);
  for (let n = 0; n < total; n++) {
    let best = -1;
    let bestTs = 0;
    for (let i = 0; i < live.length; i++) {
      const q = live[i]!;
      const h = heads[i]!;
      if (h >= q.length) continue;
      const ts = q[h]!.timestamp;
      if (best < 0 || ts < bestTs) {
        best = i;
        bestTs = ts;
      }
    }
    out[n] = live[best]![heads[best]!]!;
    heads[best] = heads[best]! + 1;
  }
  return out;
}
