/**
 * The sql verb through the CLI's entry: statements run on the engine, a failed statement
 * is reported as SCENARIO.md asks, queries go on across a restart and across runs on the
 * same data directory (the command topic is replayed).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../cli";

const dir = mkdtempSync(join(tmpdir(), "streamlab-sql-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
async function run(scenario: unknown, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = join(dir, `s${n++}.json`);
  writeFileSync(file, JSON.stringify(scenario));
  let stdout = "";
  let stderr = "";
  const code = await main(["run", file, ...args], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const lines = (out: string) => out.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as { key: unknown; value: unknown; offset: number });

describe("the sql verb", () => {
  it("reports a syntax error with the step, the statement's number and first words, line and column", async () => {
    const r = await run({
      version: 1,
      topics: [{ name: "orders", partitions: 1 }],
      steps: [{ sql: "CREATE STREAM orders_s (id VARCHAR KEY, amount INT) WITH (kafka_topic='orders', value_format='JSON');\nCREATE STREAM big_orders AS\n  SELEKT * FROM orders_s;" }],
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("steps[0].sql statement 2 (CREATE STREAM big_orders …): 3:3: unexpected 'SELEKT', expected SELECT; did you mean SELECT?\n");
  });

  it("reports a statement that parses but cannot run, with the position of the fault", async () => {
    const r = await run({
      version: 1,
      topics: [],
      steps: [
        { sql: "CREATE STREAM a (v INT) WITH (kafka_topic='a', value_format='JSON', partitions=1);" },
        { sql: "CREATE STREAM b AS SELECT v FROM a;\nCREATE STREAM c AS SELECT w FROM a;" },
      ],
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("steps[1].sql statement 2 (CREATE STREAM c …): 2:27: SELECT column 'W' cannot be resolved.\n");
  });

  it("keeps queries running across a restart step and across runs on the same data directory", async () => {
    const dataDir = join(dir, "data");
    const first = await run(
      {
        version: 1,
        topics: [{ name: "words", partitions: 1 }],
        steps: [
          { sql: "CREATE STREAM words_s (w VARCHAR) WITH (kafka_topic='words', value_format='JSON'); CREATE TABLE counts AS SELECT w, COUNT(*) AS n FROM words_s GROUP BY w;" },
          { produce: { topic: "words", records: [{ value: { W: "a" } }, { value: { W: "b" } }] } },
          { restart: {} },
          { produce: { topic: "words", records: [{ value: { W: "a" } }] } },
        ],
      },
      "--dump",
      "COUNTS",
      "--data-dir",
      dataDir,
    );
    expect(first.stderr).toBe("");
    expect(lines(first.stdout).map((r) => [r.key, r.value])).toEqual([
      ["a", { N: 1 }],
      ["b", { N: 1 }],
      ["a", { N: 2 }],
    ]);
    const second = await run(
      { version: 1, topics: [{ name: "words", partitions: 1 }], steps: [{ produce: { topic: "words", records: [{ value: { W: "b" } }] } }] },
      "--dump",
      "COUNTS",
      "--data-dir",
      dataDir,
    );
    expect(second.stderr).toBe("");
    expect(lines(second.stdout).map((r) => [r.key, r.value])).toEqual([
      ["a", { N: 1 }],
      ["b", { N: 1 }],
      ["a", { N: 2 }],
      ["b", { N: 2 }],
    ]);
  });

  it("the two slide typos of the talks' demo stop the run at their position, as ksqlDB would", async () => {
    const truck =
      "CREATE STREAM truck_position_s (ts VARCHAR, truckId VARCHAR, driverId BIGINT, routeId BIGINT, eventType VARCHAR, latitude DOUBLE, longitude DOUBLE, correlationId VARCHAR) WITH (kafka_topic='truck_position', value_format='DELIMITED');";
    const driver = "CREATE TABLE driver_t (id BIGINT, first_name VARCHAR, last_name VARCHAR, available VARCHAR) WITH (kafka_topic='trucking_driver', value_format='JSON', key='id');";
    const topics = [
      { name: "truck_position", partitions: 1 },
      { name: "trucking_driver", partitions: 1 },
    ];
    // The join's ON names the stream being created, which no source provides.
    const join = await run({
      version: 1,
      topics,
      steps: [
        { sql: `${truck}\n${driver}` },
        {
          sql: "CREATE STREAM dangerous_driving_and_driver_s WITH (kafka_topic='dangerous_driving_and_driver_s', value_format='JSON') AS SELECT driverId, first_name, last_name, truckId, routeId, eventtype FROM truck_position_s LEFT JOIN driver_t ON dangerous_driving_and_driver_s.driverId = driver_t.id;",
        },
      ],
    });
    expect(join.code).toBe(2);
    expect(join.stderr).toBe("steps[1].sql statement 1 (CREATE STREAM dangerous_driving_and_driver_s …): 1:234: JOIN ON column 'DANGEROUS_DRIVING_AND_DRIVER_S.DRIVERID' cannot be resolved.\n");
    // kafka_topic= dangerous_driving_s' lost its opening quote: the quotes pair up wrongly until the last one.
    const quote = await run({
      version: 1,
      topics,
      steps: [{ sql: truck }, { sql: "CREATE STREAM dangerous_driving_s WITH (kafka_topic= dangerous_driving_s', value_format='JSON') AS SELECT * FROM truck_position_s WHERE eventtype != 'Normal';" }],
    });
    expect(quote.code).toBe(2);
    expect(quote.stderr).toMatch(/^steps\[1\]\.sql statement 1 \(CREATE STREAM dangerous_driving_s …\): 1:157: unterminated string literal/);
  });
});
