/**
 * Drawing the partition tape on a canvas: one row per partition, never a DOM node per
 * record. Every mark is a Kafka concept: cells are records coloured by key, thick
 * separators are segment boundaries labelled with their base offset, the active segment
 * has a dashed outline, the hatched stretch before the log start offset was deleted by
 * retention, flags mark the high watermark and the log end offset, and triangles below
 * mark each group's committed offset (filled) and position (hollow) with the lag bracket.
 */
import { groupColour, textOn } from "../../app/key-colours";
import type { GroupMarker } from "../../state/store";
import { axisTicks, modeOf, offsetToX, spreadLabels, visibleOffsets, type TapeViewport } from "./tape-geometry";
import type { PartitionWindow, TapeCell } from "./tape-records";

export interface TapeSegment {
  baseOffset: number;
  nextOffset: number;
  isActive: boolean;
}

export interface TapeRow {
  partition: number;
  logStartOffset: number;
  highWatermark: number;
  logEndOffset: number;
  segments: TapeSegment[];
  window: PartitionWindow | undefined;
  markers: GroupMarker[];
  /**
   * Offsets this row is shifted by against the shared axis: with "align log ends" every
   * row's log end sits at the same x, so partitions of different lengths all show their tail.
   */
  shift: number;
  /** Removed by the cleaner just now: drawn fading out where they were. */
  fading: Array<{ cell: TapeCell; started: number }>;
}

export interface TapeColours {
  text: string;
  text2: string;
  surface: string;
  surface2: string;
  border: string;
  accent: string;
  hatch: string;
  warn: string;
}

export interface TapeFrame {
  viewport: TapeViewport;
  rows: TapeRow[];
  colours: TapeColours;
  /** Animation time in ms (performance.now while playing, frozen while paused). */
  now: number;
  reducedMotion: boolean;
  selected: { partition: number; offset: number } | null;
  hover: { partition: number; offset: number } | null;
  scale: number;
  /** Rows scrolled into view (indexes into `rows`); the others are left blank. */
  shownRows?: { first: number; last: number };
  /**
   * The canvas shows the rows from this y (CSS px) down, `height` of them: it is as tall as
   * the box the rows scroll in, not as all rows. Without them it shows everything.
   */
  offsetY?: number;
  height?: number;
}

export const AXIS_H = 22;
export const ROW_H = 92;
/** Within a row: flags and segment labels, then cells, then offsets, then group markers. */
const FLAG_H = 20;
const CELL_Y = FLAG_H + 2;
const CELL_H = 30;
const LABEL_Y = CELL_Y + CELL_H + 3;
const MARKER_Y = CELL_Y + CELL_H + 20;
const APPEAR_MS = 450;
export const FADE_MS = 1400;

const MONO = '"IBM Plex Mono", ui-monospace, monospace';
const SANS = '"IBM Plex Sans", system-ui, sans-serif';

export function rowTop(index: number): number {
  return AXIS_H + index * ROW_H;
}

export function cellBand(index: number): { top: number; bottom: number } {
  const top = rowTop(index) + CELL_Y;
  return { top, bottom: top + CELL_H };
}

function hatch(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, colour: string): void {
  ctx.save();
  ctx.beginPath();
  ctx.rect(x, y, w, h);
  ctx.clip();
  ctx.strokeStyle = colour;
  ctx.lineWidth = 1;
  for (let i = -h; i < w; i += 7) {
    ctx.beginPath();
    ctx.moveTo(x + i, y + h);
    ctx.lineTo(x + i + h, y);
    ctx.stroke();
  }
  ctx.restore();
}

