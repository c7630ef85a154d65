import { describe, expect, it } from "vitest";
import { decodeRecords, batchesIn, isControl } from "../log/record-batch";
import { isKafkaError } from "../protocol/errors";
import { START_TIME, startWorld } from "./client-test-support";
import { partitionForKey } from "./partitioner";
import type { KafkaMessage } from "./consumer";

type World = Awaited<ReturnType<typeof startWorld>>;

const enc = (s: string) => new TextEncoder().encode(s);

async function readAll(world: World, topic: string, partition: number) {
  const data = await world.broker.fetch(topic, partition, 0, 1 << 20);
  const out = [];
  for (const { pos, header } of batchesIn(data.bytes)) {
    if (isControl(header)) continue;
    out.push(...decodeRecords(data.bytes, pos));
  }
  return out;
}

async function connected(world: World, config: Parameters<World["kafka"]["producer"]>[0] = {}) {
  const producer = world.kafka.producer(config);
  await producer.connect();
  return producer;
}

/** Values a group reads from `topic`, with the isolation asked for. */
async function consumeAll(world: World, topic: string, groupId: string, readUncommitted: boolean) {
  const got: KafkaMessage[] = [];
  const c = world.kafka.consumer({ groupId, readUncommitted });
  await c.connect();
  await c.subscribe({ topics: [topic], fromBeginning: true });
  await c.run({ eachMessage: async ({ message }) => void got.push(message) });
  await world.time.advance(10_000);
  await c.disconnect();
  return got.map((m) => m.value!.toString());
}

