import { readInt64BE, writeInt64BE } from "../bytes";
import { KeyValue } from "../key-value";
import type { Serde } from "../serdes";
import { TimeWindow, Windowed, type Window } from "../windowed";
import { KeyValueIterator, ValueAndTimestamp, type StateStore, type StateStoreContext } from "./state-store";
import { StoreKeys } from "./store-keys";
import { StringMap } from "./string-map";
import { storedValue, storeValue, type StoredValue } from "./stored-value";

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

interface Slot<K, V> extends StoredValue<V> {
  key: K;
  /** The serialized key's identity ({@link StoreKey.id}). */
  id: string;
  start: number;
  /** Every value in arrival order, only when duplicates are retained (stream-stream join buffers). */
  values: V[] | undefined;
  /** False once removed or expired: a key's remembered slot is then looked up again. */
  live: boolean;
  /**
   * The key's windows by ascending start, one array shared by all of them: a record opening
   * a new window reaches it from the key's newest slot instead of a lookup by id.
   */
  list: Array<Slot<K, V>>;
  /** False while it is the last of its list: then no window of its key starts later. */
  superseded: boolean;
}

function byId(a: Slot<unknown, unknown>, b: Slot<unknown, unknown>): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Index of the first element of ascending `list` whose start is >= `start`. */
function lowerBoundByStart(list: ReadonlyArray<{ start: number }>, start: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.start < start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The windows of one start, in insertion order (an append per new window rather than a
 * hash insert); removed ones stay, marked dead, until they are the majority. Scans want
 * key-byte order: it is built when a scan asks for it, not on every insert.
 */
class Segment<K, V> {
  slots: Array<Slot<K, V>> = [];
  private dead = 0;
  private sorted: Array<Slot<K, V>> | undefined;

  constructor(readonly start: number) {}

  get liveCount(): number {
    return this.slots.length - this.dead;
  }

  add(slot: Slot<K, V>): void {
    this.slots.push(slot);
    this.sorted = undefined;
  }

  /** Counts one of its slots that was marked dead. */
  removed(): void {
    this.dead++;
    this.sorted = undefined;
    if (this.dead > 16 && this.dead * 2 > this.slots.length) {
      this.slots = this.slots.filter((s) => s.live);
      this.dead = 0;
    }
  }

  ordered(): ReadonlyArray<Slot<K, V>> {
    if (this.sorted === undefined) this.sorted = this.slots.filter((s) => s.live).sort(byId);
    return this.sorted;
  }
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
  /** Window starts that hold data, ascending; each has a segment. */
  private readonly starts: number[] = [];
  private readonly segments = new Map<number, Segment<K, V>>();
  /** Each key's slots by ascending start (the array its slots share), by the key's id. */
  private readonly byKey = new Map<string, Array<Slot<K, V>>>();
  private readonly keys: StoreKeys<K>;
  /**
   * String and number keys: the key's newest live slot. Records of a key mostly land in its
   * newest window, so one lookup by the key itself finds the slot, and the slot carries the
   * key's id and stored key object for everything else.
   */
  private readonly latest = new Map<unknown, Slot<K, V>>();
  /** The same for string keys, in a table whose lookups by a fresh string miss the cache less often. */
  private readonly latestByString = new StringMap<Slot<K, V>>();
  /**
   * What {@link resolve} found for the key at hand (fields rather than a result object per
   * call). `str` is that key when it is a string: an aggregate's write right after its read
   * of the same key object skips the lookup.
   */
  private readonly ref: { id: string; key: unknown; latest: Slot<K, V> | undefined; direct: boolean; str: string | undefined } = {
    id: "",
    key: undefined,
    latest: undefined,
    direct: false,
    str: undefined,
  };
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

  windowSize(): number {
    return this.options.windowSizeMs;
  }

  retentionPeriod(): number {
    return this.options.retentionMs;
  }

  private minLiveTime(): number {
    return Math.max(0, this.observedStreamTime - this.options.retentionMs + 1);
  }

  private removeExpired(): void {
    const starts = this.starts;
    if (starts.length === 0 || starts[0]! >= this.minLiveTime()) return;
    const limit = this.minLiveTime();
    while (starts.length > 0 && starts[0]! < limit) {
      const start = starts.shift()!;
      const segment = this.segments.get(start)!;
      this.segments.delete(start);
      const slots = segment.slots;
      for (let i = 0; i < slots.length; i++) {
        const slot = slots[i]!;
        if (!slot.live) continue;
        slot.live = false;
        // The oldest start of all is also the oldest of each key in it.
        const list = slot.list;
        if (list[0] === slot) list.shift();
        else list.splice(list.indexOf(slot), 1);
        // The key's last window: it was also its newest.
        if (list.length === 0) this.forgetKey(slot);
      }
    }
  }

  private segmentFor(start: number): Segment<K, V> {
    let segment = this.segments.get(start);
    if (segment !== undefined) return segment;
    segment = new Segment(start);
    this.segments.set(start, segment);
    const starts = this.starts;
    if (starts.length === 0 || starts[starts.length - 1]! < start) starts.push(start);
    else {
      let lo = 0;
      let hi = starts.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (starts[mid]! < start) lo = mid + 1;
        else hi = mid;
      }
      starts.splice(lo, 0, start);
    }
    return segment;
  }

  /** The key's windows are all gone: it leaves the lookups. */
  private forgetKey(slot: Slot<K, V>): void {
    if (this.byKey.get(slot.id) === slot.list) this.byKey.delete(slot.id);
    if (this.newestOf(slot.key) === slot) this.setNewest(slot.key, undefined);
  }

  /** The newest slot remembered for a string or number key. */
  private newestOf(key: unknown): Slot<K, V> | undefined {
    return typeof key === "string" ? this.latestByString.get(key) : this.latest.get(key);
  }

  private setNewest(key: unknown, slot: Slot<K, V> | undefined): void {
    if (typeof key === "string") {
      if (slot === undefined) this.latestByString.delete(key);
      else this.latestByString.set(key, slot);
    } else if (slot === undefined) this.latest.delete(key);
    else this.latest.set(key, slot);
  }

  /** Fills {@link ref} for `key`: its id, the key object to store, its newest slot. */
  private resolve(key: K): void {
    const ref = this.ref;
    if (key === ref.str) {
      const newest = ref.latest;
      if (newest !== undefined && newest.live) return;
    }
    if (key === null || key === undefined) throw new TypeError(`key cannot be null (store ${this.storeName})`);
    ref.str = typeof key === "string" ? key : undefined;
    // -0 and 0 are one Map key but may serialize differently (a Double serde keeps the sign).
    ref.direct = typeof key === "string" || (typeof key === "number" && !Object.is(key, -0));
    if (ref.direct) {
      const newest = typeof key === "string" ? this.latestByString.get(key) : this.latest.get(key);
      if (newest !== undefined && newest.live) {
        ref.id = newest.id;
        ref.key = newest.key;
        ref.latest = newest;
        return;
      }
    }
    const k = this.keys.of(key);
    ref.id = k.id;
    ref.key = k.key;
    ref.latest = undefined;
  }

  /** The resolved key's windows, if it has any. */
  private listOfRef(): Array<Slot<K, V>> | undefined {
    const newest = this.ref.latest;
    return newest !== undefined ? newest.list : this.byKey.get(this.ref.id);
  }

  /** The slot of the resolved key for this window start, if any. */
  private find(start: number): Slot<K, V> | undefined {
    const newest = this.ref.latest;
    if (newest !== undefined) {
      if (newest.start === start) return newest;
      // A record opening a window later than its key's last: no need to read the key's list. (A key
      // that serializes like another one may remember a slot the other one has since superseded.)
      if (newest.start < start && !newest.superseded) return undefined;
    }
    const list = this.listOfRef();
    return list === undefined ? undefined : this.slotAt(list, start);
  }

  private slotAt(list: ReadonlyArray<Slot<K, V>>, start: number): Slot<K, V> | undefined {
    if (list.length <= 8) {
      // Short lists: the newest windows are the ones records touch.
      for (let i = list.length - 1; i >= 0; i--) {
        const slot = list[i]!;
        if (slot.start === start) return slot;
        if (slot.start < start) return undefined;
      }
      return undefined;
    }
    const slot = list[lowerBoundByStart(list, start)];
    return slot !== undefined && slot.start === start ? slot : undefined;
  }

  /** A new slot of the resolved key, in its segment and its key's list. */
  private addSlot(start: number): Slot<K, V> {
    const ref = this.ref;
    let list = this.listOfRef();
    if (list === undefined) {
      list = [];
      this.byKey.set(ref.id, list);
    }
    const slot: Slot<K, V> = { key: ref.key as K, id: ref.id, start, value: undefined, inner: undefined, timestamp: 0, values: undefined, live: true, list, superseded: false };
    this.segmentFor(start).add(slot);
    const last = list[list.length - 1];
    if (last === undefined || last.start < start) {
      if (last !== undefined) last.superseded = true;
      list.push(slot);
    } else {
      slot.superseded = true;
      list.splice(lowerBoundByStart(list, start), 0, slot);
    }
    if (ref.direct && (ref.latest === undefined || ref.latest.start < start)) {
      this.setNewest(slot.key, slot);
      ref.latest = slot;
    }
    return slot;
  }

  private removeSlot(slot: Slot<K, V>): void {
    slot.live = false;
    const segment = this.segments.get(slot.start)!;
    segment.removed();
    if (segment.liveCount === 0) {
      this.segments.delete(segment.start);
      this.starts.splice(this.starts.indexOf(segment.start), 1);
    }
    const list = slot.list;
    list.splice(lowerBoundByStart(list, slot.start), 1);
    if (list.length > 0) list[list.length - 1]!.superseded = false;
    if (list.length === 0) this.forgetKey(slot);
    else if (this.newestOf(slot.key) === slot) this.setNewest(slot.key, list[list.length - 1]!);
    if (this.ref.latest === slot) this.ref.latest = list.length === 0 ? undefined : list[list.length - 1];
  }

  put(key: K, value: V | null, windowStartTimestamp: number): void {
    this.removeExpired();
    this.observedStreamTime = Math.max(this.observedStreamTime, windowStartTimestamp);
    if (windowStartTimestamp <= this.observedStreamTime - this.options.retentionMs) return;
    if (windowStartTimestamp < 0) throw new RangeError(`store times are never negative, got ${windowStartTimestamp}`);
    this.resolve(key);
    const ref = this.ref;
    const existing = this.find(windowStartTimestamp);
    if (value === null || value === undefined) {
      if (this.options.retainDuplicates) return;
      if (existing) this.removeSlot(existing);
    } else if (existing && existing.values !== undefined) {
      existing.values.push(value);
      existing.value = value;
    } else if (existing) {
      // Equal strings get one stored object: an old slot is not pointed at each record's fresh copy.
      if (existing.key !== ref.key) existing.key = ref.key as K;
      storeValue(existing, value);
    } else {
      const slot = this.addSlot(windowStartTimestamp);
      if (this.options.retainDuplicates) {
        slot.value = value;
        slot.values = [value];
      } else storeValue(slot, value);
    }
    this.log(key, value ?? null, windowStartTimestamp);
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

  /** Logs a change of the key {@link resolve} last filled in. */
  private log(key: K, value: V | null, start: number): void {
    const ctx = this.context;
    if (!ctx || this.restoring) return;
    const seq = this.options.retainDuplicates ? this.seqnum++ : 0;
    const timestamp = value instanceof ValueAndTimestamp ? value.timestamp() : ctx.currentTimestamp();
    if (ctx.changelog) {
      const id = this.ref.id;
      const n = id.length;
      const logKey = new Uint8Array(n + 12);
      // The id's char codes are the key bytes, and the id is what the lookup just touched
      // (for ASCII string keys it is the key itself); the bytes array would be two more objects to load.
      if (n <= 64) for (let i = 0; i < n; i++) logKey[i] = id.charCodeAt(i);
      else logKey.set(this.keys.of(key).bytes, 0);
      writeInt64BE(logKey, n, start);
      const pos = n + 8;
      logKey[pos] = (seq >>> 24) & 0xff;
      logKey[pos + 1] = (seq >>> 16) & 0xff;
      logKey[pos + 2] = (seq >>> 8) & 0xff;
      logKey[pos + 3] = seq & 0xff;
      ctx.changelog.logChange(this.storeName, logKey, value === null ? null : this.valueSerde.serialize(this.storeName, value), timestamp);
    }
    if (ctx.onUpdate) {
      const w = this.windowOf(start);
      ctx.onUpdate({
        store: this.storeName,
        key,
        value: value instanceof ValueAndTimestamp ? value.value() : value,
        timestamp,
        window: { start: w.start(), end: w.end() },
      });
    }
  }

  private windowOf(start: number): Window {
    return this.options.windowOf ? this.options.windowOf(start, this.options.windowSizeMs) : new TimeWindow(start, start + Math.max(1, this.options.windowSizeMs));
  }

  fetch(key: K, windowStartTimestamp: number): V | null;
  fetch(key: K, timeFrom: number, timeTo: number): WindowStoreIterator<V>;
  fetch(key: K, timeFrom: number, timeTo?: number): V | null | WindowStoreIterator<V> {
    if (timeTo === undefined) {
      if (timeFrom < this.minLiveTime()) return null;
      this.resolve(key);
      const slot = this.find(timeFrom);
      return slot ? storedValue(slot) : null;
    }
    return new KeyValueIterator(this.fetchList(key, timeFrom, timeTo));
  }

  private fetchList(key: K, timeFrom: number, timeTo: number): Array<KeyValue<number, V>> {
    const from = Math.max(timeFrom, this.minLiveTime());
    if (timeTo < from) return [];
    this.resolve(key);
    const list = this.listOfRef();
    if (!list) return [];
    const out: Array<KeyValue<number, V>> = [];
    for (let i = lowerBoundByStart(list, from); i < list.length; i++) {
      const slot = list[i]!;
      if (slot.start > timeTo) break;
      if (slot.values === undefined) out.push(new KeyValue(slot.start, storedValue(slot)));
      else for (const v of slot.values) out.push(new KeyValue(slot.start, v));
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
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid]! < from) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < starts.length && starts[i]! <= timeTo; i++) {
      for (const slot of this.segments.get(starts[i]!)!.ordered()) {
        if (slot.values === undefined) out.push(new KeyValue(new Windowed(slot.key, this.windowOf(slot.start)), storedValue(slot)));
        else for (const v of slot.values) out.push(new KeyValue(new Windowed(slot.key, this.windowOf(slot.start)), v));
      }
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