function flag(ctx: CanvasRenderingContext2D, x: number, top: number, bottom: number, label: string, colour: string, align: "left" | "right"): void {
  ctx.strokeStyle = colour;
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(x, top + 2);
  ctx.lineTo(x, bottom);
  ctx.stroke();
  ctx.font = `600 12px ${SANS}`;
  const w = ctx.measureText(label).width + 8;
  const fx = align === "left" ? x : x - w;
  ctx.fillStyle = colour;
  ctx.fillRect(fx, top, w, 16);
  ctx.fillStyle = textOn(colour.length === 7 ? colour : "#1f5fbf");
  ctx.textBaseline = "middle";
  ctx.textAlign = "left";
  ctx.fillText(label, fx + 4, top + 8.5);
}

function triangle(ctx: CanvasRenderingContext2D, x: number, y: number, colour: string, filled: boolean): void {
  ctx.beginPath();
  ctx.moveTo(x, y);
  ctx.lineTo(x - 6, y + 10);
  ctx.lineTo(x + 6, y + 10);
  ctx.closePath();
  if (filled) {
    ctx.fillStyle = colour;
    ctx.fill();
  } else {
    ctx.lineWidth = 2;
    ctx.strokeStyle = colour;
    ctx.stroke();
  }
}

function drawCell(ctx: CanvasRenderingContext2D, frame: TapeFrame, cell: TapeCell, x: number, y: number, w: number, alpha: number, colours: TapeColours): void {
  const gap = w >= 6 ? 1 : 0;
  const cw = Math.max(1, w - gap * 2);
  ctx.globalAlpha = alpha;
  if (cell.control) {
    ctx.fillStyle = colours.border;
    ctx.fillRect(x + gap, y + CELL_H / 3, cw, CELL_H / 3);
  } else if (cell.tombstone) {
    ctx.fillStyle = colours.surface;
    ctx.fillRect(x + gap, y, cw, CELL_H);
    ctx.strokeStyle = cell.colour;
    ctx.lineWidth = w >= 10 ? 2 : 1;
    ctx.strokeRect(x + gap + 0.5, y + 0.5, cw - 1, CELL_H - 1);
    if (w >= 8) {
      ctx.beginPath();
      const m = Math.min(cw, CELL_H) * 0.28;
      const cx = x + gap + cw / 2;
      const cy = y + CELL_H / 2;
      ctx.moveTo(cx - m, cy - m);
      ctx.lineTo(cx + m, cy + m);
      ctx.moveTo(cx + m, cy - m);
      ctx.lineTo(cx - m, cy + m);
      ctx.strokeStyle = colours.text;
      ctx.stroke();
    }
  } else {
    ctx.fillStyle = cell.colour;
    ctx.fillRect(x + gap, y, cw, CELL_H);
    if (w >= 30 && cell.key !== null) {
      ctx.fillStyle = textOn(cell.colour);
      ctx.font = `500 12px ${MONO}`;
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      // Keys often share a prefix (key-1, key-2, order-17): when one does not fit, its end
      // is what tells it apart.
      const max = Math.floor((cw - 4) / 7.3);
      const text = cell.key.length > max ? `…${cell.key.slice(cell.key.length - Math.max(1, max - 1))}` : cell.key;
      ctx.fillText(text, x + w / 2, y + CELL_H / 2 + 0.5);
    }
  }
  ctx.globalAlpha = 1;
  void frame;
}

