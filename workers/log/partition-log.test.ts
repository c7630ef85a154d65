import { describe, it, expect } from "vitest";
import { isKafkaError, type KafkaError } from "../protocol/errors";
import { MemoryStorage } from "../storage/memory-storage";
import type { Storage, StorageFile } from "../storage/storage";
import { VirtualClock } from "../runtime/clock";
import { batchesIn, encodeBatch, encodeControlBatch, readBatchHeader, timestampType, utf8, validateBatch } from "./record-batch";
import { batchOf, batchRanges, concat, openHarness, produce, readEverything, recordsIn } from "./log-test-support";
import { logConfig } from "./log-config";
import { PartitionLog } from "./partition-log";

const B = batchOf(["a"]).length; // one single-record batch
const B3 = batchOf(["a", "b", "c"]).length; // one three-record batch (values of one character)

async function caught(p: Promise<unknown>): Promise<KafkaError> {
  try {
    await p;
  } catch (e) {
    if (isKafkaError(e)) return e;
    throw e;
  }
  throw new Error("expected a KafkaError");
}

/** 10 batches of 3 records (offsets 0..29), 3 batches per segment. */
async function tenBatches(overrides = {}) {
  const h = await openHarness({ segmentBytes: 3 * B3, ...overrides });
  // One-character values keep every batch exactly B3 bytes.
  for (let k = 0; k < 10; k++) await produce(h.log, [0, 1, 2].map((i) => `${(3 * k + i) % 10}`), 1000 + k);
  return h;
}

