import type { Grouped } from "./grouped";
import { Materialized } from "./materialized";
import type { Named } from "./named";
import type { Serde } from "./serdes";
import type { GraphNode, InternalStreamsBuilder } from "./dsl/internal-builder";
import { graphNode } from "./dsl/internal-builder";
import { keyValueStoreFor, materializedInternal } from "./dsl/materialize";
import { REPARTITION_TOPIC_SUFFIX, tableRepartitionNode } from "./dsl/repartition";
import { KTable } from "./ktable";
import { orElseGenerate, suffixWithOrElseGet } from "./kstream";
import { namedAndMaterialized } from "./kgrouped-stream";
import { KTableAggregateSupplier } from "./processor/processors/ktable-aggregate";
import type { Aggregator, Initializer, Reducer } from "./processor/processors/stream-aggregate";

const AGGREGATE_NAME = "KTABLE-AGGREGATE-";
const REDUCE_NAME = "KTABLE-REDUCE-";
const SINK_NAME = "KSTREAM-SINK-";
const SOURCE_NAME = "KSTREAM-SOURCE-";

/**
 * A table regrouped by a new key (Kafka's `KGroupedTable`). Aggregations take an adder
 * and a subtractor: when a row moves from group A to group B, A subtracts its old value
 * and B adds its new one.
 */
export class KGroupedTable<K, V> {
  private repartitionGraphNode: GraphNode | undefined;

  /** @internal */
  constructor(
    private readonly builder: InternalStreamsBuilder,
    private readonly name: string,
    private readonly subTopologySourceNodes: ReadonlySet<string>,
    private readonly grouped: Grouped<K, V>,
    private readonly graphNode: GraphNode,
  ) {}

  count(named?: Named | Materialized<K, number>, materialized?: Materialized<K, number>): KTable<K, number> {
    const nm = namedAndMaterialized(named, materialized);
    const mi = materializedInternal((nm.materialized ?? Materialized.with()) as Materialized<unknown, unknown>, this.builder, AGGREGATE_NAME);
    return this.doAggregate<number>(
      new KTableAggregateSupplier<K, V, number>(mi.storeName!, {
        kind: "aggregate",
        initializer: () => 0,
        adder: (_k, _v, agg) => agg + 1,
        subtractor: (_k, _v, agg) => agg - 1,
      }),
      nm.named,
      AGGREGATE_NAME,
      mi,
    );
  }

  reduce(adder: Reducer<V>, subtractor: Reducer<V>, named?: Named | Materialized<K, V>, materialized?: Materialized<K, V>): KTable<K, V> {
    const nm = namedAndMaterialized(named, materialized);
    // Kafka names a reduce's store with the aggregate prefix.
    const mi = materializedInternal((nm.materialized ?? Materialized.with()) as Materialized<unknown, unknown>, this.builder, AGGREGATE_NAME);
    return this.doAggregate<V>(new KTableAggregateSupplier<K, V, V>(mi.storeName!, { kind: "reduce", adder, subtractor }), nm.named, REDUCE_NAME, mi);
  }

  aggregate<VA>(
    initializer: Initializer<VA>,
    adder: Aggregator<K, V, VA>,
    subtractor: Aggregator<K, V, VA>,
    named?: Named | Materialized<K, VA>,
    materialized?: Materialized<K, VA>,
  ): KTable<K, VA> {
    const nm = namedAndMaterialized(named, materialized);
    const mi = materializedInternal((nm.materialized ?? Materialized.with()) as Materialized<unknown, unknown>, this.builder, AGGREGATE_NAME);
    return this.doAggregate<VA>(new KTableAggregateSupplier<K, V, VA>(mi.storeName!, { kind: "aggregate", initializer, adder, subtractor }), nm.named, AGGREGATE_NAME, mi);
  }

  private doAggregate<VA>(
    supplier: KTableAggregateSupplier<K, V, VA>,
    named: Named | undefined,
    functionPrefix: string,
    mi: ReturnType<typeof materializedInternal>,
  ): KTable<K, VA> {
    const b = this.builder;
    const sinkName = suffixWithOrElseGet(b, named?.name, "-sink", SINK_NAME);
    const sourceName = suffixWithOrElseGet(b, named?.name, "-source", SOURCE_NAME);
    const funcName = orElseGenerate(b, named, functionPrefix);
    const topic = (this.grouped.name ?? mi.storeName!) + REPARTITION_TOPIC_SUFFIX;
    if (!this.repartitionGraphNode || this.grouped.name === undefined) {
      this.repartitionGraphNode = tableRepartitionNode(topic, sinkName, sourceName, {
        keySerde: this.grouped.keySerde as Serde<unknown> | undefined,
        valueSerde: this.grouped.valueSerde as Serde<unknown> | undefined,
      });
    }
    b.addGraphNode(this.graphNode, this.repartitionGraphNode);
    const keySerde = (mi.keySerde as Serde<K> | undefined) ?? this.grouped.keySerde;
    const valueSerde = mi.valueSerde as Serde<VA> | undefined;
    const node = graphNode(funcName, (t, parents) => {
      t.addProcessorNode(funcName, supplier, parents);
      t.addStateStore(keyValueStoreFor(mi, keySerde as Serde<unknown>, valueSerde as Serde<unknown>), funcName);
    });
    b.addGraphNode(this.repartitionGraphNode, node);
    return new KTable<K, VA>(funcName, keySerde, valueSerde, new Set([this.repartitionGraphNode.name]), mi.queryable ? mi.storeName : undefined, supplier, node, b);
  }

  /** @internal */
  sourceNodes(): ReadonlySet<string> {
    return this.subTopologySourceNodes;
  }

  /** @internal */
  nodeName(): string {
    return this.name;
  }
}
