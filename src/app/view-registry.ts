/**
 * Where main views plug into the shell: each view names its component and whether it
 * needs a selected topic (the shell shows the "pick a topic" empty state otherwise). A new
 * view adds its id to MAIN_VIEWS (state/ui-slice.ts) and one entry here.
 */
import type { ComponentType } from "react";
import type { MainView } from "../state/store";
import { CompactionView } from "../views/compaction/compaction-view";
import { GroupsView } from "../views/groups/groups-view";
import { TopologyView } from "../views/topology/topology-view";
import { WindowsView } from "../views/windows/windows-view";
import { LatestTable } from "../views/messages/latest-table";
import { MessageBrowser } from "../views/messages/message-browser";
import { PartitionsView } from "../views/partitions/partitions-view";

export interface ViewEntry {
  component: ComponentType;
  /** Shown only with a topic selected; without one the shell teaches how to get one. */
  needsTopic: boolean;
}

export const VIEW_REGISTRY: Partial<Record<MainView, ViewEntry>> = {
  partitions: { component: PartitionsView, needsTopic: true },
  groups: { component: GroupsView, needsTopic: false },
  windows: { component: WindowsView, needsTopic: false },
  topology: { component: TopologyView, needsTopic: false },
  compaction: { component: CompactionView, needsTopic: false },
  messages: { component: MessageBrowser, needsTopic: true },
  table: { component: LatestTable, needsTopic: true },
};
