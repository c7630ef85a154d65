/**
 * Processing workers in the browser: a module Web Worker per application instance, started
 * from the broker worker (nested dedicated workers).
 */
import { webWorkerLike } from "../../runtime/web-worker-like";
import type { ProcessingChannelFactory } from "./processing-channel";
import { WorkerChannel } from "./worker-channel";

export interface WebProcessingOptions {
  deadlineMs?: number;
  startupDeadlineMs?: number;
  /** Makes the worker; the bundler needs `new Worker(new URL("../streams.worker.ts", import.meta.url), { type: "module" })` written out at the call site. */
  spawn: (name: string) => Worker;
}

export function webProcessingChannels(options: WebProcessingOptions): ProcessingChannelFactory {
  return (applicationId) =>
    new WorkerChannel(webWorkerLike(options.spawn(`streams-${applicationId}`)), {
      name: applicationId,
      ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs } : {}),
      ...(options.startupDeadlineMs !== undefined ? { startupDeadlineMs: options.startupDeadlineMs } : {}),
    });
}
