/**
 * A running application's topology as a graph for the layout library: topics (external,
 * repartition, changelog) as pills outside the sub-topology boxes, source/processor/sink
 * nodes and state stores inside them, and three kinds of edges (records flowing, a
 * processor reading and writing its store, a store logged to its changelog). Then the
 * conversion to ELK's JSON graph and back to absolute positions for drawing.
 */
import type { NodePlan } from "../../engine-client/workbench-types";

export type GraphNodeKind = "topic" | "repartition-topic" | "changelog-topic" | "source" | "processor" | "sink" | "store";

export interface GraphNode {
  id: string;
  kind: GraphNodeKind;
  /** What people read first: the operation (aggregate, filter) or the topic/store name. */
  label: string;
  /** The processor's full name under the label, when it differs. */
  sublabel: string | null;
  /** Sub-topology of processors and stores; null for topics. */
  subtopology: number | null;
  width: number;
  height: number;
  /** The processor node whose throughput this node shows (a topic: its source or sink). */
  rateNode: string | null;
  /** For topic nodes: the broker topic name. */
  topic: string | null;
}

export interface GraphEdge {
  id: string;
  from: string;
  to: string;
  kind: "flow" | "store" | "changelog";
  /** The processor node whose records/s label this edge (records entering it). */
  rateNode: string | null;
}

export interface TopologyGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  subtopologies: number[];
}

const OPERATIONS: Record<string, string> = {
  SOURCE: "source",
  SINK: "sink",
  FILTER: "filter",
  FILTERNOT: "filterNot",
  MAP: "map",
  MAPVALUES: "mapValues",
  FLATMAP: "flatMap",
  FLATMAPVALUES: "flatMapValues",
  "KEY-SELECT": "selectKey",
  PEEK: "peek",
  FOREACH: "foreach",
  BRANCH: "branch",
  BRANCHCHILD: "branch",
  MERGE: "merge",
  AGGREGATE: "aggregate",
  REDUCE: "reduce",
  COUNT: "count",
  TOSTREAM: "toStream",
  "TOTABLE": "toTable",
  JOIN: "join",
  JOINTHIS: "join (this side)",
  JOINOTHER: "join (other side)",
  "OUTER-JOIN": "outerJoin",
  LEFTJOIN: "leftJoin",
  "WINDOWED": "windowed",
  SUPPRESS: "suppress",
  PROCESSOR: "process",
  PROCESSVALUES: "processValues",
  TRANSFORMVALUES: "transformValues",
  SELECT: "groupBy select",
  "REPARTITION-FILTER": "repartition filter",
};

/** `KSTREAM-AGGREGATE-0000000002` → "aggregate"; a name given with Named.as stays as written. */
export function operationOf(name: string): { label: string; generated: boolean } {
  const m = /^(KSTREAM|KTABLE|KGROUPEDSTREAM|KGROUPEDTABLE)-(.+)-(\d{10})$/.exec(name);
  if (!m) {
    if (name.endsWith("-repartition-filter")) return { label: "repartition filter", generated: true };
    if (name.endsWith("-repartition-sink")) return { label: "to repartition", generated: true };
    if (name.endsWith("-repartition-source")) return { label: "from repartition", generated: true };
    return { label: name, generated: false };
  }
  const op = m[2]!;
  const label = OPERATIONS[op] ?? op.toLowerCase().replace(/-/g, " ");
  return { label: m[1] === "KTABLE" && op === "SOURCE" ? "table source" : label, generated: true };
}

const SIZE: Record<GraphNodeKind, { width: number; height: number }> = {
  topic: { width: 190, height: 36 },
  "repartition-topic": { width: 200, height: 32 },
  "changelog-topic": { width: 200, height: 32 },
  source: { width: 150, height: 42 },
  processor: { width: 160, height: 46 },
  sink: { width: 150, height: 42 },
  store: { width: 150, height: 50 },
};

/** Wide enough for its label (14 px bold) and sublabel (12 px mono), within bounds. */
function sized(kind: GraphNodeKind, label: string, sublabel: string | null): { width: number; height: number } {
  const base = SIZE[kind];
  const text = Math.max(label.length * 8.4, (sublabel?.length ?? 0) * 7.3) + 24;
  return { width: Math.round(Math.min(300, Math.max(base.width, text))), height: base.height };
}

function shortTopic(applicationId: string, topic: string): string {
  return topic.startsWith(`${applicationId}-`) ? topic.slice(applicationId.length + 1) : topic;
}

