/**
 * Drawing one frame of the windows view on a canvas: the event-time axis, each key's
 * window bands with their aggregates, the grace zone after open windows, records dropping
 * in as dots, late records as red crosses, the close line and the stream-time cursor, and
 * sessions sliding into the session they merged into.
 */
import { formatClock } from "../../app/format";
import { keyColour } from "../../app/key-colours";
import type { Dot, Merge, WindowsModel } from "./window-model";
import { valueText } from "./window-model";
import { AXIS_HEIGHT, DOT_STRIP, keyBlocks, LABEL_WIDTH, ROW_HEIGHT, tickStep, timeToX, visibleRange, type KeyBlock } from "./windows-geometry";

export interface Palette {
  text: string;
  text2: string;
  border: string;
  surface: string;
  surface2: string;
  accent: string;
  danger: string;
  hatch: string;
  bg: string;
}

export interface DrawOptions {
  width: number;
  keys: number;
  /** Animation clock (wall ms, frozen while the engine is paused). */
  now: number;
  /** Duration of a dot's fall and a merge's slide; 0 draws end states (reduced motion). */
  motionMs: number;
  palette: Palette;
}

function hexAlpha(hex: string, alpha: number): string {
  const a = Math.round(Math.max(0, Math.min(1, alpha)) * 255)
    .toString(16)
    .padStart(2, "0");
  return `${hex}${a}`;
}

function ease(t: number): number {
  const c = Math.max(0, Math.min(1, t));
  return c * c * (3 - 2 * c);
}

let hatchPattern: { colour: string; pattern: CanvasPattern | null } | null = null;

function hatch(ctx: CanvasRenderingContext2D, colour: string): CanvasPattern | string {
  if (hatchPattern?.colour === colour && hatchPattern.pattern) return hatchPattern.pattern;
  const tile = document.createElement("canvas");
  tile.width = 8;
  tile.height = 8;
  const t = tile.getContext("2d");
  if (!t) return colour;
  t.strokeStyle = colour;
  t.lineWidth = 1.5;
  t.beginPath();
  t.moveTo(0, 8);
  t.lineTo(8, 0);
  t.stroke();
  const pattern = ctx.createPattern(tile, "repeat");
  hatchPattern = { colour, pattern };
  return pattern ?? colour;
}

/** Where one frame puts the keys shown: computed once per frame, for the canvas size and the drawing. */
export interface WindowsLayout {
  range: { from: number; to: number };
  blocks: KeyBlock[];
  /** Down to the last key's rows; the canvas needs 16 px more for the labels under the lines. */
  height: number;
}

export function layoutWindows(model: WindowsModel, keys: number): WindowsLayout {
  const { sizeMs } = model.kind();
  const range = visibleRange(model.streamTime, sizeMs, model.graceMs);
  return { range, ...keyBlocks(model.keys(keys), model.bands(), range) };
}

/**
 * Draws one frame. `moving`: something drawn is still animating (a dot falling, a window's
 * highlight fading, sessions merging, a drop's label showing), so the next frame differs
 * even if no event arrives.
 */
