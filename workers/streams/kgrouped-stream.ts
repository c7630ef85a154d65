import type { Grouped } from "./grouped";
import { Materialized } from "./materialized";
import { Named } from "./named";
import type { Serde } from "./serdes";
import { GroupedStreamAggregateBuilder } from "./dsl/aggregate-builder";
import type { GraphNode, InternalStreamsBuilder } from "./dsl/internal-builder";
import { keyValueStoreFor, materializedInternal } from "./dsl/materialize";
import type { KTable } from "./ktable";
import { orElseGenerate } from "./kstream";
import { KStreamAggregateSupplier, type Aggregator, type Initializer, type Reducer } from "./processor/processors/stream-aggregate";
import { TimeWindows } from "./windows/time-windows";
import { SlidingWindows } from "./windows/sliding-windows";
import { SessionWindows } from "./windows/session-windows";
import { TimeWindowedKStream } from "./time-windowed-kstream";
import { SessionWindowedKStream } from "./session-windowed-kstream";

export const AGGREGATE_NAME = "KSTREAM-AGGREGATE-";
export const REDUCE_NAME = "KSTREAM-REDUCE-";

/** Splits the optional (named?, materialized?) arguments of the aggregation methods. */
export function namedAndMaterialized<K, V>(
  a: Named | Materialized<K, V> | undefined,
  b: Materialized<K, V> | undefined,
): { named: Named | undefined; materialized: Materialized<K, V> | undefined } {
  if (a instanceof Named) return { named: a, materialized: b };
  if (a instanceof Materialized) return { named: undefined, materialized: a };
  return { named: undefined, materialized: b };
}

/** A stream grouped by key, ready to aggregate or to window (Kafka's `KGroupedStream`). */
export class KGroupedStream<K, V> {
  private readonly aggregateBuilder: GroupedStreamAggregateBuilder<K, V>;

  /** @internal */
  constructor(
    private readonly builder: InternalStreamsBuilder,
    private readonly name: string,
    private readonly subTopologySourceNodes: ReadonlySet<string>,
    private readonly grouped: Grouped<K, V>,
    private readonly repartitionRequired: boolean,
    private readonly graphNode: GraphNode,
  ) {
    this.aggregateBuilder = new GroupedStreamAggregateBuilder(builder, grouped, repartitionRequired, subTopologySourceNodes, name, graphNode);
  }

  /** Number of records per key; every update is emitted. */
  count(named?: Named | Materialized<K, number>, materialized?: Materialized<K, number>): KTable<K, number> {
    const nm = namedAndMaterialized(named, materialized);
    // Kafka burns a store name for an unnamed explicit Materialized (kept for topology compatibility).
    if (nm.materialized && nm.materialized.storeName === undefined) this.builder.newStoreName(AGGREGATE_NAME);
    return this.doAggregate<number>(
      nm,
      AGGREGATE_NAME,
      () => 0,
      (_k, _v, agg) => agg + 1,
      undefined,
    );
  }

  /** Combines the values of a key: the first value as is, then reducer(aggregate, value). */
  reduce(reducer: Reducer<V>, named?: Named | Materialized<K, V>, materialized?: Materialized<K, V>): KTable<K, V> {
    return this.doAggregate<V>(namedAndMaterialized(named, materialized), REDUCE_NAME, undefined, undefined, reducer);
  }

  aggregate<VA>(initializer: Initializer<VA>, aggregator: Aggregator<K, V, VA>, named?: Named | Materialized<K, VA>, materialized?: Materialized<K, VA>): KTable<K, VA> {
    return this.doAggregate<VA>(namedAndMaterialized(named, materialized), AGGREGATE_NAME, initializer, aggregator, undefined);
  }

  private doAggregate<VA>(
    nm: { named: Named | undefined; materialized: Materialized<K, VA> | undefined },
    prefix: string,
    initializer: Initializer<VA> | undefined,
    aggregator: Aggregator<K, V, VA> | undefined,
    reducer: Reducer<V> | undefined,
  ): KTable<K, VA> {
    const mi = materializedInternal(nm.materialized as Materialized<unknown, unknown> | undefined, this.builder, prefix);
    const keySerde = (mi.keySerde as Serde<K> | undefined) ?? this.grouped.keySerde;
    const valueSerde = mi.valueSerde as Serde<VA> | undefined;
    const functionName = orElseGenerate(this.builder, nm.named, prefix);
    const supplier = new KStreamAggregateSupplier<K, V, VA>(mi.storeName!, initializer, aggregator, reducer);
    return this.aggregateBuilder.build<K, VA>({
      functionName,
      storeName: mi.storeName!,
      store: () => keyValueStoreFor(mi, keySerde as Serde<unknown>, valueSerde as Serde<unknown>),
      supplier,
      queryableStoreName: mi.queryable ? mi.storeName : undefined,
      keySerde,
      valueSerde,
    });
  }

  /** Tumbling/hopping (TimeWindows), sliding (SlidingWindows) or session (SessionWindows) windows. */
  windowedBy(windows: TimeWindows): TimeWindowedKStream<K, V>;
  windowedBy(windows: SlidingWindows): TimeWindowedKStream<K, V>;
  windowedBy(windows: SessionWindows): SessionWindowedKStream<K, V>;
  windowedBy(windows: TimeWindows | SlidingWindows | SessionWindows): TimeWindowedKStream<K, V> | SessionWindowedKStream<K, V> {
    if (windows instanceof SessionWindows) {
      return new SessionWindowedKStream<K, V>(windows, this.builder, this.aggregateBuilder, this.grouped);
    }
    return new TimeWindowedKStream<K, V>(windows, this.builder, this.aggregateBuilder, this.grouped);
  }

  /** @internal */
  sourceNodes(): ReadonlySet<string> {
    return this.subTopologySourceNodes;
  }

  /** @internal */
  nodeName(): string {
    return this.name;
  }

  /** @internal */
  needsRepartition(): boolean {
    return this.repartitionRequired;
  }

  /** @internal */
  node(): GraphNode {
    return this.graphNode;
  }
}
