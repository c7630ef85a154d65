import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const bin = join(repo, "bin", "streamlab.mjs");
const dir = mkdtempSync(join(tmpdir(), "streamlab-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real executable, as `npx streamlab …` does, from the repository root. */
function streamlab(...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: repo }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

let files = 0;
function scenarioFile(content: unknown): string {
  const file = join(dir, `scenario-${files++}.json`);
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return file;
}

describe("usage", () => {
  it("--help prints the commands on stdout and exits 0", async () => {
    const r = await streamlab("--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: streamlab <command> \[options\]\n/);
    expect(r.stdout).toContain("  run  run a scenario file headless");
  });

  it("run --help prints the run options", async () => {
    const r = await streamlab("run", "--help");
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe("Usage: streamlab run FILE [--dump TOPIC[,TOPIC…]] [--groups] [--check] [--data-dir DIR]");
  });

  it("bad usage exits 2 with a message and the usage line on stderr", async () => {
    const none = await streamlab();
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^Usage: streamlab <command>/);

    const unknown = await streamlab("walk");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^streamlab: unknown command "walk"\n/);

    const missing = await streamlab("run");
    expect(missing).toEqual({
      code: 2,
      stdout: "",
      stderr: "streamlab run: missing FILE\nUsage: streamlab run FILE [--dump TOPIC[,TOPIC…]] [--groups] [--check] [--data-dir DIR]\n",
    });

    const option = await streamlab("run", "x.json", "--dumb", "orders");
    expect(option.code).toBe(2);
    expect(option.stderr.split("\n")[0]).toBe("streamlab run: unknown option --dumb");

    const noValue = await streamlab("run", "x.json", "--dump");
    expect(noValue.code).toBe(2);
    expect(noValue.stderr.split("\n")[0]).toBe("streamlab run: option --dump needs a value");
  });
});

describe("invalid scenarios exit 2 with the JSON path, never a stack", () => {
  it("a file that does not exist", async () => {
    const file = join(dir, "nope.json");
    const r = await streamlab("run", file);
    expect(r).toEqual({ code: 2, stdout: "", stderr: `streamlab run: cannot read ${JSON.stringify(file)}: no such file\n` });
  });

  it("a file that is not JSON", async () => {
    const file = scenarioFile('{\n  "version": 1,\n  "steps": [,]\n}');
    const r = await streamlab("run", file);
    expect(r).toEqual({ code: 2, stdout: "", stderr: `${file}:3:13: invalid JSON: unexpected ",", expected a value\n` });
  });

  it("a step naming a topic that does not exist", async () => {
    const file = scenarioFile({
      version: 1,
      topics: [{ name: "customers", partitions: 1 }],
      steps: [{ advance: { ms: 1 } }, { advance: { ms: 1 } }, { advance: { ms: 1 } }, { produce: { topic: "orders", records: [{ value: 1 }] } }],
    });
    const r = await streamlab("run", file, "--dump", "customers");
    expect(r).toEqual({ code: 2, stdout: "", stderr: 'steps[3].produce.topic: no topic "orders"\n' });
  });

  it("a misspelt field", async () => {
    const file = scenarioFile({
      version: 1,
      topics: [{ name: "orders", partitions: 3 }],
      steps: [{ advance: { ms: 1 } }, { produce: { topic: "orders", recordz: [] } }],
    });
    const r = await streamlab("run", file);
    expect(r).toEqual({
      code: 2,
      stdout: "",
      stderr: "steps[1].produce.recordz: unknown field (expected one of topic, records, config, acks, idempotent, transactional)\n",
    });
  });

  it("a bad topic config", async () => {
    const file = scenarioFile({ version: 1, topics: [{ name: "orders", config: { "segment.bytes": "tiny" } }] });
    const r = await streamlab("run", file, "--check");
    expect(r).toEqual({
      code: 2,
      stdout: "",
      stderr: 'topics[0].config.segment.bytes: INVALID_CONFIG: topic "orders": invalid value "tiny" for config "segment.bytes": expected an integer between 14 and 2147483647\n',
    });
  });
});

describe("runs on the real engine", () => {
  const orders = { name: "orders", partitions: 3 };

  it("prints the dumped records by partition then offset, keys partitioned by murmur2", async () => {
    const file = scenarioFile({
      version: 1,
      clock: { start: 1_700_000_000_000 },
      topics: [orders, { name: "audit", partitions: 1 }],
      steps: [
        {
          produce: {
            topic: "orders",
            records: [
              // murmur2 puts "K1" in partition 2 of 3, "K2" in 1 and "foobar" in 0 (KAFKA-SEMANTICS.md 4.1).
              { key: "K1", value: "V1" },
              { key: "K2", value: { qty: 3 }, headers: { source: "web" } },
              { key: "foobar", value: "17", timestamp: 1_699_999_999_000 },
              { key: "K1", value: null },
              { key: 42, value: [1, "x"], partition: 0 },
            ],
          },
        },
        { advance: { ms: 5000 } },
        { produce: { topic: "audit", records: [{ key: "K2", value: '"quoted"' }] } },
      ],
    });
    const r = await streamlab("run", file, "--dump", "orders,audit");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        '{"topic":"orders","partition":0,"offset":0,"timestamp":1699999999000,"key":"foobar","value":17}',
        '{"topic":"orders","partition":0,"offset":1,"timestamp":1700000000000,"key":42,"value":[1,"x"]}',
        '{"topic":"orders","partition":1,"offset":0,"timestamp":1700000000000,"key":"K2","value":{"qty":3},"headers":{"source":"web"}}',
        '{"topic":"orders","partition":2,"offset":0,"timestamp":1700000000000,"key":"K1","value":"V1"}',
        '{"topic":"orders","partition":2,"offset":1,"timestamp":1700000000000,"key":"K1","value":null}',
        '{"topic":"audit","partition":0,"offset":0,"timestamp":1700000005000,"key":"K2","value":"\\"quoted\\""}',
        "",
      ].join("\n"),
    );
  });

  it("--check exits 0 when the run matches expect and 1 with a diff when it does not", async () => {
    const steps = [
      { produce: { topic: "orders", records: [{ key: "K1", value: "V1" }, { key: "K1", value: "17" }] } },
      { roll: { topic: "orders", partition: 2 } },
      { restart: {} },
    ];
    const pass = await streamlab(
      "run",
      scenarioFile({ version: 1, topics: [orders], steps, expect: { topics: { orders: [{ partition: 2, offset: 0, key: "K1", value: "V1" }, { offset: 1, value: 17 }] } } }),
      "--check",
    );
    expect(pass).toEqual({ code: 0, stdout: "", stderr: "" });

    const fail = await streamlab(
      "run",
      scenarioFile({ version: 1, topics: [orders], steps, expect: { topics: { orders: [{ key: "K1", value: "V2" }] } } }),
      "--check",
    );
    expect(fail).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "check failed: 3 differences\n" +
        '  expect.topics.orders: topic "orders": expected 1 record, found 2\n' +
        '  expect.topics.orders[0].value: topic "orders" record 0 (partition 2, offset 0): value: expected "V2", got "V1"\n' +
        '  expect.topics.orders: topic "orders" record 1: unexpected (partition 2, offset 1, key "K1", value 17)\n',
    });
  });

  it("--data-dir keeps Kafka's log.dirs layout, and a second run starts from it", async () => {
    const dataDir = join(dir, "data");
    const first = await streamlab(
      "run",
      scenarioFile({ version: 1, topics: [orders], steps: [{ produce: { topic: "orders", records: [{ key: "K1", value: "V1" }] } }] }),
      "--data-dir",
      dataDir,
    );
    expect(first).toEqual({ code: 0, stdout: "", stderr: "" });
    const { readdirSync } = await import("node:fs");
    expect(readdirSync(dataDir).filter((n) => n.startsWith("orders-")).sort()).toEqual(["orders-0", "orders-1", "orders-2"]);
    expect(readdirSync(join(dataDir, "orders-2"))).toContain("00000000000000000000.log");

    // The topic is not declared again: it is already in the data directory.
    const second = await streamlab(
      "run",
      scenarioFile({ version: 1, steps: [{ produce: { topic: "orders", records: [{ key: "K1", value: "V2" }] } }] }),
      "--data-dir",
      dataDir,
      "--dump",
      "orders",
    );
    expect(second.stderr).toBe("");
    expect(second.stdout.trim().split("\n").map((l) => JSON.parse(l).value)).toEqual(["V1", "V2"]);
  });

  it("runs consumer groups: poll lines for each poll step, then one --groups line per group", async () => {
    const r = await streamlab(
      "run",
      scenarioFile({
        version: 1,
        clock: { start: 1000 },
        topics: [orders],
        steps: [
          { produce: { topic: "orders", records: [{ key: "a", value: 1, partition: 0 }, { key: "b", value: "two", partition: 0 }, { key: "c", value: 3, partition: 2 }] } },
          { join: { groupId: "g1", memberId: "m1", topics: ["orders"], assignor: "range", config: { "auto.offset.reset": "earliest", "enable.auto.commit": false } } },
          { join: { groupId: "g1", memberId: "m2", topics: ["orders"], assignor: "range", config: { "auto.offset.reset": "earliest", "enable.auto.commit": false } } },
          { poll: { groupId: "g1", memberId: "m1", max: 1 } },
          { commit: { groupId: "g1", memberId: "m1" } },
          { poll: { groupId: "g1", memberId: "m2" } },
        ],
      }),
      "--groups",
    );
    expect(r).toEqual({
      code: 0,
      stdout:
        '{"poll":{"groupId":"g1","memberId":"m1"},"topic":"orders","partition":0,"offset":0,"timestamp":1000,"key":"a","value":1}\n' +
        '{"poll":{"groupId":"g1","memberId":"m2"},"topic":"orders","partition":2,"offset":0,"timestamp":1000,"key":"c","value":3}\n' +
        '{"group":"g1","state":"Stable","generation":2,"assignments":{"m1":["orders-0","orders-1"],"m2":["orders-2"]},"committed":{"orders-0":1,"orders-1":0},"lag":{"orders-0":1,"orders-1":0}}\n',
      stderr: "",
    });
  });

  it("a topic dumped that does not exist exits 2", async () => {
    const r = await streamlab("run", scenarioFile({ version: 1, topics: [orders] }), "--dump", "orders,payments");
    expect(r).toEqual({ code: 2, stdout: "", stderr: '--dump: no topic "payments"\n' });
  });
});