export function drawWindows(ctx: CanvasRenderingContext2D, model: WindowsModel, o: DrawOptions, layout: WindowsLayout = layoutWindows(model, o.keys)): { blocks: KeyBlock[]; height: number; moving: boolean } {
  const p = o.palette;
  const streamTime = model.streamTime;
  const bands = model.bands();
  const { range, blocks, height } = layout;
  let moving = false;
  const left = LABEL_WIDTH;
  const plot = Math.max(50, o.width - left - 12);
  const x = (t: number) => timeToX(t, range, left, plot);
  ctx.clearRect(0, 0, o.width, height + 16);
  ctx.font = "12px 'IBM Plex Mono', monospace";
  ctx.textBaseline = "middle";

  // Axis with ticks.
  const step = tickStep(range.to - range.from, plot);
  ctx.strokeStyle = p.border;
  ctx.fillStyle = p.text2;
  ctx.lineWidth = 1;
  ctx.textAlign = "center";
  for (let t = Math.ceil(range.from / step) * step; t <= range.to; t += step) {
    const tx = x(t);
    ctx.beginPath();
    ctx.moveTo(tx, AXIS_HEIGHT - 6);
    ctx.lineTo(tx, height);
    ctx.globalAlpha = 0.35;
    ctx.stroke();
    ctx.globalAlpha = 1;
    ctx.fillText(formatClock(t).slice(0, 8), tx, 10);
  }

  const grace = model.graceMs ?? 0;
  const byKey = new Map<string, typeof bands>();
  for (const b of bands) {
    let list = byKey.get(b.key);
    if (!list) byKey.set(b.key, (list = []));
    list.push(b);
  }
  for (const block of blocks) {
    const colour = keyColour(block.key);
    // Key label.
    ctx.textAlign = "left";
    ctx.fillStyle = p.text;
    ctx.font = "600 13px 'IBM Plex Mono', monospace";
    const label = block.key.length > 11 ? `${block.key.slice(0, 10)}…` : block.key;
    ctx.fillText(label, 6, block.rowsTop + ROW_HEIGHT / 2 - 2);
    ctx.fillStyle = colour;
    ctx.fillRect(0, block.top + 3, 3, block.height - 6);

    // Windows that began before the visible range are cut at the axis, not drawn over the labels.
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, 0, plot + 12, height);
    ctx.clip();
    for (const b of byKey.get(block.key) ?? []) {
      const r = block.row[b.id];
      if (r === undefined) continue;
      const y = block.rowsTop + r * ROW_HEIGHT + 2;
      const h = ROW_HEIGHT - 4;
      const x1 = x(b.start);
      const x2 = Math.max(x1 + 3, x(b.end));
      // The grace zone: the window still accepts late records until stream time passes end + grace.
      if (!b.closed && grace > 0) {
        ctx.fillStyle = hatch(ctx, p.hatch);
        ctx.fillRect(x2, y + 3, x(b.end + grace) - x2, h - 6);
      }
      const fresh = o.motionMs > 0 ? Math.max(0, 1 - (o.now - b.updatedAt) / 600) : o.now - b.updatedAt < 600 ? 1 : 0;
      if (o.now - b.updatedAt < 600) moving = true;
      ctx.fillStyle = hexAlpha(colour, b.closed ? 0.5 : 0.22 + 0.25 * fresh);
      ctx.fillRect(x1, y, x2 - x1, h);
      ctx.strokeStyle = colour;
      ctx.lineWidth = b.closed ? 1 : 1.5 + 1.5 * fresh;
      ctx.setLineDash([]);
      ctx.strokeRect(x1 + 0.5, y + 0.5, x2 - x1 - 1, h - 1);
      const text = valueText(b.value);
      ctx.font = "600 13px 'IBM Plex Mono', monospace";
      const tw = ctx.measureText(text).width;
      if (tw + 8 < x2 - Math.max(x1, left)) {
        ctx.textAlign = "center";
        ctx.fillStyle = p.text;
        ctx.fillText(text, (Math.max(x1, left) + x2) / 2, y + h / 2);
      }
    }
    ctx.restore();
  }

  ctx.save();
  ctx.beginPath();
  ctx.rect(left - 6, 0, plot + 18, height + 16);
  ctx.clip();
  if (drawMerges(ctx, model.merges(), blocks, x, o)) moving = true;
  if (drawDots(ctx, model.dots(), blocks, x, range, o)) moving = true;
  ctx.restore();

  // The close line: windows ending at or before it are closed (stream time − grace).
  if (Number.isFinite(streamTime)) {
    if (grace > 0) {
      const cx = x(streamTime - grace);
      ctx.strokeStyle = p.text2;
      ctx.setLineDash([4, 4]);
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(cx, AXIS_HEIGHT - 8);
      ctx.lineTo(cx, height);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.font = "12px 'IBM Plex Sans', sans-serif";
      ctx.textAlign = "right";
      ctx.fillStyle = p.text2;
      ctx.fillText("close", cx - 4, height + 1);
    }
    const sx = x(streamTime);
    ctx.strokeStyle = p.accent;
    ctx.lineWidth = 2.5;
    ctx.beginPath();
    ctx.moveTo(sx, AXIS_HEIGHT - 10);
    ctx.lineTo(sx, height);
    ctx.stroke();
    ctx.fillStyle = p.accent;
    ctx.font = "600 12px 'IBM Plex Sans', sans-serif";
    ctx.textAlign = "left";
    ctx.fillText("stream time", sx + 4, height + 1);
  }
  return { blocks, height, moving };
}

