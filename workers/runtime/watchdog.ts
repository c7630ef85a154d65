/**
 * The runaway-code guard (DESIGN.md seam 6), host side. Each stream application runs its
 * user code in its own worker. The host sends it one request at a time (a batch of records
 * to process) and expects a reply within a wall-clock deadline; a worker that does not
 * answer in time is terminated and the failure names what it was working on. Terminating
 * loses nothing: the worker holds no broker data, only its own copy of the records it was
 * sent, so the host can report the application as ERROR and carry on.
 *
 * Wall time, not the engine's virtual clock: a loop that never yields stops virtual time
 * too, so only the wall can tell. The same class drives a Web Worker and a Node
 * worker_threads Worker through {@link WorkerLike} (see web-worker-like.ts and
 * node-worker-like.ts); the worker side is watched-worker-side.ts.
 */

/** The little a host needs of a worker; the platform files adapt the real ones. */
export interface WorkerLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  /** Ends the worker at once, even in the middle of a loop that never yields. */
  terminate(): void;
  /** Receives each message's data. */
  onmessage: ((data: unknown) => void) | null;
  /** An uncaught error in the worker, or its exit when the host did not ask for it. */
  onerror: ((error: Error) => void) | null;
}

/** Messages between host and worker. The worker speaks first (`ready`, once it listens); then the host sends `init`, then requests. */
export type HostToWorker =
  | { readonly kind: "watchdog/init"; readonly progress: SharedArrayBuffer | null }
  | { readonly kind: "watchdog/request"; readonly id: number; readonly body: unknown };

export type WorkerToHost =
  | { readonly kind: "watchdog/ready" }
  | { readonly kind: "watchdog/reply"; readonly id: number; readonly body: unknown }
  | { readonly kind: "watchdog/failure"; readonly id: number; readonly error: RemoteErrorData }
  | { readonly kind: "watchdog/event"; readonly body: unknown };

export interface RemoteErrorData {
  readonly name: string;
  readonly message: string;
  readonly stack?: string | undefined;
}

/** An error a request's handler threw in the worker; the worker carries on. */
export class RemoteError extends Error {
  readonly remoteStack: string | undefined;

  constructor(data: RemoteErrorData) {
    super(data.message);
    this.name = data.name;
    this.remoteStack = data.stack;
  }
}

export type WatchedWorkerFailureReason = "timeout" | "startup-timeout" | "crashed" | "terminated";

/** The worker is gone: the watchdog ended it, it crashed, or the host terminated it. */
export class WatchedWorkerError extends Error {
  constructor(
    readonly reason: WatchedWorkerFailureReason,
    message: string,
    /** The index the worker last marked with `progress.mark` before a timeout, when shared memory let the host see it. */
    readonly progress?: number,
  ) {
    super(message);
    this.name = "WatchedWorkerError";
  }
}

export const DEFAULT_DEADLINE_MS = 2_000;
export const DEFAULT_STARTUP_DEADLINE_MS = 30_000;

export interface WatchedWorkerOptions {
  /** Names the worker in failure messages, e.g. the application id. */
  name: string;
  /** Wall-clock ms one request may take (default 2 s). */
  deadlineMs?: number;
  /**
   * Wall-clock ms the worker may take to say it is ready (default 30 s): loading its code
   * and compiling a topology take far longer than processing a batch.
   */
  startupDeadlineMs?: number;
  /** Messages the worker sends on its own (logs, metrics). */
  onEvent?: (body: unknown) => void;
  /** Called once, when the worker is gone for any reason but the host's own `terminate()`. */
  onFailure?: (error: WatchedWorkerError) => void;
  /** Runs `task` after `ms` of wall time; returns a cancel. Default `setTimeout`. */
  setTimer?: (task: () => void, ms: number) => () => void;
  /**
   * Shares a progress cell with the worker so a timeout can name the item it was stuck on.
   * Default: when `SharedArrayBuffer` exists (Node; cross-origin-isolated pages). Elsewhere
   * a timeout names the whole request.
   */
  shareProgress?: boolean;
}

export interface RequestOptions {
  transfer?: Transferable[];
  /** This request's deadline, instead of the worker's. */
  deadlineMs?: number;
  /**
   * What the request is about, for a timeout's message: `progress` is the index the
   * worker last marked (e.g. the record within a batch), undefined when not known.
   */
  describe?: (progress: number | undefined) => string;
}

interface Pending {
  readonly id: number;
  readonly body: unknown;
  readonly options: RequestOptions;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

const NO_PROGRESS = -1;

function defaultTimer(task: () => void, ms: number): () => void {
  const handle = setTimeout(task, ms);
  return () => clearTimeout(handle);
}

export class WatchedWorker {
  /** Settles when the worker has said it listens; rejects if it fails first. */
  readonly ready: Promise<void>;
  private readonly name: string;
  private readonly deadlineMs: number;
  private readonly setTimer: (task: () => void, ms: number) => () => void;
  private readonly progress: Int32Array | undefined;
  private readonly queue: Pending[] = [];
  private inFlight: Pending | undefined;
  private cancelTimer: (() => void) | undefined;
  private nextId = 1;
  private isReady = false;
  private failed: WatchedWorkerError | undefined;
  private markReady!: () => void;
  private markNotReady!: (error: Error) => void;

