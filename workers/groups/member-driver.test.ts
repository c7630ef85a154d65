import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isKafkaError } from "../protocol/errors";
import { SeededRandom } from "../runtime/random";
import { VirtualScheduler } from "../runtime/scheduler";
import type { GroupEvent } from "./group-events";
import { GroupCoordinator } from "./group-coordinator";
import { InMemoryOffsetStore } from "./memory-offset-store";
import type { GroupMemberConfig } from "./member-driver";
import { assignmentsByClient, GroupMember, settle } from "./member-driver";
import { tpKey } from "./topic-partition";

const FAST = { "session.timeout.ms": 10_000, "heartbeat.interval.ms": 3000, "max.poll.interval.ms": 30_000 };

function world(
  partitions: Record<string, number> = { t: 6 },
  seed = 11,
  onAssigned?: (member: GroupMember, partitions: readonly string[]) => void,
) {
  const scheduler = new VirtualScheduler();
  const events: GroupEvent[] = [];
  const coordinator = new GroupCoordinator({
    scheduler,
    random: new SeededRandom(seed),
    offsetStore: new InMemoryOffsetStore(scheduler.clock),
    initialRebalanceDelayMs: 0,
    listener: (e) => events.push(e),
  });
  const members: GroupMember[] = [];
  const calls: string[] = [];
  const add = (clientId: string, config: GroupMemberConfig = {}, topics = Object.keys(partitions)) => {
    const member = new GroupMember({
      coordinator,
      scheduler,
      groupId: "g",
      clientId,
      topics,
      partitionsFor: (t) => partitions[t],
      config: { ...FAST, ...config },
      listener: {
        onPartitionsRevoked: (ps) => calls.push(`${clientId} revoked ${ps.map(tpKey).join(",")}`),
        onPartitionsAssigned: (ps) => {
          calls.push(`${clientId} assigned ${ps.map(tpKey).join(",")}`);
          onAssigned?.(member, ps.map(tpKey));
        },
        onPartitionsLost: (ps) => calls.push(`${clientId} lost ${ps.map(tpKey).join(",")}`),
      },
    });
    members.push(member);
    member.start();
    return member;
  };
  const settled = () => settle(coordinator, "g", members);
  const rebalances = () => events.filter((e) => e.type === "rebalance-completed").length;
  const assigned = () => assignmentsByClient(members);
  return { scheduler, coordinator, events, members, calls, add, settled, rebalances, assigned };
}

const keys = (m: GroupMember) => m.assignment.map(tpKey);

