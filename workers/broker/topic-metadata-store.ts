/**
 * The broker's record of which topics exist: name, partition count and the config
 * overrides the user set (defaults are never stored, so a default that changes later
 * applies). Kafka keeps this in its KRaft metadata log; one small JSON file written
 * atomically (temp file, flush, rename) gives the same guarantee here: after a crash the
 * file is either the old or the new version, never half of one.
 */
import type { Storage } from "../storage/storage";
import type { RawConfig } from "../protocol/config-def";
import { KafkaError } from "../protocol/errors";

export const TOPICS_FILE = "streamlab-topics.json";

export interface TopicMetadata {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Only the configs set explicitly, by Kafka name, as given. */
  overrides: RawConfig;
}

interface TopicsFile {
  version: 1;
  topics: TopicMetadata[];
}

export async function loadTopicMetadata(storage: Storage): Promise<TopicMetadata[]> {
  if (!(await storage.exists(TOPICS_FILE))) return [];
  const file = await storage.open(TOPICS_FILE);
  try {
    const text = new TextDecoder().decode(file.read(0, file.size()));
    const parsed = JSON.parse(text) as TopicsFile;
    if (parsed.version !== 1 || !Array.isArray(parsed.topics)) {
      throw new KafkaError("KAFKA_STORAGE_ERROR", `${TOPICS_FILE} has an unknown layout (version ${String(parsed.version)})`);
    }
    return parsed.topics;
  } catch (e) {
    if (e instanceof SyntaxError) throw new KafkaError("KAFKA_STORAGE_ERROR", `${TOPICS_FILE} is not valid JSON: ${e.message}`);
    throw e;
  } finally {
    file.close();
  }
}

export async function saveTopicMetadata(storage: Storage, topics: readonly TopicMetadata[]): Promise<void> {
  const body: TopicsFile = { version: 1, topics: [...topics].sort((a, b) => a.name.localeCompare(b.name)) };
  const bytes = new TextEncoder().encode(JSON.stringify(body, null, 2) + "\n");
  const tmp = `${TOPICS_FILE}.tmp`;
  const file = await storage.open(tmp, { create: true });
  try {
    file.truncate(0);
    file.write(0, bytes);
    file.flush();
  } finally {
    file.close();
  }
  await storage.rename(tmp, TOPICS_FILE);
}
