import { describe, expect, it } from "vitest";
import type { StreamsEvent } from "../../engine-client/workbench-types";
import { inferKind, keyText, layoutRows, valueText, WindowsModel } from "./window-model";

const NODE = "KSTREAM-AGGREGATE-0000000004";

const update = (key: unknown, start: number, end: number, value: unknown, timestamp: number, taskId = "1_0"): StreamsEvent => ({
  type: "window-update",
  taskId,
  node: NODE,
  key,
  window: { start, end },
  value,
  timestamp,
});

describe("window rows", () => {
  it("keeps tumbling and session windows in one row and stacks hopping windows", () => {
    expect(layoutRows([
      { id: "a", start: 0, end: 10 },
      { id: "b", start: 10, end: 20 },
    ])).toEqual({ row: { a: 0, b: 0 }, rows: 1 });
    // Size 10, advance 5: every window overlaps its neighbours, two rows alternate.
    const hopping = layoutRows([0, 5, 10, 15].map((s) => ({ id: `w${s}`, start: s, end: s + 10 })));
    expect(hopping).toEqual({ row: { w0: 0, w5: 1, w10: 0, w15: 1 }, rows: 2 });
    expect(layoutRows([])).toEqual({ row: {}, rows: 1 });
  });
});

describe("window kind", () => {
  const b = (key: string, start: number, end: number) => ({ key, start, end });
  it("tells tumbling, hopping, sliding and session windows apart by their bounds", () => {
    expect(inferKind([b("a", 0, 10_000), b("a", 10_000, 20_000), b("b", 0, 10_000)], false)).toEqual({ kind: "tumbling", sizeMs: 10_000, advanceMs: 10_000 });
    expect(inferKind([b("a", 0, 10_000), b("a", 5_000, 15_000), b("a", 10_000, 20_000)], false)).toEqual({ kind: "hopping", sizeMs: 10_000, advanceMs: 5_000 });
    expect(inferKind([b("a", 1_234, 11_234), b("a", 3_001, 13_001)], false)).toEqual({ kind: "sliding", sizeMs: 10_000, advanceMs: null });
    expect(inferKind([b("a", 0, 4_000), b("a", 9_000, 9_500)], false).kind).toBe("session");
    expect(inferKind([b("a", 0, 10_000)], true).kind).toBe("session");
    expect(inferKind([], false).kind).toBe("unknown");
  });
});

