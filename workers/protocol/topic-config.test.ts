import { describe, expect, it } from "vitest";
import { LONG_MAX } from "./config-def";
import { isKafkaError, type KafkaError } from "./errors";
import {
  alterTopicConfig,
  compactionEnabled,
  defaultTopicConfig,
  deletionEnabled,
  describeTopicConfig,
  resolveTopicConfig,
  TOPIC_CONFIGS,
  topicConfigOverrides,
} from "./topic-config";

function errorOf(fn: () => unknown): KafkaError {
  try {
    fn();
  } catch (e) {
    if (isKafkaError(e)) return e;
    throw e;
  }
  throw new Error("expected a KafkaError");
}

describe("resolveTopicConfig", () => {
  it("fills Kafka 4.x defaults", () => {
    const c = resolveTopicConfig("orders", {});
    expect(c["cleanup.policy"]).toEqual(["delete"]);
    expect(c["retention.ms"]).toBe(604_800_000);
    expect(c["retention.bytes"]).toBe(-1);
    expect(c["segment.bytes"]).toBe(1_073_741_824);
    expect(c["segment.ms"]).toBe(604_800_000);
    expect(c["segment.jitter.ms"]).toBe(0);
    expect(c["segment.index.bytes"]).toBe(10_485_760);
    expect(c["index.interval.bytes"]).toBe(4096);
    expect(c["min.cleanable.dirty.ratio"]).toBe(0.5);
    expect(c["min.compaction.lag.ms"]).toBe(0);
    expect(c["max.compaction.lag.ms"]).toBe(LONG_MAX);
    expect(c["delete.retention.ms"]).toBe(86_400_000);
    expect(c["file.delete.delay.ms"]).toBe(60_000);
    expect(c["max.message.bytes"]).toBe(1_048_588);
    expect(c["message.timestamp.type"]).toBe("CreateTime");
    expect(c["message.timestamp.before.max.ms"]).toBe(LONG_MAX);
    expect(c["message.timestamp.after.max.ms"]).toBe(3_600_000);
    expect(c["min.insync.replicas"]).toBe(1);
    expect(c["compression.type"]).toBe("producer");
    expect(c["unclean.leader.election.enable"]).toBe(false);
  });

  it("reads numbers and their text alike", () => {
    const a = resolveTopicConfig("t", { "segment.bytes": 1024, "min.cleanable.dirty.ratio": 0.1 });
    const b = resolveTopicConfig("t", { "segment.bytes": "1024", "min.cleanable.dirty.ratio": " 0.1 " });
    expect(a["segment.bytes"]).toBe(1024);
    expect(b).toEqual(a);
  });

  it("parses cleanup.policy lists", () => {
    const c = resolveTopicConfig("t", { "cleanup.policy": "compact, delete" });
    expect(c["cleanup.policy"]).toEqual(["compact", "delete"]);
    expect(compactionEnabled(c)).toBe(true);
    expect(deletionEnabled(c)).toBe(true);
    const compact = resolveTopicConfig("t", { "cleanup.policy": "compact" });
    expect(deletionEnabled(compact)).toBe(false);
    expect(errorOf(() => resolveTopicConfig("t", { "cleanup.policy": "compact,shred" })).message).toContain(
      'invalid value "compact,shred" for config "cleanup.policy": expected a comma-separated list of delete, compact',
    );
    expect(errorOf(() => resolveTopicConfig("t", { "cleanup.policy": "" })).type).toBe("INVALID_CONFIG");
  });

  it("names the topic, the key, the value and the rule in errors", () => {
    const e = errorOf(() => resolveTopicConfig("orders", { "segment.bytes": "abc" }));
    expect(e.type).toBe("INVALID_CONFIG");
    expect(e.message).toBe(
      'INVALID_CONFIG: topic "orders": invalid value "abc" for config "segment.bytes": expected an integer between 14 and 2147483647',
    );
  });

  it("accepts tiny segments down to 14 bytes, unlike Kafka 4.0's 1 MiB floor", () => {
    expect(resolveTopicConfig("t", { "segment.bytes": 14 })["segment.bytes"]).toBe(14);
    expect(errorOf(() => resolveTopicConfig("t", { "segment.bytes": 13 })).message).toContain('"segment.bytes"');
    expect(TOPIC_CONFIGS["segment.bytes"].doc).toContain("1 MiB");
  });

  it("checks ranges of each key", () => {
    const bad: [string, string | number][] = [
      ["retention.ms", -2],
      ["segment.ms", 0],
      ["segment.jitter.ms", -1],
      ["segment.index.bytes", 3],
      ["min.cleanable.dirty.ratio", 1.5],
      ["max.compaction.lag.ms", 0],
      ["delete.retention.ms", -1],
      ["max.message.bytes", -1],
      ["min.insync.replicas", 0],
      ["message.timestamp.type", "createtime"],
      ["message.timestamp.after.max.ms", -1],
      ["segment.bytes", 2 ** 31],
      ["segment.bytes", 1.5],
      ["unclean.leader.election.enable", "yes"],
    ];
    for (const [key, value] of bad) {
      const e = errorOf(() => resolveTopicConfig("events", { [key]: value }));
      expect(e.type).toBe("INVALID_CONFIG");
      expect(e.message).toContain(`topic "events": invalid value ${JSON.stringify(String(value))} for config "${key}"`);
    }
  });

  it("accepts -1 for retention.ms and LogAppendTime", () => {
    const c = resolveTopicConfig("t", { "retention.ms": -1, "message.timestamp.type": "LogAppendTime", "unclean.leader.election.enable": "TRUE" });
    expect(c["retention.ms"]).toBe(-1);
    expect(c["message.timestamp.type"]).toBe("LogAppendTime");
    expect(c["unclean.leader.election.enable"]).toBe(true);
  });

  it("reads Long.MAX_VALUE as text or as a JSON number", () => {
    expect(resolveTopicConfig("t", { "max.compaction.lag.ms": "9223372036854775807" })["max.compaction.lag.ms"]).toBe(LONG_MAX);
    // JSON.parse turns Long.MAX_VALUE written as a number into 2^63.
    const asJson = JSON.parse('{"max.compaction.lag.ms": 9223372036854775807}') as Record<string, number>;
    expect(resolveTopicConfig("t", asJson)["max.compaction.lag.ms"]).toBe(LONG_MAX);
    expect(errorOf(() => resolveTopicConfig("t", { "retention.ms": "9223372036854775808" })).message).toContain('"retention.ms"');
  });

  it("refuses compression with a clear reason, accepts producer/uncompressed", () => {
    expect(resolveTopicConfig("t", { "compression.type": "uncompressed" })["compression.type"]).toBe("uncompressed");
    const e = errorOf(() => resolveTopicConfig("t", { "compression.type": "zstd" }));
    expect(e.type).toBe("INVALID_CONFIG");
    expect(e.message).toContain('topic "t": invalid value "zstd" for config "compression.type"');
    expect(e.message).toContain("compression is not supported");
  });

  it("suggests the nearest name for an unknown key", () => {
    const e = errorOf(() => resolveTopicConfig("orders", { "segment.byte": 100 }));
    expect(e.type).toBe("INVALID_CONFIG");
    expect(e.message).toBe('INVALID_CONFIG: topic "orders": unknown topic config "segment.byte" (did you mean "segment.bytes"?)');
    expect(errorOf(() => resolveTopicConfig("orders", { retention_ms: 5 })).message).toContain('did you mean "retention.ms"?');
    expect(errorOf(() => resolveTopicConfig("orders", { colour: "red" })).message).toBe(
      'INVALID_CONFIG: topic "orders": unknown topic config "colour"',
    );
  });

  it("explains Kafka names that cannot be used here", () => {
    const e = errorOf(() => resolveTopicConfig("orders", { "remote.storage.enable": true }));
    expect(e.message).toContain('topic "orders": topic config "remote.storage.enable" is not supported: tiered storage');
    expect(errorOf(() => resolveTopicConfig("o", { "message.timestamp.difference.max.ms": 5 })).message).toContain(
      "removed in Kafka 4.0",
    );
  });

  it("refuses min.compaction.lag.ms above max.compaction.lag.ms", () => {
    const e = errorOf(() => resolveTopicConfig("c", { "min.compaction.lag.ms": 10, "max.compaction.lag.ms": 5 }));
    expect(e.message).toBe(
      'INVALID_CONFIG: topic "c": conflict topic config setting min.compaction.lag.ms (10) > max.compaction.lag.ms (5)',
    );
  });
});

