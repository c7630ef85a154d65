// The benchmark harness's arithmetic and table layout (bench/harness.ts). It lives here
// because Vitest collects tests from workers/, src/, bin/ and scripts/ only.
import { describe, expect, it } from "vitest";
import { formatBytes, formatDuration, formatTable, latencyNotes, median, quantile, throughputRow, timeMedian } from "../bench/harness";

describe("bench harness", () => {
  it("quantile is nearest-rank over sorted samples", () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(samples, 0.5)).toBe(50);
    expect(quantile(samples, 0.99)).toBe(99);
    expect(quantile(samples, 1)).toBe(100);
    expect(quantile(samples, 0)).toBe(1);
    expect(quantile([7], 0.99)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
    expect(median([5, 1, 3])).toBe(3);
  });

  it("throughputRow turns counts and milliseconds into rates", () => {
    expect(throughputRow("x", { ms: 500, records: 1000, bytes: 2_000_000, notes: "n" })).toEqual({
      name: "x",
      recordsPerSec: 2000,
      mbPerSec: 4,
      notes: "n",
    });
    expect(throughputRow("y", { ms: 1000, bytes: 1 })).toEqual({ name: "y", mbPerSec: 0.000001 });
  });

  it("latency notes read p50 and p99 from samples in milliseconds", () => {
    const samples = [...Array.from({ length: 98 }, () => 0.085), 0.17, 2];
    expect(latencyNotes(samples)).toBe("p50 85 µs · p99 170 µs · n 100");
  });

  it("formats sizes and durations compactly", () => {
    expect(formatBytes(100)).toBe("100 B");
    expect(formatBytes(16 * 1024)).toBe("16 KiB");
    expect(formatBytes(100_000_000)).toBe("95.4 MiB");
    expect(formatDuration(0.0089)).toBe("8.9 µs");
    expect(formatDuration(12.345)).toBe("12.3 ms");
    expect(formatDuration(2500)).toBe("2.5 s");
    expect(formatDuration(Number.NaN)).toBe("-");
  });

  it("prints an aligned Markdown table with a dash for a missing column", () => {
    const table = formatTable("codec (node)", [
      { name: "encode", recordsPerSec: 4_325_644.4, mbPerSec: 478.2, notes: "150 per batch" },
      { name: "crc32c over 16 KiB", mbPerSec: 0.5 },
    ]);
    expect(table.split("\n")).toEqual([
      "### codec (node)",
      "",
      "| name               | records/s | MB/s | notes         |",
      "|--------------------|----------:|-----:|---------------|",
      "| encode             | 4,325,644 |  478 | 150 per batch |",
      "| crc32c over 16 KiB |         - |  0.5 |               |",
    ]);
  });

  it("timeMedian skips the warm-up and reports the median of the repeats", async () => {
    const calls: number[] = [];
    let prepared = 0;
    const ms = await timeMedian((i) => calls.push(i), { repeats: 3, warmups: 2, prepare: () => prepared++ });
    expect(calls).toEqual([0, 1, 2, 3, 4]);
    expect(prepared).toBe(5);
    expect(ms).toBeGreaterThanOrEqual(0);
  });
});
