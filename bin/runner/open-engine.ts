/**
 * The engine the CLI runs scenarios on: the broker's files in memory, or in a directory
 * laid out as Kafka's `log.dirs` (`--data-dir`), which a later run starts from.
 */
import { mkdirSync } from "node:fs";
import type { EnginePort } from "../../workers/engine/engine-port";
import { createEngine } from "../../workers/engine/engine";
import { MemoryStorage } from "../../workers/storage/memory-storage";
import { NodeFsStorage } from "../../workers/storage/node-fs-storage";
import { nodeProcessingChannels } from "../../workers/streams/runtime/node-processing-channel";

export interface EngineSetup {
  clockStart: number;
  /** Absolute path; absent = memory. */
  dataDir?: string;
}

export async function openEngine(setup: EngineSetup): Promise<EnginePort> {
  let storage;
  if (setup.dataDir === undefined) storage = new MemoryStorage();
  else {
    mkdirSync(setup.dataDir, { recursive: true });
    storage = new NodeFsStorage(setup.dataDir);
  }
  // SCENARIO.md: rebalances complete within the step that causes them, as in Kafka's own tests.
  // Topologies run in worker threads under the watchdog, as in the browser.
  return createEngine({ storage, clockStart: setup.clockStart, broker: { groupInitialRebalanceDelayMs: 0 }, processing: nodeProcessingChannels() });
}
