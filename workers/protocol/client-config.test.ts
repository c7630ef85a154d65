import { describe, expect, it } from "vitest";
import {
  autoOffsetResetDurationMs,
  isClientConfigName,
  parseIsoDurationMs,
  resolveConsumerConfig,
  resolveProducerConfig,
  resolveStreamsConfig,
} from "./client-config";
import { isKafkaError } from "./errors";

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isKafkaError(e, "INVALID_CONFIG")) return e.message;
    throw e;
  }
  throw new Error("expected INVALID_CONFIG");
}

describe("resolveProducerConfig", () => {
  it("has Kafka 4.x defaults", () => {
    const p = resolveProducerConfig();
    expect(p.acks).toBe(-1);
    expect(p["enable.idempotence"]).toBe(true);
    expect(p["batch.size"]).toBe(16_384);
    expect(p["linger.ms"]).toBe(5);
    expect(p["max.request.size"]).toBe(1_048_576);
    expect(p["buffer.memory"]).toBe(33_554_432);
    expect(p["delivery.timeout.ms"]).toBe(120_000);
    expect(p.retries).toBe(2_147_483_647);
    expect(p["max.in.flight.requests.per.connection"]).toBe(5);
    expect(p["transactional.id"]).toBeNull();
    expect(p["transaction.timeout.ms"]).toBe(60_000);
    expect(p["partitioner.ignore.keys"]).toBe(false);
    expect(p["compression.type"]).toBe("none");
  });

  it("reads acks in all its spellings", () => {
    expect(resolveProducerConfig({ acks: "all" }).acks).toBe(-1);
    expect(resolveProducerConfig({ acks: -1 }).acks).toBe(-1);
    expect(resolveProducerConfig({ acks: "1" }).acks).toBe(1);
    expect(resolveProducerConfig({ acks: 0 }).acks).toBe(0);
    expect(messageOf(() => resolveProducerConfig({ acks: 2 }))).toBe(
      'INVALID_CONFIG: producer: invalid value "2" for config "acks": expected one of all, -1, 0, 1',
    );
  });

  it("quietly drops the default idempotence for acks=1 or retries=0, as Kafka does", () => {
    const p = resolveProducerConfig({ acks: 1 });
    expect(p["enable.idempotence"]).toBe(false);
    expect(resolveProducerConfig({ retries: 0 })["enable.idempotence"]).toBe(false);
  });

  it("refuses settings that conflict with an idempotence asked for", () => {
    expect(messageOf(() => resolveProducerConfig({ acks: 1, "enable.idempotence": true }))).toContain(
      "producer: must set acks to all in order to use the idempotent producer (acks is 1)",
    );
    expect(messageOf(() => resolveProducerConfig({ retries: 0, "enable.idempotence": "true" }))).toContain("retries");
    expect(messageOf(() => resolveProducerConfig({ "max.in.flight.requests.per.connection": 6 }))).toContain(
      "max.in.flight.requests.per.connection must be set to at most 5 (it is 6)",
    );
    expect(
      resolveProducerConfig({ "max.in.flight.requests.per.connection": 6, "enable.idempotence": false })[
        "max.in.flight.requests.per.connection"
      ],
    ).toBe(6);
    expect(messageOf(() => resolveProducerConfig({ "transactional.id": "tx", "enable.idempotence": false }))).toContain(
      "cannot set a transactional.id without also enabling idempotence",
    );
    expect(messageOf(() => resolveProducerConfig({ "transactional.id": "" }))).toContain(
      'invalid value "" for config "transactional.id": expected a non-empty string',
    );
  });

  it("checks delivery.timeout.ms against linger.ms + request.timeout.ms", () => {
    expect(messageOf(() => resolveProducerConfig({ "delivery.timeout.ms": 1000 }))).toContain(
      "delivery.timeout.ms (1000) should be equal to or larger than linger.ms + request.timeout.ms (30005)",
    );
    expect(resolveProducerConfig({ "linger.ms": 200_000 })["delivery.timeout.ms"]).toBe(230_000);
  });

  it("refuses compression and names the producer", () => {
    const m = messageOf(() => resolveProducerConfig({ "compression.type": "gzip" }));
    expect(m).toContain('producer: invalid value "gzip" for config "compression.type"');
    expect(m).toContain("compression is not supported");
  });

  it("suggests names and points at the right client kind", () => {
    expect(messageOf(() => resolveProducerConfig({ "lingr.ms": 5 }))).toBe(
      'INVALID_CONFIG: producer: unknown producer config "lingr.ms" (did you mean "linger.ms"?)',
    );
    expect(messageOf(() => resolveProducerConfig({ "group.id": "g" }))).toBe(
      'INVALID_CONFIG: producer: unknown producer config "group.id" (it is a consumer config)',
    );
    expect(messageOf(() => resolveProducerConfig({ "key.serializer": "x" }))).toContain(
      'producer config "key.serializer" is not supported',
    );
  });
});

