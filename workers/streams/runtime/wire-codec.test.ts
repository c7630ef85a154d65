import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TaskBatch, WireOutputRecord } from "./protocol";
import { packBatches, packOutputs, unpackBatches, unpackOutputs } from "./wire-codec";

const bytes = fc.option(fc.uint8Array({ maxLength: 12 }), { nil: null });
const headers = fc.array(fc.record({ key: fc.string({ maxLength: 5 }), value: bytes }), { maxLength: 2 });

const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? [...x] : x === undefined ? "∅" : x)));

describe("records packed for the worker seam", () => {
  it("input batches come back as they went, task by task and in order", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            taskId: fc.constantFrom("0_0", "0_1", "1_0", "2_global"),
            records: fc.array(
              fc.record({
                topic: fc.constantFrom("orders", "app-x-repartition", "ü"),
                partition: fc.nat({ max: 100 }),
                offset: fc.nat(),
                timestamp: fc.integer({ min: 0, max: 2 ** 50 }),
                key: bytes,
                value: bytes,
                headers,
              }),
              { maxLength: 5 },
            ),
          }),
          { maxLength: 4 },
        ),
        (batches: TaskBatch[]) => {
          expect(plain(unpackBatches(packBatches(batches)))).toEqual(plain(batches));
        },
      ),
      { seed: 7, numRuns: 200 },
    );
  });

  it("outputs keep partition, kind, window and the partition key (shared with the key or not)", () => {
    const key = new Uint8Array([1, 2]);
    const outputs: WireOutputRecord[] = [
      { topic: "counts", partition: undefined, key, value: new Uint8Array([9]), timestamp: 5, headers: [], partitionKey: key, kind: "output", taskId: "0_0", window: { type: "time", start: 0, end: 60000 } },
      { topic: "app-s-changelog", partition: 3, key: new Uint8Array([7]), value: null, timestamp: 6, headers: [{ key: "h", value: null }], partitionKey: null, kind: "changelog", taskId: "0_3", window: undefined },
      { topic: "r", partition: undefined, key: null, value: null, timestamp: 7, headers: [], partitionKey: new Uint8Array([4]), kind: "repartition", taskId: "0_0", window: { type: "session", start: 1, end: 2 } },
    ];
    const back = unpackOutputs(packOutputs(outputs));
    expect(plain(back)).toEqual(plain(outputs));
    expect(back[0]!.partitionKey).toBe(back[0]!.key);
  });
});

describe("outputs packed as they are collected", () => {
  const output = fc.record({
    topic: fc.constantFrom("counts", "app-store-changelog", "ü-out"),
    partition: fc.option(fc.nat({ max: 50 }), { nil: undefined }),
    key: bytes,
    value: fc.option(fc.uint8Array({ maxLength: 3000 }), { nil: null }),
    timestamp: fc.integer({ min: 0, max: 2 ** 50 }),
    headers,
    partitionKey: bytes,
    kind: fc.constantFrom("output" as const, "repartition" as const, "changelog" as const),
    taskId: fc.constantFrom("0_0", "1_3"),
    window: fc.option(fc.record({ type: fc.constantFrom("time" as const, "session" as const, "sliding" as const), start: fc.nat(), end: fc.nat() }), { nil: undefined }),
  });

  it("come back as they went, across the buffer's growth (values up to 3 KB, up to 120 outputs)", () => {
    fc.assert(
      fc.property(fc.array(output, { maxLength: 120 }), (outputs: WireOutputRecord[]) => {
        expect(plain(unpackOutputs(packOutputs(outputs)))).toEqual(plain(outputs));
      }),
      { seed: 11, numRuns: 100 },
    );
  });

  it("a reply bigger than the first buffer, with more distinct header keys than fit an index, reads back whole", () => {
    const outputs: WireOutputRecord[] = Array.from({ length: 70_000 }, (_, i) => ({
      topic: "out",
      partition: 0,
      key: new Uint8Array([i & 255]),
      value: new Uint8Array([1, 2, 3]),
      timestamp: i,
      headers: [{ key: `h${i}`, value: null }],
      partitionKey: null,
      kind: "output",
      taskId: "0_0",
      window: undefined,
    }));
    const back = unpackOutputs(packOutputs(outputs));
    expect(back).toHaveLength(70_000);
    expect(back[69_999]!.headers).toEqual([{ key: "h69999", value: null }]);
    expect(back[65_534]!.headers[0]!.key).toBe("h65534");
    expect(back[65_535]!.headers[0]!.key).toBe("h65535");
    expect(plain(back.slice(-3))).toEqual(plain(outputs.slice(-3)));
  });
});
