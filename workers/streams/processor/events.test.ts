import { describe, expect, it } from "vitest";
import { StreamsBuilder, TopologyTestDriver } from "../index";
import type { StreamsEvent } from "./events";
import { StreamTask, type OutgoingRecord } from "../runtime";
import { VirtualScheduler } from "../../runtime/scheduler";

describe("UI events and the broker-facing task", () => {
  it("store updates carry the store, key, value and timestamp", () => {
    const b = new StreamsBuilder();
    b.stream<string, string>("in").groupByKey().count();
    const events: StreamsEvent[] = [];
    const driver = new TopologyTestDriver(b.build(), { listener: (e) => events.push(e) });
    driver.createInputTopic<string, string>("in").pipeInput("k", "v", 42);
    expect(events.filter((e) => e.type === "store-update")).toEqual([
      { type: "store-update", taskId: "0_0", store: "KSTREAM-AGGREGATE-STATE-STORE-0000000001", key: "k", value: 1, timestamp: 42 },
    ]);
    expect(events.filter((e) => e.type === "node-processed").map((e) => (e as { node: string }).node)).toEqual([
      "KSTREAM-SOURCE-0000000000",
      "KSTREAM-AGGREGATE-0000000002",
    ]);
  });

  it("a StreamTask for partition 3 reads prefixed internal topics and logs changes to its own changelog partition", () => {
    const b = new StreamsBuilder();
    b.stream<string, string>("in").groupBy((_k, v) => v).count().toStream().to("out");
    const topology = b.build();
    const sent: OutgoingRecord[] = [];
    const task = new StreamTask({
      topology,
      groupId: 1,
      partition: 3,
      applicationId: "app",
      collector: { send: (r) => sent.push(r) },
      scheduler: new VirtualScheduler(),
    });
    expect(task.id).toBe("1_3");
    expect(task.inputTopics()).toEqual(["app-KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition"]);
    const enc = new TextEncoder();
    task.process({ topic: "app-KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition", partition: 3, offset: 17, timestamp: 5, key: enc.encode("x"), value: enc.encode("x") });
    expect(sent.map((r) => [r.kind, r.topic, r.partition, new TextDecoder().decode(r.key!)])).toEqual([
      ["changelog", "app-KSTREAM-AGGREGATE-STATE-STORE-0000000002-changelog", 3, "x"],
      ["output", "out", undefined, "x"],
    ]);
    expect(task.streamTime()).toBe(5);
  });
});
