/**
 * A segment's `.index`: sparse entries of (int32 offset relative to the segment's base
 * offset, int32 byte position of a batch in the `.log`), 8 bytes each, big-endian, sorted.
 * An entry maps a batch's *last* offset to the position where that batch starts, so the
 * greatest entry at or below an offset gives a position from which a forward scan finds it.
 *
 * Held in memory (typed arrays) and mirrored to the file by the segment: lookups never
 * touch storage, and the file is exactly what Kafka would have written.
 */
import { KafkaError } from "../protocol/errors";

export const OFFSET_INDEX_ENTRY_SIZE = 8;
export const INT32_MAX = 2147483647;

export interface OffsetPosition {
  offset: number;
  position: number;
}

export class OffsetIndex {
  readonly baseOffset: number;
  /** Capacity from segment.index.bytes, rounded down to whole entries as Kafka does. */
  readonly maxEntries: number;
  private relOffsets: Int32Array;
  private positions: Int32Array;
  private count = 0;

  constructor(baseOffset: number, maxIndexBytes: number) {
    this.baseOffset = baseOffset;
    this.maxEntries = Math.floor(maxIndexBytes / OFFSET_INDEX_ENTRY_SIZE);
    this.relOffsets = new Int32Array(16);
    this.positions = new Int32Array(16);
  }

  /**
   * Read an index file's bytes back. Answers the reason instead of an index when the
   * bytes cannot be a valid index (then the segment rebuilds it from its log).
   */
  static decode(baseOffset: number, bytes: Uint8Array, maxIndexBytes: number): OffsetIndex | string {
    if (bytes.length % OFFSET_INDEX_ENTRY_SIZE !== 0) {
      return `offset index of segment ${baseOffset} has ${bytes.length} bytes, not a multiple of ${OFFSET_INDEX_ENTRY_SIZE}`;
    }
    const index = new OffsetIndex(baseOffset, Math.max(maxIndexBytes, bytes.length));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let lastRel = -1;
    let lastPos = -1;
    for (let at = 0; at < bytes.length; at += OFFSET_INDEX_ENTRY_SIZE) {
      const rel = view.getInt32(at);
      const pos = view.getInt32(at + 4);
      if (rel <= lastRel || pos <= lastPos) {
        return `offset index of segment ${baseOffset} is not increasing at entry ${at / OFFSET_INDEX_ENTRY_SIZE}`;
      }
      index.push(rel, pos);
      lastRel = rel;
      lastPos = pos;
    }
    return index;
  }

  get entries(): number {
    return this.count;
  }

  isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  /** The last indexed offset, or the base offset when empty (Kafka's convention). */
  lastOffset(): number {
    return this.count === 0 ? this.baseOffset : this.baseOffset + this.relOffsets[this.count - 1]!;
  }

  lastPosition(): number {
    return this.count === 0 ? 0 : this.positions[this.count - 1]!;
  }

  /** Whether `offset` can be stored relative to the base offset in an int32. */
  canAppendOffset(offset: number): boolean {
    const rel = offset - this.baseOffset;
    return rel >= 0 && rel <= INT32_MAX;
  }

  append(offset: number, position: number): void {
    if (this.isFull()) {
      throw new KafkaError("ILLEGAL_STATE", `offset index of segment ${this.baseOffset} is full (${this.count} entries)`);
    }
    if (!this.canAppendOffset(offset)) {
      throw new KafkaError("ILLEGAL_STATE", `offset ${offset} does not fit the index of segment ${this.baseOffset}`);
    }
    if (this.count > 0 && offset <= this.lastOffset()) {
      throw new KafkaError("ILLEGAL_STATE", `offset index of segment ${this.baseOffset}: offset ${offset} is not above the last indexed offset ${this.lastOffset()}`);
    }
    this.push(offset - this.baseOffset, position);
  }

  entry(i: number): OffsetPosition {
    if (i < 0 || i >= this.count) throw new RangeError(`offset index entry ${i} of ${this.count}`);
    return { offset: this.baseOffset + this.relOffsets[i]!, position: this.positions[i]! };
  }

  /** Greatest entry with offset <= target; (baseOffset, 0) when there is none. */
  lookup(target: number): OffsetPosition {
    const slot = this.slotAtOrBelow(target - this.baseOffset);
    return slot < 0 ? { offset: this.baseOffset, position: 0 } : this.entry(slot);
  }

  /** Drop the entries with offset >= `offset`. */
  truncateTo(offset: number): void {
    const slot = this.slotAtOrBelow(offset - this.baseOffset - 1);
    this.count = slot + 1;
  }

  /** Drop the entries whose position is >= `position` (the log was cut there). */
  truncateToPosition(position: number): void {
    while (this.count > 0 && this.positions[this.count - 1]! >= position) this.count--;
  }

  reset(): void {
    this.count = 0;
  }

  /** File bytes of entries [from, to). */
  encode(from = 0, to = this.count): Uint8Array {
    const out = new Uint8Array((to - from) * OFFSET_INDEX_ENTRY_SIZE);
    const view = new DataView(out.buffer);
    for (let i = from; i < to; i++) {
      const at = (i - from) * OFFSET_INDEX_ENTRY_SIZE;
      view.setInt32(at, this.relOffsets[i]!);
      view.setInt32(at + 4, this.positions[i]!);
    }
    return out;
  }

  private push(rel: number, position: number): void {
    if (this.count === this.relOffsets.length) {
      const grow = (a: Int32Array): Int32Array => {
        const next = new Int32Array(a.length * 2);
        next.set(a);
        return next;
      };
      this.relOffsets = grow(this.relOffsets);
      this.positions = grow(this.positions);
    }
    this.relOffsets[this.count] = rel;
    this.positions[this.count] = position;
    this.count++;
  }

  /** Index of the greatest entry with relative offset <= rel, or -1. */
  private slotAtOrBelow(rel: number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.relOffsets[mid]! <= rel) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
}
