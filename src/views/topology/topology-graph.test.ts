import { describe, expect, it } from "vitest";
import { PAGE_VIEWS_INTERNAL_TOPICS, PAGE_VIEWS_NODES } from "./fixture-page-views";
import { fromElk, layoutTopology, operationOf, pickLayout, toElk, topologyGraph, subtopologyId, type PositionedGraph } from "./topology-graph";

const graph = () => topologyGraph("page-views", PAGE_VIEWS_NODES, PAGE_VIEWS_INTERNAL_TOPICS);

describe("topology graph", () => {
  it("names operations instead of generated names", () => {
    expect(operationOf("KSTREAM-AGGREGATE-0000000002")).toEqual({ label: "aggregate", generated: true });
    expect(operationOf("KSTREAM-KEY-SELECT-0000000001")).toEqual({ label: "selectKey", generated: true });
    expect(operationOf("KTABLE-TOSTREAM-0000000006")).toEqual({ label: "toStream", generated: true });
    expect(operationOf("views-per-page-repartition-sink")).toEqual({ label: "to repartition", generated: true });
    expect(operationOf("enrich-orders")).toEqual({ label: "enrich-orders", generated: false });
  });

  it("turns the windowed count into topics, two sub-topologies, a store and its changelog", () => {
    const g = graph();
    expect(g.subtopologies).toEqual([0, 1]);
    const kinds = Object.fromEntries(g.nodes.map((n) => [n.id, [n.kind, n.subtopology]]));
    expect(kinds).toMatchObject({
      "topic:clicks": ["topic", null],
      "topic:page-views-10s": ["topic", null],
      "topic:page-views-views-per-page-repartition": ["repartition-topic", null],
      "topic:page-views-views-per-page-changelog": ["changelog-topic", null],
      "node:KSTREAM-SOURCE-0000000000": ["source", 0],
      "node:KSTREAM-AGGREGATE-0000000002": ["processor", 1],
      "store:views-per-page": ["store", 1],
    });
    expect(g.nodes.find((n) => n.id === "topic:page-views-views-per-page-repartition")!.label).toBe("views-per-page-repartition");
    const edges = g.edges.map((e) => `${e.kind} ${e.from} -> ${e.to} @${e.rateNode}`);
    expect(edges).toEqual(
      expect.arrayContaining([
        "flow topic:clicks -> node:KSTREAM-SOURCE-0000000000 @KSTREAM-SOURCE-0000000000",
        "flow node:views-per-page-repartition-sink -> topic:page-views-views-per-page-repartition @views-per-page-repartition-sink",
        "flow topic:page-views-views-per-page-repartition -> node:views-per-page-repartition-source @views-per-page-repartition-source",
        "store node:KSTREAM-AGGREGATE-0000000002 -> store:views-per-page @null",
        "changelog store:views-per-page -> topic:page-views-views-per-page-changelog @null",
        "flow node:KSTREAM-SINK-0000000007 -> topic:page-views-10s @KSTREAM-SINK-0000000007",
      ]),
    );
    expect(g.edges).toHaveLength(12);
    // The repartition topic's throughput is what its sink writes.
    expect(g.nodes.find((n) => n.id === "topic:page-views-views-per-page-repartition")!.rateNode).toBe("views-per-page-repartition-sink");
  });

  it("puts topics at ELK's root and each sub-topology's nodes in a compound node", () => {
    const elk = toElk(graph());
    expect(elk.children!.filter((c) => !c.children).map((c) => c.id).sort()).toEqual([
      "topic:clicks",
      "topic:page-views-10s",
      "topic:page-views-views-per-page-changelog",
      "topic:page-views-views-per-page-repartition",
    ]);
    const sub1 = elk.children!.find((c) => c.id === subtopologyId(1))!;
    expect(sub1.children!.map((c) => c.id)).toEqual([
      "node:views-per-page-repartition-source",
      "node:KSTREAM-AGGREGATE-0000000002",
      "node:KTABLE-TOSTREAM-0000000006",
      "node:KSTREAM-SINK-0000000007",
      "store:views-per-page",
    ]);
    expect(elk.edges).toHaveLength(12);
  });

  it("adds parent offsets to child positions and edge points", () => {
    const p = fromElk({
      id: "root",
      width: 500,
      height: 200,
      children: [
        { id: "t", x: 10, y: 20, width: 100, height: 30 },
        { id: "sub:0", x: 200, y: 50, width: 250, height: 120, children: [{ id: "n", x: 15, y: 35, width: 80, height: 40 }] },
      ],
      edges: [{ id: "e", sources: ["t"], targets: ["n"], sections: [{ startPoint: { x: 110, y: 35 }, bendPoints: [{ x: 150, y: 35 }], endPoint: { x: 215, y: 105 } }] }],
    });
    expect(p.nodes).toEqual({ t: { id: "t", x: 10, y: 20, width: 100, height: 30 }, n: { id: "n", x: 215, y: 85, width: 80, height: 40 } });
    expect(p.groups).toEqual([{ id: "sub:0", x: 200, y: 50, width: 250, height: 120 }]);
    expect(p.edges.e).toEqual([
      { x: 110, y: 35 },
      { x: 150, y: 35 },
      { x: 215, y: 105 },
    ]);
  });

  it("lays the real graph out left to right with elkjs: sources before the aggregate, every node inside its box", async () => {
    const g = graph();
    const picked = await layoutTopology(g);
    expect(picked.variant).toBe("right");
    expect(picked.scale).toBe(1);
    const p = picked.graph;
    const x = (id: string) => p.nodes[id]!.x;
    expect(x("topic:clicks")).toBeLessThan(x("node:KSTREAM-SOURCE-0000000000"));
    expect(x("node:KSTREAM-SOURCE-0000000000")).toBeLessThan(x("node:KSTREAM-KEY-SELECT-0000000001"));
    expect(x("topic:page-views-views-per-page-repartition")).toBeLessThan(x("node:KSTREAM-AGGREGATE-0000000002"));
    expect(x("node:KSTREAM-AGGREGATE-0000000002")).toBeLessThan(x("topic:page-views-10s"));
    for (const n of g.nodes) {
      if (n.subtopology === null) continue;
      const box = p.groups.find((b) => b.id === subtopologyId(n.subtopology!))!;
      const node = p.nodes[n.id]!;
      expect(node.x).toBeGreaterThanOrEqual(box.x);
      expect(node.x + node.width).toBeLessThanOrEqual(box.x + box.width + 0.001);
      expect(node.y).toBeGreaterThanOrEqual(box.y);
    }
    // Every edge leaves its source's box and arrives at its target's, across sub-topology boxes too.
    const on = (pt: { x: number; y: number }, id: string) => {
      const b = p.nodes[id]!;
      return pt.x >= b.x - 1 && pt.x <= b.x + b.width + 1 && pt.y >= b.y - 1 && pt.y <= b.y + b.height + 1;
    };
    for (const e of g.edges) {
      const pts = p.edges[e.id]!;
      expect(pts.length).toBeGreaterThanOrEqual(2);
      expect([e.id, on(pts[0]!, e.from), on(pts[pts.length - 1]!, e.to)]).toEqual([e.id, true, true]);
    }
  });
});

describe("choosing a layout for the room", () => {
  const sized = (width: number): PositionedGraph => ({ width, height: 100, nodes: {}, groups: [], edges: {} });

  it("keeps left to right when it fits at a readable scale, else takes the next variant", () => {
    const layouts = [
      { variant: "right" as const, graph: sized(2000) },
      { variant: "right-wrapped" as const, graph: sized(1000) },
      { variant: "down" as const, graph: sized(450) },
    ];
    expect(pickLayout(layouts, 2400)).toMatchObject({ variant: "right", scale: 1 });
    expect(pickLayout(layouts, 900)).toMatchObject({ variant: "right-wrapped", scale: 0.9 });
    expect(pickLayout(layouts, 700)).toMatchObject({ variant: "down", scale: 1 });
    expect(pickLayout(layouts, 300)).toMatchObject({ variant: "down", scale: 300 / 450 });
  });

  it("stacks a long chain when the room is narrow", async () => {
    const picked = await layoutTopology(graph(), { width: 760, height: 420 });
    expect(picked.variant).not.toBe("right");
    expect(picked.graph.width * picked.scale).toBeLessThanOrEqual(760);
  });
});
