import { TopologyException } from "./errors";
import { JavaTreeSet, javaHashMapOrder, javaSetString } from "./java-hash";
import { validateName } from "./named";
import type { AutoOffsetReset, TimestampExtractor } from "./consumed";
import type { StreamPartitioner } from "./produced";
import type { Serde } from "./serdes";
import type { ProcessorSupplier, RecordContext } from "./processor/processor-context";
import { supplierStores } from "./processor/processor-context";
import type { StoreBuilder } from "./state/state-store";

/** Picks a sink's topic per record (Kafka's `TopicNameExtractor`). */
export type TopicNameExtractor<K = unknown, V = unknown> =
  | ((key: K, value: V, recordContext: RecordContext) => string)
  | { extract(key: K, value: V, recordContext: RecordContext): string; toString(): string };

interface NodeBase {
  readonly name: string;
  readonly parents: string[];
  readonly children: string[];
}

export interface SourceNodeDef extends NodeBase {
  readonly kind: "source";
  readonly topics: string[];
  keySerde?: Serde<unknown> | undefined;
  valueSerde?: Serde<unknown> | undefined;
  timestampExtractor?: TimestampExtractor | undefined;
  offsetReset?: AutoOffsetReset | undefined;
  /** Values on this topic are KTable updates (`Change`), as after `KTable.groupBy`. */
  changeValues: boolean;
  global: boolean;
}

export interface ProcessorNodeDef extends NodeBase {
  readonly kind: "processor";
  readonly supplier: ProcessorSupplier<never, never, never, never>;
  /** Store names in the order they were connected. */
  readonly stores: string[];
}

export interface SinkNodeDef extends NodeBase {
  readonly kind: "sink";
  readonly topic: string | undefined;
  readonly extractor: TopicNameExtractor<never, never> | undefined;
  keySerde?: Serde<unknown> | undefined;
  valueSerde?: Serde<unknown> | undefined;
  partitioner?: StreamPartitioner<never, never> | undefined;
  changeValues: boolean;
}

export type NodeDef = SourceNodeDef | ProcessorNodeDef | SinkNodeDef;

export interface InternalTopicDef {
  /** Name without the `<application.id>-` prefix, ending in `-repartition`. */
  name: string;
  /** Set by `repartition(Repartitioned.numberOfPartitions(n))`; otherwise derived from the inputs. */
  numberOfPartitions?: number | undefined;
}

interface StoreEntry {
  builder: StoreBuilder;
  users: string[];
}

interface GlobalStoreEntry {
  builder: StoreBuilder;
  sourceName: string;
  processorName: string;
  topic: string;
}

export interface SourceOptions {
  name: string;
  topics: string[];
  keySerde?: Serde<unknown> | undefined;
  valueSerde?: Serde<unknown> | undefined;
  timestampExtractor?: TimestampExtractor | undefined;
  offsetReset?: AutoOffsetReset | undefined;
}

export interface SinkOptions {
  name: string;
  topic: string | TopicNameExtractor<never, never>;
  keySerde?: Serde<unknown> | undefined;
  valueSerde?: Serde<unknown> | undefined;
  partitioner?: StreamPartitioner<never, never> | undefined;
}

/** One sub-topology: the unit that becomes a task per input partition. */
export interface SubtopologyInfo {
  id: number;
  /** Node names in the order they were added. */
  nodes: string[];
  /** Input topics as written in the topology (internal ones without the application-id prefix). */
  sourceTopics: string[];
  /** The subset of `sourceTopics` that are repartition topics. */
  repartitionSourceTopics: string[];
  sinkTopics: string[];
  /** State stores owned by this sub-topology's tasks. */
  stores: string[];
}

export interface GlobalStoreInfo {
  id: number;
  store: string;
  topic: string;
  sourceName: string;
  processorName: string;
}

/**
 * A processor topology (Kafka's `Topology` and `InternalTopologyBuilder`): source,
 * processor and sink nodes, state stores and internal topics. Built by
 * `StreamsBuilder.build()`, or by hand with the Processor API methods. It only describes;
 * tasks (`StreamTask`) run it.
 */
