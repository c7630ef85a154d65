import { IllegalArgumentException } from "../errors";
import { TimeWindow } from "../windowed";

function checkMillis(what: string, ms: number): number {
  if (!Number.isFinite(ms) || !Number.isInteger(ms)) {
    throw new IllegalArgumentException(`${what} must be an integer number of milliseconds, got ${ms}`);
  }
  return ms;
}

/**
 * Tumbling (advance = size) and hopping (advance < size) windows, aligned to the epoch:
 * window starts are multiples of the advance, each window is [start, start + size).
 */
export class TimeWindows {
  readonly sizeMs: number;
  readonly advanceMs: number;
  private readonly graceMs: number;

  private constructor(sizeMs: number, advanceMs: number, graceMs: number) {
    if (sizeMs <= 0) throw new IllegalArgumentException("Window size (sizeMs) must be larger than zero.");
    if (advanceMs <= 0 || advanceMs > sizeMs) {
      throw new IllegalArgumentException(
        `Window advancement interval should be more than zero and less than window duration which is ${sizeMs} ms, but given advancement interval is: ${advanceMs} ms`,
      );
    }
    if (graceMs < 0) throw new IllegalArgumentException("Grace period must not be negative.");
    this.sizeMs = sizeMs;
    this.advanceMs = advanceMs;
    this.graceMs = graceMs;
  }

  /** Tumbling windows of `sizeMs` that close as soon as stream time passes their end. */
  static ofSizeWithNoGrace(sizeMs: number): TimeWindows {
    return TimeWindows.ofSizeAndGrace(sizeMs, 0);
  }

  /** Tumbling windows of `sizeMs` that accept records up to `graceMs` after their end. */
  static ofSizeAndGrace(sizeMs: number, graceMs: number): TimeWindows {
    const size = checkMillis("size", sizeMs);
    return new TimeWindows(size, size, checkMillis("afterWindowEnd", graceMs));
  }

  /** Hopping windows: same size and grace, a new window every `advanceMs`. */
  advanceBy(advanceMs: number): TimeWindows {
    return new TimeWindows(this.sizeMs, checkMillis("advance", advanceMs), this.graceMs);
  }

  /**
   * Every window containing `timestamp`, by ascending start: the first start is
   * `floor(max(0, ts - size + advance) / advance) * advance`; no window starts below 0.
   */
  windowsFor(timestamp: number): Map<number, TimeWindow> {
    const windows = new Map<number, TimeWindow>();
    let start = Math.floor(Math.max(0, timestamp - this.sizeMs + this.advanceMs) / this.advanceMs) * this.advanceMs;
    while (start <= timestamp) {
      windows.set(start, new TimeWindow(start, start + this.sizeMs));
      start += this.advanceMs;
    }
    return windows;
  }

  size(): number {
    return this.sizeMs;
  }

  gracePeriodMs(): number {
    return this.graceMs;
  }

  toString(): string {
    return `TimeWindows{sizeMs=${this.sizeMs}, advanceMs=${this.advanceMs}, graceMs=${this.graceMs}}`;
  }
}
