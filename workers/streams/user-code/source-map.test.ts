import { describe, expect, it } from "vitest";
import { decodeMappings, originalPositionFor, type SourceMapV3 } from "./source-map";

const map = (mappings: string): SourceMapV3 => ({ version: 3, file: "out.js", sources: ["topology.ts"], mappings });

describe("source map decoding", () => {
  it("decodes Base64 VLQ fields: sign bit, continuation, several digits", () => {
    // Fields are relative: generated column per line, the rest across the whole map.
    const lines = decodeMappings("AAAA,CAAC,gBAAgB;2HAAE,3HAAF");
    expect(lines).toEqual([
      [
        { generatedColumn: 0, source: 0, line: 0, column: 0 },
        { generatedColumn: 1, source: 0, line: 0, column: 1 },
        { generatedColumn: 17, source: 0, line: 0, column: 17 },
      ],
      // "2H" is +123 and "3H" -123: back to column 0, so the line's segments get sorted.
      [
        { generatedColumn: 0, source: 0, line: 0, column: 17 },
        { generatedColumn: 123, source: 0, line: 0, column: 19 },
      ],
    ]);
  });

  it("carries source line and column across lines and skips empty lines and one-field segments", () => {
    expect(decodeMappings(";;AACA,E;AACA")).toEqual([
      [],
      [],
      [{ generatedColumn: 0, source: 0, line: 1, column: 0 }],
      [{ generatedColumn: 0, source: 0, line: 2, column: 0 }],
    ]);
  });

  it("rejects characters outside Base64 and truncated numbers", () => {
    expect(() => decodeMappings("AA!A")).toThrow("'!' is not a Base64 digit");
    expect(() => decodeMappings("g")).toThrow("ends inside a number");
  });

  it("finds the last segment at or before a column, 1-based in and out", () => {
    // Line 3 of the output, 0-based: column 0 ← 1:0, column 4 ← 1:4, column 10 ← 2:6.
    const m = map(";;AACA,IAAI,MACE");
    expect(originalPositionFor(m, 3, 1)).toEqual({ source: "topology.ts", line: 2, column: 1 });
    expect(originalPositionFor(m, 3, 5)).toEqual({ source: "topology.ts", line: 2, column: 5 });
    expect(originalPositionFor(m, 3, 10)).toEqual({ source: "topology.ts", line: 2, column: 5 });
    expect(originalPositionFor(m, 3, 11)).toEqual({ source: "topology.ts", line: 3, column: 7 });
    expect(originalPositionFor(m, 3, 99)).toEqual({ source: "topology.ts", line: 3, column: 7 });
    expect(originalPositionFor(m, 1, 1)).toBeUndefined();
    expect(originalPositionFor(m, 4, 1)).toBeUndefined();
  });

  it("uses the line's first segment for a column before all of them", () => {
    const m = map("IAAI");
    expect(originalPositionFor(m, 1, 1)).toEqual({ source: "topology.ts", line: 1, column: 5 });
  });
});
