import { describe, expect, it } from "vitest";
import { nodeWorkerLike, startNodeWorker } from "../../runtime/node-worker-like";
import { WatchedWorker, WatchedWorkerError } from "../../runtime/watchdog";
import type { AppReply, AppRequest } from "./test-fixtures/topology-app.worker";

const ENTRY = new URL("./test-fixtures/topology-app.worker.ts", import.meta.url);

const SOURCE = `import { type StreamsBuilder } from "streamlab";

export default (builder: StreamsBuilder) => {
  builder.stream<string, string>("words")
    .mapValues((v) => {
      while (v === "spin") {
        // a runaway loop
      }
      if (v === "boom") throw new Error("cannot shout " + v);
      return v.toUpperCase();
    })
    .to("shouted");
};
`;

/** One application in its own worker thread, under the watchdog; offsets as the host assigns them. */
function startApp() {
  const thread = startNodeWorker(ENTRY, { name: "topology-app" });
  const exited = new Promise<number>((resolve) => thread.once("exit", resolve));
  const watched = new WatchedWorker(nodeWorkerLike(thread), { name: "shouter", deadlineMs: 300 });
  let nextOffset = 0;
  const request = (body: AppRequest, deadlineMs?: number) => watched.request<AppReply>(body, deadlineMs === undefined ? {} : { deadlineMs });
  const process = (...values: string[]) => {
    const base = nextOffset;
    nextOffset += values.length;
    return watched.request<AppReply>(
      { process: { topic: "words", output: "shouted", records: values.map((value, i) => ({ key: "k", value, timestamp: i })) } },
      { describe: (i) => (i === undefined ? `a batch from words-0` : `the record at topic words, partition 0, offset ${base + i}`) },
    );
  };
  return { watched, exited, request, process, stop: () => watched.terminate() };
}

describe("a topology in its own worker", () => {
  it("compiles, runs, reports a throw at the user's line, and is terminated by the watchdog in a runaway loop", async () => {
    const app = startApp();
    // Loading TypeScript and the first compile take far longer than a batch may.
    await expect(app.request({ start: { applicationId: "shouter", source: SOURCE } }, 30_000)).resolves.toEqual({ started: true });
    await expect(app.process("hello", "world")).resolves.toEqual({ output: ["HELLO", "WORLD"] });

    const failed = (await app.process("boom")) as { error: string; stack: string };
    expect(failed.error).toMatch(/^shouter:9:31: StreamsException: Exception caught in process\. .*topic=words, partition=0, offset=2, error=cannot shout boom$/);
    expect(failed.stack).toContain("Caused by: Error: cannot shout boom\n    at topology.ts:9:31");

    const stuck = app.process("fine", "spin", "never");
    await expect(stuck).rejects.toBeInstanceOf(WatchedWorkerError);
    await expect(stuck).rejects.toThrow(
      "shouter: no reply within 300 ms while processing the record at topic words, partition 0, offset 4; the worker was terminated",
    );
    await app.exited;
  });

  it("fails to start with the compiler's diagnostics", async () => {
    const app = startApp();
    const reply = await app.request({ start: { applicationId: "shouter", source: SOURCE.replace(".mapValues(", ".mapValue(") } }, 30_000);
    expect(reply).toEqual({ diagnostics: [expect.stringMatching(/^shouter:5:6: Property 'mapValue' does not exist on type 'KStream<string, string>'/), expect.anything()] });
    app.stop();
    await app.exited;
  });
});
