/**
 * Records packed into one ArrayBuffer for the trip between host and processing worker:
 * structured-cloning a batch of record objects costs far more than the records' bytes, and
 * one transferred buffer moves without a copy. The receiving side reads each record's key,
 * value and header values as views into the buffer it received.
 *
 * Input layout (big-endian): u32 string count, then each string as u16 length + UTF-8 (topics
 * and task ids, so records name them by index); u32 group count; per group a u16 task index
 * and u32 record count, then its records. Outputs: see OutputPacker below.
 */
import type { RecordHeader } from "../../log/record-batch";
import type { TaskBatch, WindowOfKey, WireInputRecord, WireOutputRecord } from "./protocol";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const KINDS = ["output", "repartition", "changelog"] as const;
const WINDOW_TYPES = ["time", "session", "sliding"] as const;

/**
 * The headers of every record that has none: readers only read them (the runtime copies a
 * record's headers before user code sees them; the host's producer encodes them).
 */
// Not frozen: iterating a frozen array leaves V8's fast path and allocates per element.
const NO_HEADERS: RecordHeader[] = [];

/** Collects strings once and hands out their index. */
class StringTable {
  readonly list: string[] = [];
  readonly encoded: Uint8Array[] = [];
  private readonly index = new Map<string, number>();
  bytes = 4;

  of(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.index.set(s, i);
      this.list.push(s);
      const e = encoder.encode(s);
      this.encoded.push(e);
      this.bytes += 2 + e.length;
    }
    return i;
  }
}

class Writer {
  readonly buffer: ArrayBuffer;
  readonly bytes: Uint8Array;
  readonly view: DataView;
  pos = 0;

  constructor(size: number) {
    this.buffer = new ArrayBuffer(size);
    this.bytes = new Uint8Array(this.buffer);
    this.view = new DataView(this.buffer);
  }

  u8(n: number): void {
    this.view.setUint8(this.pos, n);
    this.pos += 1;
  }
  u16(n: number): void {
    this.view.setUint16(this.pos, n);
    this.pos += 2;
  }
  u32(n: number): void {
    this.view.setUint32(this.pos, n);
    this.pos += 4;
  }
  i32(n: number): void {
    this.view.setInt32(this.pos, n);
    this.pos += 4;
  }
  f64(n: number): void {
    this.view.setFloat64(this.pos, n);
    this.pos += 8;
  }
  /** -1 length for null. */
  blob(b: Uint8Array | null): void {
    if (b === null) {
      this.i32(-1);
      return;
    }
    this.i32(b.length);
    this.bytes.set(b, this.pos);
    this.pos += b.length;
  }
  table(t: StringTable): void {
    this.u32(t.list.length);
    for (const e of t.encoded) {
      this.u16(e.length);
      this.bytes.set(e, this.pos);
      this.pos += e.length;
    }
  }
}

class Reader {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  pos = 0;

  constructor(buffer: ArrayBuffer) {
    this.bytes = new Uint8Array(buffer);
    this.view = new DataView(buffer);
  }

  u8(): number {
    const n = this.view.getUint8(this.pos);
    this.pos += 1;
    return n;
  }
  u16(): number {
    const n = this.view.getUint16(this.pos);
    this.pos += 2;
    return n;
  }
  u32(): number {
    const n = this.view.getUint32(this.pos);
    this.pos += 4;
    return n;
  }
  i32(): number {
    const n = this.view.getInt32(this.pos);
    this.pos += 4;
    return n;
  }
  f64(): number {
    const n = this.view.getFloat64(this.pos);
    this.pos += 8;
    return n;
  }
  blob(): Uint8Array | null {
    const n = this.i32();
    if (n < 0) return null;
    const b = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  table(): string[] {
    const n = this.u32();
    const out: string[] = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const len = this.u16();
      out[i] = decoder.decode(this.bytes.subarray(this.pos, this.pos + len));
      this.pos += len;
    }
    return out;
  }
}

const blobSize = (b: Uint8Array | null): number => 4 + (b === null ? 0 : b.length);

function headersSize(headers: readonly RecordHeader[] | undefined, strings: StringTable): number {
  let n = 2;
  for (const h of headers ?? []) {
    strings.of(h.key);
    n += 2 + blobSize(h.value);
  }
  return n;
}

