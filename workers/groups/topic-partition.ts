/** A partition of a topic, as assignors and the group protocol name it. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export function tp(topic: string, partition: number): TopicPartition {
  return { topic, partition };
}

/** The `topic-partition` spelling used in scenario files, events and offset maps (`orders-3`). */
export function tpKey(p: TopicPartition): string {
  return `${p.topic}-${p.partition}`;
}

/**
 * Parses `topic-partition`. Topic names may themselves contain dashes, so the partition is
 * whatever follows the last one.
 */
export function parseTpKey(key: string): TopicPartition {
  const dash = key.lastIndexOf("-");
  const partition = dash > 0 ? Number(key.slice(dash + 1)) : Number.NaN;
  if (!Number.isInteger(partition) || partition < 0 || key.slice(dash + 1) === "") {
    throw new RangeError(`"${key}" is not a topic-partition (expected e.g. "orders-0")`);
  }
  return { topic: key.slice(0, dash), partition };
}

/**
 * Java's `String.compareTo` compares UTF-16 code units, which is exactly what the JS relational
 * operators do; `localeCompare` would not match Kafka's orderings.
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** (topic, partition) order: Kafka's TopicPartition comparator. */
export function compareTp(a: TopicPartition, b: TopicPartition): number {
  return compareStrings(a.topic, b.topic) || a.partition - b.partition;
}

export function sortTps(list: Iterable<TopicPartition>): TopicPartition[] {
  return [...list].sort(compareTp);
}

export function sameTp(a: TopicPartition, b: TopicPartition): boolean {
  return a.topic === b.topic && a.partition === b.partition;
}
