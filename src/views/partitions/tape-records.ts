/**
 * The records the tape shows, fetched from the broker by visible range only (DESIGN.md
 * seam 4): one cached window of offsets per partition, extended as records are appended
 * at the tail and replaced when the view moves elsewhere. Cells are small objects with the
 * key, its colour and a value preview; the full record is read again by the inspector.
 */
import type { BrokerClient, RecordView } from "../../engine-client/broker-client";
import { keyColour } from "../../app/key-colours";
import { MAX_FETCH_PER_PARTITION } from "./tape-geometry";

export interface TapeCell {
  offset: number;
  key: string | null;
  colour: string;
  tombstone: boolean;
  /** "COMMIT" / "ABORT" for a transaction marker. */
  control: string | null;
  preview: string;
  timestamp: number;
  /** Animation time it first appeared at the tail, for the slide-in; 0 if loaded with the view. */
  appearedAt: number;
}

export interface PartitionWindow {
  /** The fetched offsets [from, to): an offset in it without a cell is a gap (compacted away). */
  from: number;
  to: number;
  cells: Map<number, TapeCell>;
  /** When the newest cells appeared (animation time), 0 if none slid in. */
  latestAppearedAt: number;
}

const PREVIEW_CHARS = 80;

export function cellOf(r: RecordView, appearedAt: number): TapeCell {
  const value = r.value;
  return {
    offset: r.offset,
    key: r.key,
    colour: keyColour(r.key),
    tombstone: r.value === null && r.control === null,
    control: r.control,
    preview: value === null ? "null" : value.length > PREVIEW_CHARS ? `${value.slice(0, PREVIEW_CHARS)}…` : value,
    timestamp: r.timestamp,
    appearedAt,
  };
}

/**
 * While records stream in at the tail, a partition's window grows at most this often (wall
 * ms). Each growth is a read in the broker's thread, which also produces the records: at a
 * read per partition per frame, the tape alone took most of what the generators could
 * produce. Ten a second still moves the tail on before the eye can read a cell.
 */
export const TAIL_INTERVAL_MS = 100;

export class TapeRecords {
  private readonly windows = new Map<number, PartitionWindow>();
  private readonly inflight = new Set<number>();
  private readonly wanted = new Map<number, { from: number; to: number; tail: boolean }>();
  private readonly lastTailRead = new Map<number, number>();
  private generation = 0;

  constructor(
    private readonly client: () => BrokerClient | undefined,
    readonly topic: string,
    private readonly onChange: () => void,
    /** The tape's animation clock, which stands still while the engine is paused. */
    private readonly animationNow: () => number,
    private readonly wallNow: () => number = () => performance.now(),
  ) {}

  window(partition: number): PartitionWindow | undefined {
    return this.windows.get(partition);
  }

  /** Forget everything (the log changed under the cache: compaction, retention, a reset). */
  invalidate(partition?: number): void {
    this.generation++;
    if (partition === undefined) this.windows.clear();
    else this.windows.delete(partition);
  }

  /**
   * Make sure [from, to) is fetched. `tail`: the view follows the log end, so `to` is the
   * high watermark and records beyond the window are new (they slide in); such growth is
   * read at most every {@link TAIL_INTERVAL_MS}.
   */
  ensure(partition: number, from: number, to: number, tail = false): void {
    // Never more than a view's worth: a window far behind the tail is replaced, not extended.
    if (to - from > MAX_FETCH_PER_PARTITION) from = to - MAX_FETCH_PER_PARTITION;
    const w = this.windows.get(partition);
    if (w && w.from <= from && w.to >= to) return;
    if (this.inflight.has(partition)) {
      this.wanted.set(partition, { from, to, tail });
      return;
    }
    if (tail) {
      const now = this.wallNow();
      // A window the tail ran ahead of can wait (however far ahead it ran); a first read, or
      // one reaching further back than the window (a zoom out), cannot.
      if (w && w.from <= from && now - (this.lastTailRead.get(partition) ?? -Infinity) < TAIL_INTERVAL_MS) return;
      this.lastTailRead.set(partition, now);
    }
    void this.fetch(partition, from, to);
  }

  private async fetch(partition: number, from: number, to: number): Promise<void> {
    const c = this.client();
    if (!c) return;
    this.inflight.add(partition);
    const generation = this.generation;
    try {
      const existing = this.windows.get(partition);
      // Extending at the tail keeps what is there and marks the new records as appearing
      // now (they slide in). When more arrived than the window holds, the ones in between
      // would scroll by unseen, so only the window is read; the whole view is new then and
      // is shown at once: sliding in a screenful of cells ten times a second shows nothing
      // but motion, and would redraw the tape every frame for it.
      const extending =
        existing !== undefined && from >= existing.from && from <= existing.to && to > existing.to && to - existing.to <= to - from && to - existing.from <= 3 * MAX_FETCH_PER_PARTITION;
      const start = extending ? existing.to : from;
      const now = Math.max(1, this.animationNow());
      const cells = extending ? existing.cells : new Map<number, TapeCell>();
      let next = start;
      while (next < to) {
        const range = await c.api.readRange(this.topic, partition, next, to - next);
        for (const r of range.records) if (r.offset < to) cells.set(r.offset, cellOf(r, extending ? now : 0));
        if (range.records.length === 0 || range.nextOffset <= next) {
          // Nothing more below the high watermark: the window ends where the log does.
          to = Math.min(to, Math.max(next, range.highWatermark));
          break;
        }
        next = range.nextOffset;
      }
      if (generation !== this.generation) return;
      if (extending) {
        existing.to = Math.max(existing.to, to);
        existing.latestAppearedAt = now;
        // Keep the cache bounded while the tail runs away: drop what scrolled far off.
        if (existing.to - existing.from > 3 * (to - from)) {
          const keepFrom = existing.to - 2 * (to - from);
          for (const o of existing.cells.keys()) if (o < keepFrom) existing.cells.delete(o);
          existing.from = keepFrom;
        }
      } else {
        this.windows.set(partition, { from: start, to, cells, latestAppearedAt: 0 });
      }
      this.onChange();
    } catch {
      // The topic went away or the broker restarted: the next frame asks again.
    } finally {
      this.inflight.delete(partition);
      const again = this.wanted.get(partition);
      if (again) {
        this.wanted.delete(partition);
        this.ensure(partition, again.from, again.to, again.tail);
      }
    }
  }
}
