/**
 * Where partition logs live. One small interface, three implementations (memory, node-fs,
 * OPFS). Paths are relative and '/'-separated, laid out as Kafka lays out `log.dirs`:
 * `<topic>-<partition>/<20-digit base offset>.log`.
 *
 * Opening, listing, renaming and removing are asynchronous (OPFS makes them so); reading
 * and writing an open file are synchronous, as `FileSystemSyncAccessHandle` is, so the hot
 * append path never awaits.
 */
export interface Storage {
  readonly kind: "memory" | "node-fs" | "opfs";
  /** Open a file; `create` makes it (and its directory) when missing. */
  open(path: string, options?: { create?: boolean }): Promise<StorageFile>;
  exists(path: string): Promise<boolean>;
  /** Names (not paths) of the entries directly inside `dir` ("" is the root), sorted. */
  list(dir: string): Promise<string[]>;
  /** Remove a file, or a directory with everything in it. Missing paths are fine. */
  remove(path: string): Promise<void>;
  /** Rename a closed file; replaces `to` if it exists. */
  rename(from: string, to: string): Promise<void>;
  mkdir(dir: string): Promise<void>;
}

export interface StorageFile {
  readonly path: string;
  size(): number;
  /** Read up to `length` bytes at `position`; shorter at the end of the file. */
  read(position: number, length: number): Uint8Array;
  /** Write all of `data` at `position`, growing the file if needed. */
  write(position: number, data: Uint8Array): void;
  truncate(size: number): void;
  /** Make written bytes durable. */
  flush(): void;
  close(): void;
}
