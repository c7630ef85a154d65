import { describe, expect, it } from "vitest";
import { checkStepTopics, parseScenario, parseScenarioText, type Scenario } from "./scenario";
import { ScenarioError } from "./scenario-error";

const orders = { name: "orders", partitions: 3 };
const withSteps = (...steps: unknown[]) => ({ version: 1, topics: [orders], steps });

function errorOf(doc: unknown, options = {}): string {
  try {
    parseScenario(doc, options);
  } catch (e) {
    if (e instanceof ScenarioError) return e.message;
    throw e;
  }
  throw new Error("the scenario was accepted");
}

describe("invalid scenarios are reported at their JSON path", () => {
  const cases: [string, unknown, string][] = [
    // The document
    ["not an object", [], "expected a scenario: a JSON object, got an array"],
    ["no version", { steps: [] }, "version: missing (expected 1)"],
    ["another version", { version: 2 }, "version: unsupported version 2 (this runner reads version 1)"],
    ["a version as text", { version: "1" }, 'version: unsupported version "1" (this runner reads version 1)'],
    [
      "an unknown top-level field",
      { version: 1, step: [] },
      "step: unknown field (expected one of version, name, description, clock, topics, steps, expect)",
    ],
    ["a name that is not text", { version: 1, name: 3 }, "name: expected a string, got 3"],
    ["a clock without start", { version: 1, clock: {} }, "clock.start: missing (expected a time in ms)"],
    ["a negative clock", { version: 1, clock: { start: -1 } }, "clock.start: expected a timestamp in ms (an integer ≥ 0), got -1"],
    ["a clock with extra fields", { version: 1, clock: { start: 0, speed: 2 } }, "clock.speed: unknown field (expected one of start)"],
    ["topics not an array", { version: 1, topics: {} }, "topics: expected an array of topics, got an object"],
    ["steps not an array", { version: 1, steps: "advance" }, 'steps: expected an array of steps, got "advance"'],

    // Topics
    ["a topic without a name", { version: 1, topics: [{ partitions: 1 }] }, "topics[0].name: missing (expected a topic name)"],
    [
      "an unknown topic field",
      { version: 1, topics: [{ name: "t", partition: 1 }] },
      "topics[0].partition: unknown field (expected one of name, partitions, replicationFactor, config)",
    ],
    [
      "an illegal topic name",
      { version: 1, topics: [{ name: "or ders" }] },
      `topics[0].name: INVALID_TOPIC_EXCEPTION: topic "or ders" is illegal: a topic name may contain only ASCII letters, digits, '.', '_' and '-' (found " ")`,
    ],
    [
      "a topic declared twice",
      { version: 1, topics: [orders, { name: "x" }, orders] },
      'topics[2].name: topic "orders" is declared twice (first at topics[0])',
    ],
    [
      "colliding topic names",
      { version: 1, topics: [{ name: "a.b" }, { name: "a_b" }] },
      `topics[1].name: INVALID_TOPIC_EXCEPTION: topic "a_b" collides with existing topic "a.b": '.' and '_' are the same in metric names`,
    ],
    [
      "an internal topic",
      { version: 1, topics: [{ name: "__consumer_offsets" }] },
      'topics[0].name: topic "__consumer_offsets" is internal: the broker creates it itself',
    ],
    ["zero partitions", { version: 1, topics: [{ name: "t", partitions: 0 }] }, "topics[0].partitions: expected a partition count (an integer ≥ 1), got 0"],
    [
      "a bad config value",
      { version: 1, topics: [{ name: "orders", config: { "segment.bytes": 12 } }] },
      'topics[0].config.segment.bytes: INVALID_CONFIG: topic "orders": invalid value "12" for config "segment.bytes": expected an integer between 14 and 2147483647',
    ],
    [
      "an unknown config key",
      { version: 1, topics: [{ name: "orders", config: { "cleanup.policy": "compact", "segment.byte": 1024 } }] },
      'topics[0].config.segment.byte: INVALID_CONFIG: topic "orders": unknown topic config "segment.byte" (did you mean "segment.bytes"?)',
    ],
    [
      "conflicting config keys",
      { version: 1, topics: [{ name: "orders", config: { "min.compaction.lag.ms": 10, "max.compaction.lag.ms": 5 } }] },
      'topics[0].config: INVALID_CONFIG: topic "orders": conflict topic config setting min.compaction.lag.ms (10) > max.compaction.lag.ms (5)',
    ],
    [
      "a config value that is an object",
      { version: 1, topics: [{ name: "orders", config: { "retention.ms": { ms: 1 } } }] },
      "topics[0].config.retention.ms: expected a number or a string, got an object",
    ],

    // Step shape
    ["an empty step", withSteps({}), "steps[0]: a step must have exactly one verb, found none"],
    [
      "two verbs in a step",
      withSteps({ advance: { ms: 1 } }, { advance: { ms: 1 } }, { produce: { topic: "orders", records: [{ value: 1 }] }, advance: { ms: 1 } }),
      'steps[2]: a step must have exactly one verb, found "produce", "advance"',
    ],
    [
      "an unknown verb",
      withSteps({ fly: {} }),
      "steps[0].fly: unknown verb (expected one of produce, advance, roll, clean, sql, topology, join, leave, crash, poll, commit, seek, restart)",
    ],
    ["a step that is not an object", withSteps("advance"), 'steps[0]: expected a step: an object with one verb, e.g. { "advance": { "ms": 1000 } }, got "advance"'],

    // produce
    [
      "a misspelt produce field",
      withSteps({ advance: { ms: 0 } }, { produce: { topic: "orders", recordz: [] } }),
      "steps[1].produce.recordz: unknown field (expected one of topic, records, config, acks, idempotent, transactional)",
    ],
    ["produce to an unknown topic", withSteps({ advance: { ms: 1 } }, { advance: { ms: 1 } }, { advance: { ms: 1 } }, { produce: { topic: "order", records: [{ value: 1 }] } }), 'steps[3].produce.topic: no topic "order"'],
    ["produce without records", withSteps({ produce: { topic: "orders" } }), "steps[0].produce.records: missing (expected an array of records)"],
    ["produce with no records", withSteps({ produce: { topic: "orders", records: [] } }), "steps[0].produce.records: expected at least one record"],
    [
      "a partition out of range",
      withSteps({ produce: { topic: "orders", records: [{ value: 1 }, { value: 2, partition: 2 }, { value: 3, partition: 5 }] } }),
      'steps[0].produce.records[2].partition: topic "orders" has 3 partitions (0–2), got 5',
    ],
    [
      "a partition of a one-partition topic",
      { version: 1, topics: [{ name: "t" }], steps: [{ produce: { topic: "t", records: [{ value: 1, partition: 1 }] } }] },
      'steps[0].produce.records[0].partition: topic "t" has 1 partition (0), got 1',
    ],
    ["a record without value", withSteps({ produce: { topic: "orders", records: [{ key: "k" }] } }), "steps[0].produce.records[0].value: missing (expected a value (null for a tombstone))"],
    [
      "an unknown record field",
      withSteps({ produce: { topic: "orders", records: [{ key: "k", value: 1, ts: 5 }] } }),
      "steps[0].produce.records[0].ts: unknown field (expected one of key, value, timestamp, partition, headers)",
    ],
    ["a negative timestamp", withSteps({ produce: { topic: "orders", records: [{ value: 1, timestamp: -5 }] } }), "steps[0].produce.records[0].timestamp: expected a timestamp in ms (an integer ≥ 0), got -5"],
    ["a fractional partition", withSteps({ produce: { topic: "orders", records: [{ value: 1, partition: 1.5 }] } }), "steps[0].produce.records[0].partition: expected a partition number (an integer ≥ 0), got 1.5"],
    ["headers as an array", withSteps({ produce: { topic: "orders", records: [{ value: 1, headers: [] }] } }), 'steps[0].produce.records[0].headers: expected an object of header names to string values ({ "h": "v" }), got an array'],
    ["a numeric header value", withSteps({ produce: { topic: "orders", records: [{ value: 1, headers: { n: 1 } }] } }), "steps[0].produce.records[0].headers.n: expected a string or null, got 1"],
    ["bad acks", withSteps({ produce: { topic: "orders", records: [{ value: 1 }], acks: 2 } }), 'steps[0].produce.acks: expected one of 0, 1, -1, "all", got 2'],
    ["idempotent as text", withSteps({ produce: { topic: "orders", records: [{ value: 1 }], idempotent: "yes" } }), 'steps[0].produce.idempotent: expected true or false, got "yes"'],
    [
      "an unknown producer config",
      withSteps({ produce: { topic: "orders", records: [{ value: 1 }], config: { "linger.mss": 1 } } }),
      'steps[0].produce.config.linger.mss: INVALID_CONFIG: producer: unknown producer config "linger.mss" (did you mean "linger.ms"?)',
    ],
    [
      "idempotence with acks=1",
      withSteps({ produce: { topic: "orders", records: [{ value: 1 }], acks: 1, idempotent: true } }),
      "steps[0].produce: INVALID_CONFIG: producer: must set acks to all in order to use the idempotent producer (acks is 1); otherwise idempotence cannot be guaranteed",
    ],
    [
      "a transaction without idempotence",
      withSteps({ produce: { topic: "orders", records: [{ value: 1 }], idempotent: false, transactional: true } }),
      "steps[0].produce: INVALID_CONFIG: producer: cannot set a transactional.id without also enabling idempotence",
    ],
    [
      "acks set twice",
      withSteps({ produce: { topic: "orders", records: [{ value: 1 }], acks: 1, config: { acks: "1" } } }),
      'steps[0].produce.acks: set both here and as config "acks": use one of them',
    ],

    // The other verbs
    ["advance without ms", withSteps({ advance: {} }), "steps[0].advance.ms: missing (expected a duration in ms)"],
    ["advance backwards", withSteps({ advance: { ms: -1 } }), "steps[0].advance.ms: expected a duration in ms (an integer ≥ 0), got -1"],
    ["advance by text", withSteps({ advance: { ms: "5" } }), 'steps[0].advance.ms: expected a duration in ms (an integer ≥ 0), got "5"'],
    ["roll of an unknown topic", withSteps({ roll: { topic: "x" } }), 'steps[0].roll.topic: no topic "x"'],
    ["roll of a missing partition", withSteps({ roll: { topic: "orders", partition: 3 } }), 'steps[0].roll.partition: topic "orders" has 3 partitions (0–2), got 3'],
    ["clean of an unknown topic", withSteps({ clean: { topic: "x" } }), 'steps[0].clean.topic: no topic "x"'],
    ["clean with a partition", withSteps({ clean: { topic: "orders", partition: 0 } }), "steps[0].clean.partition: unknown field (expected one of topic)"],
    ["empty sql", withSteps({ sql: "" }), 'steps[0].sql: expected SQL statements (a non-empty string), got ""'],
    ["a topology without source", withSteps({ topology: { applicationId: "app" } }), "steps[0].topology.source: missing (expected TypeScript source)"],
    [
      "a bad streams config",
      withSteps({ topology: { applicationId: "app", source: "export default () => {}", config: { "processing.guarantee": "exactly_twice" } } }),
      'steps[0].topology.config.processing.guarantee: INVALID_CONFIG: streams application "app": invalid value "exactly_twice" for config "processing.guarantee": expected one of at_least_once, exactly_once_v2',
    ],
    [
      "a topology config with another application.id",
      withSteps({ topology: { applicationId: "app", source: "x", config: { "application.id": "other" } } }),
      'steps[0].topology.config.application.id: differs from "applicationId" ("app"); leave it out',
    ],
    ["join without topics", withSteps({ join: { groupId: "g", memberId: "m" } }), "steps[0].join.topics: missing (expected an array of topic names)"],
    ["join of an unknown topic", withSteps({ join: { groupId: "g", memberId: "m", topics: ["orders", "payments"] } }), 'steps[0].join.topics[1]: no topic "payments"'],
    ["join with an empty group id", withSteps({ join: { groupId: "", memberId: "m", topics: ["orders"] } }), 'steps[0].join.groupId: expected a group id (a non-empty string), got ""'],
    [
      "an unknown assignor",
      withSteps({ join: { groupId: "g", memberId: "m", topics: ["orders"], assignor: "random" } }),
      'steps[0].join.assignor: expected one of range, roundrobin, sticky, cooperative-sticky, got "random"',
    ],
    [
      "an unknown consumer config",
      withSteps({ join: { groupId: "g", memberId: "m", topics: ["orders"], config: { "auto.offset.rest": "earliest" } } }),
      'steps[0].join.config.auto.offset.rest: INVALID_CONFIG: consumer: unknown consumer config "auto.offset.rest" (did you mean "auto.offset.reset"?)',
    ],
    [
      "an assignor with the consumer protocol",
      withSteps({ join: { groupId: "g", memberId: "m", topics: ["orders"], assignor: "range", config: { "group.protocol": "consumer" } } }),
      'steps[0].join.assignor: INVALID_CONFIG: consumer: partition.assignment.strategy is not supported when group.protocol is "consumer" (the broker controls it)',
    ],
    ["leave without member", withSteps({ leave: { groupId: "g" } }), "steps[0].leave.memberId: missing (expected a member id)"],
    ["crash with extra fields", withSteps({ crash: { groupId: "g", memberId: "m", after: 5 } }), "steps[0].crash.after: unknown field (expected one of groupId, memberId)"],
    ["poll of zero records", withSteps({ poll: { groupId: "g", memberId: "m", max: 0 } }), "steps[0].poll.max: expected a record count (an integer ≥ 1), got 0"],
    ["commit of a malformed partition", withSteps({ commit: { groupId: "g", memberId: "m", offsets: { orders: 5 } } }), 'steps[0].commit.offsets.orders: expected a partition as "topic-partition", e.g. "orders-0", got "orders"'],
    ["commit of a missing partition", withSteps({ commit: { groupId: "g", memberId: "m", offsets: { "orders-0": 1, "orders-7": 1 } } }), 'steps[0].commit.offsets.orders-7: topic "orders" has 3 partitions (0–2), got 7'],
    ["commit of an unknown topic", withSteps({ commit: { groupId: "g", memberId: "m", offsets: { "payments-0": 1 } } }), 'steps[0].commit.offsets.payments-0: no topic "payments"'],
    ["a negative commit", withSteps({ commit: { groupId: "g", memberId: "m", offsets: { "orders-0": -1 } } }), "steps[0].commit.offsets.orders-0: expected an offset (an integer ≥ 0), got -1"],
    ["seek to a bad offset", withSteps({ seek: { groupId: "g", memberId: "m", partition: "orders-0", offset: "first" } }), 'steps[0].seek.offset: expected an offset (an integer ≥ 0), "earliest", "latest" or { "timestamp": ms }, got "first"'],
    ["seek to a time with a typo", withSteps({ seek: { groupId: "g", memberId: "m", partition: "orders-0", offset: { time: 5 } } }), "steps[0].seek.offset.time: unknown field (expected one of timestamp)"],
    ["seek to a negative time", withSteps({ seek: { groupId: "g", memberId: "m", partition: "orders-0", offset: { timestamp: -5 } } }), "steps[0].seek.offset.timestamp: expected a timestamp in ms (an integer ≥ 0), got -5"],
    ["seek on an unknown topic", withSteps({ seek: { groupId: "g", memberId: "m", partition: "payments-0", offset: 0 } }), 'steps[0].seek.partition: no topic "payments"'],
    ["restart with fields", withSteps({ restart: { now: true } }), "steps[0].restart.now: unknown field (this object takes no fields)"],
    ["restart as true", withSteps({ restart: true }), "steps[0].restart: expected {}, got true"],

    // expect
    ["expect of an unknown topic", { version: 1, topics: [orders], expect: { topics: { payments: [] } } }, 'expect.topics.payments: no topic "payments"'],
    ["expect with an unknown field", { version: 1, expect: { records: {} } }, "expect.records: unknown field (expected one of topics, groups)"],
    [
      "an expected record with an unknown field",
      { version: 1, topics: [orders], expect: { topics: { orders: [{ key: "k", vlaue: 1 }] } } },
      "expect.topics.orders[0].vlaue: unknown field (expected one of partition, offset, timestamp, key, value, headers)",
    ],
    ["expected records not an array", { version: 1, topics: [orders], expect: { topics: { orders: {} } } }, "expect.topics.orders: expected an array of records, got an object"],
    ["an unknown group state", { version: 1, expect: { groups: { g1: { state: "Rebalancing" } } } }, 'expect.groups.g1.state: expected one of Empty, PreparingRebalance, CompletingRebalance, Stable, Dead, got "Rebalancing"'],
    ["a malformed assignment", { version: 1, expect: { groups: { g1: { assignments: { m1: ["orders"] } } } } }, 'expect.groups.g1.assignments.m1[0]: expected a partition as "topic-partition", e.g. "orders-0", got "orders"'],
    ["a negative lag", { version: 1, expect: { groups: { g1: { lag: { "orders-0": -1 } } } } }, "expect.groups.g1.lag.orders-0: expected a lag (an integer ≥ 0), got -1"],
    ["a quoted key in a path", { version: 1, expect: { groups: { "my group": { state: "Stable", x: 1 } } } }, 'expect.groups["my group"].x: unknown field (expected one of state, generation, assignments, committed, lag)'],
  ];

  it.each(cases)("%s", (_name, doc, message) => {
    expect(errorOf(doc)).toBe(message);
  });
});

