import { describe, expect, it } from "vitest";
import { partitionForKey } from "./partitioner";
import { startWorld } from "./client-test-support";
import type { Consumer, ConsumerRunConfig, EachMessagePayload } from "./consumer";
import type { ConsumerConfig } from "./kafkajs-config";
import { text } from "./message-bytes";

type World = Awaited<ReturnType<typeof startWorld>>;

const TOPIC = "orders";

async function topicWithRecords(world: World, count: number, partitions = 4) {
  const admin = world.kafka.admin();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: partitions }] });
  const producer = world.kafka.producer();
  await producer.connect();
  if (count > 0) await producer.send({ topic: TOPIC, messages: Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
  return { admin, producer };
}

/** Every delivery as `member:partition:offset:value`. */
async function startMembers(world: World, n: number, groupId = "g", extra: Partial<ConsumerConfig> = {}, run: ConsumerRunConfig = {}) {
  const deliveries: { member: number; partition: number; offset: number; value: string }[] = [];
  const consumers: Consumer[] = [];
  for (let m = 0; m < n; m++) {
    const c = world.kafka.consumer({ groupId, ...extra });
    await c.connect();
    await c.subscribe({ topics: [TOPIC], fromBeginning: true });
    await c.run({
      ...run,
      eachMessage: async ({ partition, message }: EachMessagePayload) => {
        deliveries.push({ member: m, partition, offset: Number(message.offset), value: text(message.value)! });
      },
    });
    consumers.push(c);
  }
  return { consumers, deliveries };
}

function owners(consumers: Consumer[]): Map<string, number> {
  const out = new Map<string, number>();
  consumers.forEach((c, i) => {
    for (const tp of c.assignment()) {
      expect(out.has(tp), `${tp} owned twice`).toBe(false);
      out.set(tp, i);
    }
  });
  return out;
}

describe("consumer groups through run({ eachMessage }) on virtual time", () => {
  for (const [members, sizes] of [
    [1, [4]],
    [2, [2, 2]],
    [5, [1, 1, 1, 1, 0]],
  ] as const) {
    it(`${members} member(s) on 4 partitions: every partition owned once, every record delivered once`, async () => {
      const world = await startWorld();
      await topicWithRecords(world, 40);
      const { consumers, deliveries } = await startMembers(world, members);
      await world.time.advance(20_000);

      expect(consumers.map((c) => c.assignment().length).sort((a, b) => b - a)).toEqual([...sizes]);
      const own = owners(consumers);
      expect(own.size).toBe(4);
      expect(new Set(consumers.map((c) => c.generationId())).size).toBe(1);
      expect(deliveries).toHaveLength(40);
      for (const d of deliveries) {
        expect(own.get(`${TOPIC}-${d.partition}`)).toBe(d.member);
        expect(d.partition).toBe(partitionForKey(new TextEncoder().encode(`k${d.value.slice(1)}`), 4));
      }
      // Each partition's records arrive in offset order.
      for (let p = 0; p < 4; p++) {
        const offsets = deliveries.filter((d) => d.partition === p).map((d) => d.offset);
        expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
        expect(offsets).toEqual(offsets.map((_, i) => i));
      }
      const lag = Object.values(Object.assign({}, ...consumers.map((c) => c.lag())) as Record<string, { lag: number | null }>);
      expect(lag.every((l) => l.lag === 0)).toBe(true);
      for (const c of consumers) await c.disconnect();
    });
  }

  it("roundrobin (KafkaJS's default) deals partitions one by one in member-id order", async () => {
    const world = await startWorld();
    await topicWithRecords(world, 0);
    const { consumers } = await startMembers(world, 2);
    await world.time.advance(10_000);
    const sorted = [...consumers].sort((a, b) => (a.memberId() < b.memberId() ? -1 : 1));
    expect(sorted[0]!.assignment()).toEqual(["orders-0", "orders-2"]);
    expect(sorted[1]!.assignment()).toEqual(["orders-1", "orders-3"]);
  });

  it("a crashed member's partitions move to the survivor only after the session timeout, and its uncommitted records are delivered again", async () => {
    const world = await startWorld();
    const { producer } = await topicWithRecords(world, 0);
    const timeouts = { sessionTimeout: 10_000, heartbeatInterval: 1000 };
    // The survivor commits after every batch; the member that will crash never commits.
    const survivor = await startMembers(world, 1, "g", timeouts);
    const doomed = await startMembers(world, 1, "g", timeouts, { autoCommit: false });
    // A new group waits group.initial.rebalance.delay.ms (3 s), and again while members keep arriving.
    await world.time.advance(10_000);
    const [alive, crashing] = [survivor.consumers[0]!, doomed.consumers[0]!];
    expect(alive.assignment()).toHaveLength(2);
    expect(crashing.assignment()).toHaveLength(2);
    const crashedOwns = crashing.assignment();
    await producer.send({ topic: TOPIC, messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
    await world.time.settle();
    expect(survivor.deliveries.length + doomed.deliveries.length).toBe(20);
    expect(doomed.deliveries.length).toBeGreaterThan(0);

    crashing.crash();
    await world.time.advance(5000);
    // Within the session timeout the coordinator still counts the crashed member in.
    const during = await alive.describeGroup();
    expect(during.members).toHaveLength(2);
    expect(alive.assignment()).toHaveLength(2);
    const before = survivor.deliveries.length;

    await world.time.advance(6000);
    const after = await alive.describeGroup();
    expect(after.members).toHaveLength(1);
    expect(after.state).toBe("Stable");
    expect(alive.assignment()).toEqual(["orders-0", "orders-1", "orders-2", "orders-3"]);
    // The crashed member's records again (nothing was committed there), the survivor's own not.
    const again = survivor.deliveries.slice(before);
    expect(new Set(again.map((d) => `orders-${d.partition}`))).toEqual(new Set(crashedOwns));
    expect(again.map((d) => d.value).sort()).toEqual(doomed.deliveries.map((d) => d.value).sort());
    const completed = world.events.filter((e) => e.type === "rebalance-completed" && e.memberId === alive.memberId());
    expect(completed.at(-1)).toMatchObject({ assignmentAfter: ["orders-0", "orders-1", "orders-2", "orders-3"] });
    await alive.disconnect();
  });

  it("a member that stops sends LeaveGroup: the other takes over at once, from the committed offsets", async () => {
    const world = await startWorld();
    const { producer } = await topicWithRecords(world, 20);
    const { consumers, deliveries } = await startMembers(world, 2);
    await world.time.advance(10_000);
    expect(deliveries).toHaveLength(20);
    await consumers[1]!.stop();
    await world.time.advance(3000);
    expect(consumers[0]!.assignment()).toHaveLength(4);
    await producer.send({ topic: TOPIC, messages: [{ key: "k1", value: "late" }] });
    await world.time.settle();
    expect(deliveries).toHaveLength(21);
    expect(deliveries.at(-1)).toMatchObject({ member: 0, value: "late" });
  });

  it("seek replays a partition from the offset given as a string", async () => {
    const world = await startWorld();
    await world.kafka.admin().createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }] });
    const producer = world.kafka.producer();
    await producer.connect();
    await producer.send({ topic: TOPIC, messages: Array.from({ length: 6 }, (_, i) => ({ value: `v${i}` })) });
    const { consumers, deliveries } = await startMembers(world, 1);
    await world.time.advance(5000);
    expect(deliveries.map((d) => d.offset)).toEqual([0, 1, 2, 3, 4, 5]);
    consumers[0]!.seek({ topic: TOPIC, partition: 0, offset: "2" });
    await world.time.settle();
    expect(deliveries.map((d) => d.offset)).toEqual([0, 1, 2, 3, 4, 5, 2, 3, 4, 5]);
    const offsets = await world.kafka.admin().fetchOffsets({ groupId: "g", topics: [TOPIC] });
    expect(offsets[0]!.partitions[0]!.offset).toBe("6");
  });

  it("commitOffsets commits exactly what it is given, and fetchOffsets reads it back", async () => {
    const world = await startWorld();
    await topicWithRecords(world, 40);
    const c = world.kafka.consumer({ groupId: "manual" });
    await c.connect();
    await c.subscribe({ topic: TOPIC, fromBeginning: true });
    let seen = 0;
    await c.run({ autoCommit: false, eachMessage: async () => void seen++ });
    await world.time.advance(5000);
    expect(seen).toBe(40);
    const admin = world.kafka.admin();
    expect((await admin.fetchOffsets({ groupId: "manual", topics: [TOPIC] }))[0]!.partitions.map((p) => p.offset)).toEqual(["-1", "-1", "-1", "-1"]);
    await c.commitOffsets([
      { topic: TOPIC, partition: 0, offset: "3" },
      { topic: TOPIC, partition: 2, offset: "1" },
    ]);
    const fetched = await admin.fetchOffsets({ groupId: "manual", topics: [TOPIC] });
    expect(fetched).toEqual([
      {
        topic: TOPIC,
        partitions: [
          { partition: 0, offset: "3", metadata: null },
          { partition: 1, offset: "-1", metadata: null },
          { partition: 2, offset: "1", metadata: null },
          { partition: 3, offset: "-1", metadata: null },
        ],
      },
    ]);
    expect(await admin.fetchOffsets({ groupId: "manual" })).toEqual([
      { topic: TOPIC, partitions: [{ partition: 0, offset: "3", metadata: null }, { partition: 2, offset: "1", metadata: null }] },
    ]);
    await c.disconnect();
  });

  it("a restarted group resumes from its committed offsets", async () => {
    const world = await startWorld();
    const { producer } = await topicWithRecords(world, 10);
    const first = await startMembers(world, 1);
    await world.time.advance(5000);
    expect(first.deliveries).toHaveLength(10);
    await first.consumers[0]!.disconnect();
    await producer.send({ topic: TOPIC, messages: [{ key: "x", value: "new" }] });
    const second = await startMembers(world, 1);
    await world.time.advance(5000);
    expect(second.deliveries.map((d) => d.value)).toEqual(["new"]);
  });

  it("without fromBeginning a new group starts at the end", async () => {
    const world = await startWorld();
    const { producer } = await topicWithRecords(world, 10);
    const c = world.kafka.consumer({ groupId: "latest" });
    await c.connect();
    await c.subscribe({ topics: [TOPIC] });
    const values: string[] = [];
    await c.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString()) });
    await world.time.advance(5000);
    expect(values).toEqual([]);
    await producer.send({ topic: TOPIC, messages: [{ key: "a", value: "after" }] });
    await world.time.settle();
    expect(values).toEqual(["after"]);
  });

  it("pause stops delivery of a partition until resume", async () => {
    const world = await startWorld();
    await world.kafka.admin().createTopics({ topics: [{ topic: TOPIC, numPartitions: 2 }] });
    const producer = world.kafka.producer();
    await producer.connect();
    const c = world.kafka.consumer({ groupId: "p" });
    await c.connect();
    await c.subscribe({ topics: [TOPIC], fromBeginning: true });
    const got: string[] = [];
    await c.run({ eachMessage: async ({ partition, message }) => void got.push(`${partition}:${message.value}`) });
    await world.time.advance(5000);
    c.pause([{ topic: TOPIC, partitions: [1] }]);
    expect(c.paused()).toEqual([{ topic: TOPIC, partitions: [1] }]);
    await producer.send({ topic: TOPIC, messages: [{ value: "a", partition: 0 }, { value: "b", partition: 1 }] });
    await world.time.advance(6000);
    expect(got).toEqual(["0:a"]);
    c.resume([{ topic: TOPIC, partitions: [1] }]);
    await world.time.settle();
    expect(got).toEqual(["0:a", "1:b"]);
  });

  it("a handler that throws: CRASH with restart, the same message again after the retry pause, earlier ones not repeated", async () => {
    const world = await startWorld();
    await world.kafka.admin().createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }] });
    const producer = world.kafka.producer();
    await producer.connect();
    await producer.send({ topic: TOPIC, messages: ["a", "b", "c"].map((value) => ({ value })) });
    const c = world.kafka.consumer({ groupId: "h", retry: { initialRetryTime: 500 } });
    await c.connect();
    await c.subscribe({ topics: [TOPIC], fromBeginning: true });
    const crashes: unknown[] = [];
    c.on(c.events.CRASH, (e) => crashes.push(e.payload));
    const seen: string[] = [];
    let failOnce = true;
    await c.run({
      eachMessage: async ({ message }) => {
        seen.push(message.value!.toString());
        if (message.value!.toString() === "b" && failOnce) {
          failOnce = false;
          throw new Error("boom");
        }
      },
    });
    await world.time.advance(5000);
    expect(seen).toEqual(["a", "b", "b", "c"]);
    expect(crashes).toHaveLength(1);
    expect(crashes[0]).toMatchObject({ groupId: "h", restart: true });
    expect((crashes[0] as { error: Error }).error.message).toBe("boom");
  });

  it("eachBatch: what the handler resolves is committed; the rest comes again", async () => {
    const world = await startWorld();
    await world.kafka.admin().createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }] });
    const producer = world.kafka.producer();
    await producer.connect();
    await producer.send({ topic: TOPIC, messages: ["a", "b", "c", "d"].map((value) => ({ value })) });
    const c = world.kafka.consumer({ groupId: "b" });
    await c.connect();
    await c.subscribe({ topics: [TOPIC], fromBeginning: true });
    const batches: string[][] = [];
    await c.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, isStale }) => {
        batches.push(batch.messages.map((m) => m.value!.toString()));
        expect(batch.highWatermark).toBe("4");
        expect(isStale()).toBe(false);
        // Only the first two messages of the first batch count as processed.
        const upTo = batches.length === 1 ? 2 : batch.messages.length;
        for (const m of batch.messages.slice(0, upTo)) resolveOffset(m.offset);
      },
    });
    await world.time.advance(5000);
    expect(batches).toEqual([["a", "b", "c", "d"], ["c", "d"]]);
    expect((await world.kafka.admin().fetchOffsets({ groupId: "b", topics: [TOPIC] }))[0]!.partitions[0]!.offset).toBe("4");
  });

  it("partitionsConsumedConcurrently processes several partitions at once, each in order", async () => {
    const world = await startWorld();
    await topicWithRecords(world, 40);
    const c = world.kafka.consumer({ groupId: "conc" });
    await c.connect();
    await c.subscribe({ topics: [TOPIC], fromBeginning: true });
    let active = 0;
    let most = 0;
    const perPartition = new Map<number, number[]>();
    await c.run({
      partitionsConsumedConcurrently: 3,
      eachMessage: async ({ partition, message }) => {
        active++;
        most = Math.max(most, active);
        // A handler that awaits something: other partitions' handlers run meanwhile.
        for (let i = 0; i < 5; i++) await Promise.resolve();
        perPartition.set(partition, [...(perPartition.get(partition) ?? []), Number(message.offset)]);
        active--;
      },
    });
    await world.time.advance(5000);
    expect(most).toBe(3);
    expect([...perPartition.values()].flat()).toHaveLength(40);
    for (const offsets of perPartition.values()) expect(offsets).toEqual(offsets.map((_, i) => i));
  });
});

