import type { ClassicGroup } from "./classic-group";
import type { ClassicGroupMember } from "./classic-group-member";
import type { KeyedTimers } from "./keyed-timers";

/**
 * Each member's session deadline, one timer per member (and per pending member, whose id
 * expires unless it comes back to join with it). Every heartbeat, join or sync answer moves
 * the deadline; when it passes, `onExpired` decides what the missed session means.
 */
export class SessionTimers {
  constructor(
    private readonly timers: KeyedTimers,
    private readonly onExpired: (groupId: string, memberId: string) => void,
  ) {}

  reschedule(group: ClassicGroup, member: ClassicGroupMember, timeoutMs = member.sessionTimeoutMs): void {
    this.schedule(group.groupId, member.memberId, timeoutMs);
  }

  schedule(groupId: string, memberId: string, timeoutMs: number): void {
    this.timers.schedule(heartbeatKey(groupId, memberId), timeoutMs, () => this.onExpired(groupId, memberId));
  }

  cancel(groupId: string, memberId: string): void {
    this.timers.cancel(heartbeatKey(groupId, memberId));
  }
}

function heartbeatKey(groupId: string, memberId: string): string {
  return `heartbeat\u0000${groupId}\u0000${memberId}`;
}
