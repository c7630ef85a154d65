import type { CoordinatorContext } from "./coordinator-context";
import { NO_GENERATION_ID } from "./group-protocol";
import type { GroupState } from "./group-state";
import type { TopicPartition } from "./topic-partition";

export interface GroupMemberDescription {
  readonly memberId: string;
  readonly groupInstanceId?: string;
  readonly clientId: string;
  readonly topics: readonly string[];
  readonly assignment: readonly TopicPartition[];
}

export interface GroupDescription {
  readonly groupId: string;
  /** "Dead" for a group the coordinator does not know, as DescribeGroups answers. */
  readonly state: GroupState;
  readonly generationId: number;
  readonly protocolType: string | null;
  readonly protocol: string | null;
  readonly leader: string | null;
  readonly members: readonly GroupMemberDescription[];
}

/** DescribeGroups, ListGroups, and the removal of an Empty group (DeleteGroups, expired offsets). */
export class GroupAdmin {
  constructor(private readonly ctx: CoordinatorContext) {}

  describeGroup(groupId: string): GroupDescription {
    const group = this.ctx.groups.get(groupId);
    if (!group) return { groupId, state: "Dead", generationId: NO_GENERATION_ID, protocolType: null, protocol: null, leader: null, members: [] };
    return {
      groupId,
      state: group.state,
      generationId: group.generationId,
      protocolType: group.protocolType ?? null,
      protocol: group.protocolName ?? null,
      leader: group.leader ?? null,
      members: group.allMembers().map((m) => ({
        memberId: m.memberId,
        ...(m.groupInstanceId === undefined ? {} : { groupInstanceId: m.groupInstanceId }),
        clientId: m.clientId,
        topics: (m.protocols.find((p) => p.name === group.protocolName) ?? m.protocols[0])?.metadata.topics ?? [],
        assignment: m.assignment.partitions,
      })),
    };
  }

  listGroups(): { groupId: string; state: GroupState; protocolType: string | null }[] {
    return [...this.ctx.groups.values()].map((g) => ({ groupId: g.groupId, state: g.state, protocolType: g.protocolType ?? null }));
  }

  groupState(groupId: string): GroupState {
    return this.ctx.groups.get(groupId)?.state ?? "Dead";
  }

  /**
   * Drops an Empty group (its offsets expired or it was deleted): the group goes Dead and is
   * forgotten. False when the group is unknown or still has members.
   */
  removeEmptyGroup(groupId: string): boolean {
    return this.ctx.run(() => {
      const group = this.ctx.groups.get(groupId);
      if (!group || !group.is("Empty")) return false;
      group.transitionTo("Dead");
      this.ctx.groups.delete(groupId);
      return true;
    });
  }
}
