/**
 * `VirtualTime` for clients whose clock belongs to another thread: the page's clients on
 * the broker worker's virtual clock. The page cannot move that clock itself, only ask the
 * worker to step it, and it learns where the clock is from the step's answer. So `advance`
 * steps the worker from one moment a page timer is due to the next (a heartbeat, a
 * consumer's retry), lets the {@link FollowingScheduler} run that moment's tasks, and waits
 * until what they set off has settled on both sides before stepping again. Heartbeats thus
 * reach the coordinator at their times even across a long advance, as on one thread.
 *
 * Settling: each participant's `idle()` — the `Kafka` instances, and per connection a
 * barrier that resolves once the worker has finished that connection's requests (its
 * answer arrives after every answer sent before it) — then one task of the host, repeated
 * until no participant reports new activity.
 *
 * Pause the worker's clock first for exact moments: while it plays, a step answers with a
 * time further on than asked, and this follows it.
 */
import type { FollowingScheduler } from "./following-scheduler";
import type { Participant, VirtualTimeOptions } from "./virtual-time";

/** The other thread's clock, as far as the page can drive it. */
export interface SteppedClock {
  /** Its time now. */
  now(): Promise<number>;
  /** Move it by exactly `ms`, finishing what falls due on the way; resolves to its time after. */
  step(ms: number): Promise<number>;
}

function defaultYield(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === "function") setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}

export class RemoteVirtualTime {
  private readonly maxRounds: number;
  private readonly yieldToHost: () => Promise<void>;

  constructor(
    readonly scheduler: FollowingScheduler,
    private readonly clock: SteppedClock,
    private readonly participants: Participant[] = [],
    options: VirtualTimeOptions = {},
  ) {
    this.maxRounds = options.maxRounds ?? 10_000;
    this.yieldToHost = options.yieldToHost ?? defaultYield;
  }

  /** The time the page's clients see (the worker's, as last heard). */
  now(): number {
    return this.scheduler.clock.now();
  }

  add(participant: Participant): void {
    this.participants.push(participant);
  }

  remove(participant: Participant): void {
    const i = this.participants.indexOf(participant);
    if (i >= 0) this.participants.splice(i, 1);
  }

  /** Catch up with the worker's clock now, running the page's tasks that fell due. */
  async sync(): Promise<number> {
    this.scheduler.follow(await this.clock.now());
    return this.now();
  }

  /**
   * Move the worker's clock by `ms` (from where it is now), stopping at every moment a page
   * timer is due until what that moment set off has settled.
   */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`cannot advance virtual time by ${ms} ms`);
    const target = (await this.sync()) + ms;
    await this.settle();
    for (;;) {
      const due = this.scheduler.nextDue();
      if (due !== undefined && due <= this.now()) {
        this.scheduler.runDue();
        await this.settle();
        continue;
      }
      const next = due === undefined ? target : Math.min(due, target);
      if (next <= this.now()) break;
      this.scheduler.follow(await this.clock.step(next - this.now()));
      await this.settle();
    }
  }

  /** Advance in steps of `stepMs` until `done()` holds; throws after `limitMs` of virtual time. */
  async until(done: () => boolean, limitMs = 600_000, stepMs = 100): Promise<void> {
    const start = await this.sync();
    await this.settle();
    while (!done()) {
      if (this.now() - start >= limitMs) throw new Error(`condition not reached within ${limitMs} ms of virtual time`);
      await this.advance(stepMs);
    }
  }

  /** Wait, without moving the clock, until nothing started by now is still going, here or in the worker. */
  async settle(): Promise<void> {
    for (let round = 0; round < this.maxRounds; round++) {
      const before = this.activity();
      for (const p of [...this.participants]) await p.idle();
      await this.yieldToHost();
      if (this.activity() === before) return;
    }
    throw new Error(`work kept starting for ${this.maxRounds} rounds without virtual time passing (a busy loop?)`);
  }

  private activity(): number {
    let n = 0;
    for (const p of this.participants) n += p.activity ?? 0;
    return n;
  }
}
