/**
 * Kafka's rules for topic names (`org.apache.kafka.common.internals.Topic`): a name becomes
 * a directory name (`<topic>-<partition>`) and a metric name, hence the short alphabet.
 */
import { KafkaError } from "./errors";

export const MAX_TOPIC_NAME_LENGTH = 249;

export const CONSUMER_OFFSETS_TOPIC = "__consumer_offsets";
export const TRANSACTION_STATE_TOPIC = "__transaction_state";
/** Topics the broker creates and manages itself. */
export const INTERNAL_TOPICS: ReadonlySet<string> = new Set([CONSUMER_OFFSETS_TOPIC, TRANSACTION_STATE_TOPIC]);

const LEGAL = /^[a-zA-Z0-9._-]+$/;

/** The broken rule in words, or undefined for a legal name. */
export function topicNameProblem(name: string): string | undefined {
  if (name.length === 0) return "a topic name can't be empty";
  if (name === "." || name === "..") return 'a topic name can\'t be "." or ".."';
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return `a topic name can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters (it has ${name.length})`;
  }
  if (!LEGAL.test(name)) {
    const bad = [...name].find((c) => !LEGAL.test(c)) ?? "";
    return `a topic name may contain only ASCII letters, digits, '.', '_' and '-' (found ${JSON.stringify(bad)})`;
  }
  return undefined;
}

export function isValidTopicName(name: string): boolean {
  return topicNameProblem(name) === undefined;
}

/** Throws INVALID_TOPIC_EXCEPTION naming the topic and the rule it breaks. */
export function validateTopicName(name: string): void {
  const problem = topicNameProblem(name);
  if (problem !== undefined) {
    throw new KafkaError("INVALID_TOPIC_EXCEPTION", `topic ${JSON.stringify(name)} is illegal: ${problem}`);
  }
}

export function isInternalTopic(name: string): boolean {
  return INTERNAL_TOPICS.has(name);
}

/**
 * '.' and '_' become the same character in metric names, so Kafka refuses to create a
 * topic whose name differs from an existing one only there ("a.b" vs "a_b").
 */
export function collidesWith(a: string, b: string): boolean {
  return a !== b && unifyCollisionChars(a) === unifyCollisionChars(b);
}

export function hasCollisionChars(name: string): boolean {
  return name.includes(".") || name.includes("_");
}

export function unifyCollisionChars(name: string): string {
  return name.replaceAll(".", "_");
}

/** The existing topic `name` would collide with, if any. */
export function findCollision(name: string, existing: Iterable<string>): string | undefined {
  if (!hasCollisionChars(name)) return undefined;
  for (const other of existing) if (collidesWith(name, other)) return other;
  return undefined;
}

/**
 * Checks a name for CreateTopics: legal, and not colliding with an existing topic
 * (Kafka answers INVALID_TOPIC_EXCEPTION for both).
 */
export function validateNewTopicName(name: string, existing: Iterable<string>): void {
  validateTopicName(name);
  const other = findCollision(name, existing);
  if (other !== undefined) {
    throw new KafkaError(
      "INVALID_TOPIC_EXCEPTION",
      `topic ${JSON.stringify(name)} collides with existing topic ${JSON.stringify(other)}: '.' and '_' are the same in metric names`,
    );
  }
}
