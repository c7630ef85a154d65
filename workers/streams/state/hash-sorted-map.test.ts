import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HashSortedMap } from "./hash-sorted-map";
import { SortedMap } from "./sorted-map";

type Op = { kind: "set"; key: string; value: number } | { kind: "delete"; key: string } | { kind: "range"; from?: string; to?: string } | { kind: "first" } | { kind: "clear" };

const keyArb = fc.string({ unit: fc.constantFrom("a", "b", "c", "\u0000", "\u00ff"), maxLength: 3 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant("set" as const), key: keyArb, value: fc.integer() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("delete" as const), key: keyArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("range" as const), from: fc.option(keyArb, { nil: undefined }), to: fc.option(keyArb, { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: "first" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "clear" as const }) },
);

describe("HashSortedMap", () => {
  it("answers every operation as the sorted-array map does", () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 200, size: "max" }), (ops) => {
        const hashed = new HashSortedMap<number>();
        const sorted = new SortedMap<number>();
        for (const op of ops) {
          if (op.kind === "set") {
            hashed.set(op.key, op.value);
            sorted.set(op.key, op.value);
          } else if (op.kind === "delete") expect(hashed.delete(op.key)).toBe(sorted.delete(op.key));
          else if (op.kind === "range") expect(hashed.range(op.from, op.to)).toEqual(sorted.range(op.from, op.to));
          else if (op.kind === "first") expect(hashed.firstKey()).toBe(sorted.firstKey());
          else {
            hashed.clear();
            sorted.clear();
          }
          expect(hashed.size).toBe(sorted.size);
        }
        expect(hashed.entries()).toEqual(sorted.entries());
      }),
      { seed: 424242, numRuns: 300 },
    );
  });

  it("stays ordered through heavy churn without ordered reads (the bookkeeping compacts itself)", () => {
    const m = new HashSortedMap<number>();
    for (let i = 0; i < 10_000; i++) {
      m.set(`k${i}`, i);
      if (i >= 10) m.delete(`k${i - 10}`);
    }
    expect(m.entries().map(([k]) => k)).toEqual(Array.from({ length: 10 }, (_, i) => `k${9990 + i}`).sort());
    expect(m.size).toBe(10);
  });

  it("a key added at the moment the bookkeeping compacts is kept in order", () => {
    const m = new HashSortedMap<number>();
    const kept: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const p = `p${String(i).padStart(5, "0")}`;
      m.set(p, i);
      kept.push(p);
      m.set(`t${i}`, i);
      m.delete(`t${i}`);
    }
    expect(m.entries().map(([k]) => k)).toEqual(kept);
  });
});
