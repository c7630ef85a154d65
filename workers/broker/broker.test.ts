import { describe, expect, it } from "vitest";
import { MemoryStorage } from "../storage/memory-storage";
import { VirtualClock } from "../runtime/clock";
import { VirtualScheduler } from "../runtime/scheduler";
import { decodeRecords, encodeBatch, utf8 } from "../log/record-batch";
import { visibleRecords } from "../client/visible-records";
import { isKafkaError } from "../protocol/errors";
import { Broker } from "./broker";

async function startBroker(storage = new MemoryStorage(), start = 1_000_000) {
  const scheduler = new VirtualScheduler(new VirtualClock(start));
  const broker = await Broker.start({ storage, scheduler });
  return { broker, scheduler, storage };
}

function batch(records: Array<[string | null, string | null]>, extra: Parameters<typeof encodeBatch>[0] extends infer T ? Partial<T> : never = {}, ts = 1_000_000) {
  return encodeBatch({
    ...extra,
    records: records.map(([k, v]) => ({ key: k === null ? null : utf8(k), value: v === null ? null : utf8(v), timestamp: ts })),
  });
}

/** Everything a consumer with this isolation level would see, as [offset, value]. */
async function values(broker: Broker, topic: string, partition = 0, isolation: "read_uncommitted" | "read_committed" = "read_uncommitted") {
  const out: Array<[number, string | null]> = [];
  let offset = broker.partition(topic, partition).logStartOffset;
  for (;;) {
    const data = await broker.fetch(topic, partition, offset, 1 << 20, isolation);
    if (data.bytes.length === 0) return out;
    const aborted = isolation === "read_committed" ? data.abortedTransactions : undefined;
    for (const r of visibleRecords(data.bytes, offset, aborted)) out.push([r.offset, r.value && new TextDecoder().decode(r.value)]);
    offset = data.nextOffset;
  }
}

async function expectKafkaError(p: Promise<unknown> | (() => unknown), type: string, message?: RegExp) {
  let caught: unknown;
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    caught = e;
  }
  expect(isKafkaError(caught), `expected a KafkaError ${type}, got ${String(caught)}`).toBe(true);
  expect((caught as { type: string }).type).toBe(type);
  if (message) expect((caught as Error).message).toMatch(message);
}

