import { describe, expect, it } from "vitest";
import type { Band } from "./window-model";
import { AXIS_HEIGHT, DOT_STRIP, KEY_GAP, keyBlocks, MAX_ROWS_PER_KEY, ROW_HEIGHT, tickStep, timeToX, visibleRange } from "./windows-geometry";

const band = (key: string, start: number, end: number): Band => ({ id: `${key}-${start}-${end}`, key, start, end, value: 1, updates: 1, updatedAt: 0, closed: false });

describe("windows geometry", () => {
  it("shows five windows and the grace after stream time, stream time near the right", () => {
    const r = visibleRange(100_000, 10_000, 5_000);
    expect(r.to - r.from).toBe(55_000);
    expect(r.to).toBe(111_000);
    expect(timeToX(100_000, r, 0, 1100)).toBe(880);
    // Without known sizes it assumes 10 s windows.
    expect(visibleRange(0, null, null)).toEqual({ from: -40_000, to: 10_000 });
  });

  it("stacks each key's overlapping windows in its own block of rows", () => {
    const range = { from: 0, to: 100_000 };
    const bands = [band("a", 0, 10_000), band("a", 5_000, 15_000), band("a", 10_000, 20_000), band("b", 0, 10_000), band("b", 200_000, 210_000)];
    const { blocks, height } = keyBlocks(["a", "b"], bands, range);
    // Each key: a strip of dots, then its rows of windows.
    expect(blocks.map((b) => [b.key, b.top, b.rowsTop, b.rows])).toEqual([
      ["a", AXIS_HEIGHT, AXIS_HEIGHT + DOT_STRIP, 2],
      ["b", AXIS_HEIGHT + DOT_STRIP + 2 * ROW_HEIGHT + KEY_GAP, AXIS_HEIGHT + 2 * DOT_STRIP + 2 * ROW_HEIGHT + KEY_GAP, 1],
    ]);
    expect(blocks[0]!.row).toEqual({ "a-0-10000": 0, "a-5000-15000": 1, "a-10000-20000": 0 });
    // b's window out of range takes no row.
    expect(Object.keys(blocks[1]!.row)).toEqual(["b-0-10000"]);
    expect(height).toBe(AXIS_HEIGHT + 2 * DOT_STRIP + 3 * ROW_HEIGHT + 2 * KEY_GAP);
  });

  it("caps the stack of sliding windows", () => {
    const bands = Array.from({ length: 10 }, (_, i) => band("s", i * 100, i * 100 + 10_000));
    const { blocks } = keyBlocks(["s"], bands, { from: 0, to: 20_000 });
    expect(blocks[0]!.rows).toBe(MAX_ROWS_PER_KEY);
    expect(Math.max(...Object.values(blocks[0]!.row))).toBe(MAX_ROWS_PER_KEY - 1);
  });

  it("picks readable tick steps", () => {
    expect(tickStep(55_000, 1100)).toBe(10_000);
    expect(tickStep(10_000, 1200)).toBe(1000);
    expect(tickStep(3_600_000, 600)).toBe(1_800_000);
  });
});
