import { describe, expect, it } from "vitest";
import { decodeRecords, encodeBatch, utf8 } from "../log/record-batch";
import { decodeOffsetCommitValue, decodeOffsetsTopicKey } from "../groups/offsets-topic-codec";
import { OFFSETS_TOPIC, partitionFor } from "../groups/offsets-topic-partition";
import type { GroupEvent } from "../groups/group-events";
import { VirtualClock } from "../runtime/clock";
import { VirtualScheduler } from "../runtime/scheduler";
import { MemoryStorage } from "../storage/memory-storage";
import { Broker, type BrokerConfig } from "./broker";
import type { BrokerEvent } from "./broker-events";

async function startBroker(storage = new MemoryStorage(), config: Partial<BrokerConfig> = {}, scheduler = new VirtualScheduler(new VirtualClock(1_000_000))) {
  const events: BrokerEvent[] = [];
  const broker = await Broker.start({ storage, scheduler, config, listener: (e) => events.push(e) });
  return { broker, scheduler, storage, events };
}

const records = (n: number, ts = 1_000_000) =>
  encodeBatch({ records: Array.from({ length: n }, (_, i) => ({ key: utf8(`k${i}`), value: utf8(`v${i}`), timestamp: ts })) });

/** Commits from outside group management (generation -1, no member), as the admin API does. */
function commit(broker: Broker, groupId: string, offsets: Record<string, number>) {
  return broker.groups.commitOffsets({
    groupId,
    memberId: "",
    generationId: -1,
    offsets: Object.fromEntries(Object.entries(offsets).map(([k, offset]) => [k, { offset }])),
  });
}

describe("committed offsets on __consumer_offsets", () => {
  it("creates the compacted topic on the first commit with Kafka's settings and writes the commit as an offset commit record", async () => {
    const { broker } = await startBroker();
    await broker.createTopic({ name: "orders", partitions: 2 });
    expect(broker.hasTopic(OFFSETS_TOPIC)).toBe(false);
    await commit(broker, "my-group", { "orders-0": 3, "orders-1": 1 });

    const topic = broker.describeTopic(OFFSETS_TOPIC);
    expect(topic.internal).toBe(true);
    expect(topic.partitions).toHaveLength(50);
    const config = Object.fromEntries(topic.config.map((c) => [c.name, c.value]));
    expect(config["cleanup.policy"]).toBe("compact");
    expect(String(config["segment.bytes"])).toBe("104857600");

    // "my-group" hashes to -1906497762: abs % 50 = 12.
    expect(partitionFor("my-group", 50)).toBe(12);
    const data = await broker.fetch(OFFSETS_TOPIC, 12, 0, 1 << 20);
    const written = decodeRecords(data.bytes).map((r) => ({ key: decodeOffsetsTopicKey(r.key!), value: decodeOffsetCommitValue(r.value!) }));
    expect(written).toEqual([
      { key: { kind: "offset-commit", version: 1, group: "my-group", topic: "orders", partition: 0 }, value: { version: 3, offset: 3, leaderEpoch: -1, metadata: "", commitTimestamp: 1_000_000 } },
      { key: { kind: "offset-commit", version: 1, group: "my-group", topic: "orders", partition: 1 }, value: { version: 3, offset: 1, leaderEpoch: -1, metadata: "", commitTimestamp: 1_000_000 } },
    ]);
    expect(Object.fromEntries(Object.entries(broker.groups.fetchOffsets("my-group")).map(([k, v]) => [k, v.offset]))).toEqual({ "orders-0": 3, "orders-1": 1 });
  });

  it("uses offsets.topic.num.partitions", async () => {
    const { broker } = await startBroker(new MemoryStorage(), { offsetsTopicNumPartitions: 3 });
    await broker.createTopic({ name: "t" });
    await commit(broker, "group1", { "t-0": 1 });
    expect(broker.partitionCount(OFFSETS_TOPIC)).toBe(3);
    // "group1" hashes to -1237460590: abs % 3 = 1.
    expect(broker.partition(OFFSETS_TOPIC, 1).highWatermark).toBe(1);
  });

  it("keeps the latest commit per partition across a restart, and lists the group as Empty", async () => {
    const first = await startBroker(new MemoryStorage(), { offsetsTopicNumPartitions: 4 });
    await first.broker.createTopic({ name: "t", partitions: 2 });
    await commit(first.broker, "g", { "t-0": 1 });
    await commit(first.broker, "g", { "t-0": 5, "t-1": 2 });
    await commit(first.broker, "other", { "t-1": 9 });
    await first.broker.shutdown();

    const { broker } = await startBroker(first.storage, { offsetsTopicNumPartitions: 4 }, first.scheduler);
    const offsets = (g: string) => Object.fromEntries(Object.entries(broker.groups.fetchOffsets(g)).map(([k, v]) => [k, v.offset]));
    expect(offsets("g")).toEqual({ "t-0": 5, "t-1": 2 });
    expect(offsets("other")).toEqual({ "t-1": 9 });
    expect(broker.listGroups()).toEqual([
      { groupId: "g", state: "Empty", protocolType: null },
      { groupId: "other", state: "Empty", protocolType: null },
    ]);
  });

  it("survives compaction of the offsets topic", async () => {
    const { broker } = await startBroker(new MemoryStorage(), { offsetsTopicNumPartitions: 1 });
    await broker.createTopic({ name: "t" });
    for (let i = 1; i <= 5; i++) await commit(broker, "g", { "t-0": i });
    await broker.roll(OFFSETS_TOPIC, 0);
    await commit(broker, "g", { "t-0": 6 });
    await broker.cleanTopic(OFFSETS_TOPIC);
    await broker.shutdown();
    const again = await Broker.start({ storage: broker.storage, scheduler: broker.scheduler, config: { offsetsTopicNumPartitions: 1 } });
    expect(again.groups.fetchOffsets("g")["t-0"]?.offset).toBe(6);
    // The cleaner keeps the latest value below the active segment; the active segment is never cleaned.
    const kept: number[] = [];
    for (let offset = again.partition(OFFSETS_TOPIC, 0).logStartOffset; ; ) {
      const data = await again.fetch(OFFSETS_TOPIC, 0, offset, 1 << 20);
      if (data.bytes.length === 0) break;
      kept.push(...decodeRecords(data.bytes).map((r) => decodeOffsetCommitValue(r.value!).offset));
      offset = data.nextOffset;
    }
    expect(kept).toEqual([5, 6]);
  });
});

