import { Change } from "../../change";
import type { Record } from "../../record";
import { ValueAndTimestamp } from "../../state/state-store";
import type { KeyValueStore } from "../../state/key-value-store";
import { asInternal, ContextualProcessor, type ProcessorContext } from "../processor-context";
import { storeGetter, type KTableSupplier, type KTableValueGetterSupplier } from "./ktable-supplier";

export type Initializer<VA> = () => VA;
export type Aggregator<K, V, VA> = (key: K, value: V, aggregate: VA) => VA;
export type Reducer<V> = (value1: V, value2: V) => V;
export type Merger<K, VA> = (aggKey: K, aggOne: VA, aggTwo: VA) => VA;

/**
 * KGroupedStream.aggregate / count (count is an aggregate starting at 0 adding 1) and
 * reduce: one store entry per key; every update is forwarded (no record cache) with the
 * timestamp max(record, previous aggregate). Null keys and null values are skipped.
 */
export class KStreamAggregateSupplier<K, V, VA> implements KTableSupplier<K, VA> {
  /** Read by its processors, per record: set while the topology is built. */
  sendOldValues = false;

  constructor(
    readonly storeName: string,
    readonly initializer: Initializer<VA> | undefined,
    readonly aggregator: Aggregator<K, V, VA> | undefined,
    readonly reducer?: Reducer<V>,
  ) {}

  enableSendingOldValues(): boolean {
    this.sendOldValues = true;
    return true;
  }

  view(): KTableValueGetterSupplier<K, VA> {
    return storeGetter(this.storeName);
  }

  get(): ContextualProcessor<never, never, never, never> {
    return new KStreamAggregateProcessor<K, V, VA>(this) as unknown as ContextualProcessor<never, never, never, never>;
  }
}

/** One class for every such aggregate (not one per get()): shared code keeps seeing one shape for it. */
class KStreamAggregateProcessor<K, V, VA> extends ContextualProcessor<K, V, K, Change<VA>> {
  constructor(private readonly self: KStreamAggregateSupplier<K, V, VA>) {
    super();
  }

  private store!: KeyValueStore<K, ValueAndTimestamp<VA>>;

  override init(context: ProcessorContext<K, Change<VA>>): void {
    super.init(context);
    this.store = context.getStateStore(this.self.storeName);
  }

  process(record: Record<K, V>): void {
    const key = record.key();
    const value = record.value();
    if (key === null || key === undefined || value === null || value === undefined) {
      asInternal(this.context()).recordDropped("null-key-or-value", { key, timestamp: record.timestamp() });
      return;
    }
    const old = this.store.get(key);
    const oldAgg = ValueAndTimestamp.getValueOrNull(old);
    let newAgg: VA;
    let newTimestamp: number;
    if (this.self.reducer) {
      newAgg = oldAgg === null ? (value as unknown as VA) : (this.self.reducer(oldAgg as unknown as V, value) as unknown as VA);
      newTimestamp = old === null ? record.timestamp() : Math.max(record.timestamp(), old.timestamp());
    } else {
      const base = oldAgg === null ? this.self.initializer!() : oldAgg;
      newTimestamp = old === null ? record.timestamp() : Math.max(record.timestamp(), old.timestamp());
      newAgg = this.self.aggregator!(key, value, base);
    }
    this.store.put(key, ValueAndTimestamp.make(newAgg, newTimestamp));
    this.context().forward(record.withValue(new Change<VA>(newAgg, this.self.sendOldValues ? oldAgg : null)).withTimestamp(newTimestamp));
  }
}
