/**
 * Byte helpers on the hot path: 64-bit big-endian integers without BigInt (exact within
 * ±2^53, the range of timestamps and offsets), and cached UTF-8 encodings, since the same
 * keys are serialized many times per record (store reads and writes, changelog, sink).
 */

const TWO_32 = 4294967296;

export function writeInt64BE(out: Uint8Array, pos: number, n: number): void {
  const hi = Math.floor(n / TWO_32);
  const lo = n - hi * TWO_32;
  out[pos] = (hi >>> 24) & 0xff;
  out[pos + 1] = (hi >>> 16) & 0xff;
  out[pos + 2] = (hi >>> 8) & 0xff;
  out[pos + 3] = hi & 0xff;
  out[pos + 4] = (lo >>> 24) & 0xff;
  out[pos + 5] = (lo >>> 16) & 0xff;
  out[pos + 6] = (lo >>> 8) & 0xff;
  out[pos + 7] = lo & 0xff;
}

export function readInt64BE(data: Uint8Array, pos: number): number {
  const hi = ((data[pos]! << 24) | (data[pos + 1]! << 16) | (data[pos + 2]! << 8) | data[pos + 3]!) | 0;
  const lo = ((data[pos + 4]! << 24) | (data[pos + 5]! << 16) | (data[pos + 6]! << 8) | data[pos + 7]!) >>> 0;
  return hi * TWO_32 + lo;
}

const encoder = new TextEncoder();
const CACHE_LIMIT = 4096;
let cache = new Map<string, Uint8Array>();

/**
 * UTF-8 bytes of a string, cached for short strings (keys repeat). The returned array is
 * shared: callers copy it (`set`) or hand it on, and never write into it.
 */
export function utf8Cached(s: string): Uint8Array {
  if (s.length > 64) return encoder.encode(s);
  let b = cache.get(s);
  if (b === undefined) {
    b = encoder.encode(s);
    if (cache.size >= CACHE_LIMIT) cache = new Map();
    cache.set(s, b);
  }
  return b;
}
