import { describe, expect, it } from "vitest";
import {
  decodeHeaders,
  decodeJson,
  serializeHeaders,
  serializeJson,
  serializeKey,
  serializeValue,
  windowedKeyJson,
  type JsonValue,
} from "./json-serde";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

describe("serializing scenario JSON", () => {
  it("stores a string as its UTF-8 bytes, without quotes (Kafka's StringSerializer)", () => {
    expect(Array.from(serializeJson("K1"))).toEqual([0x4b, 0x31]);
    expect(Array.from(serializeJson("é€"))).toEqual([0xc3, 0xa9, 0xe2, 0x82, 0xac]);
    expect(serializeJson("")).toHaveLength(0);
  });

  it("stores any other JSON value as its compact JSON text", () => {
    expect(text(serializeJson(17))).toBe("17");
    expect(text(serializeJson(-2.5))).toBe("-2.5");
    expect(text(serializeJson(true))).toBe("true");
    expect(text(serializeJson(null))).toBe("null");
    expect(text(serializeJson({ a: 1, b: ["x", null] }))).toBe('{"a":1,"b":["x",null]}');
    expect(text(serializeJson([1, "2"]))).toBe('[1,"2"]');
  });

  it("makes a missing or null key a null key, and a null value a tombstone", () => {
    expect(serializeKey(undefined)).toBeNull();
    expect(serializeKey(null)).toBeNull();
    expect(text(serializeKey("k"))).toBe("k");
    expect(text(serializeKey(0))).toBe("0");
    expect(serializeValue(null)).toBeNull();
    expect(text(serializeValue(""))).toBe("");
    expect(text(serializeValue(false))).toBe("false");
  });

  it("turns a headers object into record headers, null values kept null", () => {
    const headers = serializeHeaders({ h: "v", empty: "", none: null });
    expect(headers.map((h) => [h.key, text(h.value)])).toEqual([
      ["h", "v"],
      ["empty", ""],
      ["none", null],
    ]);
  });
});

describe("decoding bytes for output", () => {
  it("prints bytes that parse as an object, array, number, boolean or null as that value", () => {
    expect(decodeJson(bytes('{"a":1}'))).toEqual({ a: 1 });
    expect(decodeJson(bytes("[1,2]"))).toEqual([1, 2]);
    expect(decodeJson(bytes("17"))).toBe(17);
    expect(decodeJson(bytes("-0.5e1"))).toBe(-5);
    expect(decodeJson(bytes("true"))).toBe(true);
    expect(decodeJson(bytes("false"))).toBe(false);
    expect(decodeJson(bytes("null"))).toBeNull();
    expect(decodeJson(bytes(' \n{"a" : [ 1 ]}\t'))).toEqual({ a: [1] });
  });

  it("prints anything else as a string", () => {
    expect(decodeJson(bytes("K1"))).toBe("K1");
    expect(decodeJson(bytes(""))).toBe("");
    expect(decodeJson(bytes("10 apples"))).toBe("10 apples");
    expect(decodeJson(bytes("{not json"))).toBe("{not json");
    expect(decodeJson(bytes("nothing"))).toBe("nothing");
    expect(decodeJson(bytes("tru"))).toBe("tru");
  });

  it("prints a JSON string literal as a string that keeps its quotes", () => {
    expect(decodeJson(bytes('"x"'))).toBe('"x"');
    expect(JSON.stringify(decodeJson(bytes('"x"')))).toBe('"\\"x\\""');
  });

  it("prints null bytes (a null key, a tombstone) as null", () => {
    expect(decodeJson(null)).toBeNull();
  });

  it("keeps a byte order mark and shows invalid UTF-8 as replacement characters", () => {
    expect(decodeJson(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]))).toBe("\ufeffA");
    expect(decodeJson(new Uint8Array([0x41, 0xff]))).toBe("A\ufffd");
  });

  it("round-trips every value a scenario can write, as printed", () => {
    const values: JsonValue[] = ["K1", "", "héllo", 0, 17, -3.25, true, false, { a: { b: [1, "x"] } }, [], {}];
    for (const v of values) expect(decodeJson(serializeJson(v))).toEqual(v);
    // Strings that look like JSON print as what they look like: that is what is stored.
    expect(decodeJson(serializeJson("17"))).toBe(17);
    expect(decodeJson(serializeJson('{"a":1}'))).toEqual({ a: 1 });
  });

  it("prints headers back as the scenario wrote them; a repeated key shows its last value", () => {
    expect(decodeHeaders(serializeHeaders({ h: "v", n: null }))).toEqual({ h: "v", n: null });
    expect(
      decodeHeaders([
        { key: "h", value: bytes("1") },
        { key: "h", value: bytes("2") },
      ]),
    ).toEqual({ h: "2" });
    expect(decodeHeaders([])).toEqual({});
    expect(JSON.stringify(decodeHeaders([{ key: "__proto__", value: bytes("x") }]))).toBe('{"__proto__":"x"}');
  });
});

describe("windowed keys", () => {
  it("prints as {key, window: {start, end}}", () => {
    expect(JSON.stringify(windowedKeyJson("Region_1", 1700000010000, 1700000040000))).toBe(
      '{"key":"Region_1","window":{"start":1700000010000,"end":1700000040000}}',
    );
    expect(JSON.stringify(windowedKeyJson({ id: 7 }, 0, 5))).toBe('{"key":{"id":7},"window":{"start":0,"end":5}}');
  });
});
