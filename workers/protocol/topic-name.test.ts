import { describe, expect, it } from "vitest";
import { isKafkaError } from "./errors";
import {
  collidesWith,
  findCollision,
  isInternalTopic,
  isValidTopicName,
  MAX_TOPIC_NAME_LENGTH,
  validateNewTopicName,
  validateTopicName,
} from "./topic-name";

function messageOf(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    if (isKafkaError(e, "INVALID_TOPIC_EXCEPTION")) return e.message;
    throw e;
  }
  throw new Error("expected INVALID_TOPIC_EXCEPTION");
}

describe("topic names", () => {
  it("accepts Kafka's alphabet up to 249 characters", () => {
    for (const name of ["orders", "a.b_c-D9", "__consumer_offsets", "x".repeat(MAX_TOPIC_NAME_LENGTH), "..."]) {
      expect(isValidTopicName(name)).toBe(true);
      expect(() => validateTopicName(name)).not.toThrow();
    }
  });

  it("names the topic and the broken rule", () => {
    expect(messageOf(() => validateTopicName(""))).toBe('INVALID_TOPIC_EXCEPTION: topic "" is illegal: a topic name can\'t be empty');
    expect(messageOf(() => validateTopicName("."))).toContain('topic "." is illegal: a topic name can\'t be "." or ".."');
    expect(messageOf(() => validateTopicName(".."))).toContain('topic ".." is illegal');
    const long = "y".repeat(250);
    expect(messageOf(() => validateTopicName(long))).toContain("longer than 249 characters (it has 250)");
    expect(messageOf(() => validateTopicName("my topic"))).toBe(
      `INVALID_TOPIC_EXCEPTION: topic "my topic" is illegal: a topic name may contain only ASCII letters, digits, '.', '_' and '-' (found " ")`,
    );
    expect(messageOf(() => validateTopicName("café"))).toContain('(found "é")');
    expect(messageOf(() => validateTopicName("a/b"))).toContain('topic "a/b"');
  });

  it("detects the '.'/'_' collision", () => {
    expect(collidesWith("a.b", "a_b")).toBe(true);
    expect(collidesWith("a_b", "a.b")).toBe(true);
    expect(collidesWith("a.b", "a.b")).toBe(false);
    expect(collidesWith("a-b", "a_b")).toBe(false);
    expect(findCollision("metrics.cpu", ["orders", "metrics_cpu"])).toBe("metrics_cpu");
    expect(findCollision("orders", ["orders_"])).toBeUndefined();
    expect(messageOf(() => validateNewTopicName("metrics.cpu", ["metrics_cpu"]))).toContain(
      'topic "metrics.cpu" collides with existing topic "metrics_cpu"',
    );
    expect(() => validateNewTopicName("metrics.mem", ["metrics_cpu"])).not.toThrow();
  });

  it("knows the internal topics", () => {
    expect(isInternalTopic("__consumer_offsets")).toBe(true);
    expect(isInternalTopic("__transaction_state")).toBe(true);
    expect(isInternalTopic("__other")).toBe(false);
  });
});
