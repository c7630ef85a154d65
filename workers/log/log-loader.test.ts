import { describe, it, expect } from "vitest";
import type { MemoryStorage } from "../storage/memory-storage";
import type { StorageFile } from "../storage/storage";
import { batchOf, openHarness, produce, readEverything } from "./log-test-support";
import { RECOVERY_POINT_CHECKPOINT, writeOffsetCheckpoint } from "./checkpoint-file";
import { segmentFileName } from "./segment-name";

const B = batchOf(["a"]).length;

async function withFile(storage: MemoryStorage, path: string, fn: (file: StorageFile) => void): Promise<void> {
  const file = await storage.open(path);
  try {
    fn(file);
  } finally {
    file.close();
  }
}

const logPath = (base: number) => `orders-0/${segmentFileName(base, "log")}`;

/** `n` single-record batches with values "0".."n-1", `perSegment` batches per segment; then a crash. */
async function crashedLog(n: number, perSegment = 100) {
  const h = await openHarness({ segmentBytes: perSegment * B });
  for (let i = 0; i < n; i++) await produce(h.log, [`${i % 10}`], 1000 + i);
  h.log.flush();
  h.storage.simulateCrash();
  return h;
}

const values = async (h: { log: Parameters<typeof readEverything>[0] }) => (await readEverything(h.log)).map((r) => `${r.offset}:${r.value}`);

