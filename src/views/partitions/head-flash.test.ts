import { describe, expect, it } from "vitest";
import { nextFlash, QUIET_MS } from "./head-flash";

describe("offset numbers flashing", () => {
  it("do not flash when first shown, flash a change after a quiet spell, and keep the flash while the number holds", () => {
    const shown = nextFlash(undefined, 10, 0);
    expect(shown.flashing).toBe(false);
    const changed = nextFlash(shown, 11, 5000);
    expect(changed).toMatchObject({ value: 11, flashing: true, key: "changed-11" });
    expect(nextFlash(changed, 11, 5100)).toBe(changed);
  });

  it("stop flashing a number that keeps changing, and flash it again once it has rested", () => {
    let s = nextFlash(nextFlash(undefined, 0, 0), 1, 5000);
    expect(s.flashing).toBe(true);
    const keys = new Set<string>();
    for (let t = 5200; t < 8000; t += 200) {
      s = nextFlash(s, s.value + 1, t);
      keys.add(s.key);
      expect(s.flashing).toBe(false);
    }
    // One key for the whole run of changes: nothing is remounted while it runs.
    expect([...keys]).toEqual(["still"]);
    s = nextFlash(s, s.value + 1, 7800 + QUIET_MS);
    expect(s.flashing).toBe(true);
  });
});