describe("PartitionLog appends and segment rolling", () => {
  it("assigns dense offsets from 0 and names segments by their base offset", async () => {
    const h = await openHarness({ segmentBytes: 3 * B });
    for (let i = 0; i < 7; i++) {
      const info = await produce(h.log, [`${i}`]);
      expect(info.firstOffset).toBe(i);
      expect(info.lastOffset).toBe(i);
    }
    expect(h.log.logEndOffset).toBe(7);
    expect(h.log.segmentInfos().map((s) => [s.baseOffset, s.nextOffset, s.sizeInBytes, s.isActive])).toEqual([
      [0, 3, 3 * B, false],
      [3, 6, 3 * B, false],
      [6, 7, B, true],
    ]);
    const logs = (await h.storage.list("orders-0")).filter((n) => n.endsWith(".log"));
    expect(logs).toEqual(["00000000000000000000.log", "00000000000000000003.log", "00000000000000000006.log"]);
    expect(h.events.filter((e) => e.type === "segment-rolled")).toEqual([
      { type: "segment-rolled", log: "orders-0", baseOffset: 3, previousBaseOffset: 0, reason: "segment.bytes" },
      { type: "segment-rolled", log: "orders-0", baseOffset: 6, previousBaseOffset: 3, reason: "segment.bytes" },
    ]);
  });

  it("rolls on segment.ms measured from the first batch's timestamp", async () => {
    const h = await openHarness({ segmentMs: 100 });
    await produce(h.log, ["a"], 1000);
    await produce(h.log, ["b"], 1100); // waited exactly 100: not more than segment.ms
    expect(h.log.segmentCount).toBe(1);
    await produce(h.log, ["c"], 1101);
    expect(h.log.segmentInfos().map((s) => s.baseOffset)).toEqual([0, 2]);
    expect(h.events.at(-1)).toMatchObject({ type: "segment-rolled", baseOffset: 2, reason: "segment.ms" });
    expect(h.log.segmentInfos()[1]!.firstTimestamp).toBe(1101);
  });

  it("rolls on segment.ms by the segment's age when batches carry no timestamp", async () => {
    const h = await openHarness({ segmentMs: 100 }, "orders-0", new MemoryStorage(), new VirtualClock(5000));
    const noTs = () => batchOf(["x"], -1);
    await h.log.appendAsLeader(noTs(), { timestampType: "CreateTime", now: 5050 });
    await h.log.appendAsLeader(noTs(), { timestampType: "CreateTime", now: 5100 });
    expect(h.log.segmentCount).toBe(1);
    await h.log.appendAsLeader(noTs(), { timestampType: "CreateTime", now: 5101 });
    expect(h.log.segmentInfos().map((s) => s.baseOffset)).toEqual([0, 2]);
  });

  it("subtracts the segment's roll jitter from segment.ms", async () => {
    const h = await openHarness({ segmentMs: 100, segmentJitterMs: 1000 });
    await produce(h.log, ["a"], 1000);
    // The jitter is drawn in [0, min(jitter, segment.ms)) = [0, 100): at most 100 early.
    let t = 1000;
    while (h.log.segmentCount === 1) await produce(h.log, ["b"], ++t);
    expect(t).toBeGreaterThan(1000);
    expect(t).toBeLessThanOrEqual(1101);
  });

  it("rolls when an index is full (segment.index.bytes)", async () => {
    // 24 bytes: 3 offset entries; with one timestamp the time index holds a single entry.
    const h = await openHarness({ segmentIndexBytes: 24, indexIntervalBytes: 0 });
    for (let i = 0; i < 6; i++) await produce(h.log, [`${i}`], 1000);
    expect(h.log.indexEntries(0).offsets.map((e) => e.offset)).toEqual([1, 2, 3]);
    expect(h.log.segmentInfos().map((s) => s.baseOffset)).toEqual([0, 4]);
    expect(h.events.find((e) => e.type === "segment-rolled")).toMatchObject({ baseOffset: 4, reason: "index-full" });
  });

  it("rolls when a follower's offset would overflow the segment's int32 relative offsets", async () => {
    const h = await openHarness();
    await h.log.appendAsFollower(batchOf(["a"], 1000, { baseOffset: 0 }));
    const far = 2 ** 31 + 5;
    const info = await h.log.appendAsFollower(batchOf(["b", "c"], 1000, { baseOffset: far }));
    expect(info).toMatchObject({ firstOffset: far, lastOffset: far + 1, segmentBaseOffset: far, position: 0 });
    expect(h.log.segmentInfos().map((s) => s.baseOffset)).toEqual([0, far]);
    expect(h.events.at(-1)).toMatchObject({ type: "segment-rolled", reason: "offset-overflow" });
    expect(h.log.logEndOffset).toBe(far + 2);
  });

  it("roll() closes a non-empty active segment and does nothing to an empty one", async () => {
    const h = await openHarness();
    await h.log.roll();
    expect(h.log.segmentCount).toBe(1);
    await produce(h.log, ["a", "b"]);
    await h.log.roll();
    expect(h.log.segmentInfos().map((s) => [s.baseOffset, s.isActive])).toEqual([
      [0, false],
      [2, true],
    ]);
    expect(h.events.at(-1)).toMatchObject({ type: "segment-rolled", baseOffset: 2, reason: "requested" });
  });

  it("writes a multi-batch append with one storage write and assigns offsets across it", async () => {
    const storage = new CountingStorage(new MemoryStorage());
    const log = await PartitionLog.open(storage, "t-0", logConfig(), new VirtualClock(0));
    await log.appendAsLeader(batchOf(["x"]), { timestampType: "CreateTime", now: 0 });
    const before = storage.writes("t-0/00000000000000000000.log");
    const buf = concat([batchOf(["a", "b"]), batchOf(["c"]), batchOf(["d", "e", "f"])]);
    const info = await log.appendAsLeader(buf, { timestampType: "CreateTime", now: 0 });
    expect(storage.writes("t-0/00000000000000000000.log") - before).toBe(1);
    expect(info).toMatchObject({ firstOffset: 1, lastOffset: 6, position: B, segmentBaseOffset: 0, recordCount: 6, sizeInBytes: buf.length });
    log.setHighWatermark(log.logEndOffset);
    expect(batchRanges((await log.read(1, 1 << 20)).bytes)).toEqual([
      [1, 2],
      [3, 3],
      [4, 6],
    ]);
    expect((await readEverything(log)).map((r) => `${r.offset}:${r.value}`)).toEqual(["0:x", "1:a", "2:b", "3:c", "4:d", "5:e", "6:f"]);
  });

  it("stamps LogAppendTime into the batch and recomputes its CRC", async () => {
    const h = await openHarness();
    const info = await h.log.appendAsLeader(batchOf(["a", "b"], 1000), { timestampType: "LogAppendTime", now: 777_777 });
    expect(info.logAppendTime).toBe(777_777);
    expect(info.maxTimestamp).toBe(777_777);
    const bytes = (await h.log.read(0, 1000)).bytes;
    const header = validateBatch(bytes, 0);
    expect(timestampType(header)).toBe("LogAppendTime");
    expect(header.maxTimestamp).toBe(777_777);
    expect(h.log.segmentInfos()[0]!.largestTimestamp).toBe(777_777);
  });

  it("turns a producer's LogAppendTime batch back into CreateTime on a CreateTime topic", async () => {
    const h = await openHarness();
    const batch = encodeBatch({ timestampType: "LogAppendTime", maxTimestamp: 99, records: [{ key: null, value: utf8("v"), timestamp: 1234 }] });
    const info = await h.log.appendAsLeader(batch, { timestampType: "CreateTime", now: 5000 });
    expect(info.maxTimestamp).toBe(1234);
    const header = validateBatch((await h.log.read(0, 1000)).bytes, 0);
    expect(timestampType(header)).toBe("CreateTime");
    expect(header.maxTimestamp).toBe(1234);
  });

  it("rejects a batch larger than max.message.bytes with MESSAGE_TOO_LARGE and writes nothing", async () => {
    const h = await openHarness({ maxMessageBytes: 100 });
    const big = batchOf(["x".repeat(100)]);
    const e = await caught(h.log.appendAsLeader(big, { timestampType: "CreateTime", now: 0 }));
    expect(e.type).toBe("MESSAGE_TOO_LARGE");
    expect(e.message).toContain("orders-0");
    expect(e.message).toContain(`${big.length} bytes`);
    expect(e.message).toContain("max.message.bytes (100)");
    expect(h.log.logEndOffset).toBe(0);
    expect(h.log.size).toBe(0);
  });

  it("trusts a caller's validation for the CRC, never for the framing", async () => {
    const h = await openHarness();
    const bad = batchOf(["a"]);
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0xff;
    // The broker's partition validates each batch before its producer checks; it says so
    // and the log does not compute the CRC a second time.
    const info = await h.log.appendAsLeader(bad, { timestampType: "CreateTime", now: 0, validated: true });
    expect([info.firstOffset, info.lastOffset]).toEqual([0, 0]);
    const torn = await caught(h.log.appendAsLeader(concat([batchOf(["b"]), batchOf(["c"]).subarray(0, 70)]), { timestampType: "CreateTime", now: 0, validated: true }));
    expect(torn.type).toBe("CORRUPT_MESSAGE");
    expect(torn.message).toMatch(/orders-0.*truncated/);
    const short = await caught(h.log.appendAsLeader(batchOf(["d"]).subarray(0, 40), { timestampType: "CreateTime", now: 0, validated: true }));
    expect(short.type).toBe("CORRUPT_MESSAGE");
    expect(h.log.logEndOffset).toBe(1);
  });

  it("rejects corrupt, empty, control and keyless-on-compacted appends", async () => {
    const h = await openHarness();
    const bad = batchOf(["a"]);
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0xff;
    const corrupt = await caught(h.log.appendAsLeader(bad, { timestampType: "CreateTime", now: 0 }));
    expect(corrupt.type).toBe("CORRUPT_MESSAGE");
    expect(corrupt.message).toMatch(/orders-0.*CRC/);
    const torn = await caught(h.log.appendAsLeader(concat([batchOf(["a"]), batchOf(["b"]).subarray(0, 70)]), { timestampType: "CreateTime", now: 0 }));
    expect(torn.type).toBe("CORRUPT_MESSAGE");
    expect((await caught(h.log.appendAsLeader(new Uint8Array(0), { timestampType: "CreateTime", now: 0 }))).type).toBe("INVALID_RECORD");
    const marker = encodeControlBatch({ type: "COMMIT", producerId: 7, producerEpoch: 0, coordinatorEpoch: 1, timestamp: 10 });
    expect((await caught(h.log.appendAsLeader(marker, { timestampType: "CreateTime", now: 0 }))).message).toMatch(/control records/);
    expect(h.log.logEndOffset).toBe(0);
    await h.log.appendAsLeader(marker, { timestampType: "CreateTime", now: 0, origin: "coordinator" });
    expect(h.log.logEndOffset).toBe(1);

    const c = await openHarness({ cleanupPolicy: ["compact"] }, "users-0");
    const keyless = encodeBatch({ records: [{ key: null, value: utf8("v"), timestamp: 1 }] });
    const e = await caught(c.log.appendAsLeader(keyless, { timestampType: "CreateTime", now: 0 }));
    expect(e.type).toBe("INVALID_RECORD");
    expect(e.message).toContain("users-0");
  });
});

