import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { main } from "../../examples/kafkajs-style";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("examples/kafkajs-style.ts", () => {
  it("creates a topic, produces, consumes with a group of two and prints assignments and lag", async () => {
    const lines: string[] = [];
    await main((line) => lines.push(line));
    expect(lines[0]).toMatch(/^produced 12 orders: /);
    const owns = lines.filter((l) => / owns /.test(l));
    expect(owns).toHaveLength(2);
    // Between them the two members own each of the 4 partitions once and consumed all 12 orders.
    const partitions = owns.flatMap((l) => l.match(/orders-\d/g) ?? []).sort();
    expect(partitions).toEqual(["orders-0", "orders-1", "orders-2", "orders-3"]);
    expect(owns.map((l) => Number(/consumed (\d+)/.exec(l)![1])).reduce((a, b) => a + b)).toBe(12);
    expect(lines.filter((l) => / joined/.test(l))).toHaveLength(2);
    const table = lines.slice(lines.findIndex((l) => l.startsWith("GROUP")) + 1);
    expect(table).toHaveLength(4);
    const rows = table.map((l) => l.split(/\s+/));
    // Three more orders arrived while the group was away: 3 of lag in total, committed + lag = log end.
    expect(rows.map((r) => Number(r[5])).reduce((a, b) => a + b)).toBe(3);
    for (const r of rows) expect(Number(r[3]) + Number(r[5])).toBe(Number(r[4]));
  });

  it("runs with npx tsx and prints the same every time", async () => {
    const lines: string[] = [];
    await main((line) => lines.push(line));
    const tsx = `${root}node_modules/.bin/tsx`;
    const { stdout } = await promisify(execFile)(tsx, ["examples/kafkajs-style.ts"], { cwd: root, timeout: 60_000 });
    expect(stdout.trimEnd().split("\n")).toEqual(lines);
  });
});
