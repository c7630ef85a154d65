/** A key and a value, as returned by `map` / `flatMap` mappers (Kafka's `KeyValue`). */
export class KeyValue<K, V> {
  constructor(
    readonly key: K,
    readonly value: V,
  ) {}

  static pair<K, V>(key: K, value: V): KeyValue<K, V> {
    return new KeyValue(key, value);
  }

  toString(): string {
    return `KeyValue(${String(this.key)}, ${String(this.value)})`;
  }
}

/** What a key-value mapper may return: Kafka's `KeyValue`, or a plain `{ key, value }` object. */
export type KeyValueLike<K, V> = KeyValue<K, V> | { readonly key: K; readonly value: V };