describe("GroupMember driving the coordinator", () => {
  it("a single member joins, leads and takes every partition within the call", () => {
    const w = world();
    const a = w.add("a", { "partition.assignment.strategy": ["range"] });
    expect(a.state).toBe("STABLE");
    expect(a.isLeader).toBe(true);
    expect(a.generationId).toBe(1);
    expect(keys(a)).toEqual(["t-0", "t-1", "t-2", "t-3", "t-4", "t-5"]);
    expect(w.coordinator.describeGroup("g")).toMatchObject({ state: "Stable", generationId: 1, protocol: "range", leader: a.memberId });
    expect(w.settled()).toMatchObject({ stable: true, state: "Stable", generationId: 1 });
  });

  it("a member joining a Stable group triggers a rebalance that settle completes without time passing", () => {
    const w = world();
    const a = w.add("a", { "partition.assignment.strategy": ["range"] });
    const b = w.add("b", { "partition.assignment.strategy": ["range"] });
    expect(w.coordinator.groupState("g")).toBe("PreparingRebalance");
    expect(w.events.filter((e) => e.type === "rebalance-started").at(-1)).toMatchObject({ generation: 1 });
    // a has not heard of the rebalance yet: it still owns everything.
    expect(keys(a)).toHaveLength(6);

    expect(w.settled()).toMatchObject({ stable: true, generationId: 2 });
    expect(w.scheduler.clock.now()).toBe(0);
    // Range over members sorted by member id ("a-…" < "b-…").
    expect(w.assigned()).toEqual({ a: ["t-0", "t-1", "t-2"], b: ["t-3", "t-4", "t-5"] });
    expect(w.events.filter((e) => e.type === "rebalance-completed").at(-1)).toMatchObject({
      generation: 2,
      protocol: "range",
      leader: a.memberId,
      assignmentBefore: { [a.memberId]: ["t-0", "t-1", "t-2", "t-3", "t-4", "t-5"] },
      assignmentAfter: { [a.memberId]: ["t-0", "t-1", "t-2"], [b.memberId]: ["t-3", "t-4", "t-5"] },
    });
    // Eager: a gave up everything before rejoining, then got its half back.
    expect(w.calls).toEqual([
      "a assigned t-0,t-1,t-2,t-3,t-4,t-5",
      "a revoked t-0,t-1,t-2,t-3,t-4,t-5",
      "a assigned t-0,t-1,t-2",
      "b assigned t-3,t-4,t-5",
    ]);
  });

  it("a crashed member is evicted exactly session.timeout.ms after its last heartbeat and its partitions move", () => {
    const w = world();
    const a = w.add("a", { "partition.assignment.strategy": ["roundrobin"] });
    const b = w.add("b", { "partition.assignment.strategy": ["roundrobin"] });
    w.settled();
    expect(w.assigned()).toEqual({ a: ["t-0", "t-2", "t-4"], b: ["t-1", "t-3", "t-5"] });

    b.crash();
    w.scheduler.advance(9_999);
    expect(w.events.some((e) => e.type === "member-evicted")).toBe(false);
    expect(w.coordinator.describeGroup("g").members).toHaveLength(2);
    w.scheduler.advance(1);
    expect(w.events.filter((e) => e.type === "member-evicted")).toMatchObject([{ memberId: b.memberId, reason: "session-timeout", at: 10_000 }]);
    expect(w.coordinator.groupState("g")).toBe("PreparingRebalance");
    // a learns of the rebalance from its next heartbeat (every 3 s: at 12 s) and rejoins at once.
    w.scheduler.advance(1_999);
    expect(w.coordinator.groupState("g")).toBe("PreparingRebalance");
    w.scheduler.advance(1);
    expect(w.coordinator.describeGroup("g")).toMatchObject({ state: "Stable", generationId: 3 });
    expect(w.events.filter((e) => e.type === "rebalance-completed").at(-1)!.at).toBe(12_000);
    expect(keys(a)).toEqual(["t-0", "t-1", "t-2", "t-3", "t-4", "t-5"]);
  });

  it("LeaveGroup on close triggers an immediate rebalance", () => {
    const w = world();
    const a = w.add("a", { "partition.assignment.strategy": ["range"] });
    const b = w.add("b", { "partition.assignment.strategy": ["range"] });
    w.settled();
    w.calls.length = 0;
    const bId = b.memberId;
    b.close();
    expect(w.calls).toEqual(["b revoked t-3,t-4,t-5"]);
    expect(w.events.filter((e) => e.type === "member-left")).toMatchObject([{ memberId: bId }]);
    expect(w.coordinator.groupState("g")).toBe("PreparingRebalance");
    expect(w.settled()).toMatchObject({ stable: true, generationId: 3 });
    expect(w.scheduler.clock.now()).toBe(0);
    expect(w.assigned()).toEqual({ a: ["t-0", "t-1", "t-2", "t-3", "t-4", "t-5"] });
    expect(b.live).toBe(false);
    expect(a.generationId).toBe(3);
  });

  it("when the leader leaves, the next member to have joined leads", () => {
    const w = world();
    const a = w.add("a");
    const b = w.add("b");
    const c = w.add("c");
    w.settled();
    expect(a.isLeader).toBe(true);
    expect(w.coordinator.describeGroup("g").leader).toBe(a.memberId);
    a.close();
    w.settled();
    expect(w.coordinator.describeGroup("g").leader).toBe(b.memberId);
    expect(b.isLeader).toBe(true);
    expect(c.isLeader).toBe(false);
    expect(Object.keys(w.assigned()).sort()).toEqual(["b", "c"]);
  });

  it("a static member restarting within the session timeout gets its partitions back without a rebalance", () => {
    const w = world();
    w.add("a", { "partition.assignment.strategy": ["range"] });
    const s = w.add("s", { "partition.assignment.strategy": ["range"], "group.instance.id": "box-1" });
    w.settled();
    // Static members sort first for range, by instance id.
    expect(w.assigned()).toEqual({ s: ["t-0", "t-1", "t-2"], a: ["t-3", "t-4", "t-5"] });
    const generation = w.coordinator.describeGroup("g").generationId;
    const rebalancesBefore = w.rebalances();
    const startedBefore = w.events.filter((e) => e.type === "rebalance-started").length;

    s.crash();
    w.scheduler.advance(6_000);
    const s2 = w.add("s", { "partition.assignment.strategy": ["range"], "group.instance.id": "box-1" });
    expect(s2.memberId).not.toBe(s.memberId);
    expect(keys(s2)).toEqual(["t-0", "t-1", "t-2"]);
    expect(s2.generationId).toBe(generation);
    expect(w.settled()).toMatchObject({ stable: true, generationId: generation });
    expect(w.rebalances()).toBe(rebalancesBefore);
    expect(w.events.filter((e) => e.type === "rebalance-started")).toHaveLength(startedBefore);
    w.scheduler.advance(30_000);
    expect(w.coordinator.describeGroup("g")).toMatchObject({ state: "Stable", generationId: generation });
  });

  it("closing a static member sends no LeaveGroup: the group rebalances only after the session timeout", () => {
    const w = world();
    const a = w.add("a", { "partition.assignment.strategy": ["range"] });
    const s = w.add("s", { "partition.assignment.strategy": ["range"], "group.instance.id": "box-1" });
    w.settled();
    w.scheduler.advance(1_000);
    s.close();
    expect(w.settled()).toMatchObject({ stable: true, generationId: 2 });
    expect(w.events.some((e) => e.type === "member-left")).toBe(false);
    w.scheduler.advance(8_999);
    expect(w.coordinator.groupState("g")).toBe("Stable");
    w.scheduler.advance(1);
    expect(w.events.filter((e) => e.type === "member-evicted")).toMatchObject([{ reason: "session-timeout", groupInstanceId: "box-1", at: 10_000 }]);
    w.settled();
    expect(keys(a)).toHaveLength(6);
    expect(w.coordinator.describeGroup("g").generationId).toBe(3);
  });

  it("commits fail with CommitFailedException once the member is out of the generation", () => {
    const w = world();
    const a = w.add("a", { "partition.assignment.strategy": ["range"] });
    const b = w.add("b", { "partition.assignment.strategy": ["range"] });
    w.settled();
    a.commitSync({ "t-0": { offset: 3 } });
    expect(w.coordinator.fetchOffsets("g")["t-0"]?.offset).toBe(3);

    // b stalls; the group moves on without it.
    b.crash();
    w.scheduler.advance(12_000);
    w.settled();
    let error: unknown;
    try {
      b.commitSync({ "t-3": { offset: 9 } });
    } catch (e) {
      error = e;
    }
    expect(isKafkaError(error, "COMMIT_FAILED")).toBe(true);
    expect((error as Error).message).toContain("UNKNOWN_MEMBER_ID");
    expect(w.coordinator.fetchOffsets("g")["t-3"]).toBeUndefined();
  });

  it("a static member that misses a rebalance keeps its place but its commits fail with ILLEGAL_GENERATION", () => {
    const w = world();
    const config = { "partition.assignment.strategy": ["range"], "session.timeout.ms": 60_000, "max.poll.interval.ms": 20_000 };
    w.add("a", config);
    const s = w.add("s", { ...config, "group.instance.id": "box-1" });
    w.settled();
    s.crash();
    w.add("c", config);
    w.settled();
    expect(w.coordinator.groupState("g")).toBe("PreparingRebalance");
    // The join phase gives up on the static member after the rebalance timeout but keeps it.
    w.scheduler.advance(20_000);
    w.settled();
    expect(w.coordinator.describeGroup("g").generationId).toBe(3);
    expect(w.coordinator.describeGroup("g").members.map((m) => m.groupInstanceId ?? m.clientId).sort()).toEqual(["a", "box-1", "c"]);
    let error: unknown;
    try {
      s.commitSync({ "t-0": { offset: 1 } });
    } catch (e) {
      error = e;
    }
    expect(isKafkaError(error, "COMMIT_FAILED")).toBe(true);
    expect((error as Error).message).toContain("ILLEGAL_GENERATION");
    // It never syncs: after another rebalance timeout it is removed for good.
    w.scheduler.advance(20_000);
    w.settled();
    expect(w.events.filter((e) => e.type === "member-evicted")).toMatchObject([{ groupInstanceId: "box-1", reason: "rebalance-timeout" }]);
    expect(Object.keys(w.assigned()).sort()).toEqual(["a", "c"]);
  });

  it("cooperative-sticky revokes only the partitions that move, and hands them over in a second rebalance", () => {
    const w = world({ t: 4 });
    const coop = { "partition.assignment.strategy": ["cooperative-sticky"] };
    const a = w.add("a", coop);
    const b = w.add("b", coop);
    w.settled();
    expect(w.assigned()).toEqual({ a: ["t-0", "t-1"], b: ["t-2", "t-3"] });

    const before = w.rebalances();
    const generation = w.coordinator.describeGroup("g").generationId;
    w.calls.length = 0;
    const c = w.add("c", coop);
    expect(w.settled()).toMatchObject({ stable: true, generationId: generation + 2 });
    expect(w.rebalances()).toBe(before + 2);
    // a kept both of its partitions and revoked nothing; b gave up exactly one; c got it after.
    expect(w.calls).toEqual(["b revoked t-3", "c assigned t-3"]);
    expect(w.assigned()).toEqual({ a: ["t-0", "t-1"], b: ["t-2"], c: ["t-3"] });
    const completed = w.events.filter((e) => e.type === "rebalance-completed").slice(-2);
    expect(completed[0]).toMatchObject({
      generation: generation + 1,
      assignmentAfter: { [a.memberId]: ["t-0", "t-1"], [b.memberId]: ["t-2"], [c.memberId]: [] },
    });
    expect(completed[1]).toMatchObject({
      generation: generation + 2,
      assignmentAfter: { [a.memberId]: ["t-0", "t-1"], [b.memberId]: ["t-2"], [c.memberId]: ["t-3"] },
    });
  });

  it("eager sticky reaches the same assignment in one rebalance, but everyone revokes everything first", () => {
    const w = world({ t: 4 });
    const sticky = { "partition.assignment.strategy": ["sticky"] };
    w.add("a", sticky);
    w.add("b", sticky);
    w.settled();
    const before = w.rebalances();
    w.calls.length = 0;
    w.add("c", sticky);
    w.settled();
    expect(w.rebalances()).toBe(before + 1);
    expect(w.assigned()).toEqual({ a: ["t-0", "t-1"], b: ["t-2"], c: ["t-3"] });
    expect(w.calls.filter((c) => c.includes("revoked")).sort()).toEqual(["a revoked t-0,t-1", "b revoked t-2,t-3"]);
  });

  it("the leader rebalances when a subscribed topic gains partitions", () => {
    const partitions: Record<string, number> = { t: 2 };
    const w = world(partitions);
    const a = w.add("a", { "partition.assignment.strategy": ["range"] });
    const b = w.add("b", { "partition.assignment.strategy": ["range"] });
    w.settled();
    expect(b.checkMetadata()).toBe(false);
    expect(a.checkMetadata()).toBe(false);
    partitions.t = 4;
    // Only the leader watches metadata.
    expect(b.checkMetadata()).toBe(false);
    expect(a.checkMetadata()).toBe(true);
    expect(w.settled()).toMatchObject({ stable: true, generationId: 3 });
    expect(w.assigned()).toEqual({ a: ["t-0", "t-1"], b: ["t-2", "t-3"] });
  });

  it("with max.poll.interval.ms enforced, a member that stops polling leaves and rejoins on its next poll", () => {
    const w = world({ t: 2 });
    w.add("a", { "partition.assignment.strategy": ["range"] });
    const lazy = new GroupMember({
      coordinator: w.coordinator,
      scheduler: w.scheduler,
      groupId: "g",
      clientId: "lazy",
      topics: ["t"],
      partitionsFor: () => 2,
      config: { ...FAST, "partition.assignment.strategy": ["range"], "max.poll.interval.ms": 7000 },
      enforceMaxPollInterval: true,
    });
    w.members.push(lazy);
    lazy.start();
    w.settled();
    expect(w.assigned()).toEqual({ a: ["t-0"], lazy: ["t-1"] });
    w.scheduler.advance(6000);
    lazy.poll();
    w.scheduler.advance(6000);
    expect(lazy.state).toBe("STABLE");
    // Last poll at 6 s: the heartbeat at 15 s finds 9 s without poll() and leaves the group.
    w.scheduler.advance(3000);
    expect(lazy.state).toBe("UNJOINED");
    expect(w.events.filter((e) => e.type === "member-left")).toHaveLength(1);
    w.settled();
    expect(w.assigned()).toEqual({ a: ["t-0", "t-1"] });
    lazy.poll();
    w.settled();
    expect(w.assigned()).toEqual({ a: ["t-0"], lazy: ["t-1"] });
  });

  it("the default assignor list [range, cooperative-sticky] runs eager range", () => {
    const w = world();
    const a = w.add("a");
    expect(a.protocol).toBe("EAGER");
    expect(w.coordinator.describeGroup("g").protocol).toBe("range");
  });
});

