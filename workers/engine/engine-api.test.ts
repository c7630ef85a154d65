import { describe, expect, it } from "vitest";
import { BrokerEngineApi, seamSafe, type EngineUpdate } from "./engine-api";
import { CLOCK_FILE } from "./clock-file";
import { MemoryStorage } from "../storage/memory-storage";
import { WallClockDriver } from "../runtime/wall-clock-driver";
import { encodeBatch, batchesIn, validateBatch, utf8 } from "../log/record-batch";
import { KafkaError } from "../protocol/errors";
import { fromSeamError } from "../protocol/seam-error";
import type { Storage, StorageFile } from "../storage/storage";

const WALL = Date.UTC(2025, 0, 15, 9, 30);

/** An API whose clock never ticks by itself (steps only) and whose frames the test runs. */
function makeApi(options: { wall?: number; maxEventsPerUpdate?: number } = {}) {
  const frames: Array<() => void> = [];
  const drivers: WallClockDriver[] = [];
  const api = new BrokerEngineApi({
    wallTime: () => options.wall ?? WALL,
    driveClock: (target) => {
      const d = new WallClockDriver({ ...target, playing: false, setTimer: () => () => {}, wallNow: () => 0 });
      drivers.push(d);
      return d;
    },
    requestFrame: (deliver) => frames.push(deliver),
    ...(options.maxEventsPerUpdate !== undefined ? { maxEventsPerUpdate: options.maxEventsPerUpdate } : {}),
  });
  const runFrames = () => {
    const now = frames.splice(0);
    for (const f of now) f();
    return now.length;
  };
  return { api, frames, runFrames, drivers };
}

async function started(storage: Storage = new MemoryStorage(), wall = WALL) {
  const made = makeApi({ wall });
  await made.api.start(storage);
  return { ...made, storage };
}

describe("BrokerEngineApi life cycle", () => {
  it("answers status while starting and refuses work until ready", async () => {
    const { api } = makeApi();
    expect(await api.status()).toMatchObject({ state: "starting", storage: null, clock: null });
    await expect(api.listTopics()).rejects.toThrow(/ILLEGAL_STATE.*still starting/);
  });

  it("in another tab's shadow it says so, touches no storage, and refuses with STORAGE_LOCKED", async () => {
    const { api } = makeApi();
    api.lockedElsewhere();
    const status = await api.status();
    expect(status.state).toBe("another-tab");
    expect(status.message).toMatch(/Another tab of this site owns the broker/);
    await expect(api.createTopic({ name: "t" })).rejects.toMatchObject({ type: "STORAGE_LOCKED" });
    // Across the seam the error is the plain { type, message } and comes back as a KafkaError.
    const thrown = await seamSafe(api).createTopic({ name: "t" }).catch((e: unknown) => e);
    expect(thrown).not.toBeInstanceOf(Error);
    expect(thrown).toEqual({ type: "STORAGE_LOCKED", message: expect.stringMatching(/^STORAGE_LOCKED: Another tab/) });
    const rebuilt = fromSeamError(thrown);
    expect(rebuilt).toBeInstanceOf(KafkaError);
    expect((rebuilt as KafkaError).type).toBe("STORAGE_LOCKED");
    expect(rebuilt.message).toBe((thrown as { message: string }).message);
  });

  it("takes over later: another-tab turns into ready when the storage arrives", async () => {
    const { api, runFrames } = makeApi();
    const updates: EngineUpdate[] = [];
    await api.subscribe((u) => void updates.push(u));
    api.lockedElsewhere();
    runFrames();
    await api.start(new MemoryStorage());
    runFrames();
    expect(updates.map((u) => [u.state, u.restarted])).toEqual([
      ["another-tab", false],
      ["ready", true],
    ]);
  });

  it("reports a failed start with its reason", async () => {
    const { api } = makeApi();
    const broken: Storage = {
      ...new MemoryStorage(),
      kind: "memory",
      open: () => Promise.reject(new KafkaError("KAFKA_STORAGE_ERROR", "disk on fire")),
      exists: async () => false,
      list: async () => [],
      remove: async () => {},
      rename: async () => {},
      mkdir: async () => {},
    };
    await expect(api.start(broken)).rejects.toThrow(/disk on fire/);
    const status = await api.status();
    expect(status.state).toBe("failed");
    expect(status.message).toMatch(/could not start.*KAFKA_STORAGE_ERROR: disk on fire/);
  });
});

