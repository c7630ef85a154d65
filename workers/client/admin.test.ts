import { describe, expect, it } from "vitest";
import { isKafkaError } from "../protocol/errors";
import { START_TIME, startWorld } from "./client-test-support";
import { ConfigResourceTypes, ConfigSource } from "./admin";

type World = Awaited<ReturnType<typeof startWorld>>;

async function setup(world: World) {
  const admin = world.kafka.admin();
  await admin.connect();
  const producer = world.kafka.producer();
  await producer.connect();
  return { admin, producer };
}

describe("admin: topics", () => {
  it("createTopics answers true when created, false when they already exist, and throws other errors", async () => {
    const world = await startWorld();
    const { admin } = await setup(world);
    expect(await admin.createTopics({ topics: [{ topic: "a", numPartitions: 3, configEntries: [{ name: "cleanup.policy", value: "compact" }] }] })).toBe(true);
    expect(world.broker.partitionCount("a")).toBe(3);
    expect(world.broker.topicConfig("a")["cleanup.policy"]).toEqual(["compact"]);
    expect(await admin.createTopics({ topics: [{ topic: "a" }] })).toBe(false);
    await expect(admin.createTopics({ topics: [{ topic: "bad", configEntries: [{ name: "retention.ms", value: "soon" }] }] })).rejects.toThrow(/INVALID_CONFIG/);
    await expect(admin.createTopics({ topics: [{ topic: "x", replicationFactor: 3 }] })).rejects.toThrow(/INVALID_REPLICATION_FACTOR/);
    expect(await admin.createTopics({ topics: [{ topic: "dry", numPartitions: 2 }], validateOnly: true })).toBe(true);
    expect(world.broker.hasTopic("dry")).toBe(false);
    await expect(admin.createTopics({ topics: [{ topic: "dry", numPartitions: 0 }], validateOnly: true })).rejects.toThrow(/INVALID_PARTITIONS/);
  });

  it("listTopics, fetchTopicMetadata, createPartitions, deleteTopics", async () => {
    const world = await startWorld();
    const { admin } = await setup(world);
    await admin.createTopics({ topics: [{ topic: "a", numPartitions: 2 }, { topic: "b" }] });
    expect(await admin.listTopics()).toEqual(["a", "b"]);
    const md = await admin.fetchTopicMetadata({ topics: ["a"] });
    expect(md).toEqual({
      topics: [
        {
          name: "a",
          partitions: [0, 1].map((partitionId) => ({ partitionErrorCode: 0, partitionId, leader: 0, replicas: [0], isr: [0], offlineReplicas: [] })),
        },
      ],
    });
    await expect(admin.fetchTopicMetadata({ topics: ["nope"] })).rejects.toThrow(/UNKNOWN_TOPIC_OR_PARTITION: topic "nope" does not exist/);
    expect(world.broker.hasTopic("nope")).toBe(false);
    expect(await admin.createPartitions({ topicPartitions: [{ topic: "a", count: 4 }] })).toBe(true);
    expect(world.broker.partitionCount("a")).toBe(4);
    await expect(admin.createPartitions({ topicPartitions: [{ topic: "a", count: 2 }] })).rejects.toThrow(/INVALID_PARTITIONS: topic "a" has 4 partitions/);
    await admin.deleteTopics({ topics: ["b"] });
    expect(await admin.listTopics()).toEqual(["a"]);
    await expect(admin.deleteTopics({ topics: ["b"] })).rejects.toThrow(/UNKNOWN_TOPIC_OR_PARTITION/);
  });

  it("fetchTopicOffsets, fetchTopicOffsetsByTimestamp and deleteTopicRecords", async () => {
    const world = await startWorld();
    const { admin, producer } = await setup(world);
    await admin.createTopics({ topics: [{ topic: "t", numPartitions: 2 }] });
    await producer.send({ topic: "t", messages: [0, 1, 2].map((i) => ({ value: `p0-${i}`, partition: 0, timestamp: String(START_TIME + i * 1000) })) });
    await producer.send({ topic: "t", messages: [{ value: "p1", partition: 1, timestamp: String(START_TIME) }] });
    expect(await admin.fetchTopicOffsets("t")).toEqual([
      { partition: 0, offset: "3", high: "3", low: "0" },
      { partition: 1, offset: "1", high: "1", low: "0" },
    ]);
    expect(await admin.fetchTopicOffsetsByTimestamp("t", START_TIME + 1500)).toEqual([
      { partition: 0, offset: "2" },
      // No record that late: the high watermark, as KafkaJS answers.
      { partition: 1, offset: "1" },
    ]);
    await admin.deleteTopicRecords({ topic: "t", partitions: [{ partition: 0, offset: "2" }, { partition: 1, offset: "-1" }] });
    expect(await admin.fetchTopicOffsets("t")).toEqual([
      { partition: 0, offset: "3", high: "3", low: "2" },
      { partition: 1, offset: "1", high: "1", low: "1" },
    ]);
    await expect(admin.deleteTopicRecords({ topic: "t", partitions: [{ partition: 0, offset: "9" }] })).rejects.toThrow(/OFFSET_OUT_OF_RANGE: t-0/);
  });
});