export class Topology {
  private readonly nodeMap = new Map<string, NodeDef>();
  private readonly topicToSource = new Map<string, string>();
  private readonly storeMap = new Map<string, StoreEntry>();
  private readonly globalStoreMap = new Map<string, GlobalStoreEntry>();
  private readonly internalTopicMap = new Map<string, InternalTopicDef>();
  private readonly copartitionSourceGroups: string[][] = [];
  private readonly unionParent = new Map<string, string>();

  // ---- Processor API ----

  /** `addSource("name", "topic-a", "topic-b")`, or with options for serdes and timestamps. */
  addSource(nameOrOptions: string | SourceOptions, ...topics: string[]): this {
    const opts: SourceOptions = typeof nameOrOptions === "string" ? { name: nameOrOptions, topics } : nameOrOptions;
    this.addSourceNode({ ...opts, changeValues: false, global: false });
    return this;
  }

  addProcessor<KIn, VIn, KOut, VOut>(name: string, supplier: ProcessorSupplier<KIn, VIn, KOut, VOut>, ...parentNames: string[]): this {
    this.addProcessorNode(name, supplier as ProcessorSupplier<never, never, never, never>, parentNames);
    for (const store of supplierStores(supplier as ProcessorSupplier<never, never, never, never>)) {
      if (!this.storeMap.has(store.name)) this.addStateStore(store);
      this.connectProcessorAndStateStores(name, store.name);
    }
    return this;
  }

  /** `addSink("name", "topic", "parent")` or `addSink("name", extractor, "parent")`. */
  addSink(nameOrOptions: string | SinkOptions, topicOrParent?: string | TopicNameExtractor<never, never>, ...parentNames: string[]): this {
    if (typeof nameOrOptions === "string") {
      if (topicOrParent === undefined) throw new TopologyException(`Sink ${nameOrOptions} must have a topic`);
      this.addSinkNode({ name: nameOrOptions, topic: topicOrParent }, parentNames, false);
    } else {
      const parents = topicOrParent === undefined ? parentNames : [topicOrParent as string, ...parentNames];
      this.addSinkNode(nameOrOptions, parents, false);
    }
    return this;
  }

  addStateStore(builder: StoreBuilder, ...processorNames: string[]): this {
    if (this.storeMap.has(builder.name) && this.storeMap.get(builder.name)!.builder !== builder) {
      throw new TopologyException(`A different StateStore has already been added with the name ${builder.name}`);
    }
    if (this.globalStoreMap.has(builder.name)) {
      throw new TopologyException(`A different GlobalStateStore has already been added with the name ${builder.name}`);
    }
    if (!this.storeMap.has(builder.name)) this.storeMap.set(builder.name, { builder, users: [] });
    for (const p of processorNames) this.connectProcessorAndStateStore(p, builder.name);
    return this;
  }

  connectProcessorAndStateStores(processorName: string, ...storeNames: string[]): this {
    if (storeNames.length === 0) throw new TopologyException("Must provide at least one state store name.");
    for (const s of storeNames) this.connectProcessorAndStateStore(processorName, s);
    return this;
  }

  /**
   * A global store: every instance reads the whole topic into it (no co-partitioning),
   * through a source and a processor of its own.
   */
  addGlobalStore(
    builder: StoreBuilder,
    sourceName: string,
    topic: string,
    processorName: string,
    stateUpdateSupplier: ProcessorSupplier<never, never, never, never>,
    source?: Omit<SourceOptions, "name" | "topics">,
  ): this {
    if (this.nodeMap.has(sourceName)) throw new TopologyException(`Processor ${sourceName} is already added.`);
    if (this.nodeMap.has(processorName)) throw new TopologyException(`Processor ${processorName} is already added.`);
    if (this.storeMap.has(builder.name)) {
      throw new TopologyException(`A different StateStore has already been added with the name ${builder.name}`);
    }
    if (this.globalStoreMap.has(builder.name)) {
      throw new TopologyException(`A different GlobalStateStore has already been added with the name ${builder.name}`);
    }
    builder.withLoggingDisabled();
    this.addSourceNode({ name: sourceName, topics: [topic], ...source, changeValues: false, global: true });
    this.addProcessorNode(processorName, stateUpdateSupplier, [sourceName]);
    (this.nodeMap.get(processorName) as ProcessorNodeDef).stores.push(builder.name);
    this.globalStoreMap.set(builder.name, { builder, sourceName, processorName, topic });
    return this;
  }

