import { describe, expect, it } from "vitest";
import { VirtualClock } from "./clock";
import { FollowingScheduler } from "./following-scheduler";
import { RemoteVirtualTime, type SteppedClock } from "./remote-virtual-time";
import { VirtualScheduler } from "./scheduler";

const SESSION_MS = 6000;
const HEARTBEAT_MS = 1000;

/**
 * A "worker" with its own virtual clock and a coordinator-like session: the member is
 * evicted when no heartbeat arrived for SESSION_MS. Messages between the threads take a
 * macrotask, as postMessage does.
 */
function twoThreads(start: number) {
  const remote = new VirtualScheduler(new VirtualClock(start));
  const hop = () => new Promise<void>((resolve) => setImmediate(resolve));
  let deadline = start + SESSION_MS;
  let cancelExpiry = remote.at(deadline, () => evictions.push(remote.clock.now()));
  const evictions: number[] = [];
  const heartbeatsSeen: number[] = [];
  let inFlight = 0;
  const heartbeat = async () => {
    inFlight++;
    await hop();
    heartbeatsSeen.push(remote.clock.now());
    cancelExpiry();
    deadline = remote.clock.now() + SESSION_MS;
    cancelExpiry = remote.at(deadline, () => evictions.push(remote.clock.now()));
    await hop();
    inFlight--;
  };
  const clock: SteppedClock = {
    now: async () => {
      await hop();
      return remote.clock.now();
    },
    step: async (ms) => {
      await hop();
      remote.advance(ms);
      return remote.clock.now();
    },
  };
  // Barrier: resolves once the remote side has handled what was sent to it.
  const barrier = {
    idle: async () => {
      while (inFlight > 0) await hop();
    },
  };
  return { remote, clock, heartbeat, evictions, heartbeatsSeen, barrier };
}

describe("RemoteVirtualTime", () => {
  it("steps the other clock from one local due moment to the next, so heartbeats land at their times", async () => {
    const t = twoThreads(10_000);
    const local = new FollowingScheduler(10_000);
    local.every(HEARTBEAT_MS, () => void t.heartbeat());
    const time = new RemoteVirtualTime(local, t.clock, [t.barrier]);
    await time.advance(20_000);
    expect(t.evictions).toEqual([]);
    expect(t.heartbeatsSeen).toEqual(Array.from({ length: 20 }, (_, i) => 11_000 + i * HEARTBEAT_MS));
    expect(time.now()).toBe(30_000);
    expect(t.remote.clock.now()).toBe(30_000);
  });

  it("is what one big step of the other clock is not: that passes the session deadline before any heartbeat", async () => {
    const t = twoThreads(10_000);
    const local = new FollowingScheduler(10_000);
    local.every(HEARTBEAT_MS, () => void t.heartbeat());
    local.follow(await t.clock.step(20_000));
    await new Promise((r) => setTimeout(r, 5));
    expect(t.evictions).toEqual([16_000]);
  });

  it("follows the other clock when it is ahead, and until() advances until a condition holds", async () => {
    const t = twoThreads(10_000);
    t.remote.advance(500);
    const local = new FollowingScheduler(10_000);
    const fired: number[] = [];
    local.at(10_300, () => fired.push(local.clock.now()));
    const time = new RemoteVirtualTime(local, t.clock, [t.barrier]);
    expect(await time.sync()).toBe(10_500);
    expect(fired).toEqual([10_300]);
    await time.until(() => time.now() >= 11_000, 5000, 250);
    expect(time.now()).toBe(11_000);
    await expect(time.until(() => false, 1000, 250)).rejects.toThrow(/within 1000 ms/);
  });

  it("settle() waits for work that keeps starting, and gives up on a busy loop", async () => {
    const local = new FollowingScheduler(0);
    let activity = 0;
    let left = 20;
    const chatty = {
      get activity() {
        return activity;
      },
      idle: async () => {
        if (left > 0) {
          left--;
          activity++;
        }
      },
    };
    const clock: SteppedClock = { now: async () => 0, step: async (ms) => ms };
    await new RemoteVirtualTime(local, clock, [chatty]).settle();
    expect(left).toBe(0);
    left = Number.POSITIVE_INFINITY;
    await expect(new RemoteVirtualTime(local, clock, [chatty], { maxRounds: 50 }).settle()).rejects.toThrow(/50 rounds/);
  });
});
