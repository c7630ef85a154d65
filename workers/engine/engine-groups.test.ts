import { describe, expect, it } from "vitest";
import type { BrokerConfig } from "../broker/broker";
import type { BrokerEvent } from "../broker/broker-events";
import type { GroupEvent } from "../groups/group-events";
import { isKafkaError } from "../protocol/errors";
import { MemoryStorage } from "../storage/memory-storage";
import { Engine } from "./engine";
import type { StoredRecord } from "./engine-port";

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));
const show = (records: StoredRecord[]) => records.map((r) => `${r.topic}-${r.partition}@${r.offset}:${text(r.value)}`);

async function engine(broker: Partial<BrokerConfig> = {}) {
  const groupEvents: GroupEvent[] = [];
  const e = await Engine.create({
    storage: new MemoryStorage(),
    broker: { groupInitialRebalanceDelayMs: 0, offsetsTopicNumPartitions: 5, ...broker },
    listener: (ev: BrokerEvent) => {
      if (ev.type === "group") groupEvents.push(ev.event);
    },
  });
  await e.createTopic({ name: "t", partitions: 4 });
  const produce = (partition: number, ...values: string[]) =>
    e.produce("t", values.map((v) => ({ key: utf8(v), value: utf8(v), partition })), { config: { "linger.ms": 0 } });
  const group = async (id = "g") => (await e.describeGroups()).find((g) => g.group === id);
  return { e, produce, group, groupEvents };
}

async function kafkaError(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (isKafkaError(err)) return err.message;
    throw err;
  }
  throw new Error("expected a KafkaError");
}

const EARLIEST = { "auto.offset.reset": "earliest" };

describe("join", () => {
  it("one consumer reads all four partitions", async () => {
    const { e, group } = await engine();
    await e.join({ groupId: "g", memberId: "m1", topics: ["t"] });
    expect(await group()).toEqual({ group: "g", state: "Stable", generation: 1, assignments: { m1: ["t-0", "t-1", "t-2", "t-3"] }, committed: {}, lag: {} });
  });

  it("two range consumers split four partitions 0,1 and 2,3; a fifth consumer of five gets nothing", async () => {
    const { e, group } = await engine();
    await e.join({ groupId: "g", memberId: "m1", topics: ["t"], assignor: "range" });
    await e.join({ groupId: "g", memberId: "m2", topics: ["t"], assignor: "range" });
    expect((await group())?.assignments).toEqual({ m1: ["t-0", "t-1"], m2: ["t-2", "t-3"] });
    for (const m of ["m3", "m4", "m5"]) await e.join({ groupId: "g", memberId: m, topics: ["t"], assignor: "range" });
    const g = await group();
    expect(g?.generation).toBe(5);
    expect(Object.values(g!.assignments).map((a) => a.length).sort()).toEqual([0, 1, 1, 1, 1]);
    expect(g?.assignments.m5).toEqual([]);
  });

  it("an unknown assignor is INVALID_CONFIG naming the valid ones", async () => {
    const { e } = await engine();
    expect(await kafkaError(e.join({ groupId: "g", memberId: "m1", topics: ["t"], assignor: "fair" }))).toBe(
      'INVALID_CONFIG: partition.assignment.strategy: unknown assignor "fair"; valid assignors are range, roundrobin, sticky, cooperative-sticky',
    );
    expect(await e.describeGroups()).toEqual([]);
  });

  it("a missing topic is created with num.partitions unless the consumer or the broker forbids it", async () => {
    const { e } = await engine({ numPartitions: 3 });
    await e.join({ groupId: "g", memberId: "m1", topics: ["fresh"] });
    expect(e.partitionCount("fresh")).toBe(3);
    expect(await kafkaError(e.join({ groupId: "g", memberId: "m2", topics: ["nope"], config: { "allow.auto.create.topics": false } }))).toBe(
      'UNKNOWN_TOPIC_OR_PARTITION: join of "m2": topic "nope" does not exist and the consumer has allow.auto.create.topics=false',
    );
    const strict = await engine({ autoCreateTopicsEnable: false });
    expect(await kafkaError(strict.e.join({ groupId: "g", memberId: "m1", topics: ["nope"] }))).toContain('topic "nope" does not exist and the broker has auto.create.topics.enable=false');
    expect(e.hasTopic("nope")).toBe(false);
  });

  it("a member the coordinator turns away is not left in the group", async () => {
    const { e, group } = await engine();
    await e.join({ groupId: "g", memberId: "m1", topics: ["t"], assignor: "cooperative-sticky" });
    expect(await kafkaError(e.join({ groupId: "g", memberId: "m2", topics: ["t"], assignor: "range" }))).toBe(
      'INCONSISTENT_GROUP_PROTOCOL: join of "m2" to group "g": it offers range, but the group\'s members use cooperative-sticky; every member must support one common assignor',
    );
    expect(await kafkaError(e.join({ groupId: "g", memberId: "m3", topics: ["t"], config: { "session.timeout.ms": 1000, "heartbeat.interval.ms": 100 } }))).toBe(
      'INVALID_SESSION_TIMEOUT: join of "m3" to group "g": session.timeout.ms=1000 is outside the broker\'s group.min.session.timeout.ms (6000) and group.max.session.timeout.ms (1800000)',
    );
    expect(await group()).toMatchObject({ state: "Stable", generation: 1, assignments: { m1: ["t-0", "t-1", "t-2", "t-3"] } });
    expect(await kafkaError(e.poll({ groupId: "g", memberId: "m2" }))).toContain('UNKNOWN_MEMBER_ID: poll: member "m2" is not in group "g" (members: m1)');
  });

  it("a member name already running in the group is refused; ids in config must agree", async () => {
    const { e } = await engine();
    await e.join({ groupId: "g", memberId: "m1", topics: ["t"] });
    expect(await kafkaError(e.join({ groupId: "g", memberId: "m1", topics: ["t"] }))).toBe(
      'INVALID_REQUEST: member "m1" is already in group "g"; leave it first or use another member id',
    );
    expect(await kafkaError(e.join({ groupId: "g", memberId: "m2", topics: ["t"], config: { "group.id": "other" } }))).toContain('group.id "other" differs from the groupId "g"');
  });
});