  describe(): TopologyDescription {
    return describeTopology(this);
  }

  // ---- used by the DSL and by tasks ----

  /** @internal */
  addSourceNode(opts: SourceOptions & { changeValues: boolean; global: boolean }): void {
    validateName(opts.name);
    if (opts.topics.length === 0) throw new TopologyException("You must provide at least one topic");
    if (this.nodeMap.has(opts.name)) throw new TopologyException(`Processor ${opts.name} is already added.`);
    for (const t of opts.topics) {
      if (this.topicToSource.has(t)) throw new TopologyException(`Topic ${t} has already been registered by another source.`);
    }
    for (const t of opts.topics) this.topicToSource.set(t, opts.name);
    this.nodeMap.set(opts.name, {
      kind: "source",
      name: opts.name,
      parents: [],
      children: [],
      topics: [...opts.topics],
      keySerde: opts.keySerde,
      valueSerde: opts.valueSerde,
      timestampExtractor: opts.timestampExtractor,
      offsetReset: opts.offsetReset,
      changeValues: opts.changeValues,
      global: opts.global,
    });
    this.unionParent.set(opts.name, opts.name);
  }

  /** @internal */
  addProcessorNode(name: string, supplier: ProcessorSupplier<never, never, never, never>, parentNames: string[]): void {
    validateName(name);
    if (this.nodeMap.has(name)) throw new TopologyException(`Processor ${name} is already added.`);
    if (parentNames.length === 0) throw new TopologyException(`Processor ${name} must have at least one parent`);
    for (const p of parentNames) {
      if (p === name) throw new TopologyException(`Processor ${name} cannot be a predecessor of itself.`);
      const parent = this.nodeMap.get(p);
      if (!parent) throw new TopologyException(`Predecessor processor ${p} is not added yet for ${name}`);
      if (parent.kind === "sink") throw new TopologyException(`Sink ${p} cannot be used a parent.`);
    }
    this.nodeMap.set(name, { kind: "processor", name, parents: [...parentNames], children: [], supplier, stores: [] });
    this.link(name, parentNames);
  }

  /** @internal */
  addSinkNode(opts: SinkOptions, parentNames: string[], changeValues: boolean): void {
    validateName(opts.name);
    if (this.nodeMap.has(opts.name)) throw new TopologyException(`Processor ${opts.name} is already added.`);
    if (parentNames.length === 0) throw new TopologyException(`Sink ${opts.name} must have at least one parent`);
    for (const p of parentNames) {
      if (p === opts.name) throw new TopologyException(`Processor ${opts.name} cannot be a predecessor of itself.`);
      const parent = this.nodeMap.get(p);
      if (!parent) throw new TopologyException(`Predecessor processor ${p} is not added yet.`);
      if (parent.kind === "sink") throw new TopologyException(`Sink ${p} cannot be used a parent.`);
    }
    this.nodeMap.set(opts.name, {
      kind: "sink",
      name: opts.name,
      parents: [...parentNames],
      children: [],
      topic: typeof opts.topic === "string" ? opts.topic : undefined,
      extractor: typeof opts.topic === "string" ? undefined : opts.topic,
      keySerde: opts.keySerde,
      valueSerde: opts.valueSerde,
      partitioner: opts.partitioner,
      changeValues,
    });
    this.link(opts.name, parentNames);
  }

  private link(name: string, parentNames: string[]): void {
    this.unionParent.set(name, name);
    for (const p of parentNames) {
      this.nodeMap.get(p)!.children.push(name);
      this.unite(name, p);
    }
  }

  private connectProcessorAndStateStore(processorName: string, storeName: string): void {
    if (this.globalStoreMap.has(storeName)) {
      throw new TopologyException(`Global StateStore ${storeName} can be used by a Processor without being specified; it should not be explicitly passed.`);
    }
    const entry = this.storeMap.get(storeName);
    if (!entry) throw new TopologyException(`StateStore ${storeName} is not added yet.`);
    const node = this.nodeMap.get(processorName);
    if (!node) throw new TopologyException(`Processor ${processorName} is not added yet.`);
    if (node.kind !== "processor") throw new TopologyException(`cannot connect a state store ${storeName} to a source node or a sink node.`);
    // Processors sharing a store must run in one task, hence one sub-topology.
    const firstUser = entry.users[0];
    if (firstUser !== undefined) this.unite(firstUser, processorName);
    if (!entry.users.includes(processorName)) entry.users.push(processorName);
    if (!node.stores.includes(storeName)) node.stores.push(storeName);
  }