describe("property: random joins, leaves, crashes and time", () => {
  type Action =
    | { kind: "join"; static: boolean }
    | { kind: "leave"; pick: number }
    | { kind: "crash"; pick: number }
    | { kind: "restart"; pick: number }
    | { kind: "advance"; ms: number }
    | { kind: "settle" };

  const action: fc.Arbitrary<Action> = fc.oneof(
    fc.record({ kind: fc.constant("join" as const), static: fc.boolean() }),
    fc.record({ kind: fc.constant("leave" as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant("crash" as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant("restart" as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant("advance" as const), ms: fc.constantFrom(1, 999, 3000, 5000, 10_000, 31_000) }),
    fc.record({ kind: fc.constant("settle" as const) }),
  );

  it("live members never share a partition, and after settle each partition has at most one owner per generation", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(["range"], ["roundrobin"], ["sticky"], ["cooperative-sticky"], ["range", "cooperative-sticky"]),
        fc.array(action, { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 1, max: 1000 }),
        (strategy, actions, seed) => {
          const partitions = { t: 5, u: 3 };
          // The moment a member takes a partition, no other live member may still hold it.
          const w = world(partitions, seed, (taker, taken) => {
            for (const other of w.members) {
              if (other === taker || !other.live) continue;
              const held = other.assignment.map(tpKey);
              for (const p of taken) expect(held, `${taker.clientId} takes ${p} still held by ${other.clientId}`).not.toContain(p);
            }
          });
          const config = { "partition.assignment.strategy": strategy };
          let next = 0;
          let seenEvents = 0;
          const restarted = new Set<string>();
          const instanceIds = new Map<GroupMember, string>();

          const checkLiveDisjoint = () => {
            const owner = new Map<string, string>();
            for (const m of w.members) {
              if (!m.live) continue;
              for (const p of m.assignment.map(tpKey)) {
                expect(owner.get(p), `${p} owned by ${owner.get(p)} and ${m.clientId}`).toBeUndefined();
                owner.set(p, m.clientId);
              }
            }
          };

          for (const a of actions) {
            const live = w.members.filter((m) => m.live);
            switch (a.kind) {
              case "join": {
                const name = `m${next++}`;
                const member = w.add(name, a.static ? { ...config, "group.instance.id": `i-${name}` } : config);
                if (a.static) instanceIds.set(member, `i-${name}`);
                break;
              }
              case "leave":
                if (live.length > 0) live[a.pick % live.length]!.close();
                break;
              case "crash":
                if (live.length > 0) live[a.pick % live.length]!.crash();
                break;
              case "restart": {
                const dead = w.members.filter((m) => !m.live && instanceIds.has(m));
                const target = dead[a.pick % Math.max(dead.length, 1)];
                const instance = target ? instanceIds.get(target)! : undefined;
                if (target && instance && !w.members.some((m) => m.live && instanceIds.get(m) === instance)) {
                  const member = w.add(target.clientId, { ...config, "group.instance.id": instance });
                  instanceIds.set(member, instance);
                }
                break;
              }
              case "advance":
                w.scheduler.advance(a.ms);
                break;
              case "settle":
                break;
            }
            checkLiveDisjoint();
            const result = w.settled();
            checkLiveDisjoint();

            // Per generation, as the members see it.
            const byGeneration = new Map<number, Map<string, string>>();
            for (const m of w.members.filter((x) => x.live && x.state === "STABLE")) {
              let owners = byGeneration.get(m.generationId);
              if (!owners) byGeneration.set(m.generationId, (owners = new Map()));
              for (const p of m.assignment.map(tpKey)) {
                expect(owners.has(p)).toBe(false);
                owners.set(p, m.clientId);
              }
            }
            // As the coordinator sees it: a Stable group hands out every partition exactly once.
            if (result.state === "Stable") {
              const description = w.coordinator.describeGroup("g");
              const all = description.members.flatMap((m) => m.assignment.map(tpKey)).sort();
              expect(all).toEqual(["t-0", "t-1", "t-2", "t-3", "t-4", "u-0", "u-1", "u-2"]);
            }
            if (result.stable) {
              for (const m of w.members.filter((x) => x.live)) expect(m.generationId).toBe(result.generationId);
            }
            // The cooperative protocol's rule (ConsumerCoordinator.validateCooperativeAssignment): a
            // generation never gives a member a partition another remaining member held before. A
            // restarted static member inherits its predecessor's place but holds nothing itself.
            for (const e of w.events.slice(seenEvents)) {
              if (e.type === "member-joined" && e.replacedMemberId !== undefined) restarted.add(e.memberId);
              if (e.type !== "rebalance-completed" || e.protocol !== "cooperative-sticky") continue;
              for (const [member, after] of Object.entries(e.assignmentAfter)) {
                for (const p of after) {
                  for (const [other, before] of Object.entries(e.assignmentBefore)) {
                    if (other === member || !(other in e.assignmentAfter) || restarted.has(other)) continue;
                    expect(before, `${p}: ${other} -> ${member}`).not.toContain(p);
                  }
                }
              }
            }
            seenEvents = w.events.length;
          }
        },
      ),
      { seed: 31337, numRuns: 120 },
    );
  });
});
