import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { GroupAssignment, MemberSubscription, PartitionAssignor } from "./assignor";
import { compareMembers, rebalanceProtocolFor } from "./assignor";
import { ASSIGNOR_NAMES, assignorFor } from "./assignors";
import { isKafkaError } from "../protocol/errors";
import { parseTpKey, sameTp, tpKey } from "./topic-partition";

interface Example {
  name: string;
  strategy: string;
  topics: Record<string, number>;
  members: Record<string, string[]>;
  previousAssignment?: Record<string, string[]>;
  expected: Record<string, string[]>;
  note?: string;
}

const examples = (
  JSON.parse(readFileSync(new URL("../../../shared/reference/assignor-examples.json", import.meta.url), "utf8")) as {
    examples: Example[];
  }
).examples;

function keys(assignment: GroupAssignment): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [member, list] of Object.entries(assignment)) out[member] = list.map(tpKey).sort();
  return out;
}

function membersOf(example: Example): MemberSubscription[] {
  return Object.entries(example.members).map(([memberId, topics]) => {
    const previous = example.previousAssignment?.[memberId];
    return previous === undefined
      ? { memberId, topics }
      : { memberId, topics, ownedPartitions: previous.map(parseTpKey), generation: 1 };
  });
}

describe("assignor-examples.json", () => {
  it("holds examples for every built-in assignor", () => {
    expect(new Set(examples.map((e) => e.strategy))).toEqual(new Set(ASSIGNOR_NAMES));
    expect(examples.length).toBe(28);
  });

  for (const example of examples) {
    it(`${example.strategy}: ${example.name}`, () => {
      const assignment = assignorFor(example.strategy).assign(membersOf(example), example.topics);
      const expected: Record<string, string[]> = {};
      for (const [m, list] of Object.entries(example.expected)) expected[m] = [...list].sort();
      expect(keys(assignment)).toEqual(expected);
    });
  }

  it("fresh-group sticky examples give the same result with cooperative-sticky", () => {
    const fresh = examples.filter((e) => e.strategy === "sticky" && !e.previousAssignment);
    expect(fresh.length).toBeGreaterThan(5);
    for (const example of fresh) {
      const coop = assignorFor("cooperative-sticky").assign(membersOf(example), example.topics);
      expect(keys(coop)).toEqual(keys(assignorFor("sticky").assign(membersOf(example), example.topics)));
    }
  });
});

describe("registry", () => {
  it("knows the four built-in names, Java class names and fully qualified names", () => {
    expect(assignorFor("range").name).toBe("range");
    expect(assignorFor("RoundRobinAssignor").name).toBe("roundrobin");
    expect(assignorFor("org.apache.kafka.clients.consumer.CooperativeStickyAssignor").name).toBe("cooperative-sticky");
    expect(assignorFor("sticky").cooperative).toBe(false);
    expect(assignorFor("cooperative-sticky").cooperative).toBe(true);
  });

  it("rejects an unknown name with INVALID_CONFIG naming it and listing the valid ones", () => {
    let error: unknown;
    try {
      assignorFor("ranged");
    } catch (e) {
      error = e;
    }
    expect(isKafkaError(error, "INVALID_CONFIG")).toBe(true);
    expect((error as Error).message).toContain('"ranged"');
    expect((error as Error).message).toContain("range, roundrobin, sticky, cooperative-sticky");
    expect(() => assignorFor("toString")).toThrow(/unknown assignor/);
  });

  it("picks the rebalance protocol all configured assignors support", () => {
    expect(rebalanceProtocolFor([assignorFor("cooperative-sticky")])).toBe("COOPERATIVE");
    expect(rebalanceProtocolFor([assignorFor("range"), assignorFor("cooperative-sticky")])).toBe("EAGER");
  });
});

