import { describe, expect, it } from "vitest";
import { Broker } from "../broker/broker";
import { encodeBatch, utf8 } from "../log/record-batch";
import { resolveConsumerConfig } from "../protocol/client-config";
import type { RawConfig } from "../protocol/config-def";
import { isKafkaError } from "../protocol/errors";
import { VirtualClock } from "../runtime/clock";
import { VirtualScheduler } from "../runtime/scheduler";
import { MemoryStorage } from "../storage/memory-storage";
import { ConsumerSession, type ConsumerRecord } from "./consumer-session";
import { settle } from "./member-driver";
import { tp } from "./topic-partition";

const T0 = 1_000_000;

async function world(partitions = 4) {
  const scheduler = new VirtualScheduler(new VirtualClock(T0));
  const broker = await Broker.start({
    storage: new MemoryStorage(),
    scheduler,
    config: { groupInitialRebalanceDelayMs: 0, offsetsTopicNumPartitions: 3 },
  });
  await broker.createTopic({ name: "t", partitions });
  const sessions: ConsumerSession[] = [];
  const autoCommitErrors: unknown[] = [];
  const produce = async (partition: number, ...values: string[]) => {
    const now = scheduler.clock.now();
    await broker.produce("t", partition, encodeBatch({ records: values.map((v) => ({ key: utf8(v), value: utf8(v), timestamp: now })) }));
  };
  const settleAll = async (groupId = "g") => {
    settle(broker.groups, groupId, sessions.map((s) => s.member));
    for (const s of sessions) await s.resolvePositions();
  };
  const join = async (clientId: string, config: RawConfig = {}, groupId = "g") => {
    const session = new ConsumerSession({
      coordinator: broker.groups,
      scheduler,
      log: broker,
      groupId,
      clientId,
      topics: ["t"],
      config: resolveConsumerConfig({ "group.id": groupId, "client.id": clientId, "partition.assignment.strategy": "range", ...config }),
      partitionsFor: (topic) => (broker.hasTopic(topic) ? broker.partitionCount(topic) : undefined),
      onAutoCommitError: (e) => autoCommitErrors.push(e),
    });
    sessions.push(session);
    session.start();
    await settleAll(groupId);
    return session;
  };
  const committed = (groupId = "g") => Object.fromEntries(Object.entries(broker.groups.fetchOffsets(groupId)).map(([k, v]) => [k, v.offset]));
  return { scheduler, broker, sessions, produce, join, settleAll, committed, autoCommitErrors };
}

const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));
const show = (records: ConsumerRecord[]) => records.map((r) => `${r.topic}-${r.partition}@${r.offset}:${text(r.value)}`);

async function kafkaError(p: Promise<unknown>): Promise<{ type: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (isKafkaError(e)) return { type: e.type, message: e.message };
    throw e;
  }
  throw new Error("expected a KafkaError");
}

describe("positions", () => {
  it("start from auto.offset.reset=latest by default: only records produced after the join are read", async () => {
    const w = await world(1);
    await w.produce(0, "old1", "old2");
    const c = await w.join("c");
    expect(c.positions()).toEqual({ "t-0": 2 });
    await w.produce(0, "new");
    expect(show(await c.poll())).toEqual(["t-0@2:new"]);
    expect(c.positions()).toEqual({ "t-0": 3 });
  });

  it("start from the log start with earliest, and from the committed offset when there is one", async () => {
    const w = await world(2);
    await w.produce(0, "a", "b", "c");
    await w.produce(1, "x");
    await w.broker.groups.commitOffsets({ groupId: "g", memberId: "", generationId: -1, offsets: { "t-0": { offset: 2 } } });
    const c = await w.join("c", { "auto.offset.reset": "earliest" });
    expect(c.positions()).toEqual({ "t-0": 2, "t-1": 0 });
    expect(show(await c.poll())).toEqual(["t-0@2:c", "t-1@0:x"]);
  });

  it("with auto.offset.reset=none and no committed offset, poll fails naming the partitions", async () => {
    const w = await world(2);
    await w.broker.groups.commitOffsets({ groupId: "g", memberId: "", generationId: -1, offsets: { "t-1": { offset: 0 } } });
    const c = await w.join("c", { "auto.offset.reset": "none" });
    const error = await kafkaError(c.poll());
    expect(error.type).toBe("NO_OFFSET_FOR_PARTITION");
    expect(error.message).toContain("partition t-0: group g has no committed offset there and auto.offset.reset is none");
    await c.seek(tp("t", 0), 0);
    expect(await c.poll()).toEqual([]);
  });

  it("by_duration starts at the first record that recent", async () => {
    const w = await world(1);
    await w.produce(0, "old");
    w.scheduler.advance(3_600_000);
    await w.produce(0, "recent");
    const c = await w.join("c", { "auto.offset.reset": "by_duration:PT10M" });
    expect(show(await c.poll())).toEqual(["t-0@1:recent"]);
  });

  it("a position that fell below the log start is reset by auto.offset.reset", async () => {
    const w = await world(1);
    await w.produce(0, "a", "b", "c");
    const c = await w.join("c", { "auto.offset.reset": "earliest" });
    await w.broker.deleteRecords("t", 0, 2);
    expect(show(await c.poll())).toEqual(["t-0@2:c"]);
  });
});

