/**
 * Drives a virtual clock for clients that work asynchronously (the KafkaJS-style client in
 * Node and tests): time moves one due moment at a time, and before it moves on, everything
 * that moment set off — a heartbeat's answer, a rebalance finishing, records fetched and
 * handed to `eachMessage`, the commit after them — runs to completion.
 *
 * "Completion" is measured, not guessed: each participant (a `Kafka` instance, an engine)
 * says when its tracked work is done (`idle()`) and how much it has started so far
 * (`activity`). After they are idle the driver lets the host run its queued callbacks once
 * (a macrotask) and looks again; when nothing new started, the moment is over.
 */
import type { VirtualScheduler } from "./scheduler";

export interface Participant {
  /** Resolves when the work started so far is done. */
  idle(): Promise<void>;
  /** Grows whenever new work starts; absent for participants whose idle() sees everything. */
  readonly activity?: number;
}

export interface VirtualTimeOptions {
  /** Rounds of settling per moment before giving up (a client busy without time passing). */
  maxRounds?: number;
  /** Let the host run queued callbacks; default setImmediate, else setTimeout 0. */
  yieldToHost?: () => Promise<void>;
}

function defaultYield(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === "function") setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}

export class VirtualTime {
  private readonly maxRounds: number;
  private readonly yieldToHost: () => Promise<void>;

  constructor(
    readonly scheduler: VirtualScheduler,
    private readonly participants: Participant[],
    options: VirtualTimeOptions = {},
  ) {
    this.maxRounds = options.maxRounds ?? 10_000;
    this.yieldToHost = options.yieldToHost ?? defaultYield;
  }

  now(): number {
    return this.scheduler.clock.now();
  }

  add(participant: Participant): void {
    this.participants.push(participant);
  }

  /** Move the clock by `ms`, stopping at every due task until what it started has settled. */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`cannot advance virtual time by ${ms} ms`);
    const target = this.now() + ms;
    await this.settle();
    for (;;) {
      const due = this.scheduler.nextDue();
      if (due === undefined || due > target) break;
      this.scheduler.advance(Math.max(0, due - this.now()));
      await this.settle();
    }
    this.scheduler.advance(target - this.now());
    await this.settle();
  }

  /** Advance in steps of `stepMs` until `done()` holds; throws after `limitMs` of virtual time. */
  async until(done: () => boolean, limitMs = 600_000, stepMs = 100): Promise<void> {
    const start = this.now();
    await this.settle();
    while (!done()) {
      if (this.now() - start >= limitMs) throw new Error(`condition not reached within ${limitMs} ms of virtual time`);
      await this.advance(stepMs);
    }
  }

  /** Wait, without moving the clock, until nothing started by now is still going. */
  async settle(): Promise<void> {
    for (let round = 0; round < this.maxRounds; round++) {
      const before = this.activity();
      for (const p of this.participants) await p.idle();
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
