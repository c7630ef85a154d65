import { describe, expect, it } from "vitest";
import { FollowingScheduler } from "./following-scheduler";

describe("FollowingScheduler", () => {
  it("runs what fell due up to each reading, in time order, at each task's time", () => {
    const s = new FollowingScheduler(1000);
    const log: string[] = [];
    s.at(1500, () => log.push(`a@${s.clock.now()}`));
    s.at(1200, () => log.push(`b@${s.clock.now()}`));
    s.every(400, () => log.push(`tick@${s.clock.now()}`));
    expect(s.follow(1100)).toBe(0);
    expect(s.clock.now()).toBe(1100);
    expect(s.follow(1900)).toBe(4);
    expect(log).toEqual(["b@1200", "tick@1400", "a@1500", "tick@1800"]);
    expect(s.clock.now()).toBe(1900);
  });

  it("ignores a reading behind its clock, but still runs tasks already due", () => {
    const s = new FollowingScheduler(5000);
    const log: number[] = [];
    s.at(5000, () => log.push(s.clock.now()));
    expect(s.follow(3000)).toBe(1);
    expect(s.clock.now()).toBe(5000);
    expect(log).toEqual([5000]);
    s.at(5200, () => log.push(s.clock.now()));
    expect(s.follow(5000)).toBe(0);
    expect(log).toEqual([5000]);
  });
});