function writeHeaders(w: Writer, headers: readonly RecordHeader[] | undefined, strings: StringTable): void {
  const list = headers ?? [];
  w.u16(list.length);
  for (const h of list) {
    w.u16(strings.of(h.key));
    w.blob(h.value);
  }
}

function readHeaders(r: Reader, strings: readonly string[]): RecordHeader[] {
  const n = r.u16();
  if (n === 0) return NO_HEADERS;
  const out: RecordHeader[] = [];
  for (let i = 0; i < n; i++) out.push({ key: strings[r.u16()]!, value: r.blob() });
  return out;
}

// ---- input batches ----

export function packBatches(batches: readonly TaskBatch[]): ArrayBuffer {
  const strings = new StringTable();
  let size = 4;
  for (const b of batches) {
    strings.of(b.taskId);
    size += 6;
    for (const r of b.records) {
      strings.of(r.topic);
      size += 2 + 4 + 8 + 8 + blobSize(r.key) + blobSize(r.value) + headersSize(r.headers, strings);
    }
  }
  const w = new Writer(strings.bytes + size);
  w.table(strings);
  w.u32(batches.length);
  for (const b of batches) {
    w.u16(strings.of(b.taskId));
    w.u32(b.records.length);
    for (const r of b.records) {
      w.u16(strings.of(r.topic));
      w.u32(r.partition);
      w.f64(r.offset);
      w.f64(r.timestamp);
      w.blob(r.key);
      w.blob(r.value);
      writeHeaders(w, r.headers, strings);
    }
  }
  return w.buffer;
}

export function unpackBatches(buffer: ArrayBuffer): TaskBatch[] {
  const r = new Reader(buffer);
  const strings = r.table();
  const groups = r.u32();
  const out: TaskBatch[] = [];
  for (let g = 0; g < groups; g++) {
    const taskId = strings[r.u16()]!;
    const n = r.u32();
    const records: WireInputRecord[] = new Array<WireInputRecord>(n);
    for (let i = 0; i < n; i++) {
      records[i] = {
        topic: strings[r.u16()]!,
        partition: r.u32(),
        offset: r.f64(),
        timestamp: r.f64(),
        key: r.blob(),
        value: r.blob(),
        headers: readHeaders(r, strings),
      };
    }
    out.push({ taskId, records });
  }
  return out;
}

// ---- outputs ----
//
// Written as the runtime collects them, so no object is made per output on that side:
// u32 record count, then the records. Strings (topics, task ids, header keys) are named by
// index; an index of NEW_STRING is followed by the string itself (u16 length + UTF-8),
// which takes the next index.

/** Partition key the same bytes as the key (the common case): written once. */
const SAME_AS_KEY = -2;
const NEW_STRING = 0xffff;
const FIRST_CAPACITY = 64 * 1024;

/** What the packer needs of an output (the runtime's collected records and WireOutputRecord both fit). */
export interface PackableOutput {
  readonly topic: string;
  readonly partition?: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly timestamp: number;
  readonly headers: readonly RecordHeader[];
  readonly partitionKey: Uint8Array | null;
  readonly kind: WireOutputRecord["kind"];
  readonly taskId: string;
}

/** Outputs packed one by one into a buffer that grows by doubling; `finish` hands it over. */
export class OutputPacker {
  private buffer = new ArrayBuffer(FIRST_CAPACITY);
  private bytes = new Uint8Array(this.buffer);
  private view = new DataView(this.buffer);
  private pos = 4;
  private count = 0;
  private readonly strings = new Map<string, number>();

  get size(): number {
    return this.count;
  }

