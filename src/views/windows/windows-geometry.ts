/**
 * Where the windows canvas puts things: the event-time range on screen around stream time,
 * the block of rows of each key (one row per stack level of its windows), and x for a time.
 * Pure, so the geometry is tested without a canvas.
 */
import { layoutRows, type Band } from "./window-model";

export interface TimeRange {
  from: number;
  to: number;
}

export const AXIS_HEIGHT = 30;
export const ROW_HEIGHT = 26;
/** A strip above each key's windows where its records are drawn as dots. */
export const DOT_STRIP = 14;
export const KEY_GAP = 10;
export const LABEL_WIDTH = 96;
/** Stacked rows a key may take; more overlapping windows are drawn in the last one. */
export const MAX_ROWS_PER_KEY = 4;

/**
 * The event time shown: enough for several windows, stream time at about 80 % of the
 * width so the grace zone after the newest windows stays on screen.
 */
export function visibleRange(streamTime: number, sizeMs: number | null, graceMs: number | null): TimeRange {
  const span = Math.max(40_000, (sizeMs ?? 10_000) * 5 + (graceMs ?? 0));
  const ahead = Math.max(span * 0.2, (graceMs ?? 0) + 2_000);
  return { from: streamTime - (span - ahead), to: streamTime + ahead };
}

export function timeToX(t: number, range: TimeRange, left: number, width: number): number {
  return left + ((t - range.from) / (range.to - range.from)) * width;
}

export interface KeyBlock {
  key: string;
  top: number;
  /** Where the key's window rows begin (below its dot strip). */
  rowsTop: number;
  rows: number;
  height: number;
  /** Band id → row within the block. */
  row: Record<string, number>;
}

/** Blocks of rows per key, top to bottom in the order given, for the bands in range. */
export function keyBlocks(keys: readonly string[], bands: readonly Band[], range: TimeRange): { blocks: KeyBlock[]; height: number } {
  let top = AXIS_HEIGHT;
  const blocks: KeyBlock[] = [];
  for (const key of keys) {
    const own = bands.filter((b) => b.key === key && b.end >= range.from && b.start <= range.to);
    const { row, rows } = layoutRows(own);
    const shown = Math.min(rows, MAX_ROWS_PER_KEY);
    for (const id of Object.keys(row)) row[id] = Math.min(row[id]!, MAX_ROWS_PER_KEY - 1);
    const height = DOT_STRIP + shown * ROW_HEIGHT;
    blocks.push({ key, top, rowsTop: top + DOT_STRIP, rows: shown, height, row });
    top += height + KEY_GAP;
  }
  return { blocks, height: top };
}

/** A "nice" tick step for an axis of `spanMs` over `px` pixels: about one per 110 px. */
export function tickStep(spanMs: number, px: number): number {
  const target = (spanMs / Math.max(1, px)) * 110;
  for (const step of [1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000]) if (step >= target) return step;
  return 1_800_000;
}
