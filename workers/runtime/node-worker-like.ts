/**
 * The watchdog's worker seam in Node: a worker_threads Worker as a WorkerLike for the host,
 * `parentPort` as the endpoint inside the worker, and a way to start a worker whose entry
 * is a TypeScript module.
 */
// eslint-disable-next-line no-restricted-imports -- the Node half of the worker seam
import { type Transferable as NodeTransferable, Worker, parentPort } from "node:worker_threads";
import type { HostEndpoint } from "./watched-worker-side";
import type { WorkerLike } from "./watchdog";

// Node's transferable types and the DOM's agree on what crosses this seam (ArrayBuffer,
// MessagePort) but differ in declaration.
const asNodeTransfer = (transfer: Transferable[] | undefined) => transfer as unknown as NodeTransferable[] | undefined;

export function nodeWorkerLike(worker: Worker): WorkerLike {
  let terminating = false;
  const like: WorkerLike = {
    onmessage: null,
    onerror: null,
    postMessage: (message, transfer) => worker.postMessage(message, asNodeTransfer(transfer)),
    terminate: () => {
      terminating = true;
      void worker.terminate();
    },
  };
  worker.on("message", (data: unknown) => like.onmessage?.(data));
  worker.on("messageerror", () => like.onerror?.(new Error("a message from the worker could not be deserialized")));
  worker.on("error", (error: Error) => like.onerror?.(error));
  worker.on("exit", (code: number) => {
    if (!terminating) like.onerror?.(new Error(`the worker exited with code ${code}`));
  });
  return like;
}

/** The worker side's endpoint over `parentPort`; only inside a worker thread. */
export function parentPortEndpoint(): HostEndpoint {
  const port = parentPort;
  if (!port) throw new Error("parentPortEndpoint: not running in a worker thread");
  const endpoint: HostEndpoint = {
    onmessage: null,
    postMessage: (message, transfer) => (transfer ? port.postMessage(message, asNodeTransfer(transfer) ?? []) : port.postMessage(message)),
  };
  port.on("message", (data: unknown) => endpoint.onmessage?.(data));
  return endpoint;
}

const BOOTSTRAP = new URL("./node-worker-bootstrap.mjs", import.meta.url);

/**
 * Starts a worker thread running `entry`. A `.ts` entry goes through the bootstrap, which
 * loads TypeScript as the CLI does; `workerData` reaches the entry unchanged.
 */
export function startNodeWorker(entry: URL, options: { workerData?: unknown; name?: string } = {}): Worker {
  const typescript = entry.pathname.endsWith(".ts");
  return new Worker(typescript ? BOOTSTRAP : entry, {
    argv: typescript ? [entry.href] : [],
    workerData: options.workerData,
    ...(options.name ? { name: options.name } : {}),
  });
}
