/** Marks a removed entry: probing goes on past it. */
const REMOVED: object = Object.freeze({});

const MIN_CAPACITY = 16;

/** FNV-1a over the UTF-16 code units, folded to a non-negative small integer (an Smi in every V8 build). */
function hashOf(key: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 2) & 0x3fffffff;
}

/**
 * A hash map from strings to values for lookups by strings made fresh per record (a key
 * decoded from its bytes). One flat array holds [hash, key, value] per entry with open
 * addressing: a lookup reads one run of that array, then the stored key to compare, where
 * a Map reads its bucket array, then its entry, then the key. With thousands of keys
 * visited at random those reads miss the cache, so one fewer is the point.
 */
export class StringMap<V> {
  private cells: unknown[];
  private mask: number;
  private live = 0;
  /** Live entries plus removed ones still in the table. */
  private used = 0;

  constructor(capacity = MIN_CAPACITY) {
    let cap = MIN_CAPACITY;
    while (cap < capacity) cap *= 2;
    this.mask = cap - 1;
    this.cells = StringMap.emptyCells(cap);
  }

  private static emptyCells(cap: number): unknown[] {
    // Pushed rather than preallocated: a packed array, whose reads need no hole checks.
    const cells: unknown[] = [];
    for (let i = 0; i < cap; i++) cells.push(0, undefined, undefined);
    return cells;
  }

  get size(): number {
    return this.live;
  }

  get(key: string): V | undefined {
    const cells = this.cells;
    const mask = this.mask;
    const h = hashOf(key);
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const at = i * 3;
      const k = cells[at + 1];
      if (k === undefined) return undefined;
      if (cells[at] === h && k === key) return cells[at + 2] as V;
    }
  }

  set(key: string, value: V): void {
    const cells = this.cells;
    const mask = this.mask;
    const h = hashOf(key);
    let free = -1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const at = i * 3;
      const k = cells[at + 1];
      if (k === undefined) {
        if (free < 0) free = at;
        break;
      }
      if (k === REMOVED) {
        if (free < 0) free = at;
      } else if (cells[at] === h && k === key) {
        cells[at + 2] = value;
        return;
      }
    }
    if (cells[free + 1] === undefined) this.used++;
    cells[free] = h;
    cells[free + 1] = key;
    cells[free + 2] = value;
    this.live++;
    if (this.used * 2 > this.mask + 1) this.rehash();
  }

  delete(key: string): boolean {
    const cells = this.cells;
    const mask = this.mask;
    const h = hashOf(key);
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const at = i * 3;
      const k = cells[at + 1];
      if (k === undefined) return false;
      if (cells[at] === h && k === key) {
        cells[at + 1] = REMOVED;
        cells[at + 2] = undefined;
        this.live--;
        return true;
      }
    }
  }

  /** Rebuilds the table sized for the live entries, dropping removed ones. */
  private rehash(): void {
    const old = this.cells;
    let cap = MIN_CAPACITY;
    while (cap < this.live * 4) cap *= 2;
    const cells = StringMap.emptyCells(cap);
    const mask = cap - 1;
    for (let at = 0; at < old.length; at += 3) {
      const k = old[at + 1];
      if (k === undefined || k === REMOVED) continue;
      const h = old[at] as number;
      let i = h & mask;
      while (cells[i * 3 + 1] !== undefined) i = (i + 1) & mask;
      cells[i * 3] = h;
      cells[i * 3 + 1] = k;
      cells[i * 3 + 2] = old[at + 2];
    }
    this.cells = cells;
    this.mask = mask;
    this.used = this.live;
  }
}
