import { asciiText, readInt64BE, utf8Decode, utf8Encode, writeInt64BE } from "./bytes";
import { StreamsException } from "./errors";
import { SessionWindow, SlidingWindow, TimeWindow, Windowed, type Window } from "./windowed";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: false });
const strictDecoder = new TextDecoder("utf-8", { fatal: true });

/** Turns a value into the bytes of a record field; `null` stays `null` (a tombstone). */
export interface Serializer<T> {
  serialize(topic: string, data: T): Uint8Array | null;
}

export interface Deserializer<T> {
  deserialize(topic: string, data: Uint8Array | null): T;
}

export interface Serde<T> extends Serializer<T>, Deserializer<T> {
  /** Shown in errors and in the topology view. */
  readonly name: string;
  /** Set by the windowed serdes: they write the window themselves. */
  readonly windowed?: boolean;
}

function serde<T>(
  name: string,
  serialize: (data: T, topic: string) => Uint8Array | null,
  deserialize: (data: Uint8Array, topic: string) => T,
): Serde<T> {
  return {
    name,
    serialize: (topic, data) => (data === null || data === undefined ? null : serialize(data, topic)),
    deserialize: (topic, data) => (data === null ? (null as T) : deserialize(data, topic)),
  };
}

function fixedSize(name: string, data: Uint8Array, size: number): DataView {
  if (data.length !== size) {
    throw new StreamsException(`Size of data received by ${name}Deserializer is not ${size}`);
  }
  return new DataView(data.buffer, data.byteOffset, data.byteLength);
}

function checkInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new StreamsException(`${name}Serializer cannot serialize ${JSON.stringify(value)}: not an integer in [${min}, ${max}]`);
  }
  return value;
}

/**
 * The workbench's default serde (SCENARIO.md): a string is its UTF-8 bytes, anything else
 * the UTF-8 of its JSON text; bytes that parse as JSON read back as that value, anything
 * else as a string. A string that looks like JSON ("42") therefore reads back as a number,
 * exactly as the runner prints it.
 */
function jsonOrStringSerialize(data: unknown): Uint8Array {
  if (typeof data === "string") return utf8Encode(data);
  if (data instanceof Uint8Array) return data;
  if (typeof data === "number") return utf8Encode(JSON.stringify(data));
  return jsonBytes(data);
}

/** UTF-8 of a value's JSON text; what has none (a function, a symbol) is no bytes, as TextEncoder made it. */
function jsonBytes(data: unknown): Uint8Array {
  const text = JSON.stringify(data) as string | undefined;
  return text === undefined ? new Uint8Array(0) : utf8Encode(text);
}

export function decodeJsonOrString(data: Uint8Array): unknown {
  // ASCII is valid UTF-8: only other bytes need the strict decoder's verdict.
  let text = asciiText(data);
  if (text === undefined) {
    try {
      text = strictDecoder.decode(data);
    } catch {
      return decoder.decode(data);
    }
  }
  const t = text.trim();
  if (t.length > 0) {
    const c = t[0]!;
    // Only attempt a parse where JSON could start: avoids exceptions on plain words.
    if (c === "{" || c === "[" || c === '"' || c === "-" || (c >= "0" && c <= "9") || t === "true" || t === "false" || t === "null") {
      try {
        return JSON.parse(t) as unknown;
      } catch {
        return text;
      }
    }
  }
  return text;
}

/** The serdes `Serdes.Long()` made: their 8 bytes can be written straight into a larger record. */
const longSerdes = new WeakSet<object>();

/** Whether `serde` is one of `Serdes.Long()`'s, whose bytes {@link writeLongValue} writes in place. */
export function isLongSerde(serde: Serializer<never>): boolean {
  return longSerdes.has(serde);
}

/** What `Serdes.Long()` serializes, written at `pos` (8 bytes), with the same check on the value. */
export function writeLongValue(out: Uint8Array, pos: number, n: unknown): void {
  writeInt64BE(out, pos, checkInteger("Long", n, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER));
}

export const Serdes = {
  /** Kafka's StringSerde: UTF-8. */
  String(): Serde<string> {
    return serde<string>(
      "String",
      (s) => utf8Encode(String(s)),
      (b) => utf8Decode(b),
    );
  },
  /** Kafka's LongSerde: 8 bytes, big-endian two's complement (exact within ±2^53). */
  Long(): Serde<number> {
    const long = serde<number>(
      "Long",
      (n) => {
        const out = new Uint8Array(8);
        writeLongValue(out, 0, n);
        return out;
      },
      (b) => {
        fixedSize("Long", b, 8);
        return readInt64BE(b, 0);
      },
    );
    longSerdes.add(long);
    return long;
  },
  Integer(): Serde<number> {
    return serde<number>(
      "Integer",
      (n) => {
        const v = checkInteger("Integer", n, -2147483648, 2147483647);
        const out = new Uint8Array(4);
        new DataView(out.buffer).setInt32(0, v);
        return out;
      },
      (b) => fixedSize("Integer", b, 4).getInt32(0),
    );
  },
  Double(): Serde<number> {
    return serde<number>(
      "Double",
      (n) => {
        const out = new Uint8Array(8);
        new DataView(out.buffer).setFloat64(0, n);
        return out;
      },
      (b) => fixedSize("Double", b, 8).getFloat64(0),
    );
  },
  ByteArray(): Serde<Uint8Array> {
    return serde<Uint8Array>(
      "ByteArray",
      (b) => b,
      (b) => b,
    );
  },
  /** JSON text for every value, strings included (lossless round trip). */
  Json<T = unknown>(): Serde<T> {
    return serde<T>(
      "Json",
      (v) => jsonBytes(v),
      (b) => JSON.parse(utf8Decode(b)) as T,
    );
  },
  /** The default: strings as UTF-8, other values as JSON; see {@link decodeJsonOrString}. */
  JsonOrString<T = unknown>(): Serde<T> {
    return serde<T>(
      "JsonOrString",
      (v) => jsonOrStringSerialize(v),
      (b) => decodeJsonOrString(b) as T,
    );
  },
};