describe("member ordering", () => {
  it("static members sort first by group.instance.id, then dynamic ones by member id", () => {
    const members: MemberSubscription[] = [
      { memberId: "a", topics: ["t"] },
      { memberId: "z", topics: ["t"], groupInstanceId: "i2" },
      { memberId: "b", topics: ["t"], groupInstanceId: "i1" },
    ];
    expect([...members].sort(compareMembers).map((m) => m.memberId)).toEqual(["b", "z", "a"]);
    const range = assignorFor("range").assign(members, { t: 3 });
    expect(keys(range)).toEqual({ b: ["t-0"], z: ["t-1"], a: ["t-2"] });
    const rr = assignorFor("roundrobin").assign(members, { t: 4 });
    expect(keys(rr)).toEqual({ b: ["t-0", "t-3"], z: ["t-1"], a: ["t-2"] });
  });

  it("ignores topics nobody subscribes to and topics without metadata", () => {
    const members = [{ memberId: "m", topics: ["t", "ghost"] }];
    for (const name of ASSIGNOR_NAMES) {
      expect(keys(assignorFor(name).assign(members, { t: 2, other: 5 }))).toEqual({ m: ["t-0", "t-1"] });
    }
  });

  it("returns an empty list for every member when there is nothing to assign", () => {
    for (const name of ASSIGNOR_NAMES) {
      expect(assignorFor(name).assign([{ memberId: "a", topics: ["t"] }, { memberId: "b", topics: [] }], {})).toEqual({
        a: [],
        b: [],
      });
      expect(assignorFor(name).assign([], { t: 3 })).toEqual({});
    }
  });
});

describe("sticky claims", () => {
  it("a newer generation's claim beats an older one, equal generations cancel", () => {
    const sticky = assignorFor("sticky");
    const newer = sticky.assign(
      [
        { memberId: "a", topics: ["t"], ownedPartitions: [parseTpKey("t-0"), parseTpKey("t-1")], generation: 3 },
        { memberId: "b", topics: ["t"], ownedPartitions: [parseTpKey("t-1")], generation: 4 },
      ],
      { t: 2 },
    );
    expect(keys(newer)).toEqual({ a: ["t-0"], b: ["t-1"] });

    const coop = assignorFor("cooperative-sticky").assign(
      [
        { memberId: "a", topics: ["t"], ownedPartitions: [parseTpKey("t-0")], generation: 5 },
        { memberId: "b", topics: ["t"], ownedPartitions: [parseTpKey("t-0")], generation: 5 },
        { memberId: "c", topics: ["t"], generation: 5 },
      ],
      { t: 3 },
    );
    // t-0 was claimed twice in one generation: nobody keeps it, the round-robin fill gives it
    // to a, and, being contested, it is withheld from a for a round.
    expect(keys(coop)).toEqual({ a: [], b: ["t-1"], c: ["t-2"] });
  });

  it("general case (different subscriptions) keeps partitions and balances per topic", () => {
    const sticky = assignorFor("sticky");
    const before = sticky.assign(
      [
        { memberId: "a", topics: ["t0", "t1"] },
        { memberId: "b", topics: ["t0"] },
        { memberId: "c", topics: ["t1"] },
      ],
      { t0: 4, t1: 4 },
    );
    const sizes = Object.values(before).map((l) => l.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    const after = sticky.assign(
      [
        { memberId: "a", topics: ["t0", "t1"], ownedPartitions: before.a!, generation: 1 },
        { memberId: "c", topics: ["t1"], ownedPartitions: before.c!, generation: 1 },
      ],
      { t0: 4, t1: 4 },
    );
    expect(keys(before)).toEqual({ a: ["t0-0", "t0-2", "t1-2"], b: ["t0-1", "t0-3"], c: ["t1-0", "t1-1", "t1-3"] });
    // b's t0 partitions can only go to a; a then gives t1-2 to c to restore balance, and
    // c keeps everything it had.
    for (const p of before.c!) expect(after.c!.some((q) => sameTp(p, q))).toBe(true);
    expect(keys(after)).toEqual({ a: ["t0-0", "t0-1", "t0-2", "t0-3"], c: ["t1-0", "t1-1", "t1-2", "t1-3"] });
  });

  it("cooperative-sticky withholds a partition moving between members with different subscriptions", () => {
    const coop = assignorFor("cooperative-sticky");
    const first = coop.assign(
      [
        { memberId: "a", topics: ["t0", "t1"], ownedPartitions: ["t0-0", "t0-1", "t1-0", "t1-1"].map(parseTpKey), generation: 1 },
        { memberId: "b", topics: ["t1"], generation: -1 },
      ],
      { t0: 2, t1: 2 },
    );
    // Balancing moves both t1 partitions to b, so both are withheld from it for a round.
    expect(keys(first)).toEqual({ a: ["t0-0", "t0-1"], b: [] });
    const second = coop.assign(
      [
        { memberId: "a", topics: ["t0", "t1"], ownedPartitions: first.a!, generation: 2 },
        { memberId: "b", topics: ["t1"], ownedPartitions: [], generation: 2 },
      ],
      { t0: 2, t1: 2 },
    );
    expect(keys(second)).toEqual({ a: ["t0-0", "t0-1"], b: ["t1-0", "t1-1"] });
  });
});

// ---------------------------------------------------------------------------------------
// Properties

const TOPICS = ["t0", "t1", "t2", "t3"];

const partitionCounts = fc.record({
  t0: fc.integer({ min: 0, max: 7 }),
  t1: fc.integer({ min: 0, max: 7 }),
  t2: fc.integer({ min: 0, max: 7 }),
  t3: fc.integer({ min: 0, max: 7 }),
});

const memberIds = fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/), { minLength: 1, maxLength: 7 });

