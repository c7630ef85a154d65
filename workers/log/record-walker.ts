/**
 * A cursor over the records of one uncompressed v2 batch that reads only what the cleaner
 * needs (offset, key and value positions) and allocates nothing per record. The cleaner
 * walks every record of a compacted partition twice per pass, so decoding each one into an
 * object (as `decodeRecords` does for fetches) would dominate the cost of a pass.
 *
 * Record layout (all lengths and deltas are ZigZag varints):
 *   length | attributes i8 | timestampDelta | offsetDelta | keyLength | key | valueLength | value | headers…
 */
import { KafkaError } from "../protocol/errors";
import { BATCH_HEADER_SIZE, LOG_OVERHEAD, type BatchHeader } from "./record-batch";
import { readVarint, type VarintCursor } from "./varint";

export class RecordWalker {
  /** Position of the record's length varint. */
  start = 0;
  /** Position just after the record. */
  end = 0;
  /** Position just after the timestampDelta varint: from here to `end` a record's bytes do not depend on the batch's base timestamp. */
  afterTimestamp = 0;
  timestampDelta = 0;
  offsetDelta = 0;
  /** Start of the key bytes; meaningless when keyLength is -1. */
  keyStart = 0;
  /** -1 for a null key. */
  keyLength = -1;
  /** -1 for a null value (a tombstone when the key is set). */
  valueLength = -1;

  private buf: Uint8Array = new Uint8Array(0);
  private batchEnd = 0;
  private remaining = 0;
  private baseOffset = 0;
  private readonly cursor: VarintCursor = { pos: 0 };

  /** Point the walker at the batch at `pos` whose header is `header`. */
  reset(buf: Uint8Array, pos: number, header: BatchHeader): this {
    if ((header.attributes & 0x07) !== 0) {
      throw new KafkaError("CORRUPT_MESSAGE", `batch at offset ${header.baseOffset} is compressed; only uncompressed batches can be cleaned`);
    }
    this.buf = buf;
    this.batchEnd = pos + header.batchLength + LOG_OVERHEAD;
    this.remaining = header.recordsCount;
    this.baseOffset = header.baseOffset;
    this.cursor.pos = pos + BATCH_HEADER_SIZE;
    return this;
  }

  /** Absolute offset of the current record. */
  get offset(): number {
    return this.baseOffset + this.offsetDelta;
  }

  /** Advance to the next record; false when the batch has no more. */
  next(): boolean {
    if (this.remaining === 0) return false;
    this.remaining--;
    const buf = this.buf;
    const cursor = this.cursor;
    this.start = cursor.pos;
    const length = readVarint(buf, cursor);
    const end = cursor.pos + length;
    if (length <= 0 || end > this.batchEnd) {
      throw new KafkaError("CORRUPT_MESSAGE", `record at byte ${this.start} of the batch at offset ${this.baseOffset} runs past its batch`);
    }
    cursor.pos += 1; // attributes, unused in v2
    this.timestampDelta = readVarint(buf, cursor);
    this.afterTimestamp = cursor.pos;
    this.offsetDelta = readVarint(buf, cursor);
    this.keyLength = readVarint(buf, cursor);
    this.keyStart = cursor.pos;
    if (this.keyLength > 0) cursor.pos += this.keyLength;
    this.valueLength = readVarint(buf, cursor);
    this.end = end;
    cursor.pos = end;
    return true;
  }
}
