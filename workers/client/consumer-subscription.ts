/**
 * What a consumer subscribed to, each topic with where it starts without a committed offset
 * (KafkaJS's per-topic `fromBeginning`), and the partition counts it knows of topics, kept
 * fresh by metadata refreshes for the leader's assignment and for `paused()`.
 */
export class ConsumerSubscription {
  private readonly fromBeginning = new Map<string, boolean>();
  private readonly partitionCounts = new Map<string, number>();

  /** `configuredReset`: auto.offset.reset as the application set it in `config`, if it did. */
  constructor(private readonly configuredReset: unknown) {}

  get size(): number {
    return this.fromBeginning.size;
  }

  /** In subscription order. */
  topics(): string[] {
    return [...this.fromBeginning.keys()];
  }

  add(topic: string, fromBeginning: boolean): void {
    this.fromBeginning.set(topic, fromBeginning);
  }

  partitionCount(topic: string): number | undefined {
    return this.partitionCounts.get(topic);
  }

  notePartitionCount(topic: string, partitions: number): void {
    this.partitionCounts.set(topic, partitions);
  }

  /** A full metadata answer: counts of the topics it lists, and topics it no longer lists forgotten. */
  noteMetadata(topics: readonly { name: string; partitions: number; error: unknown }[]): void {
    for (const t of topics) if (!t.error) this.partitionCounts.set(t.name, t.partitions);
    for (const topic of [...this.partitionCounts.keys()]) if (!topics.some((t) => t.name === topic)) this.partitionCounts.delete(topic);
  }

  /** Where a partition without a committed offset starts: KafkaJS's fromBeginning, per topic. */
  startOf(topic: string): "earliest" | "latest" {
    if (this.fromBeginning.get(topic) === true) return "earliest";
    return this.configuredReset === "earliest" ? "earliest" : "latest";
  }

  /**
   * The auto.offset.reset the session runs with: the start most topics want (`sessionReset`;
   * the consumer places the others itself), or the configured one when every topic defers to it.
   */
  sessionReset<R>(configured: R): { sessionReset: "earliest" | "latest"; reset: R | "earliest" | "latest" } {
    const starts = this.topics().map((t) => this.startOf(t));
    const sessionReset: "earliest" | "latest" = starts.filter((s) => s === "earliest").length * 2 >= starts.length ? "earliest" : "latest";
    const reset = this.configuredReset !== undefined && starts.every((s) => s === "latest") ? configured : sessionReset;
    return { sessionReset, reset };
  }
}