describe("admin: configs", () => {
  it("describeConfigs in KafkaJS's shape, all entries or the ones named", async () => {
    const world = await startWorld();
    const { admin } = await setup(world);
    await admin.createTopics({ topics: [{ topic: "c", configEntries: [{ name: "retention.ms", value: "1000" }] }] });
    const all = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: "c" }] });
    expect(all.resources[0]!.configEntries.length).toBeGreaterThan(10);
    const some = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: "c", configNames: ["retention.ms", "cleanup.policy"] }],
    });
    expect(some).toEqual({
      resources: [
        {
          configEntries: [
            { configName: "cleanup.policy", configValue: "delete", isDefault: true, configSource: ConfigSource.DEFAULT_CONFIG, isSensitive: false, readOnly: false, configSynonyms: [] },
            { configName: "retention.ms", configValue: "1000", isDefault: false, configSource: ConfigSource.TOPIC_CONFIG, isSensitive: false, readOnly: false, configSynonyms: [] },
          ].sort((a, b) => all.resources[0]!.configEntries.findIndex((e) => e.configName === a.configName) - all.resources[0]!.configEntries.findIndex((e) => e.configName === b.configName)),
          errorCode: 0,
          errorMessage: null,
          resourceName: "c",
          resourceType: ConfigResourceTypes.TOPIC,
        },
      ],
      throttleTime: 0,
    });
    await expect(admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: "nope" }] })).rejects.toThrow(/UNKNOWN_TOPIC_OR_PARTITION/);
    await expect(admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.BROKER, name: "0" }] })).rejects.toThrow(/only topic configs/);
  });

  it("alterConfigs replaces the whole set of overrides, as Kafka's AlterConfigs does", async () => {
    const world = await startWorld();
    const { admin } = await setup(world);
    await admin.createTopics({ topics: [{ topic: "c", configEntries: [{ name: "retention.ms", value: "1000" }] }] });
    const answer = await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: "c", configEntries: [{ name: "cleanup.policy", value: "compact" }] }] });
    expect(answer).toEqual({ resources: [{ errorCode: 0, errorMessage: null, resourceName: "c", resourceType: ConfigResourceTypes.TOPIC }], throttleTime: 0 });
    const config = world.broker.topicConfig("c");
    expect(config["cleanup.policy"]).toEqual(["compact"]);
    // retention.ms was not in the request: back to its default.
    expect(config["retention.ms"]).toBe(604_800_000);
    await admin.alterConfigs({ validateOnly: true, resources: [{ type: ConfigResourceTypes.TOPIC, name: "c", configEntries: [{ name: "retention.ms", value: "5" }] }] });
    expect(world.broker.topicConfig("c")["retention.ms"]).toBe(604_800_000);
    await expect(
      admin.alterConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: "c", configEntries: [{ name: "segment.bytes", value: "tiny" }] }] }),
    ).rejects.toThrow(/INVALID_CONFIG.*segment\.bytes/);
  });
});

