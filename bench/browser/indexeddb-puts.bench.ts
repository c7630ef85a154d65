/**
 * The naive baseline: each record an IndexedDB put (key = offset, value = the record's
 * bytes), 1000 puts per readwrite transaction, each transaction awaited before the next,
 * as a log built on IndexedDB would commit. The broker on OPFS has to beat this by far.
 */
import type { Benchmark, BenchOptions, Row } from "../harness";
import { KiB, formatBytes, formatCount, throughputRow } from "../harness";

const STORE = "records";
const PER_TRANSACTION = 1000;

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error("IndexedDB request failed"));
  });
}

function openDatabase(name: string): Promise<IDBDatabase> {
  const req = indexedDB.open(name, 1);
  req.onupgradeneeded = () => req.result.createObjectStore(STORE);
  return request(req);
}

function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error("IndexedDB transaction failed"));
    tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
  });
}

async function timePuts(records: number, recordSize: number, durability: IDBTransactionDurability): Promise<number> {
  const name = `bench-idb-${recordSize}-${durability}`;
  const db = await openDatabase(name);
  // Distinct values, reused round-robin: IndexedDB clones each one on put anyway.
  const values = Array.from({ length: 64 }, (_, v) => {
    const value = new Uint8Array(recordSize);
    for (let i = 0; i < recordSize; i++) value[i] = (i * 7 + v) & 0xff;
    return value;
  });
  try {
    const start = performance.now();
    for (let offset = 0; offset < records; ) {
      const tx = db.transaction(STORE, "readwrite", { durability });
      const store = tx.objectStore(STORE);
      const end = Math.min(records, offset + PER_TRANSACTION);
      for (; offset < end; offset++) store.put(values[offset % values.length], offset);
      await committed(tx);
    }
    return performance.now() - start;
  } finally {
    db.close();
    await request(indexedDB.deleteDatabase(name));
  }
}

async function run(options: BenchOptions): Promise<Row[]> {
  const scale = options.quick ? 10 : 1;
  const cases: Array<{ records: number; recordSize: number; durability: IDBTransactionDurability }> = [
    { records: 1_000_000 / scale, recordSize: 100, durability: "default" },
    { records: 200_000 / scale, recordSize: KiB, durability: "default" },
    // Strict waits for the disk on every commit; a tenth of the records says enough.
    { records: 100_000 / scale, recordSize: 100, durability: "strict" },
  ];
  const rows: Row[] = [];
  for (const c of cases) {
    const label = `${formatCount(c.records)} × ${formatBytes(c.recordSize)}`;
    options.progress(`puts, ${label}, durability ${c.durability}`);
    const ms = await timePuts(c.records, c.recordSize, c.durability);
    rows.push(
      throughputRow(`put per record, ${label}`, {
        ms,
        records: c.records,
        bytes: c.records * c.recordSize,
        notes: `${PER_TRANSACTION} per transaction · durability "${c.durability}" · ${formatCount(c.records / PER_TRANSACTION)} commits · one run`,
      }),
    );
  }
  return rows;
}

const benchmark: Benchmark = { name: "indexeddb-puts", run };
export default benchmark;
