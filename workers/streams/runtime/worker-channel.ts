/**
 * The processing runtime in its own worker, reached through the watchdog: each request has
 * a wall-clock deadline, and a worker that misses it is terminated (the failure names the
 * record it was on). Works with any WorkerLike: a Node worker thread or a Web Worker.
 */
import { WatchedWorker, type WorkerLike } from "../../runtime/watchdog";
import type { ChannelRequestOptions, ProcessingChannel } from "./processing-channel";
import type { RuntimeReply, RuntimeRequest } from "./protocol";

export interface WorkerChannelOptions {
  /** Names the worker in failures: the application id. */
  name: string;
  /** Wall-clock ms a request may take (default: the watchdog's 2 s). */
  deadlineMs?: number;
  /** Wall-clock ms the worker may take to start (loading the compiler is slow). */
  startupDeadlineMs?: number;
  /** Messages the worker sends on its own. */
  onEvent?: (body: unknown) => void;
}

export class WorkerChannel implements ProcessingChannel {
  readonly packs = true;
  private readonly watched: WatchedWorker;

  constructor(worker: WorkerLike, options: WorkerChannelOptions) {
    this.watched = new WatchedWorker(worker, {
      name: options.name,
      ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs } : {}),
      ...(options.startupDeadlineMs !== undefined ? { startupDeadlineMs: options.startupDeadlineMs } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });
  }

  request<R extends RuntimeReply>(request: RuntimeRequest, options: ChannelRequestOptions = {}): Promise<R> {
    return this.watched.request<R>(request, {
      ...(options.describe ? { describe: options.describe } : {}),
      ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs } : {}),
      ...(options.transfer ? { transfer: options.transfer } : {}),
    });
  }

  terminate(): void {
    this.watched.terminate();
  }
}
