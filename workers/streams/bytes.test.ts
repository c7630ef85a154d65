import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { asciiText, charsOf, utf8Decode, utf8Encode } from "./bytes";

const platformEncoder = new TextEncoder();
const platformDecoder = new TextDecoder();

describe("UTF-8 helpers", () => {
  it("utf8Encode gives TextEncoder's bytes for any string, lone surrogates and long text included", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" }), fc.string({ minLength: 500, maxLength: 700 })), (s) => {
        expect([...utf8Encode(s)]).toEqual([...platformEncoder.encode(s)]);
      }),
      { seed: 7, numRuns: 150 },
    );
  });

  it("utf8Decode gives TextDecoder's text for any bytes: invalid sequences, a BOM, long input", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 40 }),
          fc.uint8Array({ max: 0x7f, maxLength: 40 }),
          fc.uint8Array({ max: 0x7f, minLength: 510, maxLength: 520 }),
          fc.string().map((s) => Uint8Array.of(0xef, 0xbb, 0xbf, ...platformEncoder.encode(s))),
        ),
        (bytes) => {
          expect(utf8Decode(bytes)).toBe(platformDecoder.decode(bytes));
        },
      ),
      { seed: 11, numRuns: 500 },
    );
  });

  it("charsOf makes one char per byte at every length, pooled or not", () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 70 }), fc.uint8Array({ minLength: 4090, maxLength: 9000 })), (bytes) => {
        const s = charsOf(bytes);
        expect(s.length).toBe(bytes.length);
        for (let i = 0; i < bytes.length; i++) if (s.charCodeAt(i) !== bytes[i]) expect(s.charCodeAt(i)).toBe(bytes[i]);
      }),
      { seed: 3, numRuns: 200 },
    );
    // A shorter call after a longer one of the same pool must not see the longer one's bytes.
    expect(charsOf(Uint8Array.of(97, 98, 99))).toBe("abc");
    expect(charsOf(Uint8Array.of(120))).toBe("x");
    expect(charsOf(Uint8Array.of(97, 98, 99))).toBe("abc");
  });

  it("asciiText answers only for short ASCII", () => {
    expect(asciiText(Uint8Array.of(104, 105))).toBe("hi");
    expect(asciiText(Uint8Array.of(104, 0xc3, 0xa9))).toBeUndefined();
    expect(asciiText(new Uint8Array(513).fill(97))).toBeUndefined();
    expect(asciiText(new Uint8Array(0))).toBe("");
    // Every length around the one-call-per-length range, with a non-ASCII byte at every position.
    for (let n = 0; n <= 20; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => 33 + ((i * 7) % 90));
      expect(asciiText(bytes)).toBe(String.fromCharCode(...bytes));
      expect(charsOf(bytes)).toBe(String.fromCharCode(...bytes));
      for (let at = 0; at < n; at++) {
        const high = bytes.slice();
        high[at] = 0x80 + at;
        expect(asciiText(high)).toBeUndefined();
        expect(charsOf(high).charCodeAt(at)).toBe(0x80 + at);
      }
    }
  });
});
