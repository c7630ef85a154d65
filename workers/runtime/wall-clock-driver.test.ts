import { describe, expect, it } from "vitest";
import { MAX_CATCH_UP_MS, WallClockDriver } from "./wall-clock-driver";

/** A hand-driven wall: timers fire only when the test moves wall time. */
class FakeWall {
  time = 0;
  private timers: Array<{ at: number; task: () => void; cancelled: boolean }> = [];

  setTimer = (task: () => void, ms: number): (() => void) => {
    const t = { at: this.time + ms, task, cancelled: false };
    this.timers.push(t);
    return () => {
      t.cancelled = true;
    };
  };

  get pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Move wall time, firing due timers in order, and let promise chains run after each. */
  async pass(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => !t.cancelled && t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.time = due.at;
      due.cancelled = true;
      due.task();
      await flushPromises();
    }
    this.time = end;
    await flushPromises();
  }
}

async function flushPromises(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** An engine stand-in: a virtual time, and every advance recorded. */
function fakeEngine(start = 1_000_000) {
  const engine = {
    now: start,
    advances: [] as number[],
    active: 0,
    maxActive: 0,
    hold: undefined as Promise<void> | undefined,
    async advance(ms: number): Promise<void> {
      engine.active++;
      engine.maxActive = Math.max(engine.maxActive, engine.active);
      engine.advances.push(ms);
      if (engine.hold) await engine.hold;
      engine.now += ms;
      engine.active--;
    },
  };
  return engine;
}

function driver(wall: FakeWall, engine: ReturnType<typeof fakeEngine>, extra: Partial<ConstructorParameters<typeof WallClockDriver>[0]> = {}) {
  return new WallClockDriver({
    advance: (ms) => engine.advance(ms),
    now: () => engine.now,
    wallNow: () => wall.time,
    setTimer: wall.setTimer,
    tickMs: 16,
    ...extra,
  });
}

describe("WallClockDriver", () => {
  it("moves virtual time by the wall time that passed at 1×", async () => {
    const wall = new FakeWall();
    const engine = fakeEngine();
    const d = driver(wall, engine);
    await wall.pass(1000);
    expect(engine.now).toBe(1_000_000 + 992); // 62 ticks of 16 ms; the last 8 ms are owed to the next tick
    expect(engine.advances.every((ms) => ms === 16)).toBe(true);
    expect(d.state()).toEqual({ now: 1_000_992, playing: true, speed: 1 });
  });

  it("scales by the speed, carrying fractions of a millisecond at 0.1×", async () => {
    const wall = new FakeWall();
    const engine = fakeEngine(0);
    const d = driver(wall, engine, { speed: 0.1 });
    await wall.pass(1600); // 100 ticks × 1.6 virtual ms
    expect(engine.now).toBe(160);
    expect(engine.advances.every((ms) => Number.isInteger(ms))).toBe(true);
    d.setSpeed(100);
    await wall.pass(160);
    expect(engine.now).toBe(160 + 16_000);
  });

  it("freezes completely when paused and resumes without counting the paused wall time", async () => {
    const wall = new FakeWall();
    const engine = fakeEngine(0);
    const d = driver(wall, engine);
    await wall.pass(160);
    await d.pause();
    expect(engine.now).toBe(160);
    expect(wall.pendingTimers).toBe(0);
    await wall.pass(10_000);
    expect(engine.now).toBe(160);
    expect(d.playing).toBe(false);
    d.play();
    await wall.pass(160);
    expect(engine.now).toBe(320);
  });

  it("steps exactly, paused or playing, and refuses negative or fractional steps", async () => {
    const wall = new FakeWall();
    const engine = fakeEngine(0);
    const d = driver(wall, engine, { playing: false });
    await d.step(5000);
    expect(engine.now).toBe(5000);
    await expect(d.step(-1)).rejects.toThrow(/INVALID_REQUEST.*whole number/);
    await expect(d.step(1.5)).rejects.toThrow(/INVALID_REQUEST/);
    d.play();
    await wall.pass(32);
    await d.step(1000);
    expect(engine.now).toBe(5000 + 32 + 1000);
  });

  it("never runs two advances at once; time owed during a slow advance is paid in one go", async () => {
    const wall = new FakeWall();
    const engine = fakeEngine(0);
    let release!: () => void;
    engine.hold = new Promise<void>((r) => (release = r));
    driver(wall, engine);
    await wall.pass(16); // first advance starts and hangs
    await wall.pass(200); // ticks keep coming while it hangs
    expect(engine.advances).toEqual([16]);
    engine.hold = undefined;
    release();
    await flushPromises();
    await wall.pass(16); // the tick at wall 224 pays everything since wall 16
    expect(engine.maxActive).toBe(1);
    expect(engine.advances).toEqual([16, 208]);
    expect(engine.now).toBe(224);
  });

  it("an overloaded engine falls behind the wall rather than catching up in ever longer advances", async () => {
    const wall = new FakeWall();
    const engine = fakeEngine(0);
    let release!: () => void;
    engine.hold = new Promise<void>((r) => (release = r));
    driver(wall, engine, { speed: 10 });
    await wall.pass(16);
    await wall.pass(5000); // the engine hangs for five wall seconds
    engine.hold = undefined;
    release();
    await flushPromises();
    await wall.pass(16);
    expect(engine.advances).toEqual([160, MAX_CATCH_UP_MS * 10]);
  });

  it("a step while an advance is running waits for it", async () => {
    const wall = new FakeWall();
    const engine = fakeEngine(0);
    let release!: () => void;
    engine.hold = new Promise<void>((r) => (release = r));
    const d = driver(wall, engine);
    await wall.pass(16);
    const stepped = d.step(100);
    await flushPromises();
    expect(engine.advances).toEqual([16]);
    engine.hold = undefined;
    release();
    await stepped;
    expect(engine.advances).toEqual([16, 100]);
    expect(engine.maxActive).toBe(1);
  });

  it("rejects speeds outside 0.1×…100×", () => {
    const wall = new FakeWall();
    const d = driver(wall, fakeEngine(0), { playing: false });
    expect(() => d.setSpeed(0)).toThrow(/between 0.1× and 100×, got 0/);
    expect(() => d.setSpeed(101)).toThrow(/got 101/);
    expect(() => d.setSpeed(Number.NaN)).toThrow(/INVALID_REQUEST/);
    d.setSpeed(0.1);
    expect(d.speed).toBe(0.1);
  });

  it("reports a failed tick advance and keeps playing", async () => {
    const wall = new FakeWall();
    const errors: unknown[] = [];
    let fail = true;
    let now = 0;
    const d = new WallClockDriver({
      advance: async (ms) => {
        if (fail) {
          fail = false;
          throw new Error("retention pass failed");
        }
        now += ms;
      },
      now: () => now,
      wallNow: () => wall.time,
      setTimer: wall.setTimer,
      onError: (e) => errors.push(e),
    });
    await wall.pass(48);
    expect(errors.map((e) => (e as Error).message)).toEqual(["retention pass failed"]);
    expect(now).toBe(32);
    expect(d.playing).toBe(true);
  });

  it("dispose stops ticking for good", async () => {
    const wall = new FakeWall();
    const engine = fakeEngine(0);
    const d = driver(wall, engine);
    await d.dispose();
    d.play();
    await wall.pass(1000);
    expect(engine.now).toBe(0);
    await expect(d.step(10)).rejects.toThrow(/ILLEGAL_STATE/);
  });
});
