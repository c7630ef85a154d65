import { describe, it, expect } from "vitest";
import { parseSegmentFileName, segmentFileName } from "./segment-name";

describe("segment file names", () => {
  it("are the base offset in 20 digits", () => {
    expect(segmentFileName(368769, "log")).toBe("00000000000000368769.log");
    expect(segmentFileName(0, "index")).toBe("00000000000000000000.index");
    expect(segmentFileName(42, "timeindex", "swap")).toBe("00000000000000000042.timeindex.swap");
  });

  it("parse back, and ignore anything else", () => {
    expect(parseSegmentFileName("00000000000000368769.log")).toEqual({ baseOffset: 368769, kind: "log", suffix: undefined });
    expect(parseSegmentFileName("00000000000000000007.log.cleaned")).toEqual({ baseOffset: 7, kind: "log", suffix: "cleaned" });
    expect(parseSegmentFileName("log-start-offset-checkpoint")).toBeUndefined();
    expect(parseSegmentFileName("368769.log")).toBeUndefined();
    expect(parseSegmentFileName("00000000000000368769.log.bak")).toBeUndefined();
  });
});