describe("fetching", () => {
  it("drains one partition before the next and rotates partitions that returned data to the end", async () => {
    const w = await world(3);
    await w.produce(0, "a0", "a1", "a2");
    await w.produce(1, "b0");
    await w.produce(2, "c0", "c1");
    const c = await w.join("c", { "auto.offset.reset": "earliest" });
    expect(show(await c.poll(2))).toEqual(["t-0@0:a0", "t-0@1:a1"]);
    expect(show(await c.poll(2))).toEqual(["t-0@2:a2", "t-1@0:b0"]);
    await w.produce(0, "a3");
    // t-0 and t-1 were drained and moved behind t-2.
    expect(show(await c.poll(10))).toEqual(["t-2@0:c0", "t-2@1:c1", "t-0@3:a3"]);
    expect(await c.poll()).toEqual([]);
    expect(c.positions()).toEqual({ "t-0": 4, "t-1": 1, "t-2": 2 });
  });

  it("never returns transaction markers; read_committed skips aborted records and stops at the LSO", async () => {
    const w = await world(1);
    const { broker } = w;
    const txn = async (id: string, value: string, commit: boolean) => {
      const { producerId, producerEpoch } = await broker.initProducerId({ transactionalId: id });
      broker.addPartitionsToTxn(id, producerId, producerEpoch, ["t-0"]);
      await broker.produce("t", 0, encodeBatch({ producerId, producerEpoch, baseSequence: 0, transactional: true, records: [{ key: utf8(value), value: utf8(value), timestamp: T0 }] }));
      if (commit !== undefined) await broker.endTxn(id, producerId, producerEpoch, commit);
    };
    await txn("a", "aborted", false); // offset 0, marker 1
    await txn("b", "committed", true); // offset 2, marker 3
    await w.produce(0, "plain"); // offset 4
    const rc = await w.join("rc", { "auto.offset.reset": "earliest", "isolation.level": "read_committed" }, "g1");
    const ru = await w.join("ru", { "auto.offset.reset": "earliest" }, "g2");
    expect(show(await rc.poll())).toEqual(["t-0@2:committed", "t-0@4:plain"]);
    expect(show(await ru.poll())).toEqual(["t-0@0:aborted", "t-0@2:committed", "t-0@4:plain"]);
    expect(rc.positions()).toEqual({ "t-0": 5 });

    const { producerId, producerEpoch } = await broker.initProducerId({ transactionalId: "open" });
    broker.addPartitionsToTxn("open", producerId, producerEpoch, ["t-0"]);
    await broker.produce("t", 0, encodeBatch({ producerId, producerEpoch, baseSequence: 0, transactional: true, records: [{ key: null, value: utf8("pending"), timestamp: T0 }] }));
    await w.produce(0, "after");
    expect(await rc.poll()).toEqual([]);
    expect(show(await ru.poll())).toEqual(["t-0@5:pending", "t-0@6:after"]);
    await broker.endTxn("open", producerId, producerEpoch, true);
    expect(show(await rc.poll())).toEqual(["t-0@5:pending", "t-0@6:after"]);
    expect(rc.positions()).toEqual({ "t-0": 8 });
  });
});

