import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { JoinWindows, StreamsBuilder, TopologyTestDriver } from "../../index";

interface Input {
  left: boolean;
  key: string | null;
  value: string;
  ts: number;
}

interface Output {
  key: string | null;
  value: [string | null, string | null];
  ts: number;
}

function runJoin(inputs: Input[], windows: JoinWindows, kind: "join" | "leftJoin" | "outerJoin"): Output[] {
  const b = new StreamsBuilder();
  const left = b.stream<string, string>("left");
  const right = b.stream<string, string>("right");
  const joiner = (l: string | null, r: string | null): [string | null, string | null] => [l, r];
  (kind === "join" ? left.join(right, joiner, windows) : kind === "leftJoin" ? left.leftJoin(right, joiner, windows) : left.outerJoin(right, joiner, windows)).to(
    "out",
  );
  const driver = new TopologyTestDriver(b.build());
  const l = driver.createInputTopic<string | null, string>("left");
  const r = driver.createInputTopic<string | null, string>("right");
  for (const i of inputs) (i.left ? l : r).pipeInput(i.key, i.value, i.ts);
  return driver
    .createOutputTopic<string | null, [string | null, string | null]>("out")
    .readRecordsToList()
    .map((o) => ({ key: o.key, value: o.value, ts: o.timestamp }));
}

/**
 * The inner join, computed the slow way from the rules alone: each record meets the other
 * side's earlier records with key equal and time in [t - before, t + after] (mirrored for
 * the right side), oldest first, among those the other side still retains (its window
 * store keeps times >= its max time - (before + after + grace) + 1).
 */
function innerOracle(inputs: Input[], before: number, after: number, grace: number): Output[] {
  const retention = before + after + grace;
  const stored: { left: Array<{ key: string; value: string; ts: number }>; right: Array<{ key: string; value: string; ts: number }> } = { left: [], right: [] };
  const observed = { left: -1, right: -1 };
  const out: Output[] = [];
  for (const i of inputs) {
    if (i.key === null) continue;
    const side = i.left ? "left" : "right";
    const other = i.left ? "right" : "left";
    const lo = Math.max(0, i.ts - (i.left ? before : after), observed[other] - retention + 1);
    const hi = Math.max(0, i.ts + (i.left ? after : before));
    const matches = stored[other]
      .map((o, idx) => ({ o, idx }))
      .filter(({ o }) => o.key === i.key && o.ts >= lo && o.ts <= hi)
      .sort((a, c) => a.o.ts - c.o.ts || a.idx - c.idx);
    for (const { o } of matches) {
      out.push({ key: i.key, value: i.left ? [i.value, o.value] : [o.value, i.value], ts: Math.max(i.ts, o.ts) });
    }
    observed[side] = Math.max(observed[side], i.ts);
    if (i.ts > observed[side] - retention) stored[side].push({ key: i.key, value: i.value, ts: i.ts });
  }
  return out;
}

const inputArb = fc.array(
  fc.record({
    left: fc.boolean(),
    key: fc.constantFrom("a", "b", null),
    ts: fc.integer({ min: 0, max: 60 }),
  }),
  { maxLength: 40 },
);

function label(raw: Array<{ left: boolean; key: string | null; ts: number }>): Input[] {
  return raw.map((r, n) => ({ ...r, value: `${r.left ? "L" : "R"}${n}` }));
}