  /** @internal A repartition topic, named without the application-id prefix. */
  addInternalTopic(name: string, numberOfPartitions?: number): void {
    const existing = this.internalTopicMap.get(name);
    if (existing) {
      if (numberOfPartitions !== undefined) existing.numberOfPartitions = numberOfPartitions;
      return;
    }
    this.internalTopicMap.set(name, { name, numberOfPartitions });
  }

  /** @internal Source nodes whose topics must have equal partition counts (joins). */
  copartitionSources(sourceNodeNames: Iterable<string>): void {
    const group = [...new Set(sourceNodeNames)];
    if (group.length > 1) this.copartitionSourceGroups.push(group);
  }

  /** @internal */
  hasStore(name: string): boolean {
    return this.storeMap.has(name) || this.globalStoreMap.has(name);
  }

  private root(name: string): string {
    let r = name;
    while (this.unionParent.get(r) !== r) r = this.unionParent.get(r)!;
    // Path compression keeps later lookups flat.
    let n = name;
    while (n !== r) {
      const next = this.unionParent.get(n)!;
      this.unionParent.set(n, r);
      n = next;
    }
    return r;
  }

  private unite(a: string, b: string): void {
    const ra = this.root(a);
    const rb = this.root(b);
    if (ra !== rb) this.unionParent.set(ra, rb);
  }

  // ---- read side ----

  nodes(): NodeDef[] {
    return [...this.nodeMap.values()];
  }

  node(name: string): NodeDef | undefined {
    return this.nodeMap.get(name);
  }

  storeBuilder(name: string): StoreBuilder | undefined {
    return this.storeMap.get(name)?.builder ?? this.globalStoreMap.get(name)?.builder;
  }

  /** Non-global stores, with the processors connected to each. */
  stores(): Array<{ name: string; builder: StoreBuilder; processors: string[] }> {
    return [...this.storeMap.entries()].map(([name, e]) => ({ name, builder: e.builder, processors: [...e.users] }));
  }

  globalStores(): GlobalStoreInfo[] {
    const groups = this.nodeGroups();
    return [...this.globalStoreMap.entries()].map(([store, e]) => ({
      id: groups.find((g) => g.nodes.includes(e.sourceName))!.id,
      store,
      topic: e.topic,
      sourceName: e.sourceName,
      processorName: e.processorName,
    }));
  }

  internalTopics(): InternalTopicDef[] {
    return [...this.internalTopicMap.values()].map((t) => ({ ...t }));
  }

  isInternalTopic(topic: string): boolean {
    return this.internalTopicMap.has(topic);
  }

  /** Topic names as they exist on the broker: repartition topics get the application-id prefix. */
  decorateTopic(applicationId: string, topic: string): string {
    return this.internalTopicMap.has(topic) ? `${applicationId}-${topic}` : topic;
  }

  /** `<application.id>-<store>-changelog`, for every logged (non-global) store. */
  changelogTopics(applicationId: string): Array<{ topic: string; store: string; kind: string; retentionMs?: number }> {
    return [...this.storeMap.values()]
      .filter((e) => e.builder.loggingEnabled())
      .map((e) => ({
        topic: changelogTopicName(applicationId, e.builder.name),
        store: e.builder.name,
        kind: e.builder.kind,
        ...(e.builder.retentionMs !== undefined ? { retentionMs: e.builder.retentionMs } : {}),
      }));
  }

  /** Groups of topics (as written) that must have the same number of partitions. */
  copartitionGroups(): string[][] {
    return this.copartitionSourceGroups.map((group) =>
      group.flatMap((s) => {
        const n = this.nodeMap.get(s);
        return n && n.kind === "source" ? n.topics : [];
      }),
    );
  }

