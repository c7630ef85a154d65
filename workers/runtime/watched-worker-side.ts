/**
 * The worker's half of the watchdog protocol (watchdog.ts): answer each request with the
 * handler's result, report handler errors without dying, mark progress so that a host
 * that has to terminate this worker can say which item it was stuck on.
 */
import type { HostToWorker, RemoteErrorData, WorkerToHost } from "./watchdog";

/** What the worker needs of its channel to the host: `self` in a Web Worker, `parentPort` in Node. */
export interface HostEndpoint {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((data: unknown) => void) | null;
}

export interface Progress {
  /** Records that the handler is now at item `index` of the request (a plain store, cheap enough per record). */
  mark(index: number): void;
}

export type RequestHandler = (body: unknown, progress: Progress) => unknown;

export interface WatchedWorkerSide {
  /** Sends a message the host did not ask for (a log line, metrics). */
  emit(body: unknown, transfer?: Transferable[]): void;
}

function errorData(error: unknown): RemoteErrorData {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: "Error", message: typeof error === "string" ? error : String(error) };
}

/**
 * Serves requests with `handler`, one at a time (the host sends no more). The handler may
 * return a promise; its result is posted as it is (structured clone), with `transfer`
 * taken from a `{ body, transfer }` wrapper made by {@link withTransfer}.
 */
export function serveWatchedRequests(endpoint: HostEndpoint, handler: RequestHandler): WatchedWorkerSide {
  let cell: Int32Array | undefined;
  const progress: Progress = {
    mark(index) {
      if (cell) Atomics.store(cell, 0, index);
    },
  };
  const post = (message: WorkerToHost, transfer?: Transferable[]) => endpoint.postMessage(message, transfer);

  endpoint.onmessage = (data) => {
    const message = data as HostToWorker;
    if (typeof message !== "object" || message === null) return;
    if (message.kind === "watchdog/init") {
      cell = message.progress ? new Int32Array(message.progress) : undefined;
      return;
    }
    if (message.kind !== "watchdog/request") return;
    const { id } = message;
    let result: unknown;
    try {
      result = handler(message.body, progress);
    } catch (error) {
      post({ kind: "watchdog/failure", id, error: errorData(error) });
      return;
    }
    Promise.resolve(result).then(
      (value) => {
        const { body, transfer } = value instanceof Transferring ? value : { body: value, transfer: undefined };
        post({ kind: "watchdog/reply", id, body }, transfer);
      },
      (error: unknown) => post({ kind: "watchdog/failure", id, error: errorData(error) }),
    );
  };
  post({ kind: "watchdog/ready" });
  return {
    emit(body, transfer) {
      post({ kind: "watchdog/event", body }, transfer);
    },
  };
}

class Transferring {
  constructor(
    readonly body: unknown,
    readonly transfer: Transferable[],
  ) {}
}

/** A reply whose buffers move to the host instead of being copied. */
export function withTransfer(body: unknown, transfer: Transferable[]): unknown {
  return new Transferring(body, transfer);
}