/** Settled dots of one look, drawn as one path: hundreds of dots are a few fills, not hundreds. */
interface DotBatch {
  fill: string;
  stroke: string;
  lineWidth: number;
  points: number[];
}

/** Returns whether a dot is still falling or a drop's label still shows. */
function drawDots(ctx: CanvasRenderingContext2D, dots: readonly Dot[], blocks: KeyBlock[], x: (t: number) => number, range: { from: number; to: number }, o: DrawOptions): boolean {
  let moving = false;
  const byKey = new Map(blocks.map((b) => [b.key, b]));
  const batches = new Map<string, DotBatch>();
  for (const d of dots) {
    const block = byKey.get(d.key);
    if (!block || d.timestamp < range.from || d.timestamp > range.to) continue;
    const dx = x(d.timestamp);
    const target = block.top + DOT_STRIP / 2;
    const t = o.motionMs > 0 ? ease((o.now - d.arrivedAt) / o.motionMs) : 1;
    if (t < 1) moving = true;
    const y = AXIS_HEIGHT + (target - AXIS_HEIGHT) * t;
    const colour = keyColour(d.key);
    if (d.status === "dropped") {
      ctx.strokeStyle = o.palette.danger;
      ctx.lineWidth = 2.5;
      const s = 5;
      ctx.beginPath();
      ctx.moveTo(dx - s, y - s);
      ctx.lineTo(dx + s, y + s);
      ctx.moveTo(dx + s, y - s);
      ctx.lineTo(dx - s, y + s);
      ctx.stroke();
      // Recent drops say why.
      if (o.now - d.arrivedAt < 4000 && d.behindMs !== null) {
        moving = true;
        ctx.font = "600 12px 'IBM Plex Sans', sans-serif";
        ctx.fillStyle = o.palette.danger;
        ctx.textAlign = "left";
        ctx.fillText(`dropped: ${(d.behindMs / 1000).toFixed(1)} s late`, dx + 8, y - 9);
      }
      continue;
    }
    const id = `${d.status}\u0000${colour}`;
    let batch = batches.get(id);
    if (!batch) {
      batch =
        d.status === "out-of-order"
          ? { fill: o.palette.surface, stroke: colour, lineWidth: 2, points: [] }
          : { fill: colour, stroke: o.palette.text, lineWidth: 0.75, points: [] };
      batches.set(id, batch);
    }
    batch.points.push(dx, y);
  }
  for (const b of batches.values()) {
    ctx.beginPath();
    for (let i = 0; i < b.points.length; i += 2) {
      const px = b.points[i]!;
      const py = b.points[i + 1]!;
      ctx.moveTo(px + 4, py);
      ctx.arc(px, py, 4, 0, Math.PI * 2);
    }
    ctx.fillStyle = b.fill;
    ctx.fill();
    ctx.strokeStyle = b.stroke;
    ctx.lineWidth = b.lineWidth;
    ctx.stroke();
  }
  return moving;
}

/** Returns whether a merge is still shown. */
function drawMerges(ctx: CanvasRenderingContext2D, merges: readonly Merge[], blocks: KeyBlock[], x: (t: number) => number, o: DrawOptions): boolean {
  const duration = o.motionMs > 0 ? o.motionMs * 1.6 : 1200;
  let moving = false;
  for (const m of merges) {
    const age = o.now - m.at;
    if (age > duration) continue;
    moving = true;
    const block = blocks.find((b) => b.key === m.key);
    if (!block) continue;
    const t = o.motionMs > 0 ? ease(age / duration) : 1;
    const colour = keyColour(m.key);
    const y = block.rowsTop + 2;
    for (const w of m.from) {
      const start = w.start + (m.into.start - w.start) * t;
      const end = w.end + (m.into.end - w.end) * t;
      ctx.strokeStyle = colour;
      ctx.lineWidth = 3;
      ctx.setLineDash([5, 3]);
      ctx.strokeRect(x(start), y, Math.max(3, x(end) - x(start)), ROW_HEIGHT - 4);
      ctx.setLineDash([]);
    }
    ctx.font = "600 12px 'IBM Plex Sans', sans-serif";
    ctx.fillStyle = colour;
    ctx.textAlign = "left";
    ctx.fillText(`${m.from.length} sessions merged`, x(m.into.start), block.top + DOT_STRIP / 2);
  }
  return moving;
}
