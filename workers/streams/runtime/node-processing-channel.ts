/**
 * Processing workers in Node: each application instance gets its own worker thread running
 * node-processing-worker.ts. Used by the headless runner and by tests of the worker split.
 */
import { nodeWorkerLike, startNodeWorker } from "../../runtime/node-worker-like";
import type { ProcessingChannelFactory } from "./processing-channel";
import { WorkerChannel } from "./worker-channel";

const ENTRY = new URL("./node-processing-worker.ts", import.meta.url);

export interface NodeProcessingOptions {
  deadlineMs?: number;
  startupDeadlineMs?: number;
}

export function nodeProcessingChannels(options: NodeProcessingOptions = {}): ProcessingChannelFactory {
  return (applicationId) =>
    new WorkerChannel(nodeWorkerLike(startNodeWorker(ENTRY, { name: `streams-${applicationId}` })), {
      name: applicationId,
      ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs } : {}),
      ...(options.startupDeadlineMs !== undefined ? { startupDeadlineMs: options.startupDeadlineMs } : {}),
    });
}
