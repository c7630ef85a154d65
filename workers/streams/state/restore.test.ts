import { describe, expect, it } from "vitest";
import { Change } from "../change";
import { Headers } from "../record";
import { Serdes } from "../serdes";
import { SessionWindow, Windowed } from "../windowed";
import { InMemoryKeyValueStore } from "./key-value-store";
import { OuterJoinStore } from "./outer-join-store";
import { InMemorySessionStore } from "./session-store";
import { type StateStore, type StateStoreContext, ValueAndTimestamp, valueAndTimestampSerde } from "./state-store";
import { TimeOrderedKeyValueBuffer } from "./time-ordered-buffer";
import { InMemoryWindowStore } from "./window-store";

interface Logged {
  key: Uint8Array;
  value: Uint8Array | null;
  timestamp: number;
}

function logging(log: Logged[], now: () => number = () => 0): StateStoreContext {
  return {
    applicationId: "app",
    taskId: "0_0",
    currentTimestamp: now,
    changelog: { logChange: (_s, key, value, timestamp) => log.push({ key, value, timestamp }) },
  };
}

/** Replays a changelog into a fresh store the way a task restores it, and checks nothing is logged again. */
function replay<S extends StateStore>(fresh: S, log: readonly Logged[]): S {
  const again: Logged[] = [];
  fresh.init(logging(again));
  for (const r of log) fresh.restore!(r.key, r.value, r.timestamp);
  expect(again).toEqual([]);
  return fresh;
}

describe("restoring stores from their changelogs", () => {
  it("key-value store: the latest value per key, deletes included", () => {
    const log: Logged[] = [];
    const store = new InMemoryKeyValueStore<string, number>("kv", Serdes.String(), Serdes.Integer());
    store.init(logging(log));
    store.put("a", 1);
    store.put("b", 2);
    store.put("a", 3);
    store.delete("b");
    store.put("c", 4);
    const restored = replay(new InMemoryKeyValueStore<string, number>("kv", Serdes.String(), Serdes.Integer()), log);
    expect(restored.all().toArray().map((kv) => [kv.key, kv.value])).toEqual([
      ["a", 3],
      ["c", 4],
    ]);
  });

  it("timestamped key-value store keeps each value's timestamp", () => {
    const log: Logged[] = [];
    const serde = valueAndTimestampSerde(Serdes.String());
    const store = new InMemoryKeyValueStore<string, ValueAndTimestamp<string>>("kv", Serdes.String(), serde);
    store.init(logging(log));
    store.put("k", ValueAndTimestamp.make("v", 1234));
    const restored = replay(new InMemoryKeyValueStore<string, ValueAndTimestamp<string>>("kv", Serdes.String(), serde), log);
    const vt = restored.get("k")!;
    expect([vt.value(), vt.timestamp()]).toEqual(["v", 1234]);
  });

  it("window store: windows by key and start, with retention applied as on the original", () => {
    const log: Logged[] = [];
    const options = { retentionMs: 10, windowSizeMs: 5, retainDuplicates: false };
    const store = new InMemoryWindowStore<string, number>("w", Serdes.String(), Serdes.Integer(), options);
    store.init(logging(log));
    store.put("a", 1, 0);
    store.put("a", 2, 5);
    store.put("b", 7, 5);
    store.put("a", 3, 5);
    store.put("b", 8, 20);
    const restored = replay(new InMemoryWindowStore<string, number>("w", Serdes.String(), Serdes.Integer(), options), log);
    expect(restored.all().toArray().map((kv) => [kv.key.key(), kv.key.window().start(), kv.value])).toEqual(
      store.all().toArray().map((kv) => [kv.key.key(), kv.key.window().start(), kv.value]),
    );
    expect(restored.fetch("b", 20)).toBe(8);
  });

  it("session store: sessions with their bounds; removed sessions stay removed", () => {
    const log: Logged[] = [];
    const store = new InMemorySessionStore<string, number>("s", Serdes.String(), Serdes.Long(), 1000);
    store.init(logging(log));
    store.put(new Windowed("a", new SessionWindow(0, 0)), 1);
    store.remove(new Windowed("a", new SessionWindow(0, 0)));
    store.put(new Windowed("a", new SessionWindow(0, 3)), 2);
    store.put(new Windowed("b", new SessionWindow(10, 12)), 5);
    const restored = replay(new InMemorySessionStore<string, number>("s", Serdes.String(), Serdes.Long(), 1000), log);
    expect(restored.all().toArray().map((kv) => [kv.key.key(), kv.key.window().start(), kv.key.window().end(), kv.value])).toEqual([
      ["a", 0, 3, 2],
      ["b", 10, 12, 5],
    ]);
  });

  it("suppress buffer: entries still buffered come back in buffer-time order; evicted ones do not", () => {
    const log: Logged[] = [];
    let now = 5;
    const buffer = new TimeOrderedKeyValueBuffer<string, number>("buf", Serdes.String(), Serdes.Integer());
    buffer.init(logging(log, () => now));
    const ctx = { topic: "t", partition: 0, offset: 0, timestamp: 5, headers: new Headers() };
    buffer.put(5, "x", new Change(1, null), ctx);
    now = 6;
    buffer.put(6, "y", new Change(2, null), { ...ctx, timestamp: 6 });
    buffer.put(6, "x", new Change(3, 1), { ...ctx, timestamp: 6 });
    buffer.evictWhile(
      () => buffer.minTimestamp() < 6,
      () => {},
    );
    const restored = replay(new TimeOrderedKeyValueBuffer<string, number>("buf", Serdes.String(), Serdes.Integer()), log);
    expect(restored.numRecords()).toBe(1);
    const out: Array<[string, number | null, number]> = [];
    restored.evictWhile(
      () => true,
      (r) => out.push([r.key, r.change.newValue, r.bufferTime]),
    );
    expect(out).toEqual([["y", 2, 6]]);
  });

  it("outer-join buffer: unmatched records by time and side", () => {
    const log: Logged[] = [];
    const store = new OuterJoinStore<string, string, string>("oj", Serdes.String(), Serdes.String(), Serdes.String());
    store.init(logging(log));
    store.put({ key: "k", timestamp: 3, leftSide: true }, { leftSide: true, left: "L", right: null });
    store.put({ key: "k", timestamp: 4, leftSide: false }, { leftSide: false, left: null, right: "R" });
    store.put({ key: "k", timestamp: 3, leftSide: true }, null);
    const restored = replay(new OuterJoinStore<string, string, string>("oj", Serdes.String(), Serdes.String(), Serdes.String()), log);
    expect(restored.all().toArray().map((kv) => [kv.key.key, kv.key.timestamp, kv.key.leftSide, kv.value.right])).toEqual([["k", 4, false, "R"]]);
  });
});