  /**
   * Node groups in the order Kafka numbers them: nodes joined by edges or by a shared
   * store form one group; ids follow the order in which each group's first node was added.
   */
  nodeGroups(): Array<{ id: number; nodes: string[]; global: boolean }> {
    const byRoot = new Map<string, { id: number; nodes: string[]; global: boolean }>();
    const groups: Array<{ id: number; nodes: string[]; global: boolean }> = [];
    for (const [name, node] of this.nodeMap) {
      const r = this.root(name);
      let g = byRoot.get(r);
      if (!g) {
        g = { id: groups.length, nodes: [], global: false };
        byRoot.set(r, g);
        groups.push(g);
      }
      g.nodes.push(name);
      if (node.kind === "source" && node.global) g.global = true;
    }
    return groups;
  }

  /** The sub-topologies (global store groups excluded), by id. */
  subtopologies(): SubtopologyInfo[] {
    return this.nodeGroups()
      .filter((g) => !g.global)
      .map((g) => {
        const sourceTopics: string[] = [];
        const sinkTopics: string[] = [];
        const stores: string[] = [];
        for (const name of g.nodes) {
          const n = this.nodeMap.get(name)!;
          if (n.kind === "source") sourceTopics.push(...n.topics);
          else if (n.kind === "sink" && n.topic !== undefined) sinkTopics.push(n.topic);
          else if (n.kind === "processor") for (const s of n.stores) if (!stores.includes(s) && this.storeMap.has(s)) stores.push(s);
        }
        return {
          id: g.id,
          nodes: [...g.nodes],
          sourceTopics,
          repartitionSourceTopics: sourceTopics.filter((t) => this.internalTopicMap.has(t)),
          sinkTopics,
          stores,
        };
      });
  }

  /** The sub-topology reading `topic` (as written, without prefix). */
  subtopologyForTopic(topic: string): SubtopologyInfo | undefined {
    return this.subtopologies().find((s) => s.sourceTopics.includes(topic));
  }

  sourceNodeForTopic(topic: string): SourceNodeDef | undefined {
    const name = this.topicToSource.get(topic);
    const n = name === undefined ? undefined : this.nodeMap.get(name);
    return n && n.kind === "source" ? n : undefined;
  }
}

export function changelogTopicName(applicationId: string, storeName: string): string {
  return `${applicationId}-${storeName}-changelog`;
}

// ---- describe() ----

interface DescribedNode {
  name: string;
  kind: "source" | "processor" | "sink";
  text: string;
  size: number;
  predecessors: JavaTreeSet<DescribedNode>;
  successors: JavaTreeSet<DescribedNode>;
}