describe("the clock", () => {
  it("starts at the wall time of the workspace's creation and continues from it after a restart", async () => {
    const storage = new MemoryStorage();
    const first = await started(storage, WALL);
    expect(await first.api.now()).toBe(WALL);
    expect(await storage.exists(CLOCK_FILE)).toBe(true);
    await first.api.step(90_000);
    await first.api.shutdown();

    // A reload a day later: the clock continues where it stopped, not at the new wall time.
    const second = await started(storage, WALL + 86_400_000);
    expect(await second.api.now()).toBe(WALL + 90_000);
    expect((await second.api.status()).clock).toEqual({ now: WALL + 90_000, playing: false, speed: 1 });
  });

  it("plays, pauses, steps and changes speed through the API", async () => {
    const { api } = await started();
    expect(await api.play()).toMatchObject({ playing: true, speed: 1 });
    expect(await api.setSpeed(10)).toMatchObject({ playing: true, speed: 10 });
    expect(await api.pause()).toMatchObject({ playing: false, speed: 10 });
    expect(await api.step(2500)).toEqual({ now: WALL + 2500, playing: false, speed: 10 });
    await expect(api.setSpeed(1000)).rejects.toThrow(/between 0.1× and 100×, got 1000/);
    await expect(seamSafe(api).step(-5)).rejects.toEqual({ type: "INVALID_REQUEST", message: expect.stringMatching(/got -5/) });
  });

  it("stepping past retention.ms runs the retention check and removes old segments", async () => {
    const { api } = await started();
    await api.createTopic({ name: "short", partitions: 1, config: { "retention.ms": 200_000, "segment.bytes": 32 * 1024 } });
    await api.produceJson("short", Array.from({ length: 4000 }, (_, i) => ({ value: { i, pad: "x".repeat(20) } })));
    await api.step(250_000);
    await api.produceJson("short", Array.from({ length: 100 }, (_, i) => ({ value: { late: i } })));
    const before = await api.describeTopic("short");
    expect(before.partitions[0]!.segments.length).toBeGreaterThan(2);
    expect(before.partitions[0]!.logStartOffset).toBe(0);
    await api.step(60_000); // the 5-minute retention check finds the first records 300 s old
    const after = (await api.describeTopic("short")).partitions[0]!;
    expect(after.logStartOffset).toBeGreaterThan(0);
    expect(after.segments.length).toBeLessThan(before.partitions[0]!.segments.length);
    // A read from 0 starts at the log start offset rather than failing.
    const range = await api.readRange("short", 0, 0, 5);
    expect(range.records[0]!.offset).toBe(after.logStartOffset);
    expect(range.logStartOffset).toBe(after.logStartOffset);
  });
});