describe("PartitionLog reads", () => {
  it("returns the batch holding every offset, from one segment", async () => {
    const h = await tenBatches();
    expect(h.log.logEndOffset).toBe(30);
    expect(h.log.segmentCount).toBe(4);
    for (let o = 0; o < 30; o++) {
      const data = await h.log.read(o, 1);
      const base = o - (o % 3);
      expect(batchRanges(data.bytes)).toEqual([[base, base + 2]]);
      expect(data.firstOffset).toBe(base);
      expect(data.nextOffset).toBe(base + 3);
      expect(data.highWatermark).toBe(30);
      expect(data.logStartOffset).toBe(0);
    }
    // A large read stops at the end of the segment holding the fetch offset.
    expect(batchRanges((await h.log.read(4, 1 << 20)).bytes)).toEqual([
      [3, 5],
      [6, 8],
    ]);
    const end = await h.log.read(30, 1000);
    expect(end.bytes.length).toBe(0);
    expect(end.nextOffset).toBe(30);
  });

  it("honours maxBytes in whole batches, minOneBatch and maxOffset", async () => {
    const h = await tenBatches({ segmentBytes: 1 << 20 });
    expect(batchRanges((await h.log.read(0, 2 * B3 + 10)).bytes)).toEqual([
      [0, 2],
      [3, 5],
    ]);
    expect((await h.log.read(0, B3 - 1, { minOneBatch: false })).bytes.length).toBe(0);
    expect(batchRanges((await h.log.read(0, B3 - 1)).bytes)).toEqual([[0, 2]]);
    expect(batchRanges((await h.log.read(0, 1 << 20, { maxOffset: 6 })).bytes)).toEqual([
      [0, 2],
      [3, 5],
    ]);
    // A batch holding the bound is not returned even if it starts below it.
    expect(batchRanges((await h.log.read(0, 1 << 20, { maxOffset: 5 })).bytes)).toEqual([[0, 2]]);
    const none = await h.log.read(4, 1 << 20, { maxOffset: 5 });
    expect(none.bytes.length).toBe(0);
    expect(none.nextOffset).toBe(4);
  });

  it("answers OFFSET_OUT_OF_RANGE outside [logStartOffset, LEO], naming the partition and range", async () => {
    const h = await tenBatches();
    for (const bad of [-1, 31, 1000]) {
      const e = await caught(h.log.read(bad, 100));
      expect(e.type).toBe("OFFSET_OUT_OF_RANGE");
      expect(e.message).toContain("orders-0");
      expect(e.message).toContain("[0, 30)");
    }
    await h.log.setLogStartOffset(5);
    const e = await caught(h.log.read(4, 100));
    expect(e.message).toContain("[5, 30)");
    // The batch holding the log start offset comes back whole.
    expect(batchRanges((await h.log.read(5, 1)).bytes)).toEqual([[3, 5]]);
  });

  it("finds the first offset at or after a timestamp", async () => {
    const h = await openHarness({ indexIntervalBytes: 0, segmentBytes: 4 * B3 });
    const stamps = [100, 200, 300, 250, 400, 400, 500];
    for (const ts of stamps) await produce(h.log, ["a", "b", "c"], ts);
    // Records inside one batch with their own timestamps.
    await h.log.appendAsLeader(
      encodeBatch({ records: [10, 700, 650].map((timestamp) => ({ key: null, value: utf8("x"), timestamp })) }),
      { timestampType: "CreateTime", now: 0 },
    );
    expect(await h.log.offsetForTimestamp(50)).toEqual({ offset: 0, timestamp: 100 });
    expect(await h.log.offsetForTimestamp(100)).toEqual({ offset: 0, timestamp: 100 });
    expect(await h.log.offsetForTimestamp(150)).toEqual({ offset: 3, timestamp: 200 });
    expect(await h.log.offsetForTimestamp(260)).toEqual({ offset: 6, timestamp: 300 });
    expect(await h.log.offsetForTimestamp(400)).toEqual({ offset: 12, timestamp: 400 });
    expect(await h.log.offsetForTimestamp(660)).toEqual({ offset: 22, timestamp: 700 });
    expect(await h.log.offsetForTimestamp(701)).toBeUndefined();
    await h.log.setLogStartOffset(7);
    expect(await h.log.offsetForTimestamp(150)).toEqual({ offset: 7, timestamp: 300 });
  });

  it("uses the append time for every record of a LogAppendTime batch", async () => {
    const h = await openHarness();
    await h.log.appendAsLeader(batchOf(["a", "b"], 10), { timestampType: "LogAppendTime", now: 5000 });
    await h.log.appendAsLeader(batchOf(["c"], 20), { timestampType: "LogAppendTime", now: 6000 });
    expect(await h.log.offsetForTimestamp(11)).toEqual({ offset: 0, timestamp: 5000 });
    expect(await h.log.offsetForTimestamp(5001)).toEqual({ offset: 2, timestamp: 6000 });
  });
});

