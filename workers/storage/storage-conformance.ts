/**
 * The one definition of what a `Storage` must do, run against every implementation. The
 * log is written once against the interface, so any behaviour that differs between memory,
 * node-fs and OPFS is a bug that shows up only on one platform; this suite is where such
 * differences are caught. It takes the test functions as an argument instead of importing
 * Vitest, so that the same suite can be bundled into a dedicated worker in Chromium (the
 * only place OPFS sync handles exist) and driven from a browser test.
 */
import type { Storage, StorageFile } from "./storage";

export interface ConformanceExpectation {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toContain(expected: string): void;
}

/** The subset of Vitest's API the suite uses; pass `{ describe, it, expect }` from "vitest". */
export interface ConformanceTestApi {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>): void;
  expect(actual: unknown): ConformanceExpectation;
}

interface Failure {
  name: string;
  type: string | undefined;
  message: string;
}

const NOTHING_THROWN: Failure = { name: "nothing thrown", type: undefined, message: "" };

function failureOf(e: unknown): Failure {
  const { name, type, message } = (e ?? {}) as { name?: unknown; type?: unknown; message?: unknown };
  return {
    name: typeof name === "string" ? name : "unknown",
    type: typeof type === "string" ? type : undefined,
    message: typeof message === "string" ? message : String(e),
  };
}

async function rejection(promise: Promise<unknown>): Promise<Failure> {
  try {
    await promise;
    return NOTHING_THROWN;
  } catch (e) {
    return failureOf(e);
  }
}

function thrown(call: () => unknown): Failure {
  try {
    call();
    return NOTHING_THROWN;
  } catch (e) {
    return failureOf(e);
  }
}

/** A byte pattern with a long period, so misplaced ranges do not read back equal by accident. */
function pattern(length: number, seed = 0): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed * 17 + ((i >>> 8) ^ (i >>> 16))) & 0xff;
  return out;
}

function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

/** Arrays compare well in every `expect`; Uint8Arrays only in some. */
function plain(data: Uint8Array): number[] {
  return Array.from(data);
}

/** Index of the first differing byte, or -1: readable failures for large buffers. */
function firstDifference(actual: Uint8Array, expected: Uint8Array): number {
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n; i++) if (actual[i] !== expected[i]) return i;
  return actual.length === expected.length ? -1 : n;
}

async function writeFile(storage: Storage, path: string, data: Uint8Array): Promise<void> {
  const file = await storage.open(path, { create: true });
  file.truncate(0);
  file.write(0, data);
  file.flush();
  file.close();
}

async function readFile(storage: Storage, path: string): Promise<number[]> {
  const file = await storage.open(path);
  try {
    return plain(file.read(0, file.size()));
  } finally {
    file.close();
  }
}

