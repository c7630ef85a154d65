/**
 * Keys, values and headers as the client API takes and gives them.
 *
 * Going out, KafkaJS accepts a string or a Buffer; here a string (sent as UTF-8) or any
 * Uint8Array (a Node Buffer is one), or null. Coming back, KafkaJS hands out Buffers; here
 * keys, values and header values are {@link MessageBytes}: plain Uint8Arrays whose
 * `toString()` decodes UTF-8, so the `message.value.toString()` of every KafkaJS tutorial
 * prints the text. {@link text} does the same and passes null through.
 */
import type { RecordHeader } from "../log/record-batch";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Bytes received from the broker; `toString()` is their UTF-8 text. */
export class MessageBytes extends Uint8Array {
  /** View `bytes` (no copy) as MessageBytes. */
  static view(bytes: Uint8Array): MessageBytes {
    return bytes instanceof MessageBytes ? bytes : new MessageBytes(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
  }

  override toString(): string {
    return decoder.decode(this);
  }
}

/** What a key or value may be when sending. */
export type MessageData = string | Uint8Array | null | undefined;

/** UTF-8 for strings, the bytes themselves for Uint8Arrays, null for null or undefined. */
export function toBytes(data: MessageData): Uint8Array | null {
  if (data === null || data === undefined) return null;
  if (typeof data === "string") return encoder.encode(data);
  if (data instanceof Uint8Array) return data;
  throw new TypeError(`a key, value or header value must be a string, a Uint8Array or null, got ${typeof data}`);
}

/** The UTF-8 text of received (or any) bytes; null stays null. */
export function text(bytes: Uint8Array | null | undefined): string | null {
  if (bytes === null || bytes === undefined) return null;
  return decoder.decode(bytes);
}

/** Headers when sending, as KafkaJS takes them: a repeated key is an array. */
export type OutgoingHeaders = Record<string, string | Uint8Array | null | undefined | (string | Uint8Array | null)[]>;

/** Headers as received: one value per key, or an array when the key repeats. */
export type IncomingHeaders = Record<string, MessageBytes | null | (MessageBytes | null)[]>;

export function encodeHeaders(headers: OutgoingHeaders | undefined): RecordHeader[] {
  const out: RecordHeader[] = [];
  if (!headers) return out;
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push({ key, value: toBytes(v) });
  }
  return out;
}

export function decodeHeaders(headers: readonly RecordHeader[]): IncomingHeaders {
  // A null-prototype map keeps a header named __proto__ an ordinary entry.
  const out: IncomingHeaders = Object.create(null) as IncomingHeaders;
  for (const h of headers) {
    const value = h.value === null ? null : MessageBytes.view(h.value);
    const seen = out[h.key];
    if (seen === undefined) out[h.key] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else out[h.key] = [seen, value];
  }
  return out;
}