describe("describeTopicConfig", () => {
  it("lists every config with its value, default flag and explanation", () => {
    const entries = describeTopicConfig(resolveTopicConfig("t", { "cleanup.policy": "compact,delete", "segment.bytes": 1024 }));
    expect(entries.map((e) => e.name)).toEqual(Object.keys(TOPIC_CONFIGS));
    const byName = new Map(entries.map((e) => [e.name, e]));
    expect(byName.get("cleanup.policy")).toMatchObject({ value: "compact,delete", isDefault: false });
    expect(byName.get("segment.bytes")).toMatchObject({ value: "1024", isDefault: false, type: "int" });
    expect(byName.get("retention.ms")).toMatchObject({ value: "604800000", isDefault: true });
    expect(byName.get("max.compaction.lag.ms")).toMatchObject({ value: "9223372036854775807", isDefault: true });
    expect(byName.get("min.cleanable.dirty.ratio")?.value).toBe("0.5");
    for (const e of entries) expect(e.doc.length).toBeGreaterThan(40);
  });

  it("round-trips through the overrides it reports", () => {
    const c = resolveTopicConfig("t", { "cleanup.policy": "compact", "retention.ms": -1, "min.cleanable.dirty.ratio": 0.01 });
    const overrides = topicConfigOverrides(c);
    expect(overrides).toEqual({ "cleanup.policy": "compact", "retention.ms": "-1", "min.cleanable.dirty.ratio": "0.01" });
    expect(resolveTopicConfig("t", overrides)).toEqual(c);
    expect(topicConfigOverrides(defaultTopicConfig())).toEqual({});
  });
});

