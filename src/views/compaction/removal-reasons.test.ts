import { describe, expect, it } from "vitest";
import { explainRemoval, removalMap } from "./removal-reasons";

const classic = ["K1", "K2", "K1", "K1", "K3", "K2", "K4", "K5", "K5", "K2", "K6"].map((key, offset) => ({ offset, key, value: `V${offset + 1}` }));

describe("removal reasons", () => {
  it("name the offset that superseded a record: the newest of its key", () => {
    const m = removalMap(
      [0, 1, 2, 5, 7].map((offset) => ({ offset, key: classic[offset]!.key, reason: "superseded" as const })),
      classic,
    );
    expect([...m.entries()]).toEqual([
      [0, "superseded by offset 3"],
      [1, "superseded by offset 9"],
      [2, "superseded by offset 3"],
      [5, "superseded by offset 9"],
      [7, "superseded by offset 8"],
    ]);
  });

  it("say when a tombstone expired", () => {
    expect(explainRemoval({ offset: 4, key: "K1", reason: "tombstone-expired" }, [])).toBe("tombstone past delete.retention.ms");
  });
});