describe("stream-stream join", () => {
  it("inner join equals the brute-force oracle on random inputs (property, seed 20241)", () => {
    fc.assert(
      fc.property(inputArb, fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 20 }), (raw, before, after, grace) => {
        const inputs = label(raw);
        const windows = JoinWindows.ofTimeDifferenceAndGrace(0, grace).before(before).after(after);
        expect(runJoin(inputs, windows, "join")).toEqual(innerOracle(inputs, before, after, grace));
      }),
      { seed: 20241, numRuns: 250 },
    );
  });

  it("left join (ordered input): the joined results of the inner join, plus each unmatched left record exactly once (property, seed 9)", () => {
    fc.assert(
      fc.property(inputArb, fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 10 }), fc.integer({ min: 1, max: 20 }), (raw, before, after, grace) => {
        const sorted = [...raw].sort((a, c) => a.ts - c.ts);
        const inputs = label(sorted).filter((i) => i.key !== null);
        const flushTs = 60 + before + after + grace + 1;
        const withFlush = [...inputs, { left: true, key: "flush", value: "F", ts: flushTs }];
        const windows = JoinWindows.ofTimeDifferenceAndGrace(0, grace).before(before).after(after);
        const out = runJoin(withFlush, windows, "leftJoin");
        const joined = out.filter((o) => o.value[1] !== null);
        expect(joined).toEqual(innerOracle(withFlush, before, after, grace));
        const unmatched = inputs.filter(
          (l) => l.left && !inputs.some((r) => !r.left && r.key === l.key && r.ts >= l.ts - before && r.ts <= l.ts + after),
        );
        const nulls = out.filter((o) => o.value[1] === null);
        const sortKey = (o: Output) => `${String(o.value[0]).padStart(6)}`;
        expect([...nulls].sort((a, c) => (sortKey(a) < sortKey(c) ? -1 : 1))).toEqual(
          unmatched.map((l): Output => ({ key: l.key, value: [l.value, null], ts: l.ts })).sort((a, c) => (sortKey(a) < sortKey(c) ? -1 : 1)),
        );
      }),
      { seed: 9, numRuns: 250 },
    );
  });

  it("asymmetric windows: a left record at t joins right records in [t - before, t + after]", () => {
    const windows = JoinWindows.ofTimeDifferenceWithNoGrace(0).before(2).after(10);
    const out = runJoin(
      [
        { left: false, key: "k", value: "R-early", ts: 8 },
        { left: false, key: "k", value: "R-too-early", ts: 7 },
        { left: true, key: "k", value: "L", ts: 10 },
        { left: false, key: "k", value: "R-late", ts: 20 },
        { left: false, key: "k", value: "R-too-late", ts: 21 },
      ],
      windows,
      "join",
    );
    expect(out.map((o) => o.value)).toEqual([
      ["L", "R-early"],
      ["L", "R-late"],
    ]);
  });

  it("outer join emits unmatched records of both sides once their windows close", () => {
    const out = runJoin(
      [
        { left: true, key: "a", value: "L1", ts: 0 },
        { left: false, key: "b", value: "R1", ts: 1 },
        { left: true, key: "c", value: "L2", ts: 2 },
        { left: false, key: "c", value: "R2", ts: 3 },
        { left: true, key: "z", value: "L9", ts: 100 },
      ],
      JoinWindows.ofTimeDifferenceWithNoGrace(5),
      "outerJoin",
    );
    expect(out).toEqual([
      { key: "c", value: ["L2", "R2"], ts: 3 },
      { key: "a", value: ["L1", null], ts: 0 },
      { key: "b", value: [null, "R1"], ts: 1 },
    ]);
  });

  it("a late unmatched left record is emitted at once: its window has already closed", () => {
    const out = runJoin(
      [
        { left: true, key: "a", value: "L-new", ts: 50 },
        { left: true, key: "b", value: "L-old", ts: 10 },
      ],
      JoinWindows.ofTimeDifferenceAndGrace(5, 1),
      "leftJoin",
    );
    expect(out).toEqual([{ key: "b", value: ["L-old", null], ts: 10 }]);
  });

  it("left join keeps a null-key left record, joined with null; an inner join drops it", () => {
    const inputs: Input[] = [{ left: true, key: null, value: "L", ts: 1 }];
    expect(runJoin(inputs, JoinWindows.ofTimeDifferenceWithNoGrace(5), "leftJoin")).toEqual([{ key: null, value: ["L", null], ts: 1 }]);
    expect(runJoin(inputs, JoinWindows.ofTimeDifferenceWithNoGrace(5), "join")).toEqual([]);
  });
});
