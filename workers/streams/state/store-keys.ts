import type { Serializer } from "../serdes";
import { idOf } from "./sorted-map";
import { StringMap } from "./string-map";

/** A store key as the store sees it: its serialized bytes and their identity string. */
export interface StoreKey<A = unknown> {
  /**
   * The key object this entry was made for: for a remembered key, the first of its equal
   * strings or numbers, which a store can keep instead of each record's own equal copy.
   */
  key: unknown;
  bytes: Uint8Array;
  /** {@link idOf} of `bytes`: equal for keys that serialize alike, ordered as the bytes. */
  id: string;
  /**
   * The owning store's shortcut to this key's data (saves a second hash lookup per access).
   * The store checks that it is still current before using it.
   */
  attached: A | undefined;
}

/** Beyond this many remembered keys the memo starts over (bounds memory for unbounded key spaces). */
const MEMO_LIMIT = 65_536;

/**
 * Serializes a store's keys, remembering the result for string and number keys: the same
 * key recurs on every record of an aggregate (a read, a write, the changelog), and a
 * serde maps one key to one byte string, so it is serialized once, not on every access.
 * Object keys are serialized every time (a deserialized object is a new one per record).
 * The bytes are shared: whoever receives them (a changelog record) must not write into them.
 */
export class StoreKeys<K, A = unknown> {
  /** Number keys. */
  private memo = new Map<unknown, StoreKey<A>>();
  /** String keys, in a table whose lookups by a string decoded afresh per record miss the cache less than a Map's. */
  private strings = new StringMap<StoreKey<A>>();
  /** The last string key asked for: an aggregate reads then writes the same key object. */
  private lastKey: string | undefined;
  private lastEntry: StoreKey<A> | undefined;

  constructor(
    private readonly storeName: string,
    private readonly serializer: Serializer<K>,
  ) {}

  of(key: K): StoreKey<A> {
    if (key === this.lastKey && this.lastEntry !== undefined) return this.lastEntry;
    if (key === null || key === undefined) throw new TypeError(`key cannot be null (store ${this.storeName})`);
    // -0 and 0 are one Map key but may serialize differently (a Double serde keeps the sign).
    const memoable = typeof key === "string" || (typeof key === "number" && !Object.is(key, -0));
    if (typeof key === "string") {
      const known = this.strings.get(key);
      if (known !== undefined) {
        this.remember(key, known);
        return known;
      }
    } else if (memoable) {
      const known = this.memo.get(key);
      if (known !== undefined) return known;
    }
    const bytes = this.serializer.serialize(this.storeName, key) ?? new Uint8Array(0);
    const id = idOf(bytes);
    // An ASCII string key is its own id: sharing the object keeps a lookup's reads on one string.
    const entry: StoreKey<A> = { key, bytes, id: id === key ? (key as string) : id, attached: undefined };
    if (typeof key === "string") {
      if (this.strings.size >= MEMO_LIMIT) this.strings = new StringMap();
      this.strings.set(key, entry);
      this.remember(key, entry);
    } else if (memoable) {
      if (this.memo.size >= MEMO_LIMIT) this.memo = new Map();
      this.memo.set(key, entry);
    }
    return entry;
  }

  private remember(key: string, entry: StoreKey<A>): void {
    this.lastKey = key;
    this.lastEntry = entry;
  }
}
