import { describe, expect, it } from "vitest";
import { hexDump } from "./hex-dump";

describe("hex dump", () => {
  it("prints offset, hex and printable text, sixteen bytes a line, up to the limit", () => {
    const bytes = new TextEncoder().encode("K1\u0000V1 and more text here");
    const lines = hexDump(bytes, 20);
    expect(lines).toEqual([
      "0000  4b 31 00 56 31 20 61 6e 64 20 6d 6f 72 65 20 74  K1.V1 and more t",
      "0010  65 78 74 20                                      ext ",
    ]);
  });
});
