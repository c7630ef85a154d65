import { describe, expect, it } from "vitest";
import { formatDumpLine, formatGroupLine, formatPollLine, printedRecord } from "./output";
import { comparePartitionNames, parsePartitionName } from "./partition-name";
import { windowedKeyJson } from "../../workers/client/json-serde";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("poll lines", () => {
  it("have the contract's fields in the contract's order", () => {
    const r = printedRecord({ topic: "orders", partition: 1, offset: 42, timestamp: 1000, key: bytes("K1"), value: bytes('{"qty":3}'), headers: [] });
    expect(formatPollLine({ groupId: "g1", memberId: "m1" }, r)).toBe(
      '{"poll":{"groupId":"g1","memberId":"m1"},"topic":"orders","partition":1,"offset":42,"timestamp":1000,"key":"K1","value":{"qty":3}}',
    );
  });

  it("never carry headers", () => {
    const r = printedRecord({ topic: "t", partition: 0, offset: 0, timestamp: 5, key: null, value: null, headers: [{ key: "h", value: bytes("v") }] });
    expect(formatPollLine({ groupId: "g", memberId: "m" }, r)).toBe(
      '{"poll":{"groupId":"g","memberId":"m"},"topic":"t","partition":0,"offset":0,"timestamp":5,"key":null,"value":null}',
    );
  });
});

describe("dump lines", () => {
  it("print a tombstone and a null key as null and leave headers out when there are none", () => {
    const r = printedRecord({ topic: "customers", partition: 0, offset: 3, timestamp: 7, key: null, value: null, headers: [] });
    expect(formatDumpLine(r)).toBe('{"topic":"customers","partition":0,"offset":3,"timestamp":7,"key":null,"value":null}');
  });

  it("print headers last, as the scenario wrote them", () => {
    const r = printedRecord({
      topic: "customers",
      partition: 2,
      offset: 0,
      timestamp: 1000,
      key: bytes("17"),
      value: bytes('"quoted"'),
      headers: [
        { key: "source", value: bytes("web") },
        { key: "trace", value: null },
      ],
    });
    expect(formatDumpLine(r)).toBe(
      '{"topic":"customers","partition":2,"offset":0,"timestamp":1000,"key":17,"value":"\\"quoted\\"","headers":{"source":"web","trace":null}}',
    );
  });

  it("print windowed keys given by a key decoder", () => {
    const r = printedRecord(
      { topic: "per_day", partition: 0, offset: 1, timestamp: 9, key: bytes("app"), value: bytes("2"), headers: [] },
      { decodeKey: (key) => windowedKeyJson(new TextDecoder().decode(key ?? new Uint8Array()), 0, 86400000) },
    );
    expect(formatDumpLine(r)).toBe(
      '{"topic":"per_day","partition":0,"offset":1,"timestamp":9,"key":{"key":"app","window":{"start":0,"end":86400000}},"value":2}',
    );
  });
});

describe("group lines", () => {
  it("have the contract's fields in order, members and partitions sorted", () => {
    expect(
      formatGroupLine({
        group: "g1",
        state: "Stable",
        generation: 3,
        assignments: { m2: ["orders-10", "orders-2"], m1: ["orders-1", "orders-0"] },
        committed: { "orders-10": 1, "orders-0": 5 },
        lag: { "orders-0": 2 },
      }),
    ).toBe(
      '{"group":"g1","state":"Stable","generation":3,"assignments":{"m1":["orders-0","orders-1"],"m2":["orders-2","orders-10"]},"committed":{"orders-0":5,"orders-10":1},"lag":{"orders-0":2}}',
    );
  });

  it('keep a member called "__proto__"', () => {
    const assignments = JSON.parse('{"__proto__":["t-0"]}') as Record<string, string[]>;
    expect(formatGroupLine({ group: "g", state: "Stable", generation: 1, assignments, committed: {}, lag: {} })).toBe(
      '{"group":"g","state":"Stable","generation":1,"assignments":{"__proto__":["t-0"]},"committed":{},"lag":{}}',
    );
  });

  it("print empty maps as {}", () => {
    expect(formatGroupLine({ group: "g", state: "Empty", generation: 0, assignments: {}, committed: {}, lag: {} })).toBe(
      '{"group":"g","state":"Empty","generation":0,"assignments":{},"committed":{},"lag":{}}',
    );
  });
});

describe("partition names", () => {
  it("split at the last dash, since topic names may contain dashes", () => {
    expect(parsePartitionName("orders-0")).toEqual({ topic: "orders", partition: 0 });
    expect(parsePartitionName("orders-v2-10")).toEqual({ topic: "orders-v2", partition: 10 });
    expect(parsePartitionName("orders")).toBeUndefined();
    expect(parsePartitionName("-1")).toBeUndefined();
    expect(parsePartitionName("orders-01")).toBeUndefined();
    expect(parsePartitionName("orders-x")).toBeUndefined();
    expect(parsePartitionName("orders-2147483648")).toBeUndefined();
  });

  it("sort by topic, then numerically", () => {
    expect(["b-0", "a-10", "a-2", "a-0"].sort(comparePartitionNames)).toEqual(["a-0", "a-2", "a-10", "b-0"]);
  });
});
