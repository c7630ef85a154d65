/**
 * The teaching examples the compaction view loads in one click, through the same engine
 * calls a user could make by hand.
 */
import type { BrokerClient } from "../../engine-client/broker-client";

/** Kafka's documentation figure: eleven updates of six keys (KAFKA-SEMANTICS.md §3.5). */
export const CLASSIC_RECORDS = ["K1", "K2", "K1", "K1", "K3", "K2", "K4", "K5", "K5", "K2"].map((key, i) => ({ key, value: `V${i + 1}` }));

async function freeName(client: BrokerClient, base: string): Promise<string> {
  const names = new Set((await client.api.listTopics()).map((t) => t.name));
  if (!names.has(base)) return base;
  for (let i = 2; ; i++) if (!names.has(`${base}-${i}`)) return `${base}-${i}`;
}

/**
 * The classic example: K1…K5 in the first segment, closed by a roll, then K6 in the active
 * segment, which the cleaner never touches. Cleaning leaves offsets 3, 4, 6, 8, 9, 10.
 */
export async function loadClassicExample(client: BrokerClient): Promise<string> {
  const topic = await freeName(client, "customers");
  await client.api.createTopic({ name: topic, partitions: 1, config: { "cleanup.policy": "compact" } });
  await client.api.produceJson(topic, CLASSIC_RECORDS);
  await client.api.roll(topic);
  await client.api.produceJson(topic, [{ key: "K6", value: "V11" }]);
  return topic;
}

/**
 * Retention: three segments of twenty records each and retention.ms of 5 s. Once the
 * clock has moved 5 s on, a retention check deletes the segments whole — the active one
 * too, after rolling a new empty segment at the log end — and moves the log start offset
 * to 60. Records produced since then would stay.
 */
export const RETENTION_MS = 5000;

export async function loadRetentionExample(client: BrokerClient): Promise<string> {
  const topic = await freeName(client, "page-views");
  await client.api.createTopic({ name: topic, partitions: 1, config: { "retention.ms": RETENTION_MS } });
  for (let s = 0; s < 3; s++) {
    await client.api.produceJson(
      topic,
      Array.from({ length: 20 }, (_, i) => ({ key: `user-${(s * 20 + i) % 7}`, value: { page: `/p/${s * 20 + i}` } })),
    );
    if (s < 2) await client.api.roll(topic);
  }
  return topic;
}
