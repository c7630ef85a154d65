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
 * Timers sit in a binary heap ordered by (time, insertion order): heartbeats of many
 * consumers over simulated days mean hundreds of thousands of timers.
 */
export class VirtualScheduler implements Scheduler {
  readonly clock: VirtualClock;
  private heap: Timer[] = [];
  private seq = 0;

  constructor(clock: VirtualClock = new VirtualClock()) {
    this.clock = clock;
  }

  at(time: number, task: () => void): Cancel {
    const timer: Timer = { time, seq: this.seq++, task, cancelled: false };
    this.push(timer);
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
    this.dropCancelledTop();
    return this.heap[0]?.time;
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
      this.dropCancelledTop();
      const top = this.heap[0];
      if (!top || top.time > target) break;
      this.pop();
      if (top.time > this.clock.now()) this.clock.set(top.time);
      top.task();
      ran++;
    }
    if (target > this.clock.now()) this.clock.set(target);
    return ran;
  }

  private dropCancelledTop(): void {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
  }

  private static before(a: Timer, b: Timer): boolean {
    return a.time < b.time || (a.time === b.time && a.seq < b.seq);
  }

  private push(timer: Timer): void {
    const h = this.heap;
    h.push(timer);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!VirtualScheduler.before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): Timer | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && VirtualScheduler.before(h[l]!, h[m]!)) m = l;
        if (r < h.length && VirtualScheduler.before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