describe("WindowsModel", () => {
  it("keeps each window's latest aggregate and marks it closed when stream time passes end + grace", () => {
    const m = new WindowsModel(NODE);
    m.applyEvent(update("/cart", 0, 10_000, 1, 1_000), 5);
    m.applyEvent(update("/cart", 0, 10_000, 2, 4_000), 6);
    m.applyEvent(update("/help", 10_000, 20_000, 1, 12_000), 7);
    expect(m.bands().map((b) => [b.key, b.start, b.value, b.updates, b.closed])).toEqual([
      ["/cart", 0, 2, 2, false],
      ["/help", 10_000, 1, 1, false],
    ]);
    expect(m.streamTime).toBe(12_000);
    m.applyEvent(update("/help", 10_000, 20_000, 2, 15_000), 8);
    m.applyEvent({ type: "window-closed", taskId: "1_0", node: NODE, key: "/cart", window: { start: 0, end: 10_000 }, value: 2, closeTime: 10_000 }, 9);
    expect(m.bands().find((b) => b.key === "/cart")!.closed).toBe(true);
    // Stream time 15 s, close time 10 s: the grace period is 5 s.
    expect(m.graceMs).toBe(5_000);
    expect(m.keys(1)).toEqual(["/help"]);
  });

  it("marks input records out of order or dropped, counting a drop once however many windows refused it", () => {
    const m = new WindowsModel(NODE);
    m.addRecord({ key: "/a", timestamp: 20_000, partition: 0, offset: 0 }, 1);
    m.addRecord({ key: "/a", timestamp: 18_000, partition: 0, offset: 1 }, 2);
    m.addRecord({ key: "/b", timestamp: 2_000, partition: 0, offset: 2 }, 3);
    m.addRecord({ key: null, timestamp: 2_000, partition: 0, offset: 3 }, 3);
    for (const w of [{ start: 0, end: 10_000 }, { start: -5_000, end: 5_000 }]) {
      m.applyEvent({ type: "late-record-dropped", taskId: "1_0", node: NODE, key: "/b", timestamp: 2_000, window: w, streamTime: 20_000, closeTime: 15_000 }, 4);
    }
    expect(m.dots().map((d) => [d.key, d.status, d.behindMs])).toEqual([
      ["/a", "on-time", null],
      ["/a", "out-of-order", null],
      ["/b", "dropped", 18_000],
    ]);
    expect(m.lateDropped).toBe(1);
    expect(m.graceMs).toBe(5_000);
  });

  it("replaces merged sessions by the merged one and remembers the merge for the animation", () => {
    const m = new WindowsModel(NODE);
    m.applyEvent(update("u1", 0, 1_000, 1, 1_000), 1);
    m.applyEvent(update("u1", 5_000, 5_000, 1, 5_000), 2);
    m.applyEvent({ type: "session-merged", taskId: "1_0", node: NODE, key: "u1", merged: [{ start: 0, end: 1_000 }, { start: 5_000, end: 5_000 }], into: { start: 0, end: 5_000 } }, 3);
    m.applyEvent(update("u1", 0, 5_000, 3, 5_000), 3);
    expect(m.bands().map((b) => [b.start, b.end, b.value])).toEqual([[0, 5_000, 3]]);
    expect(m.merges()).toEqual([{ key: "u1", from: [{ start: 0, end: 1_000 }, { start: 5_000, end: 5_000 }], into: { start: 0, end: 5_000 }, at: 3 }]);
    expect(m.kind().kind).toBe("session");
  });

  it("ignores other nodes' events and prunes what falls behind the horizon", () => {
    const m = new WindowsModel(NODE, 30_000);
    m.applyEvent({ ...update("a", 0, 10_000, 1, 5_000), node: "other" } as StreamsEvent, 1);
    expect(m.bands()).toEqual([]);
    m.applyEvent(update("a", 0, 10_000, 1, 5_000), 1);
    m.addRecord({ key: "a", timestamp: 5_000, partition: 0, offset: 0 }, 1);
    m.applyEvent(update("a", 50_000, 60_000, 1, 55_000), 2);
    m.prune();
    expect(m.bands().map((b) => b.start)).toEqual([50_000]);
    expect(m.dots()).toEqual([]);
  });

  it("forgets keys whose windows and records all fell behind the horizon, and keeps the others' order", () => {
    const m = new WindowsModel(NODE, 30_000);
    m.applyEvent(update("old", 0, 10_000, 1, 5_000), 1);
    m.applyEvent(update("b", 40_000, 50_000, 1, 45_000), 2);
    m.applyEvent(update("a", 50_000, 60_000, 1, 55_000), 3);
    expect(m.keys(10)).toEqual(["a", "b", "old"]);
    m.prune();
    expect(m.keys(10)).toEqual(["a", "b"]);
    expect(m.bands().map((b) => b.key)).toEqual(["b", "a"]);
  });

  it("moves its revision when something drawn changes, and only then", () => {
    const m = new WindowsModel(NODE, 30_000);
    const r0 = m.revision;
    m.applyEvent({ ...update("a", 0, 10_000, 1, 5_000), node: "other" } as StreamsEvent, 1);
    expect(m.revision).toBe(r0);
    m.applyEvent(update("a", 0, 10_000, 1, 5_000), 1);
    const r1 = m.revision;
    expect(r1).toBeGreaterThan(r0);
    m.addRecord({ key: "a", timestamp: 5_000, partition: 0, offset: 0 }, 2);
    expect(m.revision).toBeGreaterThan(r1);
    const r2 = m.revision;
    m.prune();
    expect(m.revision).toBe(r2);
  });

  it("prints keys and aggregates briefly", () => {
    expect(keyText("/cart")).toBe("/cart");
    expect(keyText({ id: 1 })).toBe('{"id":1}');
    expect(valueText(3)).toBe("3");
    expect(valueText(2.5)).toBe("2.50");
    expect(valueText({ sum: 123456789, count: 123456789 })).toBe('{"sum":123456789,"count…');
    expect(valueText(null)).toBe("—");
  });
});