describe("admin: groups and offsets", () => {
  async function groupWithMember(world: World) {
    const { admin, producer } = await setup(world);
    await admin.createTopics({ topics: [{ topic: "t", numPartitions: 2 }] });
    await producer.send({ topic: "t", messages: [{ value: "a", partition: 0 }, { value: "b", partition: 0 }, { value: "c", partition: 1 }] });
    const consumer = world.kafka.consumer({ groupId: "g" });
    await consumer.connect();
    await consumer.subscribe({ topics: ["t"], fromBeginning: true });
    await consumer.run({ eachMessage: async () => {} });
    await world.time.advance(10_000);
    return { admin, producer, consumer };
  }

  it("listGroups, describeGroups (decoded assignments) and the consumer's own describeGroup", async () => {
    const world = await startWorld();
    const { admin, consumer } = await groupWithMember(world);
    expect(await admin.listGroups()).toEqual({ groups: [{ groupId: "g", protocolType: "consumer", state: "Stable" }] });
    const { groups } = await admin.describeGroups(["g", "unknown"]);
    expect(groups[0]).toEqual({
      groupId: "g",
      state: "Stable",
      protocol: "roundrobin",
      protocolType: "consumer",
      errorCode: 0,
      members: [{ memberId: consumer.memberId(), clientId: "app", clientHost: "streamlab", memberMetadata: { topics: ["t"] }, memberAssignment: { t: [0, 1] } }],
    });
    expect(groups[1]).toMatchObject({ groupId: "unknown", state: "Dead", members: [] });
    expect(await consumer.describeGroup()).toEqual(groups[0]);
  });

  it("fetchOffsets after consuming; resetOffsets and setOffsets need a group without members", async () => {
    const world = await startWorld();
    const { admin, consumer } = await groupWithMember(world);
    expect(await admin.fetchOffsets({ groupId: "g", topics: ["t"] })).toEqual([
      { topic: "t", partitions: [{ partition: 0, offset: "2", metadata: null }, { partition: 1, offset: "1", metadata: null }] },
    ]);
    const busy = await admin.resetOffsets({ groupId: "g", topic: "t", earliest: true }).catch((e: unknown) => e);
    expect(isKafkaError(busy, "UNKNOWN_MEMBER_ID")).toBe(true);
    expect((busy as Error).message).toMatch(/group "g": it has 1 active member \(state Stable\); stop its consumers first/);
    await consumer.disconnect();

    await admin.resetOffsets({ groupId: "g", topic: "t", earliest: true });
    expect((await admin.fetchOffsets({ groupId: "g", topics: ["t"] }))[0]!.partitions.map((p) => p.offset)).toEqual(["0", "0"]);
    await admin.resetOffsets({ groupId: "g", topic: "t" });
    expect((await admin.fetchOffsets({ groupId: "g", topics: ["t"] }))[0]!.partitions.map((p) => p.offset)).toEqual(["2", "1"]);
    await admin.setOffsets({ groupId: "g", topic: "t", partitions: [{ partition: 0, offset: "1" }] });
    expect((await admin.fetchOffsets({ groupId: "g", topics: ["t"] }))[0]!.partitions.map((p) => p.offset)).toEqual(["1", "1"]);

    const beyond = await admin.setOffsets({ groupId: "g", topic: "t", partitions: [{ partition: 1, offset: "5" }] }).catch((e: unknown) => e);
    expect(isKafkaError(beyond, "OFFSET_OUT_OF_RANGE")).toBe(true);
    expect((beyond as Error).message).toBe(
      'OFFSET_OUT_OF_RANGE: group "g": offset 5 for partition t-1 is beyond its log end offset 1; a committed offset is the next record to read, so at most 1',
    );
    await expect(admin.setOffsets({ groupId: "g", topic: "t", partitions: [{ partition: 7, offset: "0" }] })).rejects.toThrow(/no partition 7/);

    // A consumer of the group now starts where the offsets were set.
    const values: string[] = [];
    const again = world.kafka.consumer({ groupId: "g" });
    await again.connect();
    await again.subscribe({ topics: ["t"] });
    await again.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString()) });
    await world.time.advance(10_000);
    expect(values).toEqual(["b"]);
    await again.disconnect();
  });

  it("deleteGroups: NON_EMPTY_GROUP while members are in, then the group and its offsets are gone", async () => {
    const world = await startWorld();
    const { admin, consumer } = await groupWithMember(world);
    const err = await admin.deleteGroups(["g"]).catch((e: unknown) => e);
    expect(isKafkaError(err, "NON_EMPTY_GROUP")).toBe(true);
    expect((err as { groups: { groupId: string; errorCode: number }[] }).groups).toMatchObject([{ groupId: "g", errorCode: 68 }]);
    await consumer.disconnect();
    expect(await admin.deleteGroups(["g"])).toEqual([{ groupId: "g", errorCode: 0 }]);
    expect(await admin.listGroups()).toEqual({ groups: [] });
    expect(await admin.fetchOffsets({ groupId: "g", topics: ["t"] })).toEqual([
      { topic: "t", partitions: [{ partition: 0, offset: "-1", metadata: null }, { partition: 1, offset: "-1", metadata: null }] },
    ]);
    await expect(admin.deleteGroups(["never"])).rejects.toThrow(/^GROUP_ID_NOT_FOUND: could not delete group "never" \(GROUP_ID_NOT_FOUND: group "never" does not exist\)$/);
  });
});
