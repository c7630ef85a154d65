/**
 * Keeps the groups and applications slices current: polls the engine's group descriptions
 * a few times a second while the broker is ready (applications about once a second, and at
 * once when one changes state), folds the coordinator's events from every frame into the
 * rebalance timelines, and hands the partition tape each group's committed offset and
 * position (its markers).
 */
import type { GroupEvent, WorkbenchGroup } from "../engine-client/workbench-types";
import { onEngineFrame } from "./engine-events";
import { startStreamsFeed } from "./streams-feed";
import { useStore } from "./store";
import type { GroupMarker } from "./ui-slice";

const POLL_MS = 400;
/** Applications are described every this many group polls. */
const APPS_EVERY = 3;

function markersOf(groups: WorkbenchGroup[]): Map<string, { topic: string; partition: number; markers: GroupMarker[] }> {
  const out = new Map<string, { topic: string; partition: number; markers: GroupMarker[] }>();
  for (const g of groups) {
    for (const p of g.partitions) {
      if (p.committed < 0 && p.position < 0) continue;
      let entry = out.get(p.key);
      if (!entry) out.set(p.key, (entry = { topic: p.topic, partition: p.partition, markers: [] }));
      entry.markers.push({ groupId: g.groupId, committed: Math.max(0, p.committed), position: p.position >= 0 ? p.position : Math.max(0, p.committed) });
    }
  }
  return out;
}

function sameMarkers(a: GroupMarker[] | undefined, b: GroupMarker[]): boolean {
  if (!a || a.length !== b.length) return false;
  return a.every((m, i) => m.groupId === b[i]!.groupId && m.committed === b[i]!.committed && m.position === b[i]!.position);
}

let started = false;

/** Start once; later calls do nothing. */
export function startGroupsPoller(): void {
  if (started) return;
  started = true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight = false;
  let polls = 0;
  let appsSoon = true;
  const markedKeys = new Set<string>();

  async function poll(): Promise<void> {
    timer = undefined;
    const s = useStore.getState();
    if (s.connection === "ready" && !inFlight && document.visibilityState !== "hidden") {
      inFlight = true;
      try {
        await s.refreshGroups();
        if (appsSoon || ++polls % APPS_EVERY === 0) {
          appsSoon = false;
          await useStore.getState().refreshApps();
        }
        const state = useStore.getState();
        const markers = markersOf(state.groups);
        for (const [key, m] of markers) {
          if (!sameMarkers(state.groupMarkers[key], m.markers)) state.setGroupMarkers(m.topic, m.partition, m.markers);
          markedKeys.add(key);
        }
        for (const key of [...markedKeys]) {
          if (markers.has(key)) continue;
          const dash = key.lastIndexOf("-");
          state.setGroupMarkers(key.slice(0, dash), Number(key.slice(dash + 1)), []);
          markedKeys.delete(key);
        }
      } finally {
        inFlight = false;
      }
    }
    timer ??= setTimeout(() => void poll(), POLL_MS);
  }

  onEngineFrame((frame) => {
    const events: GroupEvent[] = [];
    for (const e of frame.events) if (e.type === "group") events.push(e.event);
    if (events.length > 0 || frame.restarted) useStore.getState().receiveGroupEvents(events, frame.restarted === true);
    if (frame.restarted || frame.streams?.some((e) => e.event.type === "state-change" || e.event.type === "application-error")) {
      appsSoon = true;
      if (timer !== undefined) {
        clearTimeout(timer);
        timer = undefined;
        void poll();
      }
    }
  });
  startStreamsFeed();
  void poll();
}
