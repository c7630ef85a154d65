import { describe, expect, it } from "vitest";
import { isKafkaError } from "../protocol/errors";
import { SeededRandom } from "../runtime/random";
import { VirtualScheduler } from "../runtime/scheduler";
import type { GroupEvent } from "./group-events";
import { GroupCoordinator } from "./group-coordinator";
import type { GroupCoordinatorOptions } from "./group-coordinator";
import type { JoinGroupRequest, JoinGroupResponse, SyncGroupResponse } from "./group-protocol";
import { InMemoryOffsetStore } from "./memory-offset-store";
import { tp } from "./topic-partition";

function world(options: Partial<GroupCoordinatorOptions> = {}) {
  const scheduler = new VirtualScheduler();
  const events: GroupEvent[] = [];
  const offsetStore = new InMemoryOffsetStore(scheduler.clock);
  const coordinator = new GroupCoordinator({
    scheduler,
    random: new SeededRandom(7),
    offsetStore,
    initialRebalanceDelayMs: 0,
    listener: (e) => events.push(e),
    ...options,
  });
  return { scheduler, coordinator, events, offsetStore };
}

function joinRequest(memberId: string, overrides: Partial<JoinGroupRequest> = {}): JoinGroupRequest {
  return {
    groupId: "g",
    memberId,
    clientId: "c",
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 20_000,
    protocolType: "consumer",
    protocols: [{ name: "range", metadata: { topics: ["t"], ownedPartitions: [], generationId: -1 } }],
    ...overrides,
  };
}

/** Send a JoinGroup and collect whatever answers arrive (parked joins answer later). */
function join(coordinator: GroupCoordinator, request: JoinGroupRequest): JoinGroupResponse[] {
  const out: JoinGroupResponse[] = [];
  coordinator.joinGroup(request, (r) => out.push(r));
  return out;
}

function sync(coordinator: GroupCoordinator, memberId: string, generationId: number, assignments: { memberId: string; partitions: number[] }[] = []) {
  const out: SyncGroupResponse[] = [];
  coordinator.syncGroup(
    {
      groupId: "g",
      memberId,
      generationId,
      assignments: assignments.map((a) => ({ memberId: a.memberId, assignment: { partitions: a.partitions.map((p) => tp("t", p)) } })),
    },
    (r) => out.push(r),
  );
  return out;
}

/** A dynamic member's two-step join: MEMBER_ID_REQUIRED, then the join with its id. */
function joinDynamic(coordinator: GroupCoordinator, overrides: Partial<JoinGroupRequest> = {}) {
  const [first] = join(coordinator, joinRequest("", overrides));
  expect(first?.error).toBe("MEMBER_ID_REQUIRED");
  const memberId = first!.memberId;
  const responses = join(coordinator, joinRequest(memberId, overrides));
  return { memberId, responses };
}

