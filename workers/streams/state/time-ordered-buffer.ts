import { readInt64BE } from "../bytes";
import type { Change } from "../change";
import { changeSerde } from "../processor/change-serde";
import type { RecordContext } from "../processor/processor-context";
import { Headers } from "../record";
import type { Serde } from "../serdes";
import { SortedMap, bytesToId, sortableTime } from "./sorted-map";
import { concatBytes, longBytes, type StateStore, type StateStoreContext } from "./state-store";

export interface BufferedRecord<K, V> {
  key: K;
  /** The latest change for the key: what will be emitted. */
  change: Change<V>;
  /** The value the key had before it was first buffered (the suppressed view shows it). */
  priorValue: V | null;
  bufferTime: number;
  /** Context of the latest buffered record: its timestamp and headers go out with it. */
  context: RecordContext;
  sizeBytes: number;
}

/**
 * The buffer behind suppress() (Kafka's in-memory time-ordered key-value buffer): one entry
 * per key, ordered by the time the key was first buffered, then by key bytes. A later update
 * of a buffered key replaces its change but keeps its place.
 * Changelog key: key bytes; value: 8-byte buffer time, then the change as on a repartition
 * topic; null once the entry is evicted.
 */
export class TimeOrderedKeyValueBuffer<K, V> implements StateStore {
  private readonly byTime = new SortedMap<BufferedRecord<K, V>>();
  private readonly timeKeyOf = new Map<string, string>();
  private bytes = 0;
  private context: StateStoreContext | undefined;
  private open = false;
  private restoring = false;

  constructor(
    private readonly storeName: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
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

  private keyBytes(key: K): Uint8Array {
    return this.keySerde.serialize(this.storeName, key) ?? new Uint8Array(0);
  }

  put(bufferTime: number, key: K, change: Change<V>, context: RecordContext): void {
    const kb = this.keyBytes(key);
    const id = bytesToId(kb);
    const changeBytes = changeSerde(this.valueSerde).serialize(this.storeName, change) ?? new Uint8Array(0);
    const size = kb.length + changeBytes.length + 8;
    const existingTimeKey = this.timeKeyOf.get(id);
    if (existingTimeKey !== undefined) {
      const existing = this.byTime.get(existingTimeKey)!;
      this.bytes += size - existing.sizeBytes;
      this.byTime.set(existingTimeKey, { ...existing, change, context, sizeBytes: size });
      this.log(kb, existing.bufferTime, changeBytes);
      return;
    }
    const timeKey = sortableTime(Math.max(0, bufferTime)) + id;
    this.timeKeyOf.set(id, timeKey);
    this.byTime.set(timeKey, { key, change, priorValue: change.oldValue, bufferTime, context, sizeBytes: size });
    this.bytes += size;
    this.log(kb, bufferTime, changeBytes);
  }

  /** The value before buffering, if the key is buffered (`undefined` when it is not). */
  priorValueForBuffered(key: K): { value: V | null } | undefined {
    const timeKey = this.timeKeyOf.get(bytesToId(this.keyBytes(key)));
    if (timeKey === undefined) return undefined;
    return { value: this.byTime.get(timeKey)!.priorValue };
  }

  minTimestamp(): number {
    const first = this.byTime.firstKey();
    return first === undefined ? Number.MAX_SAFE_INTEGER : this.byTime.get(first)!.bufferTime;
  }

  numRecords(): number {
    return this.byTime.size;
  }

  bufferSize(): number {
    return this.bytes;
  }

  /** Removes entries oldest-first while `condition` holds, handing each to `emit`. */
  evictWhile(condition: () => boolean, emit: (record: BufferedRecord<K, V>) => void): void {
    while (this.byTime.size > 0 && condition()) {
      const timeKey = this.byTime.firstKey()!;
      const record = this.byTime.delete(timeKey)!;
      const kb = this.keyBytes(record.key);
      this.timeKeyOf.delete(bytesToId(kb));
      this.bytes -= record.sizeBytes;
      this.log(kb, record.bufferTime, null);
      emit(record);
    }
  }

  /**
   * Changelog value: 8-byte buffer time, then the change; null once evicted. The record's
   * own context is not logged, so a restored entry goes out with the changelog record's
   * timestamp and no headers.
   */
  restore(key: Uint8Array, value: Uint8Array | null, timestamp: number): void {
    const id = bytesToId(key);
    const k = this.keySerde.deserialize(this.storeName, key);
    this.restoring = true;
    try {
      if (value === null) {
        const timeKey = this.timeKeyOf.get(id);
        if (timeKey === undefined) return;
        const record = this.byTime.delete(timeKey)!;
        this.timeKeyOf.delete(id);
        this.bytes -= record.sizeBytes;
        return;
      }
      const bufferTime = readInt64BE(value, 0);
      const change = changeSerde(this.valueSerde).deserialize(this.storeName, value.subarray(8));
      this.put(bufferTime, k, change, { topic: null, partition: -1, offset: -1, timestamp, headers: new Headers() });
    } finally {
      this.restoring = false;
    }
  }

  private log(keyBytes: Uint8Array, bufferTime: number, changeBytes: Uint8Array | null): void {
    const ctx = this.context;
    if (!ctx || this.restoring) return;
    ctx.changelog?.logChange(this.storeName, keyBytes, changeBytes === null ? null : concatBytes(longBytes(Math.max(0, bufferTime)), changeBytes), ctx.currentTimestamp());
  }
}
