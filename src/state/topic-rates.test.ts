import { describe, expect, it } from "vitest";
import { TopicRates } from "./topic-rates";

const counts = (o: Record<string, number>) => new Map(Object.entries(o));

describe("topic rates", () => {
  it("divide the records of the updates in the window by the time they span", () => {
    const r = new TopicRates();
    r.update(1000, counts({}));
    r.update(1500, counts({ orders: 250, payments: 25 }));
    r.update(2000, counts({ orders: 250 }));
    expect(r.rates(2000)).toEqual({ orders: 500, payments: 25 });
  });

  it("are not fooled by a burst: two seconds of records in one late update", () => {
    const r = new TopicRates();
    r.update(0, counts({}));
    r.update(100, counts({ c: 200 }));
    r.update(2100, counts({ c: 4000 }));
    expect(r.rates(2100)).toEqual({ c: 2000 });
  });

  it("forget topics that went quiet, and start over when the clock goes back (a reset)", () => {
    const r = new TopicRates();
    r.update(0, counts({}));
    r.update(1000, counts({ c: 100 }));
    for (let t = 2000; t <= 5000; t += 1000) r.update(t, counts({}));
    expect(r.rates(5000)).toEqual({});
    r.update(10, counts({}));
    r.update(510, counts({ d: 50 }));
    // Half a second of history counts as a second.
    expect(r.rates(510)).toEqual({ d: 50 });
  });
});
