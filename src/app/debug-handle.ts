/**
 * `window.__streamlab`: the connected broker client, for the browser console and the e2e
 * tests (which drive the engine API directly, kill the worker to test recovery, and run
 * KafkaJS-style clients on the page against the broker worker).
 */
import type { BrokerClient } from "../engine-client/broker-client";
import type { BrowserKafkaConfig, Kafka, RemoteVirtualTime } from "../engine-client/kafka-client";
import { useStore } from "../state/store";

export interface StreamlabDebugHandle {
  api: BrokerClient["api"];
  /** Stop the broker worker at once, as a crash would. */
  terminateWorker(): void;
  /** Switch the theme even while a dialog holds the page (screenshots of dialogs in both themes). */
  setTheme(theme: "light" | "dark"): void;
  /** A KafkaJS-shaped client on this page against the broker worker (loaded on first use). */
  createKafka(config?: BrowserKafkaConfig): Promise<Kafka>;
  /** The page clients' time: `advance(ms)`, `until(cond)`, `settle()` step the engine's clock with them. */
  clientTime(): Promise<RemoteVirtualTime>;
}

declare global {
  interface Window {
    __streamlab?: StreamlabDebugHandle;
  }
}

export function installDebugHandle(client: BrokerClient): void {
  window.__streamlab = {
    api: client.api,
    terminateWorker: () => client.terminate(),
    setTheme: (theme) => useStore.getState().setTheme(theme),
    createKafka: async (config) => (await import("../engine-client/kafka-client")).createBrowserKafka(client, config),
    clientTime: async () => (await import("../engine-client/kafka-client")).pageClientTime(client),
  };
}