describe("resolveConsumerConfig", () => {
  it("has Kafka 4.x defaults", () => {
    const c = resolveConsumerConfig();
    expect(c["group.id"]).toBeNull();
    expect(c["auto.offset.reset"]).toBe("latest");
    expect(c["enable.auto.commit"]).toBe(true);
    expect(c["auto.commit.interval.ms"]).toBe(5000);
    expect(c["session.timeout.ms"]).toBe(45_000);
    expect(c["heartbeat.interval.ms"]).toBe(3000);
    expect(c["max.poll.interval.ms"]).toBe(300_000);
    expect(c["max.poll.records"]).toBe(500);
    expect(c["isolation.level"]).toBe("read_uncommitted");
    expect(c["partition.assignment.strategy"]).toEqual(["range", "cooperative-sticky"]);
    expect(c["group.protocol"]).toBe("classic");
    expect(c["fetch.max.bytes"]).toBe(52_428_800);
    expect(c["max.partition.fetch.bytes"]).toBe(1_048_576);
    expect(c["fetch.min.bytes"]).toBe(1);
    expect(c["allow.auto.create.topics"]).toBe(true);
  });

  it("reads assignors by short name or class name", () => {
    const c = resolveConsumerConfig({
      "partition.assignment.strategy": "org.apache.kafka.clients.consumer.CooperativeStickyAssignor, roundrobin,StickyAssignor",
    });
    expect(c["partition.assignment.strategy"]).toEqual(["cooperative-sticky", "roundrobin", "sticky"]);
    expect(messageOf(() => resolveConsumerConfig({ "partition.assignment.strategy": "fair" }))).toContain(
      'consumer: invalid value "fair" for config "partition.assignment.strategy"',
    );
  });

  it("reads auto.offset.reset including by_duration", () => {
    expect(resolveConsumerConfig({ "auto.offset.reset": "earliest" })["auto.offset.reset"]).toBe("earliest");
    const c = resolveConsumerConfig({ "auto.offset.reset": "by_duration:PT1H30M" });
    expect(c["auto.offset.reset"]).toBe("by_duration:PT1H30M");
    expect(autoOffsetResetDurationMs(c["auto.offset.reset"])).toBe(5_400_000);
    expect(autoOffsetResetDurationMs("latest")).toBeUndefined();
    expect(parseIsoDurationMs("P1DT0.5S")).toBe(86_400_500);
    expect(parseIsoDurationMs("PT")).toBeUndefined();
    expect(parseIsoDurationMs("P")).toBeUndefined();
    expect(messageOf(() => resolveConsumerConfig({ "auto.offset.reset": "smallest" }))).toContain(
      'consumer: invalid value "smallest" for config "auto.offset.reset": expected one of earliest, latest, none',
    );
  });

  it("requires the heartbeat to be shorter than the session timeout", () => {
    expect(messageOf(() => resolveConsumerConfig({ "session.timeout.ms": 3000 }))).toContain(
      "heartbeat.interval.ms (3000) must be lower than session.timeout.ms (3000)",
    );
    expect(resolveConsumerConfig({ "session.timeout.ms": 10_000, "heartbeat.interval.ms": 1000 })["session.timeout.ms"]).toBe(10_000);
  });

  it("applies the rules of the consumer group protocol", () => {
    expect(resolveConsumerConfig({ "group.protocol": "CONSUMER" })["group.protocol"]).toBe("consumer");
    expect(messageOf(() => resolveConsumerConfig({ "group.protocol": "consumer", "session.timeout.ms": 10_000 }))).toContain(
      'session.timeout.ms is not supported when group.protocol is "consumer"',
    );
    expect(messageOf(() => resolveConsumerConfig({ "group.remote.assignor": "uniform" }))).toContain(
      'group.remote.assignor can only be set when group.protocol is "consumer"',
    );
    expect(resolveConsumerConfig({ "group.protocol": "consumer", "group.remote.assignor": "range" })["group.remote.assignor"]).toBe("range");
  });

  it("checks isolation.level, group.instance.id and ranges", () => {
    expect(resolveConsumerConfig({ "isolation.level": "read_committed" })["isolation.level"]).toBe("read_committed");
    expect(messageOf(() => resolveConsumerConfig({ "isolation.level": "serializable" }))).toContain('"isolation.level"');
    expect(messageOf(() => resolveConsumerConfig({ "group.instance.id": "" }))).toContain('"group.instance.id"');
    expect(messageOf(() => resolveConsumerConfig({ "group.instance.id": "a b" }))).toContain('invalid value "a b" for config "group.instance.id"');
    expect(messageOf(() => resolveConsumerConfig({ "max.poll.records": 0 }))).toBe(
      'INVALID_CONFIG: consumer: invalid value "0" for config "max.poll.records": expected an integer between 1 and 2147483647',
    );
    expect(messageOf(() => resolveConsumerConfig({ "max.poll.record": 5 }))).toContain('did you mean "max.poll.records"?');
    expect(messageOf(() => resolveConsumerConfig({ "linger.ms": 5 }))).toContain("(it is a producer config)");
  });
});