describe("PartitionLog truncation and follower appends", () => {
  it("truncates whole batches from an offset on, deleting later segments", async () => {
    const h = await tenBatches();
    await h.log.truncateTo(13);
    expect(h.log.logEndOffset).toBe(12);
    expect(h.log.highWatermark).toBe(12);
    expect(h.log.segmentInfos().map((s) => [s.baseOffset, s.nextOffset, s.isActive])).toEqual([
      [0, 9, false],
      [9, 12, true],
    ]);
    expect((await h.storage.list("orders-0")).filter((n) => n.endsWith(".log"))).toEqual(["00000000000000000000.log", "00000000000000000009.log"]);
    expect(h.events.at(-1)).toEqual({ type: "truncated", log: "orders-0", from: 30, to: 12 });
    const info = await produce(h.log, ["n"]);
    expect(info.firstOffset).toBe(12);
    expect((await readEverything(h.log)).map((r) => r.offset)).toEqual([...Array(13).keys()]);
    await h.log.close();
    const again = await h.reopen();
    expect(again.logEndOffset).toBe(13);
    expect((await readEverything(again)).map((r) => r.offset)).toEqual([...Array(13).keys()]);
  });

  it("truncating at a segment's base offset leaves it empty and active; above LEO does nothing", async () => {
    const h = await tenBatches();
    await h.log.truncateTo(40);
    expect(h.log.logEndOffset).toBe(30);
    await h.log.truncateTo(9);
    expect(h.log.segmentInfos().map((s) => [s.baseOffset, s.sizeInBytes, s.isActive])).toEqual([
      [0, 3 * B3, false],
      [9, 0, true],
    ]);
    await produce(h.log, ["z"]);
    expect((await h.log.read(9, 100)).firstOffset).toBe(9);
  });

  it("truncating below the first segment starts the log over at that offset", async () => {
    const h = await tenBatches();
    await h.log.deleteOldestSegments(2, "retention-time");
    expect(h.log.logStartOffset).toBe(18);
    await h.log.truncateTo(5);
    expect(h.log.logStartOffset).toBe(5);
    expect(h.log.logEndOffset).toBe(5);
    expect(h.log.segmentInfos().map((s) => s.baseOffset)).toEqual([5]);
    expect((await produce(h.log, ["q"])).firstOffset).toBe(5);
  });

  it("appends a leader's batches with their own offsets, refusing offsets below LEO", async () => {
    const h = await openHarness();
    await h.log.appendAsFollower(concat([batchOf(["a", "b"], 1, { baseOffset: 0 }), batchOf(["c"], 1, { baseOffset: 2 })]));
    expect(h.log.logEndOffset).toBe(3);
    const e = await caught(h.log.appendAsFollower(batchOf(["x"], 1, { baseOffset: 2 })));
    expect(e.type).toBe("INVALID_RECORD");
    expect(e.message).toContain("orders-0");
    // A compacted leader leaves gaps; the follower keeps them.
    await h.log.appendAsFollower(batchOf(["d"], 1, { baseOffset: 10 }));
    expect(h.log.logEndOffset).toBe(11);
    h.log.setHighWatermark(11);
    expect((await readEverything(h.log)).map((r) => `${r.offset}:${r.value}`)).toEqual(["0:a", "1:b", "2:c", "10:d"]);
    // Reading from an offset inside the gap returns the next batch.
    expect((await h.log.read(5, 100)).firstOffset).toBe(10);
  });

  it("keeps the high watermark within [logStartOffset, LEO]", async () => {
    const h = await tenBatches();
    h.log.setHighWatermark(100);
    expect(h.log.highWatermark).toBe(30);
    h.log.setHighWatermark(10);
    expect(h.log.highWatermark).toBe(10);
    await h.log.truncateTo(6);
    expect(h.log.highWatermark).toBe(6);
    const e = await caught(h.log.setLogStartOffset(7));
    expect(e.type).toBe("OFFSET_OUT_OF_RANGE");
  });
});

