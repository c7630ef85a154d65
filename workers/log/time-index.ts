/**
 * A segment's `.timeindex`: entries of (int64 timestamp, int32 offset relative to the base
 * offset), 12 bytes each, big-endian. Entries only ever grow in timestamp: one is added
 * when the segment's max timestamp so far has grown, pointing at the last offset of the
 * batch that first reached it. Everything before that batch is older, so a lookup of the
 * greatest entry at or below a timestamp gives a safe place to start scanning.
 */
import { KafkaError } from "../protocol/errors";
import { INT32_MAX } from "./offset-index";

export const TIME_INDEX_ENTRY_SIZE = 12;
/** Kafka's RecordBatch.NO_TIMESTAMP. */
export const NO_TIMESTAMP = -1;

export interface TimestampOffset {
  timestamp: number;
  offset: number;
}

const TWO_32 = 4294967296;

export class TimeIndex {
  readonly baseOffset: number;
  readonly maxEntries: number;
  private timestamps: Float64Array;
  private relOffsets: Int32Array;
  private count = 0;

  constructor(baseOffset: number, maxIndexBytes: number) {
    this.baseOffset = baseOffset;
    this.maxEntries = Math.floor(maxIndexBytes / TIME_INDEX_ENTRY_SIZE);
    this.timestamps = new Float64Array(16);
    this.relOffsets = new Int32Array(16);
  }

  /** Read a `.timeindex` back; answers the reason when the bytes cannot be a valid index. */
  static decode(baseOffset: number, bytes: Uint8Array, maxIndexBytes: number): TimeIndex | string {
    if (bytes.length % TIME_INDEX_ENTRY_SIZE !== 0) {
      return `time index of segment ${baseOffset} has ${bytes.length} bytes, not a multiple of ${TIME_INDEX_ENTRY_SIZE}`;
    }
    // The entry appended when a segment is closed may go one past the configured capacity.
    const index = new TimeIndex(baseOffset, Math.max(maxIndexBytes, bytes.length));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let at = 0; at < bytes.length; at += TIME_INDEX_ENTRY_SIZE) {
      const timestamp = view.getInt32(at) * TWO_32 + view.getUint32(at + 4);
      const rel = view.getInt32(at + 8);
      const n = index.count;
      if (rel < 0 || (n > 0 && (timestamp <= index.timestamps[n - 1]! || rel < index.relOffsets[n - 1]!))) {
        return `time index of segment ${baseOffset} is not increasing at entry ${at / TIME_INDEX_ENTRY_SIZE}`;
      }
      index.push(timestamp, rel);
    }
    return index;
  }

  get entries(): number {
    return this.count;
  }

  isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  /** The newest entry, or (NO_TIMESTAMP, baseOffset) when empty. */
  lastEntry(): TimestampOffset {
    return this.count === 0 ? { timestamp: NO_TIMESTAMP, offset: this.baseOffset } : this.entry(this.count - 1);
  }

  entry(i: number): TimestampOffset {
    if (i < 0 || i >= this.count) throw new RangeError(`time index entry ${i} of ${this.count}`);
    return { timestamp: this.timestamps[i]!, offset: this.baseOffset + this.relOffsets[i]! };
  }

  /**
   * Add (timestamp, offset) if the timestamp is newer than the last entry. `skipFullCheck`
   * is for the final entry written when a segment stops being active (Kafka does the same),
   * so a closed segment's largest timestamp is always its last entry.
   */
  maybeAppend(timestamp: number, offset: number, skipFullCheck = false): boolean {
    if (!skipFullCheck && this.isFull()) {
      throw new KafkaError("ILLEGAL_STATE", `time index of segment ${this.baseOffset} is full (${this.count} entries)`);
    }
    if (timestamp < 0 || (this.count > 0 && timestamp <= this.timestamps[this.count - 1]!)) return false;
    const rel = offset - this.baseOffset;
    if (rel < 0 || rel > INT32_MAX) {
      throw new KafkaError("ILLEGAL_STATE", `offset ${offset} does not fit the time index of segment ${this.baseOffset}`);
    }
    if (this.count > 0 && rel < this.relOffsets[this.count - 1]!) {
      throw new KafkaError("ILLEGAL_STATE", `time index of segment ${this.baseOffset}: offset ${offset} is below the last indexed offset ${this.lastEntry().offset}`);
    }
    this.push(timestamp, rel);
    return true;
  }

  /** Greatest entry with timestamp <= target; (NO_TIMESTAMP, baseOffset) when there is none. */
  lookup(target: number): TimestampOffset {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timestamps[mid]! <= target) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? { timestamp: NO_TIMESTAMP, offset: this.baseOffset } : this.entry(found);
  }

  /** Drop the entries with offset >= `offset`. */
  truncateTo(offset: number): void {
    const rel = offset - this.baseOffset;
    while (this.count > 0 && this.relOffsets[this.count - 1]! >= rel) this.count--;
  }

  reset(): void {
    this.count = 0;
  }

  /** File bytes of entries [from, to). */
  encode(from = 0, to = this.count): Uint8Array {
    const out = new Uint8Array((to - from) * TIME_INDEX_ENTRY_SIZE);
    const view = new DataView(out.buffer);
    for (let i = from; i < to; i++) {
      const at = (i - from) * TIME_INDEX_ENTRY_SIZE;
      const ts = this.timestamps[i]!;
      const hi = Math.floor(ts / TWO_32);
      view.setInt32(at, hi);
      view.setUint32(at + 4, ts - hi * TWO_32);
      view.setInt32(at + 8, this.relOffsets[i]!);
    }
    return out;
  }

  private push(timestamp: number, rel: number): void {
    if (this.count === this.timestamps.length) {
      const ts = new Float64Array(this.count * 2);
      ts.set(this.timestamps);
      this.timestamps = ts;
      const rels = new Int32Array(this.count * 2);
      rels.set(this.relOffsets);
      this.relOffsets = rels;
    }
    this.timestamps[this.count] = timestamp;
    this.relOffsets[this.count] = rel;
    this.count++;
  }
}
