import { describe, expect, it } from "vitest";
import { Decimal } from "../decimal";
import { SerializationException } from "../errors";
import { SqlTypes } from "../types";
import { createFormat, parseDelimited, type FormatColumn } from "./formats";

const enc = new TextEncoder();
const dec = new TextDecoder();

const truck: FormatColumn[] = [
  { name: "TS", type: SqlTypes.BIGINT },
  { name: "TRUCKID", type: SqlTypes.INTEGER },
  { name: "EVENTTYPE", type: SqlTypes.STRING },
  { name: "LATITUDE", type: SqlTypes.DOUBLE },
];

describe("JSON", () => {
  const columns: FormatColumn[] = [
    { name: "USERID", type: SqlTypes.STRING },
    { name: "AGE", type: SqlTypes.INTEGER },
    { name: "PRICE", type: SqlTypes.decimal(5, 2) },
    { name: "TAGS", type: SqlTypes.array(SqlTypes.STRING) },
    { name: "ADDRESS", type: SqlTypes.struct([{ name: "CITY", type: SqlTypes.STRING }]) },
    { name: "Quoted", type: SqlTypes.STRING },
    { name: "SCORES", type: SqlTypes.map(SqlTypes.STRING, SqlTypes.DOUBLE) },
  ];
  const json = createFormat("JSON", columns);

  it("matches field names case-insensitively (exact names first) and coerces values", () => {
    const row = json.deserialize("t", enc.encode(`{"userId": "u1", "AGE": "42", "price": 9.5, "tags": ["a", "b"], "address": {"city": "Bern"}, "Quoted": "q", "quoted": "no", "scores": {"x": 1}}`))!;
    expect(row.USERID).toBe("u1");
    expect(row.AGE).toBe(42);
    expect((row.PRICE as Decimal).toString()).toBe("9.50");
    expect(row.TAGS).toEqual(["a", "b"]);
    expect(row.ADDRESS).toEqual({ CITY: "Bern" });
    expect(row.Quoted).toBe("q");
    expect(row.SCORES).toEqual(new Map([["x", 1]]));
  });

  it("missing fields are NULL, a null value is a tombstone", () => {
    expect(json.deserialize("t", enc.encode("{}"))).toMatchObject({ USERID: null, AGE: null });
    expect(json.deserialize("t", null)).toBe(null);
    expect(json.serialize("t", null)).toBe(null);
  });

  it("a wrong type fails with the JSON path", () => {
    expect(() => json.deserialize("orders", enc.encode(`{"age": true}`))).toThrow(SerializationException);
    expect(() => json.deserialize("orders", enc.encode(`{"age": true}`))).toThrow(
      "Failed to deserialize value from topic: orders. Can't convert type. sourceType: BooleanNode, requiredType: INTEGER, path: $.AGE",
    );
    expect(() => json.deserialize("orders", enc.encode(`{"age": "x"}`))).toThrow("Can't coerce string to type. targetType: INTEGER");
    expect(() => json.deserialize("orders", enc.encode(`{"age": `))).toThrow("Failed to deserialize value from topic: orders.");
  });

  it("serializes with the column names", () => {
    const bytes = json.serialize("t", { USERID: "u1", AGE: 3, PRICE: Decimal.parse("1.50"), TAGS: ["x"], ADDRESS: { CITY: "Bern" }, Quoted: null, SCORES: new Map([["a", 2]]) })!;
    expect(JSON.parse(dec.decode(bytes))).toEqual({ USERID: "u1", AGE: 3, PRICE: 1.5, TAGS: ["x"], ADDRESS: { CITY: "Bern" }, Quoted: null, SCORES: { a: 2 } });
  });

  it("NaN and infinities of a DOUBLE as the strings Java prints, both ways (ksqlDB's LN(0), SQRT(-1))", () => {
    const f = createFormat("JSON", [
      { name: "I", type: SqlTypes.DOUBLE },
      { name: "N", type: SqlTypes.DOUBLE },
      { name: "X", type: SqlTypes.array(SqlTypes.DOUBLE) },
    ]);
    expect(dec.decode(f.serialize("t", { I: -Infinity, N: Number.NaN, X: [Infinity, 1.5] })!)).toBe('{"I":"-Infinity","N":"NaN","X":["Infinity",1.5]}');
    const back = f.deserialize("t", enc.encode('{"I":"-Infinity","N":"NaN","X":["Infinity",1.5]}'))!;
    expect(back.I).toBe(-Infinity);
    expect(back.N).toBeNaN();
    expect(back.X).toEqual([Infinity, 1.5]);
  });

  it("a single unwrapped column", () => {
    const f = createFormat("JSON", [{ name: "V", type: SqlTypes.BIGINT }], { wrapSingleValue: false });
    expect(f.deserialize("t", enc.encode("17"))).toEqual({ V: 17 });
    expect(dec.decode(f.serialize("t", { V: 17 })!)).toBe("17");
  });
});

