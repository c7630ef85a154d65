import { describe, expect, it } from "vitest";
import type { GroupEvent } from "../../engine-client/workbench-types";
import { applyGroupEvent, assignmentChanges, emptyTimeline, nameFromMemberId, trimTimeline, GONE_LANE_MS, MAX_SEGMENTS, OLD_SEGMENT_MS, type GroupTimeline } from "./rebalance-timeline";

const C1 = "consumer-1-9c4e2832-3314-4204-82b6-76b2b9234319";
const C2 = "consumer-2-a13b0590-612a-4485-9404-c178c031cc51";

// The coordinator's events for: two consumers join an empty group (the initial rebalance
// delay runs to 6 s), then consumer-2 crashes and is evicted at 16 s; recorded from the engine.
const RUN: GroupEvent[] = [
  { type: "state-changed", at: 0, groupId: "b", from: "Empty", to: "PreparingRebalance" },
  { type: "rebalance-started", at: 0, groupId: "b", generation: 0, reason: `new member ${C1} joined` },
  { type: "member-joined", at: 0, groupId: "b", memberId: C2, clientId: "consumer-2" },
  { type: "state-changed", at: 6000, groupId: "b", from: "PreparingRebalance", to: "CompletingRebalance" },
  { type: "state-changed", at: 6000, groupId: "b", from: "CompletingRebalance", to: "Stable" },
  {
    type: "rebalance-completed",
    at: 6000,
    groupId: "b",
    generation: 1,
    protocol: "range",
    leader: C1,
    assignmentBefore: {},
    assignmentAfter: { [C1]: ["orders-0", "orders-1"], [C2]: ["orders-2"] },
  },
  { type: "offsets-committed", at: 7000, groupId: "b", memberId: C1, generationId: 1, offsets: { "orders-0": 4 } },
  { type: "member-evicted", at: 16000, groupId: "b", memberId: C2, reason: "session-timeout" },
  { type: "state-changed", at: 16000, groupId: "b", from: "Stable", to: "PreparingRebalance" },
  { type: "rebalance-started", at: 16000, groupId: "b", generation: 1, reason: `member ${C2} missed its session timeout` },
  { type: "state-changed", at: 16000, groupId: "b", from: "PreparingRebalance", to: "CompletingRebalance" },
  { type: "state-changed", at: 16000, groupId: "b", from: "CompletingRebalance", to: "Stable" },
  {
    type: "rebalance-completed",
    at: 16000,
    groupId: "b",
    generation: 2,
    protocol: "range",
    leader: C1,
    assignmentBefore: { [C1]: ["orders-0", "orders-1"], [C2]: ["orders-2"] },
    assignmentAfter: { [C1]: ["orders-0", "orders-1", "orders-2"] },
  },
];

function fold(events: GroupEvent[], t: GroupTimeline = emptyTimeline("b")): GroupTimeline {
  return events.reduce(applyGroupEvent, t);
}

describe("rebalance timeline", () => {
  it("names members by client id", () => {
    expect(nameFromMemberId(C1)).toBe("consumer-1");
    expect(nameFromMemberId("my-app-consumer")).toBe("my-app-consumer");
  });

  it("folds a join, a crash and the eviction into lanes and generation marks", () => {
    const t = fold(RUN);
    expect(t.lanes.map((l) => [l.name, l.joinedAt, l.endedAt, l.endReason])).toEqual([
      ["consumer-2", 0, 16000, "evicted: session timeout"],
      ["consumer-1", 0, null, null],
    ]);
    const c2 = t.lanes[0]!;
    expect(c2.segments).toEqual([
      { phase: "joining", from: 0, to: 6000 },
      { phase: "syncing", from: 6000, to: 6000 },
      { phase: "stable", from: 6000, to: 16000 },
    ]);
    const c1 = t.lanes[1]!;
    expect(c1.segments.map((s) => [s.phase, s.from, s.to])).toEqual([
      ["joining", 0, 6000],
      ["stable", 6000, 16000],
      ["joining", 16000, 16000],
      ["syncing", 16000, 16000],
      ["stable", 16000, null],
    ]);
    expect(t.marks.map((m) => [m.generation, m.startedAt, m.at, m.leader, m.protocol])).toEqual([
      [1, 0, 6000, "consumer-1", "range"],
      [2, 16000, 16000, "consumer-1", "range"],
    ]);
    expect(t.marks[1]!.reason).toContain("missed its session timeout");
    expect(t.marks[1]!.before).toEqual({ "consumer-1": ["orders-0", "orders-1"], "consumer-2": ["orders-2"] });
    expect(t.marks[1]!.after).toEqual({ "consumer-1": ["orders-0", "orders-1", "orders-2"] });
    expect(t.pending).toBeNull();
  });

  it("says which partitions moved", () => {
    const t = fold(RUN);
    expect(assignmentChanges(t.marks[1]!)).toEqual([
      { member: "consumer-1", gained: ["orders-2"], lost: [], kept: ["orders-0", "orders-1"] },
      { member: "consumer-2", gained: [], lost: ["orders-2"], kept: [] },
    ]);
  });

  it("ignores other groups, returns the same object for commits, and keeps a pending rebalance's reason", () => {
    const t = fold(RUN.slice(0, 3));
    expect(t.pending).toEqual({ since: 0, reason: `new member ${C1} joined` });
    expect(applyGroupEvent(t, { ...RUN[0]!, groupId: "other" })).toBe(t);
    expect(applyGroupEvent(t, RUN[6]!)).toBe(t);
  });

  it("does not mutate the timeline it was given", () => {
    const before = fold(RUN.slice(0, 6));
    const snapshot = JSON.stringify(before);
    fold(RUN.slice(6), before);
    expect(JSON.stringify(before)).toBe(snapshot);
  });

  it("drops lanes of members gone long ago", () => {
    const t = fold(RUN);
    expect(trimTimeline(t, 16000 + GONE_LANE_MS).lanes).toHaveLength(2);
    expect(trimTimeline(t, 16001 + GONE_LANE_MS).lanes.map((l) => l.name)).toEqual(["consumer-1"]);
  });

  it("keeps a long-lived member's phases bounded: the newest ones, none that ended out of every span", () => {
    const t = fold(RUN);
    const lane = t.lanes[0]!;
    const many = { ...t, lanes: [{ ...lane, endedAt: null, segments: Array.from({ length: 500 }, (_, i) => ({ phase: "stable" as const, from: i * 10, to: i === 499 ? null : i * 10 + 10 })) }] };
    const trimmed = trimTimeline(many, 5000);
    expect(trimmed.lanes[0]!.segments).toHaveLength(MAX_SEGMENTS);
    expect(trimmed.lanes[0]!.segments.at(-1)).toEqual({ phase: "stable", from: 4990, to: null });
    const later = trimTimeline(trimmed, 4990 + OLD_SEGMENT_MS + 1);
    expect(later.lanes[0]!.segments).toEqual([{ phase: "stable", from: 4990, to: null }]);
    // Nothing to drop: the same timeline, so the store sees no change.
    expect(trimTimeline(later, 4990 + OLD_SEGMENT_MS + 2)).toBe(later);
  });
});
