/**
 * What the stream applications' events add up to, kept outside React state because they
 * arrive every frame: per-node record counts (for throughput), the last records each store
 * and windowed node saw, and the records a watched processor received (for the topology
 * view's node panel), and one windows model per
 * windowed node (for the windows view, which redraws its canvas from it every frame).
 * Views subscribe and pull; nothing here re-renders the page.
 */
import type { StreamsEngineEvent, StreamsEvent, WindowBounds } from "../engine-client/workbench-types";
import { keyText, WindowsModel } from "../views/windows/window-model";
import { onEngineFrame } from "./engine-events";
import { NodeRates } from "./node-rates";

export interface RecentEntry {
  key: string;
  value: unknown;
  timestamp: number;
  window?: WindowBounds;
  what: string;
}

/** A record a watched processor received (the engine's node-record event). */
export interface WatchedEntry {
  taskId: string;
  key: string | null;
  value: string | null;
  timestamp: number;
  /** The input record behind it; null topic when a punctuation forwarded it. */
  topic: string | null;
  partition: number;
  offset: number;
  /** Records its children received from it: 0 when it forwarded nothing. */
  forwarded: number;
}

interface AppFeed {
  rates: NodeRates;
  recentByStore: Map<string, RecentEntry[]>;
  recentByNode: Map<string, RecentEntry[]>;
  watchedByNode: Map<string, WatchedEntry[]>;
  windows: Map<string, WindowsModel>;
  lateDropped: number;
}

const RECENT = 12;
/** As many as the engine sends per node per reply. */
const WATCHED = 20;

const apps = new Map<string, AppFeed>();
const listeners = new Set<() => void>();
let started = false;
let engineNow = 0;
let version = 0;

function feedOf(applicationId: string): AppFeed {
  let f = apps.get(applicationId);
  if (!f) {
    f = { rates: new NodeRates(), recentByStore: new Map(), recentByNode: new Map(), watchedByNode: new Map(), windows: new Map(), lateDropped: 0 };
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
    case "node-processed":
      f.rates.processed(e.node, e.taskId, e.total);
      return;
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

function onStreams(events: readonly StreamsEngineEvent[], now: number): void {
  const wallNow = performance.now();
  const touched = new Set<AppFeed>();
  for (const { applicationId, event } of events) {
    const f = feedOf(applicationId);
    touched.add(f);
    if (event.type === "state-change" && event.to === "NOT_RUNNING") f.rates.reset();
    if (event.type === "node-record") {
      const { type: _type, node, ...entry } = event;
      let list = f.watchedByNode.get(node);
      if (!list) f.watchedByNode.set(node, (list = []));
      list.push(entry);
      if (list.length > WATCHED) list.splice(0, list.length - WATCHED);
      continue;
    }
    if ("node" in event || event.type === "store-update") apply(f, event as StreamsEvent, wallNow);
  }
  for (const f of apps.values()) f.rates.sample(now);
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

/** Records per second of engine time through each node, over the last few seconds. */
export function nodeRates(applicationId: string): Map<string, number> {
  return apps.get(applicationId)?.rates.rates() ?? new Map();
}

export function nodeTotal(applicationId: string, node: string): number {
  return apps.get(applicationId)?.rates.total(node) ?? 0;
}

export function recentOfNode(applicationId: string, node: string): readonly RecentEntry[] {
  return apps.get(applicationId)?.recentByNode.get(node) ?? [];
}

/** What a watched processor received, oldest first (see EngineApi.watchNode). */
export function watchedOfNode(applicationId: string, node: string): readonly WatchedEntry[] {
  return apps.get(applicationId)?.watchedByNode.get(node) ?? [];
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
