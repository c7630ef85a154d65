import { readInt64BE } from "../bytes";
import { KeyValue } from "../key-value";
import type { Serde } from "../serdes";
import { SortedMap, bytesToId, sortableTime } from "./sorted-map";
import { KeyValueIterator, concatBytes, longBytes, type StateStore, type StateStoreContext } from "./state-store";

/** A key of the outer-join buffer: record time, which side it came from, and its key. */
export interface TimestampedKeyAndJoinSide<K> {
  key: K;
  timestamp: number;
  leftSide: boolean;
}

/** The buffered value of an unmatched record, tagged with its side. */
export interface LeftOrRightValue<VL, VR> {
  leftSide: boolean;
  left: VL | null;
  right: VR | null;
}

interface Slot<K, VL, VR> {
  key: TimestampedKeyAndJoinSide<K>;
  values: Array<LeftOrRightValue<VL, VR>>;
}

/**
 * The shared store of a left/outer stream-stream join (Kafka's list-value store keyed by
 * `TimestampedKeyAndJoinSide`): unmatched records wait here, ordered by timestamp, then
 * side (right before left, as the side byte 0/1 sorts), then key bytes, until their window
 * closes (emitted with a null partner) or a match deletes them.
 * Changelog key: 8-byte timestamp, 1 side byte (1 = left), key bytes; value: the side byte
 * and value bytes of the newest buffered value, null when the entry is deleted.
 */
export class OuterJoinStore<K, VL, VR> implements StateStore {
  private readonly data = new SortedMap<Slot<K, VL, VR>>();
  private context: StateStoreContext | undefined;
  private open = false;
  private restoring = false;

  constructor(
    private readonly storeName: string,
    private readonly keySerde: Serde<K>,
    private readonly leftSerde: Serde<VL>,
    private readonly rightSerde: Serde<VR>,
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

  private keyBytes(k: TimestampedKeyAndJoinSide<K>): Uint8Array {
    const keyBytes = this.keySerde.serialize(this.storeName, k.key) ?? new Uint8Array(0);
    return concatBytes(longBytes(k.timestamp), Uint8Array.of(k.leftSide ? 1 : 0), keyBytes);
  }

  private id(k: TimestampedKeyAndJoinSide<K>): string {
    return sortableTime(k.timestamp) + (k.leftSide ? "1" : "0") + bytesToId(this.keySerde.serialize(this.storeName, k.key));
  }

  /** Appends a value; a null value deletes every value of the key. */
  put(key: TimestampedKeyAndJoinSide<K>, value: LeftOrRightValue<VL, VR> | null): void {
    const id = this.id(key);
    if (value === null) {
      if (!this.data.has(id)) return;
      this.data.delete(id);
    } else {
      const slot = this.data.get(id);
      if (slot) slot.values.push(value);
      else this.data.set(id, { key, values: [value] });
    }
    this.log(key, value);
  }

  /** With a null value: deletes the key if present (the join's "a match cancels it"). */
  putIfAbsent(key: TimestampedKeyAndJoinSide<K>, value: LeftOrRightValue<VL, VR> | null): Array<LeftOrRightValue<VL, VR>> | null {
    const existing = this.data.get(this.id(key));
    if (existing) {
      if (value === null) this.put(key, null);
      return existing.values;
    }
    if (value !== null) this.put(key, value);
    return null;
  }

  all(): KeyValueIterator<TimestampedKeyAndJoinSide<K>, LeftOrRightValue<VL, VR>> {
    const out: Array<KeyValue<TimestampedKeyAndJoinSide<K>, LeftOrRightValue<VL, VR>>> = [];
    for (const [, slot] of this.data.entries()) for (const v of slot.values) out.push(new KeyValue(slot.key, v));
    return new KeyValueIterator(out);
  }

  approximateNumEntries(): number {
    return this.data.size;
  }

  /** Changelog key: 8-byte timestamp, side byte, key bytes; value: side byte, then the value. */
  restore(key: Uint8Array, value: Uint8Array | null, _timestamp: number): void {
    if (key.length < 9) return;
    const k: TimestampedKeyAndJoinSide<K> = {
      timestamp: readInt64BE(key, 0),
      leftSide: key[8] === 1,
      key: this.keySerde.deserialize(this.storeName, key.subarray(9)),
    };
    let v: LeftOrRightValue<VL, VR> | null = null;
    if (value !== null && value.length > 0) {
      const leftSide = value[0] === 1;
      const inner = value.subarray(1);
      v = leftSide
        ? { leftSide, left: this.leftSerde.deserialize(this.storeName, inner), right: null }
        : { leftSide, left: null, right: this.rightSerde.deserialize(this.storeName, inner) };
    }
    this.restoring = true;
    try {
      this.put(k, v);
    } finally {
      this.restoring = false;
    }
  }

  private log(key: TimestampedKeyAndJoinSide<K>, value: LeftOrRightValue<VL, VR> | null): void {
    const ctx = this.context;
    if (!ctx || this.restoring) return;
    let valueBytes: Uint8Array | null = null;
    if (value) {
      const inner = value.leftSide ? this.leftSerde.serialize(this.storeName, value.left as VL) : this.rightSerde.serialize(this.storeName, value.right as VR);
      valueBytes = concatBytes(Uint8Array.of(value.leftSide ? 1 : 0), inner ?? new Uint8Array(0));
    }
    ctx.changelog?.logChange(this.storeName, this.keyBytes(key), valueBytes, ctx.currentTimestamp());
    ctx.onUpdate?.({ store: this.storeName, key: key.key, value: value ? (value.leftSide ? value.left : value.right) : null, timestamp: key.timestamp });
  }
}
