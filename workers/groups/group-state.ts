import { KafkaError } from "../protocol/errors";

/**
 * The states of a classic (JoinGroup/SyncGroup) consumer group, as Kafka's ClassicGroupState
 * names them. Each entry says what the coordinator does in that state and which states may
 * lead to it; {@link assertValidTransition} enforces the latter on every transition.
 */
export type GroupState = "Empty" | "PreparingRebalance" | "CompletingRebalance" | "Stable" | "Dead";

export interface GroupStateInfo {
  readonly meaning: string;
  /** How the coordinator answers requests in this state. */
  readonly actions: readonly string[];
  /** What moves the group out of this state, and where to. */
  readonly transitions: readonly string[];
  /** The only states a group may come from to enter this one. */
  readonly validPrevious: readonly GroupState[];
}

export const GROUP_STATES: Readonly<Record<GroupState, GroupStateInfo>> = {
  Empty: {
    meaning: "No members. The group lingers while it still has committed offsets; a group used only for offset commits stays here.",
    actions: [
      "JoinGroup from a new member: accepted (starts a rebalance)",
      "SyncGroup, Heartbeat, LeaveGroup: UNKNOWN_MEMBER_ID",
      "OffsetCommit with a member id or generation: UNKNOWN_MEMBER_ID; without (generation -1): accepted",
      "OffsetFetch: allowed",
    ],
    transitions: ["a member joins => PreparingRebalance", "its last offsets expire or it is deleted => Dead"],
    validPrevious: ["PreparingRebalance"],
  },
  PreparingRebalance: {
    meaning: "A rebalance started: the coordinator collects JoinGroup requests from every known member.",
    actions: [
      "Heartbeat: REBALANCE_IN_PROGRESS (members must rejoin)",
      "SyncGroup: REBALANCE_IN_PROGRESS",
      "JoinGroup from new or known members: parked until everyone has joined or the rebalance timeout",
      "LeaveGroup: removes the member",
      "OffsetCommit from members of the previous generation: allowed",
      "OffsetFetch: allowed",
    ],
    transitions: [
      "all known members rejoined, or the rebalance timeout removed the rest => CompletingRebalance",
      "all members left => Empty",
      "the group is unloaded => Dead",
    ],
    validPrevious: ["Stable", "CompletingRebalance", "Empty"],
  },
  CompletingRebalance: {
    meaning: "New generation formed; waiting for the leader's SyncGroup with the assignment.",
    actions: [
      "Heartbeat: normal (members keep their session alive while the leader assigns)",
      "OffsetCommit: REBALANCE_IN_PROGRESS",
      "SyncGroup from followers: parked until the leader's arrives",
      "OffsetFetch: allowed",
    ],
    transitions: [
      "the leader's SyncGroup => Stable",
      "a join from a new member or with changed metadata, a leave, a member failure => PreparingRebalance",
      "the group is unloaded => Dead",
    ],
    validPrevious: ["PreparingRebalance"],
  },
  Stable: {
    meaning: "The assignment is handed out; members consume and heartbeat.",
    actions: [
      "Heartbeat: normal",
      "SyncGroup: the member's current assignment",
      "JoinGroup from a follower with unchanged metadata: the current generation",
      "OffsetCommit from members of the current generation: allowed",
      "OffsetFetch: allowed",
    ],
    transitions: [
      "member failure, leave, new member, the leader rejoining, changed metadata => PreparingRebalance",
      "the group is unloaded => Dead",
    ],
    validPrevious: ["CompletingRebalance"],
  },
  Dead: {
    meaning: "No members and the group is being removed; final.",
    actions: ["JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit: COORDINATOR_NOT_AVAILABLE (the client looks for the coordinator again)"],
    transitions: [],
    validPrevious: ["Stable", "PreparingRebalance", "CompletingRebalance", "Empty", "Dead"],
  },
};

export function isValidTransition(from: GroupState, to: GroupState): boolean {
  return GROUP_STATES[to].validPrevious.includes(from);
}

/** Kafka raises IllegalStateException here: a transition outside the table is a coordinator bug. */
export function assertValidTransition(groupId: string, from: GroupState, to: GroupState): void {
  if (!isValidTransition(from, to)) {
    throw new KafkaError(
      "ILLEGAL_STATE",
      `group ${groupId} cannot go from ${from} to ${to}; ${to} can only be reached from ${GROUP_STATES[to].validPrevious.join(", ")}`,
    );
  }
}
