import { describe, expect, it } from "vitest";
import type { BrokerClient, RecordRange, RecordView } from "../../engine-client/broker-client";
import { TAIL_INTERVAL_MS, TapeRecords } from "./tape-records";

/** A broker with one partition whose high watermark the test moves; it logs every read. */
function fakeBroker() {
  const state = { hw: 0, reads: [] as Array<[number, number]> };
  const view = (offset: number): RecordView =>
    ({ partition: 0, offset, timestamp: offset, timestampType: "CreateTime", key: `k${offset % 3}`, value: `v${offset}`, keySize: 2, valueSize: 2, headers: [], control: null }) as unknown as RecordView;
  const api = {
    async readRange(_topic: string, _partition: number, from: number, max: number): Promise<RecordRange> {
      state.reads.push([from, max]);
      const to = Math.min(state.hw, from + max);
      const records = [];
      for (let o = from; o < to; o++) records.push(view(o));
      return { records, nextOffset: to, logStartOffset: 0, highWatermark: state.hw, logEndOffset: state.hw };
    },
  };
  return { state, client: { api } as unknown as BrokerClient };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe("tape records at the tail", () => {
  it("grow a window by the new records when they fit, marking them as appearing now", async () => {
    const { state, client } = fakeBroker();
    let wall = 0;
    const records = new TapeRecords(() => client, "t", () => {}, () => 500, () => wall);
    state.hw = 100;
    records.ensure(0, 40, 100, true);
    await settle();
    expect(records.window(0)).toMatchObject({ from: 40, to: 100, latestAppearedAt: 0 });
    state.hw = 110;
    wall += TAIL_INTERVAL_MS;
    records.ensure(0, 50, 110, true);
    await settle();
    expect(state.reads.at(-1)).toEqual([100, 10]);
    const w = records.window(0)!;
    expect([w.from, w.to, w.latestAppearedAt]).toEqual([40, 110, 500]);
    expect(w.cells.get(99)?.appearedAt).toBe(0);
    expect(w.cells.get(105)?.appearedAt).toBe(500);
  });

  it("read the tail at most every TAIL_INTERVAL_MS while records stream in", async () => {
    const { state, client } = fakeBroker();
    let wall = 1000;
    const records = new TapeRecords(() => client, "t", () => {}, () => 1, () => wall);
    state.hw = 100;
    records.ensure(0, 40, 100, true);
    await settle();
    for (let frame = 0; frame < 6; frame++) {
      state.hw += 5;
      wall += 16;
      records.ensure(0, state.hw - 60, state.hw, true);
      await settle();
    }
    // Six frames span 96 ms: nothing read since the first read, the next one due at 100 ms.
    expect(state.reads).toHaveLength(1);
    expect(records.window(0)!.to).toBe(100);
    wall += 16;
    records.ensure(0, state.hw - 60, state.hw, true);
    await settle();
    expect(state.reads).toEqual([
      [40, 60],
      [100, 30],
    ]);
    expect(records.window(0)!.to).toBe(state.hw);
  });

  it("read only the window when more records arrived than it holds, shown at once: the ones between would never be on screen", async () => {
    const { state, client } = fakeBroker();
    let wall = 0;
    const records = new TapeRecords(() => client, "t", () => {}, () => 7, () => wall);
    state.hw = 100;
    records.ensure(0, 40, 100, true);
    await settle();
    // The tail runs far ahead every frame: still one read per TAIL_INTERVAL_MS.
    state.hw = 5000;
    wall += 16;
    records.ensure(0, 4940, 5000, true);
    await settle();
    expect(state.reads).toHaveLength(1);
    wall += TAIL_INTERVAL_MS;
    records.ensure(0, 4940, 5000, true);
    await settle();
    expect(state.reads.at(-1)).toEqual([4940, 60]);
    const w = records.window(0)!;
    expect([w.from, w.to, w.cells.size, w.latestAppearedAt]).toEqual([4940, 5000, 60, 0]);
    expect(w.cells.get(4999)?.appearedAt).toBe(0);
  });

  it("read a window away from the tail at once, however recent the last read", async () => {
    const { state, client } = fakeBroker();
    const records = new TapeRecords(() => client, "t", () => {}, () => 1, () => 0);
    state.hw = 1000;
    records.ensure(0, 940, 1000, true);
    await settle();
    records.ensure(0, 100, 160);
    await settle();
    expect(state.reads.at(-1)).toEqual([100, 60]);
    expect(records.window(0)).toMatchObject({ from: 100, to: 160, latestAppearedAt: 0 });
  });
});
