import { describe, expect, it } from "vitest";
import type { EnginePort, ProduceOptions, ProduceRecord, StoredRecord, TopicSpec } from "../../workers/engine/engine-port";
import { KafkaError } from "../../workers/protocol/errors";
import { runScenario, type RunOptions } from "./run-scenario";
import { parseScenario } from "./scenario";

/**
 * A stand-in for the engine that keeps records in arrays and logs every call, so these
 * tests pin down what the runner asks of the engine and in which order.
 */
class RecordingEngine implements EnginePort {
  readonly calls: string[] = [];
  readonly topics = new Map<string, { partitions: number; records: StoredRecord[] }>();
  now = 0;

  constructor(existing: Record<string, number> = {}) {
    for (const [name, partitions] of Object.entries(existing)) this.topics.set(name, { partitions, records: [] });
  }

  async createTopic(spec: TopicSpec): Promise<void> {
    this.calls.push(`createTopic ${JSON.stringify(spec)}`);
    if ((spec.replicationFactor ?? 1) > 1) {
      throw new KafkaError("INVALID_REPLICATION_FACTOR", `topic "${spec.name}": replication factor ${spec.replicationFactor} is larger than the 1 available broker`);
    }
    this.topics.set(spec.name, { partitions: spec.partitions, records: [] });
  }
  hasTopic(name: string): boolean {
    return this.topics.has(name);
  }
  partitionCount(topic: string): number {
    return this.topics.get(topic)?.partitions ?? 0;
  }
  async produce(topic: string, records: ProduceRecord[], options?: ProduceOptions): Promise<void> {
    this.calls.push(`produce ${topic} ${records.length} ${JSON.stringify(options ?? {})}`);
    const t = this.topics.get(topic);
    if (t === undefined) throw new Error("no topic");
    for (const r of records) {
      if (r.timestamp !== undefined && r.timestamp > this.now + 3_600_000) {
        throw new KafkaError("INVALID_TIMESTAMP", `topic "${topic}": timestamp ${r.timestamp} is more than 1 hour in the future`);
      }
      const partition = r.partition ?? 0;
      const offset = t.records.filter((x) => x.partition === partition).length;
      t.records.push({ topic, partition, offset, timestamp: r.timestamp ?? this.now, key: r.key, value: r.value, headers: r.headers ?? [] });
    }
    t.records.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  }
  async advance(ms: number): Promise<void> {
    this.calls.push(`advance ${ms}`);
    this.now += ms;
  }
  async roll(topic: string, partition?: number): Promise<void> {
    this.calls.push(`roll ${topic} ${partition}`);
  }
  async clean(topic: string): Promise<void> {
    this.calls.push(`clean ${topic}`);
  }
  async restart(): Promise<void> {
    this.calls.push("restart");
  }
  async readAll(topic: string): Promise<StoredRecord[]> {
    return [...(this.topics.get(topic)?.records ?? [])];
  }
  async close(): Promise<void> {
    this.calls.push("close");
  }
}

async function run(doc: unknown, options: Partial<RunOptions> = {}, engine = new RecordingEngine()) {
  const out: string[] = [];
  const err: string[] = [];
  const outcome = await runScenario(parseScenario(doc, { topicsMayExist: true }), engine, {
    out: (line) => out.push(line),
    err: (message) => err.push(message),
    ...options,
  });
  return { outcome, out, err, engine };
}

const orders = { name: "orders", partitions: 2, config: { "cleanup.policy": "compact" } };

