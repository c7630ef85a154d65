import type { Grouped } from "./grouped";
import type { Materialized } from "./materialized";
import type { Named } from "./named";
import type { Serde } from "./serdes";
import type { GroupedStreamAggregateBuilder } from "./dsl/aggregate-builder";
import type { InternalStreamsBuilder } from "./dsl/internal-builder";
import { materializedInternal, sessionStoreFor } from "./dsl/materialize";
import type { KTable } from "./ktable";
import { orElseGenerate } from "./kstream";
import { AGGREGATE_NAME, REDUCE_NAME, namedAndMaterialized } from "./kgrouped-stream";
import type { Aggregator, Initializer, Merger, Reducer } from "./processor/processors/stream-aggregate";
import { KStreamSessionWindowAggregateSupplier } from "./processor/processors/session-aggregate";
import type { Windowed } from "./windowed";
import { EmitStrategy } from "./windows/emit-strategy";
import type { SessionWindows } from "./windows/session-windows";

/** A grouped stream over session windows (Kafka's `SessionWindowedKStream`). */
export class SessionWindowedKStream<K, V> {
  private strategy = EmitStrategy.onWindowUpdate();

  /** @internal */
  constructor(
    private readonly windows: SessionWindows,
    private readonly builder: InternalStreamsBuilder,
    private readonly aggregateBuilder: GroupedStreamAggregateBuilder<K, V>,
    private readonly grouped: Grouped<K, V>,
  ) {}

  emitStrategy(strategy: EmitStrategy): this {
    this.strategy = strategy;
    return this;
  }

  count(named?: Named | Materialized<K, number>, materialized?: Materialized<K, number>): KTable<Windowed<K>, number> {
    const nm = namedAndMaterialized(named, materialized);
    if (nm.materialized && nm.materialized.storeName === undefined) this.builder.newStoreName(AGGREGATE_NAME);
    return this.doAggregate<number>(
      nm,
      AGGREGATE_NAME,
      () => 0,
      (_k, _v, agg) => (agg ?? 0) + 1,
      (_k, a, b) => (a ?? 0) + (b ?? 0),
    );
  }

  reduce(reducer: Reducer<V>, named?: Named | Materialized<K, V>, materialized?: Materialized<K, V>): KTable<Windowed<K>, V> {
    const agg = (a: V | null, b: V | null): V | null => (a === null ? b : b === null ? a : reducer(a, b));
    return this.doAggregate<V>(
      namedAndMaterialized(named, materialized),
      REDUCE_NAME,
      () => null,
      (_k, v, acc) => agg(acc, v),
      (_k, a, b) => agg(a, b),
    );
  }

  /** `merger` combines two sessions' aggregates when a record bridges them. */
  aggregate<VA>(
    initializer: Initializer<VA>,
    aggregator: Aggregator<K, V, VA>,
    merger: Merger<K, VA>,
    named?: Named | Materialized<K, VA>,
    materialized?: Materialized<K, VA>,
  ): KTable<Windowed<K>, VA> {
    return this.doAggregate<VA>(
      namedAndMaterialized(named, materialized),
      AGGREGATE_NAME,
      initializer,
      aggregator as Aggregator<K, V, VA | null>,
      merger as Merger<K, VA | null>,
    );
  }

  private doAggregate<VA>(
    nm: { named: Named | undefined; materialized: Materialized<K, VA> | undefined },
    prefix: string,
    initializer: Initializer<VA | null>,
    aggregator: Aggregator<K, V, VA | null>,
    merger: Merger<K, VA | null>,
  ): KTable<Windowed<K>, VA> {
    const mi = materializedInternal(nm.materialized as Materialized<unknown, unknown> | undefined, this.builder, prefix);
    const keySerde = (mi.keySerde as Serde<K> | undefined) ?? this.grouped.keySerde;
    const valueSerde = mi.valueSerde as Serde<VA> | undefined;
    const functionName = orElseGenerate(this.builder, nm.named, prefix);
    const gap = this.windows.inactivityGap();
    const grace = this.windows.gracePeriodMs();
    // Validate retention now, as Kafka does when the materializer is created.
    sessionStoreFor(mi, gap, grace);
    const supplier = new KStreamSessionWindowAggregateSupplier<K, V, VA>(mi.storeName!, this.windows, this.strategy, initializer, aggregator, merger);
    return this.aggregateBuilder.build<Windowed<K>, VA>({
      functionName,
      storeName: mi.storeName!,
      store: () => sessionStoreFor(mi, gap, grace, keySerde as Serde<unknown>, valueSerde as Serde<unknown>),
      supplier,
      queryableStoreName: mi.queryable ? mi.storeName : undefined,
      keySerde: undefined,
      valueSerde,
      windowGraceMs: grace + gap,
    });
  }
}
