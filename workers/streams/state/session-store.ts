import { readInt64BE } from "../bytes";
import { KeyValue } from "../key-value";
import type { Serde } from "../serdes";
import { SessionWindow, Windowed } from "../windowed";
import { SortedMap, bytesToId, sortableTime } from "./sorted-map";
import { KeyValueIterator, concatBytes, longBytes, type StateStore, type StateStoreContext } from "./state-store";

/** Kafka's `SessionStore`: one aggregate per (key, session [start, end]). */
export interface SessionStore<K, AGG> extends StateStore {
  /** Sessions of `key` with end >= earliestSessionEndTime and start <= latestSessionStartTime, by end then start. */
  findSessions(key: K, earliestSessionEndTime: number, latestSessionStartTime: number): KeyValueIterator<Windowed<K>, AGG>;
  backwardFindSessions(key: K, earliestSessionEndTime: number, latestSessionStartTime: number): KeyValueIterator<Windowed<K>, AGG>;
  /** Sessions of every key whose end lies in [earliestSessionEndTime, latestSessionEndTime]. */
  findSessionsByEnd(earliestSessionEndTime: number, latestSessionEndTime: number): KeyValueIterator<Windowed<K>, AGG>;
  fetchSession(key: K, sessionStartTime: number, sessionEndTime: number): AGG | null;
  /** Every session of `key`. */
  fetch(key: K): KeyValueIterator<Windowed<K>, AGG>;
  all(): KeyValueIterator<Windowed<K>, AGG>;
  remove(sessionKey: Windowed<K>): void;
  put(sessionKey: Windowed<K>, aggregate: AGG | null): void;
  retentionPeriod(): number;
}

interface Slot<K, AGG> {
  key: K;
  start: number;
  end: number;
  value: AGG;
}

/** Key bytes shifted up by one so that a 0 separator sorts a key before its extensions. */
function orderedId(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b + 1);
  return s;
}

/**
 * An in-memory session store. Changelog records use Kafka's session key layout: key bytes,
 * 8-byte session end, 8-byte session start; the value is the aggregate's bytes.
 */
export class InMemorySessionStore<K, AGG> implements SessionStore<K, AGG> {
  private readonly byEnd = new SortedMap<Slot<K, AGG>>();
  private readonly byKey = new Map<string, SortedMap<Slot<K, AGG>>>();
  private observedStreamTime = -1;
  private context: StateStoreContext | undefined;
  private open = false;
  private restoring = false;

