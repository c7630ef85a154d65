import { IllegalArgumentException } from "../errors";

/**
 * Sliding windows (KIP-450): windows [start, start + timeDifference], both inclusive,
 * that exist only where records are: each record's left window [t - d, t] and, once a
 * later record falls into it, its right window [t + 1, t + 1 + d].
 */
export class SlidingWindows {
  private constructor(
    private readonly differenceMs: number,
    private readonly graceMs: number,
  ) {
    if (!Number.isInteger(differenceMs) || differenceMs < 0) throw new IllegalArgumentException("Window time difference must not be negative.");
    if (!Number.isInteger(graceMs) || graceMs < 0) throw new IllegalArgumentException("Window grace period must not be negative.");
  }

  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): SlidingWindows {
    return new SlidingWindows(timeDifferenceMs, 0);
  }

  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): SlidingWindows {
    return new SlidingWindows(timeDifferenceMs, graceMs);
  }

  timeDifferenceMs(): number {
    return this.differenceMs;
  }

  gracePeriodMs(): number {
    return this.graceMs;
  }

  toString(): string {
    return `SlidingWindows{timeDifferenceMs=${this.differenceMs}, graceMs=${this.graceMs}}`;
  }
}