describe("alterTopicConfig", () => {
  it("sets, reverts deletions to defaults, and leaves the current config alone", () => {
    const current = resolveTopicConfig("t", { "retention.ms": 1000, "segment.bytes": 2048 });
    const next = alterTopicConfig("t", current, { "retention.ms": "5000" }, ["segment.bytes"]);
    expect(next["retention.ms"]).toBe(5000);
    expect(next["segment.bytes"]).toBe(1_073_741_824);
    expect(current["retention.ms"]).toBe(1000);
    expect(current["segment.bytes"]).toBe(2048);
  });

  it("rejects unknown deletions, bad values and keys both set and deleted", () => {
    const current = defaultTopicConfig();
    expect(errorOf(() => alterTopicConfig("t", current, {}, ["retention.msx"])).message).toContain(
      'topic "t": unknown topic config "retention.msx" (did you mean "retention.ms"?)',
    );
    expect(errorOf(() => alterTopicConfig("t", current, { "segment.ms": "soon" })).message).toContain('"segment.ms"');
    const both = errorOf(() => alterTopicConfig("t", current, { "retention.ms": 5 }, ["retention.ms"]));
    expect(both.type).toBe("INVALID_REQUEST");
    expect(both.message).toContain('"retention.ms"');
  });

  it("checks the combination after the change", () => {
    const current = resolveTopicConfig("t", { "max.compaction.lag.ms": 100 });
    expect(errorOf(() => alterTopicConfig("t", current, { "min.compaction.lag.ms": 200 })).message).toContain(
      "min.compaction.lag.ms (200) > max.compaction.lag.ms (100)",
    );
  });
});