/** Members with arbitrary (possibly different) subscriptions. */
const mixedMembers = memberIds.chain((ids) =>
  fc.tuple(...ids.map(() => fc.subarray(TOPICS, { minLength: 1 }))).map((subs) =>
    ids.map((memberId, i): MemberSubscription => ({ memberId, topics: subs[i]! })),
  ),
);

function allPartitions(members: readonly MemberSubscription[], counts: Record<string, number>): string[] {
  const out: string[] = [];
  for (const t of TOPICS) {
    if (!members.some((m) => m.topics.includes(t))) continue;
    for (let p = 0; p < (counts[t] ?? 0); p++) out.push(`${t}-${p}`);
  }
  return out;
}

function owners(assignment: GroupAssignment): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [member, list] of Object.entries(assignment)) {
    for (const p of list) out.set(tpKey(p), [...(out.get(tpKey(p)) ?? []), member]);
  }
  return out;
}

function checkComplete(assignor: PartitionAssignor, members: readonly MemberSubscription[], counts: Record<string, number>) {
  const assignment = assignor.assign(members, counts);
  expect(Object.keys(assignment).sort()).toEqual(members.map((m) => m.memberId).sort());
  const byPartition = owners(assignment);
  const expected = allPartitions(members, counts);
  expect([...byPartition.keys()].sort()).toEqual([...expected].sort());
  for (const [key, holders] of byPartition) {
    expect(holders).toHaveLength(1);
    const member = members.find((m) => m.memberId === holders[0])!;
    expect(member.topics).toContain(parseTpKey(key).topic);
  }
  return assignment;
}

function spread(assignment: GroupAssignment): number {
  const sizes = Object.values(assignment).map((l) => l.length);
  return Math.max(...sizes) - Math.min(...sizes);
}

