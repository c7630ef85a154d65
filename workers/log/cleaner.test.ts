import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { cleanOnce, type CheckpointStore, type CleanableLog, type CleanerConfig, type CleanOptions } from "./cleaner";
import { logConfig } from "./log-config";
import {
  batchesIn,
  decodeControlRecord,
  decodeRecords,
  deleteHorizonMs,
  encodeBatch,
  encodeControlBatch,
  isControl,
  lastOffset,
  nextOffset,
  readBatchHeader,
  setBaseOffset,
  timestampType,
  utf8,
  validateBatch,
  type BatchHeader,
  type RecordInput,
} from "./record-batch";

const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

/** A partition log reduced to what the cleaner touches: segments of batch bytes, explicit rolls. */
class FakeLog implements CleanableLog {
  segments: Array<{ base: number; bytes: Uint8Array }> = [{ base: 0, bytes: new Uint8Array(0) }];
  logEndOffset = 0;
  logStartOffset = 0;
  lastStableOffset?: number;
  replaced: Array<{ old: number[]; base: number }> = [];

  get highWatermark(): number {
    return this.logEndOffset;
  }

  /** Append a batch (offsets assigned here, as the broker does). */
  appendBatch(bytes: Uint8Array): number {
    const copy = bytes.slice();
    setBaseOffset(copy, 0, this.logEndOffset);
    const h = readBatchHeader(copy);
    const active = this.segments[this.segments.length - 1]!;
    const joined = new Uint8Array(active.bytes.length + copy.length);
    joined.set(active.bytes);
    joined.set(copy, active.bytes.length);
    active.bytes = joined;
    const base = this.logEndOffset;
    this.logEndOffset = nextOffset(h);
    return base;
  }

  /** One single-record batch per entry: [key, value, timestamp]. */
  append(...records: Array<[string | null, string | null, number?]>): void {
    for (const [k, v, ts] of records) {
      this.appendBatch(encodeBatch({ records: [{ key: k === null ? null : utf8(k), value: v === null ? null : utf8(v), timestamp: ts ?? 0 }] }));
    }
  }

  roll(): void {
    this.segments.push({ base: this.logEndOffset, bytes: new Uint8Array(0) });
  }

  segmentInfos() {
    return this.segments.map((s, i) => {
      let firstTimestamp = -1;
      let largestTimestamp = -1;
      for (const { header } of batchesIn(s.bytes)) {
        if (firstTimestamp === -1) firstTimestamp = header.maxTimestamp;
        largestTimestamp = Math.max(largestTimestamp, header.maxTimestamp);
      }
      return { baseOffset: s.base, sizeInBytes: s.bytes.length, firstTimestamp, largestTimestamp, isActive: i === this.segments.length - 1 };
    });
  }

  async readSegment(baseOffset: number): Promise<Uint8Array> {
    const s = this.segments.find((x) => x.base === baseOffset);
    if (!s) throw new Error(`no segment ${baseOffset}`);
    return s.bytes.slice();
  }

  async replaceSegments(old: number[], bytes: Uint8Array, base: number): Promise<void> {
    this.replaced.push({ old, base });
    const first = this.segments.findIndex((s) => s.base === old[0]);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(this.segments.slice(first, first + old.length).map((s) => s.base)).toEqual(old);
    expect(this.segments[first + old.length - 1]).not.toBe(this.segments[this.segments.length - 1]);
    this.segments.splice(first, old.length, { base, bytes: bytes.slice() });
  }

  batches(): Array<{ header: BatchHeader; bytes: Uint8Array; pos: number }> {
    const out = [];
    for (const s of this.segments) for (const { pos, header } of batchesIn(s.bytes)) out.push({ header, bytes: s.bytes, pos });
    return out;
  }

  /** Data records in offset order (control records left out, as a consumer sees them). */
  records() {
    return this.batches()
      .filter((b) => !isControl(b.header))
      .flatMap((b) => decodeRecords(b.bytes, b.pos))
      .map((r) => ({ offset: r.offset, key: text(r.key), value: text(r.value), timestamp: r.timestamp }));
  }

