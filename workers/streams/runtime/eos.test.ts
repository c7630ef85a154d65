/**
 * exactly_once_v2 against at_least_once when the processing worker dies in the middle of
 * a commit interval: read_committed readers never see a half result, and nothing is
 * duplicated; at_least_once replays what was not committed.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeJson } from "../../client/json-serde";
import { nodeWorkerLike, startNodeWorker } from "../../runtime/node-worker-like";
import type { StreamsBuilder } from "../index";
import { Materialized } from "../materialized";
import type { ProcessingChannelFactory } from "./processing-channel";
import { InProcessChannel } from "./processing-channel";
import { ProcessingRuntime } from "./processing-runtime";
import { readPartition } from "./read-partition";
import { CrashingChannel, produceJson, readValues, testEngine } from "./test-support";
import { WorkerChannel } from "./worker-channel";

const UPPER_SOURCE = `import { type StreamsBuilder } from "streamlab";
export default (builder: StreamsBuilder) => {
  builder.stream<string, string>("in").mapValues((v) => v.toUpperCase()).to("out");
};
`;

const upper = (b: StreamsBuilder) => {
  b.stream<string, string>("in")
    .mapValues((v) => v.toUpperCase())
    .to("out");
};

const counting = (b: StreamsBuilder) => {
  b.stream<string, string>("in")
    .groupByKey()
    .count(Materialized.as("counts"))
    .toStream()
    .to("out");
};

/** Instance i of the application crashes at process request crashes[i] (undefined: never). */
function crashingFactory(build: (b: StreamsBuilder) => void, crashes: Array<number | undefined>): ProcessingChannelFactory {
  let instance = 0;
  return () => {
    const inner = new InProcessChannel(new ProcessingRuntime({ factory: build }));
    const at = crashes[instance++];
    return at === undefined ? inner : new CrashingChannel(inner, at);
  };
}

describe("exactly_once_v2", () => {
  it("a worker killed mid-transaction: the host aborts, read_committed sees nothing of it, the restart writes each result once", { timeout: 60_000 }, async () => {
    let thread: ReturnType<typeof startNodeWorker> | undefined;
    const processing: ProcessingChannelFactory = (applicationId) => {
      thread = startNodeWorker(new URL("./node-processing-worker.ts", import.meta.url), { name: applicationId });
      return new WorkerChannel(nodeWorkerLike(thread), { name: applicationId });
    };
    // Commits only every commit.interval.ms, so a transaction stays open between passes.
    const engine = await testEngine({ processing, commitOnSettle: false });
    await engine.createTopic({ name: "in", partitions: 1 });
    await engine.createTopic({ name: "out", partitions: 1 });
    await produceJson(engine, "in", ["a", "b", "c"].map((v, i) => ({ key: v, value: v, timestamp: i })));
    const config = { "processing.guarantee": "exactly_once_v2", "commit.interval.ms": 5000 };
    await engine.startApplication({ applicationId: "up", source: UPPER_SOURCE, config });
    expect(await readValues(engine, "out", "read_uncommitted")).toEqual(["A", "B", "C"]);
    expect(await readValues(engine, "out", "read_committed")).toEqual([]);

    const exited = new Promise((resolve) => thread!.once("exit", resolve));
    await thread!.terminate();
    await exited;
    await produceJson(engine, "in", [{ key: "d", value: "d", timestamp: 3 }]);
    await engine.settle();
    const [failed] = engine.describeApplications();
    expect(failed!.state).toBe("ERROR");
    expect(failed!.failure?.reason).toBe("crashed");
    expect(await readValues(engine, "out", "read_committed")).toEqual([]);

    await engine.restartApplication({ applicationId: "up" });
    await engine.advance(5000);
    expect(await readValues(engine, "out", "read_committed")).toEqual(["A", "B", "C", "D"]);
    // The aborted attempt is still in the log, for read_uncommitted readers only.
    expect(await readValues(engine, "out", "read_uncommitted")).toEqual(["A", "B", "C", "A", "B", "C", "D"]);
    await engine.close();
  });

  it.each([
    ["at_least_once", ["A", "B", "C", "D", "A", "B", "C", "D", "E", "F"]],
    ["exactly_once_v2", ["A", "B", "C", "D", "E", "F"]],
  ])("%s: a crash after a commit interval's first batches", async (guarantee, expected) => {
    // Instance 0 dies at its fourth process request (the first only starts the processors); batches of two records.
    const engine = await testEngine({ processing: crashingFactory(upper, [3]), commitOnSettle: false, streamsBatchRecords: 2 });
    await engine.createTopic({ name: "in", partitions: 1 });
    await engine.createTopic({ name: "out", partitions: 1 });
    await produceJson(engine, "in", ["a", "b", "c", "d", "e", "f"].map((v, i) => ({ key: v, value: v, timestamp: i })));
    await engine.startApplication({ applicationId: "up", source: "", config: { "processing.guarantee": guarantee, "commit.interval.ms": 1000 } });
    expect(engine.describeApplications()[0]!.state).toBe("ERROR");
    await engine.restartApplication({ applicationId: "up" });
    await engine.advance(1000);
    expect(await readValues(engine, "out", "read_committed")).toEqual(expected);
    await engine.close();
  });

  it("property: across random crashes, at_least_once loses nothing and exactly_once_v2 counts every record exactly once", async () => {
    const keys = ["k1", "k2", "k3"];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...keys), { minLength: 1, maxLength: 24 }),
        fc.array(fc.option(fc.nat({ max: 6 }), { nil: undefined }), { maxLength: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        async (inputs, crashes, chunk, eos) => {
          const engine = await testEngine({ processing: crashingFactory(counting, crashes), streamsBatchRecords: 2 });
          await engine.createTopic({ name: "in", partitions: 2 });
          await engine.createTopic({ name: "out", partitions: 2 });
          const config = { "processing.guarantee": eos ? "exactly_once_v2" : "at_least_once" };
          await engine.startApplication({ applicationId: "c", source: "", config });
          for (let i = 0; i < inputs.length; i += chunk) {
            await produceJson(engine, "in", inputs.slice(i, i + chunk).map((k, j) => ({ key: k, value: "x", timestamp: i + j })));
            await engine.settle();
            if (engine.describeApplications()[0]!.state === "ERROR") await engine.restartApplication({ applicationId: "c" });
          }
          while (engine.describeApplications()[0]!.state === "ERROR") await engine.restartApplication({ applicationId: "c" });
          const committed = await committedCounts(engine, eos);
          for (const k of keys) {
            const actual = inputs.filter((x) => x === k).length;
            if (actual === 0) continue;
            if (eos) expect(committed.get(k)).toBe(actual);
            else expect(committed.get(k)).toBeGreaterThanOrEqual(actual);
          }
          await engine.close();
        },
      ),
      { seed: 20261122, numRuns: 40 },
    );
  }, 120_000);
});

/** The last count per key a reader of that isolation sees. */
async function committedCounts(engine: Awaited<ReturnType<typeof testEngine>>, eos: boolean): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let p = 0; p < engine.partitionCount("out"); p++) {
    await readPartition(engine.broker, "out", p, 0, eos ? "read_committed" : "read_uncommitted", (records) => {
      for (const r of records) {
        out.set(String(decodeJson(r.key)), Number(decodeJson(r.value)));
      }
    });
  }
  return out;
}
