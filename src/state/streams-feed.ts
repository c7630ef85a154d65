/**
 * What the stream applications' events add up to, kept outside React state because they
 * arrive every frame: per-node record counts (for throughput), the last records each store
 * and windowed node saw (for the topology view's node panel), and one windows model per
 * windowed node (for the windows view, which redraws its canvas from it every frame).
 * Views subscribe and pull; nothing here re-renders the page.
 */
import type { StreamsEngineEvent, StreamsEvent, WindowBounds } from "../engine-client/workbench-types";
import { keyText, WindowsModel } from "../views/windows/window-model";
import { onEngineFrame } from "./engine-events";

export interface RecentEntry {
  key: string;
  value: unknown;
  timestamp: number;
  window?: WindowBounds;
  what: string;
}

interface AppFeed {
  /** node → task → running total. */
  totals: Map<string, Map<string, number>>;
  /** Engine-time samples of each node's total, for rates. */
  samples: Array<{ at: number; totals: Map<string, number> }>;
  recentByStore: Map<string, RecentEntry[]>;
  recentByNode: Map<string, RecentEntry[]>;
  windows: Map<string, WindowsModel>;
  lateDropped: number;
}

const RECENT = 12;
/** Rates are measured over this much engine time. */
const RATE_WINDOW_MS = 2000;

const apps = new Map<string, AppFeed>();
const listeners = new Set<() => void>();
let started = false;
let engineNow = 0;
let version = 0;

function feedOf(applicationId: string): AppFeed {
  let f = apps.get(applicationId);
  if (!f) {
    f = { totals: new Map(), samples: [], recentByStore: new Map(), recentByNode: new Map(), windows: new Map(), lateDropped: 0 };
    apps.set(applicationId, f);
  }
  return f;
}

function pushRecent(map: Map<string, RecentEntry[]>, name: string, entry: RecentEntry): void {
  let list = map.get(name);
  if (!list) map.set(name, (list = []));
  list.push(entry);
  if (list.length > RECENT) list.splice(0, list.length - RECENT);
}

function windowsOf(f: AppFeed, node: string): WindowsModel {
  let m = f.windows.get(node);
  if (!m) f.windows.set(node, (m = new WindowsModel(node)));
  return m;
}

function apply(f: AppFeed, e: StreamsEvent, wallNow: number): void {
  switch (e.type) {
    case "node-processed": {
      let byTask = f.totals.get(e.node);
      if (!byTask) f.totals.set(e.node, (byTask = new Map()));
      byTask.set(e.taskId, e.total);
      return;
    }
    case "store-update":
      pushRecent(f.recentByStore, e.store, { key: keyText(e.key), value: e.value, timestamp: e.timestamp, ...(e.window ? { window: e.window } : {}), what: "put" });
      return;
    case "window-update":
      pushRecent(f.recentByNode, e.node, { key: keyText(e.key), value: e.value, timestamp: e.timestamp, window: e.window, what: "window updated" });
      windowsOf(f, e.node).applyEvent(e, wallNow);
      return;
    case "window-closed":
    case "session-merged":
      windowsOf(f, e.node).applyEvent(e, wallNow);
      return;
    case "late-record-dropped": {
      const model = windowsOf(f, e.node);
      const before = model.lateDropped;
      model.applyEvent(e, wallNow);
      f.lateDropped += model.lateDropped - before;
      pushRecent(f.recentByNode, e.node, { key: keyText(e.key), value: null, timestamp: e.timestamp, window: e.window, what: `dropped: ${((e.streamTime - e.timestamp) / 1000).toFixed(1)} s behind stream time` });
      return;
    }
    case "suppress-emitted":
      pushRecent(f.recentByNode, e.node, { key: keyText(e.key), value: e.value, timestamp: e.timestamp, what: "final result" });
      return;
    default:
      return;
  }
}

function sample(f: AppFeed, at: number): void {
  const totals = new Map<string, number>();
  for (const [node, byTask] of f.totals) {
    let sum = 0;
    for (const t of byTask.values()) sum += t;
    totals.set(node, sum);
  }
  const last = f.samples[f.samples.length - 1];
  if (last && last.at === at) last.totals = totals;
  else f.samples.push({ at, totals });
  while (f.samples.length > 2 && f.samples[1]!.at <= at - RATE_WINDOW_MS) f.samples.shift();
}

function onStreams(events: readonly StreamsEngineEvent[], now: number): void {
  const wallNow = performance.now();
  const touched = new Set<AppFeed>();
  for (const { applicationId, event } of events) {
    const f = feedOf(applicationId);
    touched.add(f);
    if (event.type === "state-change" && event.to === "NOT_RUNNING") f.totals.clear();
    if ("node" in event || event.type === "store-update") apply(f, event as StreamsEvent, wallNow);
  }
  for (const f of apps.values()) sample(f, now);
  for (const f of touched) for (const m of f.windows.values()) m.prune();
}

export function startStreamsFeed(): void {
  if (started) return;
  started = true;
  onEngineFrame((frame) => {
    if (frame.restarted) apps.clear();
    if (frame.clock) engineNow = frame.clock.now;
    onStreams(frame.streams ?? [], engineNow);
    version++;
    for (const l of listeners) l();
  });
}

/** Called after every frame the feed has folded. */
export function subscribeStreamsFeed(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function feedVersion(): number {
  return version;
}

/** Records per second of engine time through each node, over the last two seconds. */
export function nodeRates(applicationId: string): Map<string, number> {
  const f = apps.get(applicationId);
  const out = new Map<string, number>();
  if (!f || f.samples.length < 2) return out;
  const first = f.samples[0]!;
  const last = f.samples[f.samples.length - 1]!;
  const seconds = (last.at - first.at) / 1000;
  if (seconds <= 0) return out;
  for (const [node, total] of last.totals) out.set(node, Math.max(0, (total - (first.totals.get(node) ?? 0)) / seconds));
  return out;
}

export function nodeTotal(applicationId: string, node: string): number {
  let sum = 0;
  for (const t of apps.get(applicationId)?.totals.get(node)?.values() ?? []) sum += t;
  return sum;
}

export function recentOfNode(applicationId: string, node: string): readonly RecentEntry[] {
  return apps.get(applicationId)?.recentByNode.get(node) ?? [];
}

export function recentOfStore(applicationId: string, store: string): readonly RecentEntry[] {
  return apps.get(applicationId)?.recentByStore.get(store) ?? [];
}

/** The windowed nodes of an application that have reported windows, by node name. */
export function windowModels(applicationId: string): ReadonlyMap<string, WindowsModel> {
  return apps.get(applicationId)?.windows ?? new Map();
}

export function windowModel(applicationId: string, node: string): WindowsModel {
  return windowsOf(feedOf(applicationId), node);
}
