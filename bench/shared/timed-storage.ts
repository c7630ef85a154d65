/**
 * A Storage that passes every call through and adds up the time spent in the open files'
 * write, flush and read calls, so a benchmark can say how much of a produce request went
 * to the disk, measured in the very run it reports (two `performance.now()` readings per
 * call are the whole overhead).
 */
import type { Storage, StorageFile } from "../../workers/storage/storage";

export interface StorageTimes {
  writeMs: number;
  writes: number;
  flushMs: number;
  flushes: number;
  readMs: number;
  reads: number;
}

export function noStorageTimes(): StorageTimes {
  return { writeMs: 0, writes: 0, flushMs: 0, flushes: 0, readMs: 0, reads: 0 };
}

class TimedFile implements StorageFile {
  constructor(
    private readonly inner: StorageFile,
    private readonly times: () => StorageTimes,
  ) {}

  get path(): string {
    return this.inner.path;
  }

  size(): number {
    return this.inner.size();
  }

  read(position: number, length: number): Uint8Array {
    const start = performance.now();
    try {
      return this.inner.read(position, length);
    } finally {
      const t = this.times();
      t.readMs += performance.now() - start;
      t.reads++;
    }
  }

  write(position: number, data: Uint8Array): void {
    const start = performance.now();
    try {
      this.inner.write(position, data);
    } finally {
      const t = this.times();
      t.writeMs += performance.now() - start;
      t.writes++;
    }
  }

  truncate(size: number): void {
    this.inner.truncate(size);
  }

  flush(): void {
    const start = performance.now();
    try {
      this.inner.flush();
    } finally {
      const t = this.times();
      t.flushMs += performance.now() - start;
      t.flushes++;
    }
  }

  close(): void {
    this.inner.close();
  }
}

export class TimedStorage implements Storage {
  private times = noStorageTimes();

  constructor(private readonly inner: Storage) {}

  get kind(): Storage["kind"] {
    return this.inner.kind;
  }

  /** The times added up since the last call, and a fresh start. */
  takeTimes(): StorageTimes {
    const taken = this.times;
    this.times = noStorageTimes();
    return taken;
  }

  async open(path: string, options?: { create?: boolean }): Promise<StorageFile> {
    return new TimedFile(await this.inner.open(path, options), () => this.times);
  }

  exists(path: string): Promise<boolean> {
    return this.inner.exists(path);
  }

  list(dir: string): Promise<string[]> {
    return this.inner.list(dir);
  }

  remove(path: string): Promise<void> {
    return this.inner.remove(path);
  }

  rename(from: string, to: string): Promise<void> {
    return this.inner.rename(from, to);
  }

  mkdir(dir: string): Promise<void> {
    return this.inner.mkdir(dir);
  }
}