describe("properties", () => {
  it("every subscribed partition goes to exactly one member subscribed to its topic (fresh group)", () => {
    fc.assert(
      fc.property(mixedMembers, partitionCounts, (members, counts) => {
        for (const name of ASSIGNOR_NAMES) checkComplete(assignorFor(name), members, counts);
      }),
      { seed: 1729, numRuns: 200 },
    );
  });

  it("roundrobin and sticky are balanced within one partition when everyone subscribes to the same topics", () => {
    fc.assert(
      fc.property(memberIds, fc.subarray(TOPICS, { minLength: 1 }), partitionCounts, (ids, topics, counts) => {
        const members = ids.map((memberId) => ({ memberId, topics }));
        for (const name of ["roundrobin", "sticky", "cooperative-sticky"]) {
          expect(spread(checkComplete(assignorFor(name), members, counts))).toBeLessThanOrEqual(1);
        }
      }),
      { seed: 4242, numRuns: 200 },
    );
  });

  it("sticky: when a member leaves, every partition of a surviving member stays with it, and balance holds", () => {
    fc.assert(
      fc.property(
        memberIds.filter((ids) => ids.length >= 2),
        fc.subarray(TOPICS, { minLength: 1 }),
        partitionCounts,
        fc.nat(),
        (ids, topics, counts, pick) => {
          const sticky = assignorFor("sticky");
          const members = ids.map((memberId) => ({ memberId, topics }));
          const before = sticky.assign(members, counts);
          const leaver = ids[pick % ids.length]!;
          const survivors = members
            .filter((m) => m.memberId !== leaver)
            .map((m) => ({ ...m, ownedPartitions: before[m.memberId]!, generation: 1 }));
          const after = checkComplete(sticky, survivors, counts);
          for (const m of survivors) {
            for (const p of before[m.memberId]!) expect(after[m.memberId]!.map(tpKey)).toContain(tpKey(p));
          }
          expect(spread(after)).toBeLessThanOrEqual(1);
        },
      ),
      { seed: 777, numRuns: 200 },
    );
  });

  it("sticky with mixed subscriptions: survivors keep what they can still consume, nothing is lost or doubled", () => {
    fc.assert(
      fc.property(mixedMembers, partitionCounts, fc.nat(), (members, counts, pick) => {
        const sticky = assignorFor("sticky");
        const before = sticky.assign(members, counts);
        const survivors = members
          .filter((_, i) => members.length === 1 || i !== pick % members.length)
          .map((m) => ({ ...m, ownedPartitions: before[m.memberId]!, generation: 1 }));
        checkComplete(sticky, survivors, counts);
      }),
      { seed: 99, numRuns: 150 },
    );
  });

  it("cooperative-sticky: a first round never hands over a partition its owner still holds; the second completes it", () => {
    fc.assert(
      fc.property(mixedMembers, partitionCounts, fc.uniqueArray(fc.stringMatching(/^n[0-9]$/), { maxLength: 3 }), (members, counts, joiners) => {
        const coop = assignorFor("cooperative-sticky");
        const before = coop.assign(members, counts);
        const round1Members: MemberSubscription[] = [
          ...members.map((m) => ({ ...m, ownedPartitions: before[m.memberId]!, generation: 1 })),
          ...joiners.map((memberId) => ({ memberId, topics: TOPICS, generation: -1 })),
        ];
        const round1 = coop.assign(round1Members, counts);
        const byPartition = owners(round1);
        for (const [key, holders] of byPartition) {
          expect(holders).toHaveLength(1);
          const previousOwner = members.find((m) => before[m.memberId]!.some((p) => tpKey(p) === key));
          if (previousOwner) {
            // Either it stays where it was, or its old owner gave it up before anyone else gets it.
            expect(holders[0]).toBe(previousOwner.memberId);
          }
        }
        // Every member revokes what it lost and rejoins: the second round assigns everything.
        const round2Members = round1Members.map((m) => ({ ...m, ownedPartitions: round1[m.memberId]!, generation: 2 }));
        const round2 = checkComplete(coop, round2Members, counts);
        for (const m of round2Members) {
          for (const p of round1[m.memberId]!) expect(round2[m.memberId]!.map(tpKey)).toContain(tpKey(p));
        }
      }),
      { seed: 2024, numRuns: 150 },
    );
  });
});
