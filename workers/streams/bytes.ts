/**
 * Byte helpers on the hot path: 64-bit big-endian integers without BigInt (exact within
 * ±2^53, the range of timestamps and offsets), and UTF-8 conversion that keeps short ASCII
 * text out of TextEncoder/TextDecoder calls.
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
const decoder = new TextDecoder("utf-8", { fatal: false });

/**
 * Up to this length, pure-ASCII text is converted in JS: a TextEncoder or TextDecoder call
 * costs far more than the conversion itself for short text (measured in a Chromium worker:
 * 2-4 µs per encode call, 0.2-1 µs per decode call, against ~0.05 µs for a 10-byte key in JS).
 */
const SHORT_TEXT = 512;

/**
 * UTF-8 bytes of a string, the same as `TextEncoder.encode`: short ASCII text is written
 * directly, anything else goes to the platform encoder (which also handles surrogates).
 */
export function utf8Encode(s: string): Uint8Array {
  const n = s.length;
  if (n > SHORT_TEXT) return encoder.encode(s);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return encoder.encode(s);
    out[i] = c;
  }
  return out;
}

/** Whether every byte is below 0x80, i.e. the bytes are ASCII and decode one char each. */
function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return false;
  return true;
}

const fromCharCode = String.fromCharCode;

/** Up to this length a string is built by one String.fromCharCode call with the bytes as its arguments. */
const DIRECT_CHARS = 16;

/**
 * Up to {@link DIRECT_CHARS} bytes as one String.fromCharCode call per length: the typical
 * key or short value costs a call with its bytes as arguments, with no array to fill and
 * no apply (measured at about two thirds of the apply path in Node and Chromium).
 */
function directChars(b: Uint8Array, n: number): string {
  switch (n) {
    case 0:
      return "";
    case 1:
      return fromCharCode(b[0]!);
    case 2:
      return fromCharCode(b[0]!, b[1]!);
    case 3:
      return fromCharCode(b[0]!, b[1]!, b[2]!);
    case 4:
      return fromCharCode(b[0]!, b[1]!, b[2]!, b[3]!);
    case 5:
      return fromCharCode(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!);
    case 6:
      return fromCharCode(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!);
    case 7:
      return fromCharCode(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!);
    case 8:
      return fromCharCode(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!);
    case 9:
      return fromCharCode(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!);
    case 10:
      return fromCharCode(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!);
    case 11:
      return fromCharCode(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!);
    case 12:
      return fromCharCode(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!);
    case 13:
      return fromCharCode(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!);
    case 14:
      return fromCharCode(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!);
    case 15:
      return fromCharCode(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!);
    case 16:
      return fromCharCode(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!, b[11]!, b[12]!, b[13]!, b[14]!, b[15]!);
    default:
      throw new RangeError(`directChars takes at most ${DIRECT_CHARS} bytes, got ${n}`);
  }
}

/**
 * One plain array per length up to 64, reused to pass bytes to String.fromCharCode: applying
 * it to a typed array goes through a runtime conversion that allocates a list per call.
 */
const CHAR_ARGS: number[][] = Array.from({ length: 65 }, (_, n) => new Array<number>(n).fill(0));

/** A string whose char codes are the bytes (0..255): ASCII text, or a byte-ordered id. */
export function charsOf(bytes: Uint8Array): string {
  const n = bytes.length;
  if (n <= DIRECT_CHARS) return directChars(bytes, n);
  if (n <= 64) {
    const args = CHAR_ARGS[n]!;
    for (let i = 0; i < n; i++) args[i] = bytes[i]!;
    return String.fromCharCode.apply(null, args);
  }
  let s = "";
  for (let i = 0; i < n; i += 4096) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096) as unknown as number[]);
  return s;
}

/** Short ASCII bytes as a string; `undefined` when they are long or not ASCII (decode them properly). */
export function asciiText(bytes: Uint8Array): string | undefined {
  const n = bytes.length;
  if (n <= DIRECT_CHARS) {
    let any = 0;
    for (let i = 0; i < n; i++) any |= bytes[i]!;
    return any < 0x80 ? directChars(bytes, n) : undefined;
  }
  if (n > SHORT_TEXT || !isAscii(bytes)) return undefined;
  return charsOf(bytes);
}

/**
 * The same as `new TextDecoder().decode(bytes)` (invalid sequences become U+FFFD, a BOM is
 * dropped): short ASCII is converted in JS, anything else by the platform decoder.
 */
export function utf8Decode(bytes: Uint8Array): string {
  return asciiText(bytes) ?? decoder.decode(bytes);
}

/**
 * UTF-8 bytes of a string, as {@link utf8Encode}. A cache of recent strings used to sit
 * here; with short ASCII converted in JS a cache probe costs more than the conversion, and
 * with many distinct keys or values it mostly missed, so every call returns a fresh array.
 */
export function utf8Cached(s: string): Uint8Array {
  return utf8Encode(s);
}
