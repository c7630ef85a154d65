import { describe, expect, it } from "vitest";
import type { EngineUpdate } from "../engine-client/broker-client";
import { foldUpdates } from "./fold-updates";

function update(patch: Partial<EngineUpdate>): EngineUpdate {
  return { state: "ready", clock: null, generators: [], events: [], droppedEvents: 0, restarted: false, streams: [], droppedStreamsEvents: 0, ...patch };
}

const appended = (lastOffset: number) => ({ type: "records-appended" as const, topic: "t", partition: 0, baseOffset: lastOffset, lastOffset, recordCount: 1, bytes: 10 });

describe("folding engine updates", () => {
  it("keeps the later clock and generators, every event in order, and the drop counts summed", () => {
    const a = update({ clock: { now: 1, playing: true, speed: 1 }, events: [appended(0)], droppedEvents: 2, droppedStreamsEvents: 1 });
    const b = update({ clock: { now: 2, playing: true, speed: 1 }, events: [appended(1)], droppedEvents: 3 });
    const folded = foldUpdates(a, b);
    expect(folded.clock?.now).toBe(2);
    expect(folded.events.map((e) => (e.type === "records-appended" ? e.lastOffset : -1))).toEqual([0, 1]);
    expect(folded.droppedEvents).toBe(5);
    expect(folded.droppedStreamsEvents).toBe(1);
  });

  it("keeps the earlier clock when the later update has none, and a restart in the earlier one", () => {
    const folded = foldUpdates(update({ clock: { now: 5, playing: false, speed: 1 }, restarted: true }), update({ clock: null }));
    expect(folded.clock?.now).toBe(5);
    expect(folded.restarted).toBe(true);
  });

  it("drops the earlier update's events when the later one is a restart: they belong to the old engine", () => {
    const later = update({ restarted: true, events: [appended(0)] });
    expect(foldUpdates(update({ events: [appended(7)], droppedEvents: 4 }), later)).toBe(later);
  });
});
