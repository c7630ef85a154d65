import { KafkaError } from "../protocol/errors";

/**
 * Keys and values of the records on `__consumer_offsets`, byte for byte as Kafka writes them
 * (group-coordinator's OffsetCommitKey / OffsetCommitValue / GroupMetadataKey message specs,
 * serialized by CoordinatorRecordSerde): an int16 version, then the fields. Strings are an
 * int16 length and UTF-8 bytes in the non-flexible versions Kafka writes.
 *
 * The key version tells the record kind: 0 and 1 are offset commits (Kafka writes 1), 2 is
 * group metadata; later versions belong to the KIP-848 consumer groups. A null value is a
 * tombstone: the offset or the group was deleted.
 */

export const OFFSET_COMMIT_KEY_VERSION = 1;
/** Kafka writes value version 3 unless an explicit expire timestamp forces version 1. */
export const OFFSET_COMMIT_VALUE_VERSION = 3;
export const GROUP_METADATA_KEY_VERSION = 2;
/** RecordBatch.NO_PARTITION_LEADER_EPOCH. */
export const NO_LEADER_EPOCH = -1;

export interface OffsetCommitKey {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
}

export interface OffsetCommitValue {
  readonly offset: number;
  readonly leaderEpoch: number;
  readonly metadata: string;
  readonly commitTimestamp: number;
  /** Only in value version 1 (commits that asked for a retention time; gone since Kafka 2.1). */
  readonly expireTimestamp?: number;
}

export type OffsetsTopicKey =
  | ({ readonly kind: "offset-commit"; readonly version: number } & OffsetCommitKey)
  | { readonly kind: "group-metadata"; readonly version: number; readonly group: string }
  | { readonly kind: "other"; readonly version: number };

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

class Writer {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  int16(n: number): this {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setInt16(0, n);
    return this.push(b);
  }

  int32(n: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, n);
    return this.push(b);
  }

  int64(n: number, field: string): this {
    if (!Number.isSafeInteger(n)) throw new KafkaError("INVALID_REQUEST", `${field} must be an integer, got ${n}`);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, BigInt(n));
    return this.push(b);
  }

  string(s: string, field: string): this {
    const bytes = encoder.encode(s);
    if (bytes.length > 0x7fff) throw new KafkaError("INVALID_REQUEST", `${field} is ${bytes.length} bytes; at most 32767 fit`);
    return this.int16(bytes.length).push(bytes);
  }

  private push(b: Uint8Array): this {
    this.parts.push(b);
    this.size += b.length;
    return this;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let pos = 0;
    for (const p of this.parts) {
      out.set(p, pos);
      pos += p.length;
    }
    return out;
  }
}

class Reader {
  private pos = 0;
  private readonly view: DataView;

