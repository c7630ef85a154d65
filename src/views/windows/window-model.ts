/**
 * What the windows view draws for one windowed aggregation, folded from the application's
 * events and from the records of the aggregation's input topic:
 *
 * - bands: one per (key, window), with its latest aggregate, open or closed;
 * - dots: the input records at their event time, marked out-of-order (behind the
 *   partition's latest timestamp, still counted) or dropped (past the window's grace);
 * - stream time (the largest timestamp seen) and the grace period, learned from the
 *   events (closeTime = stream time − grace);
 * - session merges, so the view can animate the old sessions into the new one.
 *
 * Pure data; the canvas in windows-canvas.ts draws it. Bounded: everything older than
 * the horizon behind stream time is pruned, and keys beyond `maxKeys` are not drawn.
 */
import type { StreamsEvent, WindowBounds } from "../../engine-client/workbench-types";

export type WindowKind = "tumbling" | "hopping" | "sliding" | "session" | "unknown";

export interface Band {
  id: string;
  key: string;
  start: number;
  end: number;
  value: unknown;
  updates: number;
  /** Wall time (ms) of the last update, for a brief highlight. */
  updatedAt: number;
  closed: boolean;
}

export type DotStatus = "on-time" | "out-of-order" | "dropped";

export interface Dot {
  id: string;
  key: string;
  timestamp: number;
  partition: number;
  offset: number;
  status: DotStatus;
  /** How far behind stream time it was when dropped. */
  behindMs: number | null;
  /** Wall time it arrived, for the drop-in animation. */
  arrivedAt: number;
}

export interface Merge {
  key: string;
  from: WindowBounds[];
  into: WindowBounds;
  at: number;
}

export interface InputRecord {
  key: string | null;
  timestamp: number;
  partition: number;
  offset: number;
}

/** A key as the view prints it: strings as they are, anything else as JSON. */
export function keyText(key: unknown): string {
  if (typeof key === "string") return key;
  if (key === null || key === undefined) return "null";
  try {
    return JSON.stringify(key);
  } catch {
    return String(key);
  }
}

/** An aggregate as the view prints it, short. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toFixed(2);
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 24 ? `${text.slice(0, 23)}…` : text;
}

/**
 * Rows for a key's bands so that overlapping windows never share one (hopping and
 * sliding windows stack, tumbling and session windows stay in one row). Greedy interval
 * partitioning by start: optimal, and stable for bands that keep their start.
 */
export function layoutRows(bands: ReadonlyArray<{ id: string; start: number; end: number }>): { row: Record<string, number>; rows: number } {
  const sorted = [...bands].sort((a, b) => a.start - b.start || a.end - b.end || (a.id < b.id ? -1 : 1));
  const rowEnds: number[] = [];
  const row: Record<string, number> = {};
  for (const b of sorted) {
    let r = rowEnds.findIndex((end) => end <= b.start);
    if (r < 0) {
      r = rowEnds.length;
      rowEnds.push(b.end);
    } else rowEnds[r] = b.end;
    row[b.id] = r;
  }
  return { row, rows: Math.max(1, rowEnds.length) };
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return Math.abs(a);
}

/** What kind of windows these are, from their bounds alone. */
export function inferKind(bands: ReadonlyArray<{ key: string; start: number; end: number }>, sawMerge: boolean): { kind: WindowKind; sizeMs: number | null; advanceMs: number | null } {
  if (sawMerge) return { kind: "session", sizeMs: null, advanceMs: null };
  if (bands.length === 0) return { kind: "unknown", sizeMs: null, advanceMs: null };
  const sizes = new Set(bands.map((b) => b.end - b.start));
  if (sizes.size > 1) return { kind: "session", sizeMs: null, advanceMs: null };
  const size = [...sizes][0]!;
  let overlapping = false;
  const byKey = new Map<string, number[]>();
  for (const b of bands) {
    let starts = byKey.get(b.key);
    if (!starts) byKey.set(b.key, (starts = []));
    starts.push(b.start);
  }
  let step = 0;
  for (const starts of byKey.values()) {
    const sorted = [...new Set(starts)].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) {
      const d = sorted[i]! - sorted[i - 1]!;
      if (d < size) overlapping = true;
      step = gcd(step, d);
    }
  }
  if (!overlapping) return { kind: size === 0 ? "session" : "tumbling", sizeMs: size, advanceMs: size };
  const aligned = step > 0 && size % step === 0 && bands.every((b) => b.start % step === 0);
  return aligned ? { kind: "hopping", sizeMs: size, advanceMs: step } : { kind: "sliding", sizeMs: size, advanceMs: null };
}

