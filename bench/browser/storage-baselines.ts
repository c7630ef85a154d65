/**
 * The two baselines the broker on OPFS is judged against, measured in the same run and on
 * the same bytes: raw sequential `FileSystemSyncAccessHandle.write()` calls into one file
 * (no codec, no broker: the platform's limit), and the naive log on IndexedDB (one put per
 * record, 1000 puts per transaction, each transaction awaited).
 */
import { timeMedian } from "../harness";

interface SyncAccessHandle {
  write(buffer: Uint8Array, options?: { at?: number }): number;
  truncate(size: number): void;
  flush(): void;
  close(): void;
}

/** When the raw writer calls flush(): never, after every write, or after this many bytes. */
export type FlushPolicy = "never" | "each-write" | number;

/**
 * Median time of writing `writes` buffers from `pool` (cycled) back to back into a fresh
 * OPFS file under `dirName`, flushing as `flush` says. The directory is removed afterwards.
 */
export async function timeRawOpfsWrites(dirName: string, pool: readonly ArrayBuffer[], writes: number, flush: FlushPolicy, repeats: number): Promise<{ ms: number; flushes: number }> {
  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle(dirName, { create: true });
  const views = pool.map((b) => new Uint8Array(b));
  let flushes = 0;
  try {
    const file = await dir.getFileHandle("segment.log", { create: true });
    const handle = await (file as unknown as { createSyncAccessHandle(): Promise<SyncAccessHandle> }).createSyncAccessHandle();
    try {
      const ms = await timeMedian(
        () => {
          flushes = 0;
          let at = 0;
          let dirty = 0;
          for (let i = 0; i < writes; i++) {
            const view = views[i % views.length] as Uint8Array;
            handle.write(view, { at });
            at += view.length;
            dirty += view.length;
            if (flush === "each-write" || (typeof flush === "number" && dirty >= flush)) {
              handle.flush();
              flushes++;
              dirty = 0;
            }
          }
          if (flush !== "never" && dirty > 0) {
            handle.flush();
            flushes++;
          }
        },
        {
          repeats,
          prepare: () => {
            handle.truncate(0);
            handle.flush();
          },
        },
      );
      return { ms, flushes };
    } finally {
      handle.close();
    }
  } finally {
    await root.removeEntry(dirName, { recursive: true });
  }
}

const STORE = "records";

function settled<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error("IndexedDB request failed"));
  });
}

function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error("IndexedDB transaction failed"));
    tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
  });
}

/**
 * Time of putting `records` values of `recordSize` bytes (key = offset), `perTransaction`
 * per readwrite transaction with the default durability, each committed before the next
 * starts. One run: at IndexedDB's pace a million records take most of a minute.
 */
export async function timeIndexedDbPuts(name: string, records: number, recordSize: number, perTransaction: number): Promise<number> {
  const open = indexedDB.open(name, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE);
  const db = await settled(open);
  // A few distinct values, reused: put clones each one anyway.
  const values = Array.from({ length: 32 }, (_, v) => {
    const value = new Uint8Array(recordSize);
    for (let i = 0; i < recordSize; i++) value[i] = (i * 13 + v) & 0xff;
    return value;
  });
  try {
    const start = performance.now();
    for (let offset = 0; offset < records; ) {
      const tx = db.transaction(STORE, "readwrite");
      const store = tx.objectStore(STORE);
      const end = Math.min(records, offset + perTransaction);
      for (; offset < end; offset++) store.put(values[offset % values.length], offset);
      await committed(tx);
    }
    return performance.now() - start;
  } finally {
    db.close();
    await settled(indexedDB.deleteDatabase(name));
  }
}
