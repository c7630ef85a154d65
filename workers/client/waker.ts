/**
 * Wakes a waiting run loop early: a consumer waiting for data (or for an assignment) must
 * look again at once when its partitions change, a seek or a resume happens, or it stops.
 * Wakes are counted, so one that comes between the loop's last look and its next wait is
 * not lost.
 */
import type { Scheduler } from "../runtime/scheduler";

export class Waker {
  private count = 0;
  private readonly waiting = new Set<() => void>();

  /** The number of wakes so far; pass it to {@link until} to catch wakes that came since. */
  get generation(): number {
    return this.count;
  }

  wake(): void {
    this.count++;
    for (const resolve of [...this.waiting]) resolve();
    this.waiting.clear();
  }

  /** Resolves at the next wake, or at once if one came after `since`. */
  until(since: number): Promise<void> {
    if (this.count !== since) return Promise.resolve();
    return new Promise((resolve) => this.waiting.add(resolve));
  }

  /** Waits `ms` on the scheduler, or less if woken. */
  async sleep(scheduler: Scheduler, ms: number, since: number): Promise<void> {
    if (this.count !== since) return;
    let cancel = () => {};
    const timer = new Promise<void>((resolve) => {
      cancel = scheduler.at(scheduler.clock.now() + ms, resolve);
    });
    try {
      await Promise.race([timer, this.until(since)]);
    } finally {
      cancel();
    }
  }
}