export class WindowsModel {
  private readonly bandMap = new Map<string, Band>();
  private dotList: Dot[] = [];
  private mergeList: Merge[] = [];
  private readonly taskStreamTime = new Map<string, number>();
  private readonly partitionMax = new Map<number, number>();
  private readonly keyRecency = new Map<string, number>();
  private sawMerge = false;
  private recency = 0;
  /**
   * Bumped whenever bands, key recency or merges change: what is derived from them (the
   * band list, the kind, the keys by recency) is kept until then, since the canvas asks
   * for all three every frame and records usually arrive a few times a second at most
   * per frame.
   */
  private version = 0;
  private dotsAdded = 0;
  private derived: { version: number; bands?: Band[]; kind?: ReturnType<typeof inferKind>; keys?: { max: number; list: string[] } } = { version: -1 };
  /** Late records dropped (each once, however many windows refused it). */
  lateDropped = 0;
  graceMs: number | null = null;
  private lastLate = "";

  constructor(
    readonly node: string,
    /** How much event time behind stream time is kept. */
    readonly horizonMs = 120_000,
    readonly maxDots = 800,
  ) {}

  get streamTime(): number {
    let max = -Infinity;
    for (const t of this.taskStreamTime.values()) max = Math.max(max, t);
    return max;
  }

  private touchKey(key: string): void {
    this.keyRecency.set(key, ++this.recency);
  }

  private bandId(key: string, w: WindowBounds): string {
    return `${key}\u0000${w.start}\u0000${w.end}`;
  }

  private advanceTask(taskId: string, time: number): void {
    this.taskStreamTime.set(taskId, Math.max(this.taskStreamTime.get(taskId) ?? -Infinity, time));
  }

  /** Fold one event of the application (events of other nodes are ignored). */
  applyEvent(e: StreamsEvent, now: number): void {
    if (!("node" in e) || e.node !== this.node) return;
    this.version++;
    switch (e.type) {
      case "window-update": {
        const key = keyText(e.key);
        this.advanceTask(e.taskId, e.timestamp);
        const id = this.bandId(key, e.window);
        const band = this.bandMap.get(id);
        if (band) {
          band.value = e.value;
          band.updates++;
          band.updatedAt = now;
        } else {
          this.bandMap.set(id, { id, key, start: e.window.start, end: e.window.end, value: e.value, updates: 1, updatedAt: now, closed: false });
        }
        this.touchKey(key);
        break;
      }
      case "window-closed": {
        const key = keyText(e.key);
        const band = this.bandMap.get(this.bandId(key, e.window));
        if (band) {
          band.closed = true;
          band.value = e.value;
        }
        const st = this.taskStreamTime.get(e.taskId);
        if (st !== undefined && this.graceMs === null) this.graceMs = Math.max(0, st - e.closeTime);
        break;
      }
      case "late-record-dropped": {
        const key = keyText(e.key);
        this.advanceTask(e.taskId, e.streamTime);
        this.graceMs = Math.max(0, e.streamTime - e.closeTime);
        // One record refused by several (hopping) windows is one drop.
        const id = `${e.taskId}\u0000${key}\u0000${e.timestamp}`;
        if (id !== this.lastLate) {
          this.lateDropped++;
          this.lastLate = id;
          const dot = [...this.dotList].reverse().find((d) => d.key === key && d.timestamp === e.timestamp && d.status !== "dropped");
          if (dot) {
            dot.status = "dropped";
            dot.behindMs = e.streamTime - e.timestamp;
          } else {
            this.pushDot({ id: `late-${this.lateDropped}-${id}`, key, timestamp: e.timestamp, partition: -1, offset: -1, status: "dropped", behindMs: e.streamTime - e.timestamp, arrivedAt: now });
          }
        }
        this.touchKey(key);
        break;
      }
      case "session-merged": {
        const key = keyText(e.key);
        this.sawMerge = true;
        for (const w of e.merged) this.bandMap.delete(this.bandId(key, w));
        this.mergeList.push({ key, from: e.merged.map((w) => ({ ...w })), into: { ...e.into }, at: now });
        if (this.mergeList.length > 50) this.mergeList.splice(0, this.mergeList.length - 50);
        break;
      }
      default:
        break;
    }
  }