describe("log recovery on open", () => {
  it("cuts a torn last batch written behind the log's back and keeps everything before it", async () => {
    const h = await crashedLog(5);
    const half = batchOf(["x"]).subarray(0, Math.floor(B / 2));
    await withFile(h.storage, logPath(0), (f) => f.write(f.size(), half));
    const log = await h.reopen();
    expect(log.logEndOffset).toBe(5);
    expect(await values(h)).toEqual(["0:0", "1:1", "2:2", "3:3", "4:4"]);
    expect(h.events.at(-1)).toEqual({ type: "recovered", log: "orders-0", truncatedBytes: half.length, deletedSegments: [], recoveredSegments: [0] });
    expect(log.segmentInfos()[0]!.sizeInBytes).toBe(5 * B);
    expect((await produce(log, ["n"])).firstOffset).toBe(5);
  });

  it("cuts the log at a batch whose bytes were flipped", async () => {
    const h = await crashedLog(5);
    await withFile(h.storage, logPath(0), (f) => {
      const at = 4 * B + B - 3; // inside the last batch's record
      const byte = f.read(at, 1);
      f.write(at, Uint8Array.of(byte[0]! ^ 0x40));
    });
    const log = await h.reopen();
    expect(log.logEndOffset).toBe(4);
    expect(await values(h)).toEqual(["0:0", "1:1", "2:2", "3:3"]);
    expect(h.events.at(-1)).toMatchObject({ type: "recovered", truncatedBytes: B });
  });

  it("drops everything after a corrupt batch in a middle segment, deleting later segments", async () => {
    const h = await crashedLog(12, 3); // segments 0, 3, 6, 9
    // Recovery starts at the segment holding the checkpointed recovery point (3 here).
    await writeOffsetCheckpoint(h.storage, "orders-0", RECOVERY_POINT_CHECKPOINT, 3);
    await withFile(h.storage, logPath(6), (f) => f.write(B + 20, Uint8Array.of(0xee))); // offset 7's batch
    const log = await h.reopen();
    expect(log.logEndOffset).toBe(7);
    expect(log.segmentInfos().map((s) => [s.baseOffset, s.nextOffset, s.isActive])).toEqual([
      [0, 3, false],
      [3, 6, false],
      [6, 7, true],
    ]);
    expect(h.events.at(-1)).toEqual({ type: "recovered", log: "orders-0", truncatedBytes: 2 * B, deletedSegments: [9], recoveredSegments: [3, 6] });
    expect((await h.storage.list("orders-0")).filter((n) => n.startsWith("00000000000000000009"))).toEqual([]);
    expect(await values(h)).toEqual(["0:0", "1:1", "2:2", "3:3", "4:4", "5:5", "6:6"]);
    expect((await produce(log, ["n"])).firstOffset).toBe(7);
  });

  it("validates every segment when there is no recovery point checkpoint", async () => {
    const h = await crashedLog(12, 3);
    await h.storage.remove(`orders-0/${RECOVERY_POINT_CHECKPOINT}`);
    await withFile(h.storage, logPath(3), (f) => f.truncate(f.size() - 1)); // a torn middle segment
    const log = await h.reopen();
    expect(log.logEndOffset).toBe(5);
    expect(h.events.at(-1)).toEqual({ type: "recovered", log: "orders-0", truncatedBytes: B - 1, deletedSegments: [6, 9], recoveredSegments: [0, 3] });
  });

  it("trusts closed segments below the recovery point and loads them from their indexes", async () => {
    const h = await crashedLog(12, 3);
    await withFile(h.storage, logPath(3), (f) => f.write(B + 20, Uint8Array.of(0xee)));
    const log = await h.reopen();
    // As in Kafka: flushed segments are not re-validated; the damage is found by whoever reads it.
    expect(log.logEndOffset).toBe(12);
    expect(h.events.at(-1)).toMatchObject({ recoveredSegments: [9], deletedSegments: [] });
  });

  it("rebuilds a closed segment whose index files are missing or damaged", async () => {
    const h = await openHarness({ segmentBytes: 40 * B, indexIntervalBytes: 3 * B });
    for (let i = 0; i < 100; i++) await produce(h.log, [`${i % 10}`], 1000 + i);
    const before = h.log.indexEntries(0);
    expect(before.offsets.length).toBeGreaterThan(5);
    await h.log.close();
    await h.storage.remove(`orders-0/${segmentFileName(0, "index")}`);
    await withFile(h.storage, `orders-0/${segmentFileName(40, "timeindex")}`, (f) => f.truncate(f.size() - 5));
    const log = await h.reopen();
    expect(h.events.at(-1)).toMatchObject({ recoveredSegments: [0, 40, 80], truncatedBytes: 0 });
    expect(log.indexEntries(0)).toEqual(before);
    expect(log.logEndOffset).toBe(100);
    for (const o of [0, 17, 39, 40, 41, 79, 99]) expect((await log.read(o, 1)).firstOffset).toBe(o);
  });

  it("starts an empty log at the log start offset when the data below it was lost", async () => {
    const h = await openHarness();
    for (let i = 0; i < 10; i++) await produce(h.log, [`${i}`]);
    await h.log.setLogStartOffset(8);
    h.storage.simulateCrash();
    await withFile(h.storage, logPath(0), (f) => f.truncate(5 * B + 7));
    const log = await h.reopen();
    expect(log.logStartOffset).toBe(8);
    expect(log.logEndOffset).toBe(8);
    expect(log.segmentInfos().map((s) => [s.baseOffset, s.sizeInBytes])).toEqual([[8, 0]]);
    expect((await produce(log, ["n"])).firstOffset).toBe(8);
  });

  it("removes leftovers: .deleted files, stray indexes, checkpoint temporaries", async () => {
    const h = await crashedLog(3);
    for (const name of ["00000000000000000042.index", "00000000000000000042.timeindex", "00000000000000000007.log.deleted", "recovery-point-offset-checkpoint.tmp"]) {
      const f = await h.storage.open(`orders-0/${name}`, { create: true });
      f.write(0, Uint8Array.of(1, 2, 3));
      f.close();
    }
    await h.reopen();
    expect(await h.storage.list("orders-0")).toEqual([
      "00000000000000000000.index",
      "00000000000000000000.log",
      "00000000000000000000.timeindex",
      "log-start-offset-checkpoint",
      "recovery-point-offset-checkpoint",
    ]);
  });

  it("recovers a crash that left a new segment without its index files", async () => {
    const h = await crashedLog(6, 3);
    await h.storage.remove(`orders-0/${segmentFileName(3, "index")}`);
    await h.storage.remove(`orders-0/${segmentFileName(3, "timeindex")}`);
    const log = await h.reopen();
    expect(log.logEndOffset).toBe(6);
    expect(await values(h)).toEqual(["0:0", "1:1", "2:2", "3:3", "4:4", "5:5"]);
  });
});