describe("records left over from a fetch", () => {
  /** The broker as the session's log, counting fetches. */
  async function counted(w: Awaited<ReturnType<typeof world>>, config: RawConfig, paused?: Set<string>) {
    const fetches: number[] = [];
    const session = new ConsumerSession({
      coordinator: w.broker.groups,
      scheduler: w.scheduler,
      log: {
        fetch: (topic, partition, offset, maxBytes, isolation) => {
          fetches.push(offset);
          return w.broker.fetch(topic, partition, offset, maxBytes, isolation);
        },
        listOffset: (topic, partition, spec, isolation) => w.broker.listOffset(topic, partition, spec, isolation),
      },
      groupId: "g",
      clientId: "c",
      topics: ["t"],
      config: resolveConsumerConfig({ "group.id": "g", "client.id": "c", "auto.offset.reset": "earliest", ...config }),
      partitionsFor: () => 1,
      ...(paused ? { paused: (p) => paused.has(`${p.topic}-${p.partition}`) } : {}),
    });
    w.sessions.push(session);
    session.start();
    await w.settleAll();
    return { session, fetches };
  }

  it("a poll that stops at max.poll.records keeps the rest of the fetch for the next poll instead of reading it again", async () => {
    const w = await world(1);
    await w.produce(0, "a", "b", "c", "d", "e");
    const { session, fetches } = await counted(w, { "max.poll.records": 2 });
    expect(show(await session.poll())).toEqual(["t-0@0:a", "t-0@1:b"]);
    expect(session.positions()).toEqual({ "t-0": 2 });
    expect(show(await session.poll())).toEqual(["t-0@2:c", "t-0@3:d"]);
    expect(show(await session.poll())).toEqual(["t-0@4:e"]);
    // One read of the batch, then one that found nothing more.
    expect(fetches).toEqual([0, 5]);
    await w.produce(0, "f");
    expect(show(await session.poll())).toEqual(["t-0@5:f"]);
  });

  it("a seek drops what was left over; the next poll reads from the new position", async () => {
    const w = await world(1);
    await w.produce(0, "a", "b", "c", "d", "e");
    const { session, fetches } = await counted(w, { "max.poll.records": 2 });
    expect(show(await session.poll())).toEqual(["t-0@0:a", "t-0@1:b"]);
    await session.seek(tp("t", 0), 1);
    expect(show(await session.poll())).toEqual(["t-0@1:b", "t-0@2:c"]);
    expect(fetches).toEqual([0, 1]);
  });

  it("a paused partition keeps what was left over and hands it out once resumed", async () => {
    const w = await world(1);
    await w.produce(0, "a", "b", "c");
    const paused = new Set<string>();
    const { session, fetches } = await counted(w, { "max.poll.records": 2 }, paused);
    expect(show(await session.poll())).toEqual(["t-0@0:a", "t-0@1:b"]);
    paused.add("t-0");
    expect(await session.poll()).toEqual([]);
    paused.delete("t-0");
    expect(show(await session.poll())).toEqual(["t-0@2:c"]);
    expect(fetches).toEqual([0, 3]);
  });
});

