/**
 * Storage on the Origin Private File System, for the broker worker in the browser. Only a
 * dedicated worker gets `FileSystemSyncAccessHandle`, whose synchronous read and write
 * keep the append path free of awaits; everything else (handles, listing, removal,
 * renames) is asynchronous here as it is in the platform. This file only maps the Storage
 * interface onto OPFS calls: the contract checks live in the shared open-file table.
 *
 * OPFS grants one sync handle per file per origin. A second one fails with
 * `NoModificationAllowedError`, which after a crash is only transient (the platform frees
 * a dead worker's handles 6–9 ms later), so opening retries briefly before concluding that
 * another tab owns the files.
 */
import { KafkaError } from "../protocol/errors";
import type { Storage, StorageFile } from "./storage";
import { OpenFileTable } from "./open-file-table";
import type { RawFile } from "./open-file-table";
import { isADirectory, noSuchFile, notADirectory, storageFailure } from "./storage-errors";
import { dirPathNames, filePathNames, isWithin, joinNames } from "./storage-path";

/** The parts of the OPFS API used here that TypeScript's DOM library does not declare. */
interface SyncAccessHandle {
  read(buffer: Uint8Array, options?: { at?: number }): number;
  write(buffer: Uint8Array, options?: { at?: number }): number;
  getSize(): number;
  truncate(size: number): void;
  flush(): void;
  close(): void;
}

interface WorkerFileHandle {
  createSyncAccessHandle(): Promise<SyncAccessHandle>;
  move?(parent: FileSystemDirectoryHandle, name: string): Promise<void>;
}

interface ListableDirectory {
  keys(): AsyncIterable<string>;
}

function syncAccess(handle: FileSystemFileHandle): WorkerFileHandle {
  return handle as unknown as WorkerFileHandle;
}

function domErrorName(e: unknown): string | undefined {
  const name = (e as { name?: unknown } | null)?.name;
  return typeof name === "string" ? name : undefined;
}

export interface OpfsStorageOptions {
  /**
   * Waits in milliseconds between attempts to open a file whose handle is still held;
   * once they run out the open fails with STORAGE_LOCKED.
   */
  lockRetryDelaysMs?: readonly number[];
}

const DEFAULT_LOCK_RETRY_DELAYS_MS = [2, 4, 8, 16, 32];
const COPY_CHUNK = 1024 * 1024;

class OpfsFile implements RawFile {
  constructor(
    private readonly handle: SyncAccessHandle,
    private readonly path: string,
  ) {}

  size(): number {
    return this.io("size", () => this.handle.getSize());
  }

  read(position: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = this.io("read", () => this.handle.read(out.subarray(done), { at: position + done }));
      if (n === 0) break;
      done += n;
    }
    return done === length ? out : out.subarray(0, done);
  }

  write(position: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) {
      const n = this.io("write", () => this.handle.write(data.subarray(done), { at: position + done }));
      if (n === 0) throw storageFailure("write", this.path, new Error(`no progress at byte ${position + done}`));
      done += n;
    }
  }

  truncate(size: number): void {
    this.io("truncate", () => this.handle.truncate(size));
  }

  flush(): void {
    this.io("flush", () => this.handle.flush());
  }

  close(): void {
    this.io("close", () => this.handle.close());
  }

  private io<T>(operation: string, call: () => T): T {
    try {
      return call();
    } catch (e) {
      throw storageFailure(operation, this.path, e);
    }
  }
}

/** How a directory lookup treats a file standing where a directory should be. */
type DirLookup = "create" | "find" | "probe";

export class OpfsStorage implements Storage {
  readonly kind = "opfs" as const;
  private readonly openFiles = new OpenFileTable();
  /** Directory handles by path: each lookup is an async round trip to the browser. */
  private readonly dirs = new Map<string, FileSystemDirectoryHandle>();
  private readonly lockRetryDelaysMs: readonly number[];

  /** Storage rooted at `rootDirName` (made if missing) in this origin's private file system. */
  static async open(rootDirName = "streamlab", options: OpfsStorageOptions = {}): Promise<OpfsStorage> {
    let dir = await navigator.storage.getDirectory();
    for (const name of dirPathNames(rootDirName)) dir = await dir.getDirectoryHandle(name, { create: true });
    return new OpfsStorage(dir, options);
  }

  constructor(root: FileSystemDirectoryHandle, options: OpfsStorageOptions = {}) {
    this.dirs.set("", root);
    this.lockRetryDelaysMs = options.lockRetryDelaysMs ?? DEFAULT_LOCK_RETRY_DELAYS_MS;
  }

  async open(path: string, options: { create?: boolean } = {}): Promise<StorageFile> {
    const names = filePathNames(path);
    const create = options.create === true;
    this.openFiles.claim(path);
    try {
      const parent = await this.dir(names.slice(0, -1), create ? "create" : "find");
      if (parent === undefined) throw noSuchFile(path);
      const handle = await this.fileHandle(parent, names[names.length - 1] as string, path, create);
      if (handle === undefined) throw noSuchFile(path);
      return this.openFiles.bind(path, new OpfsFile(await this.accessHandle(handle, path), path));
    } catch (e) {
      this.openFiles.unclaim(path);
      throw e;
    }
  }

  async exists(path: string): Promise<boolean> {
    const names = dirPathNames(path);
    if (names.length === 0) return true;
    const parent = await this.dir(names.slice(0, -1), "probe");
    if (parent === undefined) return false;
    try {
      await parent.getFileHandle(names[names.length - 1] as string);
      return true;
    } catch (e) {
      const name = domErrorName(e);
      if (name === "TypeMismatchError") return true;
      if (name === "NotFoundError") return false;
      throw storageFailure("look up", path, e);
    }
  }

