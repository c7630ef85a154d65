import { describe, expect, it } from "vitest";
import { BufferConfig, SessionWindows, StreamsBuilder, StreamsException, Suppressed, TimeWindows, TopologyException, TopologyTestDriver, Windowed } from "../../index";

describe("suppress", () => {
  it("untilWindowCloses waits for stream time >= window end + grace, emits once, never emits deletes", () => {
    const b = new StreamsBuilder();
    b.stream<string, string>("in")
      .groupByKey()
      .windowedBy(SessionWindows.ofInactivityGapAndGrace(5, 0))
      .count()
      .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
      .toStream()
      .to("out");
    const driver = new TopologyTestDriver(b.build());
    const input = driver.createInputTopic<string, string>("in");
    const out = driver.createOutputTopic<Windowed<string>, number>("out");
    input.pipeInput("A", "v", 0);
    input.pipeInput("A", "v", 3);
    expect(out.readRecordsToList()).toEqual([]);
    // Session [0,3] closes when streamTime - grace - gap >= 3, i.e. at stream time 8.
    input.pipeInput("B", "v", 7);
    expect(out.readRecordsToList()).toEqual([]);
    input.pipeInput("B", "v", 8);
    expect(out.readRecordsToList().map((r) => [r.key.key(), r.window, r.value, r.timestamp])).toEqual([["A", { start: 0, end: 3 }, 2, 3]]);
  });

  it("untilWindowCloses is refused without an upstream windowed aggregation", () => {
    const b = new StreamsBuilder();
    const counts = b.stream("in").groupByKey().count();
    expect(() => counts.suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))).toThrow(TopologyException);
    expect(() => counts.suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))).toThrow(
      "Window close time is only defined for windowed computations.",
    );
  });

  it("untilTimeLimit holds the latest value of a key until stream time passes its first update + limit", () => {
    const b = new StreamsBuilder();
    b.stream<string, string>("in").groupByKey().count().suppress(Suppressed.untilTimeLimit(10, BufferConfig.unbounded())).toStream().to("out");
    const driver = new TopologyTestDriver(b.build());
    const input = driver.createInputTopic<string, string>("in");
    const out = driver.createOutputTopic("out");
    input.pipeInput("a", "v", 0);
    input.pipeInput("a", "v", 4);
    input.pipeInput("b", "v", 5);
    expect(out.readKeyValuesToList()).toEqual([]);
    input.pipeInput("c", "v", 10);
    expect(out.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([["a", 2, 4]]);
    input.pipeInput("c", "v", 15);
    expect(out.readRecordsToList().map((r) => [r.key, r.value])).toEqual([["b", 1]]);
  });

  it("maxRecords with emitEarlyWhenFull releases the oldest entries; shutDownWhenFull fails the task", () => {
    const build = (config: BufferConfig) => {
      const b = new StreamsBuilder();
      b.stream<string, string>("in").groupByKey().count().suppress(Suppressed.untilTimeLimit(1000, config)).toStream().to("out");
      const driver = new TopologyTestDriver(b.build());
      return { driver, input: driver.createInputTopic<string, string>("in") };
    };
    const early = build(BufferConfig.maxRecords(2).emitEarlyWhenFull());
    for (const k of ["a", "b", "c"]) early.input.pipeInput(k, "v", 1);
    expect(early.driver.createOutputTopic("out").readKeyValuesToList().map((kv) => kv.key)).toEqual(["a"]);
    const strict = build(BufferConfig.maxRecords(2).shutDownWhenFull());
    strict.input.pipeInput("a", "v", 1);
    strict.input.pipeInput("b", "v", 1);
    expect(() => strict.input.pipeInput("c", "v", 1)).toThrow(StreamsException);
    expect(() => Suppressed.untilWindowCloses(BufferConfig.maxRecords(3))).toThrow("strict buffer");
  });

  it("the final-results buffer is a store with a changelog", () => {
    const b = new StreamsBuilder();
    b.stream<string, string>("in")
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .count()
      .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()).withName("final"))
      .toStream()
      .to("out");
    const driver = new TopologyTestDriver(b.build(), { applicationId: "s" });
    const input = driver.createInputTopic<string, string>("in");
    input.pipeInput("k", "v", 1);
    input.pipeInput("k", "v", 12);
    expect(driver.producedTopicNames()).toContain("s-final-store-changelog");
    const changelog = driver.createOutputTopic("s-final-store-changelog").readRecordsToList();
    // Buffered at ts 1, buffered at 12, then the [0,10) entry is evicted (a null).
    expect(changelog.map((r) => r.value === null)).toEqual([false, false, true]);
  });
});