describe("leave and crash", () => {
  it("leave rebalances at once; a crashed member keeps its partitions until session.timeout.ms passes", async () => {
    const { e, group, groupEvents } = await engine();
    const config = { "session.timeout.ms": 10_000, "heartbeat.interval.ms": 1000 };
    for (const m of ["m1", "m2", "m3"]) await e.join({ groupId: "g", memberId: m, topics: ["t"], assignor: "range", config });
    expect((await group())?.assignments).toEqual({ m1: ["t-0", "t-1"], m2: ["t-2"], m3: ["t-3"] });
    await e.leave({ groupId: "g", memberId: "m3" });
    expect(await group()).toMatchObject({ state: "Stable", generation: 4, assignments: { m1: ["t-0", "t-1"], m2: ["t-2", "t-3"] } });

    await e.crash({ groupId: "g", memberId: "m2" });
    await e.advance(9_999);
    expect(await group()).toMatchObject({ state: "Stable", generation: 4, assignments: { m1: ["t-0", "t-1"], m2: ["t-2", "t-3"] } });
    await e.advance(1);
    expect(await group()).toMatchObject({ state: "Stable", generation: 5, assignments: { m1: ["t-0", "t-1", "t-2", "t-3"] } });
    const evicted = groupEvents.filter((ev) => ev.type === "member-evicted");
    expect(evicted).toHaveLength(1);
    expect(evicted[0]).toMatchObject({ reason: "session-timeout", at: 10_000 });
  });

  it("a join while a crashed member is still in the group waits for the eviction", async () => {
    const { e, group } = await engine();
    const config = { "session.timeout.ms": 10_000, "heartbeat.interval.ms": 1000 };
    await e.join({ groupId: "g", memberId: "m1", topics: ["t"], config });
    await e.crash({ groupId: "g", memberId: "m1" });
    await e.join({ groupId: "g", memberId: "m2", topics: ["t"], config });
    expect(await group()).toMatchObject({ state: "PreparingRebalance", assignments: { m1: [], m2: [] } });
    await e.advance(10_000);
    expect(await group()).toMatchObject({ state: "Stable", generation: 2, assignments: { m2: ["t-0", "t-1", "t-2", "t-3"] } });
    // The name can be used again once the old consumer is gone.
    await e.join({ groupId: "g", memberId: "m1", topics: ["t"], config });
    expect(Object.keys((await group())!.assignments).sort()).toEqual(["m1", "m2"]);
  });

  it("cooperative-sticky revokes only the partitions that move, in two rebalances", async () => {
    const { e, group, groupEvents } = await engine();
    await e.join({ groupId: "g", memberId: "m1", topics: ["t"], assignor: "cooperative-sticky" });
    await e.join({ groupId: "g", memberId: "m2", topics: ["t"], assignor: "cooperative-sticky" });
    const before = (await group())!.assignments;
    // m1 owned everything: it keeps its first half, the rest goes to m2.
    expect(before).toEqual({ m1: ["t-0", "t-1"], m2: ["t-2", "t-3"] });
    const count = groupEvents.filter((ev) => ev.type === "rebalance-completed").length;
    await e.join({ groupId: "g", memberId: "m3", topics: ["t"], assignor: "cooperative-sticky" });
    const rounds = groupEvents.filter((ev) => ev.type === "rebalance-completed").slice(count);
    // First round: the moving partition is withheld and revoked; second round: it is handed over.
    expect(rounds).toHaveLength(2);
    const after = (await group())!.assignments;
    expect(after.m3).toHaveLength(1);
    for (const m of ["m1", "m2"]) expect(before[m]).toEqual(expect.arrayContaining(after[m]!));
    expect(after.m1!.length + after.m2!.length).toBe(3);
  });
});