describe("DELIMITED", () => {
  it("reads the truck demo's lines", () => {
    const f = createFormat("DELIMITED", truck);
    expect(f.deserialize("t", enc.encode("1522846456703,101,Normal,37.31"))).toEqual({ TS: 1522846456703, TRUCKID: 101, EVENTTYPE: "Normal", LATITUDE: 37.31 });
  });

  it("quotes, empty fields as NULL, configurable delimiter", () => {
    expect(parseDelimited('a,"b,c",,"say ""hi"""', ",")).toEqual(["a", "b,c", null, 'say "hi"']);
    expect(parseDelimited("a,", ",")).toEqual(["a", null]);
    const f = createFormat("DELIMITED", truck, { delimiter: "|" });
    const bytes = f.serialize("t", { TS: 1, TRUCKID: null, EVENTTYPE: "Lane|Departure", LATITUDE: 1.0 })!;
    expect(dec.decode(bytes)).toBe('1||"Lane|Departure"|1.0');
    expect(f.deserialize("t", bytes)).toEqual({ TS: 1, TRUCKID: null, EVENTTYPE: "Lane|Departure", LATITUDE: 1 });
    expect(dec.decode(createFormat("DELIMITED", truck, { delimiter: "TAB" }).serialize("t", { TS: 1, TRUCKID: 2, EVENTTYPE: "x", LATITUDE: 0.5 })!)).toBe("1\t2\tx\t0.5");
  });

  it("quotes as commons-csv 1.4's minimal mode does", () => {
    const cols = ["A", "B", "C", "D"].map((name) => ({ name, type: SqlTypes.STRING }));
    const f = createFormat("DELIMITED", cols);
    const line = (A: string, B: string, C: string, D: string) => dec.decode(f.serialize("t", { A, B, C, D })!);
    // ksqlDB's string.json "LCASE, UCASE, TRIM SUBSTRING": SUBSTRING('s', 2, 5) is '' and written as nothing.
    expect(line("s", "S", "s", "")).toBe("s,S,s,");
    expect(line("", "x", "", "y")).toBe('"",x,,y');
    expect(line("!a", "a!", "#", "a ")).toBe('"!a",a!,"#","a "');
    expect(line("a", "\u00a0a", "a\u00a0", "a\tb")).toBe("a,\u00a0a,a\u00a0,a\tb");
    expect(line("\u00a0a", "-", "a\tb", "\ta")).toBe('"\u00a0a",-,a\tb,"\ta"');
    // A line may not start with anything but a letter or digit unquoted, numbers included
    // (ksqlDB's delimited.json "read written decimals": -12345.12 leads the line quoted).
    const n = createFormat("DELIMITED", [
      { name: "D", type: SqlTypes.decimal(7, 2) },
      { name: "I", type: SqlTypes.INTEGER },
    ]);
    expect(dec.decode(n.serialize("t", { D: n.deserialize("t", enc.encode('"-12345.12",-1'))!.D, I: -1 })!)).toBe('"-12345.12",-1');
    expect(dec.decode(createFormat("DELIMITED", truck).serialize("t", { TS: -1, TRUCKID: -2, EVENTTYPE: "x", LATITUDE: -0.5 })!)).toBe('"-1",-2,x,-0.5');
  });

  it("field count and type errors", () => {
    const f = createFormat("DELIMITED", truck);
    expect(() => f.deserialize("trucks", enc.encode("1,2,3"))).toThrow("Unexpected field count, csvFields:3 schemaFields:4");
    expect(() => f.deserialize("trucks", enc.encode("x,2,3,4"))).toThrow("Could not parse 'x' as BIGINT for column TS");
    expect(() => createFormat("DELIMITED", [{ name: "A", type: SqlTypes.array(SqlTypes.INTEGER) }])).toThrow("does not support type 'ARRAY'");
    expect(() => createFormat("DELIMITED", truck, { delimiter: "ab" })).toThrow("Invalid delimiter value: 'ab'");
  });
});

describe("KAFKA", () => {
  it("INT and BIGINT big-endian, DOUBLE IEEE 754, STRING UTF-8", () => {
    const i = createFormat("KAFKA", [{ name: "K", type: SqlTypes.INTEGER }]);
    expect([...i.serialize("t", { K: 258 })!]).toEqual([0, 0, 1, 2]);
    expect(i.deserialize("t", new Uint8Array([255, 255, 255, 254]))).toEqual({ K: -2 });
    const b = createFormat("KAFKA", [{ name: "K", type: SqlTypes.BIGINT }]);
    expect([...b.serialize("t", { K: 1700000000000 })!]).toEqual([0, 0, 1, 0x8b, 0xcf, 0xe5, 0x68, 0x00]);
    expect(b.deserialize("t", b.serialize("t", { K: -5 }))).toEqual({ K: -5 });
    const d = createFormat("KAFKA", [{ name: "K", type: SqlTypes.DOUBLE }]);
    expect([...d.serialize("t", { K: 1 })!]).toEqual([0x3f, 0xf0, 0, 0, 0, 0, 0, 0]);
    const s = createFormat("KAFKA", [{ name: "K", type: SqlTypes.STRING }]);
    expect(s.deserialize("t", enc.encode("Grüezi"))).toEqual({ K: "Grüezi" });
    expect(s.serialize("t", { K: null })).toBe(null);
  });

  it("one column only, fixed sizes checked", () => {
    expect(() => createFormat("KAFKA", truck)).toThrow("The 'KAFKA' format only supports a single field.");
    expect(() => createFormat("KAFKA", [{ name: "K", type: SqlTypes.INTEGER }]).deserialize("t", new Uint8Array(3))).toThrow("Size of data received by IntegerDeserializer is not 4");
  });
});