describe("running steps", () => {
  it("creates the declared topics, then runs each step in order", async () => {
    const { outcome, engine, out, err } = await run({
      version: 1,
      topics: [orders],
      steps: [
        { produce: { topic: "orders", records: [{ key: "K1", value: "V1" }], acks: "all", config: { "linger.ms": 0 } } },
        { advance: { ms: 500 } },
        { roll: { topic: "orders", partition: 1 } },
        { clean: { topic: "orders" } },
        { restart: {} },
      ],
    });
    expect(outcome).toEqual({ exitCode: 0, errors: [], differences: [] });
    expect(out).toEqual([]);
    expect(err).toEqual([]);
    expect(engine.calls).toEqual([
      'createTopic {"name":"orders","partitions":2,"replicationFactor":1,"config":{"cleanup.policy":"compact"}}',
      'produce orders 1 {"config":{"linger.ms":0},"acks":"all"}',
      "advance 500",
      "roll orders 1",
      "clean orders",
      "restart",
    ]);
  });

  it("hands the engine serialized records: strings as text, other JSON as its text, null keys and tombstones", async () => {
    const { engine } = await run({
      version: 1,
      topics: [orders],
      steps: [{ produce: { topic: "orders", records: [{ key: "K1", value: { qty: 3 }, timestamp: 7, partition: 1, headers: { h: "v" } }, { value: null }] } }],
    });
    const records = await engine.readAll("orders");
    const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));
    expect(records.map((r) => [r.partition, r.timestamp, text(r.key), text(r.value), r.headers.map((h) => [h.key, text(h.value)])])).toEqual([
      [0, 0, null, null, []],
      [1, 7, "K1", '{"qty":3}', [["h", "v"]]],
    ]);
  });

  it("keeps a topic that already exists with the same partition count, refuses another count", async () => {
    const kept = await run({ version: 1, topics: [orders] }, {}, new RecordingEngine({ orders: 2 }));
    expect(kept.outcome.exitCode).toBe(0);
    expect(kept.engine.calls).toEqual([]);
    const refused = await run({ version: 1, topics: [orders] }, {}, new RecordingEngine({ orders: 5 }));
    expect(refused.outcome.exitCode).toBe(2);
    expect(refused.err).toEqual(['topics[0].partitions: topic "orders" already exists in the data directory with 5 partitions, not 2']);
  });
});

describe("dumps", () => {
  it("print every record of the dumped topics, by partition then offset, each topic once", async () => {
    const { out } = await run(
      {
        version: 1,
        topics: [orders, { name: "empty" }],
        steps: [{ produce: { topic: "orders", records: [{ key: "b", value: 2, partition: 1 }, { key: "a", value: "17", headers: { h: "v" } }, { key: "c", value: null }] } }],
      },
      { dump: ["orders", "empty", "orders"] },
    );
    expect(out).toEqual([
      '{"topic":"orders","partition":0,"offset":0,"timestamp":0,"key":"a","value":17,"headers":{"h":"v"}}',
      '{"topic":"orders","partition":0,"offset":1,"timestamp":0,"key":"c","value":null}',
      '{"topic":"orders","partition":1,"offset":0,"timestamp":0,"key":"b","value":2}',
    ]);
  });

  it("of a topic that does not exist is an error", async () => {
    const { outcome, err } = await run({ version: 1 }, { dump: ["nope"] });
    expect(outcome.exitCode).toBe(2);
    expect(err).toEqual(['--dump: no topic "nope"']);
  });
});

describe("failures", () => {
  it("a KafkaError from the engine stops the run at the step's path", async () => {
    const { outcome, err, engine } = await run({
      version: 1,
      topics: [orders],
      steps: [{ produce: { topic: "orders", records: [{ value: 1, timestamp: 99_000_000 }] } }, { advance: { ms: 1 } }],
    });
    expect(outcome.exitCode).toBe(2);
    expect(err).toEqual(['steps[0].produce: INVALID_TIMESTAMP: topic "orders": timestamp 99000000 is more than 1 hour in the future']);
    expect(engine.calls).not.toContain("advance 1");
  });

  it("a KafkaError while creating a topic names the topic's path", async () => {
    const { err } = await run({ version: 1, topics: [{ name: "t", replicationFactor: 3 }] });
    expect(err).toEqual(['topics[0]: INVALID_REPLICATION_FACTOR: topic "t": replication factor 3 is larger than the 1 available broker']);
  });

  it("a topic missing when the step runs is reported like the validator would", async () => {
    const { outcome, err } = await run({ version: 1, steps: [{ produce: { topic: "later", records: [{ value: 1 }] } }] });
    expect(outcome.exitCode).toBe(2);
    expect(err).toEqual(['steps[0].produce.topic: no topic "later"']);
  });

  it("unexpected errors propagate as they are", async () => {
    const engine = new RecordingEngine();
    engine.advance = async () => {
      throw new TypeError("boom");
    };
    await expect(run({ version: 1, steps: [{ advance: { ms: 1 } }] }, {}, engine)).rejects.toThrow("boom");
  });
});