export function topologyGraph(applicationId: string, plan: readonly NodePlan[], internalTopics: readonly string[]): TopologyGraph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const internal = new Set(internalTopics);
  const topicIds = new Map<string, string>();
  const topicNode = (topic: string, rateNode: string | null): string => {
    let id = topicIds.get(topic);
    if (id) return id;
    id = `topic:${topic}`;
    topicIds.set(topic, id);
    const kind: GraphNodeKind = internal.has(topic) ? (topic.endsWith("-changelog") ? "changelog-topic" : "repartition-topic") : "topic";
    const label = kind === "topic" ? topic : shortTopic(applicationId, topic);
    const sublabel = kind === "topic" ? null : kind.replace("-topic", "");
    nodes.push({ id, kind, label, sublabel, subtopology: null, ...sized(kind, label, sublabel), rateNode, topic });
    return id;
  };
  const stores = new Map<string, number>();
  for (const n of plan) {
    const { label, generated } = operationOf(n.name);
    nodes.push({
      id: `node:${n.name}`,
      kind: n.kind,
      label,
      sublabel: generated ? n.name : null,
      subtopology: n.subtopology,
      ...sized(n.kind, label, generated ? n.name : null),
      rateNode: n.name,
      topic: null,
    });
    for (const s of n.stores) if (!stores.has(s)) stores.set(s, n.subtopology);
  }
  for (const n of plan) {
    if (n.kind === "source") {
      for (const t of n.topics) edges.push({ id: `e:${t}->${n.name}`, from: topicNode(t, n.name), to: `node:${n.name}`, kind: "flow", rateNode: n.name });
    }
    for (const c of n.children) edges.push({ id: `e:${n.name}->${c}`, from: `node:${n.name}`, to: `node:${c}`, kind: "flow", rateNode: c });
    if (n.kind === "sink") {
      for (const t of n.topics) edges.push({ id: `e:${n.name}->${t}`, from: `node:${n.name}`, to: topicNode(t, n.name), kind: "flow", rateNode: n.name });
    }
    for (const s of n.stores) edges.push({ id: `e:${n.name}~${s}`, from: `node:${n.name}`, to: `store:${s}`, kind: "store", rateNode: null });
  }
  for (const [store, sub] of stores) {
    nodes.push({ id: `store:${store}`, kind: "store", label: store, sublabel: "state store", subtopology: sub, ...sized("store", store, "state store"), rateNode: null, topic: null });
    const changelog = `${applicationId}-${store}-changelog`;
    if (internal.has(changelog)) edges.push({ id: `e:${store}->changelog`, from: `store:${store}`, to: topicNode(changelog, null), kind: "changelog", rateNode: null });
  }
  // A topic both written and read (repartition) is fed by its sink: the sink's rate names it.
  for (const n of plan) {
    if (n.kind !== "sink") continue;
    for (const t of n.topics) {
      const node = nodes.find((x) => x.id === topicIds.get(t));
      if (node) node.rateNode = n.name;
    }
  }
  const subtopologies = [...new Set(plan.map((n) => n.subtopology))].sort((a, b) => a - b);
  return { nodes, edges, subtopologies };
}

// ---- ELK ----

export interface ElkNodeJson {
  id: string;
  width?: number;
  height?: number;
  x?: number;
  y?: number;
  layoutOptions?: Record<string, string>;
  children?: ElkNodeJson[];
  edges?: ElkEdgeJson[];
  labels?: Array<{ text: string }>;
}

export interface ElkEdgeJson {
  id: string;
  sources: string[];
  targets: string[];
  sections?: Array<{ startPoint: { x: number; y: number }; endPoint: { x: number; y: number }; bendPoints?: Array<{ x: number; y: number }> }>;
}

export const ROOT_LAYOUT: Record<string, string> = {
  "elk.algorithm": "layered",
  "elk.direction": "RIGHT",
  "elk.hierarchyHandling": "INCLUDE_CHILDREN",
  // Room between layers for an edge's rate label.
  "elk.layered.spacing.nodeNodeBetweenLayers": "56",
  "elk.spacing.nodeNode": "22",
  "elk.spacing.edgeNode": "14",
  "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
  "elk.edgeRouting": "ORTHOGONAL",
  // Edge points relative to the root whatever container ELK files an edge under.
  "elk.json.edgeCoords": "ROOT",
};

const GROUP_LAYOUT: Record<string, string> = {
  "elk.padding": "[top=34,left=14,bottom=14,right=14]",
};

export function subtopologyId(sub: number): string {
  return `sub:${sub}`;
}

/** ELK's input: topics at the root, each sub-topology a compound node holding its processors and stores. */
export function toElk(graph: TopologyGraph, options: Record<string, string> = {}): ElkNodeJson {
  const children: ElkNodeJson[] = graph.nodes.filter((n) => n.subtopology === null).map((n) => ({ id: n.id, width: n.width, height: n.height }));
  for (const sub of graph.subtopologies) {
    children.push({
      id: subtopologyId(sub),
      layoutOptions: GROUP_LAYOUT,
      children: graph.nodes.filter((n) => n.subtopology === sub).map((n) => ({ id: n.id, width: n.width, height: n.height })),
    });
  }
  return {
    id: "root",
    layoutOptions: { ...ROOT_LAYOUT, ...options },
    children,
    edges: graph.edges.map((e) => ({ id: e.id, sources: [e.from], targets: [e.to] })),
  };
}

