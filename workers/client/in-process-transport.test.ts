import { describe, expect, it } from "vitest";
import { encodeBatch, utf8 } from "../log/record-batch";
import { isKafkaError, KafkaError } from "../protocol/errors";
import { isSeamError } from "../protocol/seam-error";
import { START_TIME, startWorld } from "./client-test-support";
import type { ClientTransport, FetchRequest } from "./client-transport";
import { InProcessTransport } from "./in-process-transport";
import { errorRebuildingTransport, seamSafeTransport } from "./seam-transport";
import { visibleRecords } from "./visible-records";

const batch = (...values: string[]) => encodeBatch({ records: values.map((v) => ({ key: null, value: utf8(v), timestamp: START_TIME })) });

const fetchOf = (topic: string, fetchOffset: number, maxWaitMs: number): FetchRequest => ({
  isolationLevel: "read_uncommitted",
  maxWaitMs,
  minBytes: 1,
  maxBytes: 1 << 20,
  partitions: [{ topic, partition: 0, fetchOffset, maxBytes: 1 << 20 }],
});

describe("InProcessTransport", () => {
  it("holds an empty fetch until data arrives, on the broker's clock", async () => {
    const world = await startWorld();
    const t = new InProcessTransport(world.broker);
    await world.broker.createTopic({ name: "t" });
    let answered: number | undefined;
    const pending = t.fetch(fetchOf("t", 0, 5000)).then((r) => {
      answered = world.scheduler.clock.now();
      return r;
    });
    await world.time.advance(1000);
    expect(answered).toBeUndefined();
    await t.produce({ topic: "t", partition: 0, records: batch("a", "b") });
    const response = await pending;
    expect(answered).toBe(START_TIME + 1000);
    const [p] = response.partitions;
    expect(p).toMatchObject({ topic: "t", partition: 0, error: null, fetchOffset: 0, highWatermark: 2, lastStableOffset: 2, logStartOffset: 0, nextOffset: 2 });
    expect(visibleRecords(p!.records, 0).map((r) => new TextDecoder().decode(r.value!))).toEqual(["a", "b"]);
    // The answer owns its bytes: a structured clone would copy nothing more.
    expect(p!.records.byteLength).toBe(p!.records.buffer.byteLength);
  });

  it("answers an empty fetch after maxWaitMs, and at once with maxWaitMs 0 or an error", async () => {
    const world = await startWorld();
    const t = new InProcessTransport(world.broker);
    await world.broker.createTopic({ name: "t" });
    let answered: number | undefined;
    void t.fetch(fetchOf("t", 0, 5000)).then(() => (answered = world.scheduler.clock.now()));
    await world.time.advance(4999);
    expect(answered).toBeUndefined();
    await world.time.advance(1);
    expect(answered).toBe(START_TIME + 5000);
    expect((await t.fetch(fetchOf("t", 0, 0))).partitions[0]!.records.length).toBe(0);
    const out = (await t.fetch(fetchOf("t", 7, 5000))).partitions[0]!;
    expect(out.error).toMatchObject({ type: "OFFSET_OUT_OF_RANGE" });
    expect(out.highWatermark).toBe(0);
    const missing = (await t.fetch(fetchOf("nope", 0, 5000))).partitions[0]!;
    expect(missing.error).toMatchObject({ type: "UNKNOWN_TOPIC_OR_PARTITION" });
  });

  it("idle() waits for reads and writes but not for a parked fetch", async () => {
    const world = await startWorld();
    const t = new InProcessTransport(world.broker);
    await world.broker.createTopic({ name: "t" });
    void t.fetch(fetchOf("t", 0, 60_000));
    const write = t.produce({ topic: "t", partition: 0, records: batch("a") });
    const before = t.activity;
    await t.idle();
    await expect(write).resolves.toMatchObject({ baseOffset: 0, lastOffset: 0 });
    expect(t.activity).toBeGreaterThan(before);
  });

  it("metadata: all topics, auto-creation when both sides allow it, a per-topic error otherwise", async () => {
    const world = await startWorld({ numPartitions: 2 });
    const t = new InProcessTransport(() => world.broker);
    await world.broker.createTopic({ name: "a", partitions: 3 });
    expect(await t.metadata({})).toEqual({ brokerId: 0, topics: [{ name: "a", error: null, internal: false, partitions: 3 }] });
    const r = await t.metadata({ topics: ["a", "b", "c"], allowAutoTopicCreation: false });
    expect(r.topics.map((x) => [x.name, x.error?.type ?? null, x.partitions])).toEqual([
      ["a", null, 3],
      ["b", "UNKNOWN_TOPIC_OR_PARTITION", 0],
      ["c", "UNKNOWN_TOPIC_OR_PARTITION", 0],
    ]);
    const made = await t.metadata({ topics: ["b", "bad name!"], allowAutoTopicCreation: true });
    expect(made.topics.map((x) => [x.name, x.error?.type ?? null, x.partitions])).toEqual([
      ["b", null, 2],
      ["bad name!", "INVALID_TOPIC_EXCEPTION", 0],
    ]);
  });

  it("per-item answers for admin calls", async () => {
    const world = await startWorld();
    const t = new InProcessTransport(world.broker);
    const created = await t.createTopics({ topics: [{ name: "x", partitions: 2, config: { "retention.ms": 1000 } }, { name: "x" }] });
    expect(created.map((r) => [r.name, r.error?.type ?? null])).toEqual([
      ["x", null],
      ["x", "TOPIC_ALREADY_EXISTS"],
    ]);
    const described = await t.describeTopicConfigs({ topics: ["x", "y"] });
    expect(described[0]!.entries.find((e) => e.name === "retention.ms")).toMatchObject({ value: "1000", isDefault: false });
    expect(described[1]!.error).toMatchObject({ type: "UNKNOWN_TOPIC_OR_PARTITION" });
    const altered = await t.alterTopicConfigs({ topics: [{ name: "x", set: { "retention.ms": "abc" }, reset: [] }] });
    expect(altered[0]!.error).toMatchObject({ type: "INVALID_CONFIG" });
    expect(await t.deleteGroups({ groupIds: ["none"] })).toEqual([{ groupId: "none", error: { type: "GROUP_ID_NOT_FOUND", message: 'GROUP_ID_NOT_FOUND: group "none" does not exist' } }]);
  });
});

