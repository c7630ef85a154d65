import { readInt64BE } from "../bytes";
import { KeyValue } from "../key-value";
import type { Serde } from "../serdes";
import { TimeWindow, Windowed, type Window } from "../windowed";
import { SortedMap, bytesToId, sortableTime } from "./sorted-map";
import {
  KeyValueIterator,
  ValueAndTimestamp,
  concatBytes,
  intBytes,
  longBytes,
  type StateStore,
  type StateStoreContext,
} from "./state-store";

/** `fetch(key, from, to)` results: window start -> value. */
export type WindowStoreIterator<V> = KeyValueIterator<number, V>;

/** Kafka's `WindowStore`: values per (key, window start), kept for a retention period behind stream time. */
export interface WindowStore<K, V> extends StateStore {
  put(key: K, value: V | null, windowStartTimestamp: number): void;
  /** The value of one window. */
  fetch(key: K, windowStartTimestamp: number): V | null;
  /** Windows of `key` starting in [timeFrom, timeTo], oldest first. */
  fetch(key: K, timeFrom: number, timeTo: number): WindowStoreIterator<V>;
  backwardFetch(key: K, timeFrom: number, timeTo: number): WindowStoreIterator<V>;
  /** Windows of every key starting in [timeFrom, timeTo], by start then key. */
  fetchAll(timeFrom: number, timeTo: number): KeyValueIterator<Windowed<K>, V>;
  backwardFetchAll(timeFrom: number, timeTo: number): KeyValueIterator<Windowed<K>, V>;
  all(): KeyValueIterator<Windowed<K>, V>;
  windowSize(): number;
  retentionPeriod(): number;
}

export type TimestampedWindowStore<K, V> = WindowStore<K, ValueAndTimestamp<V>>;

interface Slot<K, V> {
  key: K;
  start: number;
  /** Several values only when duplicates are retained (stream-stream join buffers). */
  values: V[];
}

export interface WindowStoreOptions {
  retentionMs: number;
  windowSizeMs: number;
  retainDuplicates: boolean;
  /** How a window of this store is shown; time windows by default. */
  windowOf?: (start: number, size: number) => Window;
}

/**
 * An in-memory window store. Changelog records use Kafka's window key layout: key bytes,
 * 8-byte window start, 4-byte sequence number (counts up only when duplicates are kept).
 */
export class InMemoryWindowStore<K, V> implements WindowStore<K, V> {
  private readonly byTime = new SortedMap<Slot<K, V>>();
  private readonly byKey = new Map<string, SortedMap<Slot<K, V>>>();
  private observedStreamTime = -1;
  private seqnum = 0;
  private context: StateStoreContext | undefined;
  private open = false;
  private restoring = false;

  constructor(
    private readonly storeName: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    private readonly options: WindowStoreOptions,
  ) {}

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

  windowSize(): number {
    return this.options.windowSizeMs;
  }

  retentionPeriod(): number {
    return this.options.retentionMs;
  }

  private keyBytes(key: K): Uint8Array {
    if (key === null || key === undefined) throw new TypeError(`key cannot be null (store ${this.storeName})`);
    return this.keySerde.serialize(this.storeName, key) ?? new Uint8Array(0);
  }

  private minLiveTime(): number {
    return Math.max(0, this.observedStreamTime - this.options.retentionMs + 1);
  }

  private removeExpired(): void {
    const limit = this.minLiveTime();
    for (;;) {
      const first = this.byTime.firstKey();
      if (first === undefined) return;
      const slot = this.byTime.get(first)!;
      if (slot.start >= limit) return;
      this.byTime.delete(first);
      const id = first.slice(14);
      const perKey = this.byKey.get(id);
      perKey?.delete(first.slice(0, 14));
      if (perKey && perKey.size === 0) this.byKey.delete(id);
    }
  }

  put(key: K, value: V | null, windowStartTimestamp: number): void {
    this.removeExpired();
    this.observedStreamTime = Math.max(this.observedStreamTime, windowStartTimestamp);
    if (windowStartTimestamp <= this.observedStreamTime - this.options.retentionMs) return;
    const keyBytes = this.keyBytes(key);
    const id = bytesToId(keyBytes);
    const t = sortableTime(windowStartTimestamp);
    let perKey = this.byKey.get(id);
    const existing = perKey?.get(t);
    if (value === null || value === undefined) {
      if (this.options.retainDuplicates) return;
      if (existing) {
        this.byTime.delete(t + id);
        perKey!.delete(t);
        if (perKey!.size === 0) this.byKey.delete(id);
      }
    } else if (existing && this.options.retainDuplicates) {
      existing.values.push(value);
    } else {
      const slot: Slot<K, V> = { key, start: windowStartTimestamp, values: [value] };
      this.byTime.set(t + id, slot);
      if (!perKey) {
        perKey = new SortedMap();
        this.byKey.set(id, perKey);
      }
      perKey.set(t, slot);
    }
    this.log(keyBytes, key, value ?? null, windowStartTimestamp);
  }

