#!/usr/bin/env node
/**
 * Interoperability check: streamlab writes segment files through the real runner
 * (`--data-dir`), then kafka-python's own RecordBatch decoder reads them back and compares
 * every batch (CRC, offsets) and record (key, value, headers, timestamp) with what the
 * runner says it stored. Run by `npm test`; exits non-zero on any difference.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const python = process.env.STREAMLAB_PYTHON ?? "/usr/bin/python3";
const work = mkdtempSync(join(tmpdir(), "streamlab-interop-"));

const records = (n, make) => Array.from({ length: n }, (_, i) => make(i));
const scenario = {
  version: 1,
  name: "segments for an independent decoder",
  clock: { start: 1700000000000 },
  topics: [
    // Small segments: many rolls, index entries every 256 bytes.
    { name: "events", partitions: 3, config: { "segment.bytes": 2048, "index.interval.bytes": 256 } },
    { name: "customers", partitions: 1, config: { "cleanup.policy": "compact", "segment.bytes": 600 } },
    { name: "stamped", partitions: 1, config: { "message.timestamp.type": "LogAppendTime" } },
  ],
  steps: [
    {
      produce: {
        topic: "events",
        // Batches must fit a segment, as on a real broker (RECORD_LIST_TOO_LARGE otherwise).
        config: { "batch.size": 700 },
        records: records(300, (i) => ({
          key: i % 7 === 0 ? undefined : `user-${i % 23}`,
          value: i % 11 === 0 ? null : `event ${i} ünïcödé`,
          timestamp: 1700000000000 + i * 10,
          ...(i % 5 === 0 ? { headers: { trace: `t-${i}`, source: "interop" } } : {}),
        })).map((r) => (r.key === undefined ? Object.fromEntries(Object.entries(r).filter(([field]) => field !== "key")) : r)),
      },
    },
    { advance: { ms: 1000 } },
    {
      produce: {
        topic: "customers",
        config: { "batch.size": 200 },
        records: records(60, (i) => ({ key: `K${i % 9}`, value: i === 40 ? null : `V${i}` })),
      },
    },
    { roll: { topic: "customers" } },
    { produce: { topic: "customers", records: [{ key: "K-last", value: "after the roll" }] } },
    { clean: { topic: "customers" } },
    { produce: { topic: "stamped", records: records(20, (i) => ({ key: `s${i}`, value: `stamped ${i}`, timestamp: 1 })) } },
    { restart: {} },
    { produce: { topic: "events", records: records(30, (i) => ({ key: `after-${i}`, value: `post-restart ${i}` })) } },
  ],
};

try {
  const scenarioPath = join(work, "scenario.json");
  const dataDir = join(work, "data");
  writeFileSync(scenarioPath, JSON.stringify(scenario, null, 2));
  const run = spawnSync(process.execPath, [join(root, "bin/streamlab.mjs"), "run", scenarioPath, "--data-dir", dataDir, "--dump", "events,customers,stamped"], {
    encoding: "utf8",
  });
  if (run.status !== 0) {
    process.stderr.write(`interop: the runner failed (exit ${run.status}):\n${run.stderr}`);
    process.exit(1);
  }
  const manifest = {};
  const asText = (v) => (v === null || typeof v === "string" ? v : JSON.stringify(v));
  for (const line of run.stdout.trim().split("\n")) {
    const r = JSON.parse(line);
    const key = `${r.topic}-${r.partition}`;
    (manifest[key] ??= []).push({
      offset: r.offset,
      timestamp: r.timestamp,
      key: asText(r.key),
      value: asText(r.value),
      headers: Object.entries(r.headers ?? {}),
    });
  }
  const manifestPath = join(work, "manifest.json");
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 1));
  const count = Object.values(manifest).reduce((n, rs) => n + rs.length, 0);
  process.stdout.write(`interop: streamlab wrote ${count} records in ${Object.keys(manifest).length} partitions; decoding with kafka-python\n`);
  const check = spawnSync(python, [join(root, "scripts/interop/decode_segments.py"), dataDir, manifestPath], { stdio: "inherit", env: process.env });
  process.exit(check.status ?? 1);
} finally {
  rmSync(work, { recursive: true, force: true });
}
