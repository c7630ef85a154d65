import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_SERDE, Serdes } from "../serdes";
import type { StateStoreContext } from "./state-store";
import { InMemoryWindowStore } from "./window-store";

/** A put's start is `late` ms behind a clock that moves `advance` ms first, as stream time does. */
type Op = { kind: "put"; key: string; advance: number; late: number; value: number | null } | { kind: "fetch"; key: string; from: number; to: number } | { kind: "all"; from: number; to: number };

interface ModelEntry {
  key: string;
  start: number;
  values: number[];
}

/**
 * The window store's contract written as plainly as possible: a list scanned and sorted
 * on every call. Keys are ASCII, so key-byte order is string order.
 */
class Model {
  entries: ModelEntry[] = [];
  observed = -1;
  seq = 0;
  log: Array<{ key: string; start: number; seq: number; value: number | null }> = [];

  constructor(
    private readonly retention: number,
    private readonly duplicates: boolean,
  ) {}

  private minLive(): number {
    return Math.max(0, this.observed - this.retention + 1);
  }

  put(key: string, value: number | null, start: number): void {
    const limit = this.minLive();
    this.entries = this.entries.filter((e) => e.start >= limit);
    this.observed = Math.max(this.observed, start);
    if (start <= this.observed - this.retention) return;
    const i = this.entries.findIndex((e) => e.key === key && e.start === start);
    if (value === null) {
      if (this.duplicates) return;
      if (i >= 0) this.entries.splice(i, 1);
    } else if (i >= 0 && this.duplicates) this.entries[i]!.values.push(value);
    else if (i >= 0) this.entries[i] = { key, start, values: [value] };
    else this.entries.push({ key, start, values: [value] });
    this.log.push({ key, start, seq: this.duplicates ? this.seq++ : 0, value });
  }

  fetch(key: string, from: number, to: number): Array<[number, number]> {
    const lo = Math.max(from, this.minLive());
    return this.entries
      .filter((e) => e.key === key && e.start >= lo && e.start <= to)
      .sort((a, b) => a.start - b.start)
      .flatMap((e) => e.values.map((v): [number, number] => [e.start, v]));
  }

  fetchOne(key: string, start: number): number | null {
    if (start < this.minLive()) return null;
    const e = this.entries.find((x) => x.key === key && x.start === start);
    return e ? e.values[e.values.length - 1]! : null;
  }

