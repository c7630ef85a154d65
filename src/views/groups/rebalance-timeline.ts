/**
 * The rebalance timeline of a consumer group, folded from the coordinator's events: one
 * lane per member with the protocol phase it was in (joining while the group prepares a
 * rebalance, syncing while it waits for the leader's assignment, stable once it has it),
 * and a mark at each completed rebalance with the generation and every member's partitions
 * before and after. Pure data, so it is tested without a browser.
 */
import type { AssignmentSnapshot, GroupEvent } from "../../engine-client/workbench-types";

export type Phase = "joining" | "syncing" | "stable";

export interface Segment {
  phase: Phase;
  from: number;
  /** Null while it lasts. */
  to: number | null;
}

export interface Lane {
  /** The coordinator's member id. */
  memberId: string;
  /** The client id people gave it (consumer-1). */
  name: string;
  joinedAt: number;
  segments: Segment[];
  endedAt: number | null;
  endReason: "left" | "evicted: session timeout" | "evicted: rebalance timeout" | null;
}

export interface GenerationMark {
  /** When the rebalance that formed it began (the group left Stable or Empty). */
  startedAt: number;
  at: number;
  generation: number;
  protocol: string | null;
  leader: string | null;
  reason: string | null;
  /** Partitions by member name. */
  before: Record<string, string[]>;
  after: Record<string, string[]>;
}

export interface GroupTimeline {
  groupId: string;
  lanes: Lane[];
  marks: GenerationMark[];
  /** The reason of the rebalance under way, if one is. */
  pending: { since: number; reason: string | null } | null;
}

/** Marks kept per group; older rebalances scroll out. */
export const MAX_MARKS = 40;
/** Lanes of members gone this long ago are dropped. */
export const GONE_LANE_MS = 120_000;
/**
 * Phases kept per lane: a member that lives through rebalance after rebalance would
 * otherwise add segments for as long as the page is open, and every event copies them all.
 * The swimlanes show at most 100 minutes (at 100×); this many phases cover a rebalance
 * every 10 s over that time at 1×.
 */
export const MAX_SEGMENTS = 200;
/** Phases that ended this long ago are out of every span the swimlanes show. */
export const OLD_SEGMENT_MS = 6_000_000;

export function emptyTimeline(groupId: string): GroupTimeline {
  return { groupId, lanes: [], marks: [], pending: null };
}

const UUID_SUFFIX = /-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A coordinator member id is `<client.id>-<uuid>`: the client id is what people recognise. */
export function nameFromMemberId(memberId: string): string {
  return memberId.replace(UUID_SUFFIX, "");
}

/** The lane of a member first seen in an assignment (its join was not reported on its own). */
function laneFor(t: GroupTimeline, memberId: string, since: number): Lane {
  let lane = t.lanes.find((l) => l.memberId === memberId);
  if (!lane) {
    lane = { memberId, name: nameFromMemberId(memberId), joinedAt: since, segments: [], endedAt: null, endReason: null };
    enter(lane, "joining", since);
    t.lanes.push(lane);
  }
  return lane;
}

function live(t: GroupTimeline): Lane[] {
  return t.lanes.filter((l) => l.endedAt === null);
}

function enter(lane: Lane, phase: Phase, at: number): void {
  const last = lane.segments[lane.segments.length - 1];
  if (last && last.to === null) {
    if (last.phase === phase) return;
    last.to = at;
  }
  lane.segments.push({ phase, from: at, to: null });
}

function end(lane: Lane, at: number, reason: Lane["endReason"]): void {
  const last = lane.segments[lane.segments.length - 1];
  if (last && last.to === null) last.to = at;
  lane.endedAt = at;
  lane.endReason = reason;
}

function byName(t: GroupTimeline, snapshot: AssignmentSnapshot): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [memberId, partitions] of Object.entries(snapshot)) {
    const name = t.lanes.find((l) => l.memberId === memberId)?.name ?? nameFromMemberId(memberId);
    out[name] = [...partitions];
  }
  return out;
}