describe("valid scenarios", () => {
  it("parse into typed steps with their paths", () => {
    const scenario = parseScenario({
      version: 1,
      name: "Compaction",
      description: "Keeps the **latest** value",
      clock: { start: 1_700_000_000_000 },
      topics: [{ name: "customers", partitions: 1, replicationFactor: 1, config: { "cleanup.policy": "compact", "segment.bytes": 1024 } }],
      steps: [
        { produce: { topic: "customers", records: [{ key: "K1", value: "V1", timestamp: 1000, partition: 0, headers: { h: "v" } }, { key: "K1", value: null }, { value: { n: 1 } }] } },
        { advance: { ms: 60000 } },
        { roll: { topic: "customers" } },
        { clean: { topic: "customers" } },
        { restart: {} },
      ],
      expect: { topics: { customers: [{ partition: 0, offset: 1, key: "K1", value: null }] } },
    });
    const expected: Scenario = {
      version: 1,
      name: "Compaction",
      description: "Keeps the **latest** value",
      clock: { start: 1_700_000_000_000 },
      topics: [{ name: "customers", partitions: 1, replicationFactor: 1, config: { "cleanup.policy": "compact", "segment.bytes": 1024 } }],
      steps: [
        {
          verb: "produce",
          index: 0,
          path: "steps[0]",
          args: {
            topic: "customers",
            records: [{ key: "K1", value: "V1", timestamp: 1000, partition: 0, headers: { h: "v" } }, { key: "K1", value: null }, { value: { n: 1 } }],
          },
        },
        { verb: "advance", index: 1, path: "steps[1]", args: { ms: 60000 } },
        { verb: "roll", index: 2, path: "steps[2]", args: { topic: "customers" } },
        { verb: "clean", index: 3, path: "steps[3]", args: { topic: "customers" } },
        { verb: "restart", index: 4, path: "steps[4]", args: {} },
      ],
      expect: { topics: { customers: [{ partition: 0, offset: 1, key: "K1", value: null }] } },
    };
    expect(scenario).toEqual(expected);
  });

  it("default what they leave out: clock 0, no topics, no steps, one partition per topic", () => {
    expect(parseScenario({ version: 1 })).toEqual({ version: 1, clock: { start: 0 }, topics: [], steps: [] });
    expect(parseScenario({ version: 1, topics: [{ name: "t" }] }).topics).toEqual([{ name: "t", partitions: 1, replicationFactor: 1, config: {} }]);
  });

  it("accept every group verb in SCENARIO.md's table", () => {
    const scenario = parseScenario(
      withSteps(
        { join: { groupId: "g1", memberId: "m1", topics: ["orders"], assignor: "cooperative-sticky", config: { "auto.offset.reset": "earliest", "session.timeout.ms": 10000 } } },
        { poll: { groupId: "g1", memberId: "m1", max: 10 } },
        { commit: { groupId: "g1", memberId: "m1" } },
        { commit: { groupId: "g1", memberId: "m1", offsets: { "orders-0": 5 } } },
        { seek: { groupId: "g1", memberId: "m1", partition: "orders-2", offset: "earliest" } },
        { seek: { groupId: "g1", memberId: "m1", partition: "orders-2", offset: 7 } },
        { crash: { groupId: "g1", memberId: "m1" } },
        { leave: { groupId: "g1", memberId: "m1" } },
        { seek: { groupId: "g1", memberId: "m1", partition: "orders-2", offset: { timestamp: 1000 } } },
      ),
    );
    expect(scenario.steps.map((s) => s.verb)).toEqual(["join", "poll", "commit", "commit", "seek", "seek", "crash", "leave", "seek"]);
    expect(scenario.steps[8]?.args).toEqual({ groupId: "g1", memberId: "m1", partition: "orders-2", offset: { timestamp: 1000 } });
    expect(scenario.steps[0]?.args).toEqual({
      groupId: "g1",
      memberId: "m1",
      topics: ["orders"],
      assignor: "cooperative-sticky",
      config: { "auto.offset.reset": "earliest", "session.timeout.ms": 10000 },
    });
    expect(scenario.steps[5]?.args).toEqual({ groupId: "g1", memberId: "m1", partition: "orders-2", offset: 7 });
  });

  it("accept the producer flags with a matching config", () => {
    const scenario = parseScenario(withSteps({ produce: { topic: "orders", records: [{ value: 1 }], acks: "all", idempotent: true, transactional: true, config: { "linger.ms": 0 } } }));
    expect(scenario.steps[0]?.args).toEqual({ topic: "orders", records: [{ value: 1 }], acks: "all", idempotent: true, transactional: true, config: { "linger.ms": 0 } });
  });

  it("leave topics created by sql or topology steps to be checked when the step runs", () => {
    const scenario = parseScenario({
      version: 1,
      topics: [orders],
      steps: [
        { sql: "CREATE STREAM big_orders AS SELECT * FROM orders WHERE qty > 10;" },
        { produce: { topic: "BIG_ORDERS", records: [{ value: 1, partition: 9 }] } },
        { produce: { topic: "orders", records: [{ value: 1, partition: 2 }] } },
      ],
      expect: { topics: { BIG_ORDERS: [] } },
    });
    expect(scenario.steps).toHaveLength(3);
    // Declared topics stay checked after such a step.
    expect(errorOf(withSteps({ topology: { applicationId: "a", source: "x" } }, { roll: { topic: "orders", partition: 7 } }))).toBe(
      'steps[1].roll.partition: topic "orders" has 3 partitions (0–2), got 7',
    );
    // ... and steps before it are checked as usual.
    expect(errorOf(withSteps({ roll: { topic: "BIG_ORDERS" } }, { sql: "CREATE STREAM …" }))).toBe('steps[0].roll.topic: no topic "BIG_ORDERS"');
  });

  it("leave undeclared topics to the engine when a data directory may hold them", () => {
    const doc = { version: 1, steps: [{ produce: { topic: "old", records: [{ value: 1 }] } }] };
    expect(errorOf(doc)).toBe('steps[0].produce.topic: no topic "old"');
    expect(parseScenario(doc, { topicsMayExist: true }).steps).toHaveLength(1);
  });
});

