/**
 * The broker worker (DESIGN.md seam 1): wiring only. It takes the origin's broker lock,
 * opens OPFS, and exposes the engine API over Comlink; everything it exposes is built by
 * workers/engine/engine-api.ts and workers/client/served-transport.ts, which the Node tests
 * exercise on memory storage.
 *
 * The API is exposed at once, before the lock is known, so the page can always ask for
 * the status. A tab that finds the lock taken never opens OPFS: it says another tab owns
 * the broker and waits in the lock's queue, taking over when that tab goes away.
 */
import * as Comlink from "comlink";
import { servedTransport } from "./client/served-transport";
import { BrokerEngineApi, seamSafe, type EngineApi } from "./engine/engine-api";
import { acquireOriginLock, waitForOriginLock } from "./runtime/origin-lock";
import { TICK_MS, WallClockDriver } from "./runtime/wall-clock-driver";
import { OpfsStorage } from "./storage/opfs-storage";
import { webProcessingChannels } from "./streams/runtime/web-processing-channel";

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
  // Each stream application's topology runs in a worker of its own, under the watchdog.
  processing: webProcessingChannels({
    spawn: (name) => new Worker(new URL("./streams.worker.ts", import.meta.url), { type: "module", name }),
  }),
});

/**
 * What this worker exposes: the engine API, and `connectClient` to serve a page's `Kafka`
 * (workers/client) the client transport on a MessagePort of its own, apart from the UI's
 * calls.
 */
export type BrokerWorkerApi = EngineApi & {
  connectClient(port: MessagePort): Promise<void>;
};

const exposed: BrokerWorkerApi = {
  ...seamSafe(api),
  async connectClient(port) {
    Comlink.expose(servedTransport(() => api.currentBroker(), Comlink.transfer), port);
  },
};
Comlink.expose(exposed);

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