describe("across the worker seam", () => {
  it("seamSafeTransport throws plain { type, message }; errorRebuildingTransport makes KafkaErrors of them again", async () => {
    const world = await startWorld();
    const worker = seamSafeTransport(new InProcessTransport(world.broker));
    const thrown = await worker.listOffsets({ isolationLevel: "read_uncommitted", partitions: [{ topic: "nope", partition: 0, spec: "latest" }] }).catch((e: unknown) => e);
    expect(thrown instanceof Error).toBe(false);
    expect(isSeamError(thrown)).toBe(true);
    // What structured clone would deliver: a plain object.
    const cloned = structuredClone(thrown);
    const page: ClientTransport = errorRebuildingTransport({ ...worker, listOffsets: () => Promise.reject(cloned) });
    const rebuilt = await page.listOffsets({ isolationLevel: "read_uncommitted", partitions: [] }).catch((e: unknown) => e);
    expect(rebuilt).toBeInstanceOf(KafkaError);
    expect(isKafkaError(rebuilt, "UNKNOWN_TOPIC_OR_PARTITION")).toBe(true);
    expect((rebuilt as Error).message).toBe('UNKNOWN_TOPIC_OR_PARTITION: topic "nope" does not exist');
  });

  it("requests and answers survive structured clone", async () => {
    const world = await startWorld();
    const t = new InProcessTransport(world.broker);
    await t.createTopics({ topics: [{ name: "t" }] });
    await t.produce(structuredClone({ topic: "t", partition: 0, records: batch("a") }));
    const answer = await t.fetch(structuredClone(fetchOf("t", 0, 0)));
    const copy = structuredClone(answer);
    expect(copy).toEqual(answer);
    expect(copy.partitions[0]!.records).toBeInstanceOf(Uint8Array);
    const join = await new Promise((resolve) => {
      void t.joinGroup(structuredClone({ groupId: "g", memberId: "", sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, protocolType: "consumer", protocols: [{ name: "range", metadata: { topics: ["t"], ownedPartitions: [], generationId: -1 } }] })).then(resolve);
    });
    expect(structuredClone(join)).toMatchObject({ error: "MEMBER_ID_REQUIRED" });
  });
});

describe("delayed fetch under read_committed", () => {
  it("wakes when a transaction commits through another transport, not only after maxWaitMs", async () => {
    const world = await startWorld();
    await world.broker.createTopic({ name: "t" });
    const reader = new InProcessTransport(world.broker);
    const writer = new InProcessTransport(world.broker);
    const id = await writer.initProducerId({ transactionalId: "tx", transactionTimeoutMs: 60_000 });
    const txn = { transactionalId: "tx", ...id };
    await writer.addPartitionsToTxn({ ...txn, partitions: ["t-0"] });
    await writer.produce({
      topic: "t",
      partition: 0,
      records: encodeBatch({ records: [{ key: null, value: utf8("x"), timestamp: START_TIME }], producerId: id.producerId, producerEpoch: id.producerEpoch, baseSequence: 0, transactional: true }),
    });
    let answeredAt: number | undefined;
    const pending = reader.fetch({ ...fetchOf("t", 0, 30_000), isolationLevel: "read_committed" }).then((r) => {
      answeredAt = world.scheduler.clock.now();
      return r;
    });
    await world.time.advance(2000);
    expect(answeredAt).toBeUndefined();
    await writer.endTxn({ ...txn, commit: true });
    const r = await pending;
    expect(answeredAt).toBe(START_TIME + 2000);
    expect(visibleRecords(r.partitions[0]!.records, 0, []).map((x) => new TextDecoder().decode(x.value!))).toEqual(["x"]);
    expect(r.partitions[0]!.lastStableOffset).toBe(2);
  });
});
