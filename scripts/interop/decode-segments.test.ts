import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// kafka-python comes from Debian (python3-kafka), importable by the system interpreter.
const python = process.env.STREAMLAB_PYTHON ?? "/usr/bin/python3";
const here = fileURLToPath(new URL(".", import.meta.url));
const decoder = join(here, "decode_segments.py");
const fixture = join(here, "kafka_python_fixture.py");

let work: string;
let pristine: string;
let caseNumber = 0;

interface Run {
  status: number | null;
  output: string;
  result: { passed: number; failed: number } | undefined;
}

function decode(logDir: string, manifest: string, extra: string[] = []): Run {
  const resultPath = join(work, `result-${caseNumber++}.json`);
  const run = spawnSync(python, [decoder, ...extra, "--result", resultPath, logDir, manifest], { encoding: "utf8" });
  let result: Run["result"];
  try {
    result = JSON.parse(readFileSync(resultPath, "utf8"));
  } catch {
    result = undefined;
  }
  return { status: run.status, output: `${run.stdout}${run.stderr}`, result };
}

/** A fresh copy of the fixture that a test may damage. */
function copy(): { logs: string; manifest: string } {
  const dir = join(work, `case-${caseNumber++}`);
  cpSync(pristine, dir, { recursive: true });
  return { logs: join(dir, "logs"), manifest: join(dir, "manifest.json") };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "streamlab-interop-"));
  pristine = join(work, "pristine");
  const made = spawnSync(python, [fixture, join(pristine, "logs"), join(pristine, "manifest.json")], { encoding: "utf8" });
  if (made.status !== 0) throw new Error(`fixture failed (${python}): ${made.stderr}`);
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe("decode_segments.py against segments built by kafka-python", () => {
  it("passes every partition of an untouched log", () => {
    const run = decode(join(pristine, "logs"), join(pristine, "manifest.json"));
    expect(run.output).toContain("ok   orders-0: 3 batches, 7 records");
    expect(run.output).toContain("ok   orders-1: 1 batches, 2 records");
    expect(run.status).toBe(0);
    expect(run.result).toEqual({ passed: 2, failed: 0 });
  });

  it("fails a batch whose bytes changed under its CRC", () => {
    const { logs, manifest } = copy();
    const path = join(logs, "orders-0", "00000000000000000000.log");
    const bytes = readFileSync(path);
    const at = bytes.indexOf("v1b");
    expect(at).toBeGreaterThan(0);
    bytes[at + 2] = "c".charCodeAt(0);
    writeFileSync(path, bytes);
    const run = decode(logs, manifest);
    expect(run.status).toBe(1);
    expect(run.output).toMatch(/FAIL orders-0[\s\S]*batch at position 0 \(base offset 0\) fails its CRC-32C check/);
    expect(run.output).toContain('value expected "v1b", found "v1c"');
    expect(run.output).toContain("ok   orders-1");
    expect(run.result).toEqual({ passed: 1, failed: 1 });
  });

  it("prints each record that differs from the manifest", () => {
    const { logs, manifest } = copy();
    const expected = JSON.parse(readFileSync(manifest, "utf8"));
    expected["orders-0"][1].value = "v2x";
    expected["orders-0"][2].headers = [["trace", "b"]];
    expected["orders-1"].push({ offset: 2, timestamp: 7, key: "k", value: "v", headers: [] });
    writeFileSync(manifest, JSON.stringify(expected));
    const run = decode(logs, manifest);
    expect(run.status).toBe(1);
    expect(run.output).toContain('record #1 (offset 1): value expected "v2x", found "v2"');
    expect(run.output).toContain('headers expected [["trace", "b"]], found [["trace", "b"], ["empty", null]]');
    expect(run.output).toContain('missing record: offset 2 key="k" value="v"');
    expect(run.result).toEqual({ passed: 0, failed: 2 });
  });

  it("reports a torn tail", () => {
    const { logs, manifest } = copy();
    const path = join(logs, "orders-1", "00000000000000000000.log");
    truncateSync(path, readFileSync(path).length - 5);
    const run = decode(logs, manifest);
    expect(run.status).toBe(1);
    expect(run.output).toContain("batch at position 0 declares length");
    expect(run.output).toContain("torn or corrupt tail");
  });

  it("reports a batch whose offsets overlap the previous one", () => {
    const { logs, manifest } = copy();
    const path = join(logs, "orders-0", "00000000000000000005.log");
    const bytes = readFileSync(path);
    bytes.writeBigInt64BE(3n, 0); // the base offset lies outside the CRC, so only the offset checks can see this
    writeFileSync(path, bytes);
    const run = decode(logs, manifest);
    expect(run.status).toBe(1);
    expect(run.output).toContain("starts below the segment's base offset 5");
    expect(run.output).toContain("overlaps the previous batch, which ended at offset 4");
  });

  it("reports index entries that would send a lookup to the wrong place", () => {
    const { logs, manifest } = copy();
    const index = join(logs, "orders-0", "00000000000000000000.index");
    const bytes = readFileSync(index);
    bytes.writeInt32BE(7, 12); // second entry's position: not where a batch starts
    writeFileSync(index, bytes);
    const timeindex = join(logs, "orders-0", "00000000000000000000.timeindex");
    const times = readFileSync(timeindex);
    times.writeBigInt64BE(999n, 12); // second entry goes back in time
    writeFileSync(timeindex, times);
    const run = decode(logs, manifest);
    expect(run.status).toBe(1);
    expect(run.output).toContain("00000000000000000000.index entry 1 (offset 4 -> position 7): no batch starts at that position");
    expect(run.output).toContain("00000000000000000000.timeindex entry 1 (timestamp 999 -> offset 4) does not follow");
    expect(decode(logs, manifest, ["--no-index"]).status).toBe(0);
  });

  it("reports a partition missing from the log directory", () => {
    const { logs, manifest } = copy();
    rmSync(join(logs, "orders-1"), { recursive: true });
    const run = decode(logs, manifest);
    expect(run.status).toBe(1);
    expect(run.output).toContain("FAIL orders-1");
    expect(run.output).toContain("no partition directory");
    expect(run.result).toEqual({ passed: 1, failed: 1 });
  });

  it("refuses bad usage with exit code 2", () => {
    const run = spawnSync(python, [decoder, "only-one-argument"], { encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("usage: decode_segments.py");
  });
});
