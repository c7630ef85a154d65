/**
 * The one bound store of the workbench: slices with their actions beside their state
 * (zustand's slices pattern). It holds what is on screen, never a whole log.
 */
import { create } from "zustand";
import { createAppsSlice, type AppsSlice } from "./apps-slice";
import { createBrokerSlice, type BrokerSlice } from "./broker-slice";
import { createGroupsSlice, type GroupsSlice } from "./groups-slice";
import { createUiSlice, type UiSlice } from "./ui-slice";

export type Store = BrokerSlice & UiSlice & GroupsSlice & AppsSlice;

export const useStore = create<Store>()((...a) => ({
  ...createBrokerSlice(...a),
  ...createUiSlice(...a),
  ...createGroupsSlice(...a),
  ...createAppsSlice(...a),
}));

export { brokerClient, describeError } from "./broker-slice";
export type { ConnectionState, ProduceProgress } from "./broker-slice";
export type { DrawerTab, GroupMarker, MainView, SelectedRecord, Theme } from "./ui-slice";
export { MAIN_VIEWS } from "./ui-slice";
