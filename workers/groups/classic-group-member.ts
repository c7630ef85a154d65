import type {
  ConsumerSubscriptionMetadata,
  GroupProtocol,
  JoinGroupResponse,
  MemberAssignment,
  SyncGroupResponse,
} from "./group-protocol";
import { EMPTY_ASSIGNMENT } from "./group-protocol";

export type JoinCallback = (response: JoinGroupResponse) => void;
export type SyncCallback = (response: SyncGroupResponse) => void;

/** A member of a classic group as the coordinator sees it (Kafka's ClassicGroupMember). */
export class ClassicGroupMember {
  /** Set while the member's JoinGroup is parked: the member counts as having rejoined. */
  awaitingJoin: JoinCallback | null = null;
  /** Set while the member's SyncGroup is parked waiting for the leader's. */
  awaitingSync: SyncCallback | null = null;
  /** Added in the current join phase and not yet part of a generation. */
  isNew = false;

  constructor(
    readonly memberId: string,
    readonly groupInstanceId: string | undefined,
    readonly clientId: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    readonly protocolType: string,
    public protocols: readonly GroupProtocol[],
    public assignment: MemberAssignment = EMPTY_ASSIGNMENT,
  ) {}

  get isStatic(): boolean {
    return this.groupInstanceId !== undefined;
  }

  isAwaitingJoin(): boolean {
    return this.awaitingJoin !== null;
  }

  isAwaitingSync(): boolean {
    return this.awaitingSync !== null;
  }

  /**
   * Whether a session expiry may be ignored: members parked in JoinGroup or SyncGroup cannot
   * heartbeat, so they count as alive, except brand-new members, which must get through their
   * first join in time.
   */
  hasSatisfiedHeartbeat(): boolean {
    if (this.isNew) return false;
    return this.isAwaitingJoin() || this.isAwaitingSync();
  }

  protocolNames(): Set<string> {
    return new Set(this.protocols.map((p) => p.name));
  }

  /** Same assignors with the same subscriptions, in the same order. */
  matches(protocols: readonly GroupProtocol[]): boolean {
    return protocols.length === this.protocols.length && JSON.stringify(protocols) === JSON.stringify(this.protocols);
  }

  /** The member's most preferred protocol among the candidates. */
  vote(candidates: ReadonlySet<string>): string {
    const choice = this.protocols.find((p) => candidates.has(p.name));
    if (!choice) throw new Error(`member ${this.memberId} supports none of ${[...candidates].join(", ")}`);
    return choice.name;
  }

  metadata(protocolName: string): ConsumerSubscriptionMetadata {
    const protocol = this.protocols.find((p) => p.name === protocolName);
    if (!protocol) throw new Error(`member ${this.memberId} does not support protocol ${protocolName}`);
    return protocol.metadata;
  }
}