  offsets(): number[] {
    return this.records().map((r) => r.offset);
  }

  /** What a fetch at `offset` returns first: the first record at or after it. */
  fetchFirst(offset: number) {
    return this.records().find((r) => r.offset >= offset);
  }
}

class MemoryCheckpoint implements CheckpointStore {
  value: number | undefined;
  writes: number[] = [];
  async read() {
    return this.value;
  }
  async write(offset: number) {
    this.value = offset;
    this.writes.push(offset);
  }
}

const CONFIG: CleanerConfig = logConfig({ cleanupPolicy: ["compact"] });

function opts(checkpoint: MemoryCheckpoint, extra: Partial<CleanOptions> = {}): CleanOptions {
  return { topicPartition: "t-0", checkpoint, ...extra };
}

const CLASSIC: Array<[string, string]> = [
  ["K1", "V1"], ["K2", "V2"], ["K1", "V3"], ["K1", "V4"], ["K3", "V5"], ["K2", "V6"],
  ["K4", "V7"], ["K5", "V8"], ["K5", "V9"], ["K2", "V10"], ["K6", "V11"],
];

describe("cleanOnce: the classic 11-record example", () => {
  it("keeps 3,4,6,8,9,10 when offsets 0..9 are in closed segments", async () => {
    const log = new FakeLog();
    CLASSIC.forEach(([k, v], i) => {
      log.append([k, v, 1000 + i]);
      if (i === 2 || i === 5 || i === 8 || i === 9) log.roll();
    });
    expect(log.segments.map((s) => s.base)).toEqual([0, 3, 6, 9, 10]);
    const cp = new MemoryCheckpoint();
    const event = await cleanOnce(log, CONFIG, 10_000, opts(cp));

    expect(log.records().map((r) => [r.offset, r.key, r.value])).toEqual([
      [3, "K1", "V4"], [4, "K3", "V5"], [6, "K4", "V7"], [8, "K5", "V9"], [9, "K2", "V10"], [10, "K6", "V11"],
    ]);
    expect(event).toBeDefined();
    expect(event!.removed).toEqual([
      { offset: 0, key: "K1", reason: "superseded" },
      { offset: 1, key: "K2", reason: "superseded" },
      { offset: 2, key: "K1", reason: "superseded" },
      { offset: 5, key: "K2", reason: "superseded" },
      { offset: 7, key: "K5", reason: "superseded" },
    ]);
    expect(event!.removedCount).toBe(5);
    expect(event!.keptCount).toBe(5);
    expect(event!.dirtyRatioBefore).toBe(1);
    expect(event!.firstDirtyOffset).toBe(0);
    expect(event!.firstUncleanableOffset).toBe(10);
    // The four closed segments are small, so they merge into one starting at 0.
    expect(event!.segmentsBefore).toEqual([0, 3, 6, 9, 10]);
    expect(event!.segmentsAfter).toEqual([0, 10]);
    expect(log.replaced).toEqual([{ old: [0, 3, 6, 9], base: 0 }]);
    expect(cp.value).toBe(10);
    // Every rewritten batch is a valid v2 batch with its original offsets.
    for (const b of log.batches()) validateBatch(b.bytes, b.pos);
  });

  it("a fetch at a removed offset reads the next survivor; offsets never move", async () => {
    const log = new FakeLog();
    CLASSIC.forEach(([k, v], i) => {
      log.append([k, v]);
      if (i === 9) log.roll();
    });
    await cleanOnce(log, CONFIG, 0, opts(new MemoryCheckpoint()));
    expect(log.fetchFirst(0)).toMatchObject({ offset: 3, key: "K1", value: "V4" });
    expect(log.fetchFirst(5)).toMatchObject({ offset: 6, key: "K4", value: "V7" });
    expect(log.fetchFirst(7)).toMatchObject({ offset: 8, key: "K5", value: "V9" });
    expect(log.logEndOffset).toBe(11);
  });

  it("caps the listed removals but counts them all", async () => {
    const log = new FakeLog();
    CLASSIC.forEach(([k, v], i) => {
      log.append([k, v]);
      if (i === 9) log.roll();
    });
    const event = await cleanOnce(log, CONFIG, 0, opts(new MemoryCheckpoint(), { maxRemovedListed: 2 }));
    expect(event!.removed.map((r) => r.offset)).toEqual([0, 1]);
    expect(event!.removedCount).toBe(5);
    expect(event!.removedByReason).toEqual({ superseded: 5, "tombstone-expired": 0, "no-key": 0, aborted: 0, "marker-expired": 0 });
  });

  it("counter-example: active segment at 6 maps only 0..5; a second pass after a roll reaches the same result", async () => {
    const log = new FakeLog();
    CLASSIC.forEach(([k, v], i) => {
      log.append([k, v]);
      if (i === 5) log.roll();
    });
    const cp = new MemoryCheckpoint();
    const first = await cleanOnce(log, CONFIG, 0, opts(cp));
    expect(log.offsets()).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(first!.firstUncleanableOffset).toBe(6);
    expect(cp.value).toBe(6);

    log.roll();
    log.append(["K7", "V12"]);
    const second = await cleanOnce(log, CONFIG, 0, opts(cp));
    expect(second).toBeDefined();
    // clean = {3,4,5}, dirty = 6..10: 5 of 8 records, same-sized batches except V10/V11.
    expect(second!.firstDirtyOffset).toBe(6);
    expect(second!.firstUncleanableOffset).toBe(11);
    expect(second!.dirtyRatioBefore).toBeGreaterThan(0.5);
    expect(second!.dirtyRatioBefore).toBeCloseTo(5 / 8, 1);
    expect(log.offsets()).toEqual([3, 4, 6, 8, 9, 10, 11]);
    expect(second!.removed.map((r) => r.offset)).toEqual([5, 7]);
  });
});