  all(from: number, to: number): Array<[string, number, number]> {
    const lo = Math.max(from, this.minLive());
    return this.entries
      .filter((e) => e.start >= lo && e.start <= to)
      .sort((a, b) => a.start - b.start || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .flatMap((e) => e.values.map((v): [string, number, number] => [e.key, e.start, v]));
  }
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("put" as const),
      key: fc.constantFrom("a", "ab", "b", "c", "k1", "k10", "k2"),
      advance: fc.integer({ min: 0, max: 4 }),
      late: fc.integer({ min: 0, max: 25 }),
      value: fc.option(fc.integer({ min: 0, max: 99 }), { freq: 5 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("fetch" as const), key: fc.constantFrom("a", "ab", "b", "k1", "zz"), from: fc.integer({ min: -5, max: 200 }), to: fc.integer({ min: -5, max: 220 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("all" as const), from: fc.integer({ min: -5, max: 200 }), to: fc.integer({ min: -5, max: 220 }) }) },
);

function logOf(target: Array<{ key: Uint8Array; value: Uint8Array | null }>): StateStoreContext {
  return {
    applicationId: "app",
    taskId: "0_0",
    currentTimestamp: () => 0,
    changelog: { logChange: (_s, key, value) => target.push({ key, value }) },
  };
}

function decodeLogKey(bytes: Uint8Array): { key: string; start: number; seq: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  return {
    key: new TextDecoder().decode(bytes.subarray(0, n - 12)),
    start: view.getUint32(n - 12) * 2 ** 32 + view.getUint32(n - 8),
    seq: view.getInt32(n - 4),
  };
}

describe("in-memory window store against a plain model", () => {
  for (const duplicates of [false, true]) {
    it(`puts, fetches, scans and expiry agree with the model (retainDuplicates=${duplicates})`, () => {
      fc.assert(
        fc.property(fc.array(opArb, { minLength: 10, maxLength: 150, size: "max" }), fc.integer({ min: 1, max: 30 }), (ops, retention) => {
          const store = new InMemoryWindowStore<string, number>("w", Serdes.String(), Serdes.Integer(), {
            retentionMs: retention,
            windowSizeMs: 5,
            retainDuplicates: duplicates,
          });
          const logged: Array<{ key: Uint8Array; value: Uint8Array | null }> = [];
          store.init(logOf(logged));
          const model = new Model(retention, duplicates);
          let clock = 0;
          for (const op of ops) {
            if (op.kind === "put") {
              clock += op.advance;
              const start = Math.max(0, clock - op.late);
              store.put(op.key, op.value, start);
              model.put(op.key, op.value, start);
              expect(store.fetch(op.key, start)).toEqual(model.fetchOne(op.key, start));
            } else if (op.kind === "fetch") {
              expect(store.fetch(op.key, op.from, op.to).toArray().map((kv) => [kv.key, kv.value])).toEqual(model.fetch(op.key, op.from, op.to));
              expect(store.backwardFetch(op.key, op.from, op.to).toArray().map((kv) => [kv.key, kv.value])).toEqual(model.fetch(op.key, op.from, op.to).reverse());
            } else {
              const expected = model.all(op.from, op.to);
              expect(store.fetchAll(op.from, op.to).toArray().map((kv) => [kv.key.key(), kv.key.window().start(), kv.value])).toEqual(expected);
              expect(store.backwardFetchAll(op.from, op.to).toArray().map((kv) => [kv.key.key(), kv.key.window().start(), kv.value])).toEqual(
                [...expected].reverse(),
              );
            }
          }
          expect(store.all().toArray().map((kv) => [kv.key.key(), kv.key.window().start(), kv.value])).toEqual(model.all(0, Number.MAX_SAFE_INTEGER));
          expect(
            logged.map((l) => ({ ...decodeLogKey(l.key), value: l.value === null ? null : new DataView(l.value.buffer, l.value.byteOffset).getInt32(0) })),
          ).toEqual(model.log);
        }),
        { seed: 20240611, numRuns: 300 },
      );
    });
  }

  it("changelog keys of one key share nothing writable: each record gets its own key bytes", () => {
    const store = new InMemoryWindowStore<string, number>("w", Serdes.String(), Serdes.Integer(), { retentionMs: 100, windowSizeMs: 10, retainDuplicates: false });
    const logged: Array<{ key: Uint8Array; value: Uint8Array | null }> = [];
    store.init(logOf(logged));
    store.put("k", 1, 0);
    store.put("k", 2, 10);
    expect(logged[0]!.key).not.toBe(logged[1]!.key);
    expect([...logged[0]!.key]).toEqual([107, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect([...logged[1]!.key]).toEqual([107, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0]);
  });

  it("a negative window start is refused as before", () => {
    const store = new InMemoryWindowStore<string, number>("w", Serdes.String(), Serdes.Integer(), { retentionMs: 100, windowSizeMs: 10, retainDuplicates: false });
    expect(() => store.put("k", 1, -5)).toThrow(RangeError);
  });

  it("keys that serialize alike are one key, whichever of them is used, through deletes and expiry", () => {
    // With the default serde the number 1 and the string "1" are both the bytes "1".
    const store = new InMemoryWindowStore<unknown, string>("w", DEFAULT_SERDE, Serdes.String() as never, { retentionMs: 30, windowSizeMs: 10, retainDuplicates: false });
    store.put(1, "a", 0);
    store.put("1", "b", 0);
    expect(store.fetch(1, 0)).toBe("b");
    store.put(1, "c", 10);
    expect(store.fetch("1", 10)).toBe("c");

    // Deleting the newest window leaves the older one, found by either key.
    store.put("1", null, 10);
    expect(store.fetch(1, 10)).toBeNull();
    expect(store.fetch("1", 0)).toBe("b");
    expect(store.fetch(1, 0, 100).toArray().map((kv) => [kv.key, kv.value])).toEqual([[0, "b"]]);
    store.put(1, null, 0);
    expect(store.fetch("1", 0)).toBeNull();
    expect(store.all().toArray()).toEqual([]);
    // Back after being gone, then expired by stream time, then back again.
    store.put("1", "d", 20);
    expect(store.fetch(1, 20)).toBe("d");
    store.put(2, "e", 60);
    expect(store.fetch("1", 20)).toBeNull();
    expect(store.fetch(1, 0, 100).toArray()).toEqual([]);
    store.put(1, "f", 60);
    expect(store.fetch("1", 60)).toBe("f");
    expect(store.all().toArray().map((kv) => [kv.key.key(), kv.key.window().start(), kv.value])).toEqual([
      [1, 60, "f"],
      [2, 60, "e"],
    ]);
  });

  it("a window opened through one of two keys that serialize alike is found through the other, whose newest it supersedes", () => {
    const store = new InMemoryWindowStore<unknown, string>("w", DEFAULT_SERDE, Serdes.String() as never, { retentionMs: 100, windowSizeMs: 10, retainDuplicates: false });
    store.put(1, "a", 10);
    store.put("1", "b", 12);
    // 1 last saw the window at 10, "1" the one at 12; 1 now opens 15.
    store.put(1, "c", 15);
    expect(store.fetch("1", 15)).toBe("c");
    expect(store.fetch("1", 12)).toBe("b");
    store.put("1", "d", 15);
    expect(store.fetch(1, 15)).toBe("d");
    // Deleting the last window makes the one before it the last again.
    store.put(1, null, 15);
    expect(store.fetch("1", 15)).toBeNull();
    store.put("1", "e", 13);
    expect(store.fetch(1, 0, 100).toArray().map((kv) => [kv.key, kv.value])).toEqual([
      [10, "a"],
      [12, "b"],
      [13, "e"],
    ]);
    expect(store.fetch(1, 13)).toBe("e");
  });

  it("a window deleted and written again, and many deletes in one window, keep scans right", () => {
    const store = new InMemoryWindowStore<string, number>("w", Serdes.String(), Serdes.Integer(), { retentionMs: 1000, windowSizeMs: 10, retainDuplicates: false });
    const keys = Array.from({ length: 60 }, (_, i) => `k${String(i).padStart(2, "0")}`);
    for (const k of keys) store.put(k, 1, 0);
    for (const k of keys.slice(0, 50)) store.put(k, null, 0);
    store.put("k07", 7, 0);
    expect(store.fetchAll(0, 0).toArray().map((kv) => [kv.key.key(), kv.value])).toEqual([["k07", 7], ...keys.slice(50).map((k) => [k, 1])]);
    for (const k of keys) store.put(k, null, 0);
    expect(store.all().toArray()).toEqual([]);
    store.put("k01", 2, 0);
    expect(store.all().toArray().map((kv) => [kv.key.key(), kv.value])).toEqual([["k01", 2]]);
  });
});
