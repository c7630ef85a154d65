import { describe, expect, it } from "vitest";
import { BrokerEngineApi, type EngineUpdate } from "./engine-api";
import { MemoryStorage } from "../storage/memory-storage";
import { WallClockDriver } from "../runtime/wall-clock-driver";

const WALL = Date.UTC(2025, 0, 15, 9, 30);

async function started() {
  const frames: Array<() => void> = [];
  const api = new BrokerEngineApi({
    wallTime: () => WALL,
    driveClock: (target) => new WallClockDriver({ ...target, playing: false, setTimer: () => () => {}, wallNow: () => 0 }),
    requestFrame: (deliver) => frames.push(deliver),
    // The cleaner and retention run only when the tests say so.
    broker: { logCleanerEnable: false, logRetentionCheckIntervalMs: 3_600_000 },
  });
  await api.start(new MemoryStorage());
  const runFrames = () => frames.splice(0).forEach((f) => f());
  return { api, runFrames };
}

const CLASSIC = ["K1", "K2", "K1", "K1", "K3", "K2", "K4", "K5", "K5", "K2"].map((key, i) => ({ key, value: `V${i + 1}` }));

describe("workbench calls on the engine API", () => {
  it("rolls, and cleans the classic K1…K6 log down to offsets 3, 4, 6, 8, 9, 10 with reasons", async () => {
    const { api } = await started();
    await api.createTopic({ name: "customers", partitions: 1, config: { "cleanup.policy": "compact" } });
    await api.produceJson("customers", CLASSIC);
    const rolled = await api.roll("customers");
    expect(rolled.partitions[0]!.segments.map((s) => [s.baseOffset, s.isActive])).toEqual([
      [0, false],
      [10, true],
    ]);
    await api.produceJson("customers", [{ key: "K6", value: "V11" }]);
    const before = await api.cleanableRanges("customers");
    expect(before[0]).toMatchObject({ partition: 0, firstDirtyOffset: 0, firstUncleanableOffset: 10, dirtyRatio: 1, minCleanableDirtyRatio: 0.5 });
    const report = await api.cleanTopic("customers");
    expect(report.retention).toEqual([]);
    const result = report.cleaned[0]!.result;
    expect(result.removed.map((r) => [r.offset, r.key, r.reason])).toEqual([
      [0, "K1", "superseded"],
      [1, "K2", "superseded"],
      [2, "K1", "superseded"],
      [5, "K2", "superseded"],
      [7, "K5", "superseded"],
    ]);
    const range = await api.readRange("customers", 0, 0, 100);
    expect(range.records.map((r) => r.offset)).toEqual([3, 4, 6, 8, 9, 10]);
    const after = await api.cleanableRanges("customers");
    expect(after[0]!.firstDirtyOffset).toBe(10);
  });

  it("retention on demand deletes whole segments and moves the log start offset", async () => {
    const { api, runFrames } = await started();
    const updates: EngineUpdate[] = [];
    await api.subscribe((u) => void updates.push(u));
    await api.createTopic({ name: "clicks", partitions: 1, config: { "retention.ms": 1000 } });
    await api.produceJson("clicks", [{ value: 1 }, { value: 2 }]);
    await api.roll("clicks");
    await api.step(5000);
    await api.produceJson("clicks", [{ value: 3 }]);
    const deleted = await api.runRetention("clicks");
    expect(deleted).toEqual([{ partition: 0, deletedSegments: [0], logStartOffset: 2 }]);
    runFrames();
    const events = updates.flatMap((u) => u.events);
    expect(events).toContainEqual({ type: "retention", topic: "clicks", partition: 0, deletedSegments: [0], logStartOffset: 2 });
  });

  it("locates a record's batch: segment file and byte position", async () => {
    const { api } = await started();
    await api.createTopic({ name: "t", partitions: 1 });
    // Three produce calls, three batches.
    await api.produceJson("t", [{ key: "a", value: "one" }]);
    await api.produceJson("t", [{ key: "b", value: "two" }, { key: "c", value: "three" }]);
    await api.roll("t");
    await api.produceJson("t", [{ key: "d", value: "four" }]);
    const first = await api.locateRecord("t", 0, 0);
    expect(first).toMatchObject({ segment: "00000000000000000000.log", position: 0, batchBaseOffset: 0 });
    const second = await api.locateRecord("t", 0, 2);
    expect(second).toMatchObject({ segment: "00000000000000000000.log", position: first!.batchSize, batchBaseOffset: 1 });
    const d = await api.describeTopic("t");
    expect(first!.batchSize + second!.batchSize).toBe(d.partitions[0]!.segments[0]!.sizeInBytes);
    expect(await api.locateRecord("t", 0, 3)).toMatchObject({ segment: "00000000000000000003.log", position: 0 });
    expect(await api.locateRecord("t", 0, 4)).toBeNull();
  });

  it("runs generators on the engine clock: nothing while paused, rate × time when stepped", async () => {
    const { api, runFrames } = await started();
    const updates: EngineUpdate[] = [];
    await api.subscribe((u) => void updates.push(u));
    await api.createTopic({ name: "orders", partitions: 3 });
    await expect(api.startGenerator({ kind: "trucks", topic: "nowhere" })).rejects.toMatchObject({ type: "UNKNOWN_TOPIC_OR_PARTITION" });
    const g = await api.startGenerator({ kind: "orders-payments", topic: "orders", ratePerSecond: 200 });
    // The payments topic is made co-partitioned with the orders topic.
    expect((await api.describeTopic("payments")).partitions).toHaveLength(3);
    expect((await api.listTopics()).find((t) => t.name === "orders")!.records).toBe(0);
    await api.step(1000);
    const orders = (await api.listTopics()).find((t) => t.name === "orders")!.records;
    expect(orders).toBe(200);
    await api.updateGenerator(g.id, { ratePerSecond: 1000 });
    await api.step(500);
    expect((await api.listTopics()).find((t) => t.name === "orders")!.records).toBe(700);
    runFrames();
    expect(updates.at(-1)!.generators).toEqual([expect.objectContaining({ id: g.id, kind: "orders-payments", ratePerSecond: 1000 })]);
    await api.stopGenerator(g.id);
    await api.step(1000);
    expect((await api.listTopics()).find((t) => t.name === "orders")!.records).toBe(700);
    expect(await api.listGenerators()).toEqual([]);
  });

  it("a workspace reset stops the generators", async () => {
    const { api } = await started();
    await api.createTopic({ name: "iot", partitions: 2 });
    await api.startGenerator({ kind: "iot-sensors", topic: "iot", ratePerSecond: 100 });
    await api.resetWorkspace();
    expect(await api.listGenerators()).toEqual([]);
    expect(await api.listTopics()).toEqual([]);
  });
});