describe("PartitionLog segment deletion and log start offset", () => {
  it("deletes whole oldest segments and moves logStartOffset to the next base", async () => {
    const h = await tenBatches();
    await h.log.deleteOldestSegments(2, "retention-bytes");
    expect(h.log.logStartOffset).toBe(18);
    expect(h.log.segmentInfos().map((s) => s.baseOffset)).toEqual([18, 27]);
    const deleted = h.events.filter((e) => e.type === "segment-deleted");
    expect(deleted).toEqual([
      { type: "segment-deleted", log: "orders-0", baseOffset: 0, sizeInBytes: 3 * B3, reason: "retention-bytes" },
      { type: "segment-deleted", log: "orders-0", baseOffset: 9, sizeInBytes: 3 * B3, reason: "retention-bytes" },
    ]);
    expect(h.events.at(-1)).toEqual({ type: "log-start-offset-moved", log: "orders-0", from: 0, to: 18, reason: "retention-bytes" });
    expect((await h.storage.list("orders-0")).filter((n) => n.includes(".log"))).toEqual(["00000000000000000018.log", "00000000000000000027.log"]);
  });

  it("rolls before deleting every segment, and never deletes an empty active segment", async () => {
    const h = await tenBatches();
    await h.log.deleteOldestSegments(10, "retention-time");
    expect(h.log.segmentInfos().map((s) => [s.baseOffset, s.sizeInBytes])).toEqual([[30, 0]]);
    expect(h.log.logStartOffset).toBe(30);
    expect(h.log.logEndOffset).toBe(30);
    await h.log.deleteOldestSegments(1, "retention-time");
    expect(h.log.segmentCount).toBe(1);
    expect((await produce(h.log, ["n"])).firstOffset).toBe(30);
  });

  it("refuses to delete data at or above the high watermark", async () => {
    const h = await tenBatches();
    h.log.setHighWatermark(12);
    expect((await caught(h.log.deleteOldestSegments(2, "retention-time"))).type).toBe("OFFSET_OUT_OF_RANGE");
    await h.log.deleteOldestSegments(1, "retention-time");
    expect(h.log.logStartOffset).toBe(9);
  });

  it("keeps a DeleteRecords log start offset inside a segment across a reopen", async () => {
    const h = await tenBatches();
    await h.log.setLogStartOffset(4);
    await h.log.setLogStartOffset(2); // never backwards
    expect(h.log.logStartOffset).toBe(4);
    await h.log.close();
    const again = await h.reopen();
    expect(again.logStartOffset).toBe(4);
    expect((await readEverything(again))[0]!.offset).toBe(4);
  });
});

