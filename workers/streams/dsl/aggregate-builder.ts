import type { Grouped } from "../grouped";
import type { StoreBuilder } from "../state/state-store";
import type { KTableSupplier } from "../processor/processors/ktable-supplier";
import type { Serde } from "../serdes";
import { KTable } from "../ktable";
import { graphNode, type GraphNode, type InternalStreamsBuilder } from "./internal-builder";
import { repartitionNames, streamRepartitionNode } from "./repartition";

/**
 * What the grouped streams (plain, time-, session- and sliding-windowed) share: the
 * repartition before the aggregate when the key changed, then the stateful aggregate node
 * (Kafka's `GroupedStreamAggregateBuilder`).
 */
export class GroupedStreamAggregateBuilder<K, V> {
  private repartitionNode: GraphNode | undefined;

  constructor(
    private readonly builder: InternalStreamsBuilder,
    private readonly grouped: Grouped<K, V>,
    private readonly repartitionRequired: boolean,
    private readonly subTopologySourceNodes: ReadonlySet<string>,
    private readonly name: string,
    private readonly parentNode: GraphNode,
  ) {}

  /** The key and value serdes of the grouping (Grouped wins over what came before). */
  get keySerde(): Serde<K> | undefined {
    return this.grouped.keySerde;
  }

  get valueSerde(): Serde<V> | undefined {
    return this.grouped.valueSerde;
  }

  build<KR, VR>(opts: {
    functionName: string;
    storeName: string;
    store: () => StoreBuilder;
    supplier: KTableSupplier<KR, VR>;
    queryableStoreName: string | undefined;
    keySerde: Serde<KR> | undefined;
    valueSerde: Serde<VR> | undefined;
    windowGraceMs?: number;
  }): KTable<KR, VR> {
    let sourceName = this.name;
    let parent = this.parentNode;
    if (this.repartitionRequired) {
      const names = repartitionNames(this.builder, this.grouped.name ?? opts.storeName);
      // A named repartition topic is shared by every aggregate of this grouping.
      if (!this.repartitionNode || this.grouped.name === undefined) {
        this.repartitionNode = streamRepartitionNode(names, {
          keySerde: this.grouped.keySerde as Serde<unknown> | undefined,
          valueSerde: this.grouped.valueSerde as Serde<unknown> | undefined,
        });
      }
      this.builder.addGraphNode(parent, this.repartitionNode);
      parent = this.repartitionNode;
      sourceName = this.repartitionNode.name;
    }
    const { functionName, supplier } = opts;
    const node = graphNode(
      functionName,
      (t, parents) => {
        t.addProcessorNode(functionName, supplier, parents);
        t.addStateStore(opts.store(), functionName);
      },
      opts.windowGraceMs !== undefined ? { windowGraceMs: opts.windowGraceMs } : {},
    );
    this.builder.addGraphNode(parent, node);
    return new KTable<KR, VR>(
      functionName,
      opts.keySerde,
      opts.valueSerde,
      sourceName === this.name ? this.subTopologySourceNodes : new Set([sourceName]),
      opts.queryableStoreName,
      supplier,
      node,
      this.builder,
    );
  }
}
