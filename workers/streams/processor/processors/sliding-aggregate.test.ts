import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { SlidingWindows, StreamsBuilder, TopologyTestDriver, type Windowed } from "../../index";

/** Final count per sliding window after piping `timestamps` (any order) for one key. */
function finalCounts(timestamps: number[], d: number): Map<number, number> {
  const b = new StreamsBuilder();
  b.stream<string, string>("in").groupByKey().windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(d, 100_000)).count().toStream().to("out");
  const driver = new TopologyTestDriver(b.build());
  const input = driver.createInputTopic<string, string>("in");
  for (const t of timestamps) input.pipeInput("A", "v", t);
  const counts = new Map<number, number>();
  for (const r of driver.createOutputTopic<Windowed<string>, number>("out").readRecordsToList()) {
    expect(r.window!.end - r.window!.start).toBe(d);
    counts.set(r.window!.start, r.value);
  }
  return counts;
}

/** KIP-450 from its definition: a left window per record, a right window per record with a later record inside it. */
function idealCounts(timestamps: number[], d: number): Map<number, number> {
  const starts = new Set<number>();
  for (const t of timestamps) {
    starts.add(t < d ? 0 : t - d);
    if (timestamps.some((u) => u > t && u <= t + 1 + d)) starts.add(t + 1);
  }
  return new Map([...starts].map((s) => [s, timestamps.filter((t) => t >= s && t <= s + d).length]));
}

describe("sliding window aggregation", () => {
  it("creates exactly the KIP-450 windows, each counting the records inside it, for any arrival order (property, seed 450)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 80 }), { minLength: 1, maxLength: 25 }), fc.integer({ min: 1, max: 15 }), (timestamps, d) => {
        const got = finalCounts(timestamps, d);
        const want = idealCounts(timestamps, d);
        expect(new Map([...got].sort((a, c) => a[0] - c[0]))).toEqual(new Map([...want].sort((a, c) => a[0] - c[0])));
      }),
      { seed: 450, numRuns: 200 },
    );
  });

  it("drops a record whose own window [t, t + d] ended before stream time - grace, and counts each expired window it misses", () => {
    const b = new StreamsBuilder();
    b.stream<string, string>("in").groupByKey().windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10, 5)).count();
    const driver = new TopologyTestDriver(b.build());
    const input = driver.createInputTopic<string, string>("in");
    input.pipeInput("A", "v", 100);
    input.pipeInput("A", "v", 84);
    expect(driver.droppedRecordsTotal()).toBe(1);
    // [85, 95] is still open, but its left window [75, 85] is not: that window drop is counted too.
    input.pipeInput("A", "v", 85);
    expect(driver.droppedRecordsTotal()).toBe(2);
  });
});
