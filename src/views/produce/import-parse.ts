/**
 * Files to records: CSV (RFC 4180: quoted fields, doubled quotes, newlines inside quotes)
 * with a header row, or JSON Lines. A file shaped like records (a `value` column or field,
 * with optional `key`, `partition`, `timestamp` and `headers`) is taken as such; any other
 * row becomes the value, keyed by the column the user picks.
 */
import type { JsonRecordInput } from "../../engine-client/broker-client";

type Json = JsonRecordInput["value"];

export interface ParsedFile {
  format: "csv" | "jsonl";
  /** Column or field names seen (CSV header, or the union of the first objects' fields). */
  fields: string[];
  rows: Json[];
  /** Problems by line, e.g. "line 4: not JSON". */
  errors: string[];
}

export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && field === "") quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      field = "";
      if (row.length > 1 || row[0] !== "") rows.push(row);
      row = [];
    } else field += ch;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    if (row.length > 1 || row[0] !== "") rows.push(row);
  }
  return rows;
}

/** A CSV cell as JSON: numbers and booleans as such, everything else text. */
function cell(text: string): Json {
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(text)) return Number(text);
  if (text === "true") return true;
  if (text === "false") return false;
  return text;
}

export function parseFile(name: string, text: string): ParsedFile {
  const trimmed = text.trimStart();
  const jsonl = /\.(jsonl|ndjson|json)$/i.test(name) || trimmed.startsWith("{") || trimmed.startsWith("[");
  if (jsonl) {
    const rows: Json[] = [];
    const errors: string[] = [];
    const fields = new Set<string>();
    text.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === "") return;
      try {
        const v = JSON.parse(line) as Json;
        rows.push(v);
        if (v && typeof v === "object" && !Array.isArray(v) && fields.size < 64) for (const k of Object.keys(v)) fields.add(k);
      } catch {
        errors.push(`line ${i + 1}: not JSON`);
      }
    });
    return { format: "jsonl", fields: [...fields], rows, errors };
  }
  const [header, ...body] = parseCsv(text);
  const fields = header ?? [];
  const errors: string[] = [];
  const rows: Json[] = body.map((r, i) => {
    if (r.length !== fields.length) errors.push(`line ${i + 2}: ${r.length} fields, the header has ${fields.length}`);
    const o: Record<string, Json> = {};
    fields.forEach((f, j) => (o[f] = cell(r[j] ?? "")));
    return o;
  });
  return { format: "csv", fields, rows, errors };
}

/** Whether rows already look like records: they carry a `value`. */
export function recordShaped(file: ParsedFile): boolean {
  return file.fields.includes("value");
}

/**
 * Records from parsed rows. Record-shaped rows give their own key, value, partition,
 * timestamp and headers (CSV columns `headers.NAME`); other rows are the value, keyed by
 * `keyField` when given.
 */
export function toRecords(file: ParsedFile, keyField: string | null): JsonRecordInput[] {
  const shaped = recordShaped(file);
  return file.rows.map((row) => {
    const o = row && typeof row === "object" && !Array.isArray(row) ? (row as Record<string, Json>) : null;
    if (shaped && o) {
      const r: JsonRecordInput = { value: o["value"] ?? null };
      if (o["key"] !== undefined && o["key"] !== "") r.key = o["key"];
      if (typeof o["partition"] === "number") r.partition = o["partition"];
      if (typeof o["timestamp"] === "number") r.timestamp = o["timestamp"];
      const headers: Record<string, string> = {};
      if (o["headers"] && typeof o["headers"] === "object" && !Array.isArray(o["headers"])) {
        for (const [k, v] of Object.entries(o["headers"] as Record<string, Json>)) headers[k] = String(v);
      }
      for (const [k, v] of Object.entries(o)) if (k.startsWith("headers.")) headers[k.slice(8)] = String(v);
      if (Object.keys(headers).length > 0) r.headers = headers;
      return r;
    }
    const key = keyField && o && o[keyField] !== undefined ? String(o[keyField]) : undefined;
    return key !== undefined ? { key, value: row } : { value: row };
  });
}
