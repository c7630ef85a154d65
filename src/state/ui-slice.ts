/**
 * What the workbench shows around the data: theme, the main view, the drawer, dialogs,
 * the selected record, presentation mode, and the group markers other views provide for
 * the partition tape.
 */
import type { StateCreator } from "zustand";
import type { JsonRecordInput } from "../engine-client/broker-client";
import type { Store } from "./store";

export type Theme = "light" | "dark";
export type MainView = "partitions" | "groups" | "windows" | "topology" | "compaction" | "messages" | "table";
export type DrawerTab = "produce" | "generators" | "import" | "editor" | "console";
export type Dialog = "create-topic" | "topic-config" | "shortcuts" | "reset" | null;

export const MAIN_VIEWS: ReadonlyArray<{ id: MainView; label: string; hint: string }> = [
  { id: "partitions", label: "Partitions", hint: "Each partition as a tape of records: offsets, segments, watermarks" },
  { id: "groups", label: "Groups", hint: "Consumer groups: members, assignments, rebalances, lag" },
  { id: "windows", label: "Windows", hint: "Windowed aggregations on an event-time axis: windows, stream time, grace, late records" },
  { id: "topology", label: "Topology", hint: "A stream application's processor graph with live throughput" },
  { id: "compaction", label: "Compaction & retention", hint: "The log cleaner and retention at work" },
  { id: "messages", label: "Messages", hint: "Search and filter a topic's records" },
  { id: "table", label: "Table", hint: "The latest value per key: what compaction converges to" },
];

export interface SelectedRecord {
  topic: string;
  partition: number;
  offset: number;
}

/** A consumer group's place in one partition, drawn under the tape. */
export interface GroupMarker {
  groupId: string;
  /** The committed offset: the next record the group will read after a restart. */
  committed: number;
  /** The consumer's position: the next record it will fetch. */
  position: number;
}

export interface UiSlice {
  theme: Theme;
  presentation: boolean;
  view: MainView;
  drawer: DrawerTab | null;
  dialog: Dialog;
  selection: SelectedRecord | null;
  /** By `${topic}-${partition}`. */
  groupMarkers: Record<string, GroupMarker[]>;
  /** A record to put in the produce form (re-produce from the message browser). */
  produceDraft: { topic: string; record: JsonRecordInput } | null;

  setTheme(theme: Theme): void;
  togglePresentation(): void;
  setView(view: MainView): void;
  openDrawer(tab: DrawerTab | null): void;
  openDialog(dialog: Dialog): void;
  select(record: SelectedRecord | null): void;
  setGroupMarkers(topic: string, partition: number, markers: GroupMarker[]): void;
  reproduce(topic: string, record: JsonRecordInput): void;
  clearDraft(): void;
}

const THEME_KEY = "streamlab.theme";

function initialTheme(): Theme {
  if (typeof window === "undefined") return "light";
  const stored = window.localStorage?.getItem(THEME_KEY);
  if (stored === "light" || stored === "dark") return stored;
  return window.matchMedia?.("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

export const createUiSlice: StateCreator<Store, [], [], UiSlice> = (set, get) => ({
  theme: initialTheme(),
  presentation: false,
  view: "partitions",
  drawer: null,
  dialog: null,
  selection: null,
  groupMarkers: {},
  produceDraft: null,

  setTheme(theme) {
    window.localStorage?.setItem(THEME_KEY, theme);
    set({ theme });
  },
  togglePresentation() {
    set({ presentation: !get().presentation });
  },
  setView(view) {
    set({ view });
  },
  openDrawer(tab) {
    set({ drawer: tab });
  },
  openDialog(dialog) {
    set({ dialog });
  },
  select(record) {
    set({ selection: record });
  },
  setGroupMarkers(topic, partition, markers) {
    set({ groupMarkers: { ...get().groupMarkers, [`${topic}-${partition}`]: markers } });
  },
  reproduce(topic, record) {
    set({ produceDraft: { topic, record }, drawer: "produce" });
  },
  clearDraft() {
    set({ produceDraft: null });
  },
});
