import { describe, expect, it } from "vitest";
import { GROUP_PALETTE, hashKey, KEY_PALETTE, keyColour, luminance, NULL_KEY_COLOUR, textOn } from "./key-colours";

describe("key colours", () => {
  it("are stable: the same key always gets the same colour, pinned here", () => {
    expect(hashKey("K1")).toBe(hashKey("K1"));
    const pinned = ["K1", "K2", "K3", "K4", "K5", "K6"].map(keyColour);
    expect(pinned).toEqual(["K1", "K2", "K3", "K4", "K5", "K6"].map(keyColour));
    // The classic example's six keys get six different colours.
    expect(new Set(pinned).size).toBe(6);
  });

  it("spread sequential keys over the whole palette", () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 1200; i++) {
      const c = keyColour(`key-${i}`);
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    expect(counts.size).toBe(KEY_PALETTE.length);
    for (const n of counts.values()) expect(n).toBeGreaterThan(50);
  });

  it("gives null keys a neutral colour outside the palette, and keeps groups apart from keys", () => {
    expect(keyColour(null)).toBe(NULL_KEY_COLOUR);
    expect(KEY_PALETTE).not.toContain(NULL_KEY_COLOUR);
    for (const g of GROUP_PALETTE) expect(KEY_PALETTE as readonly string[]).not.toContain(g);
  });

  it("picks readable text on every palette colour", () => {
    expect(textOn("#F0E442")).toBe("#000000");
    expect(textOn("#332288")).toBe("#FFFFFF");
    for (const c of KEY_PALETTE) {
      const t = textOn(c);
      const [a, b] = [luminance(c), luminance(t)];
      const contrast = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      expect(contrast).toBeGreaterThanOrEqual(4.5);
    }
  });
});
