import type { RecordHeader } from "../log/record-batch";

export type { RecordHeader };

const utf8 = new TextEncoder();

/** Kafka's record headers: an ordered multimap from string keys to byte values. */
export class Headers {
  private readonly list: RecordHeader[];

  constructor(headers?: Iterable<RecordHeader>) {
    // A copy either way; slicing an array skips the iterator protocol, and no headers is one
    // new empty list rather than a default argument copied into a second (every record makes one).
    this.list = headers === undefined ? [] : Array.isArray(headers) ? (headers as RecordHeader[]).slice() : [...headers];
  }

  add(key: string, value: Uint8Array | string | null): this {
    this.list.push({ key, value: typeof value === "string" ? utf8.encode(value) : value });
    return this;
  }

  remove(key: string): this {
    for (let i = this.list.length - 1; i >= 0; i--) if (this.list[i]!.key === key) this.list.splice(i, 1);
    return this;
  }

  lastHeader(key: string): RecordHeader | undefined {
    for (let i = this.list.length - 1; i >= 0; i--) if (this.list[i]!.key === key) return this.list[i];
    return undefined;
  }

  headers(key: string): RecordHeader[] {
    return this.list.filter((h) => h.key === key);
  }

  toArray(): RecordHeader[] {
    return this.list.length === 0 ? [] : this.list.slice();
  }

  get size(): number {
    return this.list.length;
  }

  copy(): Headers {
    return new Headers(this.list);
  }
}

/**
 * One record inside a topology (Processor API v2 `Record`): key, value, timestamp and
 * headers. Immutable; the `with*` methods return a copy. Accessors are methods, as in
 * Kafka (`record.key()`), so Processor API code translates line by line.
 */
export class Record<K, V> {
  private readonly h: Headers;

  constructor(
    private readonly k: K,
    private readonly v: V,
    private readonly ts: number,
    headers?: Headers | Iterable<RecordHeader>,
  ) {
    if (ts < 0) throw new RangeError(`Timestamp field must not be negative, got ${ts}`);
    this.h = headers instanceof Headers ? headers : new Headers(headers);
  }

  key(): K {
    return this.k;
  }

  value(): V {
    return this.v;
  }

  timestamp(): number {
    return this.ts;
  }

  headers(): Headers {
    return this.h;
  }

  withKey<NK>(key: NK): Record<NK, V> {
    return new Record(key, this.v, this.ts, this.h);
  }

  withValue<NV>(value: NV): Record<K, NV> {
    return new Record(this.k, value, this.ts, this.h);
  }

  withTimestamp(timestamp: number): Record<K, V> {
    return new Record(this.k, this.v, timestamp, this.h);
  }

  withHeaders(headers: Headers | Iterable<RecordHeader>): Record<K, V> {
    return new Record(this.k, this.v, this.ts, headers);
  }
}