  constructor(
    private readonly buf: Uint8Array,
    private readonly what: string,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private need(n: number): number {
    if (this.pos + n > this.buf.length) {
      throw new KafkaError("CORRUPT_MESSAGE", `${this.what}: needs ${n} more bytes at position ${this.pos}, only ${this.buf.length - this.pos} left`);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  int16(): number {
    return this.view.getInt16(this.need(2));
  }

  int32(): number {
    return this.view.getInt32(this.need(4));
  }

  int64(): number {
    const at = this.need(8);
    const v = this.view.getBigInt64(at);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new KafkaError("CORRUPT_MESSAGE", `${this.what}: int64 ${v} at position ${at} is out of the supported range`);
    }
    return Number(v);
  }

  unsignedVarint(): number {
    let value = 0;
    for (let shift = 0; shift <= 28; shift += 7) {
      const b = this.buf[this.need(1)]!;
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return value;
    }
    throw new KafkaError("CORRUPT_MESSAGE", `${this.what}: varint longer than 5 bytes at position ${this.pos}`);
  }

  private utf8(length: number): string {
    const at = this.need(length);
    try {
      return decoder.decode(this.buf.subarray(at, at + length));
    } catch {
      throw new KafkaError("CORRUPT_MESSAGE", `${this.what}: string at position ${at} is not valid UTF-8`);
    }
  }

  string(): string {
    const length = this.int16();
    if (length < 0) throw new KafkaError("CORRUPT_MESSAGE", `${this.what}: null where a string is required`);
    return this.utf8(length);
  }

  compactString(): string {
    const lengthPlusOne = this.unsignedVarint();
    if (lengthPlusOne === 0) throw new KafkaError("CORRUPT_MESSAGE", `${this.what}: null where a string is required`);
    return this.utf8(lengthPlusOne - 1);
  }

  /** Tagged fields of flexible versions: none are defined for these records, so they are skipped. */
  skipTaggedFields(): void {
    const count = this.unsignedVarint();
    for (let i = 0; i < count; i++) {
      this.unsignedVarint();
      this.need(this.unsignedVarint());
    }
  }

  end(): void {
    if (this.pos !== this.buf.length) {
      throw new KafkaError("CORRUPT_MESSAGE", `${this.what}: ${this.buf.length - this.pos} unexpected trailing bytes`);
    }
  }
}

export function encodeOffsetCommitKey(key: OffsetCommitKey): Uint8Array {
  if (!Number.isInteger(key.partition) || key.partition < 0 || key.partition > 0x7fffffff) {
    throw new KafkaError("INVALID_REQUEST", `partition of ${key.topic} must be a non-negative int32, got ${key.partition}`);
  }
  return new Writer()
    .int16(OFFSET_COMMIT_KEY_VERSION)
    .string(key.group, "group id")
    .string(key.topic, "topic")
    .int32(key.partition)
    .bytes();
}

export function encodeGroupMetadataKey(group: string): Uint8Array {
  return new Writer().int16(GROUP_METADATA_KEY_VERSION).string(group, "group id").bytes();
}

/** Value version 3: offset, leader epoch, metadata, commit timestamp. */
export function encodeOffsetCommitValue(value: OffsetCommitValue): Uint8Array {
  return new Writer()
    .int16(OFFSET_COMMIT_VALUE_VERSION)
    .int64(value.offset, "committed offset")
    .int32(value.leaderEpoch)
    .string(value.metadata, "offset metadata")
    .int64(value.commitTimestamp, "commit timestamp")
    .bytes();
}

export function decodeOffsetsTopicKey(bytes: Uint8Array): OffsetsTopicKey {
  const r = new Reader(bytes, "__consumer_offsets key");
  const version = r.int16();
  if (version === 0 || version === 1) {
    const group = r.string();
    const topic = r.string();
    const partition = r.int32();
    r.end();
    return { kind: "offset-commit", version, group, topic, partition };
  }
  if (version === 2) {
    const group = r.string();
    r.end();
    return { kind: "group-metadata", version, group };
  }
  return { kind: "other", version };
}

/** Decodes every OffsetCommitValue version Kafka has written (0 to 4). */
export function decodeOffsetCommitValue(bytes: Uint8Array): OffsetCommitValue & { readonly version: number } {
  const r = new Reader(bytes, "__consumer_offsets offset commit value");
  const version = r.int16();
  if (version < 0 || version > 4) throw new KafkaError("CORRUPT_MESSAGE", `unknown offset commit value version ${version}`);
  const flexible = version >= 4;
  const offset = r.int64();
  const leaderEpoch = version >= 3 ? r.int32() : NO_LEADER_EPOCH;
  const metadata = flexible ? r.compactString() : r.string();
  const commitTimestamp = r.int64();
  const expireTimestamp = version === 1 ? r.int64() : undefined;
  if (flexible) r.skipTaggedFields();
  r.end();
  return expireTimestamp === undefined
    ? { version, offset, leaderEpoch, metadata, commitTimestamp }
    : { version, offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp };
}
