/**
 * The broker worker (DESIGN.md seam 1): wiring only. It takes the origin's broker lock,
 * opens OPFS, and exposes the engine API over Comlink; everything it exposes is built by
 * workers/engine/engine-api.ts, which the Node tests exercise on memory storage.
 *
 * The API is exposed at once, before the lock is known, so the page can always ask for
 * the status. A tab that finds the lock taken never opens OPFS: it says another tab owns
 * the broker and waits in the lock's queue, taking over when that tab goes away.
 */
import * as Comlink from "comlink";
import { BrokerEngineApi, seamSafe } from "./engine/engine-api";
import { acquireOriginLock, waitForOriginLock } from "./runtime/origin-lock";
import { TICK_MS, WallClockDriver } from "./runtime/wall-clock-driver";
import { OpfsStorage } from "./storage/opfs-storage";

/** The OPFS directory holding the workspace. */
const WORKSPACE_DIR = "streamlab";

/**
 * On a reload the new page's worker can start before the old page's worker has let go of
 * the lock; only after this long is the holder taken to be another tab.
 */
const RELOAD_GRACE_MS = 1500;

const api = new BrokerEngineApi({
  wallTime: () => Date.now(),
  driveClock: (target) => new WallClockDriver(target),
  requestFrame: (deliver) => {
    setTimeout(deliver, TICK_MS);
  },
  // A visitor's first visit opens on a small live world rather than an empty page.
  firstWorld: true,
});

Comlink.expose(seamSafe(api));

async function boot(): Promise<void> {
  try {
    // The lock is held for the worker's lifetime: the browser releases it when the worker dies.
    const first = await acquireOriginLock();
    if ("heldBy" in first) {
      const grace = setTimeout(() => api.lockedElsewhere(), RELOAD_GRACE_MS);
      await waitForOriginLock();
      clearTimeout(grace);
    }
    await api.start(await OpfsStorage.open(WORKSPACE_DIR));
  } catch (e) {
    api.fail(e);
  }
}

void boot();