describe("PartitionLog segment swap (for the cleaner)", () => {
  async function compactFirstTwo() {
    const h = await tenBatches();
    const seg0 = await h.log.readSegment(0);
    const seg9 = await h.log.readSegment(9);
    // Keep the batches [3..5] and [12..14] only.
    const pick = (segment: Uint8Array, base: number) =>
      [...batchesIn(segment)].filter(({ header }) => header.baseOffset === base).map(({ pos, header }) => segment.slice(pos, pos + header.batchLength + 12));
    const keep = [...pick(seg0, 3), ...pick(seg9, 12)];
    return { h, bytes: concat(keep) };
  }

  it("replaces segments by one, keeping offsets, with no temporary files left", async () => {
    const { h, bytes } = await compactFirstTwo();
    await h.log.replaceSegments([0, 9], bytes, 0);
    expect(h.log.segmentInfos().map((s) => [s.baseOffset, s.nextOffset, s.sizeInBytes])).toEqual([
      [0, 15, bytes.length],
      [18, 27, 3 * B3],
      [27, 30, B3],
    ]);
    expect(h.events.at(-1)).toEqual({ type: "segments-replaced", log: "orders-0", old: [0, 9], new: 0 });
    const names = await h.storage.list("orders-0");
    expect(names.filter((n) => /cleaned|swap|deleted/.test(n))).toEqual([]);
    expect(names.filter((n) => n.endsWith(".log"))).toEqual(["00000000000000000000.log", "00000000000000000018.log", "00000000000000000027.log"]);
    // A consumer at a removed offset gets the next surviving batch.
    expect((await h.log.read(0, 1)).firstOffset).toBe(3);
    expect((await h.log.read(6, 1)).firstOffset).toBe(12);
    const offsets = (await readEverything(h.log)).map((r) => r.offset);
    expect(offsets).toEqual([3, 4, 5, 12, 13, 14, ...Array.from({ length: 12 }, (_, i) => 18 + i)]);
    await h.log.close();
    expect((await readEverything(await h.reopen())).map((r) => r.offset)).toEqual(offsets);
  });

  it("refuses the active segment, gaps in the list and batches outside the replaced range", async () => {
    const { h, bytes } = await compactFirstTwo();
    expect((await caught(h.log.replaceSegments([27], new Uint8Array(0), 27))).message).toMatch(/active/);
    expect((await caught(h.log.replaceSegments([0, 18], bytes, 0))).message).toMatch(/consecutive/);
    expect((await caught(h.log.replaceSegments([0], bytes, 0))).message).toMatch(/outside/);
  });

  it("completes an interrupted swap on open, or discards unfinished .cleaned output", async () => {
    const { h, bytes } = await compactFirstTwo();
    await h.log.close();
    const write = async (name: string, data: Uint8Array) => {
      const f = await h.storage.open(`orders-0/${name}`, { create: true });
      f.write(0, data);
      f.close();
    };
    // Unfinished cleaning: ignored and removed.
    await write("00000000000000000000.log.cleaned", bytes);
    await write("00000000000000000000.index.cleaned", new Uint8Array(8));
    let log = await h.reopen();
    expect((await readEverything(log)).length).toBe(30);
    expect((await h.storage.list("orders-0")).some((n) => n.includes("cleaned"))).toBe(false);
    await log.close();
    // Committed swap (crash after the .swap rename): the originals it covers are replaced.
    await write("00000000000000000000.log.swap", bytes);
    await write("00000000000000000000.timeindex.swap", new Uint8Array(12));
    log = await h.reopen();
    expect(log.segmentInfos().map((s) => s.baseOffset)).toEqual([0, 18, 27]);
    expect((await readEverything(log)).map((r) => r.offset).slice(0, 7)).toEqual([3, 4, 5, 12, 13, 14, 18]);
    expect((await h.storage.list("orders-0")).some((n) => n.includes("swap"))).toBe(false);
  });
});

