/** `topic-partition` → offset maps in KafkaJS's shape: per topic, partitions in order, offsets as strings. */
export function offsetsByTopic(offsets: Record<string, number>): { topic: string; partitions: { partition: number; offset: string }[] }[] {
  const out = new Map<string, { partition: number; offset: string }[]>();
  for (const [key, offset] of Object.entries(offsets)) {
    const dash = key.lastIndexOf("-");
    const topic = key.slice(0, dash);
    const list = out.get(topic) ?? [];
    list.push({ partition: Number(key.slice(dash + 1)), offset: String(offset) });
    out.set(topic, list);
  }
  return [...out].map(([topic, partitions]) => ({ topic, partitions: partitions.sort((a, b) => a.partition - b.partition) }));
}
