/**
 * Per-key ordering as one reader (a consumer group, an application) experiences it.
 * Kafka orders records only within a partition, and a group reads each partition in
 * order; so a key is processed in order as long as it stays in one partition and its
 * offsets only go up. What breaks that, and what this detector reports:
 *
 * - `offset-regression`: the key is processed at an offset at or below one already
 *   processed in the same partition: a replay after a rebalance of uncommitted work, a
 *   crash, or a rewind. Downstream sees the key's history again, older states after newer.
 * - `partition-change`: the key arrives from another partition than before (the topic got
 *   more partitions, or a producer chose partitions itself): no order holds across the two.
 * - `event-time-regression`: the key's record carries an earlier timestamp than the one
 *   processed before it. The log is in order; the events in it are not (a late or
 *   out-of-order producer). Windowed aggregations see it as out-of-order or late data.
 *
 * Null keys carry no ordering promise and are skipped. Memory is bounded: the least
 * recently seen keys are forgotten beyond `maxKeys`, the oldest examples beyond `maxExamples`.
 */

export type ViolationKind = "offset-regression" | "partition-change" | "event-time-regression";

export const VIOLATION_KINDS: readonly ViolationKind[] = ["offset-regression", "partition-change", "event-time-regression"];

export interface ProcessedRecord {
  key: string | null;
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  /** Who processed it: a member's name, or an application's task. */
  by: string;
}

export interface OrderingViolation {
  kind: ViolationKind;
  key: string;
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  by: string;
  previous: { partition: number; offset: number; timestamp: number; by: string };
  /** One sentence in Kafka's words. */
  explanation: string;
}

interface LastSeen {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  by: string;
}

export interface OrderingSummary {
  counts: Record<ViolationKind, number>;
  /** Newest last. */
  examples: OrderingViolation[];
  /** Per processor (`by`), violations of each kind. */
  byProcessor: Record<string, Record<ViolationKind, number>>;
}

function zeroCounts(): Record<ViolationKind, number> {
  return { "offset-regression": 0, "partition-change": 0, "event-time-regression": 0 };
}

function explain(kind: ViolationKind, r: ProcessedRecord, prev: LastSeen): string {
  const where = `${r.topic}-${r.partition}`;
  switch (kind) {
    case "offset-regression":
      return prev.by === r.by
        ? `${r.by} processed key "${r.key}" at offset ${r.offset} of ${where} after offset ${prev.offset}: the records were read again (a rewind or a replay from the committed offset)`
        : `${r.by} processed key "${r.key}" at offset ${r.offset} of ${where} after ${prev.by} had processed offset ${prev.offset}: the partition moved before its progress was committed, so the records were processed again`;
    case "partition-change":
      return `key "${r.key}" came from ${where} after ${r.topic}-${prev.partition}: Kafka orders a key only within one partition`;
    case "event-time-regression":
      return `key "${r.key}" at offset ${r.offset} of ${where} carries an event time ${prev.timestamp - r.timestamp} ms earlier than the record before it: out-of-order data`;
  }
}

export class OrderingDetector {
  private readonly last = new Map<string, LastSeen>();
  private counts = zeroCounts();
  private byProcessor: Record<string, Record<ViolationKind, number>> = {};
  private examples: OrderingViolation[] = [];

  constructor(
    private readonly maxKeys = 10_000,
    private readonly maxExamples = 50,
  ) {}

  /** Look at one processed record; returns the violations it shows (none, or one or two kinds). */
  observe(r: ProcessedRecord): OrderingViolation[] {
    if (r.key === null) return [];
    const id = `${r.topic}\u0000${r.key}`;
    const prev = this.last.get(id);
    const found: OrderingViolation[] = [];
    if (prev) {
      if (prev.partition !== r.partition) found.push(this.violation("partition-change", r, prev));
      else if (r.offset <= prev.offset) found.push(this.violation("offset-regression", r, prev));
      if (r.timestamp < prev.timestamp && !(prev.partition === r.partition && r.offset <= prev.offset)) {
        // A replayed record naturally has an older timestamp; it is reported once, as a replay.
        found.push(this.violation("event-time-regression", r, prev));
      }
      // Refresh recency: Map iteration order is insertion order.
      this.last.delete(id);
    }
    this.last.set(id, { topic: r.topic, partition: r.partition, offset: r.offset, timestamp: r.timestamp, by: r.by });
    if (this.last.size > this.maxKeys) {
      const oldest = this.last.keys().next().value;
      if (oldest !== undefined) this.last.delete(oldest);
    }
    for (const v of found) {
      this.counts[v.kind]++;
      (this.byProcessor[v.by] ??= zeroCounts())[v.kind]++;
      this.examples.push(v);
    }
    if (this.examples.length > this.maxExamples) this.examples.splice(0, this.examples.length - this.maxExamples);
    return found;
  }

  summary(): OrderingSummary {
    return {
      counts: { ...this.counts },
      examples: [...this.examples],
      byProcessor: Object.fromEntries(Object.entries(this.byProcessor).map(([k, v]) => [k, { ...v }])),
    };
  }

  /** Forget everything (the reader was reset to start over). */
  clear(): void {
    this.last.clear();
    this.counts = zeroCounts();
    this.byProcessor = {};
    this.examples = [];
  }

  private violation(kind: ViolationKind, r: ProcessedRecord, prev: LastSeen): OrderingViolation {
    return {
      kind,
      key: r.key!,
      topic: r.topic,
      partition: r.partition,
      offset: r.offset,
      timestamp: r.timestamp,
      by: r.by,
      previous: { partition: prev.partition, offset: prev.offset, timestamp: prev.timestamp, by: prev.by },
      explanation: explain(kind, r, prev),
    };
  }
}
