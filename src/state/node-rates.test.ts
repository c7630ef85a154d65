import { describe, expect, it } from "vitest";
import { NodeRates } from "./node-rates";

describe("node rates", () => {
  it("sums a node's tasks and divides the growth by the engine time it took", () => {
    const r = new NodeRates();
    r.processed("src", "0_0", 10);
    r.processed("src", "0_1", 5);
    r.sample(1000);
    r.processed("src", "0_0", 14);
    r.sample(2000);
    r.processed("src", "0_1", 9);
    r.sample(3000);
    expect(r.total("src")).toBe(23);
    // 8 more records over 2 s.
    expect(r.rates().get("src")).toBe(4);
  });

  it("does not count a node's first total as records of the window", () => {
    const r = new NodeRates();
    r.sample(0);
    r.processed("agg", "1_0", 500);
    r.sample(1000);
    r.processed("agg", "1_0", 504);
    r.sample(3000);
    expect(r.rates().get("agg")).toBe(2);
  });

  it("forgets samples beyond the window, counts bursts over at least a second, and restarts when time goes back", () => {
    const r = new NodeRates();
    for (let t = 0; t <= 10_000; t += 1000) {
      r.processed("n", "0_0", t / 100);
      r.sample(t);
    }
    expect(r.rates().get("n")).toBeCloseTo(10, 6);
    const burst = new NodeRates();
    burst.processed("n", "0_0", 0);
    burst.sample(100);
    burst.processed("n", "0_0", 12);
    burst.sample(200);
    expect(burst.rates().get("n")).toBe(12);
    burst.sample(50);
    expect(burst.rates().size).toBe(0);
  });
});
