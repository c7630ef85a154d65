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
