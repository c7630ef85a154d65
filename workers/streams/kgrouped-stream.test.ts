import { describe, expect, it } from "vitest";
import { Grouped, Materialized, Serdes, SessionWindows, StreamsBuilder, TimeWindows, TopologyTestDriver, Windowed, EmitStrategy, SlidingWindows } from "./index";
import type { StreamsEvent } from "./processor/events";

describe("KGroupedStream aggregations", () => {
  it("count over keys A, A, B emits A:1, A:2, B:1 (every update: no record cache)", () => {
    const b = new StreamsBuilder();
    b.stream<string, string>("in").groupByKey().count().toStream().to("out");
    const driver = new TopologyTestDriver(b.build());
    const input = driver.createInputTopic<string, string>("in");
    input.pipeInput("A", "x", 1);
    input.pipeInput("A", "y", 5);
    input.pipeInput("B", "z", 3);
    expect(driver.createOutputTopic("out").readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([
      ["A", 1, 1],
      ["A", 2, 5],
      ["B", 1, 3],
    ]);
  });

  it("aggregate and reduce keep the max timestamp of the contributing records", () => {
    const b = new StreamsBuilder();
    const grouped = b.stream<string, number>("in").groupByKey();
    grouped.reduce((a, c) => a + c).toStream().to("sum");
    grouped
      .aggregate(
        () => [] as number[],
        (_k, v, agg) => [...agg, v],
      )
      .toStream()
      .to("list");
    const driver = new TopologyTestDriver(b.build());
    const input = driver.createInputTopic<string, number>("in");
    input.pipeInput("k", 1, 10);
    input.pipeInput("k", 2, 4);
    input.pipeInput("k", 3, 12);
    expect(driver.createOutputTopic("sum").readRecordsToList().map((r) => [r.value, r.timestamp])).toEqual([
      [1, 10],
      [3, 10],
      [6, 12],
    ]);
    expect(driver.createOutputTopic("list").readValuesToList()).toEqual([[1], [1, 2], [1, 2, 3]]);
  });

  it("null keys and null values are skipped and counted as dropped records", () => {
    const b = new StreamsBuilder();
    b.stream<string, string>("in").groupByKey().count().toStream().to("out");
    const events: StreamsEvent[] = [];
    const driver = new TopologyTestDriver(b.build(), { listener: (e) => events.push(e) });
    const input = driver.createInputTopic<string | null, string | null>("in");
    input.pipeInput(null, "v", 1);
    input.pipeInput("k", null, 2);
    input.pipeInput("k", "v", 3);
    expect(driver.createOutputTopic("out").readKeyValuesToList().map((kv) => [kv.key, kv.value])).toEqual([["k", 1]]);
    expect(driver.droppedRecordsTotal()).toBe(2);
    expect(events.filter((e) => e.type === "record-dropped").map((e) => (e as { reason: string }).reason)).toEqual([
      "null-key-or-value",
      "null-key-or-value",
    ]);
  });

  it("the store is queryable by its Materialized name and its changes go to <app>-<store>-changelog", () => {
    const b = new StreamsBuilder();
    b.stream<string, string>("in").groupBy((_k, v) => v, Grouped.as("by-word")).count(Materialized.as("word-counts"));
    const driver = new TopologyTestDriver(b.build(), { applicationId: "wc" });
    const input = driver.createInputTopic<string, string>("in");
    input.pipeInput("1", "hello", 100);
    input.pipeInput("2", "world", 200);
    input.pipeInput("3", "hello", 300);
    const store = driver.getKeyValueStore<string, number>("word-counts")!;
    expect(store.get("hello")).toBe(2);
    expect(store.all().toArray().map((kv) => [kv.key, kv.value])).toEqual([
      ["hello", 2],
      ["world", 1],
    ]);
    expect(driver.getTimestampedKeyValueStore<string, number>("word-counts")!.get("hello")!.timestamp()).toBe(300);
    expect(driver.producedTopicNames()).toEqual(new Set(["wc-by-word-repartition", "wc-word-counts-changelog"]));
    const changelog = driver.createOutputTopic("wc-word-counts-changelog", Serdes.String(), Serdes.ByteArray()).readRecordsToList();
    expect(changelog.map((r) => r.key)).toEqual(["hello", "world", "hello"]);
    // A timestamped store logs the 8-byte timestamp, then the value.
    const last = changelog[2]!;
    expect(Number(new DataView(last.value.buffer, last.value.byteOffset).getBigInt64(0))).toBe(300);
    expect(new TextDecoder().decode(last.value.subarray(8))).toBe("2");
    expect(last.timestamp).toBe(300);
  });

  it("Materialized.withLoggingDisabled() writes no changelog", () => {
    const b = new StreamsBuilder();
    b.stream<string, string>("in").groupByKey().count(Materialized.as<string, number>("c").withLoggingDisabled());
    const driver = new TopologyTestDriver(b.build(), { applicationId: "x" });
    driver.createInputTopic<string, string>("in").pipeInput("k", "v", 0);
    expect(driver.producedTopicNames().size).toBe(0);
  });
});

describe("windowed aggregations", () => {
  it("windowed keys are written as key bytes + 8-byte window start, with the window kept for the runner", () => {
    const b = new StreamsBuilder();
    b.stream<string, { app_id: string }>("apps_opened")
      .groupBy((_k, v) => v.app_id)
      .windowedBy(TimeWindows.ofSizeWithNoGrace(86_400_000))
      .count()
      .toStream()
      .to("opened_per_day");
    const driver = new TopologyTestDriver(b.build());
    const input = driver.createInputTopic<string, { app_id: string }>("apps_opened");
    input.pipeInput("u1", { app_id: "maps" }, 1_000);
    input.pipeInput("u2", { app_id: "maps" }, 86_400_001);
    const records = driver.createOutputTopic<Windowed<string>, number>("opened_per_day").readRecordsToList();
    expect(records.map((r) => [r.key.toString(), r.value, r.window])).toEqual([
      ["[maps@0/86400000]", 1, { start: 0, end: 86_400_000 }],
      ["[maps@86400000/172800000]", 1, { start: 86_400_000, end: 172_800_000 }],
    ]);
    const raw = driver.producedTopicNames();
    expect(raw.has("opened_per_day")).toBe(true);
  });

  it("window-update, late-record-dropped and window-closed events follow stream time", () => {
    const b = new StreamsBuilder();
    b.stream<string, string>("in").groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(10, 5)).count();
    const events: StreamsEvent[] = [];
    const driver = new TopologyTestDriver(b.build(), { listener: (e) => events.push(e) });
    const input = driver.createInputTopic<string, string>("in");
    input.pipeInput("k", "v", 3);
    input.pipeInput("k", "v", 14);
    input.pipeInput("k", "v", 15);
    input.pipeInput("k", "v", 9);
    const interesting = events
      .filter((e) => e.type === "window-update" || e.type === "window-closed" || e.type === "late-record-dropped")
      .map((e) => `${e.type} [${(e as { window: { start: number } }).window.start}] ${"value" in e ? String(e.value) : ""}`);
    expect(interesting).toEqual([
      "window-update [0] 1",
      "window-update [10] 1",
      "window-update [10] 2",
      "window-closed [0] 1",
      "late-record-dropped [0] ",
    ]);
    expect(driver.droppedRecordsTotal()).toBe(1);
    const processed = driver.processedCounts();
    expect(processed.get("KSTREAM-SOURCE-0000000000")).toBe(4);
    expect(processed.get("KSTREAM-AGGREGATE-0000000002")).toBe(4);
  });

  it("emitStrategy(onWindowClose) emits each window once when it closes (KIP-825)", () => {
    const b = new StreamsBuilder();
    b.stream<string, string>("in")
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeAndGrace(5, 2))
      .emitStrategy(EmitStrategy.onWindowClose())
      .count()
      .toStream()
      .to("out");
    const driver = new TopologyTestDriver(b.build());
    const input = driver.createInputTopic<string, string>("in");
    for (const ts of [1, 3, 6, 4, 12, 5, 2]) input.pipeInput("A", "v", ts);
    input.pipeInput("B", "v", 13);
    const out = driver.createOutputTopic<Windowed<string>, number>("out").readRecordsToList();
    // Stream time jumps to 12: [0, 5) closed, but also fell out of the store's retention
    // (size + grace = 7, counted from the newest window start, 10) before it could be
    // emitted, as in Kafka's time-ordered store; only [5, 10) comes out.
    expect(out.map((r) => [r.key.key(), r.window, r.value, r.timestamp])).toEqual([["A", { start: 5, end: 10 }, 1, 6]]);
  });

  it("session windows with emitStrategy(onWindowClose) emit merged sessions once closed", () => {
    const b = new StreamsBuilder();
    b.stream<string, string>("in")
      .groupByKey()
      .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5))
      .emitStrategy(EmitStrategy.onWindowClose())
      .count()
      .toStream()
      .to("out");
    const driver = new TopologyTestDriver(b.build());
    const input = driver.createInputTopic<string, string>("in");
    for (const ts of [0, 3, 20, 30]) input.pipeInput("A", "v", ts);
    const out = driver.createOutputTopic<Windowed<string>, number>("out").readRecordsToList();
    expect(out.map((r) => [r.window, r.value])).toEqual([
      [{ start: 0, end: 3 }, 2],
      [{ start: 20, end: 20 }, 1],
    ]);
  });

  it("session reduce and aggregate merge bridged sessions with the merger", () => {
    const b = new StreamsBuilder();
    const windowed = b.stream<string, string>("in").groupByKey().windowedBy(SessionWindows.ofInactivityGapAndGrace(5, 100));
    windowed.reduce((a, c) => `${a}${c}`).toStream().to("joined");
    windowed
      .aggregate(
        () => 0,
        (_k, v, agg) => agg + v.length,
        (_k, a, c) => a + c,
      )
      .toStream()
      .to("lengths");
    const driver = new TopologyTestDriver(b.build());
    const input = driver.createInputTopic<string, string>("in");
    input.pipeInput("k", "a", 0);
    input.pipeInput("k", "bb", 10);
    input.pipeInput("k", "ccc", 5);
    const joined = driver.createOutputTopic<Windowed<string>, string | null>("joined").readRecordsToList();
    expect(joined.map((r) => [r.window, r.value])).toEqual([
      [{ start: 0, end: 0 }, "a"],
      [{ start: 10, end: 10 }, "bb"],
      [{ start: 0, end: 0 }, null],
      [{ start: 10, end: 10 }, null],
      [{ start: 0, end: 10 }, "abbccc"],
    ]);
    expect(driver.createOutputTopic("lengths").readValuesToList().at(-1)).toBe(6);
  });

  it("sliding windows: an out-of-order record updates the windows containing it and gets its right window", () => {
    const b = new StreamsBuilder();
    b.stream<string, string>("in").groupByKey().windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10, 100)).count().toStream().to("out");
    const driver = new TopologyTestDriver(b.build());
    const input = driver.createInputTopic<string, string>("in");
    input.pipeInput("A", "v", 20);
    input.pipeInput("A", "v", 32);
    input.pipeInput("A", "v", 25);
    const out = driver.createOutputTopic<Windowed<string>, number>("out").readRecordsToList();
    expect(out.map((r) => [r.window!.start, r.window!.end, r.value, r.timestamp])).toEqual([
      [10, 20, 1, 20],
      // 32 is outside 20's right window [21,31], so only its left window exists.
      [22, 32, 1, 32],
      // 25 arrives late: it joins [22,32], creates 20's right window [21,31], its left
      // window [15,25] seeded with 20's aggregate, and its own right window [26,36] (just 32).
      [22, 32, 2, 32],
      [21, 31, 1, 25],
      [15, 25, 2, 25],
      [26, 36, 1, 32],
    ]);
  });

  it("sliding windows: records earlier than the time difference share the [0, d] window", () => {
    const b = new StreamsBuilder();
    b.stream<string, string>("in").groupByKey().windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10, 100)).count().toStream().to("out");
    const driver = new TopologyTestDriver(b.build());
    const input = driver.createInputTopic<string, string>("in");
    input.pipeInput("A", "v", 3);
    input.pipeInput("A", "v", 7);
    const out = driver.createOutputTopic<Windowed<string>, number>("out").readRecordsToList();
    expect(out.map((r) => [r.window!.start, r.window!.end, r.value])).toEqual([
      [0, 10, 1],
      [4, 14, 1],
      [0, 10, 2],
    ]);
  });

  it("a Materialized retention below size + grace is refused", () => {
    const b = new StreamsBuilder();
    const windowed = b.stream("in").groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(10, 5));
    expect(() => windowed.count(Materialized.as<unknown, number>("w").withRetention(14))).toThrow(
      "must be no smaller than its window size plus the grace period. Got size=[10], grace=[5], retention=[14]",
    );
  });
});
