import { describe, expect, it } from "vitest";
import { nodeWorkerLike, startNodeWorker } from "./node-worker-like";
import type { FixtureRecord } from "./test-fixtures/watched-records.worker";
import { serveWatchedRequests, type HostEndpoint } from "./watched-worker-side";
import { RemoteError, WatchedWorker, WatchedWorkerError, type WorkerLike } from "./watchdog";

/** Timers the test fires by hand. */
class ManualTimers {
  private timers: { at: number; task: () => void; live: boolean }[] = [];
  now = 0;

  readonly setTimer = (task: () => void, ms: number) => {
    const timer = { at: this.now + ms, task, live: true };
    this.timers.push(timer);
    return () => {
      timer.live = false;
    };
  };

  advance(ms: number): void {
    this.now += ms;
    for (const t of this.timers.filter((t) => t.live && t.at <= this.now)) {
      t.live = false;
      t.task();
    }
  }

  get pending(): number {
    return this.timers.filter((t) => t.live).length;
  }
}

/** A worker living in this thread: the real worker side behind a pair of fake ports. */
function inThreadWorker(handler: Parameters<typeof serveWatchedRequests>[1], opts: { listen?: boolean } = {}) {
  const sent: unknown[] = [];
  let terminated = 0;
  const endpoint: HostEndpoint = {
    onmessage: null,
    postMessage: (message) => queueMicrotask(() => worker.onmessage?.(structuredClone(message))),
  };
  const worker: WorkerLike = {
    onmessage: null,
    onerror: null,
    postMessage: (message) => {
      sent.push(message);
      if (terminated === 0) queueMicrotask(() => endpoint.onmessage?.(message));
    },
    terminate: () => {
      terminated++;
    },
  };
  const listen = () => serveWatchedRequests(endpoint, handler);
  if (opts.listen !== false) listen();
  return { worker, sent, listen, terminations: () => terminated };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("WatchedWorker (in-thread worker, manual timers)", () => {
  it("sends requests one at a time after the worker is ready, and resolves with the replies", async () => {
    const timers = new ManualTimers();
    const fake = inThreadWorker((body) => ({ echo: body }), { listen: false });
    const watched = new WatchedWorker(fake.worker, { name: "app", setTimer: timers.setTimer, deadlineMs: 100 });
    const first = watched.request({ n: 1 });
    const second = watched.request({ n: 2 });
    await flush();
    expect(fake.sent).toEqual([]);
    // Time spent starting counts against the startup deadline only.
    timers.advance(5_000);
    fake.listen();
    await watched.ready;
    await expect(first).resolves.toEqual({ echo: { n: 1 } });
    await expect(second).resolves.toEqual({ echo: { n: 2 } });
    expect(fake.sent.map((m) => (m as { kind: string }).kind)).toEqual(["watchdog/init", "watchdog/request", "watchdog/request"]);
    expect(timers.pending).toBe(0);
  });

  it("rejects a request whose handler threw, and keeps the worker", async () => {
    const timers = new ManualTimers();
    const fake = inThreadWorker((body) => {
      if (body === "bad") throw new TypeError("no such field");
      return "ok";
    });
    const watched = new WatchedWorker(fake.worker, { name: "app", setTimer: timers.setTimer });
    const failed = watched.request("bad");
    await expect(failed).rejects.toBeInstanceOf(RemoteError);
    await expect(failed).rejects.toMatchObject({ name: "TypeError", message: "no such field" });
    await expect(watched.request("good")).resolves.toBe("ok");
    expect(fake.terminations()).toBe(0);
    expect(watched.failure).toBeUndefined();
  });

  it("terminates a worker that misses the deadline, fails what is queued, and names the request", async () => {
    const timers = new ManualTimers();
    const fake = inThreadWorker(() => new Promise(() => {}));
    const failures: WatchedWorkerError[] = [];
    const watched = new WatchedWorker(fake.worker, {
      name: "word-count",
      setTimer: timers.setTimer,
      deadlineMs: 2_000,
      shareProgress: false,
      onFailure: (e) => failures.push(e),
    });
    await watched.ready;
    const stuck = watched.request("batch", { describe: (p) => `orders-0 offsets 10..19 (item ${String(p)})` });
    const queued = watched.request("next");
    await flush();
    timers.advance(1_999);
    expect(fake.terminations()).toBe(0);
    timers.advance(1);
    await expect(stuck).rejects.toThrow("word-count: no reply within 2000 ms while processing orders-0 offsets 10..19 (item undefined); the worker was terminated");
    await expect(queued).rejects.toMatchObject({ reason: "timeout" });
    expect(fake.terminations()).toBe(1);
    expect(failures.map((f) => f.reason)).toEqual(["timeout"]);
    await expect(watched.request("later")).rejects.toBe(failures[0]);
  });

  it("gives up on a worker that never starts", async () => {
    const timers = new ManualTimers();
    const fake = inThreadWorker(() => "ok", { listen: false });
    const watched = new WatchedWorker(fake.worker, { name: "app", setTimer: timers.setTimer, startupDeadlineMs: 10_000 });
    const pending = watched.request("x");
    timers.advance(10_000);
    await expect(watched.ready).rejects.toMatchObject({ reason: "startup-timeout" });
    await expect(pending).rejects.toThrow("app: the worker did not start within 10000 ms; it was terminated");
    expect(fake.terminations()).toBe(1);
  });

  it("fails everything when the worker crashes, and not at all after the host stops it", async () => {
    const timers = new ManualTimers();
    const crashing = inThreadWorker(() => new Promise(() => {}));
    const failures: string[] = [];
    const watched = new WatchedWorker(crashing.worker, { name: "app", setTimer: timers.setTimer, onFailure: (e) => failures.push(e.message) });
    await watched.ready;
    const pending = watched.request("x");
    await flush();
    crashing.worker.onerror?.(new Error("out of memory"));
    await expect(pending).rejects.toMatchObject({ reason: "crashed", message: "app: the worker failed: out of memory" });
    expect(failures).toEqual(["app: the worker failed: out of memory"]);

    const stopped = inThreadWorker(() => "ok");
    const stoppedFailures: unknown[] = [];
    const other = new WatchedWorker(stopped.worker, { name: "b", setTimer: timers.setTimer, onFailure: (e) => stoppedFailures.push(e) });
    await other.ready;
    other.terminate();
    await expect(other.request("x")).rejects.toMatchObject({ reason: "terminated" });
    expect(stoppedFailures).toEqual([]);
    expect(stopped.terminations()).toBe(1);
  });

  it("passes the worker's own messages to onEvent", async () => {
    const events: unknown[] = [];
    const fake = inThreadWorker(
      (body) => {
        side.emit({ log: `got ${String(body)}` });
        return "done";
      },
      { listen: false },
    );
    const watched = new WatchedWorker(fake.worker, { name: "app", onEvent: (e) => events.push(e) });
    const side = fake.listen();
    await expect(watched.request("a")).resolves.toBe("done");
    expect(events).toEqual([{ log: "got a" }]);
  });
});

describe("WatchedWorker over a real worker_threads Worker", () => {
  const ENTRY = new URL("./test-fixtures/watched-records.worker.ts", import.meta.url);
  const records = (...values: string[]): FixtureRecord[] => values.map((value, i) => ({ topic: "orders", partition: 0, offset: 17 + i, value }));
  const describeRecord = (batch: FixtureRecord[]) => (progress: number | undefined) => {
    const r = progress === undefined ? undefined : batch[progress];
    return r ? `the record at topic ${r.topic}, partition ${r.partition}, offset ${r.offset}` : `a batch of ${batch.length} records`;
  };

  function start(deadlineMs: number) {
    const thread = startNodeWorker(ENTRY, { name: "watched-records" });
    const exited = new Promise<number>((resolve) => thread.once("exit", resolve));
    const failures: WatchedWorkerError[] = [];
    const events: unknown[] = [];
    const watched = new WatchedWorker(nodeWorkerLike(thread), {
      name: "orders-app",
      deadlineMs,
      onFailure: (e) => failures.push(e),
      onEvent: (e) => events.push(e),
    });
    return { thread, exited, watched, failures, events };
  }

  it("terminates a worker stuck in `while (true) {}` and names the record it was processing", async () => {
    const { watched, failures, exited, events } = start(300);
    const good = records("a", "b");
    await expect(watched.request({ records: good }, { describe: describeRecord(good) })).resolves.toEqual({ processed: 2 });
    await expect.poll(() => events).toEqual([{ log: "processed 2" }]);

    const batch = records("a", "loop", "c");
    const outcome = watched.request({ records: batch }, { describe: describeRecord(batch) });
    await expect(outcome).rejects.toBeInstanceOf(WatchedWorkerError);
    await expect(outcome).rejects.toThrow(
      "orders-app: no reply within 300 ms while processing the record at topic orders, partition 0, offset 18; the worker was terminated",
    );
    expect(failures.map((f) => [f.reason, f.progress])).toEqual([["timeout", 1]]);
    // The thread really ended (terminate() stops even a loop that never yields).
    await exited;
  });

  it("reports a worker thread that exits on its own as crashed", async () => {
    const { watched, failures } = start(5_000);
    const outcome = watched.request({ records: records("exit") });
    await expect(outcome).rejects.toMatchObject({ reason: "crashed", message: "orders-app: the worker failed: the worker exited with code 3" });
    expect(failures).toHaveLength(1);
  });

  it("keeps the worker after a handler error", async () => {
    const { watched, exited } = start(5_000);
    await expect(watched.request({ records: records("throw") })).rejects.toThrow("cannot process offset 17");
    await expect(watched.request({ records: records("a") })).resolves.toEqual({ processed: 1 });
    watched.terminate();
    await exited;
    expect(watched.failure?.reason).toBe("terminated");
  });
});
