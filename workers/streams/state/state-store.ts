import { readInt64BE, writeInt64BE } from "../bytes";
import { KeyValue } from "../key-value";
import { isLongSerde, writeLongValue, type Serde } from "../serdes";

/**
 * Where a store writes its changes so they can be restored: the broker path sends each
 * one to `<application.id>-<store>-changelog`, partition = the task's partition.
 * Keys and values are in Kafka's store layouts (see each store).
 */
export interface ChangelogSink {
  logChange(storeName: string, key: Uint8Array, value: Uint8Array | null, timestamp: number): void;
}

/** A change a store made, for the UI. */
export interface StoreUpdate {
  store: string;
  key: unknown;
  value: unknown;
  timestamp: number;
  /** For window stores, the window start; for session stores, [start, end]. */
  window?: { start: number; end: number };
}

/** What a store needs from the task that owns it. */
export interface StateStoreContext {
  applicationId: string;
  taskId: string;
  /** Timestamp of the record being processed (changelog records carry it). */
  currentTimestamp(): number;
  changelog?: ChangelogSink;
  onUpdate?(update: StoreUpdate): void;
}

export interface StateStore {
  name(): string;
  persistent(): boolean;
  init(context: StateStoreContext): void;
  close(): void;
  isOpen(): boolean;
  /**
   * Applies one record of the store's changelog, in the layout the store logs, without
   * logging it again: how a task rebuilds its state from `<application.id>-<store>-changelog`
   * before it processes input (Kafka's StateRestoreCallback).
   */
  restore?(key: Uint8Array, value: Uint8Array | null, timestamp: number): void;
}

export type StoreKind = "keyValue" | "timestampedKeyValue" | "window" | "timestampedWindow" | "session" | "buffer" | "list";

/** Builds one store instance per task (Kafka's `StoreBuilder`). */
export interface StoreBuilder<S extends StateStore = StateStore> {
  readonly name: string;
  readonly kind: StoreKind;
  /** Window and session stores: how long data is kept behind stream time. */
  readonly retentionMs?: number;
  loggingEnabled(): boolean;
  logConfig(): Record<string, string>;
  withLoggingEnabled(config?: Record<string, string>): this;
  withLoggingDisabled(): this;
  /** Accepted for compatibility: the engine never caches, every update is forwarded. */
  withCachingEnabled(): this;
  withCachingDisabled(): this;
  build(): S;
}

/** A value with the timestamp of the record that produced it (Kafka's `ValueAndTimestamp`). */
export class ValueAndTimestamp<V> {
  private constructor(
    private readonly v: V,
    private readonly ts: number,
  ) {}

  /** `null` for a null value, as in Kafka. */
  static make<V>(value: V | null, timestamp: number): ValueAndTimestamp<V> | null {
    return value === null || value === undefined ? null : new ValueAndTimestamp(value, timestamp);
  }

  static getValueOrNull<V>(vt: ValueAndTimestamp<V> | null | undefined): V | null {
    return vt ? vt.v : null;
  }

  value(): V {
    return this.v;
  }

  timestamp(): number {
    return this.ts;
  }

  toString(): string {
    return `<${String(this.v)},${this.ts}>`;
  }
}

/** A value serde for timestamped stores: 8-byte big-endian timestamp, then the value bytes. */
export function valueAndTimestampSerde<V>(inner: Serde<V>): Serde<ValueAndTimestamp<V>> {
  // Counts are Longs: their 16 bytes are written at once instead of through a second array.
  const long = isLongSerde(inner);
  return {
    name: `ValueAndTimestamp<${inner.name}>`,
    serialize(topic, data) {
      if (data === null) return null;
      if (long) {
        const out = new Uint8Array(16);
        writeInt64BE(out, 0, data.timestamp());
        writeLongValue(out, 8, data.value());
        return out;
      }
      const valueBytes = inner.serialize(topic, data.value()) ?? new Uint8Array(0);
      const out = new Uint8Array(8 + valueBytes.length);
      writeInt64BE(out, 0, data.timestamp());
      out.set(valueBytes, 8);
      return out;
    },
    deserialize(topic, data) {
      if (data === null) return null as unknown as ValueAndTimestamp<V>;
      const ts = readInt64BE(data, 0);
      return ValueAndTimestamp.make(inner.deserialize(topic, data.subarray(8)), ts) as ValueAndTimestamp<V>;
    },
  };
}

/**
 * Kafka's store iterator: `hasNext()` / `next()` / `peekNextKey()` / `close()`, and also a
 * JS iterable so `for (const kv of store.all())` works.
 */
export class KeyValueIterator<K, V> implements Iterable<KeyValue<K, V>> {
  private i = 0;

  constructor(private readonly items: ReadonlyArray<KeyValue<K, V>>) {}

  hasNext(): boolean {
    return this.i < this.items.length;
  }

  next(): KeyValue<K, V> {
    const item = this.items[this.i++];
    if (item === undefined) throw new RangeError("iterator has no more elements");
    return item;
  }

  peekNextKey(): K {
    const item = this.items[this.i];
    if (item === undefined) throw new RangeError("iterator has no more elements");
    return item.key;
  }

  close(): void {
    this.i = this.items.length;
  }

  forEachRemaining(action: (kv: KeyValue<K, V>) => void): void {
    while (this.hasNext()) action(this.next());
  }

  toArray(): KeyValue<K, V>[] {
    const rest = this.items.slice(this.i);
    this.i = this.items.length;
    return rest;
  }

  [Symbol.iterator](): Iterator<KeyValue<K, V>> {
    return {
      next: (): IteratorResult<KeyValue<K, V>> =>
        this.hasNext() ? { done: false, value: this.next() } : { done: true, value: undefined },
    };
  }
}

export function kv<K, V>(key: K, value: V): KeyValue<K, V> {
  return new KeyValue(key, value);
}

export const writeLongBE = writeInt64BE;

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

export function longBytes(n: number): Uint8Array {
  const out = new Uint8Array(8);
  writeLongBE(out, 0, n);
  return out;
}

export function intBytes(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setInt32(0, n);
  return out;
}
