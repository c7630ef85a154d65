/**
 * The broker in Node, in process: durable produce (every produce request appended and
 * flushed before it is acknowledged, five requests in flight), read-back in 1 MiB
 * fetches, and one forced cleaning pass over a million keyed records, on MemoryStorage
 * (the engine alone) and on NodeFsStorage in a temp dir (flush = fsync).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Broker } from "../../workers/broker/broker";
import { MemoryStorage } from "../../workers/storage/memory-storage";
import { NodeFsStorage } from "../../workers/storage/node-fs-storage";
import type { Storage } from "../../workers/storage/storage";
import type { Benchmark, BenchOptions, Row } from "../harness";
import { formatBytes, formatCount, formatDuration, throughputRow, timeMedian } from "../harness";
import {
  KIB_RECORDS,
  SMALL_RECORDS,
  countRecords,
  createBenchTopic,
  describeWorkload,
  fillCompactedTopic,
  produceWorkload,
  produceWindowed,
  readBack,
  requestPool,
  startBenchBroker,
  workloadBytes,
} from "../shared/broker-load";
import type { ProduceWorkload, RecordShape } from "../shared/broker-load";
import { TimedStorage } from "../shared/timed-storage";
import type { StorageTimes } from "../shared/timed-storage";

const WINDOW = 5;
const POOL = 16;

interface Backend {
  label: string;
  storage: () => Storage;
  /** Repeats of a produce run (fsync-bound runs take seconds each). */
  produceRepeats: (w: ProduceWorkload) => number;
  cleanup: () => void;
}

function backends(quick: boolean): Backend[] {
  const dir = mkdtempSync(join(tmpdir(), "streamlab-bench-broker-"));
  return [
    { label: "memory", storage: () => new MemoryStorage(), produceRepeats: () => 3, cleanup: () => {} },
    {
      label: "node-fs",
      storage: () => new NodeFsStorage(dir),
      // One fsync per request: thousands of small requests take many seconds per run.
      produceRepeats: (w) => (quick || w.batchesPerRequest > 1 ? 3 : 1),
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    },
  ];
}

let topicSeq = 0;

/** Median produce time of the workload on a fresh topic per run; the last run's topic is left for read-back. */
async function timeProduce(broker: Broker, storage: TimedStorage, w: ProduceWorkload, repeats: number): Promise<{ ms: number; bytes: number; topic: string; io: StorageTimes }> {
  const pool = requestPool(w, POOL);
  const bytes = workloadBytes(w, pool);
  let topic = "";
  const ms = await timeMedian(
    () =>
      produceWindowed(w.requests, WINDOW, pool, async (buffer) => {
        await broker.produce(topic, 0, new Uint8Array(buffer));
        return buffer;
      }),
    {
      repeats,
      prepare: async () => {
        if (topic !== "") await broker.deleteTopic(topic);
        topic = `produce-${topicSeq++}`;
        await createBenchTopic(broker, topic);
        storage.takeTimes();
      },
    },
  );
  // The last run's: the one timed after the others.
  return { ms, bytes, topic, io: storage.takeTimes() };
}

async function shapeRows(backend: Backend, broker: Broker, storage: TimedStorage, shape: RecordShape, records: number, options: BenchOptions): Promise<Row[]> {
  const rows: Row[] = [];
  let last: { topic: string } | undefined;
  for (const batchesPerRequest of [1, 64]) {
    const w = produceWorkload(shape, records, batchesPerRequest);
    options.progress(`${backend.label}: produce ${formatCount(w.records)} × ${shape.label}, ${batchesPerRequest} batch(es) per request`);
    const repeats = backend.produceRepeats(w);
    const { ms, bytes, topic, io } = await timeProduce(broker, storage, w, repeats);
    const requestBytes = bytes / w.requests;
    rows.push(
      throughputRow(`${backend.label}: durable produce, ${shape.label} records, ${formatBytes(Math.round(requestBytes))} requests`, {
        ms,
        records: w.records,
        bytes,
        notes:
          `${describeWorkload(w, Math.round(requestBytes))} · ${WINDOW} in flight · group commit · ${formatDuration(ms / w.requests)}/request, ` +
          `last run's storage calls per request: flush ${formatDuration(io.flushMs / w.requests)}, writes ${formatDuration(io.writeMs / w.requests)}${repeats === 1 ? " · one run" : ""}`,
      }),
    );
    if (last) await broker.deleteTopic(last.topic);
    last = { topic };
  }
  if (last) {
    const topic = last.topic;
    options.progress(`${backend.label}: read back ${shape.label} records in 1 MiB fetches`);
    let got = { records: 0, bytes: 0, fetches: 0 };
    const ms = await timeMedian(
      async () => {
        got = await readBack((offset, maxBytes) => broker.fetch(topic, 0, offset, maxBytes), 0);
      },
      { repeats: 3 },
    );
    rows.push(
      throughputRow(`${backend.label}: fetch, ${shape.label} records, 1 MiB fetches`, {
        ms,
        records: got.records,
        bytes: got.bytes,
        notes: `${formatCount(got.records)} records · ${formatCount(got.fetches)} fetches · ${formatDuration(ms / got.fetches)}/fetch`,
      }),
    );
    await broker.deleteTopic(topic);
  }
  return rows;
}

async function compactionRow(backend: Backend, broker: Broker, records: number, keys: number, options: BenchOptions): Promise<Row> {
  let setup = { records: 0, keys: 0, segments: 0, bytes: 0 };
  let topic = "";
  const ms = await timeMedian(() => broker.cleanTopic(topic), {
    repeats: 2,
    prepare: async () => {
      if (topic !== "") await broker.deleteTopic(topic);
      topic = `compacted-${topicSeq++}`;
      options.progress(`${backend.label}: fill a compacted topic with ${formatCount(records)} records`);
      setup = await fillCompactedTopic(broker, topic, records, keys);
      options.progress(`${backend.label}: clean`);
    },
  });
  const left = await countRecords(broker, topic);
  await broker.deleteTopic(topic);
  return throughputRow(`${backend.label}: compaction, one forced pass, ${formatCount(setup.records)} × 100 B`, {
    ms,
    records: setup.records,
    bytes: setup.bytes,
    notes: `${formatDuration(ms)} · ${formatCount(keys)} keys · ${setup.segments} closed segments (${formatBytes(setup.bytes)}) → ${formatCount(left)} records`,
  });
}

async function run(options: BenchOptions): Promise<Row[]> {
  const scale = options.quick ? 10 : 1;
  const rows: Row[] = [];
  const list = backends(options.quick);
  try {
    for (const backend of list) {
      const storage = new TimedStorage(backend.storage());
      const broker = await startBenchBroker(storage);
      try {
        rows.push(...(await shapeRows(backend, broker, storage, SMALL_RECORDS, 1_000_000 / scale, options)));
        rows.push(...(await shapeRows(backend, broker, storage, KIB_RECORDS, 200_000 / scale, options)));
        rows.push(await compactionRow(backend, broker, options.quick ? 200_000 : 1_000_000, 10_000, options));
      } finally {
        await broker.shutdown();
      }
    }
  } finally {
    for (const backend of list) backend.cleanup();
  }
  return rows;
}

const benchmark: Benchmark = { name: "broker", run };
export default benchmark;
