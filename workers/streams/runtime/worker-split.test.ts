/**
 * The processing runtime in a real worker thread: a topology that loops forever or throws
 * takes down only its own application, the engine carries on, and the broker's data is
 * untouched.
 */
import { describe, expect, it } from "vitest";
import { nodeProcessingChannels } from "./node-processing-channel";
import { dump, produceJson, testEngine } from "./test-support";

const SHOUT = `import { type StreamsBuilder } from "streamlab";
export default (builder: StreamsBuilder) => {
  builder.stream<string, string>("words")
    .mapValues((v) => {
      while (v === "spin") {
        // a runaway loop
      }
      return v.toUpperCase();
    })
    .to("shouted");
};
`;

const COPY = `import { type StreamsBuilder } from "streamlab";
export default (builder: StreamsBuilder) => {
  builder.stream<string, string>("words").to("copied");
};
`;

describe("topologies in worker threads", () => {
  it("a runaway loop: the watchdog ends the worker, the application is in ERROR naming the record, the rest runs on", { timeout: 60_000 }, async () => {
    const engine = await testEngine({ processing: nodeProcessingChannels({ deadlineMs: 500 }) });
    await engine.createTopic({ name: "words", partitions: 1 });
    await produceJson(engine, "words", [{ key: "a", value: "hello", timestamp: 1 }]);
    await engine.startApplication({ applicationId: "shouter", source: SHOUT });
    await engine.startApplication({ applicationId: "copier", source: COPY });
    expect((await dump(engine, "shouted")).map((r) => r.value)).toEqual(["HELLO"]);

    await produceJson(engine, "words", [
      { key: "b", value: "world", timestamp: 2 },
      { key: "c", value: "spin", timestamp: 3 },
      { key: "d", value: "never", timestamp: 4 },
    ]);
    await engine.settle();
    const [copier, shouter] = engine.describeApplications();
    expect(shouter!.state).toBe("ERROR");
    expect(shouter!.failure).toMatchObject({ reason: "timeout", topic: "words", partition: 0, offset: 2 });
    expect(shouter!.failure!.message).toBe(
      "shouter: no reply within 500 ms while processing the record at topic words, partition 0, offset 2 (task 0_0); the worker was terminated",
    );
    // The other application and the broker are unharmed.
    expect(copier!.state).toBe("RUNNING");
    expect((await dump(engine, "copied")).map((r) => r.value)).toEqual(["hello", "world", "spin", "never"]);
    expect((await dump(engine, "words")).map((r) => r.value)).toEqual(["hello", "world", "spin", "never"]);
    // The batch that never got its reply wrote nothing; the group committed only the first batch.
    expect((await dump(engine, "shouted")).map((r) => r.value)).toEqual(["HELLO"]);
    const group = (await engine.describeGroups()).find((g) => g.group === "shouter");
    expect(group?.committed).toEqual({ "words-0": 1 });
    expect(group?.state).toBe("Empty");

    // Changed and restarted live, from the committed offsets.
    await engine.restartApplication({ applicationId: "shouter", source: SHOUT.replace('while (v === "spin")', 'while (v === "never-spin")') });
    expect((await dump(engine, "shouted")).map((r) => r.value)).toEqual(["HELLO", "WORLD", "SPIN", "NEVER"]);
    await engine.close();
  });
});
