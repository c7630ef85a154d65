import { describe, expect, it, vi } from "vitest";
import { WallClockDriver } from "../runtime/wall-clock-driver";
import { startWorld } from "./client-test-support";

describe("clients on wall time", () => {
  it("a WallClockDriver playing the engine's clock through VirtualTime runs a group in real time", async () => {
    const world = await startWorld();
    await world.kafka.admin().createTopics({ topics: [{ topic: "t", numPartitions: 2 }] });
    const producer = world.kafka.producer();
    await producer.connect();
    await producer.send({ topic: "t", messages: [{ value: "a" }, { value: "b" }] });
    const c = world.kafka.consumer({ groupId: "g" });
    await c.connect();
    await c.subscribe({ topics: ["t"], fromBeginning: true });
    const got: string[] = [];
    await c.run({ eachMessage: async ({ message }) => void got.push(message.value!.toString()) });
    // 50× wall speed: the 3 s initial rebalance delay passes in about 60 ms.
    const driver = new WallClockDriver({ advance: (ms) => world.time.advance(ms), now: () => world.time.now(), speed: 50 });
    try {
      await vi.waitFor(() => expect(got.sort()).toEqual(["a", "b"]), { timeout: 10_000, interval: 20 });
      expect(c.assignment()).toEqual(["t-0", "t-1"]);
    } finally {
      await driver.dispose();
    }
    await c.disconnect();
  });
});

describe("clients on an engine's clock", () => {
  it("engine.advance() alone drives the group and the deliveries", async () => {
    const { createEngine } = await import("../engine/engine");
    const { MemoryStorage } = await import("../storage/memory-storage");
    const { Kafka } = await import("./kafka");
    const engine = await createEngine({ storage: new MemoryStorage(), broker: { offsetsTopicNumPartitions: 2 } });
    const kafka = new Kafka({ clientId: "e", broker: () => engine.broker });
    await kafka.admin().createTopics({ topics: [{ topic: "t", numPartitions: 2 }] });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: "t", messages: [{ value: "a" }, { value: "b" }, { value: "c" }] });
    const c = kafka.consumer({ groupId: "g" });
    await c.connect();
    await c.subscribe({ topics: ["t"], fromBeginning: true });
    const got: string[] = [];
    await c.run({ eachMessage: async ({ message }) => void got.push(message.value!.toString()) });
    for (let i = 0; i < 20 && got.length < 3; i++) await engine.advance(1000);
    expect(got.sort()).toEqual(["a", "b", "c"]);
    await c.disconnect();
    await engine.close();
  });
});