export interface Box {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PositionedGraph {
  width: number;
  height: number;
  nodes: Record<string, Box>;
  groups: Box[];
  /** Polylines in absolute coordinates. */
  edges: Record<string, Array<{ x: number; y: number }>>;
}

/**
 * ELK's result in absolute coordinates. Child positions are relative to their parent;
 * edge sections are relative to the root (`elk.json.edgeCoords: ROOT`), wherever the edge sits.
 */
export function fromElk(result: ElkNodeJson): PositionedGraph {
  const nodes: Record<string, Box> = {};
  const groups: Box[] = [];
  const edges: Record<string, Array<{ x: number; y: number }>> = {};
  const visit = (n: ElkNodeJson, ox: number, oy: number, isRoot: boolean) => {
    const x = ox + (n.x ?? 0);
    const y = oy + (n.y ?? 0);
    if (!isRoot) {
      const box = { id: n.id, x, y, width: n.width ?? 0, height: n.height ?? 0 };
      if (n.children && n.children.length > 0) groups.push(box);
      else nodes[n.id] = box;
    }
    const base = { x: 0, y: 0 };
    for (const e of n.edges ?? []) {
      const points: Array<{ x: number; y: number }> = [];
      for (const s of e.sections ?? []) {
        points.push({ x: base.x + s.startPoint.x, y: base.y + s.startPoint.y });
        for (const b of s.bendPoints ?? []) points.push({ x: base.x + b.x, y: base.y + b.y });
        points.push({ x: base.x + s.endPoint.x, y: base.y + s.endPoint.y });
      }
      edges[e.id] = points;
    }
    for (const c of n.children ?? []) visit(c, isRoot ? ox : x, isRoot ? oy : y, false);
  };
  visit(result, 0, 0, true);
  return { width: result.width ?? 0, height: result.height ?? 0, nodes, groups, edges };
}

export type LayoutVariant = "right" | "right-wrapped" | "down";

/** The layouts tried, in order of preference: left to right first, as people read a topology. */
export const VARIANTS: ReadonlyArray<{ variant: LayoutVariant; options: (aspect: number) => Record<string, string> }> = [
  { variant: "right", options: () => ({}) },
  { variant: "right-wrapped", options: (aspect) => ({ "elk.layered.wrapping.strategy": "SINGLE_EDGE", "elk.aspectRatio": aspect.toFixed(2) }) },
  { variant: "down", options: () => ({ "elk.direction": "DOWN" }) },
];

/** Below this scale text is too small to read from the back of a room: try the next variant. */
export const MIN_SCALE = 0.85;

/**
 * The first layout, in order of preference, that fits `room` wide at a readable scale,
 * else the one that needs the least shrinking. Height may scroll; width should not.
 */
export function pickLayout(layouts: ReadonlyArray<{ variant: LayoutVariant; graph: PositionedGraph }>, roomWidth: number): { variant: LayoutVariant; graph: PositionedGraph; scale: number } {
  let best: { variant: LayoutVariant; graph: PositionedGraph; scale: number } | undefined;
  for (const l of layouts) {
    const scale = Math.min(1, roomWidth / Math.max(1, l.graph.width));
    if (scale >= MIN_SCALE) return { ...l, scale };
    if (!best || scale > best.scale) best = { ...l, scale };
  }
  if (!best) throw new Error("no layout to choose from");
  return best;
}

/** Lay the graph out with ELK (loaded on first use: the library is large and only this view needs it). */
export async function layoutTopology(graph: TopologyGraph, room: { width: number; height: number } = { width: Infinity, height: Infinity }): Promise<{ variant: LayoutVariant; graph: PositionedGraph; scale: number }> {
  const { default: ELK } = await import("elkjs/lib/elk.bundled.js");
  const elk = new ELK();
  const aspect = Number.isFinite(room.width) && room.height > 0 ? room.width / room.height : 1.6;
  const layouts: Array<{ variant: LayoutVariant; graph: PositionedGraph }> = [];
  for (const v of VARIANTS) {
    const result = (await elk.layout(toElk(graph, v.options(aspect)) as never)) as unknown as ElkNodeJson;
    layouts.push({ variant: v.variant, graph: fromElk(result) });
    if (Math.min(1, room.width / Math.max(1, layouts[layouts.length - 1]!.graph.width)) >= MIN_SCALE) break;
  }
  return pickLayout(layouts, room.width);
}
