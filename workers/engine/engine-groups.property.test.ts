/**
 * Random runs of the group verbs (join, leave, crash, poll, commit, advance, with records
 * produced in between) against the real engine. To replay a failure, copy the seed and path
 * fast-check prints into `fc.assert`'s options.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isKafkaError } from "../protocol/errors";
import { MemoryStorage } from "../storage/memory-storage";
import { Engine } from "./engine";

const NAMES = ["m1", "m2", "m3", "m4"] as const;
const ASSIGNORS = ["range", "roundrobin", "sticky", "cooperative-sticky"] as const;
const GROUPS = ["g1", "g2"] as const;
const PARTITIONS = 4;

type Op =
  | { kind: "produce"; partition: number; count: number }
  | { kind: "join"; group: string; name: string; autoCommit: boolean }
  | { kind: "leave" | "crash" | "commit"; group: string; name: string }
  | { kind: "poll"; group: string; name: string; max: number }
  | { kind: "advance"; ms: number };

const member = { group: fc.constantFrom(...GROUPS), name: fc.constantFrom(...NAMES) };
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("produce" as const), partition: fc.integer({ min: 0, max: PARTITIONS - 1 }), count: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("join" as const), ...member, autoCommit: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom("leave" as const, "crash" as const), ...member }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("commit" as const), ...member }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("poll" as const), ...member, max: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 15_000 }) }) },
);

/** Refusals a correct engine gives to ops a random run makes at a bad moment. */
const EXPECTED_REFUSALS = new Set(["UNKNOWN_MEMBER_ID", "GROUP_ID_NOT_FOUND", "INVALID_REQUEST", "REBALANCE_IN_PROGRESS", "COMMIT_FAILED"]);

async function run(ops: Op[], assignor: (typeof ASSIGNORS)[number]): Promise<void> {
  const engine = await Engine.create({ storage: new MemoryStorage(), broker: { groupInitialRebalanceDelayMs: 0, offsetsTopicNumPartitions: 3 } });
  await engine.createTopic({ name: "t", partitions: PARTITIONS });
  const delivered = new Map<string, Set<number>>(); // "group/t-p" → offsets polled by any member of the group
  let seq = 0;
  // Who the run believes is running, so most ops name a member that exists.
  const running = new Map<string, string[]>(GROUPS.map((g) => [g, []]));
  const target = (group: string, name: string) => {
    const live = running.get(group)!;
    return live.length === 0 || live.includes(name) ? name : live[NAMES.indexOf(name as (typeof NAMES)[number]) % live.length]!;
  };
  try {
    for (const original of ops) {
      let o: Op = original;
      if ("group" in o && o.kind !== "join") {
        const group = running.get(o.group)!.length > 0 ? o.group : (GROUPS.find((g) => running.get(g)!.length > 0) ?? o.group);
        o = { ...o, group, name: target(group, o.name) };
      }
      try {
        switch (o.kind) {
          case "produce":
            await engine.produce(
              "t",
              Array.from({ length: o.count }, () => ({ key: null, value: new TextEncoder().encode(String(seq++)), partition: o.partition })),
              { config: { "linger.ms": 0 } },
            );
            break;
          case "join":
            await engine.join({
              groupId: o.group,
              memberId: o.name,
              topics: ["t"],
              assignor,
              config: { "auto.offset.reset": "earliest", "enable.auto.commit": o.autoCommit, "auto.commit.interval.ms": 2000, "session.timeout.ms": 10_000, "heartbeat.interval.ms": 1000 },
            });
            running.get(o.group)!.push(o.name);
            break;
          case "leave":
          case "crash":
            await engine[o.kind]({ groupId: o.group, memberId: o.name });
            running.set(o.group, running.get(o.group)!.filter((n) => n !== o.name));
            break;
          case "commit":
            await engine.commit({ groupId: o.group, memberId: o.name });
            break;
          case "poll":
            for (const r of await engine.poll({ groupId: o.group, memberId: o.name, max: o.max })) {
              const key = `${o.group}/${r.topic}-${r.partition}`;
              if (!delivered.has(key)) delivered.set(key, new Set());
              delivered.get(key)!.add(r.offset);
            }
            break;
          case "advance":
            await engine.advance(o.ms);
            break;
        }
      } catch (e) {
        if (!isKafkaError(e) || !EXPECTED_REFUSALS.has(e.type)) throw e;
      }

      // Within a generation, no partition has two live owners.
      const byGeneration = new Map<string, Map<string, string>>();
      for (const c of engine.describeConsumers()) {
        if (c.crashed) continue;
        const key = `${c.groupId}/${c.generation}`;
        const owners = byGeneration.get(key) ?? new Map<string, string>();
        byGeneration.set(key, owners);
        for (const p of c.assignment) {
          expect(owners.get(p), `${p} owned twice in ${key}`).toBeUndefined();
          owners.set(p, c.memberId);
        }
      }

      // Every record below a committed offset was delivered to that group at least once.
      for (const g of await engine.describeGroups()) {
        for (const [tp, offset] of Object.entries(g.committed)) {
          const seen = delivered.get(`${g.group}/${tp}`) ?? new Set<number>();
          for (let o2 = 0; o2 < offset; o2++) expect(seen.has(o2), `${g.group} committed ${tp}@${offset} but never received offset ${o2}`).toBe(true);
        }
      }
    }
  } finally {
    await engine.close();
  }
}

describe("consumer groups under random joins, leaves, crashes, polls, commits and time", () => {
  it.each(ASSIGNORS)("%s: one owner per partition and generation, commits never skip undelivered records", async (assignor) => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 40 }), (ops) => run(ops, assignor)),
      { seed: 20240613, numRuns: 30 },
    );
  }, 120_000);
});
