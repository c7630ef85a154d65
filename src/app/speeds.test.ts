import { describe, expect, it } from "vitest";
import { nextSpeed } from "./speeds";

describe("speed ladder", () => {
  it("climbs and descends between 0.1× and 100×, from any speed", () => {
    expect(nextSpeed(1, 1)).toBe(2);
    expect(nextSpeed(1, -1)).toBe(0.5);
    expect(nextSpeed(100, 1)).toBe(100);
    expect(nextSpeed(0.1, -1)).toBe(0.1);
    expect(nextSpeed(3, 1)).toBe(5);
    expect(nextSpeed(3, -1)).toBe(2);
  });
});
