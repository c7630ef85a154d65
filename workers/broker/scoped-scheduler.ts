import type { Cancel, Scheduler } from "../runtime/scheduler";

/**
 * A view of the engine's scheduler for one component that can be switched off as a whole:
 * when a broker shuts down, the timers its group coordinator left behind (session timeouts,
 * rebalance delays) must not fire into a coordinator nobody talks to any more, while the
 * scheduler itself lives on for the next broker.
 */
export class ScopedScheduler implements Scheduler {
  private readonly live = new Set<Cancel>();
  private closed = false;

  constructor(private readonly inner: Scheduler) {}

  get clock() {
    return this.inner.clock;
  }

  at(time: number, task: () => void): Cancel {
    if (this.closed) return () => {};
    const cancel: Cancel = this.inner.at(time, () => {
      this.live.delete(cancel);
      if (!this.closed) task();
    });
    this.live.add(cancel);
    return () => {
      this.live.delete(cancel);
      cancel();
    };
  }

  every(intervalMs: number, task: () => void): Cancel {
    if (this.closed) return () => {};
    const cancel = this.inner.every(intervalMs, () => {
      if (!this.closed) task();
    });
    this.live.add(cancel);
    return () => {
      this.live.delete(cancel);
      cancel();
    };
  }

  /** Cancels every timer still pending; later requests are ignored. */
  close(): void {
    this.closed = true;
    for (const cancel of this.live) cancel();
    this.live.clear();
  }
}