describe("commits", () => {
  it("commitSync commits the current positions; explicit offsets beyond the log end are refused", async () => {
    const w = await world(2);
    await w.produce(0, "a", "b");
    const c = await w.join("c", { "auto.offset.reset": "earliest", "enable.auto.commit": false });
    await c.poll(1);
    expect(await c.commitSync()).toEqual({ "t-0": 1, "t-1": 0 });
    expect(w.committed()).toEqual({ "t-0": 1, "t-1": 0 });
    expect(await c.commitSync({ "t-0": 2 })).toEqual({ "t-0": 2 });
    expect(w.committed()).toEqual({ "t-0": 2, "t-1": 0 });

    const error = await kafkaError(c.commitSync({ "t-1": 5 }));
    expect(error).toEqual({
      type: "OFFSET_OUT_OF_RANGE",
      message: "OFFSET_OUT_OF_RANGE: commit of group g: offset 5 for partition t-1 is beyond its log end offset 0; a committed offset is the next record to read, so at most 0",
    });
    expect(w.committed()).toEqual({ "t-0": 2, "t-1": 0 });
  });

  it("auto commit happens in poll once auto.commit.interval.ms has passed, with the positions earlier polls reached", async () => {
    const w = await world(1);
    await w.produce(0, "a", "b", "c");
    const c = await w.join("c", { "auto.offset.reset": "earliest", "auto.commit.interval.ms": 1000 });
    await c.poll(2);
    expect(w.committed()).toEqual({});
    w.scheduler.advance(999);
    await c.poll(1);
    expect(w.committed()).toEqual({});
    w.scheduler.advance(1);
    // The commit comes first: it holds what the previous polls returned, not this one's record.
    expect(show(await c.poll(1))).toEqual([]);
    expect(w.committed()).toEqual({ "t-0": 3 });
  });

  it("before an eager rebalance the consumer commits its positions, so the new owner resumes there", async () => {
    const w = await world(2);
    await w.produce(0, "a0", "a1", "a2");
    await w.produce(1, "b0", "b1");
    const m1 = await w.join("m1", { "auto.offset.reset": "earliest" });
    expect(show(await m1.poll(4))).toEqual(["t-0@0:a0", "t-0@1:a1", "t-0@2:a2", "t-1@0:b0"]);
    const m2 = await w.join("m2", { "auto.offset.reset": "earliest" });
    expect(w.committed()).toEqual({ "t-0": 3, "t-1": 1 });
    const owner1 = m2.assignment.length === 1 ? m2 : m1;
    expect(owner1.assignment).toEqual([tp("t", 1)]);
    expect(show(await owner1.poll())).toEqual(["t-1@1:b1"]);
    expect(w.autoCommitErrors).toEqual([]);
  });

  it("without auto commit the new owner replays what was not committed", async () => {
    const w = await world(2);
    await w.produce(1, "b0", "b1");
    const m1 = await w.join("m1", { "auto.offset.reset": "earliest", "enable.auto.commit": false });
    await m1.poll();
    const m2 = await w.join("m2", { "auto.offset.reset": "earliest", "enable.auto.commit": false });
    expect(w.committed()).toEqual({});
    expect(m2.assignment).toEqual([tp("t", 1)]);
    expect(show(await m2.poll())).toEqual(["t-1@0:b0", "t-1@1:b1"]);
  });

  it("close commits the positions and leaves; the others take over at once", async () => {
    const w = await world(2);
    await w.produce(0, "a0", "a1");
    const m1 = await w.join("m1", { "auto.offset.reset": "earliest" });
    const m2 = await w.join("m2", { "auto.offset.reset": "earliest" });
    expect(m1.assignment).toEqual([tp("t", 0)]);
    await m1.poll(1);
    await m1.close();
    await w.settleAll();
    // m2 committed its own position too, before rejoining.
    expect(w.committed()).toEqual({ "t-0": 1, "t-1": 0 });
    expect(m2.assignment).toEqual([tp("t", 0), tp("t", 1)]);
    expect(show(await m2.poll())).toEqual(["t-0@1:a1"]);
    expect(await kafkaError(m1.poll())).toMatchObject({ type: "ILLEGAL_STATE" });
  });

  it("a commit during a rebalance the member has not finished is refused", async () => {
    const w = await world(2);
    const m1 = await w.join("m1", { "session.timeout.ms": 10_000, "heartbeat.interval.ms": 1000 });
    const m2 = await w.join("m2", { "session.timeout.ms": 10_000, "heartbeat.interval.ms": 1000 });
    m2.crash();
    await w.join("m3");
    // The coordinator waits for m2 to rejoin; m1 has rejoined and holds nothing.
    expect(w.broker.groups.groupState("g")).toBe("PreparingRebalance");
    expect((await kafkaError(m1.commitSync({ "t-0": 0 }))).type).toBe("REBALANCE_IN_PROGRESS");
  });
});

describe("seek", () => {
  it("moves the position to an offset, the beginning, the end or the first record at a time", async () => {
    const w = await world(1);
    await w.produce(0, "a", "b");
    w.scheduler.advance(1000);
    await w.produce(0, "c");
    const c = await w.join("c", { "auto.offset.reset": "earliest" });
    await c.poll();
    expect(await c.seek(tp("t", 0), 1)).toBe(1);
    expect(show(await c.poll())).toEqual(["t-0@1:b", "t-0@2:c"]);
    expect(await c.seek(tp("t", 0), "earliest")).toBe(0);
    expect(await c.seek(tp("t", 0), { timestamp: T0 + 500 })).toBe(2);
    expect(await c.seek(tp("t", 0), { timestamp: T0 + 5000 })).toBe(3);
    expect(await c.seek(tp("t", 0), "latest")).toBe(3);
    expect(await c.poll()).toEqual([]);
  });

  it("of a partition the consumer does not own is refused", async () => {
    const w = await world(2);
    await w.join("m1");
    const m2 = await w.join("m2");
    const error = await kafkaError(m2.seek(tp("t", 0), 0));
    expect(error.message).toBe("ILLEGAL_STATE: seek of m2 in group g: no current assignment for partition t-0 (assigned: t-1)");
  });
});

describe("configuration", () => {
  it("refuses the KIP-848 group protocol", async () => {
    const w = await world(1);
    const make = () =>
      new ConsumerSession({
        coordinator: w.broker.groups,
        scheduler: w.scheduler,
        log: w.broker,
        groupId: "g",
        clientId: "c",
        topics: ["t"],
        config: resolveConsumerConfig({ "group.id": "g", "group.protocol": "consumer" }),
        partitionsFor: () => 1,
      });
    expect(make).toThrow(/INVALID_CONFIG: group.protocol=consumer: this coordinator speaks the classic group protocol only/);
  });
});
