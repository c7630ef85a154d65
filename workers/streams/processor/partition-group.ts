import type { InputRecord } from "./stream-task";

/**
 * The records a task has fetched but not processed, one queue per input partition
 * (Kafka's PartitionGroup). `poll()` takes the head with the smallest timestamp, so a task
 * reading several partitions (a join's two topics, say) processes them in time order as
 * far as the buffered data allows; with `max.task.idle.ms` = 0 it never waits for an
 * empty partition. Ties go to the partition that was added first.
 */
export class PartitionGroup {
  private readonly queues = new Map<string, InputRecord[]>();

  private id(topic: string, partition: number): string {
    return `${topic}-${partition}`;
  }

  /** Registers a partition so that its position among equal timestamps is stable. */
  addPartition(topic: string, partition: number): void {
    if (!this.queues.has(this.id(topic, partition))) this.queues.set(this.id(topic, partition), []);
  }

  add(records: Iterable<InputRecord>): void {
    for (const r of records) {
      const id = this.id(r.topic, r.partition);
      let q = this.queues.get(id);
      if (!q) {
        q = [];
        this.queues.set(id, q);
      }
      q.push(r);
    }
  }

  poll(): InputRecord | undefined {
    let best: InputRecord[] | undefined;
    for (const q of this.queues.values()) {
      const head = q[0];
      if (head !== undefined && (best === undefined || head.timestamp < best[0]!.timestamp)) best = q;
    }
    return best?.shift();
  }

  /** Buffered records per partition, e.g. to stop fetching a partition that is far ahead. */
  size(topic?: string, partition?: number): number {
    if (topic !== undefined && partition !== undefined) return this.queues.get(this.id(topic, partition))?.length ?? 0;
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }
}
