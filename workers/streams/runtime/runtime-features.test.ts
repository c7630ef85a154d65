/**
 * What the broker path adds around the DSL: events for the workbench, the exception
 * handlers, wall-clock punctuation on the engine clock, global tables, the partition-group
 * order, and the state machine.
 */
import { describe, expect, it } from "vitest";
import type { StreamsEngineEvent } from "../../engine/engine";
import type { StreamsBuilder } from "../index";
import { Record } from "../record";
import { PunctuationType, type ProcessorContext } from "../processor/processor-context";
import { TimeWindows } from "../windows/time-windows";
import { Duration } from "../named";
import { InProcessChannel } from "./processing-channel";
import { ProcessingRuntime } from "./processing-runtime";
import { mergeByTimestamp } from "./partition-group";
import { isValidTransition, StreamsStateMachine } from "./streams-state";
import { dump, produceJson, testEngine } from "./test-support";

const withFactory = (build: (b: StreamsBuilder) => void) => () => new InProcessChannel(new ProcessingRuntime({ factory: build }));

describe("the broker path around the DSL", () => {
  it("forwards events: state changes, task assignment, per-node counts, window updates, late drops and store updates", async () => {
    const events: StreamsEngineEvent[] = [];
    const engine = await testEngine({
      events,
      streamsEvents: true,
      processing: withFactory((b) => {
        b.stream<string, string>("clicks")
          .groupByKey()
          .windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofSeconds(10)))
          .count()
          .toStream()
          .to("counts");
      }),
    });
    await engine.createTopic({ name: "clicks", partitions: 1 });
    await produceJson(engine, "clicks", [
      { key: "a", value: "x", timestamp: 1000 },
      { key: "a", value: "x", timestamp: 12000 },
      { key: "a", value: "x", timestamp: 2000 },
    ]);
    await engine.startApplication({ applicationId: "w", source: "" });
    const of = (type: string) => events.filter((e) => e.applicationId === "w" && e.event.type === type).map((e) => e.event);
    expect(of("state-change").map((e) => (e as { to: string }).to)).toEqual(["REBALANCING", "RUNNING"]);
    expect(of("task-assignment")).toEqual([{ type: "task-assignment", tasks: [{ id: "0_0", partitions: ["clicks-0"] }] }]);
    const perNode = new Map(of("node-processed").map((e) => [(e as { node: string }).node, (e as { total: number }).total]));
    expect(perNode.get("KSTREAM-SOURCE-0000000000")).toBe(3);
    expect(of("window-update").length).toBeGreaterThanOrEqual(2);
    expect(of("late-record-dropped")).toEqual([expect.objectContaining({ key: "a", timestamp: 2000, window: { start: 0, end: 10000 } })]);
    expect(of("store-update").length).toBeGreaterThanOrEqual(2);
    expect(of("committed").length).toBeGreaterThanOrEqual(1);
    expect((await dump(engine, "counts")).map((r) => r.key)).toEqual([
      { key: "a", window: { start: 0, end: 10000 } },
      { key: "a", window: { start: 10000, end: 20000 } },
    ]);
    await engine.close();
  });

  it("deserialization.exception.handler=logAndContinue skips a bad record and counts it; logAndFail stops the application", async () => {
    const build = (b: StreamsBuilder) => {
      b.stream<string, number>("nums", { valueSerde: { name: "strict-int", serialize: (_t: string, v: number) => new TextEncoder().encode(String(v)), deserialize: (_t: string, bytes: Uint8Array | null) => { const n = Number(new TextDecoder().decode(bytes!)); if (!Number.isInteger(n)) throw new Error("not an integer"); return n; } } } as never)
        .mapValues((v) => v * 10)
        .to("tens");
    };
    for (const handler of ["logAndContinue", "logAndFail"]) {
      const engine = await testEngine({ processing: withFactory(build) });
      await engine.createTopic({ name: "nums", partitions: 1 });
      await produceJson(engine, "nums", [{ value: 1 }, { value: "one" }, { value: 3 }]);
      await engine.startApplication({ applicationId: "t", source: "", config: { "deserialization.exception.handler": handler } });
      const [app] = engine.describeApplications();
      if (handler === "logAndContinue") {
        expect(app!.state).toBe("RUNNING");
        expect(app!.stats.skipped).toBe(1);
        expect((await dump(engine, "tens")).map((r) => r.value)).toEqual([10, 30]);
      } else {
        expect(app!.state).toBe("ERROR");
        expect(app!.failure).toMatchObject({ reason: "user-code", topic: "nums", partition: 0, offset: 1 });
        expect(app!.failure!.message).toBe("Error: not an integer");
      }
      await engine.close();
    }
  });

  it("wall-clock punctuations fire as the engine clock passes their due times", async () => {
    const engine = await testEngine({
      processing: withFactory((b) => {
        b.stream<string, string>("ticks-in").process(() => {
          let ctx: ProcessorContext<string, string>;
          return {
            init(c: ProcessorContext<string, string>) {
              ctx = c;
              c.schedule(1000, PunctuationType.WALL_CLOCK_TIME, (t) => ctx.forward(new Record("tick", String(t), t)));
            },
            process() {},
          };
        }).to("ticks");
      }),
      clockStart: 500,
    });
    await engine.createTopic({ name: "ticks-in", partitions: 1 });
    await engine.startApplication({ applicationId: "p", source: "" });
    await engine.advance(2600);
    expect((await dump(engine, "ticks")).map((r) => r.value)).toEqual([1500, 2500]);
    await engine.close();
  });

  it("a global table is read whole by every instance and joined without co-partitioning", async () => {
    const engine = await testEngine({
      processing: withFactory((b) => {
        const countries = b.globalTable<string, string>("countries");
        b.stream<string, { country: string }>("users")
          .join(countries, (_k, v) => v.country, (user, country) => ({ ...user, name: country }))
          .to("users-with-country");
      }),
    });
    await engine.createTopic({ name: "countries", partitions: 3 });
    await engine.createTopic({ name: "users", partitions: 1 });
    await produceJson(engine, "countries", [
      { key: "ch", value: "Switzerland", timestamp: 1 },
      { key: "de", value: "Germany", timestamp: 1 },
    ]);
    await produceJson(engine, "users", [{ key: "u1", value: { country: "de" }, timestamp: 5 }]);
    const app = await engine.startApplication({ applicationId: "g", source: "" });
    expect(app.tasks.map((t) => t.id)).toEqual(["0_global", "1_0"]);
    expect((await dump(engine, "users-with-country")).map((r) => r.value)).toEqual([{ country: "de", name: "Germany" }]);
    await engine.close();
  });

  it("a task takes the record with the lowest timestamp next across its partitions", () => {
    const a = [{ timestamp: 1, id: "a1" }, { timestamp: 5, id: "a2" }, { timestamp: 2, id: "a3" }];
    const b = [{ timestamp: 3, id: "b1" }, { timestamp: 4, id: "b2" }];
    // a3 is behind a2 in its partition: order within a partition is never broken.
    expect(mergeByTimestamp([a, b]).map((r) => r.id)).toEqual(["a1", "b1", "b2", "a2", "a3"]);
    expect(mergeByTimestamp([[{ timestamp: 1, id: "x" }], [{ timestamp: 1, id: "y" }]]).map((r) => r.id)).toEqual(["x", "y"]);
  });

  it("KafkaStreams.State transitions as Kafka allows them", () => {
    expect(isValidTransition("CREATED", "RUNNING")).toBe(false);
    expect(isValidTransition("RUNNING", "REBALANCING")).toBe(true);
    expect(isValidTransition("ERROR", "RUNNING")).toBe(false);
    const seen: string[] = [];
    const m = new StreamsStateMachine("app", (from, to) => seen.push(`${from}->${to}`));
    m.to("REBALANCING");
    m.to("RUNNING");
    m.to("PENDING_ERROR");
    expect(() => m.to("RUNNING")).toThrow("streams application \"app\": state transition from PENDING_ERROR to RUNNING is not allowed");
    m.to("ERROR");
    expect(seen).toEqual(["CREATED->REBALANCING", "REBALANCING->RUNNING", "RUNNING->PENDING_ERROR", "PENDING_ERROR->ERROR"]);
  });
});