describe("what this runner cannot do yet", () => {
  it("refuses verbs without a handler before running anything, naming each step", async () => {
    const { outcome, err, engine } = await run({
      version: 1,
      topics: [orders],
      steps: [
        { produce: { topic: "orders", records: [{ value: 1 }] } },
        { join: { groupId: "g", memberId: "m", topics: ["orders"] } },
        { poll: { groupId: "g", memberId: "m" } },
        { sql: "SELECT 1;" },
      ],
    });
    expect(outcome.exitCode).toBe(2);
    expect(err).toEqual([
      'steps[1]: the "join" verb is not supported by this version of the runner',
      'steps[2]: the "poll" verb is not supported by this version of the runner',
      'steps[3]: the "sql" verb is not supported by this version of the runner',
    ]);
    expect(engine.calls).toEqual([]);
  });

  it("runs a verb as soon as a handler is given for it", async () => {
    const seen: string[] = [];
    const { outcome } = await run(
      { version: 1, steps: [{ sql: "CREATE STREAM s (x INT) WITH (kafka_topic='s', partitions=1);" }] },
      { handlers: { sql: async (statements, _ctx, step) => void seen.push(`${step.path}: ${statements}`) } },
    );
    expect(outcome.exitCode).toBe(0);
    expect(seen).toEqual(["steps[0]: CREATE STREAM s (x INT) WITH (kafka_topic='s', partitions=1);"]);
  });

  it("refuses --groups and checking groups", async () => {
    expect((await run({ version: 1 }, { groups: true })).err).toEqual(["--groups: consumer groups are not supported by this version of the runner"]);
    expect((await run({ version: 1, expect: { groups: { g: {} } } }, { check: true })).err).toEqual([
      "expect.groups: checking consumer groups is not supported by this version of the runner",
    ]);
  });
});

describe("--check", () => {
  const doc = {
    version: 1,
    topics: [orders],
    steps: [{ produce: { topic: "orders", records: [{ key: "K1", value: "V1" }, { key: "K2", value: "17" }] } }],
  };

  it("passes with exit code 0 when the topics hold what is expected", async () => {
    const { outcome, err } = await run({ ...doc, expect: { topics: { orders: [{ key: "K1", value: "V1" }, { offset: 1, value: 17 }] } } }, { check: true });
    expect(outcome.exitCode).toBe(0);
    expect(err).toEqual([]);
  });

  it("exits 1 with the differences on stderr", async () => {
    const { outcome, err } = await run({ ...doc, expect: { topics: { orders: [{ key: "K1", value: "V2" }] } } }, { check: true });
    expect(outcome.exitCode).toBe(1);
    expect(err).toEqual([
      'check failed: 3 differences\n' +
        '  expect.topics.orders: topic "orders": expected 1 record, found 2\n' +
        '  expect.topics.orders[0].value: topic "orders" record 0 (partition 0, offset 0): value: expected "V2", got "V1"\n' +
        '  expect.topics.orders: topic "orders" record 1: unexpected (partition 0, offset 1, key "K2", value 17)',
    ]);
  });

  it("needs an expect", async () => {
    const { outcome, err } = await run(doc, { check: true });
    expect(outcome.exitCode).toBe(2);
    expect(err).toEqual(['--check: the scenario has no "expect"']);
  });

  it("reports an expected topic that does not exist after the run", async () => {
    const { outcome, err } = await run({ version: 1, steps: [{ sql: "x" }], expect: { topics: { gone: [] } } }, { check: true, handlers: { sql: async () => {} } });
    expect(outcome.exitCode).toBe(2);
    expect(err).toEqual(['expect.topics.gone: no topic "gone"']);
  });
});
