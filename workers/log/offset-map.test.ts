import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { CleanedTransactions } from "./cleaned-transactions";
import { buildOffsetMap, OffsetMap } from "./offset-map";
import { encodeBatch, encodeControlBatch, setBaseOffset, utf8 } from "./record-batch";

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

function at(base: number, bytes: Uint8Array): Uint8Array {
  setBaseOffset(bytes, 0, base);
  return bytes;
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const rec = (key: string | null, value: string | null = "v") => ({ key: key === null ? null : utf8(key), value: value === null ? null : utf8(value), timestamp: 1 });

describe("OffsetMap", () => {
  it("agrees with a reference map on random byte keys, including long keys and growth", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.uint8Array({ maxLength: 40 }), fc.boolean()), { maxLength: 3000 }), (ops) => {
        const map = new OffsetMap();
        const reference = new Map<string, number>();
        const name = (k: Uint8Array) => k.join(",");
        ops.forEach(([key, embed], offset) => {
          // Half the keys sit inside a larger buffer, as they do inside a segment.
          const buf = embed ? new Uint8Array([9, ...key, 9]) : key;
          const start = embed ? 1 : 0;
          map.put(buf, start, start + key.length, offset);
          reference.set(name(key), offset);
        });
        expect(map.size).toBe(reference.size);
        for (const [key, offset] of map.entries()) expect(reference.get(name(key))).toBe(offset);
        for (const [key] of ops) expect(map.get(key)).toBe(reference.get(name(key)));
        expect(map.get(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41]))).toBe(-1);
        expect(map.latestOffset).toBe(ops.length - 1);
      }),
      { seed: 7, numRuns: 100 },
    );
  });

  it("tells apart keys that differ only in length or a single byte", () => {
    const map = new OffsetMap();
    const keys = [new Uint8Array([]), new Uint8Array([0]), new Uint8Array([0, 0]), new Uint8Array([1]), new Uint8Array(10_000).fill(3)];
    keys.forEach((k, i) => map.put(k, 0, k.length, i));
    keys.forEach((k, i) => expect(map.get(k)).toBe(i));
    expect(map.size).toBe(5);
  });
});

describe("buildOffsetMap", () => {
  it("maps each key to its last offset from `start` on, and reaches the segment bound", () => {
    const seg1 = concat(at(0, encodeBatch({ records: [rec("A"), rec("B"), rec("A")] })), at(3, encodeBatch({ records: [rec(null), rec("C")] })));
    const seg2 = at(5, encodeBatch({ records: [rec("B", null)] }));
    const map = buildOffsetMap(
      [
        { bytes: seg1, nextSegmentStart: 5 },
        { bytes: seg2, nextSegmentStart: 9 },
      ],
      1,
      new CleanedTransactions([]),
    );
    expect([...map.entries()].map(([k, o]) => [text(k), o])).toEqual([
      ["B", 5],
      ["A", 2],
      ["C", 4],
    ]);
    expect(map.get(utf8("A"))).toBe(2);
    expect(map.get(utf8("Z"))).toBe(-1);
    expect(map.latestOffset).toBe(8);
  });

  it("skips keys below `start` and batches of aborted transactions", () => {
    const seg = concat(
      at(0, encodeBatch({ records: [rec("A")] })),
      at(1, encodeBatch({ records: [rec("A"), rec("B")], transactional: true, producerId: 5, producerEpoch: 0 })),
      at(3, encodeControlBatch({ type: "ABORT", producerId: 5, producerEpoch: 0, coordinatorEpoch: 0, timestamp: 1 })),
      at(4, encodeBatch({ records: [rec("C")] })),
    );
    const map = buildOffsetMap([{ bytes: seg, nextSegmentStart: 5 }], 0, new CleanedTransactions([{ producerId: 5, firstOffset: 1, lastOffset: 3 }]));
    expect(map.get(utf8("A"))).toBe(0);
    expect(map.has(utf8("B"))).toBe(false);
    expect(map.get(utf8("C"))).toBe(4);
    const from4 = buildOffsetMap([{ bytes: seg, nextSegmentStart: 5 }], 4, new CleanedTransactions([]));
    expect([...from4.entries()].map(([k, o]) => [text(k), o])).toEqual([["C", 4]]);
  });
});
