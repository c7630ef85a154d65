/**
 * Records packed into one ArrayBuffer for the trip between host and processing worker:
 * structured-cloning a batch of record objects costs far more than the records' bytes, and
 * one transferred buffer moves without a copy. The receiving side reads each record's key,
 * value and header values as views into the buffer it received.
 *
 * Layout (big-endian): u32 string count, then each string as u16 length + UTF-8 (topics and
 * task ids, so records name them by index); u32 group count; per group a u16 task index and
 * u32 record count, then its records.
 */
import type { RecordHeader } from "../../log/record-batch";
import type { TaskBatch, WireInputRecord, WireOutputRecord } from "./protocol";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const KINDS = ["output", "repartition", "changelog"] as const;
const WINDOW_TYPES = ["time", "session", "sliding"] as const;

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
  if (n === 0) return [];
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

/** Partition key the same bytes as the key (the common case): written once. */
const SAME_AS_KEY = -2;

export function packOutputs(records: readonly WireOutputRecord[]): ArrayBuffer {
  const strings = new StringTable();
  let size = 4;
  for (const o of records) {
    strings.of(o.topic);
    strings.of(o.taskId);
    size += 2 + 2 + 1 + 4 + 8 + blobSize(o.key) + blobSize(o.value) + (o.partitionKey === o.key ? 4 : blobSize(o.partitionKey)) + 1 + (o.window ? 17 : 0);
    size += headersSize(o.headers, strings);
  }
  const w = new Writer(strings.bytes + size);
  w.table(strings);
  w.u32(records.length);
  for (const o of records) {
    w.u16(strings.of(o.topic));
    w.u16(strings.of(o.taskId));
    w.u8(KINDS.indexOf(o.kind));
    w.i32(o.partition ?? -1);
    w.f64(o.timestamp);
    w.blob(o.key);
    w.blob(o.value);
    if (o.partitionKey === o.key && o.key !== null) w.i32(SAME_AS_KEY);
    else w.blob(o.partitionKey);
    if (o.window) {
      w.u8(1 + WINDOW_TYPES.indexOf(o.window.type));
      w.f64(o.window.start);
      w.f64(o.window.end);
    } else w.u8(0);
    writeHeaders(w, o.headers, strings);
  }
  return w.buffer;
}

export function unpackOutputs(buffer: ArrayBuffer): WireOutputRecord[] {
  const r = new Reader(buffer);
  const strings = r.table();
  const n = r.u32();
  const out: WireOutputRecord[] = new Array<WireOutputRecord>(n);
  for (let i = 0; i < n; i++) {
    const topic = strings[r.u16()]!;
    const taskId = strings[r.u16()]!;
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
    const headers = readHeaders(r, strings);
    out[i] = { topic, partition: partition < 0 ? undefined : partition, key, value, timestamp, headers, partitionKey, kind, taskId, window };
  }
  return out;
}