  /** A record of the aggregation's input topic, read from the log. */
  addRecord(r: InputRecord, now: number): void {
    if (r.key === null) return;
    const max = this.partitionMax.get(r.partition) ?? -Infinity;
    const status: DotStatus = r.timestamp < max ? "out-of-order" : "on-time";
    this.partitionMax.set(r.partition, Math.max(max, r.timestamp));
    this.pushDot({ id: `${r.partition}-${r.offset}`, key: r.key, timestamp: r.timestamp, partition: r.partition, offset: r.offset, status, behindMs: null, arrivedAt: now });
  }

  private pushDot(d: Dot): void {
    this.dotsAdded++;
    this.dotList.push(d);
    if (this.dotList.length > this.maxDots) this.dotList.splice(0, this.dotList.length - this.maxDots);
  }

  /** Forget what lies more than the horizon behind stream time. */
  prune(): void {
    const from = this.streamTime - this.horizonMs;
    if (!Number.isFinite(from)) return;
    let removed = false;
    for (const [id, b] of this.bandMap) {
      if (b.end < from) {
        this.bandMap.delete(id);
        removed = true;
      }
    }
    if (this.dotList.some((d) => d.timestamp < from)) this.dotList = this.dotList.filter((d) => d.timestamp >= from);
    if (!removed) return;
    this.version++;
    // Keys with nothing left to draw are forgotten too: with many distinct keys (users,
    // sessions) they would pile up for as long as the page is open.
    const live = new Set<string>();
    for (const b of this.bandMap.values()) live.add(b.key);
    for (const d of this.dotList) live.add(d.key);
    for (const key of this.keyRecency.keys()) if (!live.has(key)) this.keyRecency.delete(key);
  }

  /** Changes whenever anything drawn changes (bands, keys, merges, dots): a canvas redraws when it moves. */
  get revision(): number {
    return this.version + this.dotsAdded;
  }

  private fresh(): typeof this.derived {
    if (this.derived.version !== this.version) this.derived = { version: this.version };
    return this.derived;
  }

  /** Every band, in the order they were first seen. The array is shared: do not change it. */
  bands(): Band[] {
    const d = this.fresh();
    return (d.bands ??= [...this.bandMap.values()]);
  }

  dots(): readonly Dot[] {
    return this.dotList;
  }

  merges(): readonly Merge[] {
    return this.mergeList;
  }

  /** Keys most recently updated first, at most `max`. */
  keys(max: number): string[] {
    const d = this.fresh();
    if (d.keys?.max !== max) {
      d.keys = {
        max,
        list: [...this.keyRecency.entries()]
          .sort((a, b) => b[1] - a[1])
          .slice(0, max)
          .map(([k]) => k),
      };
    }
    return d.keys.list;
  }

  kind(): { kind: WindowKind; sizeMs: number | null; advanceMs: number | null } {
    const d = this.fresh();
    return (d.kind ??= inferKind(this.bands(), this.sawMerge));
  }
}
