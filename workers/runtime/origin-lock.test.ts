import { afterEach, describe, expect, it, vi } from "vitest";
import { acquireOriginLock, waitForOriginLock } from "./origin-lock";

/**
 * An exclusive-mode LockManager with the Web Locks rules the module relies on: a lock is
 * held until the callback's promise settles, `ifAvailable` gets `null` instead of
 * queueing, waiters are granted in order, and an abort removes a waiter that has not been
 * granted yet. (Node has no navigator.locks.)
 */
class FakeLockManager {
  private readonly held = new Set<string>();
  private readonly queues = new Map<string, Array<() => void>>();

  async request(name: string, options: { ifAvailable?: boolean; signal?: AbortSignal }, callback: (lock: { name: string } | null) => unknown): Promise<unknown> {
    if (options.signal?.aborted) throw options.signal.reason;
    if (this.held.has(name)) {
      if (options.ifAvailable === true) return callback(null);
      await new Promise<void>((granted, rejected) => {
        const queue = this.queues.get(name) ?? [];
        queue.push(granted);
        this.queues.set(name, queue);
        options.signal?.addEventListener("abort", () => {
          const at = queue.indexOf(granted);
          if (at >= 0) {
            queue.splice(at, 1);
            rejected(options.signal?.reason);
          }
        });
      });
    } else {
      this.held.add(name);
    }
    try {
      return await callback({ name });
    } finally {
      const next = this.queues.get(name)?.shift();
      if (next === undefined) this.held.delete(name);
      else next();
    }
  }

  isHeld(name: string): boolean {
    return this.held.has(name);
  }
}

function installLocks(): FakeLockManager {
  const locks = new FakeLockManager();
  vi.stubGlobal("navigator", { locks });
  return locks;
}

async function settled(promise: Promise<unknown>): Promise<"pending" | "resolved" | "rejected"> {
  let state: "pending" | "resolved" | "rejected" = "pending";
  promise.then(
    () => (state = "resolved"),
    () => (state = "rejected"),
  );
  for (let i = 0; i < 10; i++) await Promise.resolve();
  return state;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("acquireOriginLock", () => {
  it("gives the lock to the first tab and tells the second who has it", async () => {
    const locks = installLocks();
    const first = await acquireOriginLock();
    expect("release" in first).toBe(true);
    expect(locks.isHeld("streamlab-broker")).toBe(true);

    expect(await acquireOriginLock()).toEqual({ heldBy: "another-tab" });
    // Still held: being refused does not disturb the owner.
    expect(locks.isHeld("streamlab-broker")).toBe(true);
  });

  it("keeps the lock until release, then lets the next tab in", async () => {
    const locks = installLocks();
    const owner = await acquireOriginLock("broker-a");
    if (!("release" in owner)) throw new Error("expected the lock");
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(locks.isHeld("broker-a")).toBe(true);

    owner.release();
    owner.release();
    await settled(Promise.resolve());
    expect(locks.isHeld("broker-a")).toBe(false);
    const next = await acquireOriginLock("broker-a");
    expect("release" in next).toBe(true);
  });

  it("keeps different names apart", async () => {
    installLocks();
    const a = await acquireOriginLock("broker-a");
    const b = await acquireOriginLock("broker-b");
    expect("release" in a && "release" in b).toBe(true);
  });

  it("rejects with a clear reason where Web Locks are missing", async () => {
    // Node 20 has no navigator at all.
    vi.stubGlobal("navigator", undefined);
    await expect(acquireOriginLock()).rejects.toThrow(/ILLEGAL_STATE.*Web Locks API is unavailable/);
    await expect(waitForOriginLock()).rejects.toThrow(/Web Locks API is unavailable/);
  });
});

describe("waitForOriginLock", () => {
  it("resolves when the owner releases the lock", async () => {
    installLocks();
    const owner = await acquireOriginLock();
    if (!("release" in owner)) throw new Error("expected the lock");
    const waiting = waitForOriginLock();
    expect(await settled(waiting)).toBe("pending");

    owner.release();
    const successor = await waiting;
    expect(await acquireOriginLock()).toEqual({ heldBy: "another-tab" });
    successor.release();
    await settled(Promise.resolve());
    expect("release" in (await acquireOriginLock())).toBe(true);
  });

  it("resolves at once when nobody holds the lock", async () => {
    installLocks();
    const lock = await waitForOriginLock("free");
    expect(typeof lock.release).toBe("function");
  });

  it("stops waiting when aborted, and the lock then goes to nobody", async () => {
    const locks = installLocks();
    const owner = await acquireOriginLock();
    if (!("release" in owner)) throw new Error("expected the lock");
    const controller = new AbortController();
    const waiting = waitForOriginLock(undefined, controller.signal);
    controller.abort(new Error("tab closed the takeover dialog"));
    await expect(waiting).rejects.toThrow("tab closed the takeover dialog");

    owner.release();
    await settled(Promise.resolve());
    expect(locks.isHeld("streamlab-broker")).toBe(false);
  });
});
