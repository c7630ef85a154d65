/**
 * The contract every benchmark module follows, and the table printer. A module in
 * `bench/node/*.bench.ts` or `bench/browser/*.bench.ts` default-exports a `Benchmark`;
 * `bench/run.mjs` runs it in a Node child process or in a dedicated worker of headless
 * Chromium and prints the rows it returns. Nothing here touches a platform API other than
 * `performance.now()`, which Node, pages and workers all have, so benchmark code can be
 * shared between the two environments (see `bench/shared/`).
 */

export interface BenchOptions {
  /** Smaller sizes, for a quick look (`npm run bench -- --quick`). */
  quick: boolean;
  /** A line for the person waiting (shown on stderr); never part of the table. */
  progress(text: string): void;
}

/** One line of a table. Leave a column out when it means nothing for the row. */
export interface Row {
  name: string;
  recordsPerSec?: number;
  /** Decimal megabytes (10^6 bytes) per second. */
  mbPerSec?: number;
  notes?: string;
}

export interface Benchmark {
  /** Short and stable: it titles the table. */
  name: string;
  run(options: BenchOptions): Promise<Row[]>;
}

export const MB = 1_000_000;
export const KiB = 1024;
export const MiB = 1024 * 1024;

/** Throughput of `records` records (or `bytes` bytes) in `ms` milliseconds. */
export function throughputRow(name: string, m: { ms: number; records?: number; bytes?: number; notes?: string }): Row {
  const seconds = m.ms / 1000;
  const row: Row = { name };
  if (m.records !== undefined) row.recordsPerSec = m.records / seconds;
  if (m.bytes !== undefined) row.mbPerSec = m.bytes / MB / seconds;
  if (m.notes !== undefined) row.notes = m.notes;
  return row;
}

/** The value at quantile `q` (0..1) of ascending `sorted`, nearest-rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

export function median(values: readonly number[]): number {
  return quantile([...values].sort((a, b) => a - b), 0.5);
}

/** "p50 86 µs · p99 172 µs · n 10,000" for samples in milliseconds. */
export function latencyNotes(samplesMs: readonly number[]): string {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return `p50 ${formatDuration(quantile(sorted, 0.5))} · p99 ${formatDuration(quantile(sorted, 0.99))} · n ${formatCount(sorted.length)}`;
}

/**
 * Runs `body` `warmups` times unmeasured (so the JIT has seen it), then `repeats` times,
 * and returns the median duration in milliseconds. `body` receives the repeat index so it
 * can use fresh inputs; its own setup belongs outside or in `prepare`, which is not timed.
 */
export async function timeMedian(
  body: (repeat: number) => unknown,
  o: { repeats: number; warmups?: number; prepare?: (repeat: number) => unknown },
): Promise<number> {
  const durations: number[] = [];
  const total = (o.warmups ?? 1) + o.repeats;
  for (let i = 0; i < total; i++) {
    await o.prepare?.(i);
    const start = performance.now();
    await body(i);
    const ms = performance.now() - start;
    if (i >= (o.warmups ?? 1)) durations.push(ms);
  }
  return median(durations);
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

export function formatBytes(n: number): string {
  if (n >= MiB) return `${trimmed(n / MiB)} MiB`;
  if (n >= KiB) return `${trimmed(n / KiB)} KiB`;
  return `${n} B`;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return "-";
  if (ms < 1) return `${trimmed(ms * 1000)} µs`;
  if (ms < 1000) return `${trimmed(ms)} ms`;
  return `${trimmed(ms / 1000)} s`;
}

/** Three significant digits at most, no trailing zeros: 0.123, 12.3, 1,234. */
function trimmed(x: number): string {
  if (x >= 100) return formatCount(x);
  return String(Number(x.toPrecision(3)));
}

function formatRate(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return "-";
  return x >= 100 ? formatCount(x) : String(Number(x.toPrecision(3)));
}

/** A Markdown table, padded so it also reads aligned as plain text. */
export function formatTable(title: string, rows: readonly Row[]): string {
  const header = ["name", "records/s", "MB/s", "notes"];
  const cells = rows.map((r) => [r.name, formatRate(r.recordsPerSec), formatRate(r.mbPerSec), r.notes ?? ""]);
  const width = header.map((h, c) => Math.max(h.length, ...cells.map((row) => (row[c] as string).length)));
  const numeric = [false, true, true, false];
  const line = (row: string[]) =>
    `| ${row.map((cell, c) => (numeric[c] ? cell.padStart(width[c] as number) : cell.padEnd(width[c] as number))).join(" | ")} |`;
  const rule = `|${width.map((w, c) => (numeric[c] ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`;
  return [`### ${title}`, "", line(header), rule, ...cells.map(line)].join("\n");
}