describe("deleting a group", () => {
  it("tombstones its offsets, which stay gone after a restart; a group with members or no group is refused", async () => {
    const { broker } = await startBroker(new MemoryStorage(), { offsetsTopicNumPartitions: 1, groupInitialRebalanceDelayMs: 0 });
    await broker.createTopic({ name: "t" });
    await commit(broker, "g", { "t-0": 2 });
    await commit(broker, "keep", { "t-0": 1 });
    await broker.deleteGroup("g");
    expect(broker.groups.fetchOffsets("g")).toEqual({});
    expect(broker.listGroups().map((g) => g.groupId)).toEqual(["keep"]);
    const last = decodeRecords((await broker.fetch(OFFSETS_TOPIC, 0, 2, 1 << 20)).bytes);
    expect(last.map((r) => [decodeOffsetsTopicKey(r.key!), r.value])).toEqual([[{ kind: "offset-commit", version: 1, group: "g", topic: "t", partition: 0 }, null]]);

    await expect(broker.deleteGroup("g")).rejects.toThrow(/GROUP_ID_NOT_FOUND: group "g" does not exist/);
    broker.groups.joinGroup(
      { groupId: "busy", memberId: "", sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 30_000, protocolType: "consumer", protocols: [{ name: "range", metadata: { topics: ["t"], ownedPartitions: [], generationId: -1 } }] },
      () => {},
    );
    // A first join only gets a member id back; the group has a pending member but is still Empty.
    expect(broker.groups.groupState("busy")).toBe("Empty");

    await broker.shutdown();
    const again = await Broker.start({ storage: broker.storage, scheduler: broker.scheduler, config: { offsetsTopicNumPartitions: 1 } });
    expect(again.listGroups().map((g) => g.groupId)).toEqual(["keep"]);
  });

  it("refuses a group that has members", async () => {
    const { broker } = await startBroker(new MemoryStorage(), { groupInitialRebalanceDelayMs: 0 });
    await broker.createTopic({ name: "t" });
    const join = (memberId: string) =>
      broker.groups.joinGroup(
        { groupId: "busy", memberId, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 30_000, protocolType: "consumer", protocols: [{ name: "range", metadata: { topics: ["t"], ownedPartitions: [], generationId: -1 } }] },
        (r) => {
          if (r.error === "MEMBER_ID_REQUIRED") join(r.memberId);
        },
      );
    join("");
    expect(broker.groups.groupState("busy")).toBe("CompletingRebalance");
    await expect(broker.deleteGroup("busy")).rejects.toThrow(/NON_EMPTY_GROUP: group "busy" is CompletingRebalance/);
  });
});

