import type { GroupDescription as CoordinatorGroupDescription } from "../groups/group-coordinator";
import type { GroupDescription } from "./consumer-api";

/**
 * The coordinator's description of a group in KafkaJS's shape (describeGroup, the admin's
 * describeGroups). KafkaJS hands out member metadata and assignments as encoded bytes; here
 * they stay decoded.
 */
export function toKafkaJsGroup(g: CoordinatorGroupDescription): GroupDescription {
  return {
    groupId: g.groupId,
    state: g.state,
    protocol: g.protocol ?? "",
    protocolType: g.protocolType ?? "",
    errorCode: 0,
    members: g.members.map((m) => {
      const memberAssignment: Record<string, number[]> = {};
      for (const p of m.assignment) (memberAssignment[p.topic] ??= []).push(p.partition);
      return { memberId: m.memberId, clientId: m.clientId, clientHost: "streamlab", memberMetadata: { topics: [...m.topics] }, memberAssignment };
    }),
  };
}
