import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StringMap } from "./string-map";

type Op = { kind: "set"; key: string; value: number } | { kind: "get"; key: string } | { kind: "delete"; key: string };

/** Few distinct keys (so sets, deletes and gets meet), including the empty string and non-ASCII text. */
const keyArb = fc.oneof(fc.constantFrom("", "a", "b", "ab", "ba", "user-1", "user-10", "é", "\uD800", "日本"), fc.string({ maxLength: 3 }));

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("set" as const), key: keyArb, value: fc.integer() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("get" as const), key: keyArb }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("delete" as const), key: keyArb }) },
);

describe("StringMap", () => {
  it("agrees with Map through sets, gets and deletes (removed entries, growth and rebuilds included)", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 400 }), (ops) => {
        const map = new StringMap<number>();
        const model = new Map<string, number>();
        for (const op of ops) {
          if (op.kind === "set") {
            map.set(op.key, op.value);
            model.set(op.key, op.value);
          } else if (op.kind === "delete") {
            expect(map.delete(op.key)).toBe(model.delete(op.key));
          } else {
            expect(map.get(op.key)).toBe(model.get(op.key));
          }
          expect(map.size).toBe(model.size);
        }
        for (const [k, v] of model) expect(map.get(k)).toBe(v);
      }),
      { seed: 4242, numRuns: 300 },
    );
  });

  it("finds keys by content, not identity, across thousands of keys and churn", () => {
    const map = new StringMap<number>();
    for (let i = 0; i < 5000; i++) map.set(`user-${i}`, i);
    // Keys built afresh from their characters: equal strings, other objects.
    for (let i = 0; i < 5000; i++) expect(map.get(String.fromCharCode(...[..."user-" + i].map((c) => c.charCodeAt(0))))).toBe(i);
    expect(map.get("user-5000")).toBeUndefined();
    // Remove most, add others: lookups stay right while removed entries fill the table.
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 5000; i++) if (i % 10 !== round % 10) map.delete(`user-${i}`);
      for (let i = 0; i < 5000; i++) map.set(`user-${i}`, i + round);
    }
    expect(map.size).toBe(5000);
    for (let i = 0; i < 5000; i++) expect(map.get(`user-${i}`)).toBe(i + 19);
  });

  it("a value of undefined is stored and read back like any other", () => {
    const map = new StringMap<number | undefined>();
    map.set("k", undefined);
    expect(map.size).toBe(1);
    expect(map.get("k")).toBeUndefined();
    expect(map.delete("k")).toBe(true);
    expect(map.size).toBe(0);
  });
});
