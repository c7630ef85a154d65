import type { KTableValueGetterSupplier } from "./processor/processors/ktable-supplier";

/**
 * A table replicated in full to every instance (Kafka's `GlobalKTable`): joins against it
 * need no co-partitioning and look it up by a key computed from the stream record.
 */
export class GlobalKTable<K, V> {
  /** @internal */
  constructor(
    private readonly getter: KTableValueGetterSupplier<K, V>,
    private readonly storeName: string,
  ) {}

  /** @internal */
  valueGetterSupplier(): KTableValueGetterSupplier<K, V> {
    return this.getter;
  }

  queryableStoreName(): string {
    return this.storeName;
  }
}
