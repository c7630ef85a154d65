import { IllegalArgumentException } from "../errors";
import { StreamsException } from "../errors";

const DEPRECATED_DEFAULT_24_HR_GRACE_PERIOD = 24 * 60 * 60 * 1000;

/**
 * The time bounds of a stream-stream join: a left record at t joins right records in
 * [t - before, t + after]. Windows built with `ofTimeDifference*` hold back unmatched
 * left/outer results until their window closes (Kafka 3.1+); the deprecated `of()` keeps
 * the old eager behaviour that emits (left, null) at once.
 */
export class JoinWindows {
  private constructor(
    readonly beforeMs: number,
    readonly afterMs: number,
    private readonly graceMs: number,
    readonly spuriousResultFixEnabled: boolean,
  ) {
    if (beforeMs + afterMs < 0) throw new IllegalArgumentException("Window interval (ie, beforeMs+afterMs) must not be negative.");
    if (graceMs < 0) throw new IllegalArgumentException("Grace period must not be negative.");
  }

  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): JoinWindows {
    return new JoinWindows(timeDifferenceMs, timeDifferenceMs, graceMs, true);
  }

  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): JoinWindows {
    return JoinWindows.ofTimeDifferenceAndGrace(timeDifferenceMs, 0);
  }

  /** @deprecated since Kafka 3.0: grace defaults to max(24h - 2 * difference, 0) and left/outer joins emit spurious (left, null) results. */
  static of(timeDifferenceMs: number): JoinWindows {
    return new JoinWindows(
      timeDifferenceMs,
      timeDifferenceMs,
      Math.max(DEPRECATED_DEFAULT_24_HR_GRACE_PERIOD - timeDifferenceMs * 2, 0),
      false,
    );
  }

  before(timeDifferenceMs: number): JoinWindows {
    return new JoinWindows(timeDifferenceMs, this.afterMs, this.graceMs, this.spuriousResultFixEnabled);
  }

  after(timeDifferenceMs: number): JoinWindows {
    return new JoinWindows(this.beforeMs, timeDifferenceMs, this.graceMs, this.spuriousResultFixEnabled);
  }

  /** @deprecated since Kafka 3.0; only valid on windows built with `of()`. */
  grace(graceMs: number): JoinWindows {
    if (this.spuriousResultFixEnabled) {
      throw new StreamsException("Cannot call grace() after setting grace value via ofTimeDifferenceAndGrace or ofTimeDifferenceWithNoGrace.");
    }
    return new JoinWindows(this.beforeMs, this.afterMs, graceMs, false);
  }

  /** before + after: the span of one join window. */
  size(): number {
    return this.beforeMs + this.afterMs;
  }

  gracePeriodMs(): number {
    return this.graceMs;
  }

  toString(): string {
    return `JoinWindows{beforeMs=${this.beforeMs}, afterMs=${this.afterMs}, graceMs=${this.graceMs}}`;
  }
}
