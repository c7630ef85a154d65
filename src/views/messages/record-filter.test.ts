import { describe, expect, it } from "vitest";
import { compileFilter, FilterError, type FilterRecord } from "./record-filter";
import { LatestPerKey } from "./latest-per-key";

const rec = (partial: Partial<FilterRecord>): FilterRecord => ({ partition: 0, offset: 0, timestamp: 1000, key: null, value: null, headers: [], ...partial });

const records: FilterRecord[] = [
  rec({ offset: 0, key: "order-1", value: '{"amount":120,"currency":"EUR"}', headers: [{ key: "source", value: "web" }], timestamp: 1000 }),
  rec({ offset: 1, key: "order-2", value: '{"amount":15,"currency":"USD"}', headers: [{ key: "source", value: "app" }], timestamp: 2000 }),
  rec({ offset: 2, key: "ORDER-3", value: "plain text note", timestamp: 3000 }),
  rec({ offset: 3, key: "order-1", value: null, timestamp: 4000 }),
];

const offsets = (spec: Parameters<typeof compileFilter>[0]) => records.filter(compileFilter(spec)).map((r) => r.offset);

describe("message filters", () => {
  it("by key and value substring, ignoring case", () => {
    expect(offsets({ key: "order-" })).toEqual([0, 1, 2, 3]);
    expect(offsets({ key: "order-1" })).toEqual([0, 3]);
    expect(offsets({ value: "EUR" })).toEqual([0]);
    expect(offsets({ value: "TEXT" })).toEqual([2]);
  });

  it("by header name or name=value, and by timestamp range", () => {
    expect(offsets({ header: "source" })).toEqual([0, 1]);
    expect(offsets({ header: "source=app" })).toEqual([1]);
    expect(offsets({ fromTimestamp: 2000, toTimestamp: 4000 })).toEqual([1, 2]);
  });

  it("by a JavaScript expression over key, value, json, headers, timestamp", () => {
    expect(offsets({ expression: "json && json.amount > 100" })).toEqual([0]);
    expect(offsets({ expression: "headers.source === 'app' || value === null" })).toEqual([1, 3]);
    // A record the expression throws on does not match; the others still do.
    expect(offsets({ expression: "json.currency === 'USD'" })).toEqual([1]);
    expect(offsets({ key: "order", expression: "offset % 2 === 0" })).toEqual([0, 2]);
  });

  it("refuses an expression that does not parse, saying so", () => {
    expect(() => compileFilter({ expression: "json.amount >" })).toThrow(FilterError);
    expect(() => compileFilter({ expression: "json.amount >" })).toThrow(/does not parse/);
  });
});

describe("latest value per key", () => {
  it("keeps the newest value of each key, drops keys deleted by tombstones, counts versions", () => {
    const t = new LatestPerKey();
    const classic = ["K1", "K2", "K1", "K1", "K3", "K2", "K4", "K5", "K5", "K2", "K6"];
    classic.forEach((key, offset) => t.add({ key, value: `V${offset + 1}`, partition: 0, offset, timestamp: offset }));
    t.add({ key: "K4", value: null, partition: 0, offset: 11, timestamp: 11 });
    t.add({ key: null, value: "no key", partition: 0, offset: 12, timestamp: 12 });
    expect(t.sorted().map((r) => [r.key, r.value, r.offset, r.versions])).toEqual([
      ["K1", "V4", 3, 3],
      ["K2", "V10", 9, 3],
      ["K3", "V5", 4, 1],
      ["K5", "V9", 8, 2],
      ["K6", "V11", 10, 1],
    ]);
    expect(t.deletedKeys).toBe(1);
    expect(t.records).toBe(13);
  });
});
