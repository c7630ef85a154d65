/**
 * Consumer groups as the workbench shows them: the latest description of every group
 * (members, assignment, positions, lag, ordering problems), each group's rebalance
 * timeline folded from the coordinator's events, and a short lag history per partition
 * for the lag chart. Polled a few times a second while the page is open (see
 * groups-poller.ts); the actions are the groups view's buttons.
 */
import type { StateCreator } from "zustand";
import type { AddConsumerInput, AssignorChoice, GroupEvent, RewindTarget, WorkbenchGroup } from "../engine-client/workbench-types";
import { applyGroupEvent, emptyTimeline, trimTimeline, type GroupTimeline } from "../views/groups/rebalance-timeline";
import { brokerClient, describeError } from "./broker-slice";
import type { Store } from "./store";

export interface LagSample {
  /** Engine time. */
  at: number;
  /** By "topic-partition". */
  lag: Record<string, number>;
}

/** Samples kept per group: at one every poll, about a minute and a half of wall time. */
export const LAG_SAMPLES = 200;

export interface GroupsSlice {
  groups: WorkbenchGroup[];
  groupsLoaded: boolean;
  selectedGroup: string | null;
  timelines: Record<string, GroupTimeline>;
  lagHistory: Record<string, LagSample[]>;
  /** Member being acted on, so its buttons wait. */
  busyMember: string | null;

  selectGroup(groupId: string): void;
  /** A new description from the engine (the poller calls this). */
  receiveGroups(groups: WorkbenchGroup[], now: number): void;
  /** Events of one frame; `restarted`: a new engine, so earlier timelines are forgotten. */
  receiveGroupEvents(events: GroupEvent[], restarted: boolean): void;
  addConsumer(input: AddConsumerInput): Promise<string | null>;
  removeConsumer(groupId: string, memberId: string): Promise<void>;
  crashConsumer(groupId: string, memberId: string): Promise<void>;
  setConsumerRate(groupId: string, memberId: string, recordsPerSecond: number): Promise<void>;
  setGroupAssignor(groupId: string, assignor: AssignorChoice): Promise<void>;
  rewindGroup(groupId: string, target: RewindTarget): Promise<void>;
  refreshGroups(): Promise<void>;
}

export const createGroupsSlice: StateCreator<Store, [], [], GroupsSlice> = (set, get) => {
  async function act(member: string | null, work: () => Promise<unknown>): Promise<boolean> {
    set({ busyMember: member });
    try {
      await work();
      set({ actionError: null });
      return true;
    } catch (e) {
      set({ actionError: describeError(e) });
      return false;
    } finally {
      set({ busyMember: null });
      await get().refreshGroups();
    }
  }

  return {
    groups: [],
    groupsLoaded: false,
    selectedGroup: null,
    timelines: {},
    lagHistory: {},
    busyMember: null,

    selectGroup(groupId) {
      set({ selectedGroup: groupId });
    },

    receiveGroups(groups, now) {
      const lagHistory = { ...get().lagHistory };
      for (const g of groups) {
        const history = lagHistory[g.groupId] ?? [];
        const last = history[history.length - 1];
        // Paused: the same moment again adds nothing.
        if (last && last.at === now) continue;
        const lag: Record<string, number> = {};
        for (const p of g.partitions) lag[p.key] = p.lag;
        const next = last && last.at > now ? [] : history.slice(-(LAG_SAMPLES - 1));
        next.push({ at: now, lag });
        lagHistory[g.groupId] = next;
      }
      for (const id of Object.keys(lagHistory)) if (!groups.some((g) => g.groupId === id)) delete lagHistory[id];
      let selectedGroup = get().selectedGroup;
      if (selectedGroup === null || !groups.some((g) => g.groupId === selectedGroup)) selectedGroup = groups[0]?.groupId ?? null;
      const timelines: Record<string, GroupTimeline> = {};
      for (const [id, t] of Object.entries(get().timelines)) timelines[id] = trimTimeline(t, now);
      set({ groups, groupsLoaded: true, lagHistory, selectedGroup, timelines });
    },

    receiveGroupEvents(events, restarted) {
      if (restarted) set({ timelines: {}, lagHistory: {} });
      if (events.length === 0) return;
      const timelines = { ...get().timelines };
      for (const e of events) timelines[e.groupId] = applyGroupEvent(timelines[e.groupId] ?? emptyTimeline(e.groupId), e);
      set({ timelines });
    },

    async addConsumer(input) {
      const client = brokerClient();
      if (!client) return null;
      let id: string | null = null;
      await act(null, async () => {
        id = await client.api.addConsumer(input);
      });
      if (id !== null) set({ selectedGroup: input.groupId });
      return id;
    },
    async removeConsumer(groupId, memberId) {
      await act(memberId, async () => brokerClient()?.api.removeConsumer(groupId, memberId));
    },
    async crashConsumer(groupId, memberId) {
      await act(memberId, async () => brokerClient()?.api.crashConsumer(groupId, memberId));
    },
    async setConsumerRate(groupId, memberId, recordsPerSecond) {
      await act(memberId, async () => brokerClient()?.api.setConsumerRate(groupId, memberId, recordsPerSecond));
    },
    async setGroupAssignor(groupId, assignor) {
      await act(null, async () => brokerClient()?.api.setGroupAssignor(groupId, assignor));
    },
    async rewindGroup(groupId, target) {
      await act(null, async () => brokerClient()?.api.rewindGroup(groupId, target));
    },

    async refreshGroups() {
      const client = brokerClient();
      if (!client || get().connection !== "ready") return;
      try {
        const [groups, now] = await Promise.all([client.api.describeWorkbenchGroups(), client.api.now()]);
        get().receiveGroups(groups, now);
      } catch {
        // A poll racing a reset or a take-over; the next one sees the new engine.
      }
    },
  };
};
