import { describe, expect, it } from "vitest";
import { TopicRates } from "./topic-rates";

describe("topic rates", () => {
  it("count records per virtual second over the last second and forget quiet topics", () => {
    const r = new TopicRates();
    r.add("orders", 1000, 300);
    r.add("orders", 1500, 200);
    r.add("payments", 1500, 50);
    expect(r.rates(1900)).toEqual({ orders: 500, payments: 50 });
    expect(r.rates(2200)).toEqual({ orders: 200, payments: 50 });
    expect(r.rates(3000)).toEqual({});
  });
});