export function drawTape(ctx: CanvasRenderingContext2D, frame: TapeFrame): void {
  const { viewport: base, colours, rows } = frame;
  const mode = modeOf(base);
  const width = base.width;
  const offsetY = frame.offsetY ?? 0;
  const height = frame.height ?? AXIS_H + rows.length * ROW_H;
  ctx.setTransform(frame.scale, 0, 0, frame.scale, 0, -offsetY * frame.scale);
  ctx.clearRect(0, offsetY, width, height);

  // Offset axis, shared by the rows unless each is aligned on its own log end.
  ctx.font = `12px ${MONO}`;
  ctx.fillStyle = colours.text2;
  ctx.textBaseline = "middle";
  ctx.textAlign = "center";
  ctx.strokeStyle = colours.border;
  ctx.lineWidth = 1;
  const shared = rows.every((r) => r.shift === 0);
  if (!shared) {
    ctx.font = `12px ${SANS}`;
    ctx.textAlign = "right";
    ctx.fillText("each row ends at its log end offset → newest", width - 8, AXIS_H / 2);
  }
  for (const t of shared ? axisTicks(base, mode === "labelled" ? 160 : 100) : []) {
    const x = offsetToX(base, t);
    ctx.fillText(String(t), x, AXIS_H / 2);
    ctx.beginPath();
    ctx.moveTo(x, AXIS_H - 3);
    ctx.lineTo(x, AXIS_H);
    ctx.stroke();
  }

  const w = base.pxPerOffset;

  rows.forEach((row, index) => {
    if (frame.shownRows && (index < frame.shownRows.first || index > frame.shownRows.last)) return;
    const v = row.shift === 0 ? base : { ...base, start: base.start + row.shift };
    const { from: visFrom, to: visTo } = visibleOffsets(v);
    const top = rowTop(index);
    const cellTop = top + CELL_Y;
    // Row divider.
    ctx.strokeStyle = colours.border;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(0, top + ROW_H - 0.5);
    ctx.lineTo(width, top + ROW_H - 0.5);
    ctx.stroke();

    const xStart = offsetToX(v, row.logStartOffset);
    const xHw = offsetToX(v, row.highWatermark);
    const xLeo = offsetToX(v, row.logEndOffset);

    // Before the log start offset: deleted by retention (or DeleteRecords).
    if (row.logStartOffset > 0 && xStart > 0) {
      const x0 = Math.max(0, offsetToX(v, 0));
      hatch(ctx, x0, cellTop, Math.min(width, xStart) - x0, CELL_H, colours.hatch);
      if (xStart - x0 > 150) {
        ctx.font = `12px ${SANS}`;
        ctx.fillStyle = colours.text2;
        ctx.textAlign = "center";
        ctx.textBaseline = "middle";
        const mid = (Math.max(0, x0) + Math.min(width, xStart)) / 2;
        const label = "deleted by retention";
        const tw = ctx.measureText(label).width + 10;
        ctx.fillStyle = colours.surface;
        ctx.fillRect(mid - tw / 2, cellTop + CELL_H / 2 - 9, tw, 18);
        ctx.fillStyle = colours.text2;
        ctx.fillText(label, mid, cellTop + CELL_H / 2);
      }
    }

    // The track of retained offsets.
    ctx.fillStyle = colours.surface2;
    ctx.fillRect(Math.max(0, xStart), cellTop, Math.max(0, Math.min(width, xLeo) - Math.max(0, xStart)), CELL_H);

    if (mode === "density") {
      // Records per pixel column: the retained, committed offsets. Compacted stretches
      // are lighter: the cleaner left gaps there that this zoom cannot count.
      const x0 = Math.max(0, xStart);
      const x1 = Math.min(width, xHw);
      if (x1 > x0) {
        ctx.fillStyle = colours.accent;
        ctx.globalAlpha = 0.55;
        ctx.fillRect(x0, cellTop + 4, x1 - x0, CELL_H - 8);
        ctx.globalAlpha = 1;
      }
    } else {
      const from = Math.max(visFrom, row.logStartOffset);
      const to = Math.min(visTo, row.logEndOffset);
      const win = row.window;
      for (let o = from; o < to; o++) {
        const x = offsetToX(v, o);
        const cell = win?.cells.get(o);
        if (cell) {
          let alpha = 1;
          let dx = 0;
          if (cell.appearedAt > 0 && !frame.reducedMotion) {
            const t = Math.min(1, (frame.now - cell.appearedAt) / APPEAR_MS);
            alpha = 0.25 + 0.75 * t;
            dx = (1 - t) * Math.min(16, w * 0.5);
          }
          drawCell(ctx, frame, cell, x + dx, cellTop, w, alpha, colours);
          if (cell.appearedAt > 0 && frame.reducedMotion && frame.now - cell.appearedAt < 1200) {
            ctx.strokeStyle = colours.text;
            ctx.lineWidth = 2;
            ctx.strokeRect(x + 1, cellTop - 2, w - 2, CELL_H + 4);
          }
        } else if (!win || o < win.from || o >= win.to) {
          // Not fetched yet: a placeholder that still shows the offset exists.
          ctx.fillStyle = colours.border;
          ctx.globalAlpha = 0.5;
          ctx.fillRect(x + (w >= 6 ? 1 : 0), cellTop + 8, Math.max(1, w - 2), CELL_H - 16);
          ctx.globalAlpha = 1;
        } else if (w >= 8) {
          // A gap: the cleaner removed this offset. Offsets never move.
          ctx.fillStyle = colours.border;
          ctx.beginPath();
          ctx.arc(x + w / 2, cellTop + CELL_H / 2, 1.5, 0, Math.PI * 2);
          ctx.fill();
        }
      }
      // Records the cleaner just removed, fading (or highlighted, with reduced motion).
      for (const f of row.fading) {
        const t = (frame.now - f.started) / FADE_MS;
        if (t >= 1) continue;
        const x = offsetToX(v, f.cell.offset);
        if (x + w < 0 || x > width) continue;
        if (frame.reducedMotion) {
          drawCell(ctx, frame, f.cell, x, cellTop, w, 0.35, colours);
          ctx.strokeStyle = colours.warn;
          ctx.lineWidth = 2;
          ctx.strokeRect(x + 1, cellTop + 1, w - 2, CELL_H - 2);
        } else {
          const shrink = t * CELL_H * 0.5;
          ctx.save();
          ctx.beginPath();
          ctx.rect(x, cellTop + shrink, w, CELL_H - 2 * shrink);
          ctx.clip();
          drawCell(ctx, frame, f.cell, x, cellTop, w, 1 - t, colours);
          ctx.restore();
        }
      }
      // Offsets under the cells, as many as fit.
      if (mode === "labelled") {
        ctx.font = `12px ${MONO}`;
        ctx.fillStyle = colours.text2;
        ctx.textAlign = "center";
        ctx.textBaseline = "top";
        const digits = String(Math.max(1, to)).length;
        const every = Math.max(1, Math.ceil((digits * 7.5 + 6) / w));
        for (let o = from; o < to; o++) {
          if (o % every !== 0) continue;
          if (win && o >= win.from && o < win.to && !win.cells.has(o)) continue;
          ctx.fillText(String(o), offsetToX(v, o) + w / 2, top + LABEL_Y);
        }
      }
    }

    // Records above the high watermark: appended, not yet committed.
    if (xLeo > xHw) {
      ctx.strokeStyle = colours.text2;
      ctx.setLineDash([2, 3]);
      ctx.strokeRect(xHw + 0.5, cellTop + 0.5, xLeo - xHw - 1, CELL_H - 1);
      ctx.setLineDash([]);
    }

    // Segments: boundaries labelled with the base offset; the active one dashed.
    ctx.font = `12px ${MONO}`;
    for (const s of row.segments) {
      const x = offsetToX(v, s.baseOffset);
      const end = s.isActive ? Math.max(row.logEndOffset, s.baseOffset + 1) : s.nextOffset;
      const xe = offsetToX(v, end);
      if (xe < 0 || x > width) continue;
      if (s.isActive) {
        ctx.strokeStyle = colours.text;
        ctx.lineWidth = 1.5;
        ctx.setLineDash([5, 4]);
        ctx.strokeRect(Math.max(-2, x) + 0.5, cellTop - 3.5, Math.min(width + 4, xe) - Math.max(-2, x) - 1, CELL_H + 7);
        ctx.setLineDash([]);
      }
      if (x >= 0 && x <= width) {
        ctx.fillStyle = colours.text;
        ctx.fillRect(x - 1.5, cellTop - 6, 3, CELL_H + 12);
        const label = `base ${s.baseOffset}`;
        ctx.textBaseline = "top";
        const tw = ctx.measureText(label).width;
        if (xe - x > tw + 60 || s.isActive || w >= 20) {
          // Right of the boundary, else left of it, wherever the HW flag leaves room.
          const flagW = 150;
          const hwX = Math.min(width - 1, Math.max(1, xHw));
          const clear = (a: number, b: number) => b < hwX - flagW || a > hwX + 2;
          ctx.fillStyle = colours.text2;
          if (clear(x + 4, x + 4 + tw) && x + 4 + tw <= width) {
            ctx.textAlign = "left";
            ctx.fillText(label, x + 4, top + 3);
          } else if (clear(x - 4 - tw, x - 4) && x - 4 - tw >= 0) {
            ctx.textAlign = "right";
            ctx.fillText(label, x - 4, top + 3);
          }
        }
      }
    }

    // Flags: the high watermark and the log end offset.
    if (xHw >= -40) {
      const same = row.highWatermark === row.logEndOffset;
      // Beyond the right edge (the tape lags the live log end by a frame or two): say so.
      const beyond = xHw > width + 1 ? " →" : "";
      flag(ctx, Math.min(width - 1, Math.max(1, xHw)), top + 2, cellTop + CELL_H, `${same ? `HW = LEO ${row.highWatermark}` : `HW ${row.highWatermark}`}${beyond}`, colours.accent, "right");
      if (!same && xLeo >= 0 && xLeo <= width) flag(ctx, xLeo, top + 2, cellTop + CELL_H, `LEO ${row.logEndOffset}`, colours.text2, "left");
    }

    // Consumer groups: committed (filled) and position (hollow), lag to the HW. Groups
    // often stand at the same offsets, so their lag labels are laid out side by side, under
    // the marks.
    if (row.markers.length > 0) {
      ctx.font = `600 12px ${SANS}`;
      ctx.textAlign = "left";
      ctx.textBaseline = "top";
      const labels: Array<{ text: string; colour: string; mid: number; width: number }> = [];
      for (const m of row.markers) {
        const lag = row.highWatermark - m.committed;
        if (lag <= 0) continue;
        const text = `${m.groupId} lag ${lag}`;
        labels.push({ text, colour: groupColour(m.groupId), mid: (Math.max(0, offsetToX(v, m.committed)) + Math.min(width, xHw)) / 2, width: ctx.measureText(text).width });
      }
      const xs = spreadLabels(labels, 4, width - 4);
      labels.forEach((l, i) => {
        ctx.fillStyle = l.colour;
        ctx.fillText(l.text, xs[i]!, top + MARKER_Y);
      });
    }
    row.markers.forEach((m, i) => {
      const colour = groupColour(m.groupId);
      const y = top + MARKER_Y + i * 2;
      const xc = offsetToX(v, m.committed);
      const xp = offsetToX(v, m.position);
      if (row.highWatermark - m.committed > 0) {
        ctx.strokeStyle = colour;
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.moveTo(xc, y + 5);
        ctx.lineTo(xc, y + 14);
        ctx.lineTo(xHw, y + 14);
        ctx.lineTo(xHw, y + 5);
        ctx.stroke();
      }
      triangle(ctx, xc, y, colour, true);
      if (m.position !== m.committed) triangle(ctx, xp, y, colour, false);
    });

    // Selection and hover.
    for (const [mark, style] of [
      [frame.hover, colours.text2],
      [frame.selected, colours.text],
    ] as const) {
      if (!mark || mark.partition !== row.partition || mode === "density") continue;
      const x = offsetToX(v, mark.offset);
      ctx.strokeStyle = style;
      ctx.lineWidth = mark === frame.selected ? 3 : 1.5;
      ctx.strokeRect(x - 1, cellTop - 2, Math.max(3, w) + 2, CELL_H + 4);
    }
  });
}
