import { describe, expect, it } from "vitest";
import { cleanableRange, selectFilthiest, type CompactionConfig, type SegmentSummary } from "./cleanable-range";

const CONFIG: CompactionConfig = { minCleanableDirtyRatio: 0.5, minCompactionLagMs: 0, maxCompactionLagMs: Number.MAX_SAFE_INTEGER };

/** Segments from [base, size, firstTimestamp, largestTimestamp]; the last one is active. */
function segs(...rows: Array<[number, number, number?, number?]>): SegmentSummary[] {
  return rows.map(([baseOffset, sizeInBytes, firstTimestamp = 0, largestTimestamp = 0], i) => ({
    baseOffset,
    sizeInBytes,
    firstTimestamp,
    largestTimestamp,
    isActive: i === rows.length - 1,
  }));
}

describe("cleanableRange", () => {
  const log = segs([0, 300], [10, 200], [20, 100], [30, 100], [40, 50]);
  const offsets = { logStartOffset: 0, logEndOffset: 45, lastStableOffset: 45 };

  it("first pass: everything below the active segment is dirty, ratio 1", () => {
    const r = cleanableRange(log, offsets, undefined, CONFIG, 0);
    expect(r).toMatchObject({
      firstDirtyOffset: 0,
      firstUncleanableOffset: 40,
      cleanBytes: 0,
      cleanableBytes: 700,
      totalBytes: 700,
      dirtyRatio: 1,
      needCompactionNow: false,
      checkpointReset: false,
      shouldClean: true,
    });
  });

  it("dirty ratio = cleanable / (clean + cleanable), the active segment counted in neither", () => {
    const r = cleanableRange(log, offsets, 20, CONFIG, 0);
    expect(r.cleanBytes).toBe(500);
    expect(r.cleanableBytes).toBe(200);
    expect(r.dirtyRatio).toBeCloseTo(200 / 700, 12);
    expect(r.shouldClean).toBe(false);
    const lower = cleanableRange(log, offsets, 20, { ...CONFIG, minCleanableDirtyRatio: 0.28 }, 0);
    expect(lower.shouldClean).toBe(true);
    // Strictly greater: a ratio equal to the minimum does not qualify.
    const equal = cleanableRange(segs([0, 100], [10, 100], [20, 1]), { ...offsets, logEndOffset: 21, lastStableOffset: 21 }, 10, CONFIG, 0);
    expect(equal.dirtyRatio).toBe(0.5);
    expect(equal.shouldClean).toBe(false);
  });

  it("the LSO inside a segment moves firstUncleanable down to that segment's base", () => {
    const r = cleanableRange(log, { ...offsets, lastStableOffset: 25 }, 0, CONFIG, 0);
    expect(r.firstUncleanableOffset).toBe(20);
    expect(r.cleanableBytes).toBe(500);
  });

  it("min.compaction.lag.ms stops at the first dirty segment with a too recent record", () => {
    const timed = segs([0, 100, 10, 50], [10, 100, 60, 900], [20, 100, 910, 950], [30, 10, 990, 990]);
    const r = cleanableRange(timed, { logStartOffset: 0, logEndOffset: 31, lastStableOffset: 31 }, 0, { ...CONFIG, minCompactionLagMs: 200 }, 1000);
    // now - lag = 800: segment 10 has a record at 900.
    expect(r.firstUncleanableOffset).toBe(10);
    expect(r.cleanableBytes).toBe(100);
  });

  it("max.compaction.lag.ms forces cleaning when the oldest dirty first-batch timestamp is past it", () => {
    const timed = segs([0, 1000, 10, 20], [10, 100, 500, 600], [20, 10, 990, 990]);
    const o = { logStartOffset: 0, logEndOffset: 21, lastStableOffset: 21 };
    const within = cleanableRange(timed, o, 10, { ...CONFIG, maxCompactionLagMs: 500 }, 1000);
    expect(within.dirtyRatio).toBeCloseTo(100 / 1100, 12);
    expect(within.compactionDelayMs).toBe(0);
    expect(within.shouldClean).toBe(false);
    const past = cleanableRange(timed, o, 10, { ...CONFIG, maxCompactionLagMs: 400 }, 1000);
    expect(past.compactionDelayMs).toBe(100);
    expect(past.needCompactionNow).toBe(true);
    expect(past.shouldClean).toBe(true);
  });

  it("a forced lag with nothing cleanable does not select the log", () => {
    const timed = segs([0, 1000, 10, 20], [10, 100, 500, 600]);
    const r = cleanableRange(timed, { logStartOffset: 0, logEndOffset: 11, lastStableOffset: 11 }, 10, { ...CONFIG, maxCompactionLagMs: 1 }, 1000);
    expect(r.cleanableBytes).toBe(0);
    expect(r.shouldClean).toBe(false);
  });

  it("a checkpoint outside [logStart, LEO] is reset to the log start", () => {
    const trimmed = segs([10, 200], [20, 100], [30, 100], [40, 50]);
    const below = cleanableRange(trimmed, { logStartOffset: 10, logEndOffset: 45, lastStableOffset: 45 }, 5, CONFIG, 0);
    expect(below).toMatchObject({ firstDirtyOffset: 10, checkpointReset: true, dirtyRatio: 1 });
    const beyond = cleanableRange(trimmed, { logStartOffset: 10, logEndOffset: 45, lastStableOffset: 45 }, 46, CONFIG, 0);
    expect(beyond).toMatchObject({ firstDirtyOffset: 10, checkpointReset: true });
  });

  it("an empty log has nothing to weigh", () => {
    const r = cleanableRange(segs([0, 0]), { logStartOffset: 0, logEndOffset: 0, lastStableOffset: 0 }, undefined, CONFIG, 0);
    expect(r).toMatchObject({ totalBytes: 0, dirtyRatio: 0, shouldClean: false, firstUncleanableOffset: 0 });
  });
});

describe("selectFilthiest", () => {
  it("takes the highest dirty ratio among the logs that should be cleaned", () => {
    const base = cleanableRange(segs([0, 100], [10, 1]), { logStartOffset: 0, logEndOffset: 11, lastStableOffset: 11 }, undefined, CONFIG, 0);
    const pick = selectFilthiest([
      { name: "a", range: { ...base, dirtyRatio: 0.6 } },
      { name: "b", range: { ...base, dirtyRatio: 0.9, shouldClean: false } },
      { name: "c", range: { ...base, dirtyRatio: 0.8 } },
      { name: "d", range: { ...base, dirtyRatio: 0.8 } },
    ]);
    expect(pick?.name).toBe("c");
    expect(selectFilthiest([{ range: { ...base, shouldClean: false } }])).toBeUndefined();
  });
});
