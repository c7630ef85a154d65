/**
 * The platform limit for the log: raw sequential `FileSystemSyncAccessHandle.write()` into
 * one OPFS file, for the byte volumes of 1,000,000 × 100-B and 200,000 × 1-KiB records.
 * No codec, no broker: whatever the broker reaches on OPFS is measured against this.
 * records/s counts records of the stated size that fit in the bytes written.
 */
import type { Benchmark, BenchOptions, Row } from "../harness";
import { KiB, MiB, formatBytes, formatCount, formatDuration, throughputRow, timeMedian } from "../harness";

/** The OPFS API of a dedicated worker, which TypeScript's DOM library does not declare. */
interface SyncAccessHandle {
  write(buffer: Uint8Array, options?: { at?: number }): number;
  truncate(size: number): void;
  flush(): void;
  close(): void;
}

const DIR = "bench-opfs-writes";

async function benchDir(): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(DIR, { create: true });
}

async function openHandle(dir: FileSystemDirectoryHandle, name: string): Promise<SyncAccessHandle> {
  const file = await dir.getFileHandle(name, { create: true });
  return (file as unknown as { createSyncAccessHandle(): Promise<SyncAccessHandle> }).createSyncAccessHandle();
}

interface WritePlan {
  volume: number;
  chunk: number;
  /** Flush after every this many bytes; never when undefined. */
  flushEvery?: number;
  /** Size the file to the full volume before the timed writes. */
  preallocate?: boolean;
}

/** Median time (after one unmeasured run) of writing `plan.volume` bytes in `plan.chunk`-byte calls, and the call counts. */
async function timeWrites(plan: WritePlan, repeats: number): Promise<{ ms: number; writes: number; flushes: number }> {
  const dir = await benchDir();
  const handle = await openHandle(dir, "segment.log");
  const chunk = new Uint8Array(plan.chunk);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31) & 0xff;
  let writes = 0;
  let flushes = 0;
  try {
    const ms = await timeMedian(
      () => {
        writes = 0;
        flushes = 0;
        let sinceFlush = 0;
        for (let at = 0; at < plan.volume; at += plan.chunk) {
          const n = Math.min(plan.chunk, plan.volume - at);
          handle.write(n === plan.chunk ? chunk : chunk.subarray(0, n), { at });
          writes++;
          sinceFlush += n;
          if (plan.flushEvery !== undefined && sinceFlush >= plan.flushEvery) {
            handle.flush();
            flushes++;
            sinceFlush = 0;
          }
        }
        if (plan.flushEvery !== undefined && sinceFlush > 0) {
          handle.flush();
          flushes++;
        }
      },
      {
        repeats,
        prepare: () => {
          handle.truncate(0);
          if (plan.preallocate) handle.truncate(plan.volume);
          handle.flush();
        },
      },
    );
    return { ms, writes, flushes };
  } finally {
    handle.close();
    await dir.removeEntry("segment.log");
  }
}

interface Volume {
  label: string;
  records: number;
  recordSize: number;
}

async function volumeRows(v: Volume, repeats: number, options: BenchOptions): Promise<Row[]> {
  const bytes = v.records * v.recordSize;
  const plans: Array<{ name: string; plan: WritePlan }> = [
    { name: "16 KiB writes", plan: { volume: bytes, chunk: 16 * KiB } },
    { name: "16 KiB writes, flush per MiB", plan: { volume: bytes, chunk: 16 * KiB, flushEvery: MiB } },
    { name: "16 KiB writes, preallocated", plan: { volume: bytes, chunk: 16 * KiB, preallocate: true } },
    { name: "1 MiB writes", plan: { volume: bytes, chunk: MiB } },
  ];
  const rows: Row[] = [];
  for (const { name, plan } of plans) {
    options.progress(`${name}, ${v.label}`);
    const { ms, writes, flushes } = await timeWrites(plan, repeats);
    // With flushes in the loop, a per-write figure would hide where the time went.
    const cost = flushes > 0 ? `${formatCount(flushes)} flushes · ${formatDuration(ms / flushes)} per MiB committed` : `${formatDuration(ms / writes)}/write`;
    rows.push(
      throughputRow(`${name}, ${v.label}`, {
        ms,
        records: v.records,
        bytes,
        notes: `${formatBytes(bytes)} · ${formatCount(writes)} writes · ${cost}`,
      }),
    );
  }
  return rows;
}

/** What writing record by record would cost: the per-call price dominates small writes. */
async function perRecordRows(options: BenchOptions): Promise<Row[]> {
  const records = options.quick ? 20_000 : 100_000;
  const flushed = options.quick ? 500 : 2_000;
  options.progress("100-B writes, one per record");
  const perWrite = await timeWrites({ volume: records * 100, chunk: 100 }, 1);
  options.progress("100-B writes, flush per record");
  const perFlush = await timeWrites({ volume: flushed * 100, chunk: 100, flushEvery: 100 }, 1);
  return [
    throughputRow("100-B writes, one call per record", {
      ms: perWrite.ms,
      records,
      bytes: records * 100,
      notes: `${formatCount(records)} writes · ${formatDuration(perWrite.ms / records)}/write`,
    }),
    throughputRow("100-B writes, flush after each", {
      ms: perFlush.ms,
      records: flushed,
      bytes: flushed * 100,
      notes: `${formatCount(flushed)} commits · ${formatDuration(perFlush.ms / flushed)}/commit`,
    }),
  ];
}

async function run(options: BenchOptions): Promise<Row[]> {
  const scale = options.quick ? 10 : 1;
  const repeats = 3;
  const volumes: Volume[] = [
    { label: `${formatCount(1_000_000 / scale)} × 100 B`, records: 1_000_000 / scale, recordSize: 100 },
    { label: `${formatCount(200_000 / scale)} × 1 KiB`, records: 200_000 / scale, recordSize: KiB },
  ];
  const rows: Row[] = [];
  try {
    for (const v of volumes) rows.push(...(await volumeRows(v, repeats, options)));
    rows.push(...(await perRecordRows(options)));
  } finally {
    const root = await navigator.storage.getDirectory();
    await root.removeEntry(DIR, { recursive: true });
  }
  return rows;
}

const benchmark: Benchmark = { name: "opfs-writes", run };
export default benchmark;