describe("topics and records", () => {
  it("creates, lists, describes and deletes topics with Kafka's errors", async () => {
    const { api } = await started();
    const created = await api.createTopic({ name: "orders", partitions: 3, config: { "cleanup.policy": "compact" } });
    expect(created.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
    expect(created.config.find((c) => c.name === "cleanup.policy")).toMatchObject({ value: "compact", isDefault: false });
    await api.createTopic({ name: "audit" });
    expect(await api.listTopics()).toEqual([
      { name: "audit", partitions: 1, internal: false, records: 0, sizeInBytes: 0 },
      { name: "orders", partitions: 3, internal: false, records: 0, sizeInBytes: 0 },
    ]);
    await expect(api.createTopic({ name: "orders", partitions: 1 })).rejects.toMatchObject({ type: "TOPIC_ALREADY_EXISTS" });
    await expect(api.createTopic({ name: "x", partitions: 0 })).rejects.toMatchObject({ type: "INVALID_PARTITIONS" });
    await expect(api.createTopic({ name: "y", config: { "retention.ms": "soon" } })).rejects.toMatchObject({ type: "INVALID_CONFIG" });
    await expect(api.describeTopic("nope")).rejects.toThrow(/UNKNOWN_TOPIC_OR_PARTITION: topic "nope" does not exist/);
    await api.deleteTopic("audit");
    expect((await api.listTopics()).map((t) => t.name)).toEqual(["orders"]);
    const altered = await api.alterTopicConfig("orders", { "min.cleanable.dirty.ratio": 0.1 });
    expect(altered.config.find((c) => c.name === "min.cleanable.dirty.ratio")?.value).toBe("0.1");
  });

  it("produces 10,000 JSON records and reads every one back with offsets, values and batch details", async () => {
    const { api } = await started();
    await api.createTopic({ name: "events", partitions: 1, config: { "segment.bytes": 64 * 1024 } });
    const records = Array.from({ length: 10_000 }, (_, i) => ({
      key: `k${i % 7}`,
      value: { n: i, text: `record ${i}` },
      ...(i === 3 ? { headers: { source: "test", empty: null } } : {}),
    }));
    const summary = await api.produceJson("events", records);
    expect(summary).toEqual({ acknowledged: 10_000, partitions: [{ partition: 0, firstOffset: 0, lastOffset: 9999, count: 10_000 }] });

    const seen: number[] = [];
    const segmentsSeen = new Set<string>();
    let from = 0;
    for (;;) {
      const range = await api.readRange("events", 0, from, 3000);
      if (range.records.length === 0) break;
      for (const r of range.records) {
        seen.push(r.offset);
        segmentsSeen.add(r.segment);
        expect(JSON.parse(r.value!)).toEqual({ n: r.offset, text: `record ${r.offset}` });
        expect(r.key).toBe(`k${r.offset % 7}`);
      }
      expect(range.nextOffset).toBe(range.records.at(-1)!.offset + 1);
      from = range.nextOffset;
    }
    expect(seen).toEqual(Array.from({ length: 10_000 }, (_, i) => i));

    const described = (await api.describeTopic("events")).partitions[0]!;
    expect(described).toMatchObject({ logStartOffset: 0, logEndOffset: 10_000, highWatermark: 10_000 });
    expect(described.segments.length).toBeGreaterThan(3);
    expect([...segmentsSeen].sort()).toEqual(described.segments.map((s) => s.fileName));
    expect(described.segments.filter((s) => s.isActive)).toHaveLength(1);

    const [r3] = (await api.readRange("events", 0, 3, 1)).records;
    expect(r3).toMatchObject({
      offset: 3,
      timestamp: WALL,
      timestampType: "CreateTime",
      key: "k3",
      keySize: 2,
      headers: [
        { key: "source", value: "test" },
        { key: "empty", value: null },
      ],
      control: null,
      segment: "00000000000000000000.log",
    });
    // The default producer is idempotent: a producer id, and sequences that follow offsets.
    expect(r3!.batch.producerId).toBeGreaterThanOrEqual(0);
    expect(r3!.batch.sequence).toBe(3);
    expect(r3!.batch.baseOffset).toBe(0);

    const check = await api.checkLog("events", 0);
    expect(check).toMatchObject({ batches: expect.any(Number), records: 10_000, firstOffset: 0, nextOffset: 10_000, problems: [] });
  });

  it("prints values as the runner does and keeps null keys and tombstones null", async () => {
    const { api } = await started();
    await api.createTopic({ name: "t", partitions: 1 });
    await api.produceJson("t", [
      { value: "plain text" },
      { key: 42, value: [1, 2] },
      { key: "k", value: null },
      { value: "10 apples" },
    ]);
    const { records } = await api.readRange("t", 0, 0, 10);
    expect(records.map((r) => [r.key, r.value, r.valueSize])).toEqual([
      [null, "plain text", 10],
      ["42", "[1,2]", 5],
      ["k", null, -1],
      [null, "10 apples", 9],
    ]);
  });

  it("routes keyed records with Kafka's partitioner, honours explicit partitions and timestamps", async () => {
    const { api } = await started();
    await api.createTopic({ name: "orders", partitions: 3 });
    const summary = await api.produceJson("orders", [
      ...Array.from({ length: 30 }, (_, i) => ({ key: `customer-${i % 5}`, value: i })),
      { value: "pinned", partition: 2, timestamp: 1_000 },
    ]);
    expect(summary.acknowledged).toBe(31);
    expect(summary.partitions.reduce((n, p) => n + p.count, 0)).toBe(31);
    const partitionOfKey = new Map<string, Set<number>>();
    for (let p = 0; p < 3; p++) {
      for (const r of (await api.readRange("orders", p, 0, 100)).records) {
        if (r.key === null) {
          expect([p, r.value, r.timestamp]).toEqual([2, "pinned", 1_000]);
          continue;
        }
        const set = partitionOfKey.get(r.key) ?? new Set<number>();
        set.add(p);
        partitionOfKey.set(r.key, set);
      }
    }
    expect(partitionOfKey.size).toBe(5);
    for (const parts of partitionOfKey.values()) expect(parts.size).toBe(1);
    await expect(api.produceJson("orders", [{ value: 1, partition: 7 }])).rejects.toMatchObject({ type: "UNKNOWN_TOPIC_OR_PARTITION" });
    await expect(api.produceJson("missing", [{ value: 1 }])).rejects.toMatchObject({ type: "UNKNOWN_TOPIC_OR_PARTITION" });
    await expect(api.produceJson("orders", [{ key: "a" } as never])).rejects.toThrow(/record 0 has no value/);
  });

  it("appends raw batches on the fast path and hands stored bytes back", async () => {
    const { api } = await started();
    await api.createTopic({ name: "raw", partitions: 1 });
    const batch = encodeBatch({ records: Array.from({ length: 50 }, (_, i) => ({ key: null, value: utf8(`v${i}`), timestamp: WALL + i })) });
    const appended = await api.produceBatch("raw", 0, batch);
    expect(appended).toMatchObject({ baseOffset: 0, lastOffset: 49, recordCount: 50, duplicate: false });
    await api.produceBatch("raw", 0, encodeBatch({ records: [{ key: null, value: utf8("last"), timestamp: WALL }] }));
    const read = await api.readBatches("raw", 0, 0, 1 << 20);
    expect(read).toMatchObject({ nextOffset: 51, highWatermark: 51, logStartOffset: 0 });
    const headers = [...batchesIn(read.bytes)].map(({ pos }) => validateBatch(read.bytes, pos));
    expect(headers.map((h) => [h.baseOffset, h.recordsCount])).toEqual([
      [0, 50],
      [50, 1],
    ]);
    // A copy the caller owns: its buffer holds exactly these bytes (transferable as is).
    expect(read.bytes.byteOffset).toBe(0);
    expect(read.bytes.buffer.byteLength).toBe(read.bytes.length);
    await expect(api.produceBatch("raw", 0, batch.subarray(0, 40))).rejects.toMatchObject({ type: "CORRUPT_MESSAGE" });
  });

  it("checkLog finds a batch whose stored bytes no longer match its CRC", async () => {
    const storage = new TamperingStorage(new MemoryStorage());
    const { api } = await started(storage);
    await api.createTopic({ name: "t", partitions: 1 });
    for (let i = 0; i < 3; i++) await api.produceJson("t", Array.from({ length: 10 }, (_, j) => ({ value: `r${i * 10 + j}` })));
    expect(await api.checkLog("t", 0)).toMatchObject({ batches: 3, records: 30, nextOffset: 30, problems: [] });
    const bytes = (await api.readBatches("t", 0, 0, 1 << 20)).bytes;
    const second = [...batchesIn(bytes)][1]!;
    expect(second.header.baseOffset).toBe(10);
    // One bit flips in the middle batch's records, as a bad disk would.
    storage.flipByteAt("t-0/00000000000000000000.log", second.pos + 70);
    const check = await api.checkLog("t", 0);
    expect(check.problems).toEqual(["batch at offset 10: CRC-32C or layout check failed"]);
    expect(check.batches).toBe(3);
  });
});

/** Storage whose reads of one file show one byte flipped, while everything else stays real. */
class TamperingStorage implements Storage {
  readonly kind = "memory" as const;
  private flip: { path: string; position: number } | undefined;

  constructor(private readonly inner: Storage) {}

  flipByteAt(path: string, position: number): void {
    this.flip = { path, position };
  }

  async open(path: string, options?: { create?: boolean }): Promise<StorageFile> {
    const file = await this.inner.open(path, options);
    return {
      path: file.path,
      size: () => file.size(),
      write: (position, data) => file.write(position, data),
      truncate: (size) => file.truncate(size),
      flush: () => file.flush(),
      close: () => file.close(),
      read: (position: number, length: number): Uint8Array => {
        const out = file.read(position, length);
        const f = this.flip;
        if (f && f.path === path && f.position >= position && f.position < position + out.length) {
          const copy = out.slice();
          copy[f.position - position] = copy[f.position - position]! ^ 0xff;
          return copy;
        }
        return out;
      },
    };
  }

  exists(path: string): Promise<boolean> {
    return this.inner.exists(path);
  }
  list(dir: string): Promise<string[]> {
    return this.inner.list(dir);
  }
  remove(path: string): Promise<void> {
    return this.inner.remove(path);
  }
  rename(from: string, to: string): Promise<void> {
    return this.inner.rename(from, to);
  }
  mkdir(dir: string): Promise<void> {
    return this.inner.mkdir(dir);
  }
}

describe("updates", () => {
  it("delivers broker events batched, one update per frame, never one per record", async () => {
    const { api, runFrames, frames } = await started();
    const updates: EngineUpdate[] = [];
    await api.subscribe((u) => void updates.push(u));
    runFrames();
    updates.length = 0;
    await api.createTopic({ name: "t", partitions: 2, config: { "segment.bytes": 32 * 1024 } });
    await api.produceJson("t", Array.from({ length: 4000 }, (_, i) => ({ key: `k${i % 4}`, value: { i, pad: "x".repeat(30) } })));
    expect(frames.length).toBe(1); // however many events, one frame is pending
    runFrames();
    expect(updates).toHaveLength(1);
    const [u] = updates;
    expect(u!.state).toBe("ready");
    expect(u!.clock).toEqual({ now: WALL, playing: false, speed: 1 });
    const types = new Set(u!.events.map((e) => e.type));
    expect(types.has("topic-created")).toBe(true);
    expect(types.has("records-appended")).toBe(true);
    const appended = u!.events.flatMap((e) => (e.type === "records-appended" ? [e.recordCount] : []));
    expect(appended.reduce((a, b) => a + b, 0)).toBe(4000);
    expect(appended.length).toBeLessThan(100);
    expect(u!.events.some((e) => e.type === "log" && e.event.type === "segment-rolled")).toBe(true);
    // Nothing new: no update.
    expect(runFrames()).toBe(0);
  });

  it("drops the oldest events when the UI falls behind and says how many", async () => {
    const made = makeApi({ maxEventsPerUpdate: 3 });
    await made.api.start(new MemoryStorage());
    const updates: EngineUpdate[] = [];
    await made.api.subscribe((u) => void updates.push(u));
    made.runFrames();
    for (let i = 0; i < 5; i++) await made.api.createTopic({ name: `t${i}` });
    made.runFrames();
    const last = updates.at(-1)!;
    const created = last.events.flatMap((e) => (e.type === "topic-created" ? [e.topic] : []));
    expect(last.events).toHaveLength(3);
    expect(created.at(-1)).toBe("t4");
    expect(created).not.toContain("t0");
    // Five topic-created events at least, plus the logs' own: all but three were dropped.
    expect(last.droppedEvents).toBeGreaterThanOrEqual(2);
  });

  it("forgets a subscriber whose callback rejects (its page went away) and honours unsubscribe", async () => {
    const { api, runFrames } = await started();
    let calls = 0;
    await api.subscribe(() => {
      calls++;
      return Promise.reject(new Error("gone"));
    });
    const kept: EngineUpdate[] = [];
    const id = await api.subscribe((u) => void kept.push(u));
    runFrames();
    await Promise.resolve();
    await api.createTopic({ name: "t" });
    runFrames();
    expect(calls).toBe(1);
    expect(kept).toHaveLength(2);
    await api.unsubscribe(id);
    await api.createTopic({ name: "u" });
    runFrames();
    expect(kept).toHaveLength(2);
  });
});

describe("resetWorkspace", () => {
  it("deletes every file and starts an empty workspace with the clock at the wall time", async () => {
    const storage = new MemoryStorage();
    let wall = WALL;
    const made = makeApi();
    const api = new BrokerEngineApi({
      wallTime: () => wall,
      driveClock: (t) => new WallClockDriver({ ...t, playing: false, setTimer: () => () => {}, wallNow: () => 0 }),
      requestFrame: (d) => made.frames.push(d),
    });
    await api.start(storage);
    await api.createTopic({ name: "old", partitions: 2 });
    await api.produceJson("old", [{ value: 1 }]);
    await api.step(60_000);
    const updates: EngineUpdate[] = [];
    await api.subscribe((u) => void updates.push(u));
    made.runFrames();
    wall = WALL + 7 * 86_400_000;
    await api.resetWorkspace();
    made.runFrames();
    expect(await api.listTopics()).toEqual([]);
    expect(await api.now()).toBe(wall);
    expect(await storage.list("")).toEqual([CLOCK_FILE]);
    expect(updates.at(-1)!.restarted).toBe(true);
    // The new workspace works.
    await api.createTopic({ name: "fresh" });
    expect((await api.produceJson("fresh", [{ value: "x" }])).partitions[0]!.firstOffset).toBe(0);
  });
});