describe("lag", () => {
  it("is the high watermark minus the committed offset, or the LSO minus it for read_committed", async () => {
    const { broker } = await startBroker();
    await broker.createTopic({ name: "t", partitions: 2 });
    await broker.produce("t", 0, records(5));
    await broker.produce("t", 1, records(2));
    await commit(broker, "g", { "t-0": 3 });
    expect(broker.groupLag("g")).toEqual({ groupId: "g", partitions: { "t-0": { committedOffset: 3, endOffset: 5, lag: 2 } }, totalLag: 2 });

    const { producerId, producerEpoch } = await broker.initProducerId({ transactionalId: "tx" });
    broker.addPartitionsToTxn("tx", producerId, producerEpoch, ["t-0"]);
    await broker.produce("t", 0, encodeBatch({ producerId, producerEpoch, baseSequence: 0, transactional: true, records: [{ key: utf8("a"), value: utf8("b"), timestamp: 1_000_000 }] }));
    expect(broker.groupLag("g").partitions["t-0"]).toEqual({ committedOffset: 3, endOffset: 6, lag: 3 });
    expect(broker.groupLag("g", "read_committed").partitions["t-0"]).toEqual({ committedOffset: 3, endOffset: 5, lag: 2 });
  });

  it("of a group without commits is empty", async () => {
    const { broker } = await startBroker();
    expect(broker.groupLag("nobody")).toEqual({ groupId: "nobody", partitions: {}, totalLag: 0 });
  });
});

describe("transactional offset commits", () => {
  it("land when the transaction commits and not when it aborts", async () => {
    const { broker } = await startBroker(new MemoryStorage(), { offsetsTopicNumPartitions: 2 });
    await broker.createTopic({ name: "t" });
    await broker.produce("t", 0, records(10));
    const { producerId, producerEpoch } = await broker.initProducerId({ transactionalId: "tx" });

    broker.addOffsetsToTxn("tx", producerId, producerEpoch, { groupId: "g", offsets: { "t-0": 4 } });
    await broker.endTxn("tx", producerId, producerEpoch, false);
    expect(broker.groups.fetchOffsets("g")).toEqual({});

    broker.addOffsetsToTxn("tx", producerId, producerEpoch, { groupId: "g", offsets: { "t-0": 7 } });
    expect(broker.groups.fetchOffsets("g")).toEqual({});
    await broker.endTxn("tx", producerId, producerEpoch, true);
    expect(broker.groups.fetchOffsets("g")["t-0"]?.offset).toBe(7);
  });
});

describe("group events", () => {
  it("are re-emitted as broker events, and the coordinator's timers stop with the broker", async () => {
    const { broker, scheduler, events } = await startBroker();
    await broker.createTopic({ name: "t" });
    const answers: string[] = [];
    const join = (memberId: string) =>
      broker.groups.joinGroup(
        { groupId: "g", memberId, clientId: "c", sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 30_000, protocolType: "consumer", protocols: [{ name: "range", metadata: { topics: ["t"], ownedPartitions: [], generationId: -1 } }] },
        (r) => {
          answers.push(r.error ?? "joined");
          if (r.error === "MEMBER_ID_REQUIRED") join(r.memberId);
        },
      );
    join("");
    const groupEvents = () => events.filter((e): e is Extract<BrokerEvent, { type: "group" }> => e.type === "group").map((e) => e.event.type);
    expect(groupEvents()).toEqual(["member-joined", "state-changed", "rebalance-started"]);
    // group.initial.rebalance.delay.ms (3000 by default) has not passed yet.
    expect(answers).toEqual(["MEMBER_ID_REQUIRED"]);
    await broker.shutdown();
    scheduler.advance(60_000);
    expect(answers).toEqual(["MEMBER_ID_REQUIRED"]);
    expect(groupEvents()).toHaveLength(3);
  });

  it("honour group.initial.rebalance.delay.ms", async () => {
    const { broker, scheduler, events } = await startBroker(new MemoryStorage(), { groupInitialRebalanceDelayMs: 500 });
    await broker.createTopic({ name: "t" });
    const seen: GroupEvent[] = [];
    broker.subscribe((e) => {
      if (e.type === "group") seen.push(e.event);
    });
    const join = (memberId: string) =>
      broker.groups.joinGroup(
        { groupId: "g", memberId, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 30_000, protocolType: "consumer", protocols: [{ name: "range", metadata: { topics: ["t"], ownedPartitions: [], generationId: -1 } }] },
        (r) => {
          if (r.error === "MEMBER_ID_REQUIRED") join(r.memberId);
        },
      );
    join("");
    scheduler.advance(499);
    expect(broker.groups.groupState("g")).toBe("PreparingRebalance");
    scheduler.advance(1);
    expect(broker.groups.groupState("g")).toBe("CompletingRebalance");
    expect(events.length).toBeGreaterThan(0);
    expect(seen.map((e) => e.type)).toContain("state-changed");
  });
});
