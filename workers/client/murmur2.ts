/**
 * Kafka's murmur2 (`org.apache.kafka.common.utils.Utils.murmur2`): the 32-bit MurmurHash2
 * variant the default partitioner applies to serialized key bytes. The result must match
 * the Java client bit for bit, or records land in other partitions than a real producer's.
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/** The hash as Java computes it: a signed 32-bit integer. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const blocks = length >>> 2;

  for (let i = 0; i < blocks; i++) {
    const p = i << 2;
    // Little-endian block; bytes are unsigned, as `& 0xff` makes them in Java.
    let k = (data[p]! | (data[p + 1]! << 8) | (data[p + 2]! << 16) | (data[p + 3]! << 24)) | 0;
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }

  const tail = blocks << 2;
  const rest = length & 3;
  if (rest === 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) {
    h ^= data[tail]!;
    h = Math.imul(h, M);
  }

  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's `Utils.toPositive`: clears the sign bit. Not Math.abs, which maps differently. */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}