export function runStorageConformance(name: string, makeStorage: () => Promise<Storage>, t: ConformanceTestApi): void {
  const { describe, it, expect } = t;

  describe(`${name} storage conformance`, () => {
    it("open with create makes the file and its directories", async () => {
      const storage = await makeStorage();
      const file = await storage.open("orders-0/00000000000000000000.log", { create: true });
      expect(file.path).toBe("orders-0/00000000000000000000.log");
      expect(file.size()).toBe(0);
      file.close();
      expect(await storage.exists("orders-0/00000000000000000000.log")).toBe(true);
      expect(await storage.exists("orders-0")).toBe(true);
      expect(await storage.exists("orders-1")).toBe(false);
      expect(await storage.exists("orders-0/00000000000000000000.index")).toBe(false);
      expect(await storage.exists("")).toBe(true);
      expect(await storage.list("")).toEqual(["orders-0"]);
      expect(await storage.list("orders-0")).toEqual(["00000000000000000000.log"]);
    });

    it("open with create keeps an existing file's bytes", async () => {
      const storage = await makeStorage();
      await writeFile(storage, "t-0/a.log", bytes(1, 2, 3));
      const again = await storage.open("t-0/a.log", { create: true });
      expect(plain(again.read(0, 10))).toEqual([1, 2, 3]);
      again.close();
    });

    it("open without create on a missing file fails naming the path", async () => {
      const storage = await makeStorage();
      const inMissingDir = await rejection(storage.open("orders-0/00000000000000000000.log"));
      expect(inMissingDir.type).toBe("KAFKA_STORAGE_ERROR");
      expect(inMissingDir.message).toContain("orders-0/00000000000000000000.log");

      await storage.mkdir("orders-0");
      const inExistingDir = await rejection(storage.open("orders-0/00000000000000000042.log"));
      expect(inExistingDir.type).toBe("KAFKA_STORAGE_ERROR");
      expect(inExistingDir.message).toContain("orders-0/00000000000000000042.log");
      expect(await storage.list("orders-0")).toEqual([]);

      // The failed open must not leave the path reserved.
      const created = await storage.open("orders-0/00000000000000000042.log", { create: true });
      created.close();
    });

    it("opening a directory as a file fails naming it", async () => {
      const storage = await makeStorage();
      await storage.mkdir("orders-0");
      for (const create of [false, true]) {
        const failure = await rejection(storage.open("orders-0", { create }));
        expect(failure.type).toBe("KAFKA_STORAGE_ERROR");
        expect(failure.message).toContain("orders-0");
      }
    });

    it("a file in the way of a directory is an error", async () => {
      const storage = await makeStorage();
      await writeFile(storage, "plain", bytes(1));
      const throughFile = await rejection(storage.open("plain/inner.log", { create: true }));
      expect(throughFile.type).toBe("KAFKA_STORAGE_ERROR");
      expect(throughFile.message).toContain("plain");
      expect((await rejection(storage.mkdir("plain"))).type).toBe("KAFKA_STORAGE_ERROR");
      expect((await rejection(storage.mkdir("plain/sub"))).type).toBe("KAFKA_STORAGE_ERROR");
      expect((await rejection(storage.list("plain"))).type).toBe("KAFKA_STORAGE_ERROR");
      expect(await storage.exists("plain/inner.log")).toBe(false);
      expect(await readFile(storage, "plain")).toEqual([1]);
    });

    it("writes and reads back, honouring the source view's offset", async () => {
      const storage = await makeStorage();
      const file = await storage.open("t-0/a.log", { create: true });
      const backing = bytes(99, 99, 10, 20, 30, 40, 99);
      file.write(0, backing.subarray(2, 6));
      expect(file.size()).toBe(4);
      expect(plain(file.read(0, 4))).toEqual([10, 20, 30, 40]);
      expect(plain(file.read(1, 2))).toEqual([20, 30]);
      file.close();
    });

    it("a write past the end zero-fills the gap", async () => {
      const storage = await makeStorage();
      const file = await storage.open("t-0/a.log", { create: true });
      file.write(0, bytes(1, 2, 3));
      file.write(10, bytes(9));
      expect(file.size()).toBe(11);
      expect(plain(file.read(0, 11))).toEqual([1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 9]);
      file.write(20, bytes(7, 7));
      expect(file.size()).toBe(22);
      expect(plain(file.read(11, 11))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 7]);
      file.close();
    });

    it("an overwrite inside the file keeps its size", async () => {
      const storage = await makeStorage();
      const file = await storage.open("t-0/a.log", { create: true });
      file.write(0, bytes(1, 2, 3, 4, 5, 6));
      file.write(2, bytes(8, 9));
      expect(file.size()).toBe(6);
      expect(plain(file.read(0, 6))).toEqual([1, 2, 8, 9, 5, 6]);
      file.write(5, bytes(0, 1));
      expect(file.size()).toBe(7);
      expect(plain(file.read(0, 7))).toEqual([1, 2, 8, 9, 5, 0, 1]);
      file.close();
    });

    it("an empty write changes nothing, even past the end", async () => {
      const storage = await makeStorage();
      const file = await storage.open("t-0/a.log", { create: true });
      file.write(0, bytes(1, 2));
      file.write(100, new Uint8Array(0));
      file.write(1, new Uint8Array(0));
      expect(file.size()).toBe(2);
      expect(plain(file.read(0, 10))).toEqual([1, 2]);
      file.close();
    });

    it("a read is short at the end of the file and empty past it", async () => {
      const storage = await makeStorage();
      const file = await storage.open("t-0/a.log", { create: true });
      file.write(0, bytes(1, 2, 3, 4, 5));
      expect(plain(file.read(3, 10))).toEqual([4, 5]);
      expect(file.read(5, 4).length).toBe(0);
      expect(file.read(1000, 4).length).toBe(0);
      expect(file.read(0, 0).length).toBe(0);
      file.close();
    });

    it("a read returns a copy the caller may keep and change", async () => {
      const storage = await makeStorage();
      const file = await storage.open("t-0/a.log", { create: true });
      file.write(0, bytes(1, 2, 3));
      const first = file.read(0, 3);
      first[0] = 42;
      file.write(1, bytes(50));
      expect(plain(first)).toEqual([42, 2, 3]);
      expect(plain(file.read(0, 3))).toEqual([1, 50, 3]);
      file.close();
    });

    it("truncate shrinks, and grows with zeros", async () => {
      const storage = await makeStorage();
      const file = await storage.open("t-0/a.index", { create: true });
      file.write(0, bytes(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
      file.truncate(4);
      expect(file.size()).toBe(4);
      expect(plain(file.read(0, 100))).toEqual([1, 2, 3, 4]);
      // Bytes cut off must not come back when the file grows again.
      file.truncate(8);
      expect(file.size()).toBe(8);
      expect(plain(file.read(0, 100))).toEqual([1, 2, 3, 4, 0, 0, 0, 0]);
      file.truncate(2);
      file.write(5, bytes(6));
      expect(plain(file.read(0, 100))).toEqual([1, 2, 0, 0, 0, 6]);
      file.truncate(0);
      expect(file.size()).toBe(0);
      expect(file.read(0, 10).length).toBe(0);
      file.close();
    });

    it("a preallocated file trimmed to its used size keeps its bytes", async () => {
      // What Kafka does with index files: preallocate, fill the front, trim on roll.
      const storage = await makeStorage();
      const file = await storage.open("t-0/00000000000000000000.index", { create: true });
      file.truncate(1024 * 1024);
      file.write(0, pattern(4096, 3));
      file.truncate(4096);
      expect(file.size()).toBe(4096);
      expect(firstDifference(file.read(0, 4096), pattern(4096, 3))).toBe(-1);
      file.close();
    });

    it("flush, close and reopen keeps bytes and size", async () => {
      const storage = await makeStorage();
      const data = pattern(70_000, 1);
      const file = await storage.open("t-0/00000000000000000000.log", { create: true });
      file.write(0, data.subarray(0, 30_000));
      file.flush();
      file.write(30_000, data.subarray(30_000));
      file.flush();
      file.close();
      const reopened = await storage.open("t-0/00000000000000000000.log");
      expect(reopened.size()).toBe(70_000);
      expect(firstDifference(reopened.read(0, 70_000), data)).toBe(-1);
      reopened.close();
    });

    it("a closed handle refuses use, and closing twice is harmless", async () => {
      const storage = await makeStorage();
      const file = await storage.open("t-0/a.log", { create: true });
      file.write(0, bytes(1));
      file.close();
      file.close();
      for (const use of [() => file.read(0, 1), () => file.write(0, bytes(2)), () => file.size(), () => file.truncate(0), () => file.flush()]) {
        const failure = thrown(use);
        expect(failure.type).toBe("ILLEGAL_STATE");
        expect(failure.message).toContain("t-0/a.log");
      }
      expect(await readFile(storage, "t-0/a.log")).toEqual([1]);
    });

    it("a file has one open handle at a time", async () => {
      const storage = await makeStorage();
      const file = await storage.open("t-0/a.log", { create: true });
      const second = await rejection(storage.open("t-0/a.log"));
      expect(second.type).toBe("ILLEGAL_STATE");
      expect(second.message).toContain("t-0/a.log");
      file.close();
      const reopened = await storage.open("t-0/a.log");
      reopened.close();

      const racing = await Promise.allSettled([storage.open("t-0/b.log", { create: true }), storage.open("t-0/b.log", { create: true })]);
      const opened = racing.filter((r) => r.status === "fulfilled");
      expect(opened.length).toBe(1);
      for (const r of opened) (r as PromiseFulfilledResult<StorageFile>).value.close();
    });

    it("positions and sizes must be non-negative integers", async () => {
      const storage = await makeStorage();
      const file = await storage.open("t-0/a.log", { create: true });
      file.write(0, bytes(1, 2));
      for (const bad of [() => file.read(-1, 1), () => file.read(0, -1), () => file.read(0.5, 1), () => file.write(-1, bytes(1)), () => file.write(Number.NaN, bytes(1)), () => file.truncate(-1), () => file.truncate(1.5)]) {
        const failure = thrown(bad);
        expect(failure.name).toBe("RangeError");
        expect(failure.message).toContain("t-0/a.log");
      }
      expect(plain(file.read(0, 10))).toEqual([1, 2]);
      file.close();
    });

    it("malformed paths are refused", async () => {
      const storage = await makeStorage();
      for (const path of ["", "/abs", "trailing/", "a//b", "../escape", "a/./b", "a/../b", "back\\slash"]) {
        const failure = await rejection(storage.open(path, { create: true }));
        expect(failure.type).toBe("KAFKA_STORAGE_ERROR");
        expect(failure.message).toContain("invalid storage path");
      }
      expect((await rejection(storage.list("/"))).type).toBe("KAFKA_STORAGE_ERROR");
      expect((await rejection(storage.mkdir("a/.."))).type).toBe("KAFKA_STORAGE_ERROR");
      expect((await rejection(storage.remove("../x"))).type).toBe("KAFKA_STORAGE_ERROR");
      expect(await storage.list("")).toEqual([]);
    });

    it("list is sorted and per directory", async () => {
      const storage = await makeStorage();
      for (const path of ["b", "a", "orders-1/00000000000000000100.log", "orders-1/00000000000000000000.log", "orders-1/00000000000000000000.index", "orders-10/00000000000000000000.log", "Z"]) {
        await writeFile(storage, path, bytes(1));
      }
      await storage.mkdir("empty");
      expect(await storage.list("")).toEqual(["Z", "a", "b", "empty", "orders-1", "orders-10"]);
      expect(await storage.list("orders-1")).toEqual(["00000000000000000000.index", "00000000000000000000.log", "00000000000000000100.log"]);
      expect(await storage.list("orders-10")).toEqual(["00000000000000000000.log"]);
      expect(await storage.list("empty")).toEqual([]);
      expect(await storage.list("missing")).toEqual([]);
      expect(await storage.list("missing/deeper")).toEqual([]);
      const ofFile = await rejection(storage.list("orders-1/00000000000000000000.log"));
      expect(ofFile.type).toBe("KAFKA_STORAGE_ERROR");
      expect(ofFile.message).toContain("orders-1/00000000000000000000.log");
    });

    it("mkdir makes nested directories and may be repeated", async () => {
      const storage = await makeStorage();
      await storage.mkdir("a/b/c");
      await storage.mkdir("a/b/c");
      await storage.mkdir("a");
      expect(await storage.exists("a/b/c")).toBe(true);
      expect(await storage.list("a")).toEqual(["b"]);
      expect(await storage.list("a/b")).toEqual(["c"]);
      expect(await storage.list("a/b/c")).toEqual([]);
    });

    it("remove takes a file, or a directory with everything in it; missing paths are fine", async () => {
      const storage = await makeStorage();
      await writeFile(storage, "orders-0/00000000000000000000.log", bytes(1));
      await writeFile(storage, "orders-0/00000000000000000000.index", bytes(2));
      await writeFile(storage, "orders-0/deep/er/file", bytes(3));
      await writeFile(storage, "orders-1/00000000000000000000.log", bytes(4));

      await storage.remove("orders-0/00000000000000000000.index");
      expect(await storage.list("orders-0")).toEqual(["00000000000000000000.log", "deep"]);
      await storage.remove("orders-0");
      expect(await storage.exists("orders-0")).toBe(false);
      expect(await storage.exists("orders-0/deep/er/file")).toBe(false);
      expect(await storage.list("")).toEqual(["orders-1"]);

      await storage.remove("orders-0");
      await storage.remove("never/was/here");
      await storage.remove("orders-1/00000000000000000000.log/below-a-file");
      expect(await readFile(storage, "orders-1/00000000000000000000.log")).toEqual([4]);

      // A removed directory can be made again and starts empty.
      await writeFile(storage, "orders-0/00000000000000000000.log", bytes(5));
      expect(await storage.list("orders-0")).toEqual(["00000000000000000000.log"]);
    });

    it("remove of the root empties the storage", async () => {
      const storage = await makeStorage();
      await writeFile(storage, "orders-0/00000000000000000000.log", bytes(1));
      await writeFile(storage, "top", bytes(2));
      await storage.remove("");
      expect(await storage.list("")).toEqual([]);
      expect(await storage.exists("")).toBe(true);
      await writeFile(storage, "again", bytes(3));
      expect(await storage.list("")).toEqual(["again"]);
    });

    it("remove refuses open files and the directories holding them", async () => {
      const storage = await makeStorage();
      const file = await storage.open("orders-0/00000000000000000000.log", { create: true });
      for (const path of ["orders-0/00000000000000000000.log", "orders-0", ""]) {
        const failure = await rejection(storage.remove(path));
        expect(failure.type).toBe("ILLEGAL_STATE");
        expect(failure.message).toContain("orders-0/00000000000000000000.log");
      }
      file.close();
      await storage.remove("orders-0");
      expect(await storage.exists("orders-0")).toBe(false);
    });

    it("rename moves a closed file and replaces the target", async () => {
      const storage = await makeStorage();
      await writeFile(storage, "orders-0/00000000000000000000.log.cleaned", bytes(1, 2, 3));
      await writeFile(storage, "orders-0/00000000000000000000.log", bytes(9, 9, 9, 9, 9));
      await storage.rename("orders-0/00000000000000000000.log.cleaned", "orders-0/00000000000000000000.log");
      expect(await storage.list("orders-0")).toEqual(["00000000000000000000.log"]);
      expect(await readFile(storage, "orders-0/00000000000000000000.log")).toEqual([1, 2, 3]);

      await storage.rename("orders-0/00000000000000000000.log", "orders-0/00000000000000000000.log.deleted");
      expect(await storage.list("orders-0")).toEqual(["00000000000000000000.log.deleted"]);
      expect(await readFile(storage, "orders-0/00000000000000000000.log.deleted")).toEqual([1, 2, 3]);
    });

    it("rename into another directory makes it", async () => {
      const storage = await makeStorage();
      const data = pattern(200_000, 2);
      await writeFile(storage, "a/file", data);
      await storage.rename("a/file", "b/c/file");
      expect(await storage.list("a")).toEqual([]);
      expect(await storage.list("b/c")).toEqual(["file"]);
      const moved = await storage.open("b/c/file");
      expect(firstDifference(moved.read(0, moved.size()), data)).toBe(-1);
      moved.close();
    });

    it("rename onto itself keeps the file", async () => {
      const storage = await makeStorage();
      await writeFile(storage, "a/file", bytes(4, 5));
      await storage.rename("a/file", "a/file");
      expect(await readFile(storage, "a/file")).toEqual([4, 5]);
    });

    it("rename refuses open files, missing sources and directories", async () => {
      const storage = await makeStorage();
      await writeFile(storage, "t-0/from", bytes(1));
      await writeFile(storage, "t-0/to", bytes(2));

      const from = await storage.open("t-0/from");
      const whileFromOpen = await rejection(storage.rename("t-0/from", "t-0/other"));
      expect(whileFromOpen.type).toBe("ILLEGAL_STATE");
      expect(whileFromOpen.message).toContain("t-0/from");
      from.close();

      const to = await storage.open("t-0/to");
      const whileToOpen = await rejection(storage.rename("t-0/from", "t-0/to"));
      expect(whileToOpen.type).toBe("ILLEGAL_STATE");
      expect(whileToOpen.message).toContain("t-0/to");
      to.close();

      const missing = await rejection(storage.rename("t-0/missing", "t-0/x"));
      expect(missing.type).toBe("KAFKA_STORAGE_ERROR");
      expect(missing.message).toContain("t-0/missing");
      expect(await storage.exists("t-0/x")).toBe(false);

      await storage.mkdir("t-0/dir");
      const ontoDir = await rejection(storage.rename("t-0/from", "t-0/dir"));
      expect(ontoDir.type).toBe("KAFKA_STORAGE_ERROR");
      expect(ontoDir.message).toContain("t-0/dir");
      const ofDir = await rejection(storage.rename("t-0/dir", "t-0/y"));
      expect(ofDir.type).toBe("KAFKA_STORAGE_ERROR");
      expect(ofDir.message).toContain("t-0/dir");

      expect(await storage.list("t-0")).toEqual(["dir", "from", "to"]);
      expect(await readFile(storage, "t-0/from")).toEqual([1]);
      expect(await readFile(storage, "t-0/to")).toEqual([2]);
    });

    it("many small appends land in order and survive a reopen", async () => {
      const storage = await makeStorage();
      const path = "orders-0/00000000000000000000.log";
      const file = await storage.open(path, { create: true });
      const expected = pattern(400_000, 5);
      let end = 0;
      for (let i = 0; end < expected.length; i++) {
        const length = Math.min((i * 7) % 97, expected.length - end);
        file.write(end, expected.subarray(end, end + length));
        end += length;
        if (i % 1000 === 0) file.flush();
      }
      expect(file.size()).toBe(expected.length);
      expect(firstDifference(file.read(0, expected.length), expected)).toBe(-1);
      file.close();

      const reopened = await storage.open(path);
      expect(reopened.size()).toBe(expected.length);
      let mismatch = -1;
      for (let at = 0; at < expected.length && mismatch < 0; at += 16_384) {
        const chunk = reopened.read(at, 16_384);
        const d = firstDifference(chunk, expected.subarray(at, at + 16_384));
        if (d >= 0) mismatch = at + d;
      }
      expect(mismatch).toBe(-1);
      reopened.close();
    });

    it("one large write lands whole", async () => {
      const storage = await makeStorage();
      const data = pattern(3 * 1024 * 1024 + 3, 7);
      const file = await storage.open("big", { create: true });
      file.write(5, data);
      expect(file.size()).toBe(data.length + 5);
      expect(plain(file.read(0, 5))).toEqual([0, 0, 0, 0, 0]);
      expect(firstDifference(file.read(5, data.length), data)).toBe(-1);
      expect(plain(file.read(data.length + 2, 10))).toEqual(plain(data.subarray(data.length - 3)));
      file.close();
    });
  });
}
