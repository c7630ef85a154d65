import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { OrderingDetector, type ProcessedRecord } from "./ordering-detector";

const rec = (over: Partial<ProcessedRecord>): ProcessedRecord => ({
  key: "k",
  topic: "clicks",
  partition: 0,
  offset: 0,
  timestamp: 1000,
  by: "consumer-1",
  ...over,
});

describe("OrderingDetector", () => {
  it("accepts a key read in offset order with rising timestamps", () => {
    const d = new OrderingDetector();
    for (let i = 0; i < 5; i++) expect(d.observe(rec({ offset: i, timestamp: 1000 + i }))).toEqual([]);
    expect(d.summary().counts).toEqual({ "offset-regression": 0, "partition-change": 0, "event-time-regression": 0 });
  });

  it("reports a replay after a rebalance: another member processes offsets already processed", () => {
    const d = new OrderingDetector();
    d.observe(rec({ offset: 4, by: "consumer-1" }));
    d.observe(rec({ offset: 7, by: "consumer-1" }));
    const [v, ...rest] = d.observe(rec({ offset: 5, by: "consumer-2", timestamp: 900 }));
    expect(rest).toEqual([]);
    expect(v).toMatchObject({ kind: "offset-regression", key: "k", offset: 5, by: "consumer-2", previous: { offset: 7, by: "consumer-1" } });
    expect(v!.explanation).toContain("consumer-2 processed key \"k\" at offset 5 of clicks-0 after consumer-1 had processed offset 7");
    expect(d.summary().byProcessor).toEqual({ "consumer-2": { "offset-regression": 1, "partition-change": 0, "event-time-regression": 0 } });
  });

  it("reports the same member reading an offset twice as a rewind", () => {
    const d = new OrderingDetector();
    d.observe(rec({ offset: 3 }));
    const [v] = d.observe(rec({ offset: 3 }));
    expect(v!.kind).toBe("offset-regression");
    expect(v!.explanation).toContain("read again");
  });

  it("reports a key moving to another partition, and event time going back", () => {
    const d = new OrderingDetector();
    d.observe(rec({ partition: 0, offset: 10, timestamp: 5000 }));
    const moved = d.observe(rec({ partition: 2, offset: 1, timestamp: 4000 }));
    expect(moved.map((v) => v.kind)).toEqual(["partition-change", "event-time-regression"]);
    const back = d.observe(rec({ partition: 2, offset: 2, timestamp: 3500 }));
    expect(back.map((v) => [v.kind, v.previous.timestamp])).toEqual([["event-time-regression", 4000]]);
    expect(back[0]!.explanation).toContain("500 ms earlier");
  });

  it("keeps keys of different topics apart and ignores null keys", () => {
    const d = new OrderingDetector();
    d.observe(rec({ topic: "a", offset: 9 }));
    expect(d.observe(rec({ topic: "b", offset: 1 }))).toEqual([]);
    expect(d.observe(rec({ key: null, offset: 0 }))).toEqual([]);
    expect(d.observe(rec({ key: null, offset: 0 }))).toEqual([]);
  });

  it("forgets the least recently seen key beyond maxKeys and keeps only the newest examples", () => {
    const d = new OrderingDetector(2, 3);
    d.observe(rec({ key: "a", offset: 5 }));
    d.observe(rec({ key: "b", offset: 5 }));
    d.observe(rec({ key: "a", offset: 6 })); // a is now the most recent
    d.observe(rec({ key: "c", offset: 5 })); // evicts b
    expect(d.observe(rec({ key: "b", offset: 1 }))).toEqual([]);
    expect(d.observe(rec({ key: "a", offset: 1 })).map((v) => v.kind)).toEqual([]); // a was evicted by b
    for (let i = 0; i < 5; i++) d.observe(rec({ key: "z", offset: 0 }));
    expect(d.summary().examples).toHaveLength(3);
    expect(d.summary().counts["offset-regression"]).toBe(4);
  });

  it("never flags a reader that sees each partition's offsets strictly rising (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom("a", "b", "c"), fc.integer({ min: 0, max: 2 })), { maxLength: 200 }), (draws) => {
        // Keys always go to the same partition (as the default partitioner does) and every
        // partition's offsets rise: the only possible flags are event-time ones, and timestamps rise too.
        const d = new OrderingDetector();
        const next = [0, 0, 0];
        const partitionOf = { a: 0, b: 1, c: 2 } as const;
        draws.forEach(([key], i) => {
          const partition = partitionOf[key];
          d.observe(rec({ key, partition, offset: next[partition]!++, timestamp: i }));
        });
        const c = d.summary().counts;
        expect(c["offset-regression"] + c["partition-change"] + c["event-time-regression"]).toBe(0);
      }),
      { seed: 4242, numRuns: 100 },
    );
  });
});
