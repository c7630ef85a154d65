/**
 * A map from string keys to values with {@link SortedMap}'s ordered reads, for stores whose
 * traffic is point reads and writes (every aggregate, table and join): entries live in a
 * hash map, and the key order is only put together when an ordered read asks for it. Keys
 * added since the last ordered read are sorted and merged in then; deleted keys are dropped.
 * An ordered read right after a change costs O(n); a put or get costs O(1).
 */
export class HashSortedMap<V> {
  private readonly map = new Map<string, V>();
  /** Ascending; may still hold keys deleted since it was built (skipped on read). */
  private sorted: string[] = [];
  /** Keys added since `sorted` was built, unordered (a key deleted and added again may repeat). */
  private pending: string[] = [];
  /** Deletes since `sorted` was built. */
  private stale = 0;

  get size(): number {
    return this.map.size;
  }

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  set(key: string, value: V): void {
    const added = !this.map.has(key);
    this.map.set(key, value);
    if (added) {
      this.pending.push(key);
      this.compactIfChurned();
    }
  }

  delete(key: string): V | undefined {
    if (!this.map.has(key)) return undefined;
    const old = this.map.get(key);
    this.map.delete(key);
    this.stale++;
    this.compactIfChurned();
    return old;
  }

  clear(): void {
    this.map.clear();
    this.sorted = [];
    this.pending = [];
    this.stale = 0;
  }

  /** Keeps the bookkeeping within a small multiple of the live keys when keys come and go without ordered reads. */
  private compactIfChurned(): void {
    if (this.pending.length + this.stale > 2 * this.map.size + 1024) this.ordered();
  }

  /** The live keys, ascending (JS string order). */
  private ordered(): string[] {
    if (this.pending.length === 0 && this.stale === 0) return this.sorted;
    const added = this.pending.sort();
    const old = this.sorted;
    const out: string[] = [];
    let i = 0;
    let j = 0;
    let last: string | undefined;
    while (i < old.length || j < added.length) {
      let next: string;
      if (j >= added.length || (i < old.length && old[i]! <= added[j]!)) next = old[i++]!;
      else next = added[j++]!;
      if (next === last || !this.map.has(next)) continue;
      out.push(next);
      last = next;
    }
    this.sorted = out;
    this.pending = [];
    this.stale = 0;
    return out;
  }

  /** Entries with from <= key <= to (either bound may be omitted), ascending. */
  range(from?: string, to?: string): Array<[string, V]> {
    const keys = this.ordered();
    let lo = 0;
    if (from !== undefined) {
      let hi = keys.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (keys[mid]! < from) lo = mid + 1;
        else hi = mid;
      }
    }
    const out: Array<[string, V]> = [];
    for (let i = lo; i < keys.length; i++) {
      const k = keys[i]!;
      if (to !== undefined && k > to) break;
      out.push([k, this.map.get(k)!]);
    }
    return out;
  }

  entries(): Array<[string, V]> {
    return this.range();
  }

  firstKey(): string | undefined {
    return this.ordered()[0];
  }
}
