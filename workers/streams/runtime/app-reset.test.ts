/**
 * A restart with reset: the state wiped (the application reset tool: counts start again
 * from zero) or kept (only the input offsets go back: the stores are restored from their
 * changelogs and every record is counted a second time on top).
 */
import { describe, expect, it } from "vitest";
import { resetInputOffsets } from "./app-reset";
import { dump, produceJson, testEngine } from "./test-support";

const COUNT = `import { type StreamsBuilder, Materialized } from "streamlab";
export default (builder: StreamsBuilder) => {
  builder.stream<string, string>("words")
    .groupBy((_k, w) => w)
    .count(Materialized.as("counts"))
    .toStream()
    .to("word-counts");
};
`;

async function countedThreeWords() {
  const engine = await testEngine();
  await engine.createTopic({ name: "words", partitions: 1 });
  await produceJson(engine, "words", ["a", "b", "a"].map((w, i) => ({ key: `l${i}`, value: w, timestamp: i })));
  await engine.startApplication({ applicationId: "wc", source: COUNT });
  return engine;
}

/** The newest count per word in the output topic. */
async function latestCounts(engine: Awaited<ReturnType<typeof testEngine>>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const r of await dump(engine, "word-counts")) out[String(r.key)] = r.value as number;
  return out;
}

async function committed(engine: Awaited<ReturnType<typeof testEngine>>): Promise<Record<string, number> | undefined> {
  return (await engine.describeGroups()).find((g) => g.group === "wc")?.committed;
}

describe("restart with reset: state wiped or kept", () => {
  it("before either: three words counted, a=2 b=1, the store logged to its changelog", async () => {
    const engine = await countedThreeWords();
    expect(await latestCounts(engine)).toEqual({ a: 2, b: 1 });
    expect((await dump(engine, "wc-counts-changelog")).length).toBe(3);
    expect(await committed(engine)).toMatchObject({ "words-0": 3 });
    await engine.close();
  });

  it("reset wiping the state (the reset tool): internal topics deleted and recreated empty, counts start from zero", async () => {
    const engine = await countedThreeWords();
    const restarted = await engine.restartApplication({ applicationId: "wc", reset: true, wipeState: true });
    expect(restarted.state).toBe("RUNNING");
    expect(restarted.stats.restored).toBe(0);
    expect(await latestCounts(engine)).toEqual({ a: 2, b: 1 });
    // The output holds both runs' results; the second run counted from zero again.
    expect((await dump(engine, "word-counts")).map((r) => `${String(r.key)}=${String(r.value)}`)).toEqual(["a=1", "b=1", "a=2", "a=1", "b=1", "a=2"]);
    // The recreated changelog holds only the new run's three updates, from offset 0.
    expect((await dump(engine, "wc-counts-changelog")).map((r) => r.offset)).toEqual([0, 1, 2]);
    expect(await committed(engine)).toMatchObject({ "words-0": 3 });
    await engine.close();
  });

  it("reset keeping the state (input offsets only): stores restored from the changelog, every word counted again on top", async () => {
    const engine = await countedThreeWords();
    const restarted = await engine.restartApplication({ applicationId: "wc", reset: true, wipeState: false });
    expect(restarted.state).toBe("RUNNING");
    // The changelog was kept and read back: its three records restored the store.
    expect(restarted.stats.restored).toBe(3);
    expect(await latestCounts(engine)).toEqual({ a: 4, b: 2 });
    expect((await dump(engine, "word-counts")).map((r) => `${String(r.key)}=${String(r.value)}`)).toEqual(["a=1", "b=1", "a=2", "a=3", "b=2", "a=4"]);
    // The same changelog, now with both runs' updates.
    expect((await dump(engine, "wc-counts-changelog")).map((r) => r.offset)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await committed(engine)).toMatchObject({ "words-0": 3 });
    await engine.close();
  });

  it("a reset left without wipeState is the reset tool, as before the choice existed", async () => {
    const engine = await countedThreeWords();
    await engine.restartApplication({ applicationId: "wc", reset: true });
    expect(await latestCounts(engine)).toEqual({ a: 2, b: 1 });
    await engine.close();
  });

  it("without reset, wiping the state changes nothing: the stores come back from the changelogs either way", async () => {
    for (const wipeState of [true, false]) {
      const engine = await countedThreeWords();
      const restarted = await engine.restartApplication({ applicationId: "wc", wipeState });
      expect(restarted.stats.restored).toBe(3);
      await produceJson(engine, "words", [{ key: "l3", value: "a", timestamp: 3 }]);
      await engine.settle();
      expect(await latestCounts(engine)).toEqual({ a: 3, b: 1 });
      await engine.close();
    }
  });

  it("an input offset reset needs the group empty, as kafka-consumer-groups does", async () => {
    const engine = await countedThreeWords();
    await expect(resetInputOffsets(engine.broker, "wc", ["words"])).rejects.toThrow(
      'offset reset of streams application "wc": its consumer group is Stable and still has members; stop every instance first',
    );
    await engine.stopApplication("wc");
    expect(await resetInputOffsets(engine.broker, "wc", ["words"])).toEqual({ inputOffsets: { "words-0": 0 }, deletedTopics: [] });
    expect(await committed(engine)).toMatchObject({ "words-0": 0 });
    await engine.close();
  });
});
