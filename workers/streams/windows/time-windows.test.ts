import { describe, expect, it } from "vitest";
import fc from "fast-check";
import examples from "../testdata/window-examples.json";
import { TimeWindows } from "./time-windows";
import { SessionWindows } from "./session-windows";
import { SlidingWindows } from "./sliding-windows";
import { JoinWindows } from "./join-windows";
import { IllegalArgumentException } from "../errors";

interface WindowsForCase {
  size: number;
  advance: number;
  timestamp: number;
  windows: number[][];
}

const windowsForCases = (examples.examples.find((e) => e.type === "windowsFor") as unknown as { cases: WindowsForCase[] }).cases;

describe("TimeWindows.windowsFor (window-examples.json)", () => {
  for (const c of windowsForCases) {
    it(`size ${c.size}, advance ${c.advance}, ts ${c.timestamp}`, () => {
      const w = TimeWindows.ofSizeWithNoGrace(c.size).advanceBy(c.advance);
      const got = [...w.windowsFor(c.timestamp).entries()].map(([start, win]) => [start, win.start(), win.end()]);
      expect(got).toEqual(c.windows.map(([s, e]) => [s, s, e]));
    });
  }

  it("never starts a window below 0 and returns nothing for negative timestamps", () => {
    const w = TimeWindows.ofSizeWithNoGrace(10).advanceBy(3);
    expect([...w.windowsFor(2).keys()]).toEqual([0]);
    expect([...w.windowsFor(-1).keys()]).toEqual([]);
  });

  // ceil(size/advance) is exact when the advance divides the size; otherwise a timestamp
  // sees floor or ceil windows depending on where it falls between two window starts.
  it("a timestamp far from 0 lands in ceil(size/advance) aligned windows, each containing it (property, seed 4242)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 0, max: 1_000_000_000 }),
        (size, advanceRaw, offset) => {
          const advance = Math.min(size, advanceRaw);
          const ts = size + offset;
          const windows = [...TimeWindows.ofSizeWithNoGrace(size).advanceBy(advance).windowsFor(ts).values()];
          if (size % advance === 0) expect(windows.length).toBe(Math.ceil(size / advance));
          else expect([Math.floor(size / advance), Math.ceil(size / advance)]).toContain(windows.length);
          const aligned = TimeWindows.ofSizeWithNoGrace(size).advanceBy(advance).windowsFor(ts - (ts % advance) + advance);
          expect(aligned.size).toBe(Math.ceil(size / advance));
          let previous = -1;
          for (const w of windows) {
            expect(w.start() % advance).toBe(0);
            expect(w.start()).toBeLessThanOrEqual(ts);
            expect(w.end()).toBeGreaterThan(ts);
            expect(w.end() - w.start()).toBe(size);
            expect(w.start()).toBeGreaterThan(previous);
            previous = w.start();
          }
        },
      ),
      { seed: 4242, numRuns: 400 },
    );
  });

  it("a window that would contain the timestamp is never missed (property, seed 77)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 5000 }), (size, advanceRaw, ts) => {
        const advance = Math.min(size, advanceRaw);
        const got = [...TimeWindows.ofSizeWithNoGrace(size).advanceBy(advance).windowsFor(ts).keys()];
        const brute: number[] = [];
        for (let s = 0; s <= ts; s += advance) if (s <= ts && ts < s + size) brute.push(s);
        expect(got).toEqual(brute);
      }),
      { seed: 77, numRuns: 300 },
    );
  });
});

describe("window definitions validate like Kafka", () => {
  it("rejects bad sizes, advances and grace periods with Kafka's messages", () => {
    expect(() => TimeWindows.ofSizeWithNoGrace(0)).toThrow("Window size (sizeMs) must be larger than zero.");
    expect(() => TimeWindows.ofSizeWithNoGrace(5).advanceBy(6)).toThrow(IllegalArgumentException);
    expect(() => TimeWindows.ofSizeAndGrace(5, -1)).toThrow("Grace period must not be negative.");
    expect(() => SessionWindows.ofInactivityGapWithNoGrace(0)).toThrow("Gap time cannot be zero or negative.");
    expect(() => SlidingWindows.ofTimeDifferenceWithNoGrace(-1)).toThrow("Window time difference must not be negative.");
    expect(() => JoinWindows.ofTimeDifferenceAndGrace(5, -1)).toThrow("Grace period must not be negative.");
  });

  it("JoinWindows: before/after are asymmetric bounds, size is their sum; of() keeps a day of grace", () => {
    const w = JoinWindows.ofTimeDifferenceAndGrace(5, 2).before(3).after(7);
    expect([w.beforeMs, w.afterMs, w.size(), w.gracePeriodMs(), w.spuriousResultFixEnabled]).toEqual([3, 7, 10, 2, true]);
    const legacy = JoinWindows.of(1000);
    expect(legacy.gracePeriodMs()).toBe(86_400_000 - 2000);
    expect(legacy.spuriousResultFixEnabled).toBe(false);
    expect(() => JoinWindows.ofTimeDifferenceWithNoGrace(5).grace(1)).toThrow("Cannot call grace()");
  });
});
