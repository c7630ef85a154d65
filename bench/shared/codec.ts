/**
 * CRC-32C and RecordBatch v2 throughput, shared by the Node benchmark and the one in a
 * Chromium worker: the engine runs in both, and the gap between them is part of what the
 * tables are for. Batches hold about 16 KiB of records, the size a Kafka producer fills
 * by default (batch.size = 16384), with the inputs built beforehand so only the codec is
 * timed.
 */
import { crc32c } from "../../workers/log/crc32c";
import { decodeRecords, encodeBatch, validateBatch } from "../../workers/log/record-batch";
import type { RecordInput } from "../../workers/log/record-batch";
import type { Benchmark, BenchOptions, Row } from "../harness";
import { KiB, MiB, formatBytes, formatCount, throughputRow, timeMedian } from "../harness";

/** 10-byte key + 90-byte value: the "100-byte record" of every table. */
const KEY_BYTES = 10;
const VALUE_BYTES = 90;
const RECORDS_PER_BATCH = 150;
const BASE_TIMESTAMP = 1_700_000_000_000;

function filled(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 131 + seed * 7 + (i >>> 3)) & 0xff;
  return out;
}

function asciiKey(n: number): Uint8Array {
  const text = `k${String(n).padStart(KEY_BYTES - 1, "0")}`;
  const out = new Uint8Array(KEY_BYTES);
  for (let i = 0; i < KEY_BYTES; i++) out[i] = text.charCodeAt(i);
  return out;
}

function batchInputs(batch: number): RecordInput[] {
  const records: RecordInput[] = [];
  for (let i = 0; i < RECORDS_PER_BATCH; i++) {
    const n = batch * RECORDS_PER_BATCH + i;
    records.push({ key: asciiKey(n % 10_000), value: filled(VALUE_BYTES, n), timestamp: BASE_TIMESTAMP + n });
  }
  return records;
}

/** Results land here (module state outlives the loop) so no engine drops the work as dead code. */
export let sink = 0;

function crcRow(bufferSize: number, totalBytes: number, repeats: number): Promise<Row> {
  const buf = filled(bufferSize, bufferSize);
  const rounds = Math.max(1, Math.round(totalBytes / bufferSize));
  return timeMedian(
    () => {
      for (let i = 0; i < rounds; i++) sink ^= crc32c(buf);
    },
    { repeats },
  ).then((ms) =>
    throughputRow(`crc32c over ${formatBytes(bufferSize)} buffers`, { ms, bytes: rounds * bufferSize, notes: `${formatBytes(rounds * bufferSize)} per run` }),
  );
}

export async function runCodecBenchmark(options: BenchOptions): Promise<Row[]> {
  const totalRecords = options.quick ? 200_000 : 1_000_000;
  const crcBytes = options.quick ? 32 * MiB : 256 * MiB;
  const repeats = options.quick ? 3 : 5;
  const batches = Math.ceil(totalRecords / RECORDS_PER_BATCH);
  const records = batches * RECORDS_PER_BATCH;
  const rows: Row[] = [];

  options.progress("crc32c");
  rows.push(await crcRow(16 * KiB, crcBytes, repeats));
  rows.push(await crcRow(MiB, crcBytes, repeats));

  // A few distinct input batches, cycled, so encode sees varied bytes without the inputs
  // for a million records sitting in memory.
  const inputs = Array.from({ length: 16 }, (_, b) => batchInputs(b));
  const encoded: Uint8Array[] = new Array(batches);
  options.progress(`encodeBatch ${formatCount(records)} records`);
  const encodeMs = await timeMedian(
    () => {
      for (let b = 0; b < batches; b++) encoded[b] = encodeBatch({ baseOffset: b * RECORDS_PER_BATCH, records: inputs[b % inputs.length] as RecordInput[] });
    },
    { repeats },
  );
  const encodedBytes = encoded.reduce((sum, batch) => sum + batch.length, 0);
  const perBatch = `${RECORDS_PER_BATCH} records, ~${formatBytes(Math.round(encodedBytes / batches))} per batch`;
  rows.push(throughputRow("encodeBatch, 100-B records", { ms: encodeMs, records, bytes: encodedBytes, notes: perBatch }));

  options.progress(`validateBatch ${formatCount(records)} records`);
  const validateMs = await timeMedian(
    () => {
      for (let b = 0; b < batches; b++) sink ^= validateBatch(encoded[b] as Uint8Array).crc;
    },
    { repeats },
  );
  rows.push(throughputRow("validateBatch (CRC + header), 100-B records", { ms: validateMs, records, bytes: encodedBytes, notes: perBatch }));

  options.progress(`validateBatch + decodeRecords ${formatCount(records)} records`);
  const decodeMs = await timeMedian(
    () => {
      for (let b = 0; b < batches; b++) {
        const batch = encoded[b] as Uint8Array;
        validateBatch(batch);
        const decoded = decodeRecords(batch);
        sink ^= decoded.length ^ (decoded[decoded.length - 1]?.offset ?? 0);
      }
    },
    { repeats },
  );
  rows.push(throughputRow("validateBatch + decodeRecords, 100-B records", { ms: decodeMs, records, bytes: encodedBytes, notes: perBatch }));

  return rows;
}

export const codecBenchmark: Benchmark = { name: "codec", run: runCodecBenchmark };
