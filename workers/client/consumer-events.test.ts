import { describe, expect, it } from "vitest";
import { START_TIME, startWorld } from "./client-test-support";
import type { InstrumentationEvent } from "./instrumentation";
import type { ConsumerEvent } from "./client-events";

describe("consumer events", () => {
  it("KafkaJS instrumentation events: GROUP_JOIN, HEARTBEAT, FETCH, batch processing, COMMIT_OFFSETS, REBALANCING, STOP", async () => {
    const world = await startWorld();
    await world.kafka.admin().createTopics({ topics: [{ topic: "t", numPartitions: 2 }] });
    const producer = world.kafka.producer();
    await producer.connect();
    await producer.send({ topic: "t", messages: [{ value: "a", partition: 0 }, { value: "b", partition: 0 }] });
    const c = world.kafka.consumer({ groupId: "g", heartbeatInterval: 1000 });
    const seen: InstrumentationEvent<Record<string, unknown> | null>[] = [];
    for (const name of Object.values(c.events)) c.on(name, (e) => seen.push(e as InstrumentationEvent<Record<string, unknown> | null>));
    await c.connect();
    await c.subscribe({ topics: ["t"], fromBeginning: true });
    await c.run({ eachMessage: async () => {} });
    await world.time.advance(10_000);
    const of = (type: string) => seen.filter((e) => e.type === type);

    expect(of("consumer.connect")).toHaveLength(1);
    const [join] = of("consumer.group_join");
    expect(join!.payload).toEqual({
      duration: expect.any(Number),
      groupId: "g",
      isLeader: true,
      leaderId: c.memberId(),
      groupProtocol: "roundrobin",
      memberId: c.memberId(),
      memberAssignment: { t: [0, 1] },
    });
    expect(join!.timestamp).toBeGreaterThanOrEqual(START_TIME + 3000);
    const heartbeats = of("consumer.heartbeat");
    expect(heartbeats.length).toBeGreaterThanOrEqual(3);
    expect(heartbeats[0]!.payload).toEqual({ groupId: "g", memberId: c.memberId(), groupGenerationId: 1 });
    expect(of("consumer.fetch_start").length).toBeGreaterThan(0);
    expect(of("consumer.fetch").some((e) => (e.payload as { numberOfBatches: number }).numberOfBatches === 1)).toBe(true);
    expect(of("consumer.start_batch_process")[0]!.payload).toEqual({
      topic: "t",
      partition: 0,
      highWatermark: "2",
      offsetLag: "0",
      offsetLagLow: "1",
      batchSize: 2,
      firstOffset: "0",
      lastOffset: "1",
    });
    expect(of("consumer.end_batch_process")[0]!.payload).toMatchObject({ topic: "t", partition: 0, batchSize: 2, duration: expect.any(Number) });
    expect(of("consumer.commit_offsets").map((e) => e.payload)).toContainEqual({
      groupId: "g",
      memberId: c.memberId(),
      groupGenerationId: 1,
      // The empty partition's start is committed too: its lag then reads 0, not unknown.
      topics: [{ topic: "t", partitions: [{ partition: 0, offset: "2" }, { partition: 1, offset: "0" }] }],
    });
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);

    // A second member makes the first rebalance.
    const other = world.kafka.consumer({ groupId: "g" });
    await other.connect();
    await other.subscribe({ topics: ["t"] });
    await other.run({ eachMessage: async () => {} });
    await world.time.advance(10_000);
    expect(of("consumer.rebalancing").at(-1)!.payload).toEqual({ groupId: "g", memberId: c.memberId() });
    expect(of("consumer.group_join").at(-1)!.payload).toMatchObject({ memberAssignment: { t: [expect.any(Number)] } });

    await c.disconnect();
    await world.time.settle();
    expect(of("consumer.stop")).toHaveLength(1);
    expect(of("consumer.disconnect")).toHaveLength(1);
    await other.disconnect();
  });

  it("low-level events: the member's rebalances with its partitions before and after, revocations, commits, lag", async () => {
    const world = await startWorld();
    await world.kafka.admin().createTopics({ topics: [{ topic: "t", numPartitions: 4 }] });
    const producer = world.kafka.producer();
    await producer.connect();
    const first = world.kafka.consumer({ groupId: "g" });
    const events: ConsumerEvent[] = [];
    first.onEvent((e) => events.push(e));
    await first.connect();
    await first.subscribe({ topics: ["t"] });
    await first.run({ eachMessage: async () => {} });
    await world.time.advance(10_000);
    const completed = events.filter((e) => e.type === "rebalance-completed");
    expect(completed).toMatchObject([{ assignmentBefore: [], assignmentAfter: ["t-0", "t-1", "t-2", "t-3"], generationId: 1, isLeader: true, protocol: "roundrobin" }]);

    await producer.send({ topic: "t", messages: [{ value: "x", partition: 2 }, { value: "y", partition: 2 }] });
    await world.time.settle();
    const lag = events.filter((e) => e.type === "lag").at(-1);
    expect(lag).toMatchObject({ type: "lag", totalLag: 0, partitions: { "t-2": { position: 2, committed: 2, endOffset: 2, lag: 0, positionLag: 0 } } });
    expect(events.filter((e) => e.type === "offsets-committed").at(-1)).toMatchObject({ offsets: { "t-2": 2 }, generationId: 1 });

    const second = world.kafka.consumer({ groupId: "g" });
    await second.connect();
    await second.subscribe({ topics: ["t"] });
    await second.run({ eachMessage: async () => {} });
    await world.time.advance(10_000);
    const started = events.filter((e) => e.type === "rebalance-started").at(-1);
    expect(started).toMatchObject({ generationId: 1, assignment: ["t-0", "t-1", "t-2", "t-3"] });
    expect(events.filter((e) => e.type === "partitions-revoked").at(-1)).toMatchObject({ partitions: ["t-0", "t-1", "t-2", "t-3"] });
    const last = events.filter((e) => e.type === "rebalance-completed").at(-1)!;
    expect(last).toMatchObject({ generationId: 2, assignmentBefore: ["t-0", "t-1", "t-2", "t-3"] });
    expect(last.type === "rebalance-completed" && last.assignmentAfter).toEqual(first.assignment());
    expect(first.assignment()).toHaveLength(2);
    // Kafka-level view for the whole client too.
    expect(world.events.filter((e) => e.type === "rebalance-completed" && e.generationId === 2)).toHaveLength(2);
    await first.disconnect();
    expect(events.filter((e) => e.type === "left" || e.type === "stopped").map((e) => e.type)).toEqual(["left", "stopped"]);
    expect(events.find((e) => e.type === "left")!.memberId).not.toBe("");
    await second.disconnect();
  });

  it("the leader notices new partitions after metadataMaxAge and the group rebalances onto them", async () => {
    const world = await startWorld();
    const admin = world.kafka.admin();
    await admin.createTopics({ topics: [{ topic: "t", numPartitions: 2 }] });
    const c = world.kafka.consumer({ groupId: "g", metadataMaxAge: 30_000 });
    await c.connect();
    await c.subscribe({ topics: ["t"], fromBeginning: true });
    const values: string[] = [];
    await c.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString()) });
    await world.time.advance(10_000);
    expect(c.assignment()).toEqual(["t-0", "t-1"]);
    await admin.createPartitions({ topicPartitions: [{ topic: "t", count: 3 }] });
    const producer = world.kafka.producer();
    await producer.connect();
    await producer.send({ topic: "t", messages: [{ value: "on-2", partition: 2 }] });
    await world.time.advance(10_000);
    expect(c.assignment()).toEqual(["t-0", "t-1"]);
    await world.time.advance(15_000);
    expect(c.assignment()).toEqual(["t-0", "t-1", "t-2"]);
    expect(values).toEqual(["on-2"]);
    await c.disconnect();
  });
});
