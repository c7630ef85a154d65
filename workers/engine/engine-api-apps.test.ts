import { describe, expect, it } from "vitest";
import { BrokerEngineApi, type EngineUpdate } from "./engine-api";
import { MemoryStorage } from "../storage/memory-storage";
import { WallClockDriver } from "../runtime/wall-clock-driver";
import { inProcess } from "../streams/runtime/test-support";
import { FIRST_APPLICATION, FIRST_TOPIC } from "./first-world";

const WALL = Date.UTC(2025, 0, 15, 9, 30);

async function started(storage = new MemoryStorage(), firstWorld = true) {
  const frames: Array<() => void> = [];
  const api = new BrokerEngineApi({
    wallTime: () => WALL,
    driveClock: (target) => new WallClockDriver({ ...target, playing: false, setTimer: () => () => {}, wallNow: () => 0 }),
    requestFrame: (deliver) => frames.push(deliver),
    broker: { logCleanerEnable: false, logRetentionCheckIntervalMs: 3_600_000 },
    firstWorld,
    processing: inProcess,
  });
  await api.start(storage);
  const updates: EngineUpdate[] = [];
  await api.subscribe((u) => void updates.push(u));
  return { api, storage, updates, runFrames: () => frames.splice(0).forEach((f) => f()) };
}

async function until(check: () => Promise<boolean>, step: () => Promise<unknown>, tries = 50): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await step();
  }
  throw new Error("condition not reached");
}

const SOURCE = `import { type StreamsBuilder } from "streamlab";
export default (builder: StreamsBuilder) => {
  builder.stream<string, { n: number }>("in").mapValues((v) => v.n * 2).to("out");
};
`;

describe("stream applications through the engine API", () => {
  it("the first world's windowed count starts in the background, runs, and reports windows", async () => {
    const { api, updates, runFrames } = await started();
    await until(
      async () => (await api.describeApplications()).some((a) => a.applicationId === FIRST_APPLICATION && a.state === "RUNNING"),
      () => api.step(1000),
    );
    await api.step(15_000);
    runFrames();
    const app = (await api.describeApplications()).find((a) => a.applicationId === FIRST_APPLICATION)!;
    expect(app.source).toContain("TimeWindows.ofSizeAndGrace");
    expect(app.nodes.map((n) => n.kind)).toContain("sink");
    expect(app.nodes.find((n) => n.kind === "source" && n.topics.includes(FIRST_TOPIC))).toBeDefined();
    expect(app.internalTopics.some((t) => t.endsWith("-repartition"))).toBe(true);
    expect(app.internalTopics.some((t) => t.endsWith("-changelog"))).toBe(true);
    expect(app.stats.processed).toBeGreaterThan(0);
    const streams = updates.flatMap((u) => u.streams);
    expect(streams.some((e) => e.applicationId === FIRST_APPLICATION && e.event.type === "window-update")).toBe(true);
    expect(streams.some((e) => e.event.type === "node-processed")).toBe(true);
  });

  it("compile errors reject with the line and column; stop, change and restart keep the saved source", async () => {
    const { api } = await started(new MemoryStorage(), false);
    await api.createTopic({ name: "in", partitions: 1 });
    await api.createTopic({ name: "out", partitions: 1 });
    const broken = SOURCE.replace("v.n * 2", "v.missing * 2");
    await expect(api.startApplication({ applicationId: "doubler", source: broken })).rejects.toThrow(/doubler:3:\d+: .*missing/);
    const started1 = await api.startApplication({ applicationId: "doubler", source: SOURCE });
    expect(started1.source).toBe(SOURCE);
    await api.produceJson("in", [{ key: "a", value: { n: 21 } }]);
    await until(
      async () => (await api.readRange("out", 0, 0, 10)).records.length > 0,
      () => api.step(500),
    );
    expect((await api.readRange("out", 0, 0, 10)).records[0]!.value).toBe("42");
    const stopped = await api.stopApplication("doubler");
    expect(stopped.state).toBe("NOT_RUNNING");
    const changed = SOURCE.replace("v.n * 2", "v.n * 3");
    const restarted = await api.restartApplication({ applicationId: "doubler", source: changed });
    expect(restarted.source).toBe(changed);
    expect(restarted.state).not.toBe("ERROR");
  });

  it("a saved running application starts again when the workspace is opened again", async () => {
    const storage = new MemoryStorage();
    const first = await started(storage, false);
    await first.api.createTopic({ name: "in", partitions: 1 });
    await first.api.startApplication({ applicationId: "doubler", source: SOURCE });
    await first.api.shutdown();
    const second = await started(storage, false);
    await until(
      async () => (await second.api.describeApplications()).some((a) => a.applicationId === "doubler" && a.state === "RUNNING"),
      () => second.api.step(500),
    );
    expect((await second.api.describeApplications())[0]!.source).toBe(SOURCE);
  });
});

describe("workspace reset with applications", () => {
  it("a reset while the first world's application runs leaves an empty workspace", async () => {
    const { api } = await started();
    await until(
      async () => (await api.describeApplications()).some((a) => a.state === "RUNNING"),
      () => api.step(1000),
    );
    await api.step(3000);
    await api.resetWorkspace();
    expect((await api.listTopics()).filter((t) => !t.internal)).toEqual([]);
    expect(await api.describeApplications()).toEqual([]);
  });

  it("a reset while the application is still starting does not let it start in the new workspace", async () => {
    const { api } = await started();
    await api.resetWorkspace();
    await api.step(2000);
    expect(await api.describeApplications()).toEqual([]);
    expect((await api.listTopics()).filter((t) => !t.internal)).toEqual([]);
  });
});
