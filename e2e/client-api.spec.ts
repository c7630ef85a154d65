import { expect, test, type Page } from "@playwright/test";
import type { Consumer, Kafka, Producer } from "../workers/client";

// The KafkaJS-shaped client running on the page of the built site, against the broker
// worker over Comlink: two consumers of one group in one page, a crash and its session
// timeout, and the committed offsets as the admin client reads them. The engine's clock is
// paused and stepped from the page (`clientTime().advance`), so heartbeats land on time.

const TOPIC = "orders";
const GROUP = "billing";

interface Delivery {
  member: "a" | "b";
  partition: number;
  offset: number;
  value: string;
}

/** What the page keeps between evaluate calls. */
interface PageClients {
  kafka: Kafka;
  producer: Producer;
  a: Consumer;
  b: Consumer;
  deliveries: Delivery[];
}

async function openReady(page: Page): Promise<void> {
  await page.goto("./");
  await expect(page.getByTestId("app")).toHaveAttribute("data-state", "ready", { timeout: 20_000 });
  await page.waitForFunction(() => window.__streamlab !== undefined);
}

test("two consumers of one group on the page split the partitions, a crashed one's move to the other after the session timeout, commits are readable", async ({ page }) => {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(error.message));
  await openReady(page);
  await page.evaluate(async () => {
    await window.__streamlab!.api.resetWorkspace();
    await window.__streamlab!.api.pause();
  });

  const joined = await page.evaluate(
    async ({ TOPIC, GROUP }) => {
      const h = window.__streamlab!;
      const kafka = await h.createKafka({ clientId: "e2e" });
      const time = await h.clientTime();
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 4 }] });
      const producer = kafka.producer();
      await producer.connect();
      const sent = await producer.send({ topic: TOPIC, messages: Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });

      const deliveries: Delivery[] = [];
      const start = async (member: "a" | "b") => {
        const c = kafka.consumer({ groupId: GROUP, sessionTimeout: 6000, heartbeatInterval: 1000 });
        await c.connect();
        await c.subscribe({ topics: [TOPIC], fromBeginning: true });
        await c.run({
          eachMessage: async ({ partition, message }) => {
            deliveries.push({ member, partition, offset: Number(message.offset), value: String(message.value) });
          },
        });
        return c;
      };
      const a = await start("a");
      const b = await start("b");
      const startedAt = time.now();
      await time.until(() => deliveries.length >= 40 && a.assignment().length > 0 && b.assignment().length > 0, 60_000, 500);
      const joinedAfter = time.now() - startedAt;
      // A long advance driven from the page: heartbeats keep both members in.
      await time.advance(20_000);
      const group = await a.describeGroup();
      (window as unknown as { clients: PageClients }).clients = { kafka, producer, a, b, deliveries };
      return {
        sent: sent.map((m) => ({ partition: m.partition, baseOffset: m.baseOffset })),
        a: a.assignment(),
        b: b.assignment(),
        deliveries: [...deliveries],
        members: group.members.length,
        state: group.state,
        joinedAfter,
      };
    },
    { TOPIC, GROUP },
  );

  expect(joined.sent.length).toBeGreaterThan(0);
  expect(joined.a).toHaveLength(2);
  expect(joined.b).toHaveLength(2);
  expect([...joined.a, ...joined.b].sort()).toEqual([0, 1, 2, 3].map((p) => `${TOPIC}-${p}`));
  expect(joined.members).toBe(2);
  expect(joined.state).toBe("Stable");
  // The group forms after group.initial.rebalance.delay.ms (3 s of engine time).
  expect(joined.joinedAfter).toBeGreaterThanOrEqual(3000);
  expect(joined.deliveries.map((d) => d.value).sort()).toEqual(Array.from({ length: 40 }, (_, i) => `v${i}`).sort());
  for (const d of joined.deliveries) expect(joined[d.member]).toContain(`${TOPIC}-${d.partition}`);
  expect(new Set(joined.deliveries.map((d) => d.member))).toEqual(new Set(["a", "b"]));

  const handedOver = await page.evaluate(
    async ({ TOPIC }) => {
      const { producer, a, b, deliveries } = (window as unknown as { clients: PageClients }).clients;
      const time = await window.__streamlab!.clientTime();
      const crashedOwned = a.assignment();
      a.crash();
      await producer.send({ topic: TOPIC, messages: Array.from({ length: 40 }, (_, i) => ({ key: `k${40 + i}`, value: `v${40 + i}` })) });
      await time.advance(3000);
      // Within the session timeout the coordinator still counts the crashed member in.
      const during = await b.describeGroup();
      const bDuring = b.assignment();
      const crashedAt = time.now() - 3000;
      await time.until(() => b.assignment().length === 4 && deliveries.length >= 80, 30_000, 250);
      const after = await b.describeGroup();
      return {
        crashedOwned,
        membersDuring: during.members.length,
        bDuring,
        movedAfter: time.now() - crashedAt,
        membersAfter: after.members.length,
        stateAfter: after.state,
        bAfter: b.assignment(),
        deliveries: deliveries.slice(40),
        total: deliveries.length,
      };
    },
    { TOPIC },
  );

  expect(handedOver.membersDuring).toBe(2);
  expect(handedOver.bDuring).toEqual(joined.b);
  expect(handedOver.membersAfter).toBe(1);
  expect(handedOver.stateAfter).toBe("Stable");
  expect(handedOver.bAfter).toEqual([0, 1, 2, 3].map((p) => `${TOPIC}-${p}`));
  // Not before the session timeout (6 s) passed since the crash.
  expect(handedOver.movedAfter).toBeGreaterThanOrEqual(6000);
  // Every record once: the crashed member had committed what it handled.
  expect(handedOver.total).toBe(80);
  expect(handedOver.deliveries.map((d) => d.value).sort()).toEqual(Array.from({ length: 40 }, (_, i) => `v${40 + i}`).sort());
  const takenOver = handedOver.deliveries.filter((d) => handedOver.crashedOwned.includes(`${TOPIC}-${d.partition}`));
  expect(takenOver.length).toBeGreaterThan(0);
  expect(takenOver.every((d) => d.member === "b")).toBe(true);

  const offsets = await page.evaluate(
    async ({ TOPIC, GROUP }) => {
      const { kafka, b } = (window as unknown as { clients: PageClients }).clients;
      const admin = kafka.admin();
      await admin.connect();
      const ends = (await admin.fetchTopicOffsets(TOPIC)).sort((x, y) => x.partition - y.partition).map((e) => e.high);
      const committed = (await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] }))[0]!.partitions.map((p) => p.offset);
      await b.commitOffsets([{ topic: TOPIC, partition: 0, offset: "1" }]);
      const afterCommit = (await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] }))[0]!.partitions.map((p) => ({ partition: p.partition, offset: p.offset }));
      let unknownTopic = "";
      try {
        await admin.fetchTopicOffsets("no-such-topic");
      } catch (e) {
        unknownTopic = `${(e as { type?: string }).type} (an Error: ${e instanceof Error})`;
      }
      await b.disconnect();
      return { ends, committed, afterCommit, unknownTopic };
    },
    { TOPIC, GROUP },
  );

  expect(offsets.ends.reduce((n, o) => n + Number(o), 0)).toBe(80);
  expect(offsets.committed).toEqual(offsets.ends);
  expect(offsets.afterCommit[0]).toEqual({ partition: 0, offset: "1" });
  expect(offsets.afterCommit.slice(1).map((p) => p.offset)).toEqual(offsets.ends.slice(1));
  // KafkaErrors keep their names across the worker seam.
  expect(offsets.unknownTopic).toBe("UNKNOWN_TOPIC_OR_PARTITION (an Error: true)");
  expect(problems).toEqual([]);
});