describe("topics", () => {
  it("creates, describes, alters and deletes topics with Kafka's configs", async () => {
    const { broker, storage } = await startBroker();
    const d = await broker.createTopic({ name: "orders", partitions: 3, config: { "cleanup.policy": "compact", "segment.bytes": "1024" } });
    expect(d.partitions.map((p) => [p.partition, p.logEndOffset, p.highWatermark])).toEqual([[0, 0, 0], [1, 0, 0], [2, 0, 0]]);
    const seg = d.config.find((c) => c.name === "segment.bytes")!;
    expect([seg.value, seg.isDefault]).toEqual(["1024", false]);
    expect(d.config.find((c) => c.name === "retention.ms")!.isDefault).toBe(true);
    expect(await storage.list("")).toEqual(expect.arrayContaining(["orders-0", "orders-1", "orders-2"]));

    await broker.alterTopicConfig("orders", { "retention.ms": 1000 }, ["segment.bytes"]);
    expect(broker.topicConfig("orders")["retention.ms"]).toBe(1000);
    expect(broker.topicConfig("orders")["segment.bytes"]).toBe(1073741824);

    await broker.deleteTopic("orders");
    expect(broker.listTopics()).toEqual([]);
    expect(await storage.list("")).not.toContain("orders-0");
  });

  it("refuses bad requests with Kafka's error names and leaves nothing behind", async () => {
    const { broker, storage } = await startBroker();
    await expectKafkaError(broker.createTopic({ name: "bad name!" }), "INVALID_TOPIC_EXCEPTION", /bad name!/);
    await expectKafkaError(broker.createTopic({ name: "t", partitions: 0 }), "INVALID_PARTITIONS", /"t"/);
    await expectKafkaError(broker.createTopic({ name: "t", replicationFactor: 3 }), "INVALID_REPLICATION_FACTOR", /available brokers/);
    await expectKafkaError(broker.createTopic({ name: "t", config: { "segment.bytes": "abc" } }), "INVALID_CONFIG", /segment\.bytes/);
    await expectKafkaError(broker.createTopic({ name: "t", config: { "retention.msx": 1 } }), "INVALID_CONFIG", /retention\.ms/);
    expect(broker.listTopics()).toEqual([]);
    expect((await storage.list("")).filter((n) => n.startsWith("t-"))).toEqual([]);
    await broker.createTopic({ name: "t" });
    await expectKafkaError(broker.createTopic({ name: "t" }), "TOPIC_ALREADY_EXISTS");
    await expectKafkaError(broker.alterTopicConfig("t", { "cleanup.policy": "sometimes" }), "INVALID_CONFIG", /cleanup\.policy/);
    expect(broker.topicConfig("t")["cleanup.policy"]).toEqual(["delete"]);
    await expectKafkaError(() => broker.partition("t", 4), "UNKNOWN_TOPIC_OR_PARTITION", /no partition 4/);
    await expectKafkaError(() => broker.partition("nope", 0), "UNKNOWN_TOPIC_OR_PARTITION", /"nope"/);
  });

  it("comes back after a restart with its topics and data", async () => {
    const first = await startBroker();
    await first.broker.createTopic({ name: "a", partitions: 2, config: { "retention.ms": 5000 } });
    await first.broker.produce("a", 1, batch([["k", "v"]]));
    await first.broker.shutdown();
    const { broker } = await startBroker(first.storage);
    expect(broker.listTopics()).toEqual(["a"]);
    expect(broker.topicConfig("a")["retention.ms"]).toBe(5000);
    expect(await values(broker, "a", 1)).toEqual([[0, "v"]]);
  });
});

