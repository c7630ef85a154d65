import { describe, expect, it } from "vitest";
import { BrokerEngineApi, type EngineUpdate, type WorkbenchGroup } from "./engine-api";
import { MemoryStorage } from "../storage/memory-storage";
import { WallClockDriver } from "../runtime/wall-clock-driver";
import { FIRST_GROUP, FIRST_HINT, FIRST_HINT_NOTE, FIRST_TOPIC } from "./first-world";

const WALL = Date.UTC(2025, 0, 15, 9, 30);
// group.initial.rebalance.delay.ms is 3 s, and a member joining during the delay extends it once more.
const INITIAL_DELAY = 6100;

function makeApi(firstWorld = false) {
  const frames: Array<() => void> = [];
  const api = new BrokerEngineApi({
    wallTime: () => WALL,
    driveClock: (target) => new WallClockDriver({ ...target, playing: false, setTimer: () => () => {}, wallNow: () => 0 }),
    requestFrame: (deliver) => frames.push(deliver),
    broker: { logCleanerEnable: false, logRetentionCheckIntervalMs: 3_600_000 },
    firstWorld,
  });
  return { api, runFrames: () => frames.splice(0).forEach((f) => f()) };
}

async function started(firstWorld = false, storage = new MemoryStorage()) {
  const made = makeApi(firstWorld);
  await made.api.start(storage);
  return { ...made, storage };
}

const keyed = (n: number, keys = 6) => Array.from({ length: n }, (_, i) => ({ key: `k${i % keys}`, value: { i } }));

function group(groups: WorkbenchGroup[], id: string): WorkbenchGroup {
  const g = groups.find((x) => x.groupId === id);
  if (!g) throw new Error(`no group ${id} in ${groups.map((x) => x.groupId).join(", ")}`);
  return g;
}

