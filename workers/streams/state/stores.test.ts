import { describe, expect, it } from "vitest";
import { Serdes, Windowed, SessionWindow, ValueAndTimestamp } from "../index";
import { DEFAULT_SERDE } from "../serdes";
import { InMemoryKeyValueStore } from "./key-value-store";
import { InMemoryWindowStore } from "./window-store";
import { InMemorySessionStore } from "./session-store";
import { valueAndTimestampSerde, type StateStoreContext } from "./state-store";

function context(log: Array<{ key: number[]; value: number[] | null; ts: number }>, now = 0): StateStoreContext {
  return {
    applicationId: "app",
    taskId: "0_0",
    currentTimestamp: () => now,
    changelog: { logChange: (_s, key, value, ts) => log.push({ key: [...key], value: value === null ? null : [...value], ts }) },
  };
}

describe("in-memory state stores", () => {
  it("key-value store: keys ordered and compared by serialized bytes; range bounds inclusive", () => {
    const store = new InMemoryKeyValueStore<string, number>("kv", Serdes.String(), Serdes.Integer());
    const log: Array<{ key: number[]; value: number[] | null; ts: number }> = [];
    store.init(context(log, 9));
    for (const [k, v] of [["b", 2], ["ab", 1], ["c", 3], ["a", 0]] as const) store.put(k, v);
    expect(store.all().toArray().map((kv) => kv.key)).toEqual(["a", "ab", "b", "c"]);
    expect(store.range("ab", "b").toArray().map((kv) => kv.key)).toEqual(["ab", "b"]);
    expect(store.reverseRange(null, "ab").toArray().map((kv) => kv.key)).toEqual(["ab", "a"]);
    expect(store.prefixScan("a", Serdes.String()).toArray().map((kv) => kv.key)).toEqual(["a", "ab"]);
    expect(store.delete("b")).toBe(2);
    expect(store.get("b")).toBeNull();
    expect(store.approximateNumEntries()).toBe(3);
    expect(log.at(-1)).toEqual({ key: [98], value: null, ts: 9 });
    expect(log[0]).toEqual({ key: [98], value: [0, 0, 0, 2], ts: 9 });
  });

  it("timestamped key-value store logs [8-byte timestamp][value] with the value's own timestamp", () => {
    const store = new InMemoryKeyValueStore<string, ValueAndTimestamp<string>>("kv", Serdes.String(), valueAndTimestampSerde(Serdes.String()));
    const log: Array<{ key: number[]; value: number[] | null; ts: number }> = [];
    store.init(context(log));
    store.put("k", ValueAndTimestamp.make("v", 258));
    expect(log).toEqual([{ key: [107], value: [0, 0, 0, 0, 0, 0, 1, 2, 118], ts: 258 }]);
  });

  it("window store: fetch by key and time range, retention behind its stream time, Kafka's changelog key layout", () => {
    const store = new InMemoryWindowStore<string, string>("w", Serdes.String(), Serdes.String(), { retentionMs: 10, windowSizeMs: 5, retainDuplicates: false });
    const log: Array<{ key: number[]; value: number[] | null; ts: number }> = [];
    store.init(context(log));
    store.put("a", "a0", 0);
    store.put("b", "b5", 5);
    store.put("a", "a5", 5);
    expect(store.fetch("a", 0, 5).toArray().map((kv) => [kv.key, kv.value])).toEqual([
      [0, "a0"],
      [5, "a5"],
    ]);
    expect(store.fetchAll(0, 10).toArray().map((kv) => `${kv.key.key()}@${kv.key.window().start()}`)).toEqual(["a@0", "a@5", "b@5"]);
    store.put("a", "a10", 10);
    // Stream time 10, retention 10: windows starting at or before 0 are gone.
    expect(store.fetch("a", 0)).toBeNull();
    expect(store.fetch("a", 5)).toBe("a5");
    store.put("a", "ignored", 0);
    expect(store.fetch("a", 0, 20).toArray().map((kv) => kv.value)).toEqual(["a5", "a10"]);
    expect(log[0]).toEqual({ key: [97, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], value: [97, 48], ts: 0 });
  });

  it("window store with duplicates keeps every value of a window in arrival order and counts up the sequence number", () => {
    const store = new InMemoryWindowStore<string, string>("j", DEFAULT_SERDE as never, DEFAULT_SERDE as never, { retentionMs: 100, windowSizeMs: 10, retainDuplicates: true });
    const log: Array<{ key: number[]; value: number[] | null; ts: number }> = [];
    store.init(context(log));
    store.put("k", "first", 7);
    store.put("k", "second", 7);
    expect(store.fetch("k", 0, 10).toArray().map((kv) => kv.value)).toEqual(["first", "second"]);
    expect(log.map((l) => l.key.slice(-4))).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 1],
    ]);
  });

  it("session store: findSessions by end and start bounds, ordered by end then start; layout key + end + start", () => {
    const store = new InMemorySessionStore<string, number>("s", Serdes.String(), Serdes.Integer(), 1000);
    const log: Array<{ key: number[]; value: number[] | null; ts: number }> = [];
    store.init(context(log));
    store.put(new Windowed("k", new SessionWindow(9, 9)), 1);
    store.put(new Windowed("k", new SessionWindow(0, 3)), 2);
    store.put(new Windowed("kk", new SessionWindow(1, 4)), 5);
    const found = store.findSessions("k", 1, 11).toArray();
    expect(found.map((kv) => [kv.key.window().start(), kv.key.window().end(), kv.value])).toEqual([
      [0, 3, 2],
      [9, 9, 1],
    ]);
    expect(store.findSessionsByEnd(3, 9).toArray().map((kv) => kv.key.key())).toEqual(["k", "kk", "k"]);
    store.remove(new Windowed("k", new SessionWindow(0, 3)));
    expect(store.fetchSession("k", 0, 3)).toBeNull();
    expect(log[0]).toEqual({ key: [107, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 9], value: [0, 0, 0, 1], ts: 0 });
    expect(log.at(-1)!.value).toBeNull();
  });
});
