/**
 * The client API in KafkaJS's shape, on a streamlab engine in this process:
 *
 *   npx tsx examples/kafkajs-style.ts
 *
 * Creates a topic, produces keyed orders, consumes them with a group of two, prints who got
 * which partitions, then produces more while the group is away and prints the lag as
 * `kafka-consumer-groups.sh --describe` would. The engine's clock is virtual: `time.advance`
 * plays it forward (heartbeats, the group's initial rebalance delay, fetch waits), so the
 * whole story runs in a blink and prints the same every time.
 */
import { pathToFileURL } from "node:url";
import { Kafka, VirtualTime, text, type EachMessagePayload } from "../workers/client";
import { createEngine } from "../workers/engine/engine";
import { MemoryStorage } from "../workers/storage/memory-storage";

export async function main(print: (line: string) => void = console.log): Promise<void> {
  const engine = await createEngine({ storage: new MemoryStorage(), clockStart: Date.UTC(2024, 0, 1) });
  const kafka = new Kafka({ clientId: "shop", broker: () => engine.broker });
  const time = new VirtualTime(engine.scheduler, [kafka]);

  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: "orders", numPartitions: 4 }] });

  const producer = kafka.producer();
  await producer.connect();
  const customers = ["ada", "bob", "cy", "dee", "eve", "fay"];
  const sent = await producer.send({
    topic: "orders",
    messages: customers.flatMap((customer, i) => [
      { key: customer, value: JSON.stringify({ customer, item: "tea", qty: i + 1 }) },
      { key: customer, value: JSON.stringify({ customer, item: "cake", qty: 1 }), headers: { source: "web" } },
    ]),
  });
  print(`produced 12 orders: ${sent.map((m) => `partition ${m.partition} from offset ${m.baseOffset}`).join(", ")}`);

  const names = ["billing", "shipping"];
  const consumed = new Map<string, number>();
  const consumers = [];
  for (const name of names) {
    const consumer = kafka.consumer({ groupId: "order-processors", sessionTimeout: 10_000, heartbeatInterval: 1000 });
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      const { memberAssignment, isLeader } = e.payload as { memberAssignment: Record<string, number[]>; isLeader: boolean };
      print(`${name} joined${isLeader ? " as leader" : ""}: orders ${JSON.stringify(memberAssignment.orders ?? [])}`);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: ["orders"], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }: EachMessagePayload) => {
        consumed.set(name, (consumed.get(name) ?? 0) + 1);
        if (message.offset === "0") print(`${name} got ${text(message.key)} @ orders-${partition}:${message.offset} ${message.value}`);
      },
    });
    consumers.push(consumer);
  }

  // The group waits group.initial.rebalance.delay.ms (3 s) for members, then deals the partitions.
  await time.advance(10_000);
  consumers.forEach((c, i) => print(`${names[i]} owns ${c.assignment().join(", ")} and consumed ${consumed.get(names[i]!) ?? 0} orders`));

  for (const c of consumers) await c.disconnect();
  await producer.send({ topic: "orders", messages: ["ada", "bob", "cy"].map((customer) => ({ key: customer, value: JSON.stringify({ customer, item: "jam", qty: 2 }) })) });

  const committed = await admin.fetchOffsets({ groupId: "order-processors", topics: ["orders"] });
  const ends = await admin.fetchTopicOffsets("orders");
  print("GROUP             TOPIC   PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG");
  for (const p of committed[0]!.partitions) {
    const end = Number(ends.find((e) => e.partition === p.partition)!.high);
    const lag = end - Number(p.offset);
    print(`order-processors  orders  ${String(p.partition).padEnd(9)}  ${p.offset.padEnd(14)}  ${String(end).padEnd(14)}  ${lag}`);
  }

  await producer.disconnect();
  await admin.disconnect();
  await engine.close();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