describe("workbench consumers through the engine API", () => {
  it("two members split three partitions, poll as time moves, commit, and show no lag when caught up", async () => {
    const { api } = await started();
    await api.createTopic({ name: "orders", partitions: 3 });
    await api.produceJson("orders", keyed(60));
    expect(await api.addConsumer({ groupId: "billing", topics: ["orders"] })).toBe("consumer-1");
    expect(await api.addConsumer({ groupId: "billing" })).toBe("consumer-2");
    // group.initial.rebalance.delay.ms (3 s) holds the first rebalance of an empty group.
    expect(group(await api.describeWorkbenchGroups(), "billing").state).toBe("PreparingRebalance");
    await api.step(INITIAL_DELAY);
    await api.step(2000);
    const g = group(await api.describeWorkbenchGroups(), "billing");
    expect(g.state).toBe("Stable");
    expect(g.protocol).toBe("range");
    expect(g.members.map((m) => [m.memberId, m.life, m.assignment])).toEqual([
      ["consumer-1", "running", ["orders-0", "orders-1"]],
      ["consumer-2", "running", ["orders-2"]],
    ]);
    expect(g.members.reduce((n, m) => n + m.processed, 0)).toBe(60);
    expect(g.partitions.map((p) => [p.key, p.owner, p.committed === p.highWatermark, p.lag])).toEqual([
      ["orders-0", "consumer-1", true, 0],
      ["orders-1", "consumer-1", true, 0],
      ["orders-2", "consumer-2", true, 0],
    ]);
    expect(g.totalLag).toBe(0);
    expect(g.ordering?.counts).toEqual({ "offset-regression": 0, "partition-change": 0, "event-time-regression": 0 });
    const recent = await api.consumedRecords("billing");
    expect(recent).toHaveLength(60);
    expect(recent.map((r) => r.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(await api.consumedRecords("billing", 58)).toHaveLength(2);
  });

  it("a slow member builds lag at its processing rate", async () => {
    const { api } = await started();
    await api.createTopic({ name: "orders", partitions: 1 });
    await api.produceJson("orders", keyed(200));
    await api.addConsumer({ groupId: "slow", topics: ["orders"], recordsPerSecond: 10 });
    await api.step(INITIAL_DELAY);
    const start = group(await api.describeWorkbenchGroups(), "slow").members[0]!.processed;
    await api.step(3000);
    const g = group(await api.describeWorkbenchGroups(), "slow");
    const processed = g.members[0]!.processed - start;
    // 10 records a second for 3 s, give or take the first tick.
    expect(processed).toBeGreaterThanOrEqual(25);
    expect(processed).toBeLessThanOrEqual(31);
    expect(g.members[0]!.actualRate).toBe(10);
    expect(g.partitions[0]!.lag).toBeGreaterThanOrEqual(200 - processed - start);
  });

  it("a crashed member keeps its partitions until session.timeout.ms runs out, then they move; the replay is flagged", async () => {
    const { api, runFrames } = await started();
    const updates: EngineUpdate[] = [];
    await api.subscribe((u) => void updates.push(u));
    await api.createTopic({ name: "orders", partitions: 2 });
    await api.addConsumer({ groupId: "g", topics: ["orders"] });
    await api.addConsumer({ groupId: "g" });
    await api.step(INITIAL_DELAY);
    await api.produceJson("orders", keyed(40, 4));
    await api.step(500);
    // Auto commit runs every second: records after the last commit will be read again.
    await api.produceJson("orders", keyed(40, 4));
    await api.step(300);
    await api.crashConsumer("g", "consumer-2");
    let g = group(await api.describeWorkbenchGroups(), "g");
    const crashed = g.members.find((m) => m.memberId === "consumer-2")!;
    expect(crashed.life).toBe("crashed");
    expect(crashed.evictBy! - crashed.since!).toBe(10_000);
    expect(g.members.find((m) => m.memberId === "consumer-1")!.assignment).toEqual(["orders-0"]);
    await api.step(5000);
    g = group(await api.describeWorkbenchGroups(), "g");
    expect(g.members.find((m) => m.memberId === "consumer-1")!.assignment).toEqual(["orders-0"]);
    await api.step(6000);
    g = group(await api.describeWorkbenchGroups(), "g");
    expect(g.members.find((m) => m.memberId === "consumer-2")!.life).toBe("evicted");
    expect(g.members.find((m) => m.memberId === "consumer-1")!.assignment).toEqual(["orders-0", "orders-1"]);
    runFrames();
    const groupEvents = updates.flatMap((u) => u.events).flatMap((e) => (e.type === "group" ? [e.event] : []));
    expect(groupEvents.some((e) => e.type === "member-evicted" && e.reason === "session-timeout")).toBe(true);
    const completed = groupEvents.filter((e) => e.type === "rebalance-completed");
    const last = completed[completed.length - 1]!;
    expect(last.type === "rebalance-completed" && Object.values(last.assignmentAfter).flat().sort()).toEqual(["orders-0", "orders-1"]);
  });

  it("rewinding a group reads every record again and the ordering check counts the replays", async () => {
    const { api } = await started();
    await api.createTopic({ name: "orders", partitions: 1 });
    await api.produceJson("orders", keyed(12, 3));
    await api.addConsumer({ groupId: "g", topics: ["orders"] });
    await api.step(INITIAL_DELAY);
    await api.step(1000);
    expect(await api.rewindGroup("g", "earliest")).toEqual({ "orders-0": 0 });
    await api.step(1000);
    const g = group(await api.describeWorkbenchGroups(), "g");
    expect(g.members[0]!.processed).toBe(24);
    // Each of the three keys goes back once, at its first replayed record.
    expect(g.ordering!.counts["offset-regression"]).toBe(3);
    expect(g.ordering!.byProcessor).toEqual({ "consumer-1": { "offset-regression": 3, "partition-change": 0, "event-time-regression": 0 } });
    const recent = await api.consumedRecords("g");
    expect(recent.filter((r) => r.violations.includes("offset-regression")).map((r) => r.offset)).toEqual([0, 1, 2]);
  });

  it("switching the assignor is a rolling restart that ends on the new protocol", async () => {
    const { api } = await started();
    await api.createTopic({ name: "a", partitions: 2 });
    await api.createTopic({ name: "b", partitions: 2 });
    await api.addConsumer({ groupId: "g", topics: ["a", "b"] });
    await api.addConsumer({ groupId: "g" });
    await api.step(INITIAL_DELAY);
    let g = group(await api.describeWorkbenchGroups(), "g");
    expect(g.protocol).toBe("range");
    expect(g.members.map((m) => m.assignment)).toEqual([
      ["a-0", "b-0"],
      ["a-1", "b-1"],
    ]);
    await api.setGroupAssignor("g", "roundrobin");
    g = group(await api.describeWorkbenchGroups(), "g");
    expect(g.protocol).toBe("roundrobin");
    expect(g.assignor).toBe("roundrobin");
    expect(g.members.flatMap((m) => m.assignment).sort()).toEqual(["a-0", "a-1", "b-0", "b-1"]);
    await expect(api.setGroupAssignor("g", "bogus" as never)).rejects.toMatchObject({ type: "INVALID_CONFIG" });
  });

  it("removing a member rebalances at once, and refuses members that are not running", async () => {
    const { api } = await started();
    await api.createTopic({ name: "orders", partitions: 2 });
    await api.addConsumer({ groupId: "g", topics: ["orders"] });
    await api.addConsumer({ groupId: "g" });
    await api.step(INITIAL_DELAY);
    await api.removeConsumer("g", "consumer-1");
    const g = group(await api.describeWorkbenchGroups(), "g");
    expect(g.members.map((m) => [m.memberId, m.life, m.assignment])).toEqual([
      ["consumer-1", "left", []],
      ["consumer-2", "running", ["orders-0", "orders-1"]],
    ]);
    await expect(api.removeConsumer("g", "consumer-1")).rejects.toMatchObject({ type: "UNKNOWN_MEMBER_ID" });
    await expect(api.crashConsumer("nope", "x")).rejects.toMatchObject({ type: "GROUP_ID_NOT_FOUND" });
    await expect(api.addConsumer({ groupId: "h" })).rejects.toMatchObject({ type: "INVALID_REQUEST" });
  });
});

describe("workspaces", () => {
  it("a new workspace starts with the first world when asked, and a reset leaves it empty", async () => {
    const { api } = await started(true);
    const topics = (await api.listTopics()).filter((t) => !t.internal).map((t) => [t.name, t.partitions]);
    expect(topics).toContainEqual([FIRST_TOPIC, 3]);
    expect((await api.listGenerators()).map((g) => [g.kind, g.topic])).toEqual([["clickstream", FIRST_TOPIC]]);
    await api.step(INITIAL_DELAY + 3000);
    const g = group(await api.describeWorkbenchGroups(), FIRST_GROUP);
    expect(g.members.map((m) => m.memberId)).toEqual(["consumer-1", "consumer-2"]);
    expect(g.members.reduce((n, m) => n + m.processed, 0)).toBeGreaterThan(0);
    await api.resetWorkspace();
    expect((await api.listTopics()).filter((t) => !t.internal)).toEqual([]);
    expect(await api.listGenerators()).toEqual([]);
    expect(await api.describeWorkbenchGroups()).toEqual([]);
  });

  it("generators, consumers and notes come back when the workspace is opened again", async () => {
    const storage = new MemoryStorage();
    const first = await started(true, storage);
    await first.api.addConsumer({ groupId: FIRST_GROUP, recordsPerSecond: 7 });
    await first.api.saveWorkspaceNote("editor:page-views", "export default () => {}");
    await first.api.step(INITIAL_DELAY + 2000);
    const before = group(await first.api.describeWorkbenchGroups(), FIRST_GROUP);
    await first.api.shutdown();

    const second = await started(true, storage);
    expect((await second.api.listGenerators()).map((g) => [g.kind, g.topic, g.ratePerSecond])).toEqual([["clickstream", FIRST_TOPIC, 4]]);
    const after = group(await second.api.describeWorkbenchGroups(), FIRST_GROUP);
    expect(after.members.map((m) => [m.memberId, m.recordsPerSecond])).toEqual([
      ["consumer-1", 1000],
      ["consumer-2", 1000],
      ["consumer-3", 7],
    ]);
    // They resume from the committed offsets, not from the start.
    expect(after.partitions.map((p) => p.committed)).toEqual(before.partitions.map((p) => p.committed));
    expect(await second.api.workspaceNotes()).toEqual({ "editor:page-views": "export default () => {}", [FIRST_HINT_NOTE]: FIRST_HINT });
    await second.api.saveWorkspaceNote("editor:page-views", null);
    await second.api.saveWorkspaceNote(FIRST_HINT_NOTE, null);
    expect(await second.api.workspaceNotes()).toEqual({});
  });
});
