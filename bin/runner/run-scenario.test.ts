import { describe, expect, it } from "vitest";
import type {
  ApplicationDescription,
  CommitRequest,
  EnginePort,
  GroupSummary,
  JoinRequest,
  MemberRequest,
  PollRequest,
  ProduceOptions,
  ProduceRecord,
  SeekRequest,
  StoredRecord,
  TopicSpec,
  TopologyRequest,
  WindowedKeyFormat, SqlExecution } from "../../workers/engine/engine-port";
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
  /** What successive polls return. */
  readonly polls: StoredRecord[][] = [];
  groups: GroupSummary[] = [];

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
  async join(req: JoinRequest): Promise<void> {
    this.calls.push(`join ${JSON.stringify(req)}`);
  }
  async leave(req: MemberRequest): Promise<void> {
    this.calls.push(`leave ${JSON.stringify(req)}`);
  }
  async crash(req: MemberRequest): Promise<void> {
    this.calls.push(`crash ${JSON.stringify(req)}`);
  }
  async poll(req: PollRequest): Promise<StoredRecord[]> {
    this.calls.push(`poll ${JSON.stringify(req)}`);
    return this.polls.shift() ?? [];
  }
  async commit(req: CommitRequest): Promise<Record<string, number>> {
    this.calls.push(`commit ${JSON.stringify(req)}`);
    return req.offsets ?? {};
  }
  async seek(req: SeekRequest): Promise<number> {
    this.calls.push(`seek ${JSON.stringify(req)}`);
    return typeof req.offset === "number" ? req.offset : 0;
  }
  async describeGroups(): Promise<GroupSummary[]> {
    this.calls.push("describeGroups");
    return this.groups;
  }
  /** Applications as describeApplications reports them. */
  applications: ApplicationDescription[] = [];
  /** Topics whose keys are windowed. */
  readonly windowed = new Map<string, WindowedKeyFormat>();
  async settle(): Promise<void> {}
  async startApplication(req: TopologyRequest): Promise<ApplicationDescription> {
    this.calls.push(`startApplication ${req.applicationId}`);
    return this.application(req.applicationId);
  }
  async stopApplication(applicationId: string): Promise<ApplicationDescription> {
    this.calls.push(`stopApplication ${applicationId}`);
    return this.application(applicationId);
  }
  async restartApplication(req: { applicationId: string }): Promise<ApplicationDescription> {
    this.calls.push(`restartApplication ${req.applicationId}`);
    return this.application(req.applicationId);
  }
  describeApplications(): ApplicationDescription[] {
    return this.applications;
  }
  windowedKeyFormat(topic: string): WindowedKeyFormat | undefined {
    return this.windowed.get(topic);
  }
  async executeSql(text: string): Promise<SqlExecution> {
    this.calls.push(`executeSql ${text}`);
    return { results: [] };
  }
  private application(applicationId: string): ApplicationDescription {
    return (
      this.applications.find((a) => a.applicationId === applicationId) ?? {
        applicationId,
        state: "RUNNING",
        processingGuarantee: "at_least_once",
        commitIntervalMs: 30000,
        topology: "",
        nodes: [],
        tasks: [],
        internalTopics: [],
        stats: { processed: 0, produced: 0, skipped: 0, dropped: 0, restored: 0, commits: 0, lastCommitMs: null },
      }
    );
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
    const { outcome, err, engine } = await run(
      {
        version: 1,
        topics: [orders],
        steps: [
          { produce: { topic: "orders", records: [{ value: 1 }] } },
          { join: { groupId: "g", memberId: "m", topics: ["orders"] } },
          { poll: { groupId: "g", memberId: "m" } },
        ],
      },
      { handlers: { produce: async () => {} } },
    );
    expect(outcome.exitCode).toBe(2);
    expect(err).toEqual([
      'steps[1]: the "join" verb is not supported by this version of the runner',
      'steps[2]: the "poll" verb is not supported by this version of the runner',
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

});

describe("consumer groups", () => {
  const stored = (partition: number, offset: number, key: string, value: string, timestamp = 5): StoredRecord => ({
    topic: "orders",
    partition,
    offset,
    timestamp,
    key: new TextEncoder().encode(key),
    value: new TextEncoder().encode(value),
    headers: [],
  });
  const summary: GroupSummary = {
    group: "g1",
    state: "Stable",
    generation: 2,
    assignments: { m2: ["orders-2"], m1: ["orders-1", "orders-0"] },
    committed: { "orders-1": 4, "orders-0": 5 },
    lag: { "orders-0": 2, "orders-1": 0 },
  };

  it("hands each group verb to the engine with the step's arguments", async () => {
    const { outcome, engine } = await run({
      version: 1,
      topics: [orders],
      steps: [
        { join: { groupId: "g1", memberId: "m1", topics: ["orders"], assignor: "range", config: { "auto.offset.reset": "earliest" } } },
        { poll: { groupId: "g1", memberId: "m1", max: 3 } },
        { poll: { groupId: "g1", memberId: "m1" } },
        { commit: { groupId: "g1", memberId: "m1" } },
        { commit: { groupId: "g1", memberId: "m1", offsets: { "orders-0": 5 } } },
        { seek: { groupId: "g1", memberId: "m1", partition: "orders-1", offset: "earliest" } },
        { seek: { groupId: "g1", memberId: "m1", partition: "orders-1", offset: { timestamp: 9 } } },
        { crash: { groupId: "g1", memberId: "m1" } },
        { leave: { groupId: "g1", memberId: "m2" } },
      ],
    });
    expect(outcome.exitCode).toBe(0);
    expect(engine.calls).toEqual([
      'createTopic {"name":"orders","partitions":2,"replicationFactor":1,"config":{"cleanup.policy":"compact"}}',
      'join {"groupId":"g1","memberId":"m1","topics":["orders"],"assignor":"range","config":{"auto.offset.reset":"earliest"}}',
      'poll {"groupId":"g1","memberId":"m1","max":3}',
      'poll {"groupId":"g1","memberId":"m1"}',
      'commit {"groupId":"g1","memberId":"m1"}',
      'commit {"groupId":"g1","memberId":"m1","offsets":{"orders-0":5}}',
      'seek {"groupId":"g1","memberId":"m1","partition":"orders-1","offset":"earliest"}',
      'seek {"groupId":"g1","memberId":"m1","partition":"orders-1","offset":{"timestamp":9}}',
      'crash {"groupId":"g1","memberId":"m1"}',
      'leave {"groupId":"g1","memberId":"m2"}',
    ]);
  });

  it("prints each polled record as a poll line", async () => {
    const engine = new RecordingEngine();
    engine.polls.push([stored(0, 3, "K1", '{"n":1}'), stored(1, 0, "K2", "text")]);
    const { out } = await run({ version: 1, topics: [orders], steps: [{ join: { groupId: "g1", memberId: "m1", topics: ["orders"] } }, { poll: { groupId: "g1", memberId: "m1" } }] }, {}, engine);
    expect(out).toEqual([
      '{"poll":{"groupId":"g1","memberId":"m1"},"topic":"orders","partition":0,"offset":3,"timestamp":5,"key":"K1","value":{"n":1}}',
      '{"poll":{"groupId":"g1","memberId":"m1"},"topic":"orders","partition":1,"offset":0,"timestamp":5,"key":"K2","value":"text"}',
    ]);
  });

  it("--groups prints one line per group after the dumps, members and partitions sorted", async () => {
    const engine = new RecordingEngine();
    engine.groups = [summary, { group: "g2", state: "Empty", generation: 0, assignments: {}, committed: {}, lag: {} }];
    const { out } = await run({ version: 1, topics: [orders], steps: [{ produce: { topic: "orders", records: [{ key: "a", value: 1 }] } }] }, { groups: true, dump: ["orders"] }, engine);
    expect(out).toEqual([
      '{"topic":"orders","partition":0,"offset":0,"timestamp":0,"key":"a","value":1}',
      '{"group":"g1","state":"Stable","generation":2,"assignments":{"m1":["orders-0","orders-1"],"m2":["orders-2"]},"committed":{"orders-0":5,"orders-1":4},"lag":{"orders-0":2,"orders-1":0}}',
      '{"group":"g2","state":"Empty","generation":0,"assignments":{},"committed":{},"lag":{}}',
    ]);
  });

  it("--check compares expect.groups: assignments as sets, and state, generation, committed and lag when given", async () => {
    const engine = new RecordingEngine();
    engine.groups = [summary];
    const pass = await run({ version: 1, expect: { groups: { g1: { state: "Stable", assignments: { m1: ["orders-0", "orders-1"], m2: ["orders-2"] }, lag: { "orders-0": 2, "orders-1": 0 } } } } }, { check: true }, engine);
    expect(pass.err).toEqual([]);
    expect(pass.outcome.exitCode).toBe(0);

    const fail = await run(
      { version: 1, expect: { groups: { g1: { generation: 3, assignments: { m1: ["orders-0"], m3: [] }, committed: { "orders-0": 5 } }, g9: {} } } },
      { check: true },
      engine,
    );
    expect(fail.outcome.exitCode).toBe(1);
    expect(fail.err).toEqual([
      "check failed: 6 differences\n" +
        "  expect.groups.g1.generation: group \"g1\": generation: expected 3, got 2\n" +
        '  expect.groups.g1.assignments.m1: group "g1": assignment of member "m1": expected ["orders-0"], got ["orders-0","orders-1"]\n' +
        '  expect.groups.g1.assignments: group "g1": member "m2" is in the group but not expected (assigned ["orders-2"])\n' +
        '  expect.groups.g1.assignments.m3: group "g1": member "m3" is not in the group\n' +
        '  expect.groups.g1.committed.orders-1: group "g1": committed of orders-1: expected nothing, got 4\n' +
        '  expect.groups.g9: group "g9" does not exist',
    ]);
  });

  it("a refused group step stops the run at its path", async () => {
    const engine = new RecordingEngine();
    engine.poll = async () => {
      throw new KafkaError("UNKNOWN_MEMBER_ID", 'poll: member "m9" is not in group "g1" (members: m1)');
    };
    const { outcome, err } = await run({ version: 1, steps: [{ poll: { groupId: "g1", memberId: "m9" } }, { advance: { ms: 1 } }] }, {}, engine);
    expect(outcome.exitCode).toBe(2);
    expect(err).toEqual(['steps[0].poll: UNKNOWN_MEMBER_ID: poll: member "m9" is not in group "g1" (members: m1)']);
    expect(engine.calls).not.toContain("advance 1");
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

describe("stream applications", () => {
  const source = 'export default () => {};\n';

  it("a topology step starts the application; a second one for the same id redeploys it, with a reset when asked", async () => {
    const engine = new RecordingEngine({ words: 1 });
    engine.applications = [];
    const startApplication = engine.startApplication.bind(engine);
    engine.startApplication = async (req) => {
      const d = await startApplication(req);
      engine.applications = [d];
      return d;
    };
    const { outcome } = await run(
      {
        version: 1,
        steps: [
          { topology: { applicationId: "app", source, config: { "processing.guarantee": "exactly_once_v2" } } },
          { topology: { applicationId: "app", source, reset: true } },
        ],
      },
      {},
      engine,
    );
    expect(outcome.exitCode).toBe(0);
    expect(engine.calls).toEqual(["startApplication app", "restartApplication app"]);
  });

  it("an application in ERROR does not stop the run: dumps print, then exit 2 naming the application, the record and the error", async () => {
    const engine = new RecordingEngine({ words: 1 });
    engine.applications = [
      {
        applicationId: "shouter",
        state: "ERROR",
        processingGuarantee: "at_least_once",
        commitIntervalMs: 30000,
        topology: "",
        nodes: [],
        tasks: [],
        internalTopics: [],
        stats: { processed: 1, produced: 1, skipped: 0, dropped: 0, restored: 0, commits: 0, lastCommitMs: null },
        failure: {
          reason: "user-code",
          taskId: "0_0",
          topic: "words",
          partition: 0,
          offset: 2,
          message: "Error: cannot shout boom",
          stack: "StreamsException: Exception caught in process.\nCaused by: Error: cannot shout boom\n    at topology.ts:9:31",
          line: 9,
          column: 31,
        },
      },
    ];
    const { outcome, out, err } = await run(
      { version: 1, steps: [{ produce: { topic: "words", records: [{ key: "k", value: "boom" }] } }, { advance: { ms: 1 } }] },
      { dump: ["words"] },
      engine,
    );
    expect(calls(engine)).toEqual(["produce", "advance"]);
    expect(out).toHaveLength(1);
    expect(outcome.exitCode).toBe(2);
    expect(err).toEqual([
      'streams application "shouter" is in state ERROR after a failure on the record at topic words, partition 0, offset 2: Error: cannot shout boom (topology.ts:9:31)\n' +
        "StreamsException: Exception caught in process.\nCaused by: Error: cannot shout boom\n    at topology.ts:9:31",
    ]);
  });

  it("dumps print windowed keys with their window, the end from the window size", async () => {
    const engine = new RecordingEngine({ counts: 1 });
    engine.windowed.set("counts", { type: "time", sizeMs: 60000 });
    const key = new Uint8Array([0x61, 0, 0, 0, 0, 0, 0, 0xea, 0x60]);
    engine.topics.get("counts")!.records.push({ topic: "counts", partition: 0, offset: 0, timestamp: 5, key, value: new TextEncoder().encode("3"), headers: [] });
    const { out } = await run({ version: 1, steps: [] }, { dump: ["counts"] }, engine);
    expect(out).toEqual(['{"topic":"counts","partition":0,"offset":0,"timestamp":5,"key":{"key":"a","window":{"start":60000,"end":120000}},"value":3}']);
  });
});

function calls(engine: RecordingEngine): string[] {
  return engine.calls.map((c) => c.split(" ")[0]!);
}
