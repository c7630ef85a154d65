import type { Grouped } from "./grouped";
import type { Materialized } from "./materialized";
import type { Named } from "./named";
import type { Serde } from "./serdes";
import type { GroupedStreamAggregateBuilder } from "./dsl/aggregate-builder";
import type { InternalStreamsBuilder } from "./dsl/internal-builder";
import { materializedInternal, windowStoreFor } from "./dsl/materialize";
import type { KTable } from "./ktable";
import { orElseGenerate } from "./kstream";
import { AGGREGATE_NAME, REDUCE_NAME, namedAndMaterialized } from "./kgrouped-stream";
import type { Aggregator, Initializer, Reducer } from "./processor/processors/stream-aggregate";
import { KStreamWindowAggregateSupplier } from "./processor/processors/window-aggregate";
import { KStreamSlidingWindowAggregateSupplier } from "./processor/processors/sliding-aggregate";
import { IllegalArgumentException } from "./errors";
import { SlidingWindow, type Windowed } from "./windowed";
import { EmitStrategy } from "./windows/emit-strategy";
import { TimeWindows } from "./windows/time-windows";
import type { SlidingWindows } from "./windows/sliding-windows";

/**
 * A grouped stream over time windows: tumbling/hopping `TimeWindows` or `SlidingWindows`
 * (Kafka's `TimeWindowedKStream`). Results are keyed by `Windowed<K>`.
 */
export class TimeWindowedKStream<K, V> {
  private strategy = EmitStrategy.onWindowUpdate();

  /** @internal */
  constructor(
    private readonly windows: TimeWindows | SlidingWindows,
    private readonly builder: InternalStreamsBuilder,
    private readonly aggregateBuilder: GroupedStreamAggregateBuilder<K, V>,
    private readonly grouped: Grouped<K, V>,
  ) {}

  /** Emit every update (default) or only each window's final result when it closes (KIP-825). */
  emitStrategy(strategy: EmitStrategy): this {
    this.strategy = strategy;
    return this;
  }

  count(named?: Named | Materialized<K, number>, materialized?: Materialized<K, number>): KTable<Windowed<K>, number> {
    const nm = namedAndMaterialized(named, materialized);
    if (nm.materialized && nm.materialized.storeName === undefined) this.builder.newStoreName(AGGREGATE_NAME);
    return this.doAggregate<number>(nm, AGGREGATE_NAME, () => 0, (_k, _v, agg) => (agg ?? 0) + 1);
  }

  reduce(reducer: Reducer<V>, named?: Named | Materialized<K, V>, materialized?: Materialized<K, V>): KTable<Windowed<K>, V> {
    return this.doAggregate<V>(namedAndMaterialized(named, materialized), REDUCE_NAME, () => null, (_k, v, agg) => (agg === null ? v : reducer(agg, v)));
  }

  aggregate<VA>(
    initializer: Initializer<VA>,
    aggregator: Aggregator<K, V, VA>,
    named?: Named | Materialized<K, VA>,
    materialized?: Materialized<K, VA>,
  ): KTable<Windowed<K>, VA> {
    return this.doAggregate<VA>(namedAndMaterialized(named, materialized), AGGREGATE_NAME, initializer, aggregator as Aggregator<K, V, VA | null>);
  }

  private doAggregate<VA>(
    nm: { named: Named | undefined; materialized: Materialized<K, VA> | undefined },
    prefix: string,
    initializer: Initializer<VA | null>,
    aggregator: Aggregator<K, V, VA | null>,
  ): KTable<Windowed<K>, VA> {
    const mi = materializedInternal(nm.materialized as Materialized<unknown, unknown> | undefined, this.builder, prefix);
    const keySerde = (mi.keySerde as Serde<K> | undefined) ?? this.grouped.keySerde;
    const valueSerde = mi.valueSerde as Serde<VA> | undefined;
    const functionName = orElseGenerate(this.builder, nm.named, prefix);
    const w = this.windows;
    if (w instanceof TimeWindows) {
      const storeOpts = {
        windowSizeMs: w.size(),
        minRetentionMs: w.size() + w.gracePeriodMs(),
        defaultRetentionMs: w.size() + w.gracePeriodMs(),
        describe: `its window size plus the grace period. Got size=[${w.size()}], grace=[${w.gracePeriodMs()}]`,
      };
      if (mi.retentionMs !== undefined && mi.retentionMs < storeOpts.minRetentionMs) {
        throw new IllegalArgumentException(
          `The retention period of the window store ${mi.storeName} must be no smaller than its window size plus the grace period. Got size=[${w.size()}], grace=[${w.gracePeriodMs()}], retention=[${mi.retentionMs}]`,
        );
      }
      const supplier = new KStreamWindowAggregateSupplier<K, V, VA>(mi.storeName!, w, this.strategy, initializer, aggregator);
      return this.aggregateBuilder.build<Windowed<K>, VA>({
        functionName,
        storeName: mi.storeName!,
        store: () => windowStoreFor(mi, storeOpts, keySerde as Serde<unknown>, valueSerde as Serde<unknown>),
        supplier,
        queryableStoreName: mi.queryable ? mi.storeName : undefined,
        keySerde: undefined,
        valueSerde,
        windowGraceMs: w.gracePeriodMs(),
      });
    }
    const d = w.timeDifferenceMs();
    const storeOpts = {
      windowSizeMs: d,
      minRetentionMs: 2 * d + w.gracePeriodMs(),
      defaultRetentionMs: 2 * d + w.gracePeriodMs(),
      describe: `2 * time difference plus the grace period. Got time difference=[${d}], grace=[${w.gracePeriodMs()}]`,
      windowOf: (start: number, size: number) => new SlidingWindow(start, start + size),
    };
    if (mi.retentionMs !== undefined && mi.retentionMs < storeOpts.minRetentionMs) {
      throw new IllegalArgumentException(
        `The retention period of the window store ${mi.storeName} must be no smaller than 2 * time difference plus the grace period. Got time difference=[${d}], grace=[${w.gracePeriodMs()}], retention=[${mi.retentionMs}]`,
      );
    }
    const supplier = new KStreamSlidingWindowAggregateSupplier<K, V, VA>(mi.storeName!, w, this.strategy, initializer, aggregator);
    return this.aggregateBuilder.build<Windowed<K>, VA>({
      functionName,
      storeName: mi.storeName!,
      store: () => windowStoreFor(mi, storeOpts, keySerde as Serde<unknown>, valueSerde as Serde<unknown>),
      supplier,
      queryableStoreName: mi.queryable ? mi.storeName : undefined,
      keySerde: undefined,
      valueSerde,
      windowGraceMs: w.gracePeriodMs(),
    });
  }
}
