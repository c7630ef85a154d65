import type { Clock } from "./clock";
import { VirtualClock } from "./clock";

export type Cancel = () => void;

/**
 * Deferred work on the engine's clock: retention checks, linger timers, session timeouts,
 * punctuations. Engine code asks the scheduler; it never calls a bare timer.
 */
export interface Scheduler {
  readonly clock: Clock;
  /** Run `task` once the clock reaches `time` (immediately on the next drive if already past). */
  at(time: number, task: () => void): Cancel;
  /** Run `task` every `intervalMs`, first at now + intervalMs. */
  every(intervalMs: number, task: () => void): Cancel;
}

interface Timer {
  time: number;
  seq: number;
  task: () => void;
  cancelled: boolean;
}

/**
 * A scheduler whose time moves only through {@link advance}: due tasks run in time order,
 * with the clock set to each task's due time while it runs, so a run is reproducible.
 */
export class VirtualScheduler implements Scheduler {
  readonly clock: VirtualClock;
  private timers: Timer[] = [];
  private seq = 0;

  constructor(clock: VirtualClock = new VirtualClock()) {
    this.clock = clock;
  }

  at(time: number, task: () => void): Cancel {
    const timer: Timer = { time, seq: this.seq++, task, cancelled: false };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  every(intervalMs: number, task: () => void): Cancel {
    if (!(intervalMs > 0)) throw new RangeError(`interval must be positive, got ${intervalMs}`);
    let cancel: Cancel = () => {};
    let stopped = false;
    const arm = (from: number) => {
      cancel = this.at(from + intervalMs, () => {
        if (stopped) return;
        arm(from + intervalMs);
        task();
      });
    };
    arm(this.clock.now());
    return () => {
      stopped = true;
      cancel();
    };
  }

  /** Earliest pending due time, or undefined when nothing is scheduled. */
  nextDue(): number | undefined {
    let next: number | undefined;
    for (const t of this.timers) if (!t.cancelled && (next === undefined || t.time < next)) next = t.time;
    return next;
  }

  /** Run every task due at or before now. */
  runDue(): number {
    return this.runUntil(this.clock.now());
  }

  /** Move the clock forward by `ms`, running every task that falls due on the way. */
  advance(ms: number): number {
    if (!(ms >= 0)) throw new RangeError(`cannot advance by ${ms} ms`);
    return this.runUntil(this.clock.now() + ms);
  }

  private runUntil(target: number): number {
    let ran = 0;
    for (;;) {
      const due = this.popEarliest(target);
      if (!due) break;
      if (due.time > this.clock.now()) this.clock.set(due.time);
      due.task();
      ran++;
    }
    if (target > this.clock.now()) this.clock.set(target);
    return ran;
  }

  private popEarliest(limit: number): Timer | undefined {
    this.timers = this.timers.filter((t) => !t.cancelled);
    let bestIdx = -1;
    for (let i = 0; i < this.timers.length; i++) {
      const t = this.timers[i]!;
      if (t.time > limit) continue;
      const b = bestIdx < 0 ? undefined : this.timers[bestIdx]!;
      if (!b || t.time < b.time || (t.time === b.time && t.seq < b.seq)) bestIdx = i;
    }
    if (bestIdx < 0) return undefined;
    return this.timers.splice(bestIdx, 1)[0];
  }
}
