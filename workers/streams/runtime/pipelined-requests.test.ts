/**
 * With the runtime in a worker thread, the host sends the next process request before it
 * produces the previous reply's outputs. These tests cut a fetch into many small requests
 * and check that the overlap changes nothing that can be seen: outputs in order, offsets
 * committed only past what was produced, and a failure in the request under way while the
 * host was producing stops everything after it.
 */
import { describe, expect, it } from "vitest";
import { nodeProcessingChannels } from "./node-processing-channel";
import { dump, produceJson, readValues, testEngine } from "./test-support";

const SHOUT = `import { type StreamsBuilder } from "streamlab";
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

const WORDS = ["a", "b", "c", "d", "e", "f", "g"];

async function committed(engine: Awaited<ReturnType<typeof testEngine>>, group: string): Promise<Record<string, number> | undefined> {
  return (await engine.describeGroups()).find((g) => g.group === group)?.committed;
}

describe("process requests overlapping with producing (runtime in a worker thread)", () => {
  it("many small requests: every output once and in order, offsets committed to the end", { timeout: 60_000 }, async () => {
    for (const guarantee of ["at_least_once", "exactly_once_v2"]) {
      const engine = await testEngine({ processing: nodeProcessingChannels({ deadlineMs: 10_000 }), streamsBatchRecords: 2 });
      await engine.createTopic({ name: "words", partitions: 1 });
      await produceJson(engine, "words", WORDS.map((value, i) => ({ key: `k${i}`, value, timestamp: i })));
      await engine.startApplication({ applicationId: "shouter", source: SHOUT, config: { "processing.guarantee": guarantee } });
      const [app] = engine.describeApplications();
      expect(app!.state).toBe("RUNNING");
      expect(app!.stats.processed).toBe(7);
      expect((await dump(engine, "shouted")).map((r) => [r.key, r.value])).toEqual(WORDS.map((w, i) => [`k${i}`, w.toUpperCase()]));
      expect(await committed(engine, "shouter")).toEqual({ "words-0": 7 });
      await engine.close();
    }
  });

  it("a user error in a later request: earlier requests' outputs are written, nothing after it, no commit", { timeout: 60_000 }, async () => {
    const engine = await testEngine({ processing: nodeProcessingChannels({ deadlineMs: 10_000 }), streamsBatchRecords: 2 });
    await engine.createTopic({ name: "words", partitions: 1 });
    await produceJson(engine, "words", ["a", "b", "c", "d", "boom", "f", "g"].map((value, i) => ({ key: `k${i}`, value, timestamp: i })));
    await engine.startApplication({ applicationId: "shouter", source: SHOUT });
    const [app] = engine.describeApplications();
    expect(app!.state).toBe("ERROR");
    expect(app!.failure).toMatchObject({ reason: "user-code", topic: "words", partition: 0, offset: 4 });
    expect(app!.stats.processed).toBe(4);
    // At least once: written before the failure, not committed, so processed again after a restart.
    expect((await dump(engine, "shouted")).map((r) => r.value)).toEqual(["A", "B", "C", "D"]);
    expect(await committed(engine, "shouter")).toEqual({});
    await engine.close();
  });

  it("the request under way while the host produces times out: the failure names its record, the outputs before it stand", { timeout: 60_000 }, async () => {
    const engine = await testEngine({ processing: nodeProcessingChannels({ deadlineMs: 500 }), streamsBatchRecords: 1 });
    await engine.createTopic({ name: "words", partitions: 1 });
    await produceJson(engine, "words", ["hello", "world", "spin", "never"].map((value, i) => ({ key: `k${i}`, value, timestamp: i })));
    await engine.startApplication({ applicationId: "shouter", source: SHOUT, config: { "processing.guarantee": "exactly_once_v2" } });
    const [app] = engine.describeApplications();
    expect(app!.state).toBe("ERROR");
    expect(app!.failure).toMatchObject({ reason: "timeout", topic: "words", partition: 0, offset: 2 });
    // Exactly once: what the earlier requests wrote was in the transaction the host aborted,
    // so a read_committed reader sees nothing, and the input offsets were not committed.
    expect(await readValues(engine, "shouted", "read_uncommitted")).toEqual(["HELLO", "WORLD"]);
    expect(await readValues(engine, "shouted", "read_committed")).toEqual([]);
    expect(await committed(engine, "shouter")).toEqual({});
    await engine.close();
  });
});