describe("PartitionLog lifecycle", () => {
  it("reopens after a clean close with the same offsets, segments and records", async () => {
    const h = await tenBatches();
    await h.log.setLogStartOffset(2);
    const before = { infos: h.log.segmentInfos().map((s) => [s.baseOffset, s.nextOffset, s.sizeInBytes]), records: await readEverything(h.log) };
    await h.log.close();
    expect((await caught(h.log.read(0, 10))).type).toBe("ILLEGAL_STATE");
    const log = await h.reopen();
    expect(log.logStartOffset).toBe(2);
    expect(log.logEndOffset).toBe(30);
    expect(log.highWatermark).toBe(30);
    expect(log.segmentInfos().map((s) => [s.baseOffset, s.nextOffset, s.sizeInBytes])).toEqual(before.infos);
    expect(await readEverything(log)).toEqual(before.records);
    expect(h.events.at(-1)).toEqual({ type: "recovered", log: "orders-0", truncatedBytes: 0, deletedSegments: [], recoveredSegments: [27] });
    expect((await produce(log, ["n"])).firstOffset).toBe(30);
  });

  it("serves reads of closed segments through a small cache of open files", async () => {
    const storage = new CountingStorage(new MemoryStorage());
    const log = await PartitionLog.open(storage, "t-0", logConfig({ segmentBytes: B }), new VirtualClock(0), undefined, { openSegmentCache: 2 });
    for (let i = 0; i < 6; i++) await log.appendAsLeader(batchOf([`${i}`]), { timestampType: "CreateTime", now: 0 });
    log.setHighWatermark(6);
    expect(storage.openNow()).toBeLessThanOrEqual(3 + 2);
    for (let round = 0; round < 2; round++) for (let o = 0; o < 6; o++) expect(recordsIn((await log.read(o, 100)).bytes)[0]!.offset).toBe(o);
    expect(storage.openNow()).toBeLessThanOrEqual(3 + 2);
    await log.close();
    expect(storage.openNow()).toBe(0);
  });

  it("flush() reaches the active segment's .log (group commit)", async () => {
    const storage = new CountingStorage(new MemoryStorage());
    const log = await PartitionLog.open(storage, "t-0", logConfig(), new VirtualClock(0));
    await log.appendAsLeader(batchOf(["a"]), { timestampType: "CreateTime", now: 0 });
    const before = storage.flushes("t-0/00000000000000000000.log");
    log.flush();
    expect(storage.flushes("t-0/00000000000000000000.log")).toBe(before + 1);
  });

  it("reads a batch header back exactly as appended (real Kafka bytes)", async () => {
    const h = await openHarness();
    const batch = batchOf(["a", "b"], 1700000000000);
    await h.log.appendAsLeader(batch, { timestampType: "CreateTime", now: 0 });
    await produce(h.log, ["c"]);
    const bytes = (await h.log.read(0, 1)).bytes;
    expect(bytes).toEqual(batch); // offsets were rewritten in place: the caller's buffer is what is stored
    expect(readBatchHeader(bytes).baseOffset).toBe(0);
  });
});