describe("producer.send", () => {
  it("answers one RecordMetadata per partition written, with the first offset as a string", async () => {
    const world = await startWorld();
    await world.kafka.admin().createTopics({ topics: [{ topic: "t", numPartitions: 3 }] });
    const producer = await connected(world);
    const keys = ["a", "b", "c", "d", "e", "f"];
    const first = await producer.send({ topic: "t", messages: keys.map((key) => ({ key, value: `v-${key}` })) });
    const partitions = new Map<number, string[]>();
    for (const k of keys) partitions.set(partitionForKey(enc(k), 3), [...(partitions.get(partitionForKey(enc(k), 3)) ?? []), k]);
    expect(first.map((m) => m.partition).sort()).toEqual([...partitions.keys()].sort());
    for (const m of first) expect(m).toEqual({ topicName: "t", partition: m.partition, errorCode: 0, baseOffset: "0", logAppendTime: "-1", logStartOffset: "0" });

    const second = await producer.send({ topic: "t", messages: [{ key: "a", value: "again" }] });
    const pa = partitionForKey(enc("a"), 3);
    expect(second).toEqual([{ topicName: "t", partition: pa, errorCode: 0, baseOffset: String(partitions.get(pa)!.length), logAppendTime: "-1", logStartOffset: "0" }]);
    const stored = await readAll(world, "t", pa);
    expect(stored.map((r) => new TextDecoder().decode(r.value!))).toEqual([...partitions.get(pa)!.map((k) => `v-${k}`), "again"]);
  });

  it("keeps an explicit partition, headers (repeated keys too), timestamps and null values", async () => {
    const world = await startWorld();
    await world.kafka.admin().createTopics({ topics: [{ topic: "t", numPartitions: 2 }] });
    const producer = await connected(world);
    const ts = START_TIME - 5000;
    await producer.send({
      topic: "t",
      messages: [
        { key: "k", value: "v", partition: 1, timestamp: String(ts), headers: { trace: "abc", tag: ["x", "y"], raw: enc("bytes") } },
        { key: "gone", value: null, partition: 1 },
      ],
    });
    const [r1, r2] = await readAll(world, "t", 1);
    expect(r1!.timestamp).toBe(ts);
    expect(r1!.headers.map((h) => [h.key, new TextDecoder().decode(h.value!)])).toEqual([
      ["trace", "abc"],
      ["tag", "x"],
      ["tag", "y"],
      ["raw", "bytes"],
    ]);
    expect(r2!.value).toBeNull();
    expect(r2!.timestamp).toBe(START_TIME);
    const got: KafkaMessage[] = [];
    const c = world.kafka.consumer({ groupId: "h" });
    await c.connect();
    await c.subscribe({ topic: "t", fromBeginning: true });
    await c.run({ eachMessage: async ({ message }) => void got.push(message) });
    await world.time.advance(10_000);
    expect(got[0]!.headers.trace!.toString()).toBe("abc");
    expect((got[0]!.headers.tag as Uint8Array[]).map(String)).toEqual(["x", "y"]);
    expect(got[0]!.timestamp).toBe(String(ts));
    expect(got[1]!.value).toBeNull();
  });

  it("sendBatch writes several topics in one call", async () => {
    const world = await startWorld();
    await world.kafka.admin().createTopics({ topics: [{ topic: "a", numPartitions: 1 }, { topic: "b", numPartitions: 1 }] });
    const producer = await connected(world);
    const md = await producer.sendBatch({
      topicMessages: [
        { topic: "a", messages: [{ value: "1" }, { value: "2" }] },
        { topic: "b", messages: [{ value: "3" }] },
      ],
    });
    expect(md.map((m) => [m.topicName, m.partition, m.baseOffset])).toEqual([
      ["a", 0, "0"],
      ["b", 0, "0"],
    ]);
    expect((await readAll(world, "a", 0)).length).toBe(2);
  });

  it("reports the broker's time on a LogAppendTime topic", async () => {
    const world = await startWorld();
    await world.kafka.admin().createTopics({ topics: [{ topic: "lat", numPartitions: 1, configEntries: [{ name: "message.timestamp.type", value: "LogAppendTime" }] }] });
    const producer = await connected(world);
    await world.time.advance(1234);
    const [md] = await producer.send({ topic: "lat", messages: [{ value: "x", timestamp: "5" }] });
    expect(md!.logAppendTime).toBe(String(START_TIME + 1234));
  });

  it("acks: 0 answers no metadata (the broker does not reply), as KafkaJS", async () => {
    const world = await startWorld();
    const producer = await connected(world);
    expect(await producer.send({ topic: "auto", messages: [{ value: "x" }], acks: 0 })).toEqual([]);
    expect((await readAll(world, "auto", 0)).length).toBe(1);
  });

  it("creates a missing topic by default, refuses when allowAutoTopicCreation is false", async () => {
    const world = await startWorld({ numPartitions: 2 });
    const producer = await connected(world);
    await producer.send({ topic: "fresh", messages: [{ value: "x" }] });
    expect(world.broker.partitionCount("fresh")).toBe(2);
    const strict = await connected(world, { allowAutoTopicCreation: false });
    const err = await strict.send({ topic: "missing", messages: [{ value: "x" }] }).catch((e: unknown) => e);
    expect(isKafkaError(err, "UNKNOWN_TOPIC_OR_PARTITION")).toBe(true);
    expect((err as Error).message).toContain('topic "missing" does not exist');
    expect(world.broker.hasTopic("missing")).toBe(false);
  });

  it("refuses to send before connect, a partition that does not exist, and acks other than all when idempotent", async () => {
    const world = await startWorld();
    await world.kafka.admin().createTopics({ topics: [{ topic: "t", numPartitions: 2 }] });
    const producer = world.kafka.producer({ idempotent: true });
    await expect(producer.send({ topic: "t", messages: [{ value: "x" }] })).rejects.toThrow(/ILLEGAL_STATE: the producer is disconnected/);
    await producer.connect();
    expect(producer.isIdempotent()).toBe(true);
    await expect(producer.send({ topic: "t", messages: [{ value: "x", partition: 5 }] })).rejects.toThrow(/UNKNOWN_TOPIC_OR_PARTITION: invalid partition 5 for topic "t"/);
    await expect(producer.send({ topic: "t", messages: [{ value: "x" }], acks: 1 })).rejects.toThrow(/INVALID_REQUIRED_ACKS/);
    await expect(producer.send({ topic: "t", messages: [{ value: "x", timestamp: "soon" }] })).rejects.toThrow(/INVALID_TIMESTAMP/);
  });

  it("an idempotent producer writes batches with its producer id and sequence numbers", async () => {
    const world = await startWorld();
    await world.kafka.admin().createTopics({ topics: [{ topic: "t", numPartitions: 1 }] });
    const producer = await connected(world, { idempotent: true });
    await producer.send({ topic: "t", messages: [{ value: "a" }, { value: "b" }] });
    await producer.send({ topic: "t", messages: [{ value: "c" }] });
    const data = await world.broker.fetch("t", 0, 0, 1 << 20);
    const headers = [...batchesIn(data.bytes)].map((b) => b.header);
    expect(headers.map((h) => h.baseSequence)).toEqual([0, 2]);
    expect(new Set(headers.map((h) => h.producerId)).size).toBe(1);
    expect(headers[0]!.producerId).toBeGreaterThanOrEqual(0);
  });

  it("emits CONNECT and DISCONNECT and refuses unknown event names", async () => {
    const world = await startWorld();
    const producer = world.kafka.producer();
    const seen: string[] = [];
    producer.on(producer.events.CONNECT, (e) => seen.push(e.type));
    producer.on(producer.events.DISCONNECT, (e) => seen.push(e.type));
    await producer.connect();
    await producer.disconnect();
    await world.time.settle();
    expect(seen).toEqual(["producer.connect", "producer.disconnect"]);
    expect(() => producer.on("producer.nope", () => {})).toThrow(/unknown event "producer.nope"/);
  });

  it("refuses a custom partitioner", async () => {
    const world = await startWorld();
    expect(() => world.kafka.producer({ createPartitioner: () => () => 0 })).toThrow(/INVALID_CONFIG: producer: createPartitioner is not supported/);
  });
});

