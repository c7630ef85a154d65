import { describe, expect, it } from "vitest";
import { dump, produceJson, testEngine } from "./test-support";

const FILTER = `import { type StreamsBuilder } from "streamlab";
export default (builder: StreamsBuilder) => {
  builder.stream<string, { n: number }>("numbers")
    .filter((_k, v) => v.n % 2 === 0)
    .mapValues((v) => ({ n: v.n, doubled: v.n * 2 }))
    .to("even");
};
`;

const COUNT = `import { type StreamsBuilder, Materialized } from "streamlab";
export default (builder: StreamsBuilder) => {
  builder.stream<string, string>("words")
    .groupBy((_k, w) => w)
    .count(Materialized.as("counts"))
    .toStream()
    .to("word-counts");
};
`;

describe("stream applications on the broker", () => {
  it("runs a stateless topology over real topics: every partition, offsets committed by the group", async () => {
    const engine = await testEngine();
    await engine.createTopic({ name: "numbers", partitions: 2 });
    await engine.createTopic({ name: "even", partitions: 2 });
    await produceJson(engine, "numbers", [1, 2, 3, 4].map((n) => ({ key: `k${n}`, value: { n }, timestamp: n * 10, partition: n % 2 })));
    const started = await engine.startApplication({ applicationId: "evens", source: FILTER });
    expect(started.state).toBe("RUNNING");
    expect(started.tasks.map((t) => t.id)).toEqual(["0_0", "0_1"]);
    const out = await dump(engine, "even");
    expect(out.map((r) => [r.key, r.value, r.timestamp]).sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
      ["k2", { n: 2, doubled: 4 }, 20],
      ["k4", { n: 4, doubled: 8 }, 40],
    ]);
    const groups = await engine.describeGroups();
    expect(groups.find((g) => g.group === "evens")?.committed).toEqual({ "numbers-0": 2, "numbers-1": 2 });
    await produceJson(engine, "numbers", [{ key: "k6", value: { n: 6 }, timestamp: 60, partition: 0 }]);
    await engine.settle();
    expect((await dump(engine, "even")).map((r) => r.value)).toContainEqual({ n: 6, doubled: 12 });
    await engine.close();
  });

  it("repartitions through <app>-…-repartition, logs the count store to a compacted changelog, and restores it on restart", async () => {
    const engine = await testEngine();
    await engine.createTopic({ name: "words", partitions: 2 });
    await produceJson(engine, "words", ["a", "b", "a"].map((w, i) => ({ key: `line${i}`, value: w, timestamp: i, partition: i % 2 })));
    const app = await engine.startApplication({ applicationId: "wc", source: COUNT });
    expect(app.internalTopics).toEqual(["wc-counts-repartition", "wc-counts-changelog"]);
    expect(engine.broker.topicConfig("wc-counts-changelog")["cleanup.policy"]).toEqual(["compact"]);
    expect(engine.partitionCount("wc-counts-repartition")).toBe(2);
    expect(engine.partitionCount("wc-counts-changelog")).toBe(2);
    const counts = () => dump(engine, "word-counts").then((rs) => rs.map((r) => `${String(r.key)}=${String(r.value)}`));
    expect((await counts()).sort()).toEqual(["a=1", "a=2", "b=1"]);

    await engine.stopApplication("wc");
    expect(engine.describeApplications()[0]!.state).toBe("NOT_RUNNING");
    await produceJson(engine, "words", [{ key: "x", value: "a", timestamp: 9, partition: 0 }]);
    const restarted = await engine.restartApplication({ applicationId: "wc" });
    expect(restarted.state).toBe("RUNNING");
    expect(restarted.stats.restored).toBeGreaterThan(0);
    // The count continues from the restored store, not from zero.
    expect((await counts()).sort()).toEqual(["a=1", "a=2", "a=3", "b=1"]);
    await engine.close();
  });

  it("reset: offsets back to the beginning, internal topics deleted, the same results again", async () => {
    const engine = await testEngine();
    await engine.createTopic({ name: "words", partitions: 1 });
    await produceJson(engine, "words", ["a", "a"].map((w, i) => ({ key: `l${i}`, value: w, timestamp: i })));
    await engine.startApplication({ applicationId: "wc", source: COUNT });
    const restarted = await engine.restartApplication({ applicationId: "wc", reset: true, wipeState: true });
    expect(restarted.stats.restored).toBe(0);
    const values = (await dump(engine, "word-counts")).map((r) => r.value);
    expect(values).toEqual([1, 2, 1, 2]);
    await engine.close();
  });

  it("an engine restart restarts running applications from their committed offsets, state restored", async () => {
    const engine = await testEngine();
    await engine.createTopic({ name: "words", partitions: 1 });
    await produceJson(engine, "words", [{ key: "l0", value: "a", timestamp: 0 }]);
    await engine.startApplication({ applicationId: "wc", source: COUNT });
    await engine.restart();
    const [app] = engine.describeApplications();
    expect(app!.state).toBe("RUNNING");
    expect(app!.stats.restored).toBe(1);
    await produceJson(engine, "words", [{ key: "l1", value: "a", timestamp: 1 }]);
    await engine.settle();
    expect((await dump(engine, "word-counts")).map((r) => r.value)).toEqual([1, 2]);
    await engine.close();
  });

  it("a topology that does not compile or is invalid never starts; a missing source topic is named", async () => {
    const engine = await testEngine();
    await engine.createTopic({ name: "words", partitions: 1 });
    await expect(engine.startApplication({ applicationId: "bad", source: COUNT.replace(".count(", ".cnt(") })).rejects.toThrow(
      /^bad:5:6: Property 'cnt' does not exist on type 'KGroupedStream<string, string>'/,
    );
    await expect(engine.startApplication({ applicationId: "lost", source: FILTER })).rejects.toThrow("Invalid topology: Topic not found: numbers");
    expect(engine.describeApplications()).toEqual([]);
    expect(engine.hasTopic("bad-counts-changelog")).toBe(false);
    await engine.close();
  });

  it("purges repartition records once committed, every repartition.purge.interval.ms", async () => {
    const engine = await testEngine();
    await engine.createTopic({ name: "words", partitions: 1 });
    await produceJson(engine, "words", ["a", "b"].map((w, i) => ({ key: `l${i}`, value: w, timestamp: i })));
    await engine.startApplication({ applicationId: "wc", source: COUNT, config: { "repartition.purge.interval.ms": 1000 } });
    const repartition = () => engine.broker.partition("wc-counts-repartition", 0);
    expect([repartition().logStartOffset, repartition().highWatermark]).toEqual([0, 2]);
    await engine.advance(1000);
    await produceJson(engine, "words", [{ key: "l2", value: "c", timestamp: 2 }]);
    await engine.settle();
    expect([repartition().logStartOffset, repartition().highWatermark]).toEqual([3, 3]);
    await engine.close();
  });
});
