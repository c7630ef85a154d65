import type { Cancel, Scheduler } from "../runtime/scheduler";

/**
 * Named timeouts on the engine scheduler, like the coordinator timer Kafka keys by purpose
 * ("heartbeat-<group>-<member>", "join-<group>"): scheduling a key again replaces its timeout.
 * A zero delay fires as soon as the current coordinator operation has finished (through
 * `post`), which is what a 0 ms timer amounts to and needs no one to drive the clock.
 */
export class KeyedTimers {
  private readonly timers = new Map<string, Cancel>();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly post: (task: () => void) => void,
    private readonly wrap: (task: () => void) => () => void,
  ) {}

  schedule(key: string, delayMs: number, task: () => void): void {
    this.cancel(key);
    let live = true;
    const fire = this.wrap(() => {
      if (!live) return;
      live = false;
      this.timers.delete(key);
      task();
    });
    const cancel = () => {
      live = false;
    };
    if (delayMs <= 0) {
      this.post(fire);
      this.timers.set(key, cancel);
    } else {
      const cancelScheduled = this.scheduler.at(this.scheduler.clock.now() + delayMs, fire);
      this.timers.set(key, () => {
        cancel();
        cancelScheduled();
      });
    }
  }

  cancel(key: string): void {
    const cancel = this.timers.get(key);
    if (cancel) {
      this.timers.delete(key);
      cancel();
    }
  }

  has(key: string): boolean {
    return this.timers.has(key);
  }
}
