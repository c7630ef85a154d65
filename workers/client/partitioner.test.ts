import { describe, expect, it } from "vitest";
import { isKafkaError } from "../protocol/errors";
import { SeededRandom, type Random } from "../runtime/random";
import { Partitioner, partitionForKey, StickyPartitioner } from "./partitioner";

const utf8 = (s: string) => new TextEncoder().encode(s);

/** A Random that replays fixed draws, to see exactly when the partitioner draws. */
class ScriptedRandom implements Random {
  draws = 0;
  constructor(private readonly script: number[]) {}
  next(): number {
    return 0;
  }
  int(bound: number): number {
    const v = this.script[this.draws++ % this.script.length] ?? 0;
    return v % bound;
  }
}

describe("partitionForKey", () => {
  it("maps keys as Kafka's default partitioner does", () => {
    expect(partitionForKey(utf8("K1"), 3)).toBe(2);
    expect(partitionForKey(utf8("K2"), 3)).toBe(1);
    expect(partitionForKey(utf8("foobar"), 4)).toBe(2);
  });

  it("refuses a non-positive partition count", () => {
    expect(() => partitionForKey(utf8("a"), 0)).toThrow(/INVALID_PARTITIONS/);
  });
});

describe("StickyPartitioner", () => {
  it("stays on one partition until batch.size bytes were produced, then draws again", () => {
    const random = new ScriptedRandom([2, 0, 1]);
    const sticky = new StickyPartitioner(random, 100);
    expect(sticky.partition(3)).toBe(2);
    sticky.recordAppended(60, 3);
    expect(sticky.partition(3)).toBe(2);
    sticky.recordAppended(39, 3);
    expect(sticky.partition(3)).toBe(2);
    expect(random.draws).toBe(1);
    sticky.recordAppended(1, 3);
    expect(random.draws).toBe(2);
    expect(sticky.partition(3)).toBe(0);
  });

  it("waits for a full batch unless twice batch.size went to the partition", () => {
    const random = new ScriptedRandom([1, 2]);
    const sticky = new StickyPartitioner(random, 100);
    expect(sticky.partition(3)).toBe(1);
    sticky.recordAppended(150, 3, false);
    expect(sticky.partition(3)).toBe(1);
    sticky.recordAppended(50, 3, false);
    expect(sticky.partition(3)).toBe(2);
  });

  it("draws again when the partition count no longer covers the choice", () => {
    const random = new ScriptedRandom([5, 1]);
    const sticky = new StickyPartitioner(random, 100);
    expect(sticky.partition(6)).toBe(5);
    expect(sticky.partition(2)).toBe(1);
  });

  it("spreads keyless records over all partitions with a seeded random", () => {
    const sticky = new StickyPartitioner(new SeededRandom(42), 1000);
    const seen = new Map<number, number>();
    for (let i = 0; i < 4000; i++) {
      const p = sticky.partition(4);
      seen.set(p, (seen.get(p) ?? 0) + 1);
      sticky.recordAppended(100, 4);
    }
    expect([...seen.keys()].sort()).toEqual([0, 1, 2, 3]);
    // Every stay lasts exactly 10 records of 100 bytes.
    for (const n of seen.values()) expect(n % 10).toBe(0);
  });
});

describe("Partitioner", () => {
  const config = { "batch.size": 100, "partitioner.ignore.keys": false };

  it("lets an explicit partition win, then keys, then stickiness", () => {
    const p = new Partitioner(new ScriptedRandom([0]), config);
    expect(p.choose({ topic: "t", numPartitions: 3, keyBytes: utf8("K1"), partition: 0 })).toEqual({ partition: 0, sticky: false });
    expect(p.choose({ topic: "t", numPartitions: 3, keyBytes: utf8("K1") })).toEqual({ partition: 2, sticky: false });
    expect(p.choose({ topic: "t", numPartitions: 3, keyBytes: null })).toEqual({ partition: 0, sticky: true });
  });

  it("treats keyed records as keyless with partitioner.ignore.keys", () => {
    const p = new Partitioner(new ScriptedRandom([1]), { ...config, "partitioner.ignore.keys": true });
    expect(p.choose({ topic: "t", numPartitions: 3, keyBytes: utf8("K1") })).toEqual({ partition: 1, sticky: true });
  });

  it("keeps a sticky choice per topic", () => {
    const random = new ScriptedRandom([1, 2, 0]);
    const p = new Partitioner(random, config);
    expect(p.choose({ topic: "a", numPartitions: 3, keyBytes: null }).partition).toBe(1);
    expect(p.choose({ topic: "b", numPartitions: 3, keyBytes: null }).partition).toBe(2);
    p.recordAppended("a", 100, 3);
    expect(p.choose({ topic: "a", numPartitions: 3, keyBytes: null }).partition).toBe(0);
    expect(p.choose({ topic: "b", numPartitions: 3, keyBytes: null }).partition).toBe(2);
  });

  it("refuses a partition the topic does not have, naming topic and partition", () => {
    const p = new Partitioner(new SeededRandom(1), config);
    try {
      p.choose({ topic: "orders", numPartitions: 3, keyBytes: null, partition: 3 });
      expect.unreachable();
    } catch (e) {
      expect(isKafkaError(e, "UNKNOWN_TOPIC_OR_PARTITION")).toBe(true);
      expect((e as Error).message).toContain('invalid partition 3 for topic "orders": it has partitions 0 to 2');
    }
  });
});