describe("JoinGroup", () => {
  it("asks a new dynamic member to come back with a generated id, then forms generation 1 with it as leader", () => {
    const { coordinator, events } = world();
    const [first] = join(coordinator, joinRequest("", { clientId: "app" }));
    expect(first).toMatchObject({ error: "MEMBER_ID_REQUIRED", generationId: -1 });
    expect(first!.memberId).toMatch(/^app-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(coordinator.groupState("g")).toBe("Empty");

    const responses = join(coordinator, joinRequest(first!.memberId, { clientId: "app" }));
    expect(responses).toHaveLength(1);
    expect(responses[0]).toMatchObject({
      error: null,
      memberId: first!.memberId,
      generationId: 1,
      protocolName: "range",
      protocolType: "consumer",
      leader: first!.memberId,
      skipAssignment: false,
    });
    expect(responses[0]!.members.map((m) => m.memberId)).toEqual([first!.memberId]);
    expect(coordinator.groupState("g")).toBe("CompletingRebalance");
    expect(events.filter((e) => e.type === "state-changed").map((e) => e.type === "state-changed" && `${e.from}>${e.to}`)).toEqual([
      "Empty>PreparingRebalance",
      "PreparingRebalance>CompletingRebalance",
    ]);
  });

  it("waits group.initial.rebalance.delay.ms for more members before the first generation", () => {
    const { coordinator, scheduler } = world({ initialRebalanceDelayMs: 3000 });
    const a = joinDynamic(coordinator);
    expect(a.responses).toEqual([]);
    scheduler.advance(1000);
    const b = joinDynamic(coordinator);
    expect(b.responses).toEqual([]);
    scheduler.advance(1999);
    expect(coordinator.groupState("g")).toBe("PreparingRebalance");
    // b arrived during the delay, so the delay is extended once more (up to the rebalance timeout).
    scheduler.advance(1);
    expect(coordinator.groupState("g")).toBe("PreparingRebalance");
    scheduler.advance(3000);
    expect(coordinator.groupState("g")).toBe("CompletingRebalance");
    expect(a.responses[0]).toMatchObject({ generationId: 1, leader: a.memberId });
    expect(a.responses[0]!.members).toHaveLength(2);
    expect(b.responses[0]).toMatchObject({ generationId: 1, leader: a.memberId, members: [] });
  });

  it("rejects what Kafka rejects", () => {
    const { coordinator } = world();
    expect(join(coordinator, joinRequest("", { groupId: "" }))[0]?.error).toBe("INVALID_GROUP_ID");
    expect(join(coordinator, joinRequest("", { sessionTimeoutMs: 5999 }))[0]?.error).toBe("INVALID_SESSION_TIMEOUT");
    expect(join(coordinator, joinRequest("", { sessionTimeoutMs: 1_800_001 }))[0]?.error).toBe("INVALID_SESSION_TIMEOUT");
    // A member id for a group the coordinator does not know.
    expect(join(coordinator, joinRequest("ghost-1", { groupId: "nope" }))[0]).toMatchObject({ error: "UNKNOWN_MEMBER_ID", memberId: "ghost-1" });

    const a = joinDynamic(coordinator);
    sync(coordinator, a.memberId, 1, [{ memberId: a.memberId, partitions: [0] }]);
    // A member whose only assignor the group does not use.
    const other = join(coordinator, joinRequest("", { protocols: [{ name: "roundrobin", metadata: { topics: ["t"], ownedPartitions: [], generationId: -1 } }] }));
    expect(other[0]).toMatchObject({ error: "INCONSISTENT_GROUP_PROTOCOL", memberId: "" });
    // An unknown member id in a known group.
    expect(join(coordinator, joinRequest("stranger"))[0]?.error).toBe("UNKNOWN_MEMBER_ID");
  });

  it("chooses the protocol every member supports, by the members' preference votes", () => {
    const { coordinator, scheduler } = world({ initialRebalanceDelayMs: 100 });
    const meta = { topics: ["t"], ownedPartitions: [], generationId: -1 };
    const a = joinDynamic(coordinator, { protocols: [{ name: "range", metadata: meta }, { name: "cooperative-sticky", metadata: meta }] });
    const b = joinDynamic(coordinator, { protocols: [{ name: "cooperative-sticky", metadata: meta }] });
    const c = joinDynamic(coordinator, { protocols: [{ name: "cooperative-sticky", metadata: meta }, { name: "range", metadata: meta }] });
    expect(b.responses).toEqual([]);
    // A member that shares nothing with everyone is refused while the others stay.
    expect(join(coordinator, joinRequest("", { protocols: [{ name: "range", metadata: meta }] }))[0]?.error).toBe("INCONSISTENT_GROUP_PROTOCOL");
    // Members arriving during the initial delay extend it by one more delay.
    scheduler.advance(100);
    expect(a.responses).toEqual([]);
    scheduler.advance(100);
    for (const m of [a, b, c]) expect(m.responses[0]?.protocolName).toBe("cooperative-sticky");
  });
});

describe("SyncGroup and Heartbeat", () => {
  it("hands the leader's assignment to every member and answers heartbeats", () => {
    const { coordinator, events, scheduler } = world({ initialRebalanceDelayMs: 50 });
    const a = joinDynamic(coordinator);
    const b = joinDynamic(coordinator);
    scheduler.advance(100);
    expect(a.responses[0]?.generationId).toBe(1);

    // The follower's SyncGroup is parked until the leader's arrives.
    const followerSync = sync(coordinator, b.memberId, 1);
    expect(followerSync).toEqual([]);
    expect(coordinator.heartbeat({ groupId: "g", memberId: b.memberId, generationId: 1 }).error).toBeNull();

    const leaderSync = sync(coordinator, a.memberId, 1, [
      { memberId: a.memberId, partitions: [0, 1] },
      { memberId: b.memberId, partitions: [2] },
    ]);
    expect(leaderSync[0]).toMatchObject({ error: null, protocolName: "range", assignment: { partitions: [tp("t", 0), tp("t", 1)] } });
    expect(followerSync[0]).toMatchObject({ error: null, assignment: { partitions: [tp("t", 2)] } });
    expect(coordinator.groupState("g")).toBe("Stable");

    const completed = events.find((e) => e.type === "rebalance-completed");
    expect(completed).toMatchObject({
      generation: 1,
      protocol: "range",
      leader: a.memberId,
      assignmentBefore: {},
      assignmentAfter: { [a.memberId]: ["t-0", "t-1"], [b.memberId]: ["t-2"] },
    });

    // A late SyncGroup in Stable returns the current assignment.
    expect(sync(coordinator, b.memberId, 1)[0]?.assignment.partitions).toEqual([tp("t", 2)]);

    expect(coordinator.heartbeat({ groupId: "g", memberId: a.memberId, generationId: 1 }).error).toBeNull();
    expect(coordinator.heartbeat({ groupId: "g", memberId: a.memberId, generationId: 0 }).error).toBe("ILLEGAL_GENERATION");
    expect(coordinator.heartbeat({ groupId: "g", memberId: "nobody", generationId: 1 }).error).toBe("UNKNOWN_MEMBER_ID");
    expect(coordinator.heartbeat({ groupId: "unknown-group", memberId: a.memberId, generationId: 1 }).error).toBe("UNKNOWN_MEMBER_ID");
    expect(coordinator.heartbeat({ groupId: "", memberId: a.memberId, generationId: 1 }).error).toBe("INVALID_GROUP_ID");
    expect(sync(coordinator, a.memberId, 7)[0]?.error).toBe("ILLEGAL_GENERATION");
    expect(sync(coordinator, "nobody", 1)[0]?.error).toBe("UNKNOWN_MEMBER_ID");
    const unknownGroup: SyncGroupResponse[] = [];
    coordinator.syncGroup({ groupId: "other", memberId: a.memberId, generationId: 1, assignments: [] }, (r) => unknownGroup.push(r));
    expect(unknownGroup[0]?.error).toBe("UNKNOWN_MEMBER_ID");
    const wrongProtocol: SyncGroupResponse[] = [];
    coordinator.syncGroup({ groupId: "g", memberId: a.memberId, generationId: 1, protocolName: "sticky", assignments: [] }, (r) =>
      wrongProtocol.push(r),
    );
    expect(wrongProtocol[0]?.error).toBe("INCONSISTENT_GROUP_PROTOCOL");
  });

  it("a join to a Stable group starts a rebalance: heartbeats say REBALANCE_IN_PROGRESS until everyone rejoined", () => {
    const { coordinator, events } = world();
    const a = joinDynamic(coordinator);
    sync(coordinator, a.memberId, 1, [{ memberId: a.memberId, partitions: [0, 1] }]);
    expect(coordinator.groupState("g")).toBe("Stable");

    const b = joinDynamic(coordinator);
    expect(b.responses).toEqual([]);
    expect(coordinator.groupState("g")).toBe("PreparingRebalance");
    expect(events.filter((e) => e.type === "rebalance-started").at(-1)).toMatchObject({ generation: 1 });
    expect(coordinator.heartbeat({ groupId: "g", memberId: a.memberId, generationId: 1 }).error).toBe("REBALANCE_IN_PROGRESS");
    expect(sync(coordinator, a.memberId, 1)[0]?.error).toBe("REBALANCE_IN_PROGRESS");

    const rejoin = join(coordinator, joinRequest(a.memberId));
    expect(rejoin[0]).toMatchObject({ generationId: 2, leader: a.memberId });
    expect(b.responses[0]).toMatchObject({ generationId: 2, leader: a.memberId });
    // Commits wait for the new assignment.
    expect(() => coordinator.commitOffsets({ groupId: "g", memberId: a.memberId, generationId: 2, offsets: { "t-0": { offset: 1 } } })).toThrow(
      /REBALANCE_IN_PROGRESS/,
    );
  });

  it("removes a member that does not rejoin within the rebalance timeout", () => {
    const { coordinator, scheduler, events } = world();
    const long = { sessionTimeoutMs: 60_000, rebalanceTimeoutMs: 20_000 };
    const a = joinDynamic(coordinator, long);
    sync(coordinator, a.memberId, 1, [{ memberId: a.memberId, partitions: [0] }]);
    const b = joinDynamic(coordinator, long);
    const aRejoin = join(coordinator, joinRequest(a.memberId, long));
    expect(b.responses[0]?.generationId).toBe(2);
    sync(coordinator, a.memberId, 2, [{ memberId: a.memberId, partitions: [0] }, { memberId: b.memberId, partitions: [1] }]);
    sync(coordinator, b.memberId, 2);
    expect(aRejoin[0]?.generationId).toBe(2);

    // c joins; a rejoins, b never does (it hangs without leaving).
    const c = joinDynamic(coordinator, long);
    join(coordinator, joinRequest(a.memberId, long));
    scheduler.advance(3000);
    coordinator.heartbeat({ groupId: "g", memberId: b.memberId, generationId: 2 });
    scheduler.advance(16_999);
    expect(coordinator.groupState("g")).toBe("PreparingRebalance");
    scheduler.advance(1);
    expect(coordinator.groupState("g")).toBe("CompletingRebalance");
    expect(c.responses[0]).toMatchObject({ generationId: 3 });
    expect(coordinator.describeGroup("g").members.map((m) => m.memberId).sort()).toEqual([a.memberId, c.memberId].sort());
    expect(events.find((e) => e.type === "member-evicted")).toMatchObject({ memberId: b.memberId, reason: "rebalance-timeout", at: 20_000 });
  });

  it("removes a member whose session expires and a pending member that never came back", () => {
    const { coordinator, scheduler, events } = world();
    const a = joinDynamic(coordinator);
    sync(coordinator, a.memberId, 1, [{ memberId: a.memberId, partitions: [0] }]);
    const pending = join(coordinator, joinRequest(""))[0]!;
    expect(pending.error).toBe("MEMBER_ID_REQUIRED");
    scheduler.advance(9_999);
    expect(coordinator.groupState("g")).toBe("Stable");
    scheduler.advance(1);
    expect(events.filter((e) => e.type === "member-evicted")).toMatchObject([{ memberId: a.memberId, reason: "session-timeout", at: 10_000 }]);
    // The last member is gone: the group rebalances down to Empty, bumping the generation.
    expect(coordinator.describeGroup("g")).toMatchObject({ state: "Empty", generationId: 2, members: [] });
    // The pending id expired too: coming back with it is refused.
    expect(join(coordinator, joinRequest(pending.memberId))[0]?.error).toBe("UNKNOWN_MEMBER_ID");
  });
});

describe("LeaveGroup", () => {
  it("removes the member at once and moves the group to a rebalance; unknown members get UNKNOWN_MEMBER_ID", () => {
    const { coordinator, events } = world();
    const a = joinDynamic(coordinator);
    sync(coordinator, a.memberId, 1, [{ memberId: a.memberId, partitions: [0] }]);
    const b = joinDynamic(coordinator);
    join(coordinator, joinRequest(a.memberId));
    sync(coordinator, a.memberId, 2, [{ memberId: a.memberId, partitions: [0] }, { memberId: b.memberId, partitions: [1] }]);

    const response = coordinator.leaveGroup({ groupId: "g", members: [{ memberId: b.memberId }, { memberId: "nobody" }] });
    expect(response).toEqual({
      error: null,
      members: [
        { memberId: b.memberId, error: null },
        { memberId: "nobody", error: "UNKNOWN_MEMBER_ID" },
      ],
    });
    expect(coordinator.groupState("g")).toBe("PreparingRebalance");
    expect(events.filter((e) => e.type === "member-left")).toMatchObject([{ memberId: b.memberId }]);
    expect(coordinator.leaveGroup({ groupId: "x", members: [{ memberId: a.memberId }] }).members[0]?.error).toBe("UNKNOWN_MEMBER_ID");
  });

  it("a leaving leader hands leadership to the next member", () => {
    const { coordinator, scheduler } = world({ initialRebalanceDelayMs: 10 });
    const a = joinDynamic(coordinator);
    const b = joinDynamic(coordinator);
    const c = joinDynamic(coordinator);
    scheduler.advance(20);
    expect(coordinator.describeGroup("g").leader).toBe(a.memberId);
    coordinator.leaveGroup({ groupId: "g", members: [{ memberId: a.memberId }] });
    expect(coordinator.describeGroup("g").leader).toBe(b.memberId);
    const bj = join(coordinator, joinRequest(b.memberId));
    const cj = join(coordinator, joinRequest(c.memberId));
    expect(bj[0]).toMatchObject({ leader: b.memberId, generationId: 2 });
    expect(bj[0]!.members).toHaveLength(2);
    expect(cj[0]).toMatchObject({ leader: b.memberId, members: [] });
  });
});

describe("static membership", () => {
  it("a restarted static member takes over its old assignment without a rebalance; the old id is fenced", () => {
    const { coordinator, events } = world();
    const s = { groupInstanceId: "box-1", clientId: "c" };
    const [first] = join(coordinator, joinRequest("", s));
    // Static members skip MEMBER_ID_REQUIRED.
    expect(first).toMatchObject({ error: null, generationId: 1 });
    expect(first!.memberId).toMatch(/^box-1-/);
    sync(coordinator, first!.memberId, 1, [{ memberId: first!.memberId, partitions: [0, 1] }]);
    const rebalances = events.filter((e) => e.type === "rebalance-started").length;

    const [second] = join(coordinator, joinRequest("", s));
    expect(second).toMatchObject({ error: null, generationId: 1, skipAssignment: true, leader: second!.memberId });
    expect(second!.memberId).not.toBe(first!.memberId);
    expect(coordinator.groupState("g")).toBe("Stable");
    expect(sync(coordinator, second!.memberId, 1)[0]?.assignment.partitions).toEqual([tp("t", 0), tp("t", 1)]);
    expect(events.filter((e) => e.type === "rebalance-started")).toHaveLength(rebalances);
    expect(events.filter((e) => e.type === "member-joined").at(-1)).toMatchObject({ replacedMemberId: first!.memberId, groupInstanceId: "box-1" });

    expect(coordinator.heartbeat({ groupId: "g", memberId: first!.memberId, groupInstanceId: "box-1", generationId: 1 }).error).toBe(
      "FENCED_INSTANCE_ID",
    );
    expect(() =>
      coordinator.commitOffsets({ groupId: "g", memberId: first!.memberId, groupInstanceId: "box-1", generationId: 1, offsets: {} }),
    ).toThrow(/FENCED_INSTANCE_ID/);
    expect(coordinator.heartbeat({ groupId: "g", memberId: second!.memberId, groupInstanceId: "box-1", generationId: 1 }).error).toBeNull();
    // Administrative removal by instance id.
    expect(coordinator.leaveGroup({ groupId: "g", members: [{ memberId: "", groupInstanceId: "box-1" }] }).members[0]?.error).toBeNull();
    expect(coordinator.groupState("g")).toBe("Empty");
  });
});

describe("offset commits", () => {
  it("validates member and generation, then stores through the OffsetStore", () => {
    const { coordinator, offsetStore, events, scheduler } = world();
    const a = joinDynamic(coordinator);
    sync(coordinator, a.memberId, 1, [{ memberId: a.memberId, partitions: [0] }]);
    scheduler.advance(500);
    coordinator.commitOffsets({ groupId: "g", memberId: a.memberId, generationId: 1, offsets: { "t-0": { offset: 5, metadata: "m" } } });
    expect(offsetStore.fetch("g")).toEqual({ "t-0": { offset: 5, metadata: "m", leaderEpoch: -1, commitTimestamp: 500 } });
    expect(coordinator.fetchOffsets("g", ["t-0", "t-1"])).toEqual({ "t-0": { offset: 5, metadata: "m", leaderEpoch: -1, commitTimestamp: 500 } });
    expect(events.at(-1)).toMatchObject({ type: "offsets-committed", memberId: a.memberId, generationId: 1, offsets: { "t-0": 5 } });

    const errorOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return isKafkaError(e) ? e.type : String(e);
      }
      return null;
    };
    expect(errorOf(() => coordinator.commitOffsets({ groupId: "g", memberId: a.memberId, generationId: 0, offsets: {} }))).toBe("ILLEGAL_GENERATION");
    expect(errorOf(() => coordinator.commitOffsets({ groupId: "g", memberId: "zz", generationId: 1, offsets: {} }))).toBe("UNKNOWN_MEMBER_ID");
    expect(errorOf(() => coordinator.commitOffsets({ groupId: "g", memberId: "", generationId: -1, offsets: {} }))).toBe("UNKNOWN_MEMBER_ID");
    expect(errorOf(() => coordinator.commitOffsets({ groupId: "nope", memberId: "m", generationId: 3, offsets: {} }))).toBe("GROUP_ID_NOT_FOUND");
    // Outside group management (generation -1, no member): a simple group is created and accepts it.
    expect(errorOf(() => coordinator.commitOffsets({ groupId: "simple", memberId: "", generationId: -1, offsets: { "t-1": { offset: 2 } } }))).toBeNull();
    expect(coordinator.describeGroup("simple")).toMatchObject({ state: "Empty", protocolType: null });
    expect(offsetStore.fetch("simple")["t-1"]?.offset).toBe(2);
    expect(coordinator.removeEmptyGroup("simple")).toBe(true);
    expect(coordinator.describeGroup("simple").state).toBe("Dead");
    expect(coordinator.removeEmptyGroup("g")).toBe(false);
  });
});
