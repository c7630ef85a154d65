import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { MemoryStorage } from "../storage/memory-storage";
import { VirtualClock } from "../runtime/clock";
import { PartitionLog } from "./partition-log";
import { logConfig, type LogConfig } from "./log-config";
import { CleanerCheckpoint } from "./cleaner-checkpoint";
import { cleanOnce } from "./cleaner";
import { batchesIn, decodeRecords, encodeBatch, isControl, utf8 } from "./record-batch";

const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

async function openLog(storage: MemoryStorage, clock: VirtualClock, overrides: Partial<LogConfig> = {}) {
  return PartitionLog.open(storage, "classic-0", logConfig({ cleanupPolicy: ["compact"], ...overrides }), clock, undefined);
}

async function produce(log: PartitionLog, clock: VirtualClock, key: string, value: string | null) {
  const batch = encodeBatch({ records: [{ key: utf8(key), value: value === null ? null : utf8(value), timestamp: clock.now() }] });
  await log.appendAsLeader(batch, { timestampType: "CreateTime", now: clock.now() });
  // A single broker commits on append; the cleaner never goes above the high watermark.
  log.setHighWatermark(log.logEndOffset);
}

/** Everything a consumer reading from `from` gets, fetching batch by batch. */
async function consume(log: PartitionLog, from: number) {
  const out: Array<{ offset: number; key: string | null; value: string | null }> = [];
  let offset = from;
  while (offset < log.logEndOffset) {
    const data = await log.read(offset, 1 << 20);
    if (data.bytes.length === 0) break;
    for (const { pos, header } of batchesIn(data.bytes)) {
      if (isControl(header)) continue;
      for (const r of decodeRecords(data.bytes, pos)) if (r.offset >= offset) out.push({ offset: r.offset, key: text(r.key), value: text(r.value) });
    }
    offset = data.nextOffset;
  }
  return out;
}

const CLASSIC: Array<[string, string]> = [
  ["K1", "V1"], ["K2", "V2"], ["K1", "V3"], ["K1", "V4"], ["K3", "V5"], ["K2", "V6"],
  ["K4", "V7"], ["K5", "V8"], ["K5", "V9"], ["K2", "V10"], ["K6", "V11"],
];

