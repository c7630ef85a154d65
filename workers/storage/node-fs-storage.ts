/**
 * Storage on the local disk under one root directory, for the CLI and for tests that want
 * real files (a segment written here can be fed to Kafka's own tools). Reads and writes on
 * an open file use node:fs's synchronous calls on a raw descriptor, mirroring the
 * synchronous `FileSystemSyncAccessHandle` the browser gets, so the log's append path is
 * the same code on both. The file size is tracked here rather than asked of the kernel on
 * every call: each file has a single open handle, so nothing else can change it.
 */
import * as fs from "node:fs";
import type { Storage, StorageFile } from "./storage";
import { OpenFileTable } from "./open-file-table";
import type { RawFile } from "./open-file-table";
import { isADirectory, noSuchFile, notADirectory, storageFailure } from "./storage-errors";
import { dirPathNames, filePathNames, joinNames } from "./storage-path";

function errnoCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function mapError(e: unknown, operation: string, path: string): Error {
  switch (errnoCode(e)) {
    case "ENOENT":
      return noSuchFile(path);
    case "EISDIR":
      return isADirectory(path);
    case "ENOTDIR":
    case "EEXIST":
      return notADirectory(path);
    default:
      return storageFailure(operation, path, e);
  }
}

class NodeFile implements RawFile {
  constructor(
    private readonly fd: number,
    private readonly path: string,
    private length: number,
  ) {}

  size(): number {
    return this.length;
  }

  read(position: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = this.io("read", () => fs.readSync(this.fd, out, done, length - done, position + done));
      if (n === 0) break;
      done += n;
    }
    return done === length ? out : out.subarray(0, done);
  }

  write(position: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) {
      done += this.io("write", () => fs.writeSync(this.fd, data, done, data.length - done, position + done));
    }
    this.length = Math.max(this.length, position + data.length);
  }

  truncate(size: number): void {
    this.io("truncate", () => fs.ftruncateSync(this.fd, size));
    this.length = size;
  }

  flush(): void {
    this.io("flush", () => fs.fsyncSync(this.fd));
  }

  close(): void {
    this.io("close", () => fs.closeSync(this.fd));
  }

  private io<T>(operation: string, call: () => T): T {
    try {
      return call();
    } catch (e) {
      throw storageFailure(operation, this.path, e);
    }
  }
}

export class NodeFsStorage implements Storage {
  readonly kind = "node-fs" as const;
  private readonly openFiles = new OpenFileTable();

  /** `root` must exist or be creatable; every storage path is resolved below it. */
  constructor(readonly root: string) {}

  async open(path: string, options: { create?: boolean } = {}): Promise<StorageFile> {
    const names = filePathNames(path);
    this.openFiles.claim(path);
    try {
      if (options.create === true) await this.makeDir(names.slice(0, -1), path);
      const flags = fs.constants.O_RDWR | (options.create === true ? fs.constants.O_CREAT : 0);
      let fd: number;
      try {
        fd = fs.openSync(this.resolve(names), flags, 0o644);
      } catch (e) {
        throw mapError(e, "open", path);
      }
      let size: number;
      try {
        size = fs.fstatSync(fd).size;
      } catch (e) {
        fs.closeSync(fd);
        throw mapError(e, "open", path);
      }
      return this.openFiles.bind(path, new NodeFile(fd, path, size));
    } catch (e) {
      this.openFiles.unclaim(path);
      throw e;
    }
  }

  async exists(path: string): Promise<boolean> {
    const names = dirPathNames(path);
    try {
      await fs.promises.stat(this.resolve(names));
      return true;
    } catch (e) {
      const code = errnoCode(e);
      if (code === "ENOENT" || code === "ENOTDIR") return false;
      throw mapError(e, "stat", path);
    }
  }

  async list(dir: string): Promise<string[]> {
    const names = dirPathNames(dir);
    try {
      return (await fs.promises.readdir(this.resolve(names))).sort();
    } catch (e) {
      if (errnoCode(e) === "ENOENT") return [];
      throw mapError(e, "list", dir);
    }
  }

  async remove(path: string): Promise<void> {
    const names = dirPathNames(path);
    this.openFiles.assertNoneOpenWithin(path, "remove");
    if (names.length === 0) {
      // The root itself stays: it may be a directory the caller chose and watches.
      for (const name of await this.list("")) await this.remove(name);
      return;
    }
    try {
      await fs.promises.rm(this.resolve(names), { recursive: true, force: true });
    } catch (e) {
      if (errnoCode(e) === "ENOTDIR") return;
      throw mapError(e, "remove", path);
    }
  }

  async rename(from: string, to: string): Promise<void> {
    const fromNames = filePathNames(from);
    const toNames = filePathNames(to);
    this.openFiles.assertClosed(from, "rename");
    this.openFiles.assertClosed(to, "replace");
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(this.resolve(fromNames));
    } catch (e) {
      throw errnoCode(e) === "ENOTDIR" ? noSuchFile(from) : mapError(e, "rename", from);
    }
    if (stat.isDirectory()) throw isADirectory(from);
    if (from === to) return;
    await this.makeDir(toNames.slice(0, -1), to);
    try {
      await fs.promises.rename(this.resolve(fromNames), this.resolve(toNames));
    } catch (e) {
      // rename(2) onto a directory: EISDIR on Linux, ENOTEMPTY/EEXIST elsewhere.
      const code = errnoCode(e);
      if (code === "EISDIR" || code === "ENOTEMPTY" || code === "EEXIST") throw isADirectory(to);
      throw storageFailure(`rename to "${to}" of`, from, e);
    }
  }

  async mkdir(dir: string): Promise<void> {
    await this.makeDir(dirPathNames(dir), dir);
  }

  private async makeDir(names: readonly string[], pathForErrors: string): Promise<void> {
    try {
      await fs.promises.mkdir(this.resolve(names), { recursive: true });
    } catch (e) {
      const code = errnoCode(e);
      if (code === "EEXIST" || code === "ENOTDIR") throw notADirectory(joinNames(names));
      throw mapError(e, "mkdir", pathForErrors);
    }
  }

  private resolve(names: readonly string[]): string {
    return names.length === 0 ? this.root : `${this.root}/${joinNames(names)}`;
  }
}