describe("poll, commit, seek", () => {
  it("poll returns records from the member's position; commit stores positions; lag follows", async () => {
    const { e, produce, group } = await engine();
    await produce(0, "a", "b", "c");
    await produce(3, "x");
    await e.join({ groupId: "g", memberId: "m1", topics: ["t"], config: { ...EARLIEST, "enable.auto.commit": false } });
    expect(show(await e.poll({ groupId: "g", memberId: "m1", max: 2 }))).toEqual(["t-0@0:a", "t-0@1:b"]);
    expect(await e.commit({ groupId: "g", memberId: "m1" })).toEqual({ "t-0": 2, "t-1": 0, "t-2": 0, "t-3": 0 });
    expect(await group()).toMatchObject({ committed: { "t-0": 2, "t-1": 0, "t-2": 0, "t-3": 0 }, lag: { "t-0": 1, "t-1": 0, "t-2": 0, "t-3": 1 } });
    expect(await e.commit({ groupId: "g", memberId: "m1", offsets: { "t-3": 1 } })).toEqual({ "t-3": 1 });
    expect((await group())?.lag["t-3"]).toBe(0);
  });

  it("seek rewinds, skips to the end, or finds the first record at a time", async () => {
    const { e, produce } = await engine();
    await produce(1, "a", "b");
    await e.advance(1000);
    await produce(1, "c");
    await e.join({ groupId: "g", memberId: "m1", topics: ["t"], config: EARLIEST });
    expect(show(await e.poll({ groupId: "g", memberId: "m1" }))).toEqual(["t-1@0:a", "t-1@1:b", "t-1@2:c"]);
    expect(await e.seek({ groupId: "g", memberId: "m1", partition: "t-1", offset: 1 })).toBe(1);
    expect(show(await e.poll({ groupId: "g", memberId: "m1" }))).toEqual(["t-1@1:b", "t-1@2:c"]);
    expect(await e.seek({ groupId: "g", memberId: "m1", partition: "t-1", offset: { timestamp: 1000 } })).toBe(2);
    expect(await e.seek({ groupId: "g", memberId: "m1", partition: "t-1", offset: "earliest" })).toBe(0);
    expect(await e.seek({ groupId: "g", memberId: "m1", partition: "t-1", offset: "latest" })).toBe(3);
    expect(await e.poll({ groupId: "g", memberId: "m1" })).toEqual([]);
  });

  it("auto commit runs during poll once auto.commit.interval.ms of engine time has passed", async () => {
    const { e, produce, group } = await engine();
    await produce(0, "a", "b");
    await e.join({ groupId: "g", memberId: "m1", topics: ["t"], config: { ...EARLIEST, "auto.commit.interval.ms": 5000 } });
    await e.poll({ groupId: "g", memberId: "m1" });
    await e.advance(4999);
    await e.poll({ groupId: "g", memberId: "m1" });
    expect((await group())?.committed).toEqual({});
    await e.advance(1);
    await e.poll({ groupId: "g", memberId: "m1" });
    expect((await group())?.committed).toEqual({ "t-0": 2, "t-1": 0, "t-2": 0, "t-3": 0 });
  });

  it("errors name the group, member, partition and offset, and change nothing", async () => {
    const { e, produce, group } = await engine();
    await produce(0, "a");
    await e.join({ groupId: "g", memberId: "m1", topics: ["t"], config: { ...EARLIEST, "enable.auto.commit": false } });
    await e.join({ groupId: "g", memberId: "m2", topics: ["t"], config: { ...EARLIEST, "enable.auto.commit": false } });
    await e.commit({ groupId: "g", memberId: "m1", offsets: { "t-0": 1 } });
    const before = await group();
    const m = { groupId: "g", memberId: "m9" };
    expect(await kafkaError(e.poll({ groupId: "nope", memberId: "m1" }))).toBe('GROUP_ID_NOT_FOUND: poll: group "nope" does not exist (join it first)');
    expect(await kafkaError(e.poll(m))).toBe('UNKNOWN_MEMBER_ID: poll: member "m9" is not in group "g" (members: m1, m2)');
    expect(await kafkaError(e.leave(m))).toContain("UNKNOWN_MEMBER_ID: leave:");
    expect(await kafkaError(e.crash(m))).toContain("UNKNOWN_MEMBER_ID: crash:");
    expect(await kafkaError(e.commit(m))).toContain("UNKNOWN_MEMBER_ID: commit:");
    expect(await kafkaError(e.seek({ ...m, partition: "t-0", offset: 0 }))).toContain("UNKNOWN_MEMBER_ID: seek:");
    expect(await kafkaError(e.commit({ groupId: "g", memberId: "m1", offsets: { "t-0": 7 } }))).toBe(
      "OFFSET_OUT_OF_RANGE: commit of group g: offset 7 for partition t-0 is beyond its log end offset 1; a committed offset is the next record to read, so at most 1",
    );
    expect(await kafkaError(e.commit({ groupId: "g", memberId: "m1", offsets: { "t-9": 0 } }))).toContain('UNKNOWN_TOPIC_OR_PARTITION: topic "t" has 4 partitions (0–3), no partition 9');
    expect(await kafkaError(e.seek({ groupId: "g", memberId: "m2", partition: "t-0", offset: 0 }))).toBe(
      "ILLEGAL_STATE: seek of m2 in group g: no current assignment for partition t-0 (assigned: t-2, t-3)",
    );
    await e.crash({ groupId: "g", memberId: "m2" });
    expect(await kafkaError(e.poll({ groupId: "g", memberId: "m2" }))).toBe(
      'UNKNOWN_MEMBER_ID: poll: member "m2" of group "g" has crashed; join again to start a new consumer',
    );
    expect(await group()).toEqual(before);
  });

  it("auto.offset.reset=none makes poll fail with NO_OFFSET_FOR_PARTITION", async () => {
    const { e } = await engine();
    await e.join({ groupId: "g", memberId: "m1", topics: ["t"], config: { "auto.offset.reset": "none" } });
    expect(await kafkaError(e.poll({ groupId: "g", memberId: "m1" }))).toBe(
      "NO_OFFSET_FOR_PARTITION: undefined offset with no reset policy for partitions t-0, t-1, t-2, t-3: group g has no committed offset there and auto.offset.reset is none",
    );
  });
});

describe("restart", () => {
  it("committed offsets survive; the consumers do not, and a new one resumes from the commit", async () => {
    const { e, produce, group } = await engine();
    await produce(0, "a", "b", "c");
    await e.join({ groupId: "g", memberId: "m1", topics: ["t"], config: { ...EARLIEST, "enable.auto.commit": false } });
    await e.poll({ groupId: "g", memberId: "m1", max: 2 });
    await e.commit({ groupId: "g", memberId: "m1" });
    await e.restart();
    expect(await group()).toEqual({ group: "g", state: "Empty", generation: 0, assignments: {}, committed: { "t-0": 2, "t-1": 0, "t-2": 0, "t-3": 0 }, lag: { "t-0": 1, "t-1": 0, "t-2": 0, "t-3": 0 } });
    expect(await kafkaError(e.poll({ groupId: "g", memberId: "m1" }))).toBe('UNKNOWN_MEMBER_ID: poll: member "m1" is not in group "g" (it has no running members)');
    await e.join({ groupId: "g", memberId: "m1", topics: ["t"] });
    expect(show(await e.poll({ groupId: "g", memberId: "m1" }))).toEqual(["t-0@2:c"]);
  });
});
