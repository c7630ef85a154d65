import { describe, expect, it } from "vitest";
import {
  ContextualProcessor,
  Named,
  PunctuationType,
  Record,
  Stores,
  StreamsBuilder,
  Topology,
  TopologyTestDriver,
  type KeyValueStore,
  type ProcessorContext,
} from "../index";

/** Counts per key in a store and emits the totals every 10 ms of stream time. */
class CountAndEmit extends ContextualProcessor<string, string, string, number> {
  private store!: KeyValueStore<string, number>;

  override init(context: ProcessorContext<string, number>): void {
    super.init(context);
    this.store = context.getStateStore<KeyValueStore<string, number>>("counts");
    context.schedule(10, PunctuationType.STREAM_TIME, (ts) => {
      for (const kv of this.store.all()) context.forward(new Record(kv.key, kv.value, ts));
    });
  }

  process(record: Record<string, string>): void {
    this.store.put(record.key(), (this.store.get(record.key()) ?? 0) + 1);
  }
}

describe("process() and the Processor API", () => {
  it("a processor with a connected store and stream-time punctuation", () => {
    const b = new StreamsBuilder();
    b.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("counts")));
    b.stream<string, string>("in").process(() => new CountAndEmit(), "counts").to("out");
    const driver = new TopologyTestDriver(b.build(), { applicationId: "p" });
    const input = driver.createInputTopic<string, string>("in");
    const out = driver.createOutputTopic("out");
    // Stream-time punctuation is aligned to 0: it fires on the first record, then at 10, 20...
    input.pipeInput("a", "x", 3);
    expect(out.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([["a", 1, 3]]);
    input.pipeInput("a", "x", 7);
    input.pipeInput("b", "x", 9);
    expect(out.readRecordsToList()).toEqual([]);
    input.pipeInput("b", "x", 25);
    expect(out.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([
      ["a", 2, 25],
      ["b", 2, 25],
    ]);
    expect(driver.producedTopicNames()).toContain("p-counts-changelog");
  });

  it("wall-clock punctuations run on the engine clock moved by advanceWallClockTime", () => {
    const ticks: number[] = [];
    const b = new StreamsBuilder();
    b.stream<string, string>("in").process(() => ({
      init(ctx: ProcessorContext<never, never>) {
        ctx.schedule(100, PunctuationType.WALL_CLOCK_TIME, (t) => ticks.push(t));
      },
      process() {},
    }));
    const driver = new TopologyTestDriver(b.build(), { startTime: 1_000 });
    driver.advanceWallClockTime(99);
    expect(ticks).toEqual([]);
    driver.advanceWallClockTime(250);
    expect(ticks).toEqual([1_100, 1_200, 1_300]);
  });

  it("a store declared by the supplier is added and connected; a store not connected is refused", () => {
    const b = new StreamsBuilder();
    b.stream<string, string>("in").process({
      get: () => ({
        init(ctx: ProcessorContext<never, never>) {
          ctx.getStateStore("own");
          expect(() => ctx.getStateStore("other")).toThrow("has no access to StateStore other");
        },
        process() {},
      }),
      stores: () => [Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("own"))],
    });
    b.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("other")));
    b.stream("x").process(() => ({ process() {} }), Named.as("user"), "other");
    const driver = new TopologyTestDriver(b.build());
    expect(driver.getKeyValueStore("own")).toBeDefined();
  });

  it("record metadata, headers and forwarding to a named child", () => {
    const seen: string[] = [];
    const t = new Topology()
      .addSource("src", "in")
      .addProcessor(
        "router",
        () =>
          new (class extends ContextualProcessor<string, string, string, string> {
            process(record: Record<string, string>): void {
              const m = this.context().recordMetadata()!;
              seen.push(`${m.topic()}-${m.partition()}@${m.offset()}`);
              this.context().forward(record, record.value() === "x" ? "to-x" : "to-y");
            }
          })(),
        "src",
      )
      .addSink("to-x", "x-topic", "router")
      .addSink("to-y", "y-topic", "router");
    const driver = new TopologyTestDriver(t);
    const input = driver.createInputTopic<string, string>("in");
    input.pipeInput("k", "x", 0);
    input.pipeInput("k", "y", 0);
    expect(seen).toEqual(["in-0@0", "in-0@1"]);
    expect(driver.createOutputTopic("x-topic").readValuesToList()).toEqual(["x"]);
    expect(driver.createOutputTopic("y-topic").readValuesToList()).toEqual(["y"]);
  });

  it("processValues keeps the input key whatever the processor forwards", () => {
    const b = new StreamsBuilder();
    b.stream<string, string>("in")
      .processValues(
        () =>
          new (class extends ContextualProcessor<string, string, string, number> {
            process(record: Record<string, string>): void {
              this.context().forward(record.withKey("changed").withValue(record.value().length));
            }
          })(),
      )
      .to("out");
    const driver = new TopologyTestDriver(b.build());
    driver.createInputTopic<string, string>("in").pipeInput("k", "abcd", 0);
    expect(driver.createOutputTopic("out").readKeyValuesToList().map((kv) => [kv.key, kv.value])).toEqual([["k", 4]]);
  });
});
