import { describe, it, expect } from "vitest";
import { MemoryStorage } from "../storage/memory-storage";
import { encodeBatch } from "./record-batch";
import { openHarness } from "./log-test-support";
import { LogSegment } from "./segment";
import { segmentFileName } from "./segment-name";

/** A one-record batch of a fixed size, so index positions can be stated exactly. */
function sizedBatch(timestamp: number): Uint8Array {
  return encodeBatch({ records: [{ key: null, value: new Uint8Array(1000), timestamp }] });
}

async function readFile(storage: MemoryStorage, path: string): Promise<Uint8Array> {
  const file = await storage.open(path);
  try {
    return file.read(0, file.size());
  } finally {
    file.close();
  }
}

describe("index density (index.interval.bytes)", () => {
  it("adds an entry only once more than index.interval.bytes were appended before the batch", async () => {
    const S = sizedBatch(0).length;
    expect(S).toBe(1070);
    const h = await openHarness({ indexIntervalBytes: 4096 });
    for (let k = 0; k < 13; k++) await h.log.appendAsLeader(sizedBatch(1000 + k), { timestampType: "CreateTime", now: 5000 });
    await h.log.close();
    // 4 batches (4280 bytes) pass before the counter exceeds 4096; the first batch never gets one.
    const offsets = await readFile(h.storage, `orders-0/${segmentFileName(0, "index")}`);
    const view = new DataView(offsets.buffer, offsets.byteOffset, offsets.byteLength);
    const entries = [];
    for (let at = 0; at < offsets.length; at += 8) entries.push([view.getInt32(at), view.getInt32(at + 4)]);
    expect(entries).toEqual([
      [4, 4 * S],
      [8, 8 * S],
      [12, 12 * S],
    ]);
    // Time index: an entry beside each offset entry (the max timestamp grew each time), plus
    // none extra at close because the last entry already holds the largest timestamp.
    const times = await readFile(h.storage, `orders-0/${segmentFileName(0, "timeindex")}`);
    const tview = new DataView(times.buffer, times.byteOffset, times.byteLength);
    const tentries = [];
    for (let at = 0; at < times.length; at += 12) tentries.push([tview.getUint32(at + 4), tview.getInt32(at + 8)]);
    expect(tentries).toEqual([
      [1004, 4],
      [1008, 8],
      [1012, 12],
    ]);
  });

  it("counts strictly more than the interval", async () => {
    const S = sizedBatch(0).length;
    const h = await openHarness({ indexIntervalBytes: 2 * S });
    for (let k = 0; k < 4; k++) await h.log.appendAsLeader(sizedBatch(1000), { timestampType: "CreateTime", now: 5000 });
    const segment = h.log.indexEntries(0);
    // After batch 2 exactly 2*S bytes were counted: not more, so batch 3 is the first indexed.
    expect(segment.offsets).toEqual([{ offset: 3, position: 3 * S }]);
    // The timestamp never grew past the first batch's: the time entry points at offset 0.
    expect(segment.times).toEqual([{ timestamp: 1000, offset: 0 }]);
  });

  it("indexes each batch of a multi-batch append by its own position", async () => {
    const S = sizedBatch(0).length;
    const h = await openHarness({ indexIntervalBytes: S });
    const parts = [0, 1, 2, 3, 4].map((k) => sizedBatch(1000 + k));
    const all = new Uint8Array(5 * S);
    parts.forEach((p, k) => all.set(p, k * S));
    await h.log.appendAsLeader(all, { timestampType: "CreateTime", now: 5000 });
    expect(h.log.indexEntries(0).offsets).toEqual([
      { offset: 2, position: 2 * S },
      { offset: 4, position: 4 * S },
    ]);
  });
});

describe("LogSegment", () => {
  it("creates its three files under the 20-digit base offset", async () => {
    const storage = new MemoryStorage();
    const segment = await LogSegment.create(storage, "orders-0", 368769, { indexIntervalBytes: 4096, segmentIndexBytes: 1024, rollJitterMs: 0 }, 0);
    segment.close();
    expect(await storage.list("orders-0")).toEqual([
      "00000000000000368769.index",
      "00000000000000368769.log",
      "00000000000000368769.timeindex",
    ]);
    expect(segment.fileName).toBe("00000000000000368769.log");
  });
});
