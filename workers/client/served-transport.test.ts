import { MessageChannel, type MessagePort } from "node:worker_threads";
import * as Comlink from "comlink";
import { afterEach, describe, expect, it } from "vitest";
import { BrokerEngineApi } from "../engine/engine-api";
import { encodeBatch, utf8 } from "../log/record-batch";
import { KafkaError } from "../protocol/errors";
import { FollowingScheduler } from "../runtime/following-scheduler";
import { RemoteVirtualTime } from "../runtime/remote-virtual-time";
import { WallClockDriver } from "../runtime/wall-clock-driver";
import { MemoryStorage } from "../storage/memory-storage";
import type { FetchResponse } from "./client-transport";
import type { Consumer } from "./consumer";
import { Kafka } from "./kafka";
import { text } from "./message-bytes";
import { errorRebuildingTransport } from "./seam-transport";
import { packRecords, servedTransport, type MarkTransfer, type ServedTransport } from "./served-transport";

const WALL = Date.UTC(2025, 0, 15, 9, 30);
const TOPIC = "orders";

const open: MessagePort[] = [];
afterEach(() => {
  for (const port of open.splice(0)) port.close();
});

/**
 * The browser's arrangement in one Node process: the engine API as the broker worker runs
 * it (clock paused, stepped only), the served transport on one end of a real MessageChannel
 * through Comlink, and on the other end what src/engine-client/kafka-client.ts builds: a
 * Kafka over the Comlink remote, a FollowingScheduler and RemoteVirtualTime.
 */
async function pageAndWorker() {
  const api = new BrokerEngineApi({
    wallTime: () => WALL,
    driveClock: (target) => new WallClockDriver({ ...target, playing: false, setTimer: () => () => {}, wallNow: () => 0 }),
    requestFrame: () => {},
  });
  await api.start(new MemoryStorage());
  const transfers: number[][] = [];
  const mark: MarkTransfer = (value, buffers) => {
    transfers.push(buffers.map((b) => b.byteLength));
    return Comlink.transfer(value, buffers);
  };
  const { port1, port2 } = new MessageChannel();
  open.push(port1, port2);
  Comlink.expose(servedTransport(() => api.currentBroker(), mark), port2 as unknown as Comlink.Endpoint);
  const remote = Comlink.wrap<ServedTransport>(port1 as unknown as Comlink.Endpoint);
  const scheduler = new FollowingScheduler(await api.now());
  const kafka = new Kafka({ clientId: "page", transport: errorRebuildingTransport(remote as unknown as ServedTransport), scheduler });
  const time = new RemoteVirtualTime(scheduler, { now: () => api.now(), step: async (ms) => (await api.step(ms)).now }, [
    kafka,
    { idle: () => remote.idle() },
  ]);
  return { api, kafka, time, transfers, remote };
}

type Delivery = { member: string; partition: number; offset: number; value: string };

async function member(kafka: Kafka, name: string, deliveries: Delivery[]): Promise<Consumer> {
  const c = kafka.consumer({ groupId: "billing", sessionTimeout: 6000, heartbeatInterval: 1000 });
  await c.connect();
  await c.subscribe({ topics: [TOPIC], fromBeginning: true });
  await c.run({
    eachMessage: async ({ partition, message }) => {
      deliveries.push({ member: name, partition, offset: Number(message.offset), value: text(message.value)! });
    },
  });
  return c;
}

describe("packRecords", () => {
  it("copies every partition's records into one new buffer, leaving the input alone", () => {
    const a = new Uint8Array([1, 2, 3]);
    const shared = new Uint8Array([9, 9, 4, 5, 9]).subarray(2, 4);
    const empty = new Uint8Array(0);
    const base = { error: null, fetchOffset: 0, highWatermark: 0, lastStableOffset: 0, logStartOffset: 0, nextOffset: 0, abortedTransactions: [] };
    const response: FetchResponse = {
      partitions: [
        { ...base, topic: "t", partition: 0, records: a },
        { ...base, topic: "t", partition: 1, records: empty },
        { ...base, topic: "t", partition: 2, records: shared },
      ],
    };
    const { response: packed, buffer } = packRecords(response);
    expect(buffer?.byteLength).toBe(5);
    expect(packed.partitions.map((p) => [...p.records])).toEqual([[1, 2, 3], [], [4, 5]]);
    expect(packed.partitions[0]!.records.buffer).toBe(buffer);
    expect(packed.partitions[2]!.records.buffer).toBe(buffer);
    expect(packed.partitions[1]!.records).toBe(empty);
    expect(response.partitions[0]!.records).toBe(a);
    expect(packRecords({ partitions: [{ ...base, topic: "t", partition: 0, records: empty }] }).buffer).toBeNull();
  });
});

