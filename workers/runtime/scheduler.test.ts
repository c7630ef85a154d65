import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { VirtualClock } from "./clock";
import { VirtualScheduler } from "./scheduler";

describe("VirtualScheduler", () => {
  it("runs due tasks in time order with the clock set to each due time", () => {
    const s = new VirtualScheduler(new VirtualClock(100));
    const seen: Array<[string, number]> = [];
    s.at(300, () => seen.push(["c", s.clock.now()]));
    s.at(150, () => seen.push(["a", s.clock.now()]));
    s.at(150, () => seen.push(["b", s.clock.now()]));
    const cancel = s.at(200, () => seen.push(["never", s.clock.now()]));
    cancel();
    expect(s.nextDue()).toBe(150);
    expect(s.advance(150)).toBe(2);
    expect(seen).toEqual([["a", 150], ["b", 150]]);
    expect(s.clock.now()).toBe(250);
    s.advance(100);
    expect(seen.at(-1)).toEqual(["c", 300]);
    expect(s.clock.now()).toBe(350);
    expect(s.nextDue()).toBeUndefined();
  });

  it("repeats every interval until cancelled, and runs tasks scheduled by tasks", () => {
    const s = new VirtualScheduler();
    const ticks: number[] = [];
    const stop = s.every(10, () => {
      ticks.push(s.clock.now());
      if (s.clock.now() === 20) s.at(25, () => ticks.push(-25));
    });
    s.advance(35);
    stop();
    s.advance(100);
    expect(ticks).toEqual([10, 20, -25, 30]);
  });

  it("orders any set of timers like a stable sort by time (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.boolean()), { maxLength: 60 }), (specs) => {
        const s = new VirtualScheduler();
        const order: number[] = [];
        specs.forEach(([time, cancelled], i) => {
          const c = s.at(time, () => order.push(i));
          if (cancelled) c();
        });
        s.advance(100);
        const expected = specs
          .map(([time, cancelled], i) => ({ time, cancelled, i }))
          .filter((x) => !x.cancelled)
          .sort((a, b) => a.time - b.time || a.i - b.i)
          .map((x) => x.i);
        expect(order).toEqual(expected);
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it("refuses to run backwards", () => {
    const s = new VirtualScheduler();
    expect(() => s.advance(-1)).toThrow(RangeError);
    expect(() => new VirtualClock(5).set(4)).toThrow(/cannot go back/);
  });
});