describe("produce and fetch", () => {
  it("assigns dense offsets and fetches whole batches", async () => {
    const { broker } = await startBroker();
    await broker.createTopic({ name: "t" });
    const r1 = await broker.produce("t", 0, batch([["a", "1"], ["b", "2"]]));
    const r2 = await broker.produce("t", 0, batch([["c", "3"]]));
    expect([r1.baseOffset, r1.lastOffset, r2.baseOffset]).toEqual([0, 1, 2]);
    expect(await values(broker, "t")).toEqual([[0, "1"], [1, "2"], [2, "3"]]);
    const mid = await broker.fetch("t", 0, 1, 1);
    expect(decodeRecords(mid.bytes).map((r) => r.offset)).toEqual([0, 1]); // the batch holding offset 1
    const atEnd = await broker.fetch("t", 0, 3, 1000);
    expect(atEnd.bytes.length).toBe(0);
    await expectKafkaError(broker.fetch("t", 0, 4, 1000), "OFFSET_OUT_OF_RANGE");
  });

  it("rejects what Kafka's broker rejects", async () => {
    const { broker } = await startBroker();
    await broker.createTopic({ name: "small", config: { "max.message.bytes": 100 } });
    await expectKafkaError(broker.produce("small", 0, batch([["k", "x".repeat(200)]])), "MESSAGE_TOO_LARGE", /small-0/);
    await broker.createTopic({ name: "table", config: { "cleanup.policy": "compact" } });
    await expectKafkaError(broker.produce("table", 0, batch([[null, "v"]])), "INVALID_RECORD", /without key/);
    await broker.createTopic({ name: "t" });
    await expectKafkaError(broker.produce("t", 0, batch([["k", "v"]], {}, 1_000_000 + 3_600_001)), "INVALID_TIMESTAMP", /after\.max\.ms/);
    const torn = batch([["k", "v"]]).subarray(0, 40);
    await expectKafkaError(broker.produce("t", 0, torn), "CORRUPT_MESSAGE");
    expect(broker.partition("t", 0).logEndOffset).toBe(0);
  });

  it("validates a whole request before writing any of it", async () => {
    const { broker } = await startBroker();
    await broker.createTopic({ name: "t" });
    const good = batch([["a", "1"]]);
    const bad = batch([["b", "2"]]);
    bad[40] = bad[40]! ^ 0xff;
    const request = new Uint8Array(good.length + bad.length);
    request.set(good, 0);
    request.set(bad, good.length);
    await expectKafkaError(broker.produce("t", 0, request), "CORRUPT_MESSAGE");
    expect(broker.partition("t", 0).logEndOffset).toBe(0);
    const both = new Uint8Array(good.length + batch([["c", "3"]]).length);
    both.set(good, 0);
    both.set(batch([["c", "3"]]), good.length);
    const r = await broker.produce("t", 0, both);
    expect([r.baseOffset, r.lastOffset, r.recordCount]).toEqual([0, 1, 2]);
    expect(await values(broker, "t")).toEqual([[0, "1"], [1, "3"]]);
  });

  it("drops retried batches of an idempotent producer and refuses gaps", async () => {
    const { broker } = await startBroker();
    await broker.createTopic({ name: "t" });
    const { producerId, producerEpoch } = await broker.initProducerId();
    const b0 = batch([["a", "1"], ["b", "2"]], { producerId, producerEpoch, baseSequence: 0 });
    await broker.produce("t", 0, b0);
    const retry = await broker.produce("t", 0, batch([["a", "1"], ["b", "2"]], { producerId, producerEpoch, baseSequence: 0 }));
    expect(retry).toMatchObject({ duplicate: true, baseOffset: 0, lastOffset: 1 });
    await expectKafkaError(broker.produce("t", 0, batch([["c", "3"]], { producerId, producerEpoch, baseSequence: 5 })), "OUT_OF_ORDER_SEQUENCE_NUMBER");
    await broker.produce("t", 0, batch([["c", "3"]], { producerId, producerEpoch, baseSequence: 2 }));
    expect(await values(broker, "t")).toEqual([[0, "1"], [1, "2"], [2, "3"]]);
  });

  it("never reuses a producer id across restarts", async () => {
    const first = await startBroker();
    const a = await first.broker.initProducerId();
    await first.broker.shutdown();
    const { broker } = await startBroker(first.storage);
    const b = await broker.initProducerId();
    expect(b.producerId).toBeGreaterThan(a.producerId);
  });

  it("finds offsets by time", async () => {
    const { broker } = await startBroker();
    await broker.createTopic({ name: "t" });
    await broker.produce("t", 0, batch([["a", "1"]], {}, 100));
    await broker.produce("t", 0, batch([["b", "2"]], {}, 200));
    await broker.produce("t", 0, batch([["c", "3"]], {}, 300));
    expect(await broker.listOffset("t", 0, { timestamp: 150 })).toEqual({ offset: 1, timestamp: 200 });
    expect(await broker.listOffset("t", 0, { timestamp: 999 })).toEqual({ offset: -1, timestamp: -1 });
    expect((await broker.listOffset("t", 0, "latest")).offset).toBe(3);
    await broker.deleteRecords("t", 0, 2);
    expect((await broker.listOffset("t", 0, "earliest")).offset).toBe(2);
    await expectKafkaError(broker.fetch("t", 0, 1, 100), "OFFSET_OUT_OF_RANGE");
  });
});

