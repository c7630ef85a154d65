import type { GroupState } from "./group-state";

/** memberId -> `topic-partition` keys, sorted. */
export type AssignmentSnapshot = Record<string, string[]>;

/**
 * What the coordinator reports as it goes, for the workbench's group view. Plain data only, so
 * events cross the worker boundary as they are. `at` is the coordinator clock's time.
 */
export type GroupEvent =
  | {
      readonly type: "member-joined";
      readonly at: number;
      readonly groupId: string;
      readonly memberId: string;
      readonly groupInstanceId?: string;
      readonly clientId: string;
      /** A static member that restarted: the member id it replaces. */
      readonly replacedMemberId?: string;
    }
  | {
      /** The member sent LeaveGroup (or was removed by group instance id). */
      readonly type: "member-left";
      readonly at: number;
      readonly groupId: string;
      readonly memberId: string;
      readonly groupInstanceId?: string;
    }
  | {
      /**
       * The coordinator removed the member: no heartbeat for session.timeout.ms, or it did not
       * rejoin (or sync) within the rebalance timeout. A LeaveGroup is reported as member-left.
       */
      readonly type: "member-evicted";
      readonly at: number;
      readonly groupId: string;
      readonly memberId: string;
      readonly groupInstanceId?: string;
      readonly reason: "session-timeout" | "rebalance-timeout";
    }
  | {
      readonly type: "rebalance-started";
      readonly at: number;
      readonly groupId: string;
      /** The generation being replaced (the new one is formed when the join phase completes). */
      readonly generation: number;
      readonly reason: string;
    }
  | {
      /** The leader's SyncGroup arrived: the generation's assignment is handed out and the group is Stable. */
      readonly type: "rebalance-completed";
      readonly at: number;
      readonly groupId: string;
      readonly generation: number;
      readonly protocol: string | null;
      readonly leader: string | null;
      readonly assignmentBefore: AssignmentSnapshot;
      readonly assignmentAfter: AssignmentSnapshot;
    }
  | { readonly type: "state-changed"; readonly at: number; readonly groupId: string; readonly from: GroupState; readonly to: GroupState }
  | {
      readonly type: "offsets-committed";
      readonly at: number;
      readonly groupId: string;
      readonly memberId: string;
      readonly generationId: number;
      readonly offsets: Record<string, number>;
    };

export type GroupEventListener = (event: GroupEvent) => void;
