/**
 * PRINT topic: records as ksqlDB's PRINT shows them, after naming the key and value formats
 * it recognised: `rowtime: 2018/04/04 12:54:16.703 Z, key: 31, value: {...}, partition: 0`.
 * Like ksqlDB it guesses each part's format from the bytes (JSON, KAFKA_STRING, KAFKA_INT,
 * KAFKA_BIGINT); windowed keys print as `[key@start/end]`.
 */
import type { StoredRecord, WindowedKeyFormat } from "../../engine/engine-port";
import { splitWindowedKey } from "../../streams/runtime/key-formats";
import { readInt64BE } from "../../streams/bytes";

const strict = new TextDecoder("utf-8", { fatal: true });

type Guess = "JSON" | "KAFKA_STRING" | "KAFKA_INT" | "KAFKA_BIGINT" | "KAFKA_DOUBLE";

function pad(n: number, w = 2): string {
  return String(n).padStart(w, "0");
}

/** `yyyy/MM/dd HH:mm:ss.SSS Z` in UTC. */
export function printTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)} Z`;
}

function printable(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return true;
}

function guess(bytes: Uint8Array): Guess {
  let text: string | undefined;
  try {
    text = strict.decode(bytes);
  } catch {
    text = undefined;
  }
  if (text !== undefined && printable(text)) {
    try {
      const v = JSON.parse(text) as unknown;
      if (typeof v === "object" && v !== null) return "JSON";
    } catch {
      // plain text
    }
    return "KAFKA_STRING";
  }
  if (bytes.length === 4) return "KAFKA_INT";
  if (bytes.length === 8) return "KAFKA_BIGINT";
  return "KAFKA_STRING";
}

function show(bytes: Uint8Array | null, g: Guess): string {
  if (bytes === null) return "<null>";
  switch (g) {
    case "KAFKA_INT":
      return String(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(0));
    case "KAFKA_BIGINT":
      return String(readInt64BE(bytes, 0));
    case "KAFKA_DOUBLE":
      return String(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getFloat64(0));
    default:
      try {
        return strict.decode(bytes);
      } catch {
        return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
      }
  }
}

export interface PrintOptions {
  windowed?: WindowedKeyFormat | undefined;
  limit?: number | undefined;
  /** Print every n-th record (INTERVAL / SAMPLE). */
  interval?: number | undefined;
}

export function formatPrint(records: readonly StoredRecord[], options: PrintOptions = {}): { lines: string[]; keyFormat: string; valueFormat: string } {
  const every = Math.max(1, options.interval ?? 1);
  const chosen = records.filter((_, i) => i % every === 0).slice(0, options.limit ?? Number.MAX_SAFE_INTEGER);
  const split = (r: StoredRecord) => (options.windowed && r.key !== null ? splitWindowedKey(r.key, options.windowed) : undefined);
  const firstKey = chosen.map((r) => split(r)?.key ?? r.key).find((k) => k !== null && k.length > 0);
  const firstValue = chosen.map((r) => r.value).find((v) => v !== null && v.length > 0);
  const keyGuess: Guess = firstKey ? guess(firstKey) : "KAFKA_STRING";
  const valueGuess: Guess = firstValue ? guess(firstValue) : "KAFKA_STRING";
  const lines = chosen.map((r) => {
    const w = split(r);
    const key = w ? `[${show(w.key, keyGuess)}@${w.start}/${w.end}]` : show(r.key, keyGuess);
    return `rowtime: ${printTime(r.timestamp)}, key: ${key}, value: ${show(r.value, valueGuess)}, partition: ${r.partition}`;
  });
  const keyFormat = firstKey ? (options.windowed ? `${options.windowed.type === "session" ? "SESSION" : "TUMBLING"}(${keyGuess})` : keyGuess) : "¯\\_(ツ)_/¯ - no data processed";
  const valueFormat = firstValue ? valueGuess : "¯\\_(ツ)_/¯ - no data processed";
  return { lines, keyFormat, valueFormat };
}
