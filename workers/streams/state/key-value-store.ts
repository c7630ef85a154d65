import { KeyValue } from "../key-value";
import type { Serde, Serializer } from "../serdes";
import { HashSortedMap } from "./hash-sorted-map";
import { bytesToId } from "./sorted-map";
import { KeyValueIterator, ValueAndTimestamp, type StateStore, type StateStoreContext } from "./state-store";
import { StoreKeys, type StoreKey } from "./store-keys";
import { storedValue, storeValue, type StoredValue } from "./stored-value";

interface Entry<K, V> extends StoredValue<V> {
  key: K;
  /** False once deleted: a key's remembered entry is then looked up again. */
  live: boolean;
}

function kvOf<K, V>(e: Entry<K, V>): KeyValue<K, V> {
  return new KeyValue(e.key, storedValue(e));
}

/** Kafka's `KeyValueStore`, read and written by processors. */
export interface KeyValueStore<K, V> extends StateStore {
  get(key: K): V | null;
  put(key: K, value: V | null): void;
  putIfAbsent(key: K, value: V | null): V | null;
  putAll(entries: ReadonlyArray<KeyValue<K, V | null>>): void;
  delete(key: K): V | null;
  /** Keys from..to inclusive, in serialized-key byte order (either bound may be null). */
  range(from: K | null, to: K | null): KeyValueIterator<K, V>;
  reverseRange(from: K | null, to: K | null): KeyValueIterator<K, V>;
  all(): KeyValueIterator<K, V>;
  reverseAll(): KeyValueIterator<K, V>;
  prefixScan<P>(prefix: P, prefixKeySerializer: Serializer<P>): KeyValueIterator<K, V>;
  approximateNumEntries(): number;
}

export type TimestampedKeyValueStore<K, V> = KeyValueStore<K, ValueAndTimestamp<V>>;

/**
 * An in-memory key-value store. Keys are identified and ordered by their serialized bytes
 * (two keys are the same key when they serialize the same, as in Kafka). Every change is
 * sent to the changelog sink, if any: key = serialized key, value = serialized value
 * (for timestamped stores: 8-byte timestamp then the value), null for a delete.
 */
export class InMemoryKeyValueStore<K, V> implements KeyValueStore<K, V> {
  private readonly data = new HashSortedMap<Entry<K, V>>();
  private readonly keys: StoreKeys<K, Entry<K, V>>;
  private context: StateStoreContext | undefined;
  private open = false;
  private restoring = false;

  constructor(
    private readonly storeName: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
  ) {
    this.keys = new StoreKeys(storeName, keySerde);
  }

  name(): string {
    return this.storeName;
  }

  persistent(): boolean {
    return false;
  }

  init(context: StateStoreContext): void {
    this.context = context;
    this.open = true;
  }

  close(): void {
    this.open = false;
  }

  isOpen(): boolean {
    return this.open;
  }

  private id(key: K): string {
    return this.keys.of(key).id;
  }

  private entryOf(k: StoreKey<Entry<K, V>>): Entry<K, V> | undefined {
    const known = k.attached;
    if (known !== undefined && known.live) return known;
    const entry = this.data.get(k.id);
    k.attached = entry;
    return entry;
  }

  get(key: K): V | null {
    const entry = this.entryOf(this.keys.of(key));
    return entry === undefined ? null : storedValue(entry);
  }

  put(key: K, value: V | null): void {
    const k = this.keys.of(key);
    const entry = this.entryOf(k);
    if (value === null || value === undefined) {
      if (entry !== undefined) {
        entry.live = false;
        this.data.delete(k.id);
      }
    } else if (entry === undefined) {
      const added: Entry<K, V> = { key: k.key as K, value: undefined, inner: undefined, timestamp: 0, live: true };
      storeValue(added, value);
      this.data.set(k.id, added);
      k.attached = added;
    } else {
      // A remembered key hands out one object for equal strings: an entry made with it keeps it,
      // rather than pointing an old entry at each record's fresh copy.
      if (entry.key !== k.key) entry.key = k.key as K;
      storeValue(entry, value);
    }
    this.log(k.bytes, key, value ?? null);
  }

  putIfAbsent(key: K, value: V | null): V | null {
    const old = this.get(key);
    if (old === null) this.put(key, value);
    return old;
  }

  putAll(entries: ReadonlyArray<KeyValue<K, V | null>>): void {
    for (const e of entries) this.put(e.key, e.value);
  }

  delete(key: K): V | null {
    const old = this.get(key);
    this.put(key, null);
    return old;
  }

  restore(key: Uint8Array, value: Uint8Array | null, _timestamp: number): void {
    this.restoring = true;
    try {
      this.put(this.keySerde.deserialize(this.storeName, key), value === null ? null : this.valueSerde.deserialize(this.storeName, value));
    } finally {
      this.restoring = false;
    }
  }

  private log(keyBytes: Uint8Array, key: K, value: V | null): void {
    const ctx = this.context;
    if (!ctx || this.restoring) return;
    const timestamp = value instanceof ValueAndTimestamp ? value.timestamp() : ctx.currentTimestamp();
    ctx.changelog?.logChange(this.storeName, keyBytes, value === null ? null : this.valueSerde.serialize(this.storeName, value), timestamp);
    if (ctx.onUpdate) {
      ctx.onUpdate({
        store: this.storeName,
        key,
        value: value instanceof ValueAndTimestamp ? value.value() : value,
        timestamp,
      });
    }
  }

  private slice(from: K | null, to: K | null): Array<KeyValue<K, V>> {
    const lo = from === null || from === undefined ? undefined : this.id(from);
    const hi = to === null || to === undefined ? undefined : this.id(to);
    if (lo !== undefined && hi !== undefined && lo > hi) return [];
    return this.data.range(lo, hi).map(([, e]) => kvOf(e));
  }

  range(from: K | null, to: K | null): KeyValueIterator<K, V> {
    return new KeyValueIterator(this.slice(from, to));
  }

  reverseRange(from: K | null, to: K | null): KeyValueIterator<K, V> {
    return new KeyValueIterator(this.slice(from, to).reverse());
  }

  all(): KeyValueIterator<K, V> {
    return new KeyValueIterator(this.slice(null, null));
  }

  reverseAll(): KeyValueIterator<K, V> {
    return new KeyValueIterator(this.slice(null, null).reverse());
  }

  prefixScan<P>(prefix: P, prefixKeySerializer: Serializer<P>): KeyValueIterator<K, V> {
    const p = bytesToId(prefixKeySerializer.serialize(this.storeName, prefix));
    return new KeyValueIterator(
      this.data
        .range(p)
        .filter(([id]) => id.startsWith(p))
        .map(([, e]) => kvOf(e)),
    );
  }

  approximateNumEntries(): number {
    return this.data.size;
  }
}