describe("cleanOnce: when a pass runs", () => {
  it("does nothing below min.cleanable.dirty.ratio unless forced", async () => {
    const log = new FakeLog();
    for (let i = 0; i < 6; i++) log.append([`K${i}`, "v"]);
    log.roll();
    log.append(["K0", "w"]);
    const cp = new MemoryCheckpoint();
    await cleanOnce(log, CONFIG, 0, opts(cp));
    expect(cp.value).toBe(6);
    // One dirty segment of 2 records against 6 clean ones: ratio 0.25.
    log.append(["K1", "w"]);
    log.roll();
    log.append(["K9", "x"]);
    expect(await cleanOnce(log, CONFIG, 0, opts(cp))).toBeUndefined();
    expect(log.offsets()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const forced = await cleanOnce(log, CONFIG, 0, opts(cp, { force: true }));
    expect(forced!.forced).toBe(true);
    expect(forced!.dirtyRatioBefore).toBeCloseTo(0.25, 5);
    expect(log.offsets()).toEqual([2, 3, 4, 5, 6, 7, 8]);
  });

  it("returns undefined when everything is in the active segment", async () => {
    const log = new FakeLog();
    log.append(["K1", "a"], ["K1", "b"]);
    expect(await cleanOnce(log, CONFIG, 0, opts(new MemoryCheckpoint(), { force: true }))).toBeUndefined();
    expect(log.offsets()).toEqual([0, 1]);
  });

  it("min.compaction.lag.ms keeps a recent segment dirty", async () => {
    const log = new FakeLog();
    log.append(["A", "1", 100], ["A", "2", 110]);
    log.roll();
    log.append(["A", "3", 900], ["B", "1", 950]);
    log.roll();
    log.append(["C", "1", 990]);
    const config = { ...CONFIG, minCompactionLagMs: 200 };
    const cp = new MemoryCheckpoint();
    // now - lag = 800: segment 2 (largest 950) is too young, so only segment 0 is cleaned.
    const event = await cleanOnce(log, config, 1000, opts(cp));
    expect(event!.firstUncleanableOffset).toBe(2);
    expect(log.offsets()).toEqual([1, 2, 3, 4]);
    expect(cp.value).toBe(2);
    // Later the lag has passed and the second segment is cleaned too.
    const later = await cleanOnce(log, config, 1200, opts(cp));
    expect(later!.firstDirtyOffset).toBe(2);
    expect(later!.firstUncleanableOffset).toBe(4);
    expect(log.offsets()).toEqual([2, 3, 4]);
  });

  it("max.compaction.lag.ms forces a pass below the dirty ratio", async () => {
    const log = new FakeLog();
    for (let i = 0; i < 8; i++) log.append([`K${i}`, "v", 100]);
    log.roll();
    log.append(["K0", "w", 200]);
    const cp = new MemoryCheckpoint();
    await cleanOnce(log, CONFIG, 300, opts(cp));
    log.append(["K0", "x", 300]);
    log.roll();
    log.append(["Z", "z", 5000]);
    // Dirty segment [8,10) holds 2 records against 8 clean: ratio 0.2.
    const config = { ...CONFIG, maxCompactionLagMs: 1000 };
    expect(await cleanOnce(log, config, 1200, opts(cp))).toBeUndefined(); // 1200 - 1000 = 200, first batch at 200: not older
    const event = await cleanOnce(log, config, 1201, opts(cp));
    expect(event).toBeDefined();
    expect(event!.forced).toBe(false);
    expect(event!.dirtyRatioBefore).toBeCloseTo(0.2, 5);
    expect(log.offsets()).toEqual([1, 2, 3, 4, 5, 6, 7, 9, 10]);
  });

  it("never cleans at or beyond the last stable offset", async () => {
    const log = new FakeLog();
    log.append(["A", "1"], ["A", "2"]);
    log.roll();
    log.append(["A", "3"], ["A", "4"]);
    log.roll();
    log.append(["B", "1"]);
    log.lastStableOffset = 3;
    const event = await cleanOnce(log, CONFIG, 0, opts(new MemoryCheckpoint()));
    // LSO 3 lies inside segment [2,4): cleaning stops at its base.
    expect(event!.firstUncleanableOffset).toBe(2);
    expect(log.offsets()).toEqual([1, 2, 3, 4]);
  });

  it("takes the LSO from the caller when the log does not track transactions", async () => {
    const log = new FakeLog();
    log.append(["A", "1"], ["A", "2"]);
    log.roll();
    log.append(["A", "3"]);
    log.roll();
    log.append(["B", "1"]);
    // LSO 1 lies in the first segment: nothing below it is a whole segment, nothing to clean.
    expect(await cleanOnce(log, CONFIG, 0, opts(new MemoryCheckpoint(), { lastStableOffset: 1 }))).toBeUndefined();
    expect(log.offsets()).toEqual([0, 1, 2, 3]);
    const next = await cleanOnce(log, CONFIG, 0, opts(new MemoryCheckpoint(), { lastStableOffset: 3 }));
    expect(next!.firstUncleanableOffset).toBe(3);
    expect(log.offsets()).toEqual([2, 3]);
  });

  it("restarts from the log start when the checkpoint fell below it", async () => {
    const log = new FakeLog();
    log.append(["A", "1"], ["A", "2"]);
    log.roll();
    log.append(["A", "3"]);
    log.roll();
    log.append(["B", "1"]);
    log.segments.shift();
    log.logStartOffset = 2;
    const cp = new MemoryCheckpoint();
    cp.value = 1;
    const event = await cleanOnce(log, CONFIG, 0, opts(cp));
    expect(cp.writes[0]).toBe(2);
    expect(event!.firstDirtyOffset).toBe(2);
    expect(cp.value).toBe(3);
  });
});

describe("cleanOnce: tombstones", () => {
  it("keeps a tombstone with a delete horizon, then drops it on a pass after the horizon", async () => {
    const log = new FakeLog();
    log.append(["A", "1", 10], ["B", "1", 11], ["A", null, 12]);
    log.roll();
    log.append(["C", "1", 13]);
    const config = { ...CONFIG, deleteRetentionMs: 500 };
    const cp = new MemoryCheckpoint();
    const first = await cleanOnce(log, config, 1000, opts(cp));
    expect(first!.horizonsStamped).toBe(1);
    expect(log.records().map((r) => [r.offset, r.key, r.value])).toEqual([[1, "B", "1"], [2, "A", null], [3, "C", "1"]]);
    const tombstoneBatch = log.batches().find((b) => lastOffset(b.header) === 2)!;
    expect(deleteHorizonMs(tombstoneBatch.header)).toBe(1500);
    // The record keeps its own timestamp although the base timestamp now holds the horizon.
    expect(log.records()[1]!.timestamp).toBe(12);

    // Before the horizon a pass keeps it, and does not move the horizon.
    const before = await cleanOnce(log, config, 1499, opts(cp, { force: true }));
    expect(before!.horizonsStamped).toBe(0);
    expect(log.offsets()).toEqual([1, 2, 3]);
    expect(deleteHorizonMs(log.batches().find((b) => lastOffset(b.header) === 2)!.header)).toBe(1500);

    // New dirty data makes the cleaner pick the log again once the horizon passed.
    log.append(["C", "2", 1600], ["E", "1", 1600]);
    log.roll();
    log.append(["D", "1", 1601]);
    const after = await cleanOnce(log, config, 1600, opts(cp));
    expect(after!.forced).toBe(false);
    expect(after!.removed).toEqual([
      { offset: 2, key: "A", reason: "tombstone-expired" },
      { offset: 3, key: "C", reason: "superseded" },
    ]);
    expect(log.offsets()).toEqual([1, 4, 5, 6]);
  });

  it("a tombstone superseded by a later value goes at once", async () => {
    const log = new FakeLog();
    log.append(["A", null], ["A", "back"]);
    log.roll();
    log.append(["Z", "z"]);
    const event = await cleanOnce(log, CONFIG, 0, opts(new MemoryCheckpoint()));
    expect(event!.removed).toEqual([{ offset: 0, key: "A", reason: "superseded" }]);
    expect(event!.horizonsStamped).toBe(0);
  });
});

describe("cleanOnce: batches", () => {
  it("drops records without a key", async () => {
    const log = new FakeLog();
    log.append(["A", "1"], [null, "orphan"], ["A", "2"]);
    log.roll();
    log.append(["B", "1"]);
    const event = await cleanOnce(log, CONFIG, 0, opts(new MemoryCheckpoint()));
    expect(event!.removed).toEqual([
      { offset: 0, key: "A", reason: "superseded" },
      { offset: 1, key: null, reason: "no-key" },
    ]);
    expect(log.offsets()).toEqual([2, 3]);
  });

  it("rewrites a multi-record batch with its offsets, producer fields and last offset delta", async () => {
    const log = new FakeLog();
    const records: RecordInput[] = ["A", "B", "A", "C", "B"].map((k, i) => ({ key: utf8(k), value: utf8(`v${i}`), timestamp: 100 + i, headers: [{ key: "h", value: utf8(String(i)) }] }));
    log.appendBatch(encodeBatch({ records, producerId: 42, producerEpoch: 3, baseSequence: 17, partitionLeaderEpoch: 5 }));
    log.appendBatch(encodeBatch({ records: [{ key: utf8("C"), value: utf8("last"), timestamp: 200 }], producerId: 42, producerEpoch: 3, baseSequence: 22 }));
    log.roll();
    log.append(["Z", "z"]);
    await cleanOnce(log, CONFIG, 0, opts(new MemoryCheckpoint()));
    const [first, second] = log.batches();
    validateBatch(first!.bytes, first!.pos);
    expect(first!.header).toMatchObject({ baseOffset: 0, lastOffsetDelta: 4, producerId: 42, producerEpoch: 3, baseSequence: 17, partitionLeaderEpoch: 5, recordsCount: 2 });
    // Survivors 2 (A) and 4 (B): the base timestamp is now the first survivor's.
    expect(first!.header.baseTimestamp).toBe(102);
    expect(first!.header.maxTimestamp).toBe(104);
    const kept = decodeRecords(first!.bytes, first!.pos);
    expect(kept.map((r) => [r.offset, text(r.key), text(r.value), r.timestamp, text(r.headers[0]!.value)])).toEqual([
      [2, "A", "v2", 102, "2"],
      [4, "B", "v4", 104, "4"],
    ]);
    expect(second!.header.baseOffset).toBe(5);
  });

  it("a rewritten LogAppendTime batch keeps the broker's time", async () => {
    const log = new FakeLog();
    const records: RecordInput[] = ["A", "B", "A"].map((k, i) => ({ key: utf8(k), value: utf8(`v${i}`), timestamp: 100 + i }));
    log.appendBatch(encodeBatch({ records, timestampType: "LogAppendTime", maxTimestamp: 5000 }));
    log.roll();
    log.append(["Z", "z"]);
    await cleanOnce(log, CONFIG, 0, opts(new MemoryCheckpoint()));
    const [b] = log.batches();
    validateBatch(b!.bytes, b!.pos);
    expect(timestampType(b!.header)).toBe("LogAppendTime");
    expect(b!.header).toMatchObject({ maxTimestamp: 5000, recordsCount: 2, lastOffsetDelta: 2 });
    expect(decodeRecords(b!.bytes, b!.pos).map((r) => [r.offset, text(r.key), r.timestamp])).toEqual([
      [1, "B", 5000],
      [2, "A", 5000],
    ]);
  });

  it("keeps the batch that ends the cleaned range even when it is emptied", async () => {
    const log = new FakeLog();
    log.append(["A", "1"], [null, "x"]);
    log.roll();
    log.append(["B", "1"]);
    await cleanOnce(log, CONFIG, 0, opts(new MemoryCheckpoint()));
    const batches = log.batches();
    expect(batches.map((b) => [b.header.baseOffset, b.header.recordsCount])).toEqual([[0, 1], [1, 0], [2, 1]]);
    validateBatch(batches[1]!.bytes, batches[1]!.pos);
    expect(batches[1]!.header.baseTimestamp).toBe(-1);
  });

  it("keeps an emptied batch that holds a tracked producer's last sequence", async () => {
    const log = new FakeLog();
    log.appendBatch(encodeBatch({ records: [{ key: utf8("A"), value: utf8("1"), timestamp: 5 }], producerId: 7, producerEpoch: 0, baseSequence: 0 }));
    log.appendBatch(encodeBatch({ records: [{ key: utf8("B"), value: utf8("1"), timestamp: 6 }], producerId: 8, producerEpoch: 0, baseSequence: 0 }));
    log.append(["A", "2"], ["B", "2"]);
    log.roll();
    log.append(["Z", "z"]);
    const activeProducers = new Map([[7, { lastDataOffset: 0, producerEpoch: 0 }]]);
    await cleanOnce(log, CONFIG, 0, opts(new MemoryCheckpoint(), { activeProducers }));
    expect(log.batches().map((b) => [b.header.baseOffset, b.header.recordsCount, b.header.producerId])).toEqual([
      [0, 0, 7],
      [2, 1, -1],
      [3, 1, -1],
      [4, 1, -1],
    ]);
  });

  it("merges small adjacent segments while they stay within segment.bytes", async () => {
    const log = new FakeLog();
    for (let i = 0; i < 12; i++) {
      log.append([`K${String(i).padStart(2, "0")}`, "value"]);
      if (i % 2 === 1) log.roll();
    }
    log.append(["Z", "z"]);
    const segSize = log.segmentInfos()[0]!.sizeInBytes;
    // Room for three two-record segments per group.
    const config = { ...CONFIG, segmentBytes: segSize * 3 };
    const event = await cleanOnce(log, config, 0, opts(new MemoryCheckpoint()));
    expect(event!.segmentsBefore).toEqual([0, 2, 4, 6, 8, 10, 12]);
    expect(event!.segmentsAfter).toEqual([0, 6, 12]);
    expect(log.offsets()).toEqual([...Array(13).keys()]);
  });
});

describe("cleanOnce: transactions", () => {
  const txBatch = (key: string, value: string, producerId: number) =>
    encodeBatch({ records: [{ key: utf8(key), value: utf8(value), timestamp: 1 }], transactional: true, producerId, producerEpoch: 0, baseSequence: 0 });
  const marker = (type: "ABORT" | "COMMIT", producerId: number) => encodeControlBatch({ type, producerId, producerEpoch: 0, coordinatorEpoch: 0, timestamp: 2 });

  function markers(log: FakeLog) {
    return log.batches().filter((b) => isControl(b.header)).map((b) => ({
      offset: b.header.baseOffset,
      count: b.header.recordsCount,
      type: b.header.recordsCount ? decodeControlRecord(decodeRecords(b.bytes, b.pos)[0]!).type : undefined,
      horizon: deleteHorizonMs(b.header),
    }));
  }

  it("drops aborted data, then the ABORT marker after its horizon", async () => {
    const log = new FakeLog();
    log.append(["A", "1"]);
    log.appendBatch(txBatch("A", "aborted", 9)); // 1
    log.appendBatch(txBatch("B", "aborted", 9)); // 2
    log.appendBatch(marker("ABORT", 9)); // 3
    log.append(["C", "1"]); // 4
    log.roll();
    log.append(["Z", "z"]);
    const config = { ...CONFIG, deleteRetentionMs: 100 };
    const cp = new MemoryCheckpoint();
    const first = await cleanOnce(log, config, 1000, opts(cp));
    expect(first!.removed).toEqual([
      { offset: 1, key: "A", reason: "aborted" },
      { offset: 2, key: "B", reason: "aborted" },
    ]);
    // The aborted value of A did not supersede offset 0.
    expect(log.records().map((r) => [r.offset, r.value])).toEqual([[0, "1"], [4, "1"], [5, "z"]]);
    // The marker stays; its transaction's batches were still there when this pass began.
    expect(markers(log)).toEqual([{ offset: 3, count: 1, type: "ABORT", horizon: undefined }]);

    await cleanOnce(log, config, 2000, opts(cp, { force: true }));
    expect(markers(log)).toEqual([{ offset: 3, count: 1, type: "ABORT", horizon: 2100 }]);
    const last = await cleanOnce(log, config, 2100, opts(cp, { force: true }));
    expect(markers(log)).toEqual([]);
    expect(last!.removed).toEqual([{ offset: 3, key: "ABORT", reason: "marker-expired" }]);
  });

  it("keeps a COMMIT marker while its transaction has batches, and committed data by the usual rule", async () => {
    const log = new FakeLog();
    log.appendBatch(txBatch("A", "committed", 4)); // 0
    log.appendBatch(marker("COMMIT", 4)); // 1
    log.append(["B", "1"]); // 2
    log.roll();
    log.append(["Z", "z"]);
    const cp = new MemoryCheckpoint();
    await cleanOnce(log, CONFIG, 1000, opts(cp));
    expect(log.offsets()).toEqual([0, 2, 3]);
    expect(markers(log)).toEqual([{ offset: 1, count: 1, type: "COMMIT", horizon: undefined }]);
    // A newer A supersedes the committed one; the emptied batch goes, then the marker gets a horizon.
    log.append(["A", "2"]);
    log.roll();
    log.append(["Y", "y"]);
    await cleanOnce(log, CONFIG, 1000, opts(cp, { force: true }));
    expect(log.offsets()).toEqual([2, 3, 4, 5]);
    expect(markers(log)).toEqual([{ offset: 1, count: 1, type: "COMMIT", horizon: undefined }]);
    await cleanOnce(log, CONFIG, 1000, opts(cp, { force: true }));
    expect(markers(log)).toEqual([{ offset: 1, count: 1, type: "COMMIT", horizon: 1000 + CONFIG.deleteRetentionMs }]);
  });

  it("uses the given aborted transactions instead of reading markers", async () => {
    const log = new FakeLog();
    log.appendBatch(txBatch("A", "x", 3)); // 0: its marker lies beyond the cleaned range
    log.append(["B", "1"]);
    log.roll();
    log.appendBatch(marker("ABORT", 3));
    log.roll();
    log.append(["Z", "z"]);
    log.lastStableOffset = 3;
    const derived = new FakeLog();
    derived.segments = log.segments.map((s) => ({ ...s }));
    derived.logEndOffset = log.logEndOffset;
    derived.lastStableOffset = 2;
    // Cleaning stops at 2 (LSO): the marker is not read, so the batch is kept for now.
    await cleanOnce(derived, CONFIG, 0, opts(new MemoryCheckpoint()));
    expect(derived.offsets()).toEqual([0, 1, 3]);
    log.lastStableOffset = 2;
    await cleanOnce(log, CONFIG, 0, opts(new MemoryCheckpoint(), { abortedTransactions: [{ producerId: 3, firstOffset: 0, lastOffset: 2 }] }));
    expect(log.offsets()).toEqual([1, 3]);
  });
});

describe("cleanOnce: property", () => {
  it("keeps exactly the latest record per key below the active segment, leaves the rest untouched, and preserves offsets", async () => {
    const op = fc.oneof(
      {
        weight: 8,
        arbitrary: fc.record({
          kind: fc.constant("append" as const),
          key: fc.integer({ min: 0, max: 12 }),
          tombstone: fc.boolean(),
          perBatch: fc.integer({ min: 1, max: 3 }),
        }),
      },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant("roll" as const) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant("clean" as const) }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 60 }), async (ops) => {
        const log = new FakeLog();
        const cp = new MemoryCheckpoint();
        const appended: Array<{ offset: number; key: string | null; value: string | null; timestamp: number }> = [];
        let n = 0;
        for (const o of ops) {
          if (o.kind === "roll") {
            if (log.segments[log.segments.length - 1]!.bytes.length > 0) log.roll();
          } else if (o.kind === "clean") {
            await cleanOnce(log, CONFIG, 0, opts(cp, { force: true }));
          } else {
            const records: RecordInput[] = [];
            for (let i = 0; i < o.perBatch; i++) {
              const key = `k${(o.key + i * 5) % 13}`;
              const value = o.tombstone && i === 0 ? null : `v${n}`;
              records.push({ key: utf8(key), value: value === null ? null : utf8(value), timestamp: n });
              appended.push({ offset: n, key, value, timestamp: n });
              n++;
            }
            log.appendBatch(encodeBatch({ records }));
          }
        }
        const activeBase = log.segments[log.segments.length - 1]!.base;
        await cleanOnce(log, CONFIG, 0, opts(cp, { force: true }));
        const after = log.records();

        const cleanable = appended.filter((r) => r.offset < activeBase);
        const latest = new Map<string, number>();
        for (const r of cleanable) latest.set(r.key!, r.offset);
        const expected = [...cleanable.filter((r) => latest.get(r.key!) === r.offset), ...appended.filter((r) => r.offset >= activeBase)];
        expect(after).toEqual(expected);
        const offsets = after.map((r) => r.offset);
        for (let i = 1; i < offsets.length; i++) expect(offsets[i]!).toBeGreaterThan(offsets[i - 1]!);
        for (const b of log.batches()) validateBatch(b.bytes, b.pos);
        expect(cp.value).toBe(activeBase > 0 ? activeBase : undefined);
        expect(log.logEndOffset).toBe(n);
      }),
      { seed: 20240611, numRuns: 200 },
    );
  });
});
