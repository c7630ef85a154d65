/**
 * The group coordinator as `GroupMember` calls it, reached over a {@link ClientTransport}.
 *
 * `GroupMember` (the Java consumer's join / sync / heartbeat state machine) was written
 * against the in-process coordinator, whose JoinGroup and SyncGroup answer through
 * callbacks but whose Heartbeat answers at once. Over a transport every answer comes later,
 * so a heartbeat is answered "no news" on the spot and its real answer, when it is an error
 * (REBALANCE_IN_PROGRESS, UNKNOWN_MEMBER_ID, …), is handed to the member by asking it to
 * heartbeat again and replaying the stored answer — only if the member is still in the
 * generation it sent the heartbeat from, which is what the Java client checks too.
 *
 * `ConsumerSession` also reads committed offsets (OffsetFetch) synchronously, right after
 * awaiting its log's `offsetCommitsSettled()`; the consumer fetches them over the transport
 * there ({@link TransportCoordinator.refreshCommitted}) and this adapter answers from that.
 */
import type { GroupCoordinator } from "../groups/group-coordinator";
import type {
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  OffsetCommitRequest,
  SyncGroupRequest,
  SyncGroupResponse,
} from "../groups/group-protocol";
import { EMPTY_ASSIGNMENT, NO_GENERATION_ID } from "../groups/group-protocol";
import type { CommittedOffset } from "../groups/offset-store";
import type { ClientTransport } from "./client-transport";

/** The calls GroupMember makes on its coordinator. */
export type CoordinatorCalls = Pick<GroupCoordinator, "joinGroup" | "syncGroup" | "heartbeat" | "leaveGroup" | "commitOffsets" | "fetchOffsets">;

export interface TransportCoordinatorHooks {
  /** The member is about to send a JoinGroup. */
  beforeJoin?(request: JoinGroupRequest): void;
  /** A JoinGroup answer without error, before the member sees it. */
  joined?(response: JoinGroupResponse): void;
  /** Before a leader computes the assignment: refresh what it assigns from (topic metadata). */
  beforeAssignment?(response: JoinGroupResponse): Promise<void>;
  /** After the member has taken a SyncGroup answer. */
  afterSync?(response: SyncGroupResponse): void;
  /** After a heartbeat's answer arrived (and, for an error, was handed to the member). */
  afterHeartbeat?(request: HeartbeatRequest, response: HeartbeatResponse): void;
  /** Something failed outside any caller (a callback of the member threw). */
  onError(error: unknown): void;
}

interface StoredAnswer {
  readonly memberId: string;
  readonly generationId: number;
  readonly response: HeartbeatResponse;
}

export class TransportCoordinator implements CoordinatorCalls {
  private stored: StoredAnswer | null = null;
  private holds = 0;
  private readonly queued: (() => void)[] = [];
  /** Committed offsets by `topic-partition`, as last read over the transport. */
  private readonly committed = new Map<string, CommittedOffset>();
  /** Asks the member to heartbeat now (GroupMember.heartbeatNow), to take a stored answer. */
  heartbeatNow: () => void = () => {};

  constructor(
    private readonly transport: ClientTransport,
    private readonly hooks: TransportCoordinatorHooks,
  ) {}

  /** GroupMember's type names the concrete coordinator; this adapter offers every call it makes. */
  asCoordinator(): GroupCoordinator {
    return this as unknown as GroupCoordinator;
  }

  joinGroup(request: JoinGroupRequest, respond: (response: JoinGroupResponse) => void): void {
    this.guarded(() => this.hooks.beforeJoin?.(request));
    void this.transport.joinGroup(request).then(
      async (response) => {
        if (response.error === null && response.leader === response.memberId && !response.skipAssignment) {
          await this.hooks.beforeAssignment?.(response).catch((e: unknown) => this.hooks.onError(e));
        }
        this.deliver(() => {
          if (response.error === null) this.hooks.joined?.(response);
          respond(response);
        });
      },
      // A transport failure is a coordinator the member cannot reach: it retries on its next heartbeat tick.
      () => this.deliver(() => respond(unreachableJoin(request.memberId))),
    );
  }

  syncGroup(request: SyncGroupRequest, respond: (response: SyncGroupResponse) => void): void {
    void this.transport.syncGroup(request).then(
      (response) =>
        this.deliver(() => {
          respond(response);
          this.hooks.afterSync?.(response);
        }),
      () =>
        this.deliver(() =>
          respond({ error: "COORDINATOR_NOT_AVAILABLE", protocolType: null, protocolName: null, assignment: EMPTY_ASSIGNMENT }),
        ),
    );
  }

  heartbeat(request: HeartbeatRequest): HeartbeatResponse {
    const stored = this.stored;
    if (stored !== null) {
      this.stored = null;
      if (stored.memberId === request.memberId && stored.generationId === request.generationId) return stored.response;
    }
    void this.transport.heartbeat(request).then(
      (response) => {
        if (response.error !== null && response.error !== "COORDINATOR_NOT_AVAILABLE") {
          this.deliver(() => {
            this.stored = { memberId: request.memberId, generationId: request.generationId, response };
            try {
              this.heartbeatNow();
            } finally {
              // Not taken (the member moved on in the meantime): it no longer applies.
              this.stored = null;
            }
          });
        }
        this.guarded(() => this.hooks.afterHeartbeat?.(request, response));
      },
      () => undefined,
    );
    return { error: null };
  }

  leaveGroup(request: LeaveGroupRequest): LeaveGroupResponse {
    void this.transport.leaveGroup(request).catch(() => undefined);
    return { error: null, members: request.members.map((m) => ({ memberId: m.memberId, error: null })) };
  }

  commitOffsets(request: OffsetCommitRequest): Promise<void> {
    return this.transport.commitOffsets(request);
  }

  /** OffsetFetch, answered from the last {@link refreshCommitted} (absent partitions have no commit). */
  fetchOffsets(_groupId: string, partitions?: readonly string[]): Record<string, CommittedOffset> {
    const out: Record<string, CommittedOffset> = {};
    for (const key of partitions ?? [...this.committed.keys()]) {
      const c = this.committed.get(key);
      if (c !== undefined) out[key] = c;
    }
    return out;
  }

  /** Read the group's committed offsets of `partitions` over the transport. */
  async refreshCommitted(groupId: string, partitions: readonly string[]): Promise<void> {
    if (partitions.length === 0) return;
    const found = await this.transport.fetchOffsets({ groupId, partitions });
    for (const key of partitions) {
      const c = found[key];
      if (c === undefined) this.committed.delete(key);
      else this.committed.set(key, c);
    }
  }

  /**
   * Hold back answers that move the member (join, sync, heartbeat errors) until the returned
   * release is called: the consumer holds them while its session polls, so partitions are
   * assigned and revoked between polls, as in the Java consumer, whose poll() runs the
   * rebalance before it fetches.
   */
  hold(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      while (this.holds === 0 && this.queued.length > 0) this.guarded(this.queued.shift()!);
    };
  }

  private deliver(task: () => void): void {
    if (this.holds > 0) this.queued.push(task);
    else this.guarded(task);
  }

  private guarded(task: () => void): void {
    try {
      task();
    } catch (e) {
      this.hooks.onError(e);
    }
  }
}

function unreachableJoin(memberId: string): JoinGroupResponse {
  return {
    error: "COORDINATOR_NOT_AVAILABLE",
    memberId,
    generationId: NO_GENERATION_ID,
    protocolType: null,
    protocolName: null,
    leader: "",
    skipAssignment: false,
    members: [],
  };
}
