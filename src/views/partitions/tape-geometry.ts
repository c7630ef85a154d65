/**
 * The partition tape's viewport: which offsets are on screen and where. Offsets run left
 * to right on one axis shared by every partition row; `start` is the (fractional) offset
 * at the left edge and `pxPerOffset` the zoom. Pure arithmetic, so zooming and panning are
 * tested without a browser.
 */

export interface TapeViewport {
  /** Offset at x = 0 (may be fractional, and negative to leave room at the start). */
  start: number;
  pxPerOffset: number;
  /** Width of the drawing area in CSS pixels. */
  width: number;
}

/** Fully zoomed out, a million records fit in about a thousand pixels (and more). */
export const MIN_PX_PER_OFFSET = 1 / 20_000;
export const MAX_PX_PER_OFFSET = 96;
/** From this zoom on, each record is a cell coloured by its key. */
export const CELL_MIN_PX = 3;
/** From this zoom on, cells carry their offset underneath. */
export const LABEL_MIN_PX = 30;
/** At most this many records are fetched per partition for one view. */
export const MAX_FETCH_PER_PARTITION = 4000;

export type TapeMode = "labelled" | "cells" | "density";

export function modeOf(v: TapeViewport): TapeMode {
  if (v.pxPerOffset >= LABEL_MIN_PX) return "labelled";
  if (v.pxPerOffset >= CELL_MIN_PX) return "cells";
  return "density";
}

export function offsetToX(v: TapeViewport, offset: number): number {
  return (offset - v.start) * v.pxPerOffset;
}

export function xToOffset(v: TapeViewport, x: number): number {
  return v.start + x / v.pxPerOffset;
}

/** The whole offsets at least partly on screen: [from, to). */
export function visibleOffsets(v: TapeViewport): { from: number; to: number } {
  const from = Math.max(0, Math.floor(v.start));
  const to = Math.max(from, Math.ceil(v.start + v.width / v.pxPerOffset));
  return { from, to };
}

export function clampZoom(px: number): number {
  return Math.min(MAX_PX_PER_OFFSET, Math.max(MIN_PX_PER_OFFSET, px));
}

/** Zoom by `factor` keeping the offset under `anchorX` where it is. */
export function zoomAt(v: TapeViewport, factor: number, anchorX: number): TapeViewport {
  const anchor = xToOffset(v, anchorX);
  const pxPerOffset = clampZoom(v.pxPerOffset * factor);
  return { ...v, pxPerOffset, start: anchor - anchorX / pxPerOffset };
}

export function panBy(v: TapeViewport, dx: number): TapeViewport {
  return { ...v, start: v.start - dx / v.pxPerOffset };
}

/**
 * The viewport that follows the tail: the log end at the right edge with a little room
 * for new records to slide into, never scrolled before offset 0 when everything fits.
 */
export function followTail(v: TapeViewport, logEnd: number, logStart: number): TapeViewport {
  const room = Math.min(v.width * 0.08, 80) / v.pxPerOffset;
  const visible = v.width / v.pxPerOffset;
  let start = logEnd + room - visible;
  if (logEnd - logStart + room <= visible) start = Math.min(start, logStart - Math.min(room, 1));
  return { ...v, start };
}

/** A zoom at which [from, to) fills the width, for "fit" and the first view of a topic. */
export function fitRange(width: number, from: number, to: number): TapeViewport {
  const span = Math.max(1, to - from);
  const pxPerOffset = clampZoom(Math.min(48, (width * 0.92) / span));
  return { width, pxPerOffset, start: from - (width * 0.04) / pxPerOffset };
}

/**
 * The range to fetch for a view: the visible offsets padded by half a screen on each side
 * (panning then finds records already there), capped at {@link MAX_FETCH_PER_PARTITION}.
 * Nothing is fetched in density mode.
 */
export function fetchWindow(v: TapeViewport, logStart: number, highWatermark: number): { from: number; to: number } | null {
  if (modeOf(v) === "density") return null;
  const { from, to } = visibleOffsets(v);
  const pad = Math.floor((to - from) / 2);
  let a = Math.max(logStart, from - pad);
  let b = Math.min(highWatermark, to + pad);
  if (b - a > MAX_FETCH_PER_PARTITION) {
    const mid = Math.floor((from + to) / 2);
    a = Math.max(logStart, mid - MAX_FETCH_PER_PARTITION / 2);
    b = Math.min(highWatermark, a + MAX_FETCH_PER_PARTITION);
  }
  if (b <= a) return null;
  return { from: a, to: b };
}

/** Ticks for the offset axis: a round step giving labels about `minGapPx` apart. */
export function axisTicks(v: TapeViewport, minGapPx = 90): number[] {
  const rough = minGapPx / v.pxPerOffset;
  const pow = 10 ** Math.floor(Math.log10(Math.max(1, rough)));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= rough) ?? 10 * pow;
  const { from, to } = visibleOffsets(v);
  const out: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) out.push(t);
  return out;
}

/**
 * Left edges for labels that want to be centred at `mid` without overlapping: in order of
 * their centres, each pushed right past the one before (`gap` apart), then the run pulled
 * back left where it would leave [min, max]. Labels that cannot all fit overlap at `min`.
 */
export function spreadLabels(labels: ReadonlyArray<{ mid: number; width: number }>, min: number, max: number, gap = 8): number[] {
  const order = labels.map((_, i) => i).sort((a, b) => labels[a]!.mid - labels[b]!.mid);
  const x = new Array<number>(labels.length);
  let right = -Infinity;
  for (const i of order) {
    const l = labels[i]!;
    x[i] = Math.max(min, l.mid - l.width / 2, right + gap);
    right = x[i]! + l.width;
  }
  let left = Infinity;
  for (let k = order.length - 1; k >= 0; k--) {
    const i = order[k]!;
    const l = labels[i]!;
    x[i] = Math.max(min, Math.min(x[i]!, max - l.width, left - gap - l.width));
    left = x[i]!;
  }
  return x;
}