  /** Changelog key: key bytes, 8-byte window start, 4-byte sequence number. */
  restore(key: Uint8Array, value: Uint8Array | null, _timestamp: number): void {
    if (key.length < 12) return;
    const start = readInt64BE(key, key.length - 12);
    this.restoring = true;
    try {
      this.put(
        this.keySerde.deserialize(this.storeName, key.subarray(0, key.length - 12)),
        value === null ? null : this.valueSerde.deserialize(this.storeName, value),
        start,
      );
    } finally {
      this.restoring = false;
    }
  }

  private log(keyBytes: Uint8Array, key: K, value: V | null, start: number): void {
    const ctx = this.context;
    if (!ctx || this.restoring) return;
    const seq = this.options.retainDuplicates ? this.seqnum++ : 0;
    const timestamp = value instanceof ValueAndTimestamp ? value.timestamp() : ctx.currentTimestamp();
    ctx.changelog?.logChange(
      this.storeName,
      concatBytes(keyBytes, longBytes(start), intBytes(seq)),
      value === null ? null : this.valueSerde.serialize(this.storeName, value),
      timestamp,
    );
    const w = this.windowOf(start);
    ctx.onUpdate?.({
      store: this.storeName,
      key,
      value: value instanceof ValueAndTimestamp ? value.value() : value,
      timestamp,
      window: { start: w.start(), end: w.end() },
    });
  }

  private windowOf(start: number): Window {
    return this.options.windowOf ? this.options.windowOf(start, this.options.windowSizeMs) : new TimeWindow(start, start + Math.max(1, this.options.windowSizeMs));
  }

  fetch(key: K, windowStartTimestamp: number): V | null;
  fetch(key: K, timeFrom: number, timeTo: number): WindowStoreIterator<V>;
  fetch(key: K, timeFrom: number, timeTo?: number): V | null | WindowStoreIterator<V> {
    if (timeTo === undefined) {
      if (timeFrom < this.minLiveTime()) return null;
      const slot = this.byKey.get(bytesToId(this.keyBytes(key)))?.get(sortableTime(timeFrom));
      return slot ? slot.values[slot.values.length - 1]! : null;
    }
    return new KeyValueIterator(this.fetchList(key, timeFrom, timeTo));
  }

  private fetchList(key: K, timeFrom: number, timeTo: number): Array<KeyValue<number, V>> {
    const from = Math.max(timeFrom, this.minLiveTime());
    if (timeTo < from) return [];
    const perKey = this.byKey.get(bytesToId(this.keyBytes(key)));
    if (!perKey) return [];
    const out: Array<KeyValue<number, V>> = [];
    for (const [, slot] of perKey.range(sortableTime(from), sortableTime(timeTo))) {
      for (const v of slot.values) out.push(new KeyValue(slot.start, v));
    }
    return out;
  }

  backwardFetch(key: K, timeFrom: number, timeTo: number): WindowStoreIterator<V> {
    return new KeyValueIterator(this.fetchList(key, timeFrom, timeTo).reverse());
  }

  private fetchAllList(timeFrom: number, timeTo: number): Array<KeyValue<Windowed<K>, V>> {
    const from = Math.max(timeFrom, this.minLiveTime());
    if (timeTo < from) return [];
    const out: Array<KeyValue<Windowed<K>, V>> = [];
    for (const [, slot] of this.byTime.range(sortableTime(from), sortableTime(timeTo) + "\uffff")) {
      for (const v of slot.values) out.push(new KeyValue(new Windowed(slot.key, this.windowOf(slot.start)), v));
    }
    return out;
  }

  fetchAll(timeFrom: number, timeTo: number): KeyValueIterator<Windowed<K>, V> {
    return new KeyValueIterator(this.fetchAllList(timeFrom, timeTo));
  }

  backwardFetchAll(timeFrom: number, timeTo: number): KeyValueIterator<Windowed<K>, V> {
    return new KeyValueIterator(this.fetchAllList(timeFrom, timeTo).reverse());
  }

  all(): KeyValueIterator<Windowed<K>, V> {
    return new KeyValueIterator(this.fetchAllList(0, Number.MAX_SAFE_INTEGER));
  }
}
