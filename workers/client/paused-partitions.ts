import type { TopicPartitions } from "./consumer-api";

/**
 * What the application paused, by `topic-partition`: whole topics (`pause([{ topic }])`) or
 * single partitions. A paused partition is not fetched, and a batch in hand stops before its
 * next message. Resuming a topic also resumes the single partitions paused in it.
 */
export class PausedPartitions {
  private readonly topics = new Set<string>();
  private readonly partitions = new Set<string>();

  pause(topics: readonly { topic: string; partitions?: number[] }[]): void {
    for (const t of topics) {
      if (t.partitions === undefined) this.topics.add(t.topic);
      else for (const p of t.partitions) this.partitions.add(`${t.topic}-${p}`);
    }
  }

  /** One partition, by `topic-partition` (the handler payloads' `pause()`). */
  pausePartition(key: string): void {
    this.partitions.add(key);
  }

  resume(topics: readonly { topic: string; partitions?: number[] }[]): void {
    for (const t of topics) {
      if (t.partitions === undefined) {
        this.topics.delete(t.topic);
        for (const key of [...this.partitions]) if (key.startsWith(`${t.topic}-`) && /^\d+$/.test(key.slice(t.topic.length + 1))) this.partitions.delete(key);
      } else {
        for (const p of t.partitions) this.partitions.delete(`${t.topic}-${p}`);
      }
    }
  }

  /** Checked per message and per fetch: the common case, nothing paused, costs two size checks. */
  has(key: string): boolean {
    if (this.topics.size === 0) return this.partitions.size > 0 && this.partitions.has(key);
    if (this.partitions.has(key)) return true;
    const dash = key.lastIndexOf("-");
    return this.topics.has(key.slice(0, dash));
  }

  /** KafkaJS's paused(): a paused topic lists every partition it has now. */
  list(partitionCount: (topic: string) => number | undefined): TopicPartitions[] {
    const byTopic = new Map<string, number[]>();
    for (const topic of this.topics) {
      const count = partitionCount(topic) ?? 0;
      byTopic.set(topic, Array.from({ length: count }, (_, i) => i));
    }
    for (const key of this.partitions) {
      const dash = key.lastIndexOf("-");
      const topic = key.slice(0, dash);
      const list = byTopic.get(topic) ?? [];
      const partition = Number(key.slice(dash + 1));
      if (!list.includes(partition)) list.push(partition);
      byTopic.set(topic, list);
    }
    return [...byTopic].map(([topic, partitions]) => ({ topic, partitions: partitions.sort((a, b) => a - b) }));
  }
}
