import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_SERDE, Serdes, type Serde } from "../serdes";
import { InMemoryKeyValueStore } from "./key-value-store";
import type { StateStoreContext } from "./state-store";

type Key = string | number;
type Op =
  | { kind: "put"; key: Key; value: number | null }
  | { kind: "putIfAbsent"; key: Key; value: number }
  | { kind: "delete"; key: Key }
  | { kind: "get"; key: Key }
  | { kind: "range"; from: Key | null; to: Key | null }
  | { kind: "prefix"; prefix: string };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Keys as the default serde writes them: a string is its text, a number its JSON. */
function bytesOf(key: Key): string {
  return typeof key === "string" ? key : JSON.stringify(key);
}

/**
 * The store's contract, plainly: one entry per serialized key (42 and "42" are one key under
 * the default serde), the entry keeping the key object of its latest put, ordered by bytes.
 */
class Model {
  readonly entries = new Map<string, { key: Key; value: number }>();
  readonly log: Array<{ key: string; value: number | null }> = [];

  put(key: Key, value: number | null): void {
    const id = bytesOf(key);
    if (value === null) this.entries.delete(id);
    else this.entries.set(id, { key, value });
    this.log.push({ key: id, value });
  }

  get(key: Key): number | null {
    return this.entries.get(bytesOf(key))?.value ?? null;
  }

  sorted(): Array<[string, { key: Key; value: number }]> {
    return [...this.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}

const keyArb: fc.Arbitrary<Key> = fc.oneof(fc.constantFrom("a", "ab", "b", "42", "7", "zz"), fc.constantFrom(42, 7, 0));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("put" as const), key: keyArb, value: fc.option(fc.integer({ min: 0, max: 99 }), { freq: 5 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("putIfAbsent" as const), key: keyArb, value: fc.integer({ min: 0, max: 99 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("delete" as const), key: keyArb }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("get" as const), key: keyArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("range" as const), from: fc.option(keyArb), to: fc.option(keyArb) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("prefix" as const), prefix: fc.constantFrom("", "a", "4", "z") }) },
);

describe("in-memory key-value store against a plain model", () => {
  it("gets, puts, deletes, ranges and prefix scans agree, keys identified by their bytes", () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 120, size: "max" }), (ops) => {
        const store = new InMemoryKeyValueStore<Key, number>("kv", DEFAULT_SERDE as Serde<Key>, Serdes.Integer());
        const logged: Array<{ key: string; value: number | null }> = [];
        const context: StateStoreContext = {
          applicationId: "app",
          taskId: "0_0",
          currentTimestamp: () => 0,
          changelog: {
            logChange: (_s, key, value) =>
              logged.push({ key: decoder.decode(key), value: value === null ? null : new DataView(value.buffer, value.byteOffset).getInt32(0) }),
          },
        };
        store.init(context);
        const model = new Model();
        for (const op of ops) {
          if (op.kind === "put") {
            store.put(op.key, op.value);
            model.put(op.key, op.value);
          } else if (op.kind === "putIfAbsent") {
            const old = model.get(op.key);
            if (old === null) model.put(op.key, op.value);
            expect(store.putIfAbsent(op.key, op.value)).toBe(old);
          } else if (op.kind === "delete") {
            const old = model.get(op.key);
            model.put(op.key, null);
            expect(store.delete(op.key)).toBe(old);
          } else if (op.kind === "get") {
            expect(store.get(op.key)).toBe(model.get(op.key));
          } else if (op.kind === "range") {
            const lo = op.from === null ? undefined : bytesOf(op.from);
            const hi = op.to === null ? undefined : bytesOf(op.to);
            const expected = model
              .sorted()
              .filter(([id]) => (lo === undefined || id >= lo) && (hi === undefined || id <= hi))
              .map(([, e]) => [e.key, e.value]);
            expect(store.range(op.from, op.to).toArray().map((kv) => [kv.key, kv.value])).toEqual(expected);
            expect(store.reverseRange(op.from, op.to).toArray().map((kv) => [kv.key, kv.value])).toEqual([...expected].reverse());
          } else {
            const expected = model
              .sorted()
              .filter(([id]) => id.startsWith(op.prefix))
              .map(([, e]) => [e.key, e.value]);
            expect(store.prefixScan(op.prefix, Serdes.String()).toArray().map((kv) => [kv.key, kv.value])).toEqual(expected);
          }
          expect(store.approximateNumEntries()).toBe(model.entries.size);
        }
        expect(store.all().toArray().map((kv) => [kv.key, kv.value])).toEqual(model.sorted().map(([, e]) => [e.key, e.value]));
        expect(logged).toEqual(model.log);
      }),
      { seed: 90210, numRuns: 300 },
    );
  });

  it("a changelog record's key bytes are the key's serialization", () => {
    const store = new InMemoryKeyValueStore<string, number>("kv", Serdes.String(), Serdes.Integer());
    const keys: Uint8Array[] = [];
    store.init({ applicationId: "a", taskId: "0_0", currentTimestamp: () => 0, changelog: { logChange: (_s, key) => keys.push(key) } });
    store.put("é", 1);
    store.put("é", 2);
    expect(keys.map((k) => [...k])).toEqual([[...encoder.encode("é")], [...encoder.encode("é")]]);
  });
});
