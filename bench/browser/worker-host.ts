/**
 * The worker half of the Chromium benchmark host. bench/run.mjs bundles each
 * `bench/browser/*.bench.ts` with a call to `serveBenchmark` into one module worker
 * script; the page (bench/browser/page.html) starts it, sends `start`, and gets the rows
 * back. The page also echoes every number or ArrayBuffer the worker posts, so a benchmark
 * can time main↔worker round trips from inside the worker.
 *
 * A benchmark needing more threads starts this same script again under a role name
 * (`startRoleWorker`): the started copy plays that role instead of running the benchmark.
 * "echo" is built in; a module adds its own by exporting `roles` (a broker worker, say),
 * so every thread of a benchmark comes from one bundle.
 */
import type { Benchmark, Row } from "../harness";

export const ECHO_ROLE = "echo";

/** What a copy of the script started under a role name does instead of benchmarking. */
export type WorkerRoles = Record<string, (scope: DedicatedScope) => void>;

/** Memory of the page and its workers, as the page measured it (workers cannot). */
export interface PageMemory {
  how: "measureUserAgentSpecificMemory" | "performance.memory";
  bytes: number;
  /** Per context: bytes and the URLs it is attributed to (a worker's script URL). */
  breakdown: Array<{ bytes: number; urls: string[] }>;
}

export type ToWorker = { kind: "start"; options: { quick: boolean } } | { kind: "memory"; result: PageMemory | null };
export type FromWorker =
  | { kind: "ready" }
  | { kind: "progress"; text: string }
  | { kind: "measure-memory" }
  | { kind: "rows"; name: string; rows: Row[] }
  | { kind: "error"; message: string };

/** Either side of a message pipe: the worker scope, a Worker, or a MessagePort. */
export interface Endpoint {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  removeEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  start?(): void;
}

/** What TypeScript's DOM library does not say about a dedicated worker's global scope. */
export interface DedicatedScope extends Endpoint {
  readonly name: string;
  readonly location: { readonly href: string };
}

export function workerScope(): DedicatedScope {
  return self as unknown as DedicatedScope;
}

function isEchoable(data: unknown): data is number | ArrayBuffer {
  return typeof data === "number" || data instanceof ArrayBuffer;
}

function echoOn(endpoint: Endpoint): void {
  endpoint.addEventListener("message", (event) => {
    const data: unknown = event.data;
    if (typeof data === "number") endpoint.postMessage(data);
    else if (data instanceof ArrayBuffer) endpoint.postMessage(data, [data]);
  });
  endpoint.start?.();
}

function becomeEchoWorker(scope: DedicatedScope): void {
  echoOn(scope);
  // A port handed over in a message gets its own echo, for MessageChannel timings.
  scope.addEventListener("message", (event) => {
    for (const port of event.ports) echoOn(port);
  });
}

/** Another worker running this same script in the role `role`. */
export function startRoleWorker(role: string): Worker {
  return new Worker(workerScope().location.href, { type: "module", name: role });
}

/** A second worker that echoes numbers and ArrayBuffers, itself and on ports sent to it. */
export function startEchoWorker(): Worker {
  return startRoleWorker(ECHO_ROLE);
}

/**
 * Sends `count` messages one after another over `endpoint`, each after the previous echo
 * came back, and returns each round trip in milliseconds. With an ArrayBuffer payload the
 * buffer is transferred both ways instead of a number being cloned.
 */
export function roundTrips(endpoint: Endpoint, count: number, payload?: ArrayBuffer): Promise<number[]> {
  return new Promise((resolve) => {
    const samples: number[] = new Array(count);
    let done = 0;
    let sentAt = 0;
    let buffer = payload;
    const send = () => {
      sentAt = performance.now();
      if (buffer) endpoint.postMessage(buffer, [buffer]);
      else endpoint.postMessage(done);
    };
    const onMessage = (event: MessageEvent) => {
      const now = performance.now();
      const data: unknown = event.data;
      if (!isEchoable(data)) return;
      samples[done++] = now - sentAt;
      if (data instanceof ArrayBuffer) buffer = data;
      if (done < count) {
        send();
        return;
      }
      endpoint.removeEventListener("message", onMessage);
      resolve(samples);
    };
    endpoint.addEventListener("message", onMessage);
    endpoint.start?.();
    send();
  });
}

/**
 * The page's measurement of its memory and its workers' (from the benchmark's worker only):
 * `performance.measureUserAgentSpecificMemory()` (cross-origin isolated pages; it waits for
 * a garbage collection, up to ~20 s) or else `performance.memory` (the page's heap alone);
 * null when neither exists.
 */
export function measurePageMemory(): Promise<PageMemory | null> {
  const scope = workerScope();
  return new Promise((resolve) => {
    const onMessage = (event: MessageEvent) => {
      const data = event.data as Partial<ToWorker> | null;
      if (data === null || typeof data !== "object" || data.kind !== "memory") return;
      scope.removeEventListener("message", onMessage);
      resolve((data as { result: PageMemory | null }).result);
    };
    scope.addEventListener("message", onMessage);
    scope.postMessage({ kind: "measure-memory" } satisfies FromWorker);
  });
}

export function serveBenchmark(benchmark: Benchmark, roles: WorkerRoles = {}): void {
  const scope = workerScope();
  const role = scope.name === ECHO_ROLE ? becomeEchoWorker : roles[scope.name];
  if (role !== undefined) {
    role(scope);
    return;
  }
  const post = (message: FromWorker) => scope.postMessage(message);
  scope.addEventListener("message", (event) => {
    const data = event.data as { kind?: string; options?: { quick: boolean } } | null;
    if (data === null || typeof data !== "object" || data.kind !== "start" || !data.options) return;
    const progress = (text: string) => post({ kind: "progress", text });
    benchmark.run({ quick: data.options.quick === true, progress }).then(
      (rows) => post({ kind: "rows", name: benchmark.name, rows }),
      (error: unknown) => post({ kind: "error", message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
  post({ kind: "ready" });
}
