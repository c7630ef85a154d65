import { describe, it, expect } from "vitest";
import { batchOf, openHarness, produce, readEverything } from "./log-test-support";
import { applyRetention } from "./retention";
import type { LogConfig } from "./log-config";

const B = batchOf(["a"]).length;

/** Single-record batches with the given timestamps, three per segment. */
async function logWith(timestamps: number[], overrides: Partial<LogConfig> = {}) {
  const h = await openHarness({ segmentBytes: 3 * B, ...overrides });
  for (const [i, ts] of timestamps.entries()) await produce(h.log, [`${i % 10}`], ts);
  return h;
}

describe("retention (cleanup.policy=delete)", () => {
  it("deletes a contiguous prefix by time: the reference's worked example", async () => {
    const h = await logWith([800, 820, 850, 900, 905, 870, 860, 880, 870, 990], { retentionMs: 100 });
    expect(h.log.segmentInfos().map((s) => [s.baseOffset, s.largestTimestamp])).toEqual([
      [0, 850],
      [3, 905],
      [6, 880],
      [9, 990],
    ]);
    const result = await applyRetention(h.log, h.config, 1000);
    // Segment 6 is expired too (120 > 100), but segment 3 (95) stops the prefix.
    expect(result).toEqual({ deleted: [{ baseOffset: 0, sizeInBytes: 3 * B, reason: "retention-time" }], logStartOffset: 3, rolledActive: false });
    expect(h.log.logStartOffset).toBe(3);
    expect(h.log.segmentInfos().map((s) => s.baseOffset)).toEqual([3, 6, 9]);
  });

  it("lets one far-future timestamp keep its segment and everything after it", async () => {
    const h = await logWith([100, 5_000_000, 100, 100, 100, 100, 100], { retentionMs: 100 });
    const result = await applyRetention(h.log, h.config, 10_000);
    expect(result.deleted).toEqual([]);
    expect(h.log.segmentCount).toBe(3);
  });

  it("deletes an expired non-empty active segment by rolling first: the log becomes empty at LEO", async () => {
    const h = await logWith([100, 110, 120, 130, 140, 150, 160], { retentionMs: 100 });
    const result = await applyRetention(h.log, h.config, 10_000);
    expect(result.rolledActive).toBe(true);
    expect(result.deleted.map((d) => d.baseOffset)).toEqual([0, 3, 6]);
    expect(result.logStartOffset).toBe(7);
    expect(h.log.segmentInfos().map((s) => [s.baseOffset, s.sizeInBytes, s.isActive])).toEqual([[7, 0, true]]);
    expect(h.log.logEndOffset).toBe(7);
    expect(h.events.find((e) => e.type === "segment-rolled")).toBeDefined();
    // An empty last segment is never deleted.
    expect((await applyRetention(h.log, h.config, 20_000)).deleted).toEqual([]);
    expect((await produce(h.log, ["n"], 20_000)).firstOffset).toBe(7);
  });

  it("only deletes segments whose offsets are all below the high watermark", async () => {
    const h = await logWith([100, 110, 120, 130, 140, 150, 160], { retentionMs: 100 });
    h.log.setHighWatermark(5);
    const result = await applyRetention(h.log, h.config, 10_000);
    expect(result.deleted.map((d) => d.baseOffset)).toEqual([0]);
    h.log.setHighWatermark(6);
    expect((await applyRetention(h.log, h.config, 10_000)).deleted.map((d) => d.baseOffset)).toEqual([3]);
  });

  it("deletes by size while the excess covers a whole segment, leaving up to one segment extra", async () => {
    // Segments of 3B, 3B, 3B and an active one of B: 10B in all.
    const h = await logWith(Array.from({ length: 10 }, () => 1000), { retentionMs: -1, retentionBytes: 5 * B });
    expect(h.log.size).toBe(10 * B);
    const result = await applyRetention(h.log, h.config, 1000);
    expect(result.deleted).toEqual([{ baseOffset: 0, sizeInBytes: 3 * B, reason: "retention-bytes" }]);
    // 7B stay for a 5B limit: removing segment 3 as well would undershoot.
    expect(h.log.size).toBe(7 * B);
    expect(h.log.logStartOffset).toBe(3);
    expect((await applyRetention(h.log, h.config, 1000)).deleted).toEqual([]);
  });

  it("never deletes the active segment for size (retention.bytes >= 1)", async () => {
    const h = await logWith(Array.from({ length: 10 }, () => 1000), { retentionMs: -1, retentionBytes: 1 });
    const result = await applyRetention(h.log, h.config, 1000);
    expect(result.deleted.map((d) => d.baseOffset)).toEqual([0, 3, 6]);
    expect(result.rolledActive).toBe(false);
    expect(h.log.segmentInfos().map((s) => [s.baseOffset, s.sizeInBytes])).toEqual([[9, B]]);
    expect((await readEverything(h.log)).map((r) => r.offset)).toEqual([9]);
  });

  it("does nothing by size below the limit or with retention.bytes = -1", async () => {
    const h = await logWith(Array.from({ length: 10 }, () => 1000), { retentionMs: -1, retentionBytes: 10 * B + 1 });
    expect((await applyRetention(h.log, h.config, 1000)).deleted).toEqual([]);
    expect((await applyRetention(h.log, { ...h.config, retentionBytes: -1 }, 1000)).deleted).toEqual([]);
  });

  it("deletes segments wholly below logStartOffset, for every cleanup policy", async () => {
    const h = await logWith(Array.from({ length: 10 }, () => 1000), { retentionMs: 1, cleanupPolicy: ["compact"] });
    await h.log.setLogStartOffset(7);
    const result = await applyRetention(h.log, h.config, 1_000_000);
    // Time retention does not apply to a compact-only topic; 0..2 and 3..5 lie below 7.
    expect(result.deleted).toEqual([
      { baseOffset: 0, sizeInBytes: 3 * B, reason: "log-start-offset" },
      { baseOffset: 3, sizeInBytes: 3 * B, reason: "log-start-offset" },
    ]);
    expect(h.log.logStartOffset).toBe(7);
    expect((await readEverything(h.log)).map((r) => r.offset)).toEqual([7, 8, 9]);
  });

  it("applies time, then size, then log start offset in one run", async () => {
    const h = await logWith([100, 100, 100, 5000, 5000, 5000, 5000, 5000, 5000, 5000], { retentionMs: 1000, retentionBytes: 4 * B, cleanupPolicy: ["compact", "delete"] });
    const result = await applyRetention(h.log, h.config, 5000);
    expect(result.deleted.map((d) => [d.baseOffset, d.reason])).toEqual([
      [0, "retention-time"],
      [3, "retention-bytes"],
    ]);
    expect(result.logStartOffset).toBe(6);
  });
});
