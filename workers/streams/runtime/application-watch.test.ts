import { describe, expect, it } from "vitest";
import type { StreamsEngineEvent } from "../../engine/engine";
import type { WatchedRecord } from "./protocol";
import { produceJson, testEngine } from "./test-support";

const FILTER = `import { type StreamsBuilder } from "streamlab";
export default (builder: StreamsBuilder) => {
  builder.stream<string, { n: number }>("numbers")
    .filter((_k, v) => v.n % 2 === 0)
    .mapValues((v) => ({ n: v.n, doubled: v.n * 2 }))
    .to("even");
};
`;

function nodeRecords(events: StreamsEngineEvent[]): WatchedRecord[] {
  const out: WatchedRecord[] = [];
  for (const { event } of events) if (event.type === "node-record") out.push(event);
  return out;
}

describe("watching an application from the workbench", () => {
  it("a watched filter reports the records it received, passed or filtered out, only while watched", async () => {
    const events: StreamsEngineEvent[] = [];
    const engine = await testEngine({ events });
    await engine.createTopic({ name: "numbers", partitions: 2 });
    await engine.createTopic({ name: "even", partitions: 2 });
    const app = await engine.startApplication({ applicationId: "evens", source: FILTER });
    const filter = app.nodes.find((n) => n.name.includes("FILTER"))!.name;
    // Not watched: nothing recorded.
    await produceJson(engine, "numbers", [{ key: "k1", value: { n: 1 }, timestamp: 10, partition: 1 }]);
    await engine.settle();
    expect(nodeRecords(events)).toEqual([]);

    engine.watchApplication("evens", { nodes: [filter] });
    await produceJson(engine, "numbers", [2, 3].map((n) => ({ key: `k${n}`, value: { n }, timestamp: n * 10, partition: n % 2 })));
    await engine.settle();
    const seen = nodeRecords(events).sort((a, b) => a.key!.localeCompare(b.key!));
    expect(seen).toEqual([
      { type: "node-record", taskId: "0_0", node: filter, key: "k2", value: '{"n":2}', timestamp: 20, topic: "numbers", partition: 0, offset: 0, forwarded: 1 },
      { type: "node-record", taskId: "0_1", node: filter, key: "k3", value: '{"n":3}', timestamp: 30, topic: "numbers", partition: 1, offset: 1, forwarded: 0 },
    ]);

    engine.watchApplication("evens", { nodes: [] });
    await produceJson(engine, "numbers", [{ key: "k4", value: { n: 4 }, timestamp: 40, partition: 0 }]);
    await engine.settle();
    expect(nodeRecords(events)).toHaveLength(2);
    await engine.close();
  });

  it("a watch set before a restart holds for the new instance", async () => {
    const events: StreamsEngineEvent[] = [];
    const engine = await testEngine({ events });
    await engine.createTopic({ name: "numbers", partitions: 1 });
    await engine.createTopic({ name: "even", partitions: 1 });
    const app = await engine.startApplication({ applicationId: "evens", source: FILTER });
    const map = app.nodes.find((n) => n.name.includes("MAPVALUES"))!.name;
    engine.watchApplication("evens", { nodes: [map] });
    await engine.restartApplication({ applicationId: "evens" });
    await produceJson(engine, "numbers", [{ key: "k8", value: { n: 8 }, timestamp: 80 }]);
    await engine.settle();
    expect(nodeRecords(events).map((r) => [r.node, r.key, r.value, r.forwarded])).toEqual([[map, "k8", '{"n":8}', 1]]);
    await engine.close();
  });

  it("per-key ordering of an application: an event-time regression in the input is reported with its task, only while watched", async () => {
    const engine = await testEngine();
    await engine.createTopic({ name: "numbers", partitions: 2 });
    await engine.createTopic({ name: "even", partitions: 2 });
    await produceJson(engine, "numbers", [
      { key: "a", value: { n: 2 }, timestamp: 500, partition: 1 },
      { key: "b", value: { n: 4 }, timestamp: 100, partition: 0 },
    ]);
    await engine.startApplication({ applicationId: "evens", source: FILTER });
    expect(engine.describeApplications()[0]!.ordering).toBeUndefined();
    engine.watchApplication("evens", { ordering: true });
    // Key "a" again in partition 1, 300 ms earlier in event time: out-of-order data.
    await produceJson(engine, "numbers", [
      { key: "a", value: { n: 6 }, timestamp: 600, partition: 1 },
      { key: "a", value: { n: 8 }, timestamp: 300, partition: 1 },
      { key: "b", value: { n: 10 }, timestamp: 200, partition: 0 },
    ]);
    await engine.settle();
    const ordering = engine.describeApplications()[0]!.ordering!;
    expect(ordering.counts).toEqual({ "offset-regression": 0, "partition-change": 0, "event-time-regression": 1 });
    expect(ordering.byProcessor).toEqual({ "0_1": { "offset-regression": 0, "partition-change": 0, "event-time-regression": 1 } });
    const v = ordering.examples[0]!;
    expect([v.kind, v.key, v.topic, v.partition, v.offset, v.timestamp, v.by, v.previous.offset, v.previous.timestamp]).toEqual([
      "event-time-regression",
      "a",
      "numbers",
      1,
      2,
      300,
      "0_1",
      1,
      600,
    ]);
    engine.watchApplication("evens", { ordering: false });
    expect(engine.describeApplications()[0]!.ordering).toBeUndefined();
    await engine.close();
  });
});
