import { describe, expect, it } from "vitest";
import { VirtualClock } from "./clock";
import { VirtualScheduler } from "./scheduler";
import { VirtualTime, type Participant } from "./virtual-time";

/** A participant whose timer tasks start a chain of asynchronous steps. */
function chainer(scheduler: VirtualScheduler, log: string[]): Participant & { start(name: string, steps: number): void } {
  let activity = 0;
  const pending = new Set<Promise<void>>();
  const run = async (name: string, steps: number) => {
    for (let i = 0; i < steps; i++) {
      await Promise.resolve();
      activity++;
    }
    log.push(`${name}@${scheduler.clock.now()}`);
  };
  return {
    get activity() {
      return activity;
    },
    async idle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    start(name: string, steps: number) {
      // Untracked on purpose: only the activity counter tells the driver something happens.
      void run(name, steps);
    },
  };
}

describe("VirtualTime", () => {
  it("lets the work each due moment starts finish before the clock moves on", async () => {
    const scheduler = new VirtualScheduler(new VirtualClock(0));
    const log: string[] = [];
    const p = chainer(scheduler, log);
    const time = new VirtualTime(scheduler, [p]);
    scheduler.at(100, () => p.start("a", 50));
    scheduler.at(200, () => p.start("b", 3));
    await time.advance(1000);
    expect(log).toEqual(["a@100", "b@200"]);
    expect(time.now()).toBe(1000);
  });

  it("advance(0) still runs what is due now; until() advances until a condition holds", async () => {
    const scheduler = new VirtualScheduler(new VirtualClock(0));
    const log: string[] = [];
    const p = chainer(scheduler, log);
    const time = new VirtualTime(scheduler, [p]);
    scheduler.at(0, () => p.start("now", 2));
    await time.advance(0);
    expect(log).toEqual(["now@0"]);
    scheduler.at(750, () => p.start("later", 1));
    await time.until(() => log.length === 2, 10_000, 100);
    expect(log).toEqual(["now@0", "later@750"]);
    expect(time.now()).toBe(800);
    await expect(time.until(() => false, 300)).rejects.toThrow(/not reached within 300 ms/);
  });

  it("gives up on work that never stops without time passing", async () => {
    const scheduler = new VirtualScheduler(new VirtualClock(0));
    let activity = 0;
    const busy: Participant = {
      get activity() {
        return activity++;
      },
      idle: async () => {},
    };
    await expect(new VirtualTime(scheduler, [busy], { maxRounds: 20 }).settle()).rejects.toThrow(/kept starting for 20 rounds/);
  });
});
