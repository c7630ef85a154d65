import { describe, expect, it } from "vitest";
import {
  axisTicks,
  fetchWindow,
  fitRange,
  followTail,
  MAX_FETCH_PER_PARTITION,
  MAX_PX_PER_OFFSET,
  modeOf,
  offsetToX,
  panBy,
  spreadLabels,
  visibleOffsets,
  xToOffset,
  zoomAt,
  type TapeViewport,
} from "./tape-geometry";

const v: TapeViewport = { start: 100, pxPerOffset: 10, width: 1000 };

describe("tape geometry", () => {
  it("maps offsets to x and back", () => {
    expect(offsetToX(v, 100)).toBe(0);
    expect(offsetToX(v, 150)).toBe(500);
    expect(xToOffset(v, 505)).toBe(150.5);
    expect(visibleOffsets(v)).toEqual({ from: 100, to: 200 });
  });

  it("zooms around the pointer: the offset under it stays put", () => {
    const z = zoomAt(v, 4, 500);
    expect(xToOffset(z, 500)).toBeCloseTo(150);
    expect(z.pxPerOffset).toBe(40);
    expect(zoomAt(v, 1000, 0).pxPerOffset).toBe(MAX_PX_PER_OFFSET);
    // A million records fit on screen fully zoomed out.
    const out = zoomAt(v, 1e-9, 0);
    expect(visibleOffsets(out).to - visibleOffsets(out).from).toBeGreaterThan(1_000_000);
  });

  it("pans by pixels", () => {
    expect(panBy(v, 100).start).toBe(90);
    expect(panBy(v, -100).start).toBe(110);
  });

  it("switches from labelled cells to cells to density bars as it zooms out", () => {
    expect(modeOf({ ...v, pxPerOffset: 40 })).toBe("labelled");
    expect(modeOf({ ...v, pxPerOffset: 8 })).toBe("cells");
    expect(modeOf({ ...v, pxPerOffset: 0.5 })).toBe("density");
  });

  it("follows the tail with room for new records, and starts at the log start when all fits", () => {
    const f = followTail(v, 10_000, 0);
    expect(xToOffset(f, 1000)).toBeGreaterThan(10_000);
    expect(xToOffset(f, 1000) - 10_000).toBeLessThanOrEqual(8);
    const small = followTail(v, 20, 0);
    expect(small.start).toBeLessThan(0);
    expect(offsetToX(small, 0)).toBeGreaterThan(0);
  });

  it("fetches the visible range padded by half a screen, never below the log start or past the HW, and caps it", () => {
    expect(fetchWindow(v, 0, 1000)).toEqual({ from: 50, to: 250 });
    expect(fetchWindow(v, 120, 160)).toEqual({ from: 120, to: 160 });
    expect(fetchWindow({ ...v, pxPerOffset: 0.5 }, 0, 1e6)).toBeNull();
    const wide = fetchWindow({ start: 0, pxPerOffset: 3, width: 30_000 }, 0, 1e6)!;
    expect(wide.to - wide.from).toBe(MAX_FETCH_PER_PARTITION);
    expect(fetchWindow(v, 300, 400)).toBeNull();
  });

  it("fits a range and puts round ticks on the axis", () => {
    const f = fitRange(1000, 0, 11);
    expect(offsetToX(f, 0)).toBeGreaterThan(0);
    expect(offsetToX(f, 11)).toBeLessThan(1000);
    expect(axisTicks({ start: 0, pxPerOffset: 1, width: 1000 })).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(axisTicks({ start: 3, pxPerOffset: 40, width: 400 }, 90)).toEqual([5, 10]);
  });
});

describe("lag labels side by side", () => {
  it("centres labels that do not touch, and pushes apart those that would overlap, in order of their centres", () => {
    expect(spreadLabels([{ mid: 100, width: 40 }, { mid: 300, width: 40 }], 0, 1000)).toEqual([80, 280]);
    // Three groups at the same offsets: one after the other, gap 8.
    expect(spreadLabels([{ mid: 200, width: 100 }, { mid: 200, width: 60 }, { mid: 199, width: 50 }], 0, 1000)).toEqual([232, 340, 174]);
  });

  it("pulls a run back inside the right edge and never past the left one", () => {
    expect(spreadLabels([{ mid: 990, width: 100 }, { mid: 995, width: 100 }], 4, 1000)).toEqual([792, 900]);
    expect(spreadLabels([{ mid: 10, width: 100 }], 4, 1000)).toEqual([4]);
    // No room for both: they overlap at the left edge rather than leave the canvas.
    expect(spreadLabels([{ mid: 50, width: 100 }, { mid: 50, width: 100 }], 0, 150)).toEqual([0, 50]);
  });
});