describe("the client transport across a MessageChannel, as the page reaches the broker worker", () => {
  it("a fetch answer crosses as one transferred buffer; failures keep their Kafka names", async () => {
    const { api, remote, transfers } = await pageAndWorker();
    const transport = errorRebuildingTransport(remote as unknown as ServedTransport);
    await api.createTopic({ name: "t", partitions: 3 });
    for (let p = 0; p < 3; p++) {
      await transport.produce({ topic: "t", partition: p, records: encodeBatch({ records: [{ key: null, value: utf8(`v${p}`), timestamp: WALL }] }) });
    }
    const response = await transport.fetch({
      isolationLevel: "read_uncommitted",
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: 1 << 20,
      partitions: [0, 1, 2].map((partition) => ({ topic: "t", partition, fetchOffset: 0, maxBytes: 1 << 20 })),
    });
    const sizes = response.partitions.map((p) => p.records.byteLength);
    expect(sizes.every((n) => n > 0)).toBe(true);
    expect(transfers).toEqual([[sizes.reduce((a, b) => a + b, 0)]]);
    // The three partitions' records are views into the one buffer that crossed.
    expect(new Set(response.partitions.map((p) => p.records.buffer)).size).toBe(1);

    const failed = await transport.commitOffsets({ groupId: "g", memberId: "nobody", generationId: 3, offsets: { "t-0": { offset: 1 } } }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(KafkaError);
    expect((failed as KafkaError).type).toBe("GROUP_ID_NOT_FOUND");
    expect((failed as KafkaError).message).toMatch(/^GROUP_ID_NOT_FOUND: .*\bg\b/);
    const missing = await transport.metadata({ topics: ["nope"], allowAutoTopicCreation: false });
    expect(missing.topics[0]!.error).toMatchObject({ type: "UNKNOWN_TOPIC_OR_PARTITION" });
  });

  it("two consumers of one group split the partitions; a crashed one's move to the other after the session timeout; commits are readable", async () => {
    const { kafka, time } = await pageAndWorker();
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 4 }] });
    const producer = kafka.producer();
    await producer.connect();
    const send = (from: number, n: number) =>
      producer.send({ topic: TOPIC, messages: Array.from({ length: n }, (_, i) => ({ key: `k${from + i}`, value: `v${from + i}` })) });
    await send(0, 40);

    const deliveries: Delivery[] = [];
    const a = await member(kafka, "a", deliveries);
    const b = await member(kafka, "b", deliveries);
    await time.until(() => deliveries.length >= 40 && a.assignment().length > 0 && b.assignment().length > 0, 60_000);
    expect(a.assignment()).toHaveLength(2);
    expect(b.assignment()).toHaveLength(2);
    const owner = (d: Delivery) => (a.assignment().includes(`${TOPIC}-${d.partition}`) ? "a" : "b");
    expect(deliveries.every((d) => d.member === owner(d))).toBe(true);
    expect(deliveries.map((d) => d.value).sort()).toEqual(Array.from({ length: 40 }, (_, i) => `v${i}`).sort());

    // Heartbeats keep both members in across a long advance driven from the page.
    await time.advance(20_000);
    expect((await a.describeGroup()).members).toHaveLength(2);

    const crashedOwns = a.assignment();
    a.crash();
    await send(40, 40);
    await time.advance(3000);
    expect((await b.describeGroup()).members).toHaveLength(2);
    await time.until(() => b.assignment().length === 4 && deliveries.length >= 80, 30_000);
    const group = await b.describeGroup();
    expect(group).toMatchObject({ state: "Stable" });
    expect(group.members).toHaveLength(1);
    // Every record exactly once: a committed what it had handled before it crashed.
    expect(deliveries.map((d) => d.value).sort()).toEqual(Array.from({ length: 80 }, (_, i) => `v${i}`).sort());
    const takenOver = deliveries.slice(40).filter((d) => crashedOwns.includes(`${TOPIC}-${d.partition}`));
    expect(takenOver.length).toBeGreaterThan(0);
    expect(takenOver.every((d) => d.member === "b")).toBe(true);

    const ends = await admin.fetchTopicOffsets(TOPIC);
    const committed = await admin.fetchOffsets({ groupId: "billing", topics: [TOPIC] });
    expect(committed[0]!.partitions.map((p) => p.offset)).toEqual(ends.sort((x, y) => x.partition - y.partition).map((e) => e.high));
    await b.commitOffsets([{ topic: TOPIC, partition: 0, offset: "1" }]);
    const rewound = await admin.fetchOffsets({ groupId: "billing", topics: [TOPIC] });
    expect(rewound[0]!.partitions[0]).toMatchObject({ partition: 0, offset: "1" });
    await b.disconnect();
  });
});
