import { describe, expect, it } from "vitest";
import { decodeHeaders, encodeHeaders, MessageBytes, text, toBytes } from "./message-bytes";

describe("message bytes", () => {
  it("received bytes are Uint8Arrays whose toString() is their UTF-8 text, without copying", () => {
    const buffer = new TextEncoder().encode("..héllo..");
    const view = buffer.subarray(2, 8);
    const bytes = MessageBytes.view(view);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytes.toString()).toBe("héllo");
    expect(`${bytes}`).toBe("héllo");
    expect(bytes.buffer).toBe(buffer.buffer);
    expect(text(bytes)).toBe("héllo");
    expect(text(null)).toBeNull();
  });

  it("strings go out as UTF-8, Uint8Arrays as they are, null and undefined as null", () => {
    expect([...toBytes("é")!]).toEqual([0xc3, 0xa9]);
    const raw = new Uint8Array([1, 2]);
    expect(toBytes(raw)).toBe(raw);
    expect(toBytes(null)).toBeNull();
    expect(toBytes(undefined)).toBeNull();
    expect(() => toBytes(42 as unknown as string)).toThrow(/must be a string, a Uint8Array or null, got number/);
  });

  it("headers: arrays for repeated keys both ways, null values kept, __proto__ an ordinary key", () => {
    const encoded = encodeHeaders({ a: "1", b: ["2", "3"], c: null, d: undefined, ["__proto__"]: "p" });
    expect(encoded.map((h) => [h.key, h.value === null ? null : new TextDecoder().decode(h.value)])).toEqual([
      ["a", "1"],
      ["b", "2"],
      ["b", "3"],
      ["c", null],
      ["__proto__", "p"],
    ]);
    const decoded = decodeHeaders(encoded);
    expect(String(decoded.a)).toBe("1");
    expect((decoded.b as MessageBytes[]).map(String)).toEqual(["2", "3"]);
    expect(decoded.c).toBeNull();
    expect(String(decoded["__proto__"])).toBe("p");
    expect(Object.keys(decoded)).toEqual(["a", "b", "c", "__proto__"]);
  });
});
