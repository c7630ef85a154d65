import { IllegalArgumentException } from "../errors";

/**
 * Session windows: per key, records closer than the inactivity gap belong to one session
 * [first, last] (both inclusive); a record can merge (and bridge) existing sessions.
 */
export class SessionWindows {
  private constructor(
    private readonly gapMs: number,
    private readonly graceMs: number,
  ) {
    if (!Number.isInteger(gapMs) || gapMs <= 0) throw new IllegalArgumentException("Gap time cannot be zero or negative.");
    if (!Number.isInteger(graceMs) || graceMs < 0) throw new IllegalArgumentException("Grace period must not be negative.");
  }

  static ofInactivityGapWithNoGrace(inactivityGapMs: number): SessionWindows {
    return new SessionWindows(inactivityGapMs, 0);
  }

  static ofInactivityGapAndGrace(inactivityGapMs: number, graceMs: number): SessionWindows {
    return new SessionWindows(inactivityGapMs, graceMs);
  }

  inactivityGap(): number {
    return this.gapMs;
  }

  gracePeriodMs(): number {
    return this.graceMs;
  }

  toString(): string {
    return `SessionWindows{gapMs=${this.gapMs}, graceMs=${this.graceMs}}`;
  }
}