export const DEFAULT_SERDE: Serde<unknown> = Serdes.JsonOrString();

const writeLong = writeInt64BE;
const readLong = readInt64BE;

/** Which binary layout a windowed key uses on the wire. */
export type WindowKind = "time" | "session";

export function windowKindOf(window: Window): WindowKind {
  return window instanceof SessionWindow ? "session" : "time";
}

/**
 * A windowed key as Kafka Streams writes it: the inner key's bytes followed by the
 * 8-byte big-endian window start (time and sliding windows, `TimeWindowedSerializer`), or
 * by the 8-byte end then the 8-byte start (session windows, `SessionWindowedSerializer`).
 */
export function serializeWindowedKey<K>(inner: Serializer<K>, topic: string, key: Windowed<K>): Uint8Array {
  return windowedKeyBytes(inner.serialize(topic, key.key()), key.window());
}

/** {@link serializeWindowedKey} from the inner key's bytes (null: no bytes). */
export function windowedKeyBytes(innerKey: Uint8Array | null, w: Window): Uint8Array {
  const n = innerKey === null ? 0 : innerKey.length;
  const session = w instanceof SessionWindow;
  const out = new Uint8Array(n + (session ? 16 : 8));
  // A short key is copied by a loop: TypedArray#set costs more than the copy for a few bytes.
  if (n <= 64) for (let i = 0; i < n; i++) out[i] = innerKey![i]!;
  else out.set(innerKey!, 0);
  if (session) {
    writeLong(out, n, w.end());
    writeLong(out, n + 8, w.start());
  } else writeLong(out, n, w.start());
  return out;
}

/** The windowed serdes made here, with the serde of their inner key. */
const windowedInner = new WeakMap<object, Serde<unknown>>();

/**
 * The inner key serde of a windowed serde made by {@link WindowedSerdes}: such a serde writes
 * the inner key's bytes then the window, so a sink can write the inner key itself and partition
 * by it (Kafka's WindowedStreamPartitioner hashes `serializeBaseKey`, the inner key's bytes).
 */
export function windowedInnerSerde(serde: Serializer<never>): Serde<unknown> | undefined {
  return windowedInner.get(serde);
}

function registerWindowed<K>(serde: Serde<Windowed<K>>, inner: Serde<K>): Serde<Windowed<K>> {
  windowedInner.set(serde, inner as Serde<unknown>);
  return serde;
}

/** Kafka's `WindowedSerdes.timeWindowedSerdeFrom` / `sessionWindowedSerdeFrom`. */
export const WindowedSerdes = {
  /** Without a size the end is unknown on the wire; Kafka then reports Long.MAX_VALUE. */
  timeWindowedSerdeFrom<K>(inner: Serde<K>, windowSize = Number.MAX_SAFE_INTEGER): Serde<Windowed<K>> {
    return registerWindowed({
      name: `TimeWindowed<${inner.name}>`,
      windowed: true,
      serialize: (topic, data) => (data === null ? null : serializeWindowedKey(inner, topic, data)),
      deserialize: (topic, data) => {
        if (data === null) return null as unknown as Windowed<K>;
        if (data.length < 8) throw new StreamsException(`time-windowed key of ${data.length} bytes is shorter than its 8-byte window start`);
        const start = readLong(data, data.length - 8);
        const end = windowSize >= Number.MAX_SAFE_INTEGER - start ? Number.MAX_SAFE_INTEGER : start + windowSize;
        return new Windowed(inner.deserialize(topic, data.subarray(0, data.length - 8)), new TimeWindow(start, end));
      },
    }, inner);
  },
  sessionWindowedSerdeFrom<K>(inner: Serde<K>): Serde<Windowed<K>> {
    return registerWindowed({
      name: `SessionWindowed<${inner.name}>`,
      windowed: true,
      serialize: (topic, data) => (data === null ? null : serializeWindowedKey(inner, topic, data)),
      deserialize: (topic, data) => {
        if (data === null) return null as unknown as Windowed<K>;
        if (data.length < 16) throw new StreamsException(`session-windowed key of ${data.length} bytes is shorter than its 16-byte window`);
        const end = readLong(data, data.length - 16);
        const start = readLong(data, data.length - 8);
        return new Windowed(inner.deserialize(topic, data.subarray(0, data.length - 16)), new SessionWindow(start, end));
      },
    }, inner);
  },
  /** Sliding-window results travel like time windows; their inclusive end is start + time difference. */
  slidingWindowedSerdeFrom<K>(inner: Serde<K>, timeDifferenceMs: number): Serde<Windowed<K>> {
    const time = WindowedSerdes.timeWindowedSerdeFrom(inner);
    return registerWindowed({
      name: `SlidingWindowed<${inner.name}>`,
      windowed: true,
      serialize: time.serialize,
      deserialize: (topic, data) => {
        const w = time.deserialize(topic, data);
        if (w === null) return w;
        return new Windowed(w.key(), new SlidingWindow(w.window().start(), w.window().start() + timeDifferenceMs));
      },
    }, inner);
  },
};

export { encoder as utf8Encoder, decoder as utf8Decoder };
