import { KafkaError } from "../protocol/errors";
import type { ClassicGroupMember, JoinCallback } from "./classic-group-member";
import { ClassicGroupMember as Member } from "./classic-group-member";
import type { AssignmentSnapshot } from "./group-events";
import type { JoinGroupMember, JoinGroupResponse, SyncGroupResponse } from "./group-protocol";
import { EMPTY_ASSIGNMENT, NO_GENERATION_ID, UNKNOWN_MEMBER_ID } from "./group-protocol";
import type { GroupState } from "./group-state";
import { assertValidTransition, GROUP_STATES } from "./group-state";
import { tpKey } from "./topic-partition";

/** What a group needs from its coordinator. */
export interface ClassicGroupContext {
  now(): number;
  /** Deliver a response after the current coordinator operation finishes. */
  post(task: () => void): void;
  onTransition(group: ClassicGroup, from: GroupState, to: GroupState): void;
}

/**
 * One classic consumer group (Kafka's ClassicGroup): its members, generation, leader, chosen
 * protocol and the bookkeeping of a rebalance in flight (members that have rejoined, members
 * that still owe a SyncGroup, dynamic members told to come back with their new id).
 *
 * Members are kept in join order; when the leader goes, the earliest remaining member leads.
 */
export class ClassicGroup {
  private stateValue: GroupState = "Empty";
  private previousStateValue: GroupState = "Dead";
  private stateSince: number;
  protocolType: string | undefined;
  protocolName: string | undefined;
  generationId = 0;
  private leaderId: string | undefined;
  private readonly membersById = new Map<string, ClassicGroupMember>();
  private readonly staticMembers = new Map<string, string>();
  private readonly pendingJoinMembers = new Set<string>();
  private numAwaitingJoin = 0;
  private readonly protocolVotes = new Map<string, number>();
  private readonly pendingSyncMembers = new Set<string>();
  /** A member joined during the initial rebalance delay, which then extends. */
  newMemberAdded = false;
  /** The assignment of the last Stable generation, for rebalance events. */
  lastStableAssignment: AssignmentSnapshot = {};

  constructor(
    readonly groupId: string,
    private readonly context: ClassicGroupContext,
  ) {
    this.stateSince = context.now();
  }

  get state(): GroupState {
    return this.stateValue;
  }

  get previousState(): GroupState {
    return this.previousStateValue;
  }

  get stateTimestamp(): number {
    return this.stateSince;
  }

  is(state: GroupState): boolean {
    return this.stateValue === state;
  }

  /** A group may start a rebalance from the states PreparingRebalance can be entered from. */
  canRebalance(): boolean {
    return GROUP_STATES.PreparingRebalance.validPrevious.includes(this.stateValue);
  }

  transitionTo(to: GroupState): void {
    assertValidTransition(this.groupId, this.stateValue, to);
    const from = this.stateValue;
    this.previousStateValue = from;
    this.stateValue = to;
    this.stateSince = this.context.now();
    this.context.onTransition(this, from, to);
  }

  // ------------------------------------------------------------------ members

  hasMember(memberId: string): boolean {
    return this.membersById.has(memberId);
  }

  member(memberId: string): ClassicGroupMember | undefined {
    return this.membersById.get(memberId);
  }

  get size(): number {
    return this.membersById.size;
  }

  allMembers(): ClassicGroupMember[] {
    return [...this.membersById.values()];
  }

