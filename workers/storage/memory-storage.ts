/**
 * Storage held in memory: the backend for unit tests, the CLI's default runs and anything
 * that needs no persistence. Files are byte buffers that double when a write outgrows them,
 * so appending a log in 16 KiB batches costs amortised O(1) per byte, and shrink when a
 * truncate leaves most of the buffer unused (preallocated indexes trimmed on roll would
 * otherwise keep their full size forever). Keeping the same instance across a simulated
 * crash ({@link MemoryStorage.simulateCrash}) keeps every byte written, flushed or not,
 * which is what OPFS does too; tests cut or corrupt a tail by opening the file and
 * truncating or writing.
 */
import type { Storage, StorageFile } from "./storage";
import { OpenFileTable } from "./open-file-table";
import type { RawFile } from "./open-file-table";
import { isADirectory, noSuchFile, notADirectory } from "./storage-errors";
import { dirPathNames, filePathNames, joinNames } from "./storage-path";

class DirNode {
  readonly kind = "dir";
  readonly children = new Map<string, DirNode | FileNode>();
}

class FileNode {
  readonly kind = "file";
  /** Bytes at and beyond `size` are always zero, so growing never exposes stale data. */
  bytes = new Uint8Array(0);
  size = 0;
}

const MIN_CAPACITY = 256;

class MemoryFile implements RawFile {
  constructor(private readonly node: FileNode) {}

  size(): number {
    return this.node.size;
  }

  read(position: number, length: number): Uint8Array {
    return this.node.bytes.slice(position, position + length);
  }

  write(position: number, data: Uint8Array): void {
    const node = this.node;
    const end = position + data.length;
    if (end > node.bytes.length) this.reallocate(Math.max(end, node.bytes.length * 2, MIN_CAPACITY));
    node.bytes.set(data, position);
    if (end > node.size) node.size = end;
  }

  truncate(size: number): void {
    const node = this.node;
    if (size > node.bytes.length) {
      // Exact, not doubled: a grow by truncate is a preallocation of a known size.
      this.reallocate(size);
    } else if (size < node.size) {
      if (size < node.bytes.length / 4) this.reallocate(Math.max(size, MIN_CAPACITY));
      node.bytes.fill(0, size, node.size);
    }
    node.size = size;
  }

  flush(): void {
    // Memory has nothing more durable to move the bytes to.
  }

  close(): void {
    // The node outlives the handle; nothing to release.
  }

  private reallocate(capacity: number): void {
    const node = this.node;
    const next = new Uint8Array(capacity);
    next.set(node.bytes.subarray(0, Math.min(node.size, capacity)));
    node.bytes = next;
  }
}

export class MemoryStorage implements Storage {
  readonly kind = "memory" as const;
  private readonly root = new DirNode();
  private readonly openFiles = new OpenFileTable();

  async open(path: string, options: { create?: boolean } = {}): Promise<StorageFile> {
    const names = filePathNames(path);
    const parent = this.dir(names.slice(0, -1), options.create === true);
    const name = names[names.length - 1] as string;
    let node = parent?.children.get(name);
    if (node === undefined) {
      if (parent === undefined || options.create !== true) throw noSuchFile(path);
      node = new FileNode();
      parent.children.set(name, node);
    }
    if (node.kind === "dir") throw isADirectory(path);
    this.openFiles.claim(path);
    return this.openFiles.bind(path, new MemoryFile(node));
  }

  async exists(path: string): Promise<boolean> {
    return this.find(dirPathNames(path)) !== undefined;
  }

  async list(dir: string): Promise<string[]> {
    const node = this.dir(dirPathNames(dir), false);
    return node === undefined ? [] : [...node.children.keys()].sort();
  }

  async remove(path: string): Promise<void> {
    const names = dirPathNames(path);
    this.openFiles.assertNoneOpenWithin(path, "remove");
    if (names.length === 0) {
      this.root.children.clear();
      return;
    }
    const parent = this.find(names.slice(0, -1));
    if (parent?.kind === "dir") parent.children.delete(names[names.length - 1] as string);
  }

  async rename(from: string, to: string): Promise<void> {
    const fromNames = filePathNames(from);
    const toNames = filePathNames(to);
    this.openFiles.assertClosed(from, "rename");
    this.openFiles.assertClosed(to, "replace");
    const fromParent = this.find(fromNames.slice(0, -1));
    const fromName = fromNames[fromNames.length - 1] as string;
    const node = fromParent?.kind === "dir" ? fromParent.children.get(fromName) : undefined;
    if (node === undefined) throw noSuchFile(from);
    if (node.kind === "dir") throw isADirectory(from);
    if (from === to) return;
    const toParent = this.dir(toNames.slice(0, -1), true) as DirNode;
    const toName = toNames[toNames.length - 1] as string;
    if (toParent.children.get(toName)?.kind === "dir") throw isADirectory(to);
    toParent.children.set(toName, node);
    (fromParent as DirNode).children.delete(fromName);
  }

  async mkdir(dir: string): Promise<void> {
    this.dir(dirPathNames(dir), true);
  }

  /**
   * What a killed worker leaves behind: every open handle is dropped unclosed and refuses
   * further use, every byte stays. Reopen files from this same instance to "restart".
   */
  simulateCrash(): void {
    this.openFiles.abandonAll();
  }

  private find(names: readonly string[]): DirNode | FileNode | undefined {
    let node: DirNode | FileNode = this.root;
    for (const name of names) {
      if (node.kind === "file") return undefined;
      const child: DirNode | FileNode | undefined = node.children.get(name);
      if (child === undefined) return undefined;
      node = child;
    }
    return node;
  }

  /**
   * The directory at `names`, made (with its parents) when `create`; undefined when missing.
   * A file in the way is an error, not a missing directory.
   */
  private dir(names: readonly string[], create: boolean): DirNode | undefined {
    let node = this.root;
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      let child = node.children.get(name);
      if (child === undefined) {
        if (!create) return undefined;
        child = new DirNode();
        node.children.set(name, child);
      }
      if (child.kind === "file") throw notADirectory(joinNames(names.slice(0, i + 1)));
      node = child;
    }
    return node;
  }
}
