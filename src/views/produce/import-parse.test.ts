import { describe, expect, it } from "vitest";
import { parseCsv, parseFile, toRecords } from "./import-parse";

describe("CSV", () => {
  it("handles quotes, doubled quotes, commas and newlines inside quotes, CRLF", () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\n"multi\nline",2\n')).toEqual([
      ["a", "b"],
      ["x, y", 'say "hi"'],
      ["multi\nline", "2"],
    ]);
  });

  it("turns rows into values keyed by a chosen column, with numbers as numbers", () => {
    const f = parseFile("trucks.csv", "truckId,lat,event\n101,37.31,Normal\n102,-1e2,Overspeed\n");
    expect(f.fields).toEqual(["truckId", "lat", "event"]);
    expect(toRecords(f, "truckId")).toEqual([
      { key: "101", value: { truckId: 101, lat: 37.31, event: "Normal" } },
      { key: "102", value: { truckId: 102, lat: -100, event: "Overspeed" } },
    ]);
    expect(toRecords(f, null)[0]).toEqual({ value: { truckId: 101, lat: 37.31, event: "Normal" } });
  });

  it("reads record-shaped CSV: key, value, partition, timestamp and headers.NAME columns", () => {
    const f = parseFile("r.csv", "key,value,partition,timestamp,headers.source\nK1,V1,0,1700000000000,import\n,V2,,,x\n");
    expect(toRecords(f, null)).toEqual([
      { key: "K1", value: "V1", partition: 0, timestamp: 1700000000000, headers: { source: "import" } },
      { value: "V2", headers: { source: "x" } },
    ]);
  });

  it("reports rows with the wrong number of fields by line", () => {
    expect(parseFile("x.csv", "a,b\n1\n").errors).toEqual(["line 2: 1 fields, the header has 2"]);
  });
});

describe("JSON Lines", () => {
  it("takes record-shaped lines as records and reports bad lines", () => {
    const f = parseFile("dlq.jsonl", '{"key":"o-1","value":{"amount":5},"headers":{"error":"timeout"}}\nnot json\n\n{"key":"o-2","value":null}\n');
    expect(f.errors).toEqual(["line 2: not JSON"]);
    expect(toRecords(f, null)).toEqual([
      { key: "o-1", value: { amount: 5 }, headers: { error: "timeout" } },
      { key: "o-2", value: null },
    ]);
  });

  it("keys plain objects by a chosen field", () => {
    const f = parseFile("s.ndjson", '{"sensorId":"s1","t":20}\n{"sensorId":"s2","t":21}\n');
    expect(f.fields).toEqual(["sensorId", "t"]);
    expect(toRecords(f, "sensorId").map((r) => r.key)).toEqual(["s1", "s2"]);
  });
});
