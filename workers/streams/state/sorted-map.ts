import { charsOf } from "../bytes";

/**
 * A map from string keys to values, iterated in key order (JS string order, which for
 * byte strings built by {@link bytesToId} is unsigned byte order, as RocksDB and Kafka's
 * in-memory stores sort). Sorted arrays with binary search: cheap for the store sizes a
 * workbench shows, and iteration needs no extra sort.
 */
export class SortedMap<V> {
  private keys: string[] = [];
  private values: V[] = [];

  get size(): number {
    return this.keys.length;
  }

  /** Index of the first key >= `key`. */
  private lowerBound(key: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(key: string): V | undefined {
    const i = this.lowerBound(key);
    return this.keys[i] === key ? this.values[i] : undefined;
  }

  has(key: string): boolean {
    const i = this.lowerBound(key);
    return this.keys[i] === key;
  }

  set(key: string, value: V): void {
    const i = this.lowerBound(key);
    if (this.keys[i] === key) {
      this.values[i] = value;
      return;
    }
    this.keys.splice(i, 0, key);
    this.values.splice(i, 0, value);
  }

  delete(key: string): V | undefined {
    const i = this.lowerBound(key);
    if (this.keys[i] !== key) return undefined;
    const old = this.values[i];
    this.keys.splice(i, 1);
    this.values.splice(i, 1);
    return old;
  }

  clear(): void {
    this.keys = [];
    this.values = [];
  }

  /** Entries with from <= key <= to (either bound may be omitted), ascending. */
  range(from?: string, to?: string): Array<[string, V]> {
    const out: Array<[string, V]> = [];
    const start = from === undefined ? 0 : this.lowerBound(from);
    for (let i = start; i < this.keys.length; i++) {
      const k = this.keys[i]!;
      if (to !== undefined && k > to) break;
      out.push([k, this.values[i]!]);
    }
    return out;
  }

  entries(): Array<[string, V]> {
    return this.range();
  }

  firstKey(): string | undefined {
    return this.keys[0];
  }
}

/** Bytes as a string of char codes 0..255, so string order equals unsigned byte order. */
export function bytesToId(bytes: Uint8Array | null): string {
  return bytes === null ? "" : idOf(bytes);
}

/** {@link bytesToId} of non-null bytes. */
export function idOf(bytes: Uint8Array): string {
  return charsOf(bytes);
}

/** A non-negative integer as a fixed-width string that sorts numerically (up to 2^56). */
export function sortableTime(n: number): string {
  if (n < 0) throw new RangeError(`store times are never negative, got ${n}`);
  return n.toString(16).padStart(14, "0");
}
