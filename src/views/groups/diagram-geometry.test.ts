import { describe, expect, it } from "vitest";
import { diagramGeometry, edgePath } from "./diagram-geometry";

const base = { width: 600, partitionRow: 40, memberRow: 100, partitionRight: 200, memberLeft: 400 };

describe("assignment diagram geometry", () => {
  it("centres the shorter column against the taller one and draws one edge per assigned partition", () => {
    const g = diagramGeometry({
      ...base,
      partitions: ["clicks-0", "clicks-1", "clicks-2"],
      members: ["consumer-1", "consumer-2"],
      owner: { "clicks-0": "consumer-1", "clicks-1": "consumer-1", "clicks-2": null },
    });
    // Members take 200 px, partitions 120 px: partitions are centred in the 200.
    expect(g.height).toBe(200);
    expect(g.memberY).toEqual({ "consumer-1": 50, "consumer-2": 150 });
    expect(g.partitionY).toEqual({ "clicks-0": 60, "clicks-1": 100, "clicks-2": 140 });
    expect(g.edges.map((e) => [e.partition, e.member, e.y1, e.y2])).toEqual([
      ["clicks-0", "consumer-1", 60, 50],
      ["clicks-1", "consumer-1", 100, 50],
    ]);
    expect(g.edges[0]!.d).toBe("M 200 60 C 300 60, 300 50, 400 50");
  });

  it("skips edges to members that are not drawn", () => {
    const g = diagramGeometry({ ...base, partitions: ["t-0"], members: [], owner: { "t-0": "gone" } });
    expect(g.edges).toEqual([]);
    expect(g.height).toBe(100);
  });

  it("keeps a minimum bend for columns close together", () => {
    expect(edgePath(0, 0, 10, 10)).toBe("M 0 0 C 24 0, -14 10, 10 10");
  });
});