  get leader(): string | undefined {
    return this.leaderId;
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  add(member: ClassicGroupMember, onJoin: JoinCallback | null): void {
    if (member.groupInstanceId !== undefined) {
      if (this.staticMembers.has(member.groupInstanceId)) {
        throw new KafkaError("ILLEGAL_STATE", `group ${this.groupId} already has static member ${member.groupInstanceId}`);
      }
      this.staticMembers.set(member.groupInstanceId, member.memberId);
    }
    if (this.membersById.size === 0) this.protocolType = member.protocolType;
    if (this.protocolType !== member.protocolType) {
      throw new KafkaError("ILLEGAL_STATE", `group ${this.groupId} uses protocol type ${this.protocolType}, member ${member.memberId} ${member.protocolType}`);
    }
    if (this.leaderId === undefined) this.leaderId = member.memberId;
    this.membersById.set(member.memberId, member);
    this.countVotes(member, 1);
    member.awaitingJoin = onJoin;
    if (member.isAwaitingJoin()) this.numAwaitingJoin++;
    this.pendingJoinMembers.delete(member.memberId);
  }

  remove(memberId: string): void {
    const removed = this.membersById.get(memberId);
    if (removed) {
      this.membersById.delete(memberId);
      this.countVotes(removed, -1);
      if (removed.isAwaitingJoin()) this.numAwaitingJoin--;
      if (removed.groupInstanceId !== undefined) this.staticMembers.delete(removed.groupInstanceId);
    }
    if (this.isLeader(memberId)) {
      const next = this.membersById.keys().next();
      this.leaderId = next.done ? undefined : next.value;
    }
    this.pendingJoinMembers.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
  }

  /**
   * Before a new generation forms, make sure the leader is among the members that rejoined.
   * False when nobody rejoined at all.
   */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === undefined) return false;
    const current = this.membersById.get(this.leaderId);
    if (current?.isAwaitingJoin()) return true;
    for (const m of this.membersById.values()) {
      if (m.isAwaitingJoin()) {
        this.leaderId = m.memberId;
        return true;
      }
    }
    return false;
  }

  /**
   * A static member restarted with a new member id: the new id takes over the old member's
   * place, assignment and leadership. Whatever the old instance still waits for is answered
   * with FENCED_INSTANCE_ID.
   */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): ClassicGroupMember {
    const old = this.membersById.get(oldMemberId);
    if (!old) throw new KafkaError("ILLEGAL_STATE", `group ${this.groupId} has no member ${oldMemberId} to replace`);
    this.membersById.delete(oldMemberId);
    this.completeJoin(old, {
      error: "FENCED_INSTANCE_ID",
      memberId: oldMemberId,
      generationId: NO_GENERATION_ID,
      protocolType: null,
      protocolName: null,
      leader: "",
      skipAssignment: false,
      members: [],
    });
    this.completeSync(old, { error: "FENCED_INSTANCE_ID", protocolType: null, protocolName: null, assignment: EMPTY_ASSIGNMENT });
    const replacement = new Member(
      newMemberId,
      old.groupInstanceId,
      old.clientId,
      old.rebalanceTimeoutMs,
      old.sessionTimeoutMs,
      old.protocolType,
      old.protocols,
      old.assignment,
    );
    this.membersById.set(newMemberId, replacement);
    if (this.isLeader(oldMemberId)) this.leaderId = newMemberId;
    this.staticMembers.set(groupInstanceId, newMemberId);
    if (oldMemberId in this.lastStableAssignment) {
      const { [oldMemberId]: partitions, ...rest } = this.lastStableAssignment;
      this.lastStableAssignment = { ...rest, [newMemberId]: partitions! };
    }
    return replacement;
  }

  updateMember(
    member: ClassicGroupMember,
    protocols: ClassicGroupMember["protocols"],
    rebalanceTimeoutMs: number,
    sessionTimeoutMs: number,
    onJoin: JoinCallback | null,
  ): void {
    this.countVotes(member, -1);
    member.protocols = protocols;
    this.countVotes(member, 1);
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.sessionTimeoutMs = sessionTimeoutMs;
    if (onJoin !== null && !member.isAwaitingJoin()) this.numAwaitingJoin++;
    else if (onJoin === null && member.isAwaitingJoin()) this.numAwaitingJoin--;
    member.awaitingJoin = onJoin;
  }

  /** Answer a parked JoinGroup; false when the member was not waiting. */
  completeJoin(member: ClassicGroupMember, response: JoinGroupResponse): boolean {
    const callback = member.awaitingJoin;
    if (!callback) return false;
    member.awaitingJoin = null;
    this.numAwaitingJoin--;
    this.context.post(() => callback(response));
    return true;
  }

  /** Answer a parked SyncGroup; false when the member was not waiting. */
  completeSync(member: ClassicGroupMember, response: SyncGroupResponse): boolean {
    const callback = member.awaitingSync;
    if (!callback) return false;
    member.awaitingSync = null;
    this.context.post(() => callback(response));
    return true;
  }

  // ------------------------------------------------------------------ static and pending members

  hasStaticMember(groupInstanceId: string): boolean {
    return this.staticMembers.has(groupInstanceId);
  }

  staticMemberId(groupInstanceId: string): string | undefined {
    return this.staticMembers.get(groupInstanceId);
  }

  isPendingMember(memberId: string): boolean {
    return this.pendingJoinMembers.has(memberId);
  }

  addPendingMember(memberId: string): void {
    if (this.hasMember(memberId)) throw new KafkaError("ILLEGAL_STATE", `member ${memberId} of group ${this.groupId} is already a member`);
    this.pendingJoinMembers.add(memberId);
  }

  get numPendingJoinMembers(): number {
    return this.pendingJoinMembers.size;
  }

  addPendingSyncMember(memberId: string): void {
    this.pendingSyncMembers.add(memberId);
  }

  removePendingSyncMember(memberId: string): void {
    this.pendingSyncMembers.delete(memberId);
  }

  hasReceivedSyncFromAllMembers(): boolean {
    return this.pendingSyncMembers.size === 0;
  }

  allPendingSyncMembers(): string[] {
    return [...this.pendingSyncMembers];
  }

  clearPendingSyncMembers(): void {
    this.pendingSyncMembers.clear();
  }

  notYetRejoinedMembers(): ClassicGroupMember[] {
    return this.allMembers().filter((m) => !m.isAwaitingJoin());
  }

  hasAllMembersJoined(): boolean {
    return this.membersById.size === this.numAwaitingJoin && this.pendingJoinMembers.size === 0;
  }

  get numAwaitingJoinResponse(): number {
    return this.numAwaitingJoin;
  }

  /** The group waits for its slowest member: the largest rebalance timeout among them. */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.membersById.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  /**
   * Throws UNKNOWN_MEMBER_ID or FENCED_INSTANCE_ID. A static member's instance id must map to
   * the member id it sends: an older incarnation of a restarted static member is fenced.
   */
  validateMember(memberId: string, groupInstanceId: string | undefined, operation: string): void {
    if (groupInstanceId !== undefined) {
      const existing = this.staticMembers.get(groupInstanceId);
      if (existing === undefined) {
        throw new KafkaError("UNKNOWN_MEMBER_ID", `${operation}: group ${this.groupId} has no static member ${groupInstanceId}`);
      }
      if (existing !== memberId) {
        throw new KafkaError(
          "FENCED_INSTANCE_ID",
          `${operation}: member ${memberId} of group ${this.groupId} is fenced: group.instance.id ${groupInstanceId} now belongs to ${existing}`,
        );
      }
    }
    if (!this.hasMember(memberId)) {
      throw new KafkaError("UNKNOWN_MEMBER_ID", `${operation}: group ${this.groupId} has no member ${memberId}`);
    }
  }

  /** ClassicGroup.validateOffsetCommit for plain (non-transactional) commits. */
  validateOffsetCommit(memberId: string, groupInstanceId: string | undefined, generationId: number): void {
    if (this.is("Dead")) throw new KafkaError("COORDINATOR_NOT_AVAILABLE", `group ${this.groupId} is being removed`);
    // Commits from outside group management (generation -1) are accepted while nobody is a member.
    if (generationId < 0 && this.is("Empty")) return;
    if (generationId >= 0 || memberId !== UNKNOWN_MEMBER_ID || groupInstanceId !== undefined) {
      this.validateMember(memberId, groupInstanceId, "offset-commit");
      if (generationId !== this.generationId) {
        throw new KafkaError(
          "ILLEGAL_GENERATION",
          `offset-commit: member ${memberId} sent generation ${generationId} but group ${this.groupId} is at generation ${this.generationId}`,
        );
      }
    } else if (!this.is("Empty")) {
      throw new KafkaError("UNKNOWN_MEMBER_ID", `offset-commit without a member id: group ${this.groupId} has members`);
    }
    if (this.is("CompletingRebalance")) {
      throw new KafkaError("REBALANCE_IN_PROGRESS", `offset-commit: group ${this.groupId} is waiting for the leader's assignment`);
    }
  }

  // ------------------------------------------------------------------ protocols

  private countVotes(member: ClassicGroupMember, delta: number): void {
    for (const name of member.protocolNames()) this.protocolVotes.set(name, (this.protocolVotes.get(name) ?? 0) + delta);
  }

  /** Protocols every member supports. */
  private candidateProtocols(): Set<string> {
    const out = new Set<string>();
    for (const [name, count] of this.protocolVotes) if (count === this.membersById.size) out.add(name);
    return out;
  }

  /** Can a member with these protocols join? An empty group takes anything; otherwise one protocol must be common to all. */
  supportsProtocols(protocolType: string, protocolNames: ReadonlySet<string>): boolean {
    if (this.is("Empty")) return protocolType !== "" && protocolNames.size > 0;
    if (this.protocolType !== protocolType) return false;
    for (const name of protocolNames) if ((this.protocolVotes.get(name) ?? 0) === this.membersById.size) return true;
    return false;
  }

  /**
   * Each member votes for its most preferred protocol among those all members support; the
   * most votes wins. Kafka breaks a tie by hash map order; here the protocol first voted for
   * (in member join order) wins.
   */
  selectProtocol(): string {
    if (this.membersById.size === 0) throw new KafkaError("ILLEGAL_STATE", `cannot select a protocol for empty group ${this.groupId}`);
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>();
    for (const m of this.membersById.values()) {
      const choice = m.vote(candidates);
      votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    let best: string | undefined;
    let bestVotes = -1;
    for (const [name, count] of votes) {
      if (count > bestVotes) {
        best = name;
        bestVotes = count;
      }
    }
    return best!;
  }

  /** Next generation: CompletingRebalance with a protocol, or Empty when nobody is left. */
  initNextGeneration(): void {
    this.generationId++;
    if (this.membersById.size > 0) {
      this.protocolName = this.selectProtocol();
      this.transitionTo("CompletingRebalance");
    } else {
      this.protocolName = undefined;
      this.transitionTo("Empty");
    }
    this.clearPendingSyncMembers();
  }

  /** What the leader receives in its JoinGroup response. */
  currentMembersForLeader(): JoinGroupMember[] {
    if (this.is("Dead") || this.is("PreparingRebalance") || this.protocolName === undefined) {
      throw new KafkaError("ILLEGAL_STATE", `cannot list the members of group ${this.groupId} in state ${this.state}`);
    }
    const protocol = this.protocolName;
    return this.allMembers().map((m) => ({
      memberId: m.memberId,
      ...(m.groupInstanceId === undefined ? {} : { groupInstanceId: m.groupInstanceId }),
      metadata: m.metadata(protocol),
    }));
  }

  assignmentSnapshot(): AssignmentSnapshot {
    const out: AssignmentSnapshot = {};
    for (const m of this.membersById.values()) out[m.memberId] = m.assignment.partitions.map(tpKey).sort();
    return out;
  }
}
