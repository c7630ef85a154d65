/**
 * Kafka's `describe()` prints store and topic sets with Java's `HashSet.toString()`, so
 * their order is Java's hash-bucket order. These helpers reproduce it for string sets.
 */

/** Java's `String.hashCode()`: s[0]*31^(n-1) + ... + s[n-1], in 32-bit arithmetic. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

function tableSizeFor(cap: number): number {
  let n = 1;
  while (n < cap) n *= 2;
  return n;
}

/**
 * Iteration order of `new HashSet<>(items)` (a copy sized for its contents): by bucket
 * `(h ^ (h >>> 16)) & (tableSize - 1)`, insertion order within a bucket.
 */
export function javaHashSetOrder(items: Iterable<string>): string[] {
  const unique = [...new Set(items)];
  const tableSize = tableSizeFor(Math.max(Math.floor(unique.length / 0.75) + 1, 16));
  const bucketOf = (s: string): number => {
    const h = javaStringHash(s);
    return (h ^ (h >>> 16)) & (tableSize - 1);
  };
  return unique
    .map((s, i) => ({ s, i, b: bucketOf(s) }))
    .sort((a, b) => a.b - b.b || a.i - b.i)
    .map((x) => x.s);
}

/** `[a, b, c]`, as Java's AbstractCollection.toString prints a set. */
export function javaSetString(items: Iterable<string>): string {
  return `[${javaHashSetOrder(items).join(", ")}]`;
}

/**
 * Iteration order of a `HashSet`/`HashMap` filled one element at a time from the default
 * capacity (16, doubling past 3/4 full): by bucket in the final table, insertion order
 * within a bucket (resizes keep the relative order).
 */
export function javaHashMapOrder(items: Iterable<string>): string[] {
  const unique = [...new Set(items)];
  let tableSize = 16;
  while (unique.length > tableSize * 0.75) tableSize *= 2;
  const bucketOf = (s: string): number => {
    const h = javaStringHash(s);
    return (h ^ (h >>> 16)) & (tableSize - 1);
  };
  return unique
    .map((s, i) => ({ s, i, b: bucketOf(s) }))
    .sort((a, b) => a.b - b.b || a.i - b.i)
    .map((x) => x.s);
}

interface TreeEntry<T> {
  key: T;
  left: TreeEntry<T> | null;
  right: TreeEntry<T> | null;
  parent: TreeEntry<T> | null;
  black: boolean;
}

/**
 * Java's `TreeSet` (a red-black tree), insertion and in-order iteration only. Needed
 * because Kafka's describe() keeps nodes in TreeSets whose comparator reads sizes that
 * change after insertion: the printed order depends on the tree's shape at each insert.
 */
export class JavaTreeSet<T> {
  private root: TreeEntry<T> | null = null;

  constructor(private readonly compare: (a: T, b: T) => number) {}

  add(key: T): boolean {
    let t = this.root;
    if (t === null) {
      this.root = { key, left: null, right: null, parent: null, black: true };
      return true;
    }
    let parent: TreeEntry<T>;
    let cmp: number;
    do {
      parent = t;
      cmp = this.compare(key, t.key);
      if (cmp < 0) t = t.left;
      else if (cmp > 0) t = t.right;
      else return false;
    } while (t !== null);
    const e: TreeEntry<T> = { key, left: null, right: null, parent, black: true };
    if (cmp < 0) parent.left = e;
    else parent.right = e;
    this.fixAfterInsertion(e);
    return true;
  }

  toArray(): T[] {
    const out: T[] = [];
    const walk = (n: TreeEntry<T> | null): void => {
      if (!n) return;
      walk(n.left);
      out.push(n.key);
      walk(n.right);
    };
    walk(this.root);
    return out;
  }

  get size(): number {
    return this.toArray().length;
  }

  private rotateLeft(p: TreeEntry<T> | null): void {
    if (!p) return;
    const r = p.right!;
    p.right = r.left;
    if (r.left) r.left.parent = p;
    r.parent = p.parent;
    if (!p.parent) this.root = r;
    else if (p.parent.left === p) p.parent.left = r;
    else p.parent.right = r;
    r.left = p;
    p.parent = r;
  }

  private rotateRight(p: TreeEntry<T> | null): void {
    if (!p) return;
    const l = p.left!;
    p.left = l.right;
    if (l.right) l.right.parent = p;
    l.parent = p.parent;
    if (!p.parent) this.root = l;
    else if (p.parent.right === p) p.parent.right = l;
    else p.parent.left = l;
    l.right = p;
    p.parent = l;
  }

  private fixAfterInsertion(entry: TreeEntry<T>): void {
    const parentOf = (n: TreeEntry<T> | null) => n?.parent ?? null;
    const leftOf = (n: TreeEntry<T> | null) => n?.left ?? null;
    const rightOf = (n: TreeEntry<T> | null) => n?.right ?? null;
    const isBlack = (n: TreeEntry<T> | null) => n === null || n.black;
    const setBlack = (n: TreeEntry<T> | null, black: boolean) => {
      if (n) n.black = black;
    };
    let x: TreeEntry<T> | null = entry;
    x.black = false;
    while (x !== null && x !== this.root && !isBlack(x.parent)) {
      if (parentOf(x) === leftOf(parentOf(parentOf(x)))) {
        const y = rightOf(parentOf(parentOf(x)));
        if (!isBlack(y)) {
          setBlack(parentOf(x), true);
          setBlack(y, true);
          setBlack(parentOf(parentOf(x)), false);
          x = parentOf(parentOf(x));
        } else {
          if (x === rightOf(parentOf(x))) {
            x = parentOf(x);
            this.rotateLeft(x);
          }
          setBlack(parentOf(x), true);
          setBlack(parentOf(parentOf(x)), false);
          this.rotateRight(parentOf(parentOf(x)));
        }
      } else {
        const y = leftOf(parentOf(parentOf(x)));
        if (!isBlack(y)) {
          setBlack(parentOf(x), true);
          setBlack(y, true);
          setBlack(parentOf(parentOf(x)), false);
          x = parentOf(parentOf(x));
        } else {
          if (x === leftOf(parentOf(x))) {
            x = parentOf(x);
            this.rotateRight(x);
          }
          setBlack(parentOf(x), true);
          setBlack(parentOf(parentOf(x)), false);
          this.rotateLeft(parentOf(parentOf(x)));
        }
      }
    }
    this.root!.black = true;
  }
}
