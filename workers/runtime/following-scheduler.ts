/**
 * Timers on a clock that runs on another thread: the page's clients (heartbeats, the
 * consumers' waits, linger) on the broker worker's virtual clock. The engine's time moves
 * only in the worker (played by the wall-clock driver, stepped, or paused); this scheduler
 * hears where it is — from the per-frame updates, from the answer to a step — and runs
 * every task that fell due up to there, in time order, with its own clock set to each
 * task's due time as it runs. Paused there, nothing fires here either.
 *
 * It trails the worker by at most one update: a heartbeat due at T leaves when the page
 * learns that the worker passed T. Heartbeats come well inside session.timeout.ms at any
 * speed the driver plays, but one big step of the worker's clock passes every deadline at
 * once with no chance for the page to heartbeat in between; `RemoteVirtualTime` steps the
 * worker's clock from one due moment of the page to the next instead.
 */
import { VirtualClock } from "./clock";
import { VirtualScheduler } from "./scheduler";

export class FollowingScheduler extends VirtualScheduler {
  constructor(start: number) {
    super(new VirtualClock(start));
  }

  /**
   * The followed clock reads `now`: run what fell due up to it and return how many tasks
   * ran. A reading behind this clock (a workspace reset restarts the engine's clock, maybe
   * earlier) moves nothing; tasks already due still run.
   */
  follow(now: number): number {
    const ahead = now - this.clock.now();
    return ahead > 0 ? this.advance(ahead) : this.runDue();
  }
}
