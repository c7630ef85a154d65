/**
 * Windows and windowed keys. Methods rather than fields so that Kafka Streams code
 * (`windowed.key()`, `windowed.window().start()`) translates line by line.
 */
export abstract class Window {
  protected constructor(
    protected readonly startMs: number,
    protected readonly endMs: number,
  ) {}

  start(): number {
    return this.startMs;
  }

  end(): number {
    return this.endMs;
  }

  /** Whether the two windows share any point in time (each window type defines its bounds). */
  abstract overlap(other: Window): boolean;

  equals(other: unknown): boolean {
    return (
      other instanceof Window &&
      other.constructor === this.constructor &&
      other.startMs === this.startMs &&
      other.endMs === this.endMs
    );
  }

  toString(): string {
    return `Window{startMs=${this.startMs}, endMs=${this.endMs}}`;
  }
}

/** A tumbling or hopping window: [start, end), end exclusive. */
export class TimeWindow extends Window {
  constructor(startMs: number, endMs: number) {
    if (endMs <= startMs) {
      throw new RangeError(`Window endMs time cannot be smaller than or equal to window startMs time. startMs=${startMs} endMs=${endMs}`);
    }
    super(startMs, endMs);
  }

  overlap(other: Window): boolean {
    return this.startMs < other.end() && other.start() < this.endMs;
  }
}

/** A session window, or a sliding window: [start, end], both inclusive. */
export class SessionWindow extends Window {
  constructor(startMs: number, endMs: number) {
    if (endMs < startMs) {
      throw new RangeError(`Window endMs time cannot be smaller than window startMs time. startMs=${startMs} endMs=${endMs}`);
    }
    super(startMs, endMs);
  }

  overlap(other: Window): boolean {
    return !(other.end() < this.startMs || this.endMs < other.start());
  }
}

/**
 * A sliding window: [start, end], both inclusive, like a session window, but keyed and
 * serialized like a time window (key + start), as Kafka's sliding aggregates are.
 */
export class SlidingWindow extends Window {
  constructor(startMs: number, endMs: number) {
    if (endMs < startMs) {
      throw new RangeError(`Window endMs time cannot be smaller than window startMs time. startMs=${startMs} endMs=${endMs}`);
    }
    super(startMs, endMs);
  }

  overlap(other: Window): boolean {
    return !(other.end() < this.startMs || this.endMs < other.start());
  }
}

export class Windowed<K> {
  constructor(
    private readonly k: K,
    private readonly w: Window,
  ) {}

  key(): K {
    return this.k;
  }

  window(): Window {
    return this.w;
  }

  equals(other: unknown): boolean {
    return other instanceof Windowed && this.w.equals(other.w) && sameKey(this.k, other.k);
  }

  toString(): string {
    return `[${String(this.k)}@${this.w.start()}/${this.w.end()}]`;
  }

  /** The shape the runner prints: `{"key":K,"window":{"start":ms,"end":ms}}`. */
  toJSON(): { key: K; window: { start: number; end: number } } {
    return { key: this.k, window: { start: this.w.start(), end: this.w.end() } };
  }
}

function sameKey(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return JSON.stringify(a) === JSON.stringify(b);
}

export function isWindowed(x: unknown): x is Windowed<unknown> {
  return x instanceof Windowed;
}
