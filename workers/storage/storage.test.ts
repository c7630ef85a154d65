import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MemoryStorage } from "./memory-storage";
import { NodeFsStorage } from "./node-fs-storage";
import { runStorageConformance } from "./storage-conformance";

const api = { describe, it, expect };

runStorageConformance("memory", async () => new MemoryStorage(), api);

const tempRoots: string[] = [];
function tempRoot(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "streamlab-storage-"));
  tempRoots.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempRoots) fs.rmSync(dir, { recursive: true, force: true });
});

runStorageConformance("node-fs", async () => new NodeFsStorage(tempRoot()), api);

describe("MemoryStorage", () => {
  it("keeps every byte, flushed or not, across a simulated crash", async () => {
    const storage = new MemoryStorage();
    const file = await storage.open("orders-0/00000000000000000000.log", { create: true });
    file.write(0, Uint8Array.from([1, 2, 3]));
    file.flush();
    file.write(3, Uint8Array.from([4, 5]));
    storage.simulateCrash();

    expect(() => file.write(5, Uint8Array.from([6]))).toThrow(/ILLEGAL_STATE.*after close/);
    const reopened = await storage.open("orders-0/00000000000000000000.log");
    expect(Array.from(reopened.read(0, 10))).toEqual([1, 2, 3, 4, 5]);
    // The abandoned handle closing late must not release the new handle's claim.
    file.close();
    await expect(storage.open("orders-0/00000000000000000000.log")).rejects.toThrow(/ILLEGAL_STATE.*already open/);
    reopened.close();
  });

  it("lets a test cut a torn tail by truncating", async () => {
    const storage = new MemoryStorage();
    const file = await storage.open("t-0/a.log", { create: true });
    file.write(0, new Uint8Array(100).fill(7));
    storage.simulateCrash();
    const cut = await storage.open("t-0/a.log");
    cut.truncate(61);
    cut.close();
    const again = await storage.open("t-0/a.log");
    expect(again.size()).toBe(61);
    expect(again.read(0, 100).every((b) => b === 7)).toBe(true);
    again.close();
  });

  it("appends 64 MiB in 16 KiB writes with the bytes in place", async () => {
    const storage = new MemoryStorage();
    const file = await storage.open("big/00000000000000000000.log", { create: true });
    const chunk = new Uint8Array(16 * 1024);
    const chunks = 4096;
    for (let i = 0; i < chunks; i++) {
      chunk.fill(i & 0xff);
      file.write(i * chunk.length, chunk);
    }
    expect(file.size()).toBe(64 * 1024 * 1024);
    for (const i of [0, 1, 255, 256, 2047, 4095]) {
      const got = file.read(i * chunk.length, chunk.length);
      expect(got.length).toBe(chunk.length);
      expect(got.every((b) => b === (i & 0xff))).toBe(true);
    }
    file.close();
  });
});

describe("NodeFsStorage", () => {
  it("writes real files that a new instance on the same root reads back", async () => {
    const root = tempRoot();
    const first = new NodeFsStorage(root);
    const file = await first.open("orders-0/00000000000000000000.log", { create: true });
    file.write(0, Uint8Array.from([1, 2, 3, 4]));
    file.flush();
    file.close();
    expect(Array.from(fs.readFileSync(path.join(root, "orders-0", "00000000000000000000.log")))).toEqual([1, 2, 3, 4]);

    const second = new NodeFsStorage(root);
    expect(await second.list("orders-0")).toEqual(["00000000000000000000.log"]);
    const reopened = await second.open("orders-0/00000000000000000000.log");
    expect(reopened.size()).toBe(4);
    expect(Array.from(reopened.read(1, 2))).toEqual([2, 3]);
    reopened.close();
  });

  it("sees a file changed on disk between opens", async () => {
    const root = tempRoot();
    const storage = new NodeFsStorage(root);
    fs.mkdirSync(path.join(root, "t-0"));
    fs.writeFileSync(path.join(root, "t-0", "a.log"), Uint8Array.from([5, 6, 7]));
    const file = await storage.open("t-0/a.log");
    expect(file.size()).toBe(3);
    expect(Array.from(file.read(0, 3))).toEqual([5, 6, 7]);
    file.close();
  });

  it("keeps remove of the root inside the root", async () => {
    const parent = tempRoot();
    const root = path.join(parent, "data");
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(parent, "sibling"), "keep");
    const storage = new NodeFsStorage(root);
    await storage.mkdir("orders-0");
    await storage.remove("");
    expect(fs.readdirSync(root)).toEqual([]);
    expect(fs.readdirSync(parent).sort()).toEqual(["data", "sibling"]);
  });
});