describe("checking a step against the engine's topics", () => {
  it("uses the same messages as the validator", () => {
    const scenario = parseScenario({ version: 1, steps: [{ sql: "x" }, { produce: { topic: "new", records: [{ value: 1 }, { value: 2, partition: 4 }] } }] });
    const step = scenario.steps[1];
    if (step === undefined) throw new Error("no step");
    expect(() => checkStepTopics(step, () => undefined)).toThrow('steps[1].produce.topic: no topic "new"');
    expect(() => checkStepTopics(step, () => 4)).toThrow('steps[1].produce.records[1].partition: topic "new" has 4 partitions (0–3), got 4');
    expect(() => checkStepTopics(step, () => 5)).not.toThrow();
  });
});

describe("scenario files", () => {
  it("report JSON syntax errors with file, line and column", () => {
    expect(() => parseScenarioText('{\n  "version": 1\n  "steps": []\n}', "s.json")).toThrow(
      `s.json:3:3: invalid JSON: unexpected "\\"", expected ',' or '}'`,
    );
    expect(() => parseScenarioText("", "empty.json")).toThrow("empty.json:1:1: invalid JSON: unexpected end of input, expected a value");
  });

  it("accept a byte order mark at the start", () => {
    expect(parseScenarioText('\ufeff{"version":1}', "s.json").version).toBe(1);
  });

  it("parse valid text", () => {
    expect(parseScenarioText('{"version":1}', "s.json")).toEqual({ version: 1, clock: { start: 0 }, topics: [], steps: [] });
  });
});

describe("odd names", () => {
  it('keep a "__proto__" key as an ordinary entry', () => {
    const doc = JSON.parse('{"version":1,"topics":[{"name":"__proto__"}],"steps":[{"produce":{"topic":"__proto__","records":[{"value":1,"headers":{"__proto__":"x"}}]}}],"expect":{"topics":{"__proto__":[]}}}');
    const scenario = parseScenario(doc);
    const step = scenario.steps[0];
    if (step?.verb !== "produce") throw new Error("no produce step");
    expect(Object.keys(step.args.records[0]?.headers ?? {})).toEqual(["__proto__"]);
    expect(Object.keys(scenario.expect?.topics ?? {})).toEqual(["__proto__"]);
  });
});