describe("transactions", () => {
  it("hides an open transaction from read_committed and skips aborted records", async () => {
    const { broker } = await startBroker();
    await broker.createTopic({ name: "t" });
    const txn = await broker.initProducerId({ transactionalId: "tx-1" });
    const { producerId, producerEpoch } = txn;
    await broker.produce("t", 0, batch([["plain", "0"]]));
    broker.addPartitionsToTxn("tx-1", producerId, producerEpoch, ["t-0"]);
    await broker.produce("t", 0, batch([["a", "1"], ["b", "2"]], { producerId, producerEpoch, baseSequence: 0, transactional: true }));
    await broker.produce("t", 0, batch([["plain", "3"]]));
    const p = broker.partition("t", 0);
    expect([p.lastStableOffset, p.highWatermark]).toEqual([1, 4]);
    expect(await values(broker, "t", 0, "read_committed")).toEqual([[0, "0"]]);
    expect((await values(broker, "t")).length).toBe(4);

    await broker.endTxn("tx-1", producerId, producerEpoch, false);
    expect(p.lastStableOffset).toBe(5); // the ABORT marker took offset 4
    expect(await values(broker, "t", 0, "read_committed")).toEqual([[0, "0"], [3, "3"]]);
    const committed = await broker.fetch("t", 0, 0, 1 << 20, "read_committed");
    expect(committed.abortedTransactions).toEqual([{ producerId, firstOffset: 1 }]);

    const again = await broker.initProducerId({ transactionalId: "tx-1" });
    expect(again.producerEpoch).toBe(producerEpoch + 1);
    await expectKafkaError(async () => broker.addPartitionsToTxn("tx-1", producerId, producerEpoch, ["t-0"]), "PRODUCER_FENCED");
  });

  it("aborts a transaction that outlives transaction.timeout.ms", async () => {
    const { broker, scheduler } = await startBroker();
    await broker.createTopic({ name: "t" });
    const { producerId, producerEpoch } = await broker.initProducerId({ transactionalId: "slow", transactionTimeoutMs: 5000 });
    broker.addPartitionsToTxn("slow", producerId, producerEpoch, ["t-0"]);
    await broker.produce("t", 0, batch([["a", "1"]], { producerId, producerEpoch, baseSequence: 0, transactional: true }));
    expect(broker.partition("t", 0).lastStableOffset).toBe(0);
    scheduler.advance(20_000);
    await broker.idle();
    expect(broker.partition("t", 0).lastStableOffset).toBe(2);
    expect(broker.describeTransactions()[0]).toMatchObject({ transactionalId: "slow", state: "CompleteAbort", producerEpoch: producerEpoch + 1 });
  });

  it("aborts transactions left open by a crash when it starts again", async () => {
    const first = await startBroker();
    await first.broker.createTopic({ name: "t" });
    const { producerId, producerEpoch } = await first.broker.initProducerId({ transactionalId: "x" });
    first.broker.addPartitionsToTxn("x", producerId, producerEpoch, ["t-0"]);
    await first.broker.produce("t", 0, batch([["a", "1"]], { producerId, producerEpoch, baseSequence: 0, transactional: true }));
    first.storage.simulateCrash();
    const { broker } = await startBroker(first.storage);
    const p = broker.partition("t", 0);
    expect([p.logEndOffset, p.lastStableOffset]).toEqual([2, 2]);
    expect(await values(broker, "t", 0, "read_committed")).toEqual([]);
  });
});

describe("housekeeping on the scheduler", () => {
  it("runs retention every log.retention.check.interval.ms", async () => {
    const { broker, scheduler } = await startBroker(new MemoryStorage(), 0);
    await broker.createTopic({ name: "t", config: { "retention.ms": 1000 } });
    await broker.produce("t", 0, batch([["a", "1"]], {}, 0));
    await broker.roll("t");
    await broker.produce("t", 0, batch([["b", "2"]], {}, 0));
    scheduler.advance(299_999);
    await broker.idle();
    expect(broker.partition("t", 0).logStartOffset).toBe(0);
    scheduler.advance(1);
    await broker.idle();
    // Time retention deletes even the expired active segment (rolling first): the log is empty.
    expect(broker.partition("t", 0).logStartOffset).toBe(2);
    expect(broker.partition("t", 0).logEndOffset).toBe(2);
  });

  it("lets the cleaner compact a dirty log on its own", async () => {
    const { broker, scheduler } = await startBroker(new MemoryStorage(), 0);
    await broker.createTopic({ name: "c", config: { "cleanup.policy": "compact" } });
    await broker.produce("c", 0, batch([["k", "1"], ["k", "2"], ["k", "3"]], {}, 0));
    await broker.roll("c");
    await broker.produce("c", 0, batch([["z", "4"]], {}, 0));
    scheduler.advance(15_000);
    await broker.idle();
    expect(await values(broker, "c")).toEqual([[2, "3"], [3, "4"]]);
  });
});
