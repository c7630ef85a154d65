/**
 * One open handle per file, on every backend. OPFS grants a single sync access handle per
 * file and will not rename or remove a file while it is open; memory and node-fs would
 * allow all of it, so a log bug that opened a segment twice would pass every Node test and
 * break only in the browser. The table makes all three storages refuse the same things,
 * and {@link GuardedFile} applies the rest of the `StorageFile` contract (no use after
 * close, non-negative integer positions, short reads at the end, empty writes change
 * nothing) once, in front of each backend's raw file.
 */
import type { StorageFile } from "./storage";
import { illegalFileState } from "./storage-errors";
import { isWithin } from "./storage-path";

/** What a backend supplies for one open file; {@link GuardedFile} has already checked the arguments. */
export interface RawFile {
  size(): number;
  /** `position + length <= size()` and `length > 0`. */
  read(position: number, length: number): Uint8Array;
  /** `data.length > 0`; a position past the end zero-fills the gap. */
  write(position: number, data: Uint8Array): void;
  /** Shrinks, or grows with zeros. */
  truncate(size: number): void;
  flush(): void;
  close(): void;
}

export class OpenFileTable {
  /** `null` marks an open still in progress (the backend is awaiting its handle). */
  private readonly entries = new Map<string, GuardedFile | null>();

  /**
   * Reserve `path` before the first await of an open, so that two concurrent opens of the
   * same file cannot both get through.
   */
  claim(path: string): void {
    if (this.entries.has(path)) {
      throw illegalFileState(path, "already open in this storage; close it first (one handle per file)");
    }
    this.entries.set(path, null);
  }

  /** Drop a claim whose open failed. */
  unclaim(path: string): void {
    if (this.entries.get(path) === null) this.entries.delete(path);
  }

  /** Turn a claim into the open handle callers get. */
  bind(path: string, raw: RawFile): StorageFile {
    const file = new GuardedFile(path, raw, (closed) => {
      if (this.entries.get(path) === closed) this.entries.delete(path);
    });
    this.entries.set(path, file);
    return file;
  }

  assertClosed(path: string, operation: string): void {
    if (this.entries.has(path)) throw illegalFileState(path, `cannot ${operation} it while it is open; close it first`);
  }

  /** Refuse to touch a directory (or "" for everything) while any file in it is open. */
  assertNoneOpenWithin(dir: string, operation: string): void {
    for (const path of this.entries.keys()) {
      if (isWithin(path, dir)) {
        throw illegalFileState(path, `cannot ${operation} "${dir}" while this file in it is open; close it first`);
      }
    }
  }

  /**
   * Forget every open handle without closing or flushing its backend file, as a crash
   * would; the abandoned handles refuse any further use.
   */
  abandonAll(): void {
    for (const file of this.entries.values()) file?.abandon();
    this.entries.clear();
  }
}

class GuardedFile implements StorageFile {
  private closed = false;

  constructor(
    readonly path: string,
    private readonly raw: RawFile,
    private readonly onClose: (file: GuardedFile) => void,
  ) {}

  size(): number {
    this.checkOpen("size");
    return this.raw.size();
  }

  read(position: number, length: number): Uint8Array {
    this.checkOpen("read");
    this.checkCount("read position", position);
    this.checkCount("read length", length);
    const n = Math.min(length, this.raw.size() - position);
    return n > 0 ? this.raw.read(position, n) : new Uint8Array(0);
  }

  write(position: number, data: Uint8Array): void {
    this.checkOpen("write");
    this.checkCount("write position", position);
    if (data.length === 0) return;
    this.checkCount("write end", position + data.length);
    this.raw.write(position, data);
  }

  truncate(size: number): void {
    this.checkOpen("truncate");
    this.checkCount("truncate size", size);
    this.raw.truncate(size);
  }

  flush(): void {
    this.checkOpen("flush");
    this.raw.flush();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
    this.raw.close();
  }

  abandon(): void {
    this.closed = true;
  }

  private checkOpen(operation: string): void {
    if (this.closed) throw illegalFileState(this.path, `${operation} after close`);
  }

  private checkCount(what: string, n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new RangeError(`${what} ${n} for file "${this.path}" must be a non-negative safe integer`);
    }
  }
}