  async list(dir: string): Promise<string[]> {
    const handle = await this.dir(dirPathNames(dir), "find");
    if (handle === undefined) return [];
    const names: string[] = [];
    for await (const name of (handle as unknown as ListableDirectory).keys()) names.push(name);
    return names.sort();
  }

  async remove(path: string): Promise<void> {
    const names = dirPathNames(path);
    this.openFiles.assertNoneOpenWithin(path, "remove");
    const parent = names.length === 0 ? undefined : await this.dir(names.slice(0, -1), "probe");
    try {
      if (names.length === 0) {
        for (const name of await this.list("")) await this.removeEntry(this.root, name);
      } else if (parent !== undefined) {
        await this.removeEntry(parent, names[names.length - 1] as string);
      }
    } catch (e) {
      if (e instanceof KafkaError) throw e;
      throw storageFailure("remove", path, e);
    } finally {
      for (const key of this.dirs.keys()) if (key !== "" && isWithin(key, path)) this.dirs.delete(key);
    }
  }

  async rename(from: string, to: string): Promise<void> {
    const fromNames = filePathNames(from);
    const toNames = filePathNames(to);
    this.openFiles.assertClosed(from, "rename");
    this.openFiles.assertClosed(to, "replace");
    const fromParent = await this.dir(fromNames.slice(0, -1), "probe");
    const fromName = fromNames[fromNames.length - 1] as string;
    const source = fromParent && (await this.fileHandle(fromParent, fromName, from, false));
    if (fromParent === undefined || source === undefined) throw noSuchFile(from);
    if (from === to) return;
    const toParent = (await this.dir(toNames.slice(0, -1), "create")) as FileSystemDirectoryHandle;
    const toName = toNames[toNames.length - 1] as string;
    try {
      // Throws for a directory in the way. An existing file needs no removal first:
      // Chromium's move() replaces it, and the copy truncates it.
      await this.fileHandle(toParent, toName, to, false);
      const move = syncAccess(source).move;
      if (move !== undefined) {
        await move.call(source, toParent, toName);
      } else {
        await this.copy(source, toParent, toName, to);
        await fromParent.removeEntry(fromName);
      }
    } catch (e) {
      if (e instanceof KafkaError) throw e;
      throw storageFailure(`rename to "${to}" of`, from, e);
    }
  }

  async mkdir(dir: string): Promise<void> {
    await this.dir(dirPathNames(dir), "create");
  }

  private get root(): FileSystemDirectoryHandle {
    return this.dirs.get("") as FileSystemDirectoryHandle;
  }

  /**
   * The directory handle at `names`, from the cache or by walking down from the nearest
   * cached ancestor; undefined when missing (unless `create`). A file in the way is an
   * error, except when probing.
   */
  private async dir(names: readonly string[], lookup: DirLookup): Promise<FileSystemDirectoryHandle | undefined> {
    let handle = this.root;
    for (let i = 0; i < names.length; i++) {
      const key = joinNames(names.slice(0, i + 1));
      const cached = this.dirs.get(key);
      if (cached !== undefined) {
        handle = cached;
        continue;
      }
      try {
        handle = await handle.getDirectoryHandle(names[i] as string, { create: lookup === "create" });
      } catch (e) {
        const name = domErrorName(e);
        if (name === "NotFoundError") return undefined;
        if (name === "TypeMismatchError") {
          if (lookup === "probe") return undefined;
          throw notADirectory(key);
        }
        throw storageFailure("open directory", key, e);
      }
      this.dirs.set(key, handle);
    }
    return handle;
  }

  /** The file handle for `name` in `parent`; undefined when missing and not created. */
  private async fileHandle(parent: FileSystemDirectoryHandle, name: string, path: string, create: boolean): Promise<FileSystemFileHandle | undefined> {
    try {
      return await parent.getFileHandle(name, { create });
    } catch (e) {
      const errorName = domErrorName(e);
      if (errorName === "NotFoundError") return undefined;
      if (errorName === "TypeMismatchError") throw isADirectory(path);
      throw storageFailure("open", path, e);
    }
  }

  private async accessHandle(handle: FileSystemFileHandle, path: string): Promise<SyncAccessHandle> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await syncAccess(handle).createSyncAccessHandle();
      } catch (e) {
        if (domErrorName(e) !== "NoModificationAllowedError") throw storageFailure("open", path, e);
        const delay = this.lockRetryDelaysMs[attempt];
        if (delay === undefined) {
          throw new KafkaError(
            "STORAGE_LOCKED",
            `"${path}" is held open by another tab or worker of this origin; the browser lets only one of them own streamlab's files at a time (close the other tab, or use it instead)`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private async removeEntry(parent: FileSystemDirectoryHandle, name: string): Promise<void> {
    try {
      await parent.removeEntry(name, { recursive: true });
    } catch (e) {
      if (domErrorName(e) !== "NotFoundError") throw e;
    }
  }

  /** Rename where `move()` is missing: copy through sync handles, then the caller deletes the source. */
  private async copy(source: FileSystemFileHandle, toParent: FileSystemDirectoryHandle, toName: string, to: string): Promise<void> {
    const target = (await this.fileHandle(toParent, toName, to, true)) as FileSystemFileHandle;
    const from = await syncAccess(source).createSyncAccessHandle();
    try {
      const into = await syncAccess(target).createSyncAccessHandle();
      try {
        const size = from.getSize();
        const chunk = new Uint8Array(Math.min(COPY_CHUNK, size));
        into.truncate(0);
        for (let at = 0; at < size; ) {
          const n = from.read(chunk, { at });
          if (n === 0) break;
          into.write(chunk.subarray(0, n), { at });
          at += n;
        }
        into.flush();
      } finally {
        into.close();
      }
    } finally {
      from.close();
    }
  }
}
