import { describe, expect, it } from "vitest";
import { isKafkaError } from "../protocol/errors";
import { startWorld } from "./client-test-support";
import { InProcessTransport } from "./in-process-transport";
import { Kafka } from "./kafka";

type World = Awaited<ReturnType<typeof startWorld>>;

async function failure(p: Promise<unknown> | (() => unknown)): Promise<Error & { type?: string }> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    return e as Error & { type?: string };
  }
  throw new Error("expected a failure");
}

async function consumerOn(world: World, config: Partial<Parameters<World["kafka"]["consumer"]>[0]> = {}) {
  const c = world.kafka.consumer({ groupId: "g", ...config });
  await c.connect();
  return c;
}

describe("client errors, by Kafka's names", () => {
  it("subscribing to a missing topic: created with auto-creation, UNKNOWN_TOPIC_OR_PARTITION naming it without", async () => {
    const world = await startWorld({ numPartitions: 3 });
    const auto = await consumerOn(world);
    await auto.subscribe({ topics: ["made-on-demand"] });
    expect(world.broker.partitionCount("made-on-demand")).toBe(3);

    const strict = await consumerOn(world, { allowAutoTopicCreation: false });
    const err = await failure(strict.subscribe({ topics: ["missing"] }));
    expect(isKafkaError(err, "UNKNOWN_TOPIC_OR_PARTITION")).toBe(true);
    expect(err.message).toBe('UNKNOWN_TOPIC_OR_PARTITION: topic "missing" does not exist and the client does not create topics automatically (allowAutoTopicCreation is false)');
    expect(world.broker.hasTopic("missing")).toBe(false);

    const closed = await startWorld({ autoCreateTopicsEnable: false });
    const c = await consumerOn(closed);
    const err2 = await failure(c.subscribe({ topic: "missing" }));
    expect(err2.message).toBe('UNKNOWN_TOPIC_OR_PARTITION: topic "missing" does not exist and the broker does not create topics automatically (auto.create.topics.enable=false)');
  });

  it("an unknown assignor is INVALID_CONFIG listing the valid ones", async () => {
    const world = await startWorld();
    const err = await failure(() => world.kafka.consumer({ groupId: "g", partitionAssigners: ["roundrobin", "fancy"] }));
    expect(isKafkaError(err, "INVALID_CONFIG")).toBe(true);
    expect(err.message).toBe('INVALID_CONFIG: partition.assignment.strategy: unknown assignor "fancy"; valid assignors are range, roundrobin, sticky, cooperative-sticky');
    // Kafka's class names are accepted too.
    expect(() => world.kafka.consumer({ groupId: "g", partitionAssigners: ["org.apache.kafka.clients.consumer.CooperativeStickyAssignor"] })).not.toThrow();
  });

  it("inconsistent timeouts and a missing groupId are refused when the consumer is made", async () => {
    const world = await startWorld();
    expect((await failure(() => world.kafka.consumer({ groupId: "g", sessionTimeout: 3000, heartbeatInterval: 3000 }))).message).toMatch(
      /INVALID_CONFIG: .*heartbeat\.interval\.ms \(3000\) must be lower than session\.timeout\.ms \(3000\)/,
    );
    expect(isKafkaError(await failure(() => world.kafka.consumer({ groupId: "" })), "INVALID_GROUP_ID")).toBe(true);
    expect((await failure(() => new Kafka({ clientId: "x" }))).message).toMatch(/INVALID_CONFIG: new Kafka\(\): give the broker/);
  });

  it("a session timeout the broker does not allow: the join fails, CRASH without restart, the consumer stops", async () => {
    const world = await startWorld();
    await world.kafka.admin().createTopics({ topics: [{ topic: "t" }] });
    const c = await consumerOn(world, { sessionTimeout: 2000, heartbeatInterval: 500 });
    await c.subscribe({ topics: ["t"] });
    const crashes: { error: Error; restart: boolean }[] = [];
    c.on(c.events.CRASH, (e) => crashes.push(e.payload as { error: Error; restart: boolean }));
    await c.run({ eachMessage: async () => {} });
    await world.time.advance(5000);
    expect(crashes).toHaveLength(1);
    expect(crashes[0]!.restart).toBe(false);
    expect(isKafkaError(crashes[0]!.error, "INVALID_SESSION_TIMEOUT")).toBe(true);
    expect(c.isRunning()).toBe(false);
    expect(world.events.filter((e) => e.type === "crashed")).toMatchObject([{ type: "crashed", restart: false, error: { type: "INVALID_SESSION_TIMEOUT" } }]);
  });

  it("committing beyond the log end is OFFSET_OUT_OF_RANGE naming group, partition, offset and log end", async () => {
    const world = await startWorld();
    await world.kafka.admin().createTopics({ topics: [{ topic: "t", numPartitions: 2 }] });
    const producer = world.kafka.producer();
    await producer.connect();
    await producer.send({ topic: "t", messages: [{ value: "a", partition: 1 }, { value: "b", partition: 1 }] });
    const c = await consumerOn(world);
    await c.subscribe({ topics: ["t"], fromBeginning: true });
    await c.run({ autoCommit: false, eachMessage: async () => {} });
    await world.time.advance(10_000);
    const err = await failure(c.commitOffsets([{ topic: "t", partition: 1, offset: "3" }]));
    expect(isKafkaError(err, "OFFSET_OUT_OF_RANGE")).toBe(true);
    expect(err.message).toBe(
      "OFFSET_OUT_OF_RANGE: commit of group g: offset 3 for partition t-1 is beyond its log end offset 2; a committed offset is the next record to read, so at most 2",
    );
    await c.commitOffsets([{ topic: "t", partition: 1, offset: "2" }]);
    expect((await world.kafka.admin().fetchOffsets({ groupId: "g", topics: ["t"] }))[0]!.partitions[1]!.offset).toBe("2");
  });

  it("unknown groups and members, as the coordinator answers them", async () => {
    const world = await startWorld();
    const transport = new InProcessTransport(world.broker);
    const unknownGroup = await failure(transport.commitOffsets({ groupId: "ghost", memberId: "m-1", generationId: 3, offsets: {} }));
    expect(isKafkaError(unknownGroup, "GROUP_ID_NOT_FOUND")).toBe(true);
    expect(unknownGroup.message).toContain("group ghost does not exist");
    expect(await transport.heartbeat({ groupId: "ghost", memberId: "m-1", generationId: 3 })).toEqual({ error: "UNKNOWN_MEMBER_ID" });

    await world.kafka.admin().createTopics({ topics: [{ topic: "t" }] });
    const c = await consumerOn(world);
    await c.subscribe({ topics: ["t"] });
    await c.run({ eachMessage: async () => {} });
    await world.time.advance(10_000);
    const stranger = await failure(transport.commitOffsets({ groupId: "g", memberId: "app-stranger", generationId: c.generationId(), offsets: { "t-0": { offset: 0 } } }));
    expect(isKafkaError(stranger, "UNKNOWN_MEMBER_ID")).toBe(true);
    expect(await transport.heartbeat({ groupId: "g", memberId: c.memberId(), generationId: c.generationId() + 1 })).toEqual({ error: "ILLEGAL_GENERATION" });
  });

  it("calls that need a running consumer say so", async () => {
    const world = await startWorld();
    await world.kafka.admin().createTopics({ topics: [{ topic: "t" }] });
    const c = world.kafka.consumer({ groupId: "g" });
    expect((await failure(c.subscribe({ topics: ["t"] }))).message).toMatch(/ILLEGAL_STATE: consumer of group "g" is disconnected: call connect\(\) before subscribe\(\)/);
    await c.connect();
    expect((await failure(c.run({ eachMessage: async () => {} }))).message).toMatch(/subscribe to topics before run\(\)/);
    await c.subscribe({ topics: ["t"] });
    expect((await failure(() => c.seek({ topic: "t", partition: 0, offset: "0" }))).message).toMatch(/seek\(\) needs a running consumer/);
    expect((await failure(c.commitOffsets([{ topic: "t", partition: 0, offset: "0" }]))).message).toMatch(/commitOffsets\(\) needs a running consumer/);
    expect((await failure(c.run({}))).message).toMatch(/INVALID_REQUEST: .*run\(\) needs eachMessage or eachBatch/);
    await c.run({ eachMessage: async () => {} });
    expect((await failure(c.subscribe({ topics: ["t"] }))).message).toMatch(/cannot subscribe to topics while the consumer is running/);
    expect((await failure(() => c.seek({ topic: "t", partition: 0, offset: "ten" }))).message).toMatch(/INVALID_REQUEST: seek on t-0: offset must be an integer/);
    await c.disconnect();
  });
});
