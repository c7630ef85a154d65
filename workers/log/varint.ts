/**
 * Kafka's variable-length integers (protobuf-style ZigZag + base-128), used for every
 * field inside a v2 record. Values are JS numbers: varlongs stay exact for |n| ≤ 2^52 (the
 * ZigZag doubling must stay below 2^53), far
 * beyond any timestamp delta or offset delta a log can hold.
 */

/** Bytes needed for the ZigZag varint of `n` (32- or 64-bit, same rule for safe integers). */
export function sizeOfVarint(n: number): number {
  let v = zigzag(n);
  let bytes = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    bytes++;
  }
  return bytes;
}

function zigzag(n: number): number {
  // (n << 1) ^ (n >> 63) without 32-bit truncation, exact for safe integers.
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

function unzigzag(v: number): number {
  return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
}

/** Write the ZigZag varint of `n` at `pos`; returns the position after it. */
export function writeVarint(buf: Uint8Array, pos: number, n: number): number {
  let v = zigzag(n);
  if (v < 0x80000000) {
    // Fast path: fits in 32 bits, so bit operations are exact.
    while (v >= 0x80) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[pos++] = v;
    return pos;
  }
  while (v >= 128) {
    buf[pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}

/** Result slot for {@link readVarint}, reused to avoid an allocation per field. */
export interface VarintCursor {
  pos: number;
}

/** Read a ZigZag varint at `cursor.pos`, advancing it. Throws on a truncated or over-long varint. */
export function readVarint(buf: Uint8Array, cursor: VarintCursor): number {
  let pos = cursor.pos;
  let result = 0;
  let multiplier = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new RangeError("varint runs past the end of the buffer");
    const b = buf[pos++]!;
    result += (b & 0x7f) * multiplier;
    if ((b & 0x80) === 0) {
      cursor.pos = pos;
      return unzigzag(result);
    }
    multiplier *= 128;
  }
  throw new RangeError("varint is longer than 10 bytes");
}
