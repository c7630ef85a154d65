import { TopologyException } from "../errors";
import type { StoreBuilder } from "../state/state-store";
import { Topology } from "../topology";

/**
 * A node of the DSL graph. The DSL records operators as graph nodes and writes them to a
 * Topology only at `build()`, because later calls still change earlier nodes (a join or a
 * groupBy forces an upstream KTable source to keep a store, for example).
 */
export interface GraphNode {
  /** The topology node that children attach to. */
  name: string;
  parents: GraphNode[];
  children: GraphNode[];
  /** Write order: Kafka's build priority, a counter bumped each time the node is attached. */
  priority: number;
  write(topology: Topology, parentNames: string[]): void;
  /** A stream source, for merging two `stream()` calls on the same topics. */
  sourceTopics?: string[];
  /** Set on left/outer joins: repartition topics upstream of them keep null keys. */
  relaxedNullKeyJoin?: boolean;
  /** Set on repartition nodes: whether null keys are filtered out before the topic. */
  repartition?: { dropNullKeys: boolean };
  /** Set on windowed aggregations: suppress(untilWindowCloses) reads their grace period. */
  windowGraceMs?: number;
  /** Set on nodes that pass a window's grace through unchanged (KTable filter, mapValues, ...). */
  gracePassThrough?: boolean;
}

const ROOT = "root";

export function graphNode(name: string, write: GraphNode["write"], extra: Partial<GraphNode> = {}): GraphNode {
  return { name, parents: [], children: [], priority: -1, write, ...extra };
}

/** Kafka's `InternalStreamsBuilder`: the name counter and the graph. */
export class InternalStreamsBuilder {
  private index = 0;
  private buildPriority = 0;
  readonly root: GraphNode = graphNode(ROOT, () => {});
  private readonly copartitionGroups: Array<Set<string>> = [];
  private built = false;

  /** `prefix` + a 10-digit counter shared by every operator, e.g. `KSTREAM-FILTER-0000000001`. */
  newProcessorName(prefix: string): string {
    return prefix + String(this.index++).padStart(10, "0");
  }

  /** `prefix` + `STATE-STORE-` + the shared counter, e.g. `KSTREAM-AGGREGATE-STATE-STORE-0000000002`. */
  newStoreName(prefix: string): string {
    return `${prefix}STATE-STORE-${String(this.index++).padStart(10, "0")}`;
  }

  addGraphNode(parents: GraphNode | GraphNode[], child: GraphNode): void {
    const list = Array.isArray(parents) ? parents : [parents];
    if (list.length === 0) throw new TopologyException("Parent node collection can't be empty");
    for (const parent of list) {
      if (!parent.children.includes(child)) parent.children.push(child);
      if (!child.parents.includes(parent)) child.parents.push(parent);
      child.priority = this.buildPriority++;
    }
  }

  /** A state store added with `StreamsBuilder.addStateStore`. */
  addStateStore(store: StoreBuilder): void {
    this.addGraphNode(
      this.root,
      graphNode(`STORE:${store.name}`, (t) => {
        t.addStateStore(store);
      }),
    );
  }

  /** Source nodes (by name) whose topics must be co-partitioned. */
  copartition(sourceNodeNames: Iterable<string>): void {
    this.copartitionGroups.push(new Set(sourceNodeNames));
  }

  build(): Topology {
    if (this.built) throw new TopologyException("build() may only be called once per StreamsBuilder");
    this.built = true;
    this.mergeDuplicateSourceNodes();
    this.markRepartitionNullKeyFilters();
    const topology = new Topology();
    const all: GraphNode[] = [];
    const seen = new Set<GraphNode>();
    const walk = (n: GraphNode): void => {
      for (const c of n.children) {
        if (seen.has(c)) continue;
        seen.add(c);
        all.push(c);
        walk(c);
      }
    };
    walk(this.root);
    all.sort((a, b) => a.priority - b.priority);
    for (const node of all) {
      node.write(
        topology,
        node.parents.filter((p) => p !== this.root).map((p) => p.name),
      );
    }
    for (const group of this.copartitionGroups) topology.copartitionSources(group);
    return topology;
  }

  /** Two `stream()` calls on exactly the same topics become one source, as in Kafka. */
  private mergeDuplicateSourceNodes(): void {
    const byTopics = new Map<string, GraphNode>();
    for (const node of [...this.root.children]) {
      if (!node.sourceTopics) continue;
      const id = JSON.stringify([...node.sourceTopics].sort());
      const main = byTopics.get(id);
      if (!main) {
        byTopics.set(id, node);
        continue;
      }
      for (const child of node.children) {
        child.parents = child.parents.map((p) => (p === node ? main : p));
        if (!main.children.includes(child)) main.children.push(child);
      }
      this.root.children = this.root.children.filter((c) => c !== node);
      for (const group of this.copartitionGroups) {
        if (group.delete(node.name)) group.add(main.name);
      }
      node.children = [];
    }
  }

  /** Repartition topics drop null keys unless a left/outer join downstream wants them. */
  private markRepartitionNullKeyFilters(): void {
    const relaxed = new Map<GraphNode, boolean>();
    const visit = (n: GraphNode): boolean => {
      const known = relaxed.get(n);
      if (known !== undefined) return known;
      relaxed.set(n, false);
      let r = false;
      for (const c of n.children) if (visit(c) || c.relaxedNullKeyJoin) r = true;
      relaxed.set(n, r);
      return r;
    };
    visit(this.root);
    for (const [node, r] of relaxed) if (node.repartition) node.repartition.dropNullKeys = !r;
  }
}