/** Storage wrapper counting writes and flushes per path, and open handles. */
class CountingStorage implements Storage {
  readonly kind;
  private readonly writeCounts = new Map<string, number>();
  private readonly flushCounts = new Map<string, number>();
  private open_ = 0;
  constructor(private readonly inner: Storage) {
    this.kind = inner.kind;
  }
  writes(path: string): number {
    return this.writeCounts.get(path) ?? 0;
  }
  flushes(path: string): number {
    return this.flushCounts.get(path) ?? 0;
  }
  openNow(): number {
    return this.open_;
  }
  async open(path: string, options?: { create?: boolean }): Promise<StorageFile> {
    const file = await this.inner.open(path, options);
    this.open_++;
    let closed = false;
    const bump = (m: Map<string, number>) => m.set(path, (m.get(path) ?? 0) + 1);
    return {
      path: file.path,
      size: () => file.size(),
      read: (p, l) => file.read(p, l),
      write: (p, d) => {
        bump(this.writeCounts);
        file.write(p, d);
      },
      truncate: (s) => file.truncate(s),
      flush: () => {
        bump(this.flushCounts);
        file.flush();
      },
      close: () => {
        if (!closed) this.open_--;
        closed = true;
        file.close();
      },
    };
  }
  exists(path: string) {
    return this.inner.exists(path);
  }
  list(dir: string) {
    return this.inner.list(dir);
  }
  remove(path: string) {
    return this.inner.remove(path);
  }
  rename(from: string, to: string) {
    return this.inner.rename(from, to);
  }
  mkdir(dir: string) {
    return this.inner.mkdir(dir);
  }
}
