import { ValueAndTimestamp } from "./state-store";

/**
 * Where a store keeps one value. A ValueAndTimestamp (every DSL table and aggregate) is
 * kept as its two parts and rebuilt on read. An aggregate replaces its value on every
 * update; a wrapper object held until the key's next record outlives the young generation
 * and is copied twice before it dies, while the parts are overwritten in place and the
 * wrapper a read builds dies young.
 */
export interface StoredValue<V> {
  /** The value itself, unless it is a ValueAndTimestamp (then undefined). */
  value: V | undefined;
  inner: unknown;
  timestamp: number;
}

export function storeValue<V>(slot: StoredValue<V>, value: V): void {
  if (value instanceof ValueAndTimestamp) {
    slot.value = undefined;
    slot.inner = value.value();
    slot.timestamp = value.timestamp();
  } else {
    slot.value = value;
    slot.inner = undefined;
  }
}

/** The value as it was stored (a ValueAndTimestamp comes back as an equal new one). */
export function storedValue<V>(slot: StoredValue<V>): V {
  return slot.value !== undefined ? slot.value : (ValueAndTimestamp.make(slot.inner, slot.timestamp) as V);
}
