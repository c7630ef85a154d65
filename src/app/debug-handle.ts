/**
 * `window.__streamlab`: the connected broker client, for the browser console and the e2e
 * tests (which drive the engine API directly and kill the worker to test recovery).
 */
import type { BrokerClient } from "../engine-client/broker-client";
import { useStore } from "../state/store";

export interface StreamlabDebugHandle {
  api: BrokerClient["api"];
  /** Stop the broker worker at once, as a crash would. */
  terminateWorker(): void;
  /** Switch the theme even while a dialog holds the page (screenshots of dialogs in both themes). */
  setTheme(theme: "light" | "dark"): void;
}

declare global {
  interface Window {
    __streamlab?: StreamlabDebugHandle;
  }
}

export function installDebugHandle(client: BrokerClient): void {
  window.__streamlab = { api: client.api, terminateWorker: () => client.terminate(), setTheme: (theme) => useStore.getState().setTheme(theme) };
}
