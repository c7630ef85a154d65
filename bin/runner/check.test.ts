import { describe, expect, it } from "vitest";
import { checkExpectations, formatDifferences, samePrinted, type RunState } from "./check";
import type { GroupSummary, PrintedRecord } from "./output";

const rec = (partition: number, offset: number, key: PrintedRecord["key"], value: PrintedRecord["value"], extra: Partial<PrintedRecord> = {}): PrintedRecord => ({
  topic: "customers",
  partition,
  offset,
  timestamp: 1000 + offset,
  key,
  value,
  ...extra,
});

const state = (records: PrintedRecord[], groups: GroupSummary[] = []): RunState => ({
  topics: new Map([["customers", records]]),
  groups: new Map(groups.map((g) => [g.group, g])),
});

describe("comparing values as printed", () => {
  it('equates a string holding a number\'s JSON text with that number ("17" matches 17)', () => {
    expect(samePrinted("17", 17)).toBe(true);
    expect(samePrinted("-2.5", -2.5)).toBe(true);
    expect(samePrinted(17, 17)).toBe(true);
    expect(samePrinted("17", 18)).toBe(false);
    expect(samePrinted("seventeen", 17)).toBe(false);
  });

  it("compares strings, objects and arrays exactly, objects regardless of key order", () => {
    expect(samePrinted("V1", "V1")).toBe(true);
    expect(samePrinted("V1", "v1")).toBe(false);
    expect(samePrinted({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true);
    expect(samePrinted({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(samePrinted([1, 2], [2, 1])).toBe(false);
    expect(samePrinted("x", null)).toBe(false);
  });

  it("lets null match a tombstone's value or a null key", () => {
    const diffs = checkExpectations(
      { topics: { customers: [{ key: null, value: null }] } },
      state([rec(0, 0, null, null)]),
    );
    expect(diffs).toEqual([]);
    expect(samePrinted(null, "null")).toBe(false);
  });
});

describe("checking topics", () => {
  it("passes when the fields given match, leaving out the fields not given", () => {
    const diffs = checkExpectations(
      {
        topics: {
          customers: [
            { partition: 0, offset: 0, key: "K1", value: "V1" },
            { offset: 1, value: "17" },
            { key: "K3" },
          ],
        },
      },
      state([rec(0, 0, "K1", "V1"), rec(0, 1, "K2", 17), rec(0, 2, "K3", { big: true }, { headers: { h: "v" } })]),
    );
    expect(diffs).toEqual([]);
  });

  it("names the topic, the record index and the field, with expected and actual values", () => {
    const diffs = checkExpectations(
      { topics: { customers: [{ key: "K1", value: "V1" }, { partition: 0, offset: 3, key: "K1", value: "V4" }] } },
      state([rec(0, 0, "K1", "V1"), rec(0, 2, "K1", "V3")]),
    );
    expect(diffs).toEqual([
      {
        path: "expect.topics.customers[1].offset",
        message: 'topic "customers" record 1 (partition 0, offset 2): offset: expected 3, got 2',
      },
      {
        path: "expect.topics.customers[1].value",
        message: 'topic "customers" record 1 (partition 0, offset 2): value: expected "V4", got "V3"',
      },
    ]);
  });

  it("requires exactly as many records as expected, listing missing ones", () => {
    const diffs = checkExpectations(
      { topics: { customers: [{ key: "K1" }, { key: "K2" }, { key: "K3" }] } },
      state([rec(0, 0, "K1", "V1")]),
    );
    expect(diffs).toEqual([
      { path: "expect.topics.customers", message: 'topic "customers": expected 3 records, found 1' },
      { path: "expect.topics.customers[1]", message: 'topic "customers" record 1: expected {"key":"K2"}, missing' },
      { path: "expect.topics.customers[2]", message: 'topic "customers" record 2: expected {"key":"K3"}, missing' },
    ]);
  });

  it("reports records beyond the expected ones as unexpected", () => {
    const diffs = checkExpectations({ topics: { customers: [] } }, state([rec(1, 4, "K9", null)]));
    expect(diffs).toEqual([
      { path: "expect.topics.customers", message: 'topic "customers": expected 0 records, found 1' },
      {
        path: "expect.topics.customers",
        message: 'topic "customers" record 0: unexpected (partition 1, offset 4, key "K9", value null)',
      },
    ]);
  });

  it("compares headers when given; no headers is {}", () => {
    const ok = checkExpectations({ topics: { customers: [{ headers: {} }] } }, state([rec(0, 0, "K", "V")]));
    expect(ok).toEqual([]);
    const diffs = checkExpectations(
      { topics: { customers: [{ headers: { h: "v" } }] } },
      state([rec(0, 0, "K", "V", { headers: { h: "w" } })]),
    );
    expect(diffs.map((d) => d.message)).toEqual(['topic "customers" record 0 (partition 0, offset 0): headers: expected {"h":"v"}, got {"h":"w"}']);
  });

  it("reports a topic that does not exist", () => {
    const diffs = checkExpectations({ topics: { "other.topic": [] } }, state([]));
    expect(diffs).toEqual([{ path: "expect.topics.other.topic", message: 'topic "other.topic" does not exist' }]);
  });
});

describe("checking groups", () => {
  const group: GroupSummary = {
    group: "g1",
    state: "Stable",
    generation: 2,
    assignments: { m1: ["orders-1", "orders-0"], m2: ["orders-2"] },
    committed: { "orders-0": 5 },
    lag: { "orders-0": 2 },
  };

  it("compares assignments as sets per member", () => {
    const diffs = checkExpectations(
      { groups: { g1: { assignments: { m1: ["orders-0", "orders-1", "orders-0"], m2: ["orders-2"] } } } },
      state([], [group]),
    );
    expect(diffs).toEqual([]);
  });

  it("reports a different assignment, a missing member and an unexpected one", () => {
    const diffs = checkExpectations(
      { groups: { g1: { assignments: { m1: ["orders-0"], m3: ["orders-2"] } } } },
      state([], [group]),
    );
    expect(diffs).toEqual([
      {
        path: "expect.groups.g1.assignments.m1",
        message: 'group "g1": assignment of member "m1": expected ["orders-0"], got ["orders-0","orders-1"]',
      },
      {
        path: "expect.groups.g1.assignments",
        message: 'group "g1": member "m2" is in the group but not expected (assigned ["orders-2"])',
      },
      { path: "expect.groups.g1.assignments.m3", message: 'group "g1": member "m3" is not in the group' },
    ]);
  });

  it("compares state, generation, committed offsets and lag", () => {
    const diffs = checkExpectations(
      { groups: { g1: { state: "Empty", generation: 2, committed: { "orders-0": 5, "orders-1": 1 }, lag: { "orders-0": 3 } } } },
      state([], [group]),
    );
    expect(diffs.map((d) => d.message)).toEqual([
      'group "g1": state: expected "Empty", got "Stable"',
      'group "g1": committed of orders-1: expected 1, got nothing',
      'group "g1": lag of orders-0: expected 3, got 2',
    ]);
  });

  it("reports a group that does not exist", () => {
    expect(checkExpectations({ groups: { g9: {} } }, state([], [group]))).toEqual([
      { path: "expect.groups.g9", message: 'group "g9" does not exist' },
    ]);
  });
});

describe("the report", () => {
  it("counts the differences and lists one per line", () => {
    expect(
      formatDifferences([
        { path: "expect.topics.t", message: 'topic "t": expected 2 records, found 1' },
        { path: "expect.topics.t[1]", message: 'topic "t" record 1: expected {"key":"a"}, missing' },
      ]),
    ).toBe(
      'check failed: 2 differences\n  expect.topics.t: topic "t": expected 2 records, found 1\n  expect.topics.t[1]: topic "t" record 1: expected {"key":"a"}, missing',
    );
  });
});