  constructor(
    private readonly storeName: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<AGG>,
    private readonly retentionMs: number,
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

  retentionPeriod(): number {
    return this.retentionMs;
  }

  private keyBytes(key: K): Uint8Array {
    if (key === null || key === undefined) throw new TypeError(`key cannot be null (store ${this.storeName})`);
    return this.keySerde.serialize(this.storeName, key) ?? new Uint8Array(0);
  }

  private minLiveTime(): number {
    return this.observedStreamTime - this.retentionMs;
  }

  private removeExpired(): void {
    const limit = this.minLiveTime();
    for (;;) {
      const first = this.byEnd.firstKey();
      if (first === undefined) return;
      const slot = this.byEnd.get(first)!;
      if (slot.end >= limit) return;
      this.delete(slot);
    }
  }

  private globalId(slot: { end: number; start: number }, ordered: string): string {
    return sortableTime(slot.end) + ordered + "\u0000" + sortableTime(slot.start);
  }

  private delete(slot: Slot<K, AGG>): void {
    const bytes = this.keyBytes(slot.key);
    this.byEnd.delete(this.globalId(slot, orderedId(bytes)));
    const id = bytesToId(bytes);
    const perKey = this.byKey.get(id);
    perKey?.delete(sortableTime(slot.end) + sortableTime(slot.start));
    if (perKey && perKey.size === 0) this.byKey.delete(id);
  }

  put(sessionKey: Windowed<K>, aggregate: AGG | null): void {
    const w = sessionKey.window();
    this.removeExpired();
    this.observedStreamTime = Math.max(this.observedStreamTime, w.end());
    if (w.end() <= this.observedStreamTime - this.retentionMs) return;
    if (aggregate === null || aggregate === undefined) {
      this.remove(sessionKey);
      return;
    }
    const bytes = this.keyBytes(sessionKey.key());
    const slot: Slot<K, AGG> = { key: sessionKey.key(), start: w.start(), end: w.end(), value: aggregate };
    this.byEnd.set(this.globalId(slot, orderedId(bytes)), slot);
    const id = bytesToId(bytes);
    let perKey = this.byKey.get(id);
    if (!perKey) {
      perKey = new SortedMap();
      this.byKey.set(id, perKey);
    }
    perKey.set(sortableTime(slot.end) + sortableTime(slot.start), slot);
    this.log(bytes, sessionKey, aggregate);
  }

  remove(sessionKey: Windowed<K>): void {
    const w = sessionKey.window();
    const bytes = this.keyBytes(sessionKey.key());
    const perKey = this.byKey.get(bytesToId(bytes));
    const slot = perKey?.get(sortableTime(w.end()) + sortableTime(w.start()));
    if (!slot) return;
    this.delete(slot);
    this.log(bytes, sessionKey, null);
  }

  /** Changelog key: key bytes, 8-byte session end, 8-byte session start. */
  restore(key: Uint8Array, value: Uint8Array | null, _timestamp: number): void {
    if (key.length < 16) return;
    const end = readInt64BE(key, key.length - 16);
    const start = readInt64BE(key, key.length - 8);
    const sessionKey = new Windowed(this.keySerde.deserialize(this.storeName, key.subarray(0, key.length - 16)), new SessionWindow(start, end));
    this.restoring = true;
    try {
      this.put(sessionKey, value === null ? null : this.valueSerde.deserialize(this.storeName, value));
    } finally {
      this.restoring = false;
    }
  }

  private log(keyBytes: Uint8Array, sessionKey: Windowed<K>, value: AGG | null): void {
    const ctx = this.context;
    if (!ctx || this.restoring) return;
    const w = sessionKey.window();
    const timestamp = ctx.currentTimestamp();
    ctx.changelog?.logChange(
      this.storeName,
      concatBytes(keyBytes, longBytes(w.end()), longBytes(w.start())),
      value === null ? null : this.valueSerde.serialize(this.storeName, value),
      timestamp,
    );
    ctx.onUpdate?.({ store: this.storeName, key: sessionKey.key(), value, timestamp, window: { start: w.start(), end: w.end() } });
  }

  private toKv(slot: Slot<K, AGG>): KeyValue<Windowed<K>, AGG> {
    return new KeyValue(new Windowed(slot.key, new SessionWindow(slot.start, slot.end)), slot.value);
  }

  private find(key: K, earliestSessionEndTime: number, latestSessionStartTime: number): Array<KeyValue<Windowed<K>, AGG>> {
    const perKey = this.byKey.get(bytesToId(this.keyBytes(key)));
    if (!perKey) return [];
    const from = Math.max(earliestSessionEndTime, this.minLiveTime(), 0);
    return perKey
      .range(sortableTime(from))
      .filter(([, s]) => s.start <= latestSessionStartTime)
      .map(([, s]) => this.toKv(s));
  }

  findSessions(key: K, earliestSessionEndTime: number, latestSessionStartTime: number): KeyValueIterator<Windowed<K>, AGG> {
    return new KeyValueIterator(this.find(key, earliestSessionEndTime, latestSessionStartTime));
  }

  backwardFindSessions(key: K, earliestSessionEndTime: number, latestSessionStartTime: number): KeyValueIterator<Windowed<K>, AGG> {
    return new KeyValueIterator(this.find(key, earliestSessionEndTime, latestSessionStartTime).reverse());
  }

  findSessionsByEnd(earliestSessionEndTime: number, latestSessionEndTime: number): KeyValueIterator<Windowed<K>, AGG> {
    // No retention cut here: emit-on-close reads sessions that closed at this very record.
    const from = Math.max(earliestSessionEndTime, 0);
    if (latestSessionEndTime < from) return new KeyValueIterator([]);
    return new KeyValueIterator(
      this.byEnd.range(sortableTime(from), sortableTime(latestSessionEndTime) + "\uffff").map(([, s]) => this.toKv(s)),
    );
  }

  fetchSession(key: K, sessionStartTime: number, sessionEndTime: number): AGG | null {
    const perKey = this.byKey.get(bytesToId(this.keyBytes(key)));
    return perKey?.get(sortableTime(sessionEndTime) + sortableTime(sessionStartTime))?.value ?? null;
  }

  fetch(key: K): KeyValueIterator<Windowed<K>, AGG> {
    return new KeyValueIterator(this.find(key, 0, Number.MAX_SAFE_INTEGER));
  }

  all(): KeyValueIterator<Windowed<K>, AGG> {
    return new KeyValueIterator(this.byEnd.entries().map(([, s]) => this.toKv(s)));
  }
}