describe("resolveStreamsConfig", () => {
  it("requires application.id and checks it can prefix topic names", () => {
    expect(messageOf(() => resolveStreamsConfig({}))).toContain('missing required config "application.id"');
    expect(messageOf(() => resolveStreamsConfig({ "application.id": "my app" }))).toContain(
      'invalid value "my app" for config "application.id"',
    );
  });

  it("has Streams defaults and Streams' client defaults", () => {
    const s = resolveStreamsConfig({ "application.id": "wordcount" });
    expect(s["processing.guarantee"]).toBe("at_least_once");
    expect(s["commit.interval.ms"]).toBe(30_000);
    expect(s["num.stream.threads"]).toBe(1);
    expect(s["statestore.cache.max.bytes"]).toBe(10_485_760);
    expect(s["deserialization.exception.handler"]).toBe("logAndFail");
    expect(s["max.task.idle.ms"]).toBe(0);
    expect(s["num.standby.replicas"]).toBe(0);
    expect(s["topology.optimization"]).toEqual([]);
    expect(s.consumer["group.id"]).toBe("wordcount");
    expect(s.consumer["auto.offset.reset"]).toBe("earliest");
    expect(s.consumer["enable.auto.commit"]).toBe(false);
    expect(s.consumer["max.poll.records"]).toBe(1000);
    expect(s.consumer["isolation.level"]).toBe("read_uncommitted");
    expect(s.producer["linger.ms"]).toBe(100);
  });

  it("switches to exactly-once defaults", () => {
    const s = resolveStreamsConfig({ "application.id": "a", "processing.guarantee": "exactly_once_v2" });
    expect(s["commit.interval.ms"]).toBe(100);
    expect(s.consumer["isolation.level"]).toBe("read_committed");
    expect(s.producer["enable.idempotence"]).toBe(true);
    expect(s.producer["transaction.timeout.ms"]).toBe(10_000);
    const explicit = resolveStreamsConfig({ "application.id": "a", "processing.guarantee": "exactly_once_v2", "commit.interval.ms": 500 });
    expect(explicit["commit.interval.ms"]).toBe(500);
    expect(messageOf(() => resolveStreamsConfig({ "application.id": "a", "processing.guarantee": "exactly_once" }))).toContain(
      "removed in Kafka 4.0; use exactly_once_v2",
    );
  });

  it("refuses a transaction timeout below the commit interval", () => {
    expect(
      messageOf(() =>
        resolveStreamsConfig({ "application.id": "a", "processing.guarantee": "exactly_once_v2", "commit.interval.ms": 20_000 }),
      ),
    ).toContain("transaction timeout 10000 was set lower than the streams commit interval 20000");
  });

  it("takes client configs plain or prefixed, prefixed ones winning", () => {
    const s = resolveStreamsConfig({
      "application.id": "a",
      "max.poll.records": 50,
      "consumer.max.poll.records": 60,
      "main.consumer.max.poll.records": 70,
      "producer.linger.ms": 7,
      "auto.offset.reset": "latest",
      "client.id": "wc",
    });
    expect(s.consumer["max.poll.records"]).toBe(70);
    expect(s.consumer["auto.offset.reset"]).toBe("latest");
    expect(s.producer["linger.ms"]).toBe(7);
    expect(s["client.id"]).toBe("wc");
    expect(s.consumer["client.id"]).toBe("wc-consumer");
    expect(messageOf(() => resolveStreamsConfig({ "application.id": "a", "consumer.max.poll.recrods": 1 }))).toContain(
      'streams application "a": unknown consumer config "consumer.max.poll.recrods" (did you mean "consumer.max.poll.records"?)',
    );
    expect(messageOf(() => resolveStreamsConfig({ "application.id": "a", "producer.linger.ms": "x" }))).toBe(
      'INVALID_CONFIG: streams application "a": invalid value "x" for config "producer.linger.ms": expected a long integer ≥ 0',
    );
  });

  it("reads deprecated names and class names of handlers", () => {
    const s = resolveStreamsConfig({
      "application.id": "a",
      "cache.max.bytes.buffering": 0,
      "default.deserialization.exception.handler": "org.apache.kafka.streams.errors.LogAndContinueExceptionHandler",
      "processing.exception.handler": "LogAndContinueProcessingExceptionHandler",
      "topology.optimization": "all",
    });
    expect(s["statestore.cache.max.bytes"]).toBe(0);
    expect(s["deserialization.exception.handler"]).toBe("logAndContinue");
    expect(s["processing.exception.handler"]).toBe("logAndContinue");
    expect(s["topology.optimization"]).toHaveLength(3);
    const both = resolveStreamsConfig({ "application.id": "a", "cache.max.bytes.buffering": 5, "statestore.cache.max.bytes": 9 });
    expect(both["statestore.cache.max.bytes"]).toBe(9);
  });

  it("refuses what Streams controls itself when it differs", () => {
    expect(messageOf(() => resolveStreamsConfig({ "application.id": "a", "enable.auto.commit": true }))).toContain(
      'consumer config "enable.auto.commit" cannot be changed in a streams application',
    );
    expect(resolveStreamsConfig({ "application.id": "a", "enable.auto.commit": false }).consumer["enable.auto.commit"]).toBe(false);
    expect(messageOf(() => resolveStreamsConfig({ "application.id": "a", "group.id": "other" }))).toContain('"group.id"');
    expect(
      messageOf(() =>
        resolveStreamsConfig({ "application.id": "a", "processing.guarantee": "exactly_once_v2", "isolation.level": "read_uncommitted" }),
      ),
    ).toContain("exactly_once_v2 reads with read_committed");
    expect(messageOf(() => resolveStreamsConfig({ "application.id": "a", "producer.transactional.id": "t" }))).toContain(
      '"producer.transactional.id" cannot be changed',
    );
    expect(
      messageOf(() => resolveStreamsConfig({ "application.id": "a", "processing.guarantee": "exactly_once_v2", "producer.acks": 1 })),
    ).toContain("must set acks to all");
  });

  it("names unknown streams configs with a suggestion", () => {
    expect(messageOf(() => resolveStreamsConfig({ "application.id": "a", "num.stream.thread": 2 }))).toBe(
      'INVALID_CONFIG: streams application "a": unknown streams config "num.stream.thread" (did you mean "num.stream.threads"?)',
    );
    expect(messageOf(() => resolveStreamsConfig({ "application.id": "a", "num.stream.threads": 0 }))).toContain(
      'invalid value "0" for config "num.stream.threads"',
    );
  });

  it("answers name lookups per client kind", () => {
    expect(isClientConfigName("producer", "acks")).toBe(true);
    expect(isClientConfigName("consumer", "acks")).toBe(false);
    expect(isClientConfigName("streams", "cache.max.bytes.buffering")).toBe(true);
  });
});