  add(o: PackableOutput, window: WindowOfKey | undefined): void {
    const key = o.key;
    const sameKey = o.partitionKey === key && key !== null;
    this.string(o.topic);
    this.string(o.taskId);
    // kind, partition, timestamp, three blobs, window, header count.
    this.reserve(1 + 4 + 8 + 12 + (key?.length ?? 0) + (o.value?.length ?? 0) + (sameKey ? 0 : (o.partitionKey?.length ?? 0)) + 17 + 2);
    const v = this.view;
    v.setUint8(this.pos, KINDS.indexOf(o.kind));
    v.setInt32(this.pos + 1, o.partition ?? -1);
    v.setFloat64(this.pos + 5, o.timestamp);
    this.pos += 13;
    this.blob(key);
    this.blob(o.value);
    if (sameKey) {
      v.setInt32(this.pos, SAME_AS_KEY);
      this.pos += 4;
    } else this.blob(o.partitionKey);
    if (window) {
      v.setUint8(this.pos, 1 + WINDOW_TYPES.indexOf(window.type));
      v.setFloat64(this.pos + 1, window.start);
      v.setFloat64(this.pos + 9, window.end);
      this.pos += 17;
    } else {
      v.setUint8(this.pos, 0);
      this.pos += 1;
    }
    this.view.setUint16(this.pos, o.headers.length);
    this.pos += 2;
    for (const h of o.headers) {
      this.string(h.key);
      this.reserve(4 + (h.value?.length ?? 0));
      this.blob(h.value);
    }
    this.count++;
  }

  /** The packed outputs; the packer is not used afterwards. */
  finish(): ArrayBuffer {
    this.view.setUint32(0, this.count);
    return this.buffer;
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buffer.byteLength) return;
    let capacity = this.buffer.byteLength * 2;
    while (capacity < this.pos + n) capacity *= 2;
    const grown = new ArrayBuffer(capacity);
    const bytes = new Uint8Array(grown);
    bytes.set(this.bytes.subarray(0, this.pos));
    this.buffer = grown;
    this.bytes = bytes;
    this.view = new DataView(grown);
  }

  private string(s: string): void {
    const known = this.strings.get(s);
    if (known !== undefined) {
      this.reserve(2);
      this.view.setUint16(this.pos, known);
      this.pos += 2;
      return;
    }
    const encoded = encoder.encode(s);
    this.reserve(4 + encoded.length);
    // Past 65,535 distinct strings each further one is written out every time.
    if (this.strings.size < NEW_STRING) this.strings.set(s, this.strings.size);
    this.view.setUint16(this.pos, NEW_STRING);
    this.view.setUint16(this.pos + 2, encoded.length);
    this.bytes.set(encoded, this.pos + 4);
    this.pos += 4 + encoded.length;
  }

  private blob(b: Uint8Array | null): void {
    if (b === null) {
      this.view.setInt32(this.pos, -1);
      this.pos += 4;
      return;
    }
    this.view.setInt32(this.pos, b.length);
    this.bytes.set(b, this.pos + 4);
    this.pos += 4 + b.length;
  }
}

export function packOutputs(records: readonly WireOutputRecord[]): ArrayBuffer {
  const packer = new OutputPacker();
  for (const o of records) packer.add(o, o.window);
  return packer.finish();
}

export function unpackOutputs(buffer: ArrayBuffer): WireOutputRecord[] {
  const r = new Reader(buffer);
  const strings: string[] = [];
  const string = (): string => {
    const i = r.u16();
    if (i !== NEW_STRING) return strings[i]!;
    const len = r.u16();
    const s = decoder.decode(r.bytes.subarray(r.pos, r.pos + len));
    r.pos += len;
    strings.push(s);
    return s;
  };
  const n = r.u32();
  const out: WireOutputRecord[] = new Array<WireOutputRecord>(n);
  for (let i = 0; i < n; i++) {
    const topic = string();
    const taskId = string();
    const kind = KINDS[r.u8()]!;
    const partition = r.i32();
    const timestamp = r.f64();
    const key = r.blob();
    const value = r.blob();
    let partitionKey: Uint8Array | null;
    if (r.view.getInt32(r.pos) === SAME_AS_KEY) {
      r.pos += 4;
      partitionKey = key;
    } else partitionKey = r.blob();
    const w = r.u8();
    const window = w === 0 ? undefined : { type: WINDOW_TYPES[w - 1]!, start: r.f64(), end: r.f64() };
    const count = r.u16();
    let headers = NO_HEADERS;
    if (count > 0) {
      headers = [];
      for (let h = 0; h < count; h++) headers.push({ key: string(), value: r.blob() });
    }
    // Producer record fields first: the host hands these objects to its producer as they are.
    out[i] = { key, value, timestamp, headers, partition: partition < 0 ? undefined : partition, topic, partitionKey, kind, taskId, window };
  }
  return out;
}