describe("transactions", () => {
  it("commit: read_committed consumers see the records; the offsets sent with it are committed", async () => {
    const world = await startWorld();
    await world.kafka.admin().createTopics({ topics: [{ topic: "out", numPartitions: 1 }, { topic: "in", numPartitions: 1 }] });
    const producer = await connected(world, { transactionalId: "tx-1" });
    const txn = await producer.transaction();
    expect(txn.isActive()).toBe(true);
    await txn.send({ topic: "out", messages: [{ value: "a" }, { value: "b" }] });
    await txn.sendOffsets({ consumerGroupId: "pipeline", topics: [{ topic: "in", partitions: [{ partition: 0, offset: "7" }] }] });
    // Not visible to read_committed readers before the commit.
    expect((await world.broker.listOffset("out", 0, "latest", "read_committed")).offset).toBe(0);
    expect(await world.kafka.admin().fetchOffsets({ groupId: "pipeline", topics: ["in"] })).toEqual([{ topic: "in", partitions: [{ partition: 0, offset: "-1", metadata: null }] }]);
    await txn.commit();
    expect(txn.isActive()).toBe(false);
    expect(await consumeAll(world, "out", "reader", false)).toEqual(["a", "b"]);
    expect((await world.kafka.admin().fetchOffsets({ groupId: "pipeline", topics: ["in"] }))[0]!.partitions[0]!.offset).toBe("7");
    await expect(txn.send({ topic: "out", messages: [{ value: "late" }] })).rejects.toThrow(/ILLEGAL_STATE: transaction of "tx-1" has ended/);
  });

  it("abort: read_committed consumers skip the records, read_uncommitted ones see them; offsets are not committed", async () => {
    const world = await startWorld();
    await world.kafka.admin().createTopics({ topics: [{ topic: "out", numPartitions: 1 }] });
    const producer = await connected(world, { transactionalId: "tx-2" });
    const plain = await producer.send({ topic: "out", messages: [{ value: "before" }] });
    expect(plain[0]!.baseOffset).toBe("0");
    const txn = await producer.transaction();
    await txn.send({ topic: "out", messages: [{ value: "x" }, { value: "y" }] });
    await txn.sendOffsets({ consumerGroupId: "pipeline", topics: [{ topic: "out", partitions: [{ partition: 0, offset: "1" }] }] });
    await txn.abort();
    const next = await producer.transaction();
    await next.send({ topic: "out", messages: [{ value: "z" }] });
    await next.commit();
    expect(await consumeAll(world, "out", "committed", false)).toEqual(["before", "z"]);
    expect(await consumeAll(world, "out", "uncommitted", true)).toEqual(["before", "x", "y", "z"]);
    expect((await world.kafka.admin().fetchOffsets({ groupId: "pipeline", topics: ["out"] }))[0]!.partitions[0]!.offset).toBe("-1");
  });

  it("one transaction at a time, and only with a transactionalId", async () => {
    const world = await startWorld();
    const producer = await connected(world, { transactionalId: "tx-3" });
    const txn = await producer.transaction();
    await expect(producer.transaction()).rejects.toThrow(/there is already an ongoing transaction/);
    await txn.abort();
    await expect((await producer.transaction()).commit()).resolves.toBeUndefined();
    const plain = await connected(world);
    await expect(plain.transaction()).rejects.toThrow(/ILLEGAL_STATE: producer.transaction\(\) needs a producer created with a transactionalId/);
  });

  it("a second producer with the same transactionalId fences the first", async () => {
    const world = await startWorld();
    await world.kafka.admin().createTopics({ topics: [{ topic: "out", numPartitions: 1 }] });
    const zombie = await connected(world, { transactionalId: "tx-4" });
    const old = await zombie.transaction();
    await old.send({ topic: "out", messages: [{ value: "zombie" }] });
    const fresh = await connected(world, { transactionalId: "tx-4" });
    const txn = await fresh.transaction();
    await txn.send({ topic: "out", messages: [{ value: "fresh" }] });
    await txn.commit();
    const err = await old.commit().catch((e: unknown) => e);
    expect(isKafkaError(err)).toBe(true);
    expect(["PRODUCER_FENCED", "INVALID_PRODUCER_EPOCH"]).toContain((err as { type: string }).type);
    expect(await consumeAll(world, "out", "r", false)).toEqual(["fresh"]);
  });
});