/** The timeline after one event; a new object (for React), lanes copied where they change. */
export function applyGroupEvent(prev: GroupTimeline, e: GroupEvent): GroupTimeline {
  if (e.groupId !== prev.groupId) return prev;
  const t: GroupTimeline = {
    ...prev,
    lanes: prev.lanes.map((l) => ({ ...l, segments: l.segments.map((s) => ({ ...s })) })),
    marks: [...prev.marks],
  };
  switch (e.type) {
    case "member-joined": {
      const replaced = e.replacedMemberId === undefined ? undefined : t.lanes.find((l) => l.memberId === e.replacedMemberId);
      if (replaced && replaced.endedAt === null) end(replaced, e.at, "left");
      const existing = t.lanes.find((l) => l.memberId === e.memberId);
      if (!existing) {
        const lane: Lane = { memberId: e.memberId, name: e.clientId, joinedAt: e.at, segments: [], endedAt: null, endReason: null };
        enter(lane, "joining", e.at);
        t.lanes.push(lane);
      }
      break;
    }
    case "member-left":
    case "member-evicted": {
      const lane = t.lanes.find((l) => l.memberId === e.memberId && l.endedAt === null);
      if (lane) end(lane, e.at, e.type === "member-left" ? "left" : e.reason === "session-timeout" ? "evicted: session timeout" : "evicted: rebalance timeout");
      break;
    }
    case "rebalance-started":
      t.pending = { since: e.at, reason: e.reason };
      for (const lane of live(t)) enter(lane, "joining", e.at);
      break;
    case "state-changed":
      if (e.to === "PreparingRebalance") {
        t.pending ??= { since: e.at, reason: null };
        for (const lane of live(t)) enter(lane, "joining", e.at);
      } else if (e.to === "CompletingRebalance") {
        for (const lane of live(t)) enter(lane, "syncing", e.at);
      }
      break;
    case "rebalance-completed": {
      for (const memberId of Object.keys(e.assignmentAfter)) laneFor(t, memberId, t.pending?.since ?? e.at);
      for (const lane of live(t)) {
        if (Object.hasOwn(e.assignmentAfter, lane.memberId)) enter(lane, "stable", e.at);
      }
      t.marks.push({
        startedAt: t.pending?.since ?? e.at,
        at: e.at,
        generation: e.generation,
        protocol: e.protocol,
        leader: e.leader === null ? null : (t.lanes.find((l) => l.memberId === e.leader)?.name ?? nameFromMemberId(e.leader)),
        reason: t.pending?.reason ?? null,
        before: byName(t, e.assignmentBefore),
        after: byName(t, e.assignmentAfter),
      });
      if (t.marks.length > MAX_MARKS) t.marks.splice(0, t.marks.length - MAX_MARKS);
      t.pending = null;
      break;
    }
    case "offsets-committed":
      return prev;
  }
  return t;
}

/** Drop lanes of members gone before `now - GONE_LANE_MS`. */
export function trimTimeline(t: GroupTimeline, now: number): GroupTimeline {
  let changed = false;
  const lanes: Lane[] = [];
  for (const l of t.lanes) {
    if (l.endedAt !== null && now - l.endedAt > GONE_LANE_MS) {
      changed = true;
      continue;
    }
    let first = Math.max(0, l.segments.length - MAX_SEGMENTS);
    while (first < l.segments.length - 1 && now - (l.segments[first]!.to ?? now) > OLD_SEGMENT_MS) first++;
    if (first > 0) {
      changed = true;
      lanes.push({ ...l, segments: l.segments.slice(first) });
    } else lanes.push(l);
  }
  return changed ? { ...t, lanes } : t;
}

/** What moved in a rebalance: partitions each member gained and lost. */
export function assignmentChanges(mark: GenerationMark): Array<{ member: string; gained: string[]; lost: string[]; kept: string[] }> {
  const names = [...new Set([...Object.keys(mark.before), ...Object.keys(mark.after)])].sort();
  return names.map((member) => {
    const before = new Set(mark.before[member] ?? []);
    const after = new Set(mark.after[member] ?? []);
    return {
      member,
      gained: [...after].filter((p) => !before.has(p)).sort(),
      lost: [...before].filter((p) => !after.has(p)).sort(),
      kept: [...after].filter((p) => before.has(p)).sort(),
    };
  });
}
