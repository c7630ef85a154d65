import { describe, expect, it } from "vitest";
import { decodeRecords, encodeBatch, encodeControlBatch } from "../log/record-batch";
import { VirtualClock } from "../runtime/clock";
import { encodeGroupMetadataKey, encodeOffsetCommitKey, encodeOffsetCommitValue } from "./offsets-topic-codec";
import { partitionFor } from "./offsets-topic-partition";
import { OffsetsTopicStore, type OffsetsTopicLog } from "./offsets-topic-store";

/** `__consumer_offsets` as a list of batches per partition; appends wait for `release()` when held. */
class FakeOffsetsLog implements OffsetsTopicLog {
  partitions: Uint8Array[][] | undefined;
  created = 0;
  held: (() => void)[] | null = null;

  constructor(partitions?: number) {
    if (partitions !== undefined) this.partitions = Array.from({ length: partitions }, () => []);
  }
  partitionCount() {
    return this.partitions?.length;
  }
  async create() {
    this.created++;
    this.partitions = Array.from({ length: 5 }, () => []);
    return 5;
  }
  async append(partition: number, batch: Uint8Array) {
    if (this.held) await new Promise<void>((resolve) => this.held!.push(resolve));
    const log = this.partitions![partition]!;
    const base = log.reduce((n, b) => n + decodeRecords(b).length, 0);
    log.push(encodeBatch({ baseOffset: base, records: decodeRecords(batch).map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp })) }));
  }
  async read(partition: number, offset: number) {
    const batches = this.partitions![partition]!;
    const next = batches.findIndex((b) => decodeRecords(b)[0]!.offset >= offset);
    if (next < 0) return { bytes: new Uint8Array(0), nextOffset: offset };
    const batch = batches[next]!;
    return { bytes: batch, nextOffset: decodeRecords(batch).at(-1)!.offset + 1 };
  }
  logStartOffset() {
    return 0;
  }
  release() {
    const waiting = this.held ?? [];
    this.held = null;
    for (const r of waiting) r();
  }
}

const offsetsOf = (store: OffsetsTopicStore, group: string) =>
  Object.fromEntries(Object.entries(store.fetch(group)).map(([k, v]) => [k, v.offset]));

describe("OffsetsTopicStore", () => {
  it("creates the topic once, even for commits racing to be first", async () => {
    const log = new FakeOffsetsLog();
    const store = await OffsetsTopicStore.load(log, new VirtualClock(7));
    await Promise.all([store.commit("a", -1, "", { "t-0": { offset: 1 } }), store.commit("b", -1, "", { "t-0": { offset: 2 } })]);
    expect(log.created).toBe(1);
    expect(offsetsOf(store, "a")).toEqual({ "t-0": 1 });
    expect(store.fetch("b")["t-0"]).toEqual({ offset: 2, metadata: "", leaderEpoch: -1, commitTimestamp: 7 });
    expect(store.groupIds()).toEqual(["a", "b"]);
    expect(store.partitionOf("a")).toBe(partitionFor("a", 5));
  });

  it("shows a commit only once its batch is in the log", async () => {
    const log = new FakeOffsetsLog(1);
    const store = await OffsetsTopicStore.load(log, new VirtualClock());
    log.held = [];
    const pending = store.commit("g", 1, "m", { "t-0": { offset: 4, metadata: "note" } });
    await Promise.resolve();
    expect(store.fetch("g")).toEqual({});
    log.release();
    await pending;
    expect(store.fetch("g")["t-0"]).toMatchObject({ offset: 4, metadata: "note" });
  });

  it("replays the topic on load: the last value per key wins, tombstones delete, markers and group metadata are skipped", async () => {
    const log = new FakeOffsetsLog(1);
    const key = (topic: string, partition: number) => encodeOffsetCommitKey({ group: "g", topic, partition });
    const value = (offset: number) => encodeOffsetCommitValue({ offset, leaderEpoch: -1, metadata: "", commitTimestamp: 0 });
    log.partitions![0]!.push(
      encodeBatch({
        baseOffset: 0,
        records: [
          { key: key("t", 0), value: value(1), timestamp: 0 },
          { key: key("t", 1), value: value(2), timestamp: 0 },
          { key: encodeGroupMetadataKey("g"), value: new Uint8Array([0, 3]), timestamp: 0 },
          { key: key("t", 0), value: value(8), timestamp: 0 },
          { key: key("t", 1), value: null, timestamp: 0 },
        ],
      }),
    );
    const marker = encodeControlBatch({ type: "COMMIT", producerId: 1, producerEpoch: 0, coordinatorEpoch: 0, timestamp: 0 });
    log.partitions![0]!.push(marker.slice());
    // give the marker an offset after the data
    new DataView(log.partitions![0]![1]!.buffer).setBigInt64(0, 5n);
    const store = await OffsetsTopicStore.load(log, new VirtualClock());
    expect(offsetsOf(store, "g")).toEqual({ "t-0": 8 });
  });
});