  constructor(
    private readonly worker: WorkerLike,
    private readonly options: WatchedWorkerOptions,
  ) {
    this.name = options.name;
    this.deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
    this.setTimer = options.setTimer ?? defaultTimer;
    this.ready = new Promise<void>((resolve, reject) => {
      this.markReady = resolve;
      this.markNotReady = reject;
    });
    // A caller that only sends requests must not see an unhandled rejection from `ready`.
    this.ready.catch(() => {});

    const share = options.shareProgress ?? typeof SharedArrayBuffer === "function";
    this.progress = share ? new Int32Array(new SharedArrayBuffer(4)) : undefined;

    worker.onmessage = (data) => this.receive(data as WorkerToHost);
    worker.onerror = (error) => this.fail("crashed", `${this.name}: the worker failed: ${error.message}`);
    const startupMs = options.startupDeadlineMs ?? DEFAULT_STARTUP_DEADLINE_MS;
    this.cancelTimer = this.setTimer(() => this.fail("startup-timeout", `${this.name}: the worker did not start within ${startupMs} ms; it was terminated`), startupMs);
  }

  /** Why the worker is gone, once it is. */
  get failure(): WatchedWorkerError | undefined {
    return this.failed;
  }

  /**
   * Sends `body` to the worker's handler and resolves with its reply. Requests go one at a
   * time, in order; each one's deadline starts when it is sent, not when it was queued.
   */
  request<T = unknown>(body: unknown, options: RequestOptions = {}): Promise<T> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, body, options, resolve: resolve as (value: unknown) => void, reject });
      this.dispatch();
    });
  }

  /** Ends the worker on the host's own account (application stopped); pending requests fail. */
  terminate(): void {
    this.fail("terminated", `${this.name}: the worker was stopped`);
  }

  private dispatch(): void {
    if (!this.isReady || this.inFlight || this.failed) return;
    const next = this.queue.shift();
    if (!next) return;
    this.inFlight = next;
    if (this.progress) Atomics.store(this.progress, 0, NO_PROGRESS);
    const deadlineMs = next.options.deadlineMs ?? this.deadlineMs;
    this.cancelTimer = this.setTimer(() => this.timeout(next, deadlineMs), deadlineMs);
    this.worker.postMessage({ kind: "watchdog/request", id: next.id, body: next.body } satisfies HostToWorker, next.options.transfer);
  }

  private timeout(pending: Pending, deadlineMs: number): void {
    if (this.inFlight !== pending || this.failed) return;
    const mark = this.progress ? Atomics.load(this.progress, 0) : NO_PROGRESS;
    const progress = mark === NO_PROGRESS ? undefined : mark;
    const what = pending.options.describe ? pending.options.describe(progress) : "a request";
    this.fail("timeout", `${this.name}: no reply within ${deadlineMs} ms while processing ${what}; the worker was terminated`, progress);
  }

  private receive(message: WorkerToHost): void {
    if (this.failed || typeof message !== "object" || message === null) return;
    switch (message.kind) {
      case "watchdog/ready":
        if (this.isReady) return;
        this.isReady = true;
        this.cancelTimer?.();
        this.cancelTimer = undefined;
        // Only now: a module worker may not be listening before it says so.
        this.worker.postMessage({ kind: "watchdog/init", progress: this.progress ? (this.progress.buffer as SharedArrayBuffer) : null } satisfies HostToWorker);
        this.markReady();
        this.dispatch();
        return;
      case "watchdog/event":
        this.options.onEvent?.(message.body);
        return;
      case "watchdog/reply":
      case "watchdog/failure": {
        const pending = this.inFlight;
        // A reply for anything but the request in flight cannot happen with one request at a time.
        if (!pending || pending.id !== message.id) return;
        this.inFlight = undefined;
        this.cancelTimer?.();
        this.cancelTimer = undefined;
        if (message.kind === "watchdog/reply") pending.resolve(message.body);
        else pending.reject(new RemoteError(message.error));
        this.dispatch();
        return;
      }
    }
  }

  private fail(reason: WatchedWorkerFailureReason, message: string, progress?: number): void {
    if (this.failed) return;
    const error = new WatchedWorkerError(reason, message, progress);
    this.failed = error;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.worker.onmessage = null;
    this.worker.onerror = null;
    this.worker.terminate();
    const pending = [...(this.inFlight ? [this.inFlight] : []), ...this.queue.splice(0)];
    this.inFlight = undefined;
    this.markNotReady(error);
    for (const p of pending) p.reject(error);
    if (reason !== "terminated") this.options.onFailure?.(error);
  }
}