describe("cleanOnce on a PartitionLog", () => {
  it("compacts the classic example with segments rolled by segment.bytes, and survives a reopen", async () => {
    const storage = new MemoryStorage();
    const clock = new VirtualClock(1_000);
    // Three single-record batches fill a segment.
    const batchBytes = encodeBatch({ records: [{ key: utf8("K1"), value: utf8("V1"), timestamp: 1_000 }] }).length;
    const log = await openLog(storage, clock, { segmentBytes: batchBytes * 3 + 6 });
    for (const [k, v] of CLASSIC) await produce(log, clock, k, v);
    // segment.bytes rolled every three batches; offset 10 landed in the active segment 9.
    expect(log.segmentInfos().map((s) => s.baseOffset)).toEqual([0, 3, 6, 9]);
    // Offsets 0..9 must sit in closed segments: roll, as appending past segment.bytes would.
    await log.roll();
    await produce(log, clock, "K7", "V12");
    expect(log.segmentInfos().map((s) => s.baseOffset)).toEqual([0, 3, 6, 9, 11]);
    const checkpoint = new CleanerCheckpoint(storage, log.dir);
    const event = await cleanOnce(log, log.config, clock.now(), { topicPartition: log.dir, checkpoint });

    expect(event!.removed.map((r) => r.offset)).toEqual([0, 1, 2, 5, 7]);
    const surviving = (await consume(log, 0)).filter((r) => r.offset <= 10);
    expect(surviving).toEqual([
      { offset: 3, key: "K1", value: "V4" },
      { offset: 4, key: "K3", value: "V5" },
      { offset: 6, key: "K4", value: "V7" },
      { offset: 8, key: "K5", value: "V9" },
      { offset: 9, key: "K2", value: "V10" },
      { offset: 10, key: "K6", value: "V11" },
    ]);
    // A fetch at a removed offset starts with the next survivor.
    expect((await consume(log, 5))[0]).toEqual({ offset: 6, key: "K4", value: "V7" });
    expect((await consume(log, 7))[0]).toEqual({ offset: 8, key: "K5", value: "V9" });
    // Groups are sized by the segments' bytes before cleaning, as Kafka does: full segments
    // do not merge on this pass...
    expect(event!.segmentsBefore.filter((b) => b < 10)).toEqual([0, 3, 6, 9]);
    expect(event!.segmentsAfter.filter((b) => b < 10)).toEqual([0, 3, 6, 9]);
    // ...but once cleaning shrank them, the next pass merges neighbours that now fit: the
    // emptied segment 0 and segment 3 (segment 9 also holds offset 10, too big to join 6).
    const again = await cleanOnce(log, log.config, clock.now(), { checkpoint, force: true });
    expect(again!.segmentsAfter.filter((b) => b < 10)).toEqual([0, 6, 9]);
    expect(again!.removedCount).toBe(0);
    expect(await checkpoint.read()).toBe(event!.firstUncleanableOffset);

    const leo = log.logEndOffset;
    await log.close();
    const reopened = await openLog(storage, clock, { segmentBytes: batchBytes * 3 + 6 });
    expect(reopened.logEndOffset).toBe(leo);
    expect((await consume(reopened, 0)).map((r) => r.offset).filter((o) => o <= 10)).toEqual([3, 4, 6, 8, 9, 10]);
    expect(await new CleanerCheckpoint(storage, reopened.dir).read()).toBe(event!.firstUncleanableOffset);
  });

  it("expires a tombstone on a later pass after delete.retention.ms, driven by now", async () => {
    const storage = new MemoryStorage();
    const clock = new VirtualClock(10_000);
    const log = await openLog(storage, clock, { deleteRetentionMs: 5_000 });
    const checkpoint = new CleanerCheckpoint(storage, log.dir);
    await produce(log, clock, "user-1", "alice");
    await produce(log, clock, "user-2", "bob");
    await produce(log, clock, "user-1", null);
    await log.roll();
    await produce(log, clock, "user-3", "carol");

    const first = await cleanOnce(log, log.config, clock.now(), { topicPartition: log.dir, checkpoint });
    expect(first!.horizonsStamped).toBe(1);
    expect(await consume(log, 0)).toEqual([
      { offset: 1, key: "user-2", value: "bob" },
      { offset: 2, key: "user-1", value: null },
      { offset: 3, key: "user-3", value: "carol" },
    ]);

    clock.set(14_999);
    await cleanOnce(log, log.config, clock.now(), { topicPartition: log.dir, checkpoint, force: true });
    expect((await consume(log, 0)).map((r) => r.offset)).toEqual([1, 2, 3]);

    clock.set(15_000);
    const last = await cleanOnce(log, log.config, clock.now(), { topicPartition: log.dir, checkpoint, force: true });
    expect(last!.removed).toEqual([{ offset: 2, key: "user-1", reason: "tombstone-expired" }]);
    expect((await consume(log, 0)).map((r) => r.offset)).toEqual([1, 3]);
    // Removing the record does not move the log end or the log start.
    expect(log.logEndOffset).toBe(4);
    expect(log.logStartOffset).toBe(0);
  });

  it("property: interleaved appends, rolls and passes leave the latest record per key below the active segment, offsets kept", async () => {
    const op = fc.oneof(
      { weight: 6, arbitrary: fc.record({ kind: fc.constant("append" as const), key: fc.integer({ min: 0, max: 9 }), tombstone: fc.boolean() }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant("roll" as const) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant("clean" as const) }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), async (ops) => {
        const storage = new MemoryStorage();
        const clock = new VirtualClock(0);
        const log = await openLog(storage, clock);
        const checkpoint = new CleanerCheckpoint(storage, log.dir);
        const appended: Array<{ offset: number; key: string; value: string | null }> = [];
        for (const o of ops) {
          if (o.kind === "roll") await log.roll();
          else if (o.kind === "clean") await cleanOnce(log, log.config, clock.now(), { checkpoint, force: true });
          else {
            const value = o.tombstone ? null : `v${appended.length}`;
            appended.push({ offset: log.logEndOffset, key: `k${o.key}`, value });
            await produce(log, clock, `k${o.key}`, value);
          }
        }
        await cleanOnce(log, log.config, clock.now(), { checkpoint, force: true });
        const activeBase = log.segmentInfos().at(-1)!.baseOffset;
        const latest = new Map<string, number>();
        for (const r of appended) if (r.offset < activeBase) latest.set(r.key, r.offset);
        const expected = appended.filter((r) => r.offset >= activeBase || latest.get(r.key) === r.offset);
        expect(await consume(log, 0)).toEqual(expected);
        expect(log.logEndOffset).toBe(appended.length);
      }),
      { seed: 424242, numRuns: 60 },
    );
  });
});