/** Kafka's node order: bigger sub-tree first, then by name. */
function compareNodes(a: DescribedNode, b: DescribedNode): number {
  if (a === b) return 0;
  if (a.size !== b.size) return b.size - a.size;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function names(nodes: DescribedNode[]): string {
  if (nodes.length === 0) return "none";
  return nodes.map((n) => n.name).join(", ");
}

function extractorLabel(extractor: TopicNameExtractor<never, never>): string {
  if (typeof extractor === "function") return extractor.name || "TopicNameExtractor";
  return extractor.toString();
}

/** The text of `Topology.describe()`, and its structure for the topology view. */
export class TopologyDescription {
  constructor(
    readonly subtopologies: ReadonlyArray<{ id: number; nodes: ReadonlyArray<DescribedNodeView> }>,
    readonly globalStores: ReadonlyArray<{ id: number; source: DescribedNodeView; processor: DescribedNodeView; text: string }>,
  ) {}

  toString(): string {
    let sb = "Topologies:\n ";
    const subs = [...this.subtopologies].sort((a, b) => a.id - b.id);
    const globals = [...this.globalStores].sort((a, b) => a.id - b.id);
    let si = 0;
    let gi = 0;
    let expectedId = 0;
    while (si < subs.length && gi < globals.length) {
      sb += "  ";
      if (subs[si]!.id === expectedId) sb += subtopologyText(subs[si++]!);
      else sb += globals[gi++]!.text;
      expectedId++;
    }
    while (si < subs.length) sb += "  " + subtopologyText(subs[si++]!);
    while (gi < globals.length) sb += "  " + globals[gi++]!.text;
    return sb;
  }
}

export interface DescribedNodeView {
  name: string;
  kind: "source" | "processor" | "sink";
  /** Source topics, processor stores, or the sink topic. */
  topics?: string[];
  stores?: string[];
  topic?: string;
  predecessors: string[];
  successors: string[];
  text: string;
}

function subtopologyText(s: { id: number; nodes: ReadonlyArray<DescribedNodeView> }): string {
  let sb = `Sub-topology: ${s.id}\n`;
  for (const n of s.nodes) sb += `    ${n.text}\n`;
  return sb + "\n";
}

function describeTopology(topology: Topology): TopologyDescription {
  const subtopologies: Array<{ id: number; nodes: DescribedNodeView[] }> = [];
  const globalStores: Array<{ id: number; source: DescribedNodeView; processor: DescribedNodeView; text: string }> = [];
  for (const group of topology.nodeGroups()) {
    if (group.global) {
      const sourceDef = group.nodes.map((n) => topology.node(n)!).find((n) => n.kind === "source") as SourceNodeDef;
      const procDef = group.nodes.map((n) => topology.node(n)!).find((n) => n.kind === "processor") as ProcessorNodeDef;
      const sourceText = `Source: ${sourceDef.name} (topics: [${sourceDef.topics[0]}])\n      --> ${procDef.name}`;
      const procText = `Processor: ${procDef.name} (stores: [${procDef.stores[0]}])\n      --> none\n      <-- ${sourceDef.name}`;
      globalStores.push({
        id: group.id,
        source: { name: sourceDef.name, kind: "source", topics: [...sourceDef.topics], predecessors: [], successors: [procDef.name], text: sourceText },
        processor: {
          name: procDef.name,
          kind: "processor",
          stores: [...procDef.stores],
          predecessors: [sourceDef.name],
          successors: [],
          text: procText,
        },
        text: `Sub-topology: ${group.id} for global store (will not generate tasks)\n    ${sourceText}\n    ${procText}\n`,
      });
      continue;
    }
    // Replays Kafka's describeSubtopology: nodes are linked in HashMap order and kept in
    // TreeSets ordered by sizes that grow while linking, so neighbour order can depend on
    // the sizes at insertion time, not only on the final ones.
    const described = new Map<string, DescribedNode>();
    for (const name of javaHashMapOrder(group.nodes)) {
      const def = topology.node(name)!;
      described.set(name, {
        name,
        kind: def.kind,
        text: "",
        size: 1,
        predecessors: new JavaTreeSet(compareNodes),
        successors: new JavaTreeSet(compareNodes),
      });
    }
    const updateSize = (n: DescribedNode, delta: number): void => {
      n.size += delta;
      for (const p of n.predecessors.toArray()) updateSize(p, delta);
    };
    for (const node of described.values()) {
      for (const p of topology.node(node.name)!.parents) {
        const parent = described.get(p)!;
        node.predecessors.add(parent);
        parent.successors.add(node);
        updateSize(parent, node.size);
      }
    }
    const ordered = new JavaTreeSet(compareNodes);
    for (const n of described.values()) ordered.add(n);
    const views: DescribedNodeView[] = [];
    for (const n of ordered.toArray()) {
      const def = topology.node(n.name)!;
      const successors = n.successors.toArray();
      const predecessors = n.predecessors.toArray();
      const view: DescribedNodeView = {
        name: n.name,
        kind: n.kind,
        predecessors: predecessors.map((p) => p.name),
        successors: successors.map((p) => p.name),
        text: "",
      };
      if (def.kind === "source") {
        view.text = `Source: ${n.name} (topics: ${javaSetString(def.topics)})\n      --> ${names(successors)}`;
        view.topics = [...def.topics];
      } else if (def.kind === "processor") {
        view.text = `Processor: ${n.name} (stores: ${javaSetString(def.stores)})\n      --> ${names(successors)}\n      <-- ${names(predecessors)}`;
        view.stores = [...def.stores];
      } else {
        const target = def.topic !== undefined ? `topic: ${def.topic}` : `extractor class: ${extractorLabel(def.extractor!)}`;
        view.text = `Sink: ${n.name} (${target})\n      <-- ${names(predecessors)}`;
        if (def.topic !== undefined) view.topic = def.topic;
      }
      views.push(view);
    }
    subtopologies.push({ id: group.id, nodes: views });
  }
  return new TopologyDescription(subtopologies, globalStores);
}
