/**
 * The watchdog's worker seam in the browser: a dedicated Web Worker as a WorkerLike for the
 * host, and the worker's global scope as the endpoint its own side serves requests on.
 */
import type { HostEndpoint } from "./watched-worker-side";
import type { WorkerLike } from "./watchdog";

export function webWorkerLike(worker: Worker): WorkerLike {
  const like: WorkerLike = {
    onmessage: null,
    onerror: null,
    postMessage: (message, transfer) => worker.postMessage(message, transfer ?? []),
    terminate: () => worker.terminate(),
  };
  worker.onmessage = (event: MessageEvent) => like.onmessage?.(event.data);
  worker.onmessageerror = () => like.onerror?.(new Error("a message from the worker could not be deserialized"));
  worker.onerror = (event: ErrorEvent) => {
    // Handled here: the page's console need not report it a second time.
    event.preventDefault();
    const where = event.filename ? ` (${event.filename}:${event.lineno}:${event.colno})` : "";
    like.onerror?.(new Error(`${event.message || "uncaught error"}${where}`));
  };
  return like;
}

/** What a dedicated worker's global scope offers for messaging (`self` inside the worker). */
export interface DedicatedScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent) => void) | null;
}

/** The worker side's endpoint over `self`. */
export function workerScopeEndpoint(scope: DedicatedScope): HostEndpoint {
  const endpoint: HostEndpoint = {
    onmessage: null,
    postMessage: (message, transfer) => scope.postMessage(message, transfer ?? []),
  };
  scope.onmessage = (event) => endpoint.onmessage?.(event.data);
  return endpoint;
}
