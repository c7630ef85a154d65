/**
 * The cleaner's key → highest-offset map (Kafka's `OffsetMap`), built over the cleanable
 * dirty range only. Kafka hashes keys into a fixed buffer and may fill it part way through
 * the dirty range; here the table grows, so one pass always maps the whole range.
 *
 * Keys stay bytes: an open-addressing table over typed arrays, with each distinct key copied
 * once into an arena and compared byte for byte on a hash match. No string per record and
 * no object per entry, which keeps a million-key pass fast and its memory predictable; and
 * unlike Kafka's digest-only map, two keys can never be taken for one.
 */
import { batchesIn, isControl, lastOffset } from "./record-batch";
import { RecordWalker } from "./record-walker";
import type { CleanedTransactions } from "./cleaned-transactions";

const EMPTY = -1;
const INITIAL_SLOTS = 1024;

/** FNV-1a over the bytes, then murmur3's finalizer so similar keys spread over the table. */
function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

export class OffsetMap {
  private mask = INITIAL_SLOTS - 1;
  /** Per slot: index of the entry in it, or EMPTY. */
  private slots = new Int32Array(INITIAL_SLOTS).fill(EMPTY);
  private hashes = new Int32Array(INITIAL_SLOTS / 2);
  private keyStarts = new Int32Array(INITIAL_SLOTS / 2);
  private keyLengths = new Int32Array(INITIAL_SLOTS / 2);
  private offsets = new Float64Array(INITIAL_SLOTS / 2);
  private count = 0;
  private arena = new Uint8Array(4096);
  private arenaUsed = 0;
  private latest = -1;

  private find(buf: Uint8Array, start: number, end: number, hash: number): number {
    const length = end - start;
    let slot = hash & this.mask;
    for (;;) {
      const entry = this.slots[slot]!;
      if (entry === EMPTY) return -1 - slot;
      if (this.hashes[entry] === hash && this.keyLengths[entry] === length && this.sameKey(entry, buf, start, length)) return entry;
      slot = (slot + 1) & this.mask;
    }
  }

  private sameKey(entry: number, buf: Uint8Array, start: number, length: number): boolean {
    const arena = this.arena;
    const at = this.keyStarts[entry]!;
    for (let i = 0; i < length; i++) if (arena[at + i] !== buf[start + i]) return false;
    return true;
  }

  /** Record that the key `buf[start, end)` was seen at `offset`; offsets arrive in increasing order, so the last put wins. */
  put(buf: Uint8Array, start: number, end: number, offset: number): void {
    if (offset > this.latest) this.latest = offset;
    const hash = hashBytes(buf, start, end);
    const found = this.find(buf, start, end, hash);
    if (found >= 0) {
      this.offsets[found] = offset;
      return;
    }
    const entry = this.count++;
    if (entry >= this.offsets.length) this.growEntries();
    const length = end - start;
    if (this.arenaUsed + length > this.arena.length) {
      const bigger = new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + length));
      bigger.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = bigger;
    }
    this.arena.set(buf.subarray(start, end), this.arenaUsed);
    this.keyStarts[entry] = this.arenaUsed;
    this.keyLengths[entry] = length;
    this.arenaUsed += length;
    this.hashes[entry] = hash;
    this.offsets[entry] = offset;
    this.slots[-1 - found] = entry;
    // Keep the table at most half full so probe runs stay short.
    if (this.count * 2 > this.slots.length) this.rehash();
  }

  /** Highest mapped offset of the key `buf[start, end)`, or -1 when it is not in the map (Kafka's convention). */
  get(buf: Uint8Array, start = 0, end = buf.length): number {
    const found = this.find(buf, start, end, hashBytes(buf, start, end));
    return found >= 0 ? this.offsets[found]! : -1;
  }

  has(key: Uint8Array): boolean {
    return this.get(key) >= 0;
  }

  /** The last offset the map covers: records above it were not considered and are always kept. */
  get latestOffset(): number {
    return this.latest;
  }

  updateLatestOffset(offset: number): void {
    if (offset > this.latest) this.latest = offset;
  }

  /** Distinct keys mapped. */
  get size(): number {
    return this.count;
  }

  /** Every key (a copy of its bytes) with its offset, in first-seen order. */
  *entries(): Generator<[Uint8Array, number]> {
    for (let i = 0; i < this.count; i++) {
      const at = this.keyStarts[i]!;
      yield [this.arena.slice(at, at + this.keyLengths[i]!), this.offsets[i]!];
    }
  }

  private growEntries(): void {
    const n = this.offsets.length * 2;
    const grow = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.hashes = grow(this.hashes, (k) => new Int32Array(k));
    this.keyStarts = grow(this.keyStarts, (k) => new Int32Array(k));
    this.keyLengths = grow(this.keyLengths, (k) => new Int32Array(k));
    this.offsets = grow(this.offsets, (k) => new Float64Array(k));
  }

  private rehash(): void {
    const size = this.slots.length * 2;
    const slots = new Int32Array(size).fill(EMPTY);
    const mask = size - 1;
    for (let entry = 0; entry < this.count; entry++) {
      let slot = this.hashes[entry]! & mask;
      while (slots[slot] !== EMPTY) slot = (slot + 1) & mask;
      slots[slot] = entry;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/** One segment's bytes and where the next segment begins (the segment's exclusive upper bound). */
export interface MappedSegment {
  bytes: Uint8Array;
  nextSegmentStart: number;
}

/**
 * Map every keyed record with offset ≥ `start` in `segments` (which must cover the dirty
 * range in order). Records of aborted transactions are left out, as they will be removed
 * anyway; control batches only advance the transaction bookkeeping. The map's latest offset
 * ends at the last segment's upper bound so that gaps at a segment's end count as mapped.
 */
export function buildOffsetMap(segments: readonly MappedSegment[], start: number, transactions: CleanedTransactions): OffsetMap {
  const map = new OffsetMap();
  const walker = new RecordWalker();
  for (const segment of segments) {
    const buf = segment.bytes;
    for (const { pos, header } of batchesIn(buf)) {
      const last = lastOffset(header);
      if (isControl(header)) {
        transactions.onControlBatchRead(buf, pos, header);
      } else if (!transactions.onBatchRead(header)) {
        if (last >= start) {
          walker.reset(buf, pos, header);
          while (walker.next()) {
            if (walker.keyLength < 0) continue;
            const offset = walker.offset;
            if (offset < start) continue;
            map.put(buf, walker.keyStart, walker.keyStart + walker.keyLength, offset);
          }
        }
      }
      if (last >= start) map.updateLatestOffset(last);
    }
    map.updateLatestOffset(segment.nextSegmentStart - 1);
  }
  return map;
}