describe("cooperative-sticky through the client", () => {
  it("a joining member takes partitions over without the others giving up the rest, and nothing is read twice", async () => {
    const world = await startWorld();
    const { producer } = await topicWithRecords(world, 40);
    const config = { partitionAssigners: ["cooperative-sticky"] };
    const { consumers, deliveries } = await startMembers(world, 2, "coop", config);
    await world.time.advance(10_000);
    expect(deliveries).toHaveLength(40);
    const revoked: string[][] = [];
    consumers[0]!.onEvent((e) => e.type === "partitions-revoked" && revoked.push([...e.partitions]));
    consumers[1]!.onEvent((e) => e.type === "partitions-revoked" && revoked.push([...e.partitions]));
    const before = consumers.map((c) => c.assignment());

    const third = await startMembers(world, 1, "coop", config);
    await world.time.advance(10_000);
    const all = [...consumers, third.consumers[0]!];
    expect(owners(all).size).toBe(4);
    expect(third.consumers[0]!.assignment()).toHaveLength(1);
    // Only the partition that moved was revoked; each old member kept what it still owns.
    expect(revoked.flat()).toEqual(third.consumers[0]!.assignment());
    consumers.forEach((c, i) => expect(before[i]).toEqual(expect.arrayContaining(c.assignment())));

    await producer.send({ topic: TOPIC, messages: Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: `w${i}` })) });
    await world.time.settle();
    const every = [...deliveries, ...third.deliveries].map((d) => `${d.partition}:${d.offset}`);
    expect(every).toHaveLength(80);
    expect(new Set(every).size).toBe(80);
  });
});
