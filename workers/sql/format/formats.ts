/**
 * The serialization formats of a ksqlDB source's key or value: JSON, DELIMITED and KAFKA.
 * A format turns a row (column name -> value) into record bytes and back, coercing values
 * to the declared column types the way ksqlDB's serdes do.
 */
import { asciiText, utf8Encode } from "../../streams/bytes";
import { Decimal } from "../decimal";
import { SerializationException } from "../errors";
import { formatType, type SqlType } from "../types";
import { javaDoubleToString, toDecimal, type Row } from "../values";

export interface FormatColumn {
  name: string;
  type: SqlType;
}

export interface RowFormat {
  readonly name: "JSON" | "DELIMITED" | "KAFKA";
  /** NULL row (a tombstone) stays NULL. */
  serialize(topic: string, row: Row | null): Uint8Array | null;
  deserialize(topic: string, bytes: Uint8Array | null): Row | null;
}

export interface FormatOptions {
  /** DELIMITED: one character, or TAB / SPACE. Default ','. */
  delimiter?: string;
  /**
   * JSON with a single column: whether the value is an object holding the column (true,
   * the default) or the bare value.
   */
  wrapSingleValue?: boolean;
}

const decoder = new TextDecoder("utf-8", { fatal: true });
// Short ASCII text converted in JS: a TextEncoder/TextDecoder call costs more than the
// conversion on every record (see streams/bytes.ts).
const encoder = { encode: utf8Encode };

function utf8(bytes: Uint8Array, topic: string, what: string): string {
  const ascii = asciiText(bytes);
  if (ascii !== undefined) return ascii;
  try {
    return decoder.decode(bytes);
  } catch {
    throw new SerializationException(`Failed to deserialize ${what} from topic: ${topic}. Invalid UTF-8 data.`);
  }
}

function base64(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s);
}

function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function jsonKind(v: unknown): string {
  if (typeof v === "string") return "TextNode";
  if (typeof v === "number") return Number.isInteger(v) ? "IntNode" : "DoubleNode";
  if (typeof v === "boolean") return "BooleanNode";
  if (Array.isArray(v)) return "ArrayNode";
  return "ObjectNode";
}

class CoercionError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

function cantConvert(v: unknown, type: SqlType, path: string): never {
  throw new CoercionError(`Can't convert type. sourceType: ${jsonKind(v)}, requiredType: ${formatType(type)}`, path);
}

function cantCoerce(type: SqlType, path: string): never {
  throw new CoercionError(`Can't coerce string to type. targetType: ${formatType(type)}`, path);
}

function integral(v: unknown, type: SqlType, path: string, bits: 32 | 64): number {
  if (typeof v === "number") return bits === 32 ? Math.trunc(v) | 0 : Math.trunc(v);
  if (typeof v === "string") {
    if (!/^[+-]?\d+$/.test(v)) cantCoerce(type, path);
    const n = Number(v);
    if (bits === 32 && (n > 2147483647 || n < -2147483648)) cantCoerce(type, path);
    return n;
  }
  return cantConvert(v, type, path);
}

/** ksqlDB's KsqlJsonDeserializer coercions, with the JSON path of a failure. */
function fromJson(v: unknown, type: SqlType, path: string): unknown {
  if (v === null || v === undefined) return null;
  switch (type.base) {
    case "BOOLEAN":
      return typeof v === "boolean" ? v : cantConvert(v, type, path);
    case "INTEGER":
    case "DATE":
    case "TIME":
      return integral(v, type, path, 32);
    case "BIGINT":
    case "TIMESTAMP":
      return integral(v, type, path, 64);
    case "DOUBLE":
      if (typeof v === "number") return v;
      if (typeof v === "string") {
        if (v === "NaN") return Number.NaN;
        const n = Number(v);
        if (v.trim() === "" || Number.isNaN(n)) cantCoerce(type, path);
        return n;
      }
      return cantConvert(v, type, path);
    case "DECIMAL":
      if (typeof v === "number" || typeof v === "string") {
        let d: Decimal;
        try {
          d = toDecimal(typeof v === "number" ? String(v) : v);
        } catch {
          return cantCoerce(type, path);
        }
        return d.setScale(type.scale, "HALF_UP");
      }
      return cantConvert(v, type, path);
    case "STRING":
      if (typeof v === "string") return v;
      if (Array.isArray(v)) return "[" + v.map((x) => (x === null ? "null" : typeof x === "object" ? JSON.stringify(x) : String(x))).join(", ") + "]";
      if (typeof v === "object") return JSON.stringify(v);
      return typeof v === "number" && !Number.isInteger(v) ? javaDoubleToString(v) : String(v);
    case "BYTES":
      if (typeof v === "string") {
        try {
          return fromBase64(v);
        } catch {
          throw new CoercionError(`Value is not a valid Base64 encoded string: ${v}`, path);
        }
      }
      return cantConvert(v, type, path);
    case "ARRAY":
      if (!Array.isArray(v)) return cantConvert(v, type, path);
      return v.map((x, i) => fromJson(x, type.element, `${path}[${i}]`));
    case "MAP": {
      if (typeof v !== "object" || Array.isArray(v)) return cantConvert(v, type, path);
      const m = new Map<unknown, unknown>();
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        m.set(fromJson(k, type.key, `${path}.${k}.key`), fromJson(x, type.value, `${path}.${k}.value`));
      }
      return m;
    }
    case "STRUCT": {
      if (typeof v !== "object" || Array.isArray(v)) return cantConvert(v, type, path);
      return structFromJson(v as Record<string, unknown>, type.fields, path);
    }
  }
}

/**
 * Fields are matched by exact name first, then case-insensitively: unquoted SQL names are
 * upper case, JSON keys usually are not.
 */
function structFromJson(o: Record<string, unknown>, fields: readonly FormatColumn[], path: string): Record<string, unknown> {
  let upper: Map<string, unknown> | undefined;
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    let v = Object.prototype.hasOwnProperty.call(o, f.name) ? o[f.name] : undefined;
    if (v === undefined) {
      upper ??= new Map(Object.entries(o).map(([k, x]) => [k.toUpperCase(), x]));
      v = upper.get(f.name);
    }
    out[f.name] = fromJson(v, f.type, `${path}.${f.name}`);
  }
  return out;
}

function toJson(v: unknown, type: SqlType): unknown {
  if (v === null || v === undefined) return null;
  switch (type.base) {
    case "DOUBLE":
      // JSON has no NaN or infinities: ksqlDB's serializer writes them as the strings Java prints.
      return Number.isFinite(v) ? v : javaDoubleToString(v as number);
    case "DECIMAL":
      return (v as Decimal).toNumber();
    case "BYTES":
      return base64(v as Uint8Array);
    case "ARRAY":
      return (v as unknown[]).map((x) => toJson(x, type.element));
    case "MAP": {
      const o: Record<string, unknown> = {};
      for (const [k, x] of v as Map<unknown, unknown>) o[String(k)] = toJson(x, type.value);
      return o;
    }
    case "STRUCT": {
      const o: Record<string, unknown> = {};
      for (const f of type.fields) o[f.name] = toJson((v as Record<string, unknown>)[f.name], f.type);
      return o;
    }
    default:
      return v;
  }
}

export function jsonFormat(columns: readonly FormatColumn[], options: FormatOptions = {}): RowFormat {
  const unwrapped = columns.length === 1 && options.wrapSingleValue === false;
  return {
    name: "JSON",
    serialize(_topic, row) {
      if (row === null) return null;
      if (unwrapped) return encoder.encode(JSON.stringify(toJson(row[columns[0]!.name] ?? null, columns[0]!.type)));
      const o: Record<string, unknown> = {};
      for (const c of columns) o[c.name] = toJson(row[c.name] ?? null, c.type);
      return encoder.encode(JSON.stringify(o));
    },
    deserialize(topic, bytes) {
      if (bytes === null) return null;
      let parsed: unknown;
      try {
        parsed = JSON.parse(utf8(bytes, topic, "value"));
      } catch (e) {
        if (e instanceof SerializationException) throw e;
        throw new SerializationException(`Failed to deserialize value from topic: ${topic}. ${(e as Error).message}`);
      }
      try {
        if (unwrapped) return { [columns[0]!.name]: fromJson(parsed, columns[0]!.type, "$") };
        if (parsed === null) return null;
        if (typeof parsed !== "object" || Array.isArray(parsed)) {
          cantConvert(parsed, { base: "STRUCT", fields: columns }, "$");
        }
        return structFromJson(parsed as Record<string, unknown>, columns, "$");
      } catch (e) {
        if (e instanceof CoercionError) throw new SerializationException(`Failed to deserialize value from topic: ${topic}. ${e.message}, path: ${e.path}`);
        throw e;
      }
    },
  };
}

/** VALUE_DELIMITER accepts a single character or the words TAB and SPACE. */
export function delimiterOf(text: string | undefined): string {
  if (text === undefined) return ",";
  const upper = text.toUpperCase();
  if (upper === "TAB") return "\t";
  if (upper === "SPACE") return " ";
  if (text.length !== 1) {
    throw new SerializationException(`Invalid delimiter value: '${text}'. Delimiter must be a single character or TAB or SPACE.`);
  }
  return text;
}

/** One CSV record (RFC 4180 quoting with doubled quotes); an unquoted empty field is NULL. */
export function parseDelimited(line: string, delimiter: string): (string | null)[] {
  const fields: (string | null)[] = [];
  let i = 0;
  const n = line.length;
  let end = n;
  while (end > 0 && (line[end - 1] === "\n" || line[end - 1] === "\r")) end--;
  for (;;) {
    if (line[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        if (i >= end) throw new SerializationException("EOF reached before encapsulated token finished");
        const c = line[i]!;
        if (c === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += c;
        i++;
      }
      if (i < end && line[i] !== delimiter) throw new SerializationException(`Invalid character between encapsulated token and delimiter at position ${i}`);
      fields.push(value);
    } else {
      let j = line.indexOf(delimiter, i);
      if (j < 0 || j > end) j = end;
      const raw = line.slice(i, j);
      fields.push(raw === "" ? null : raw);
      i = j;
    }
    if (i >= end) break;
    i++; // the delimiter
    if (i === end) {
      fields.push(null);
      break;
    }
  }
  return fields;
}

/**
 * Quotes as the minimal mode of commons-csv 1.4, ksqlDB's DELIMITED writer, does for every
 * value (numbers too, by their text): an empty text only as the first field (else the line
 * would read as no field at all); a first field starting with anything but a letter or digit
 * (so a negative number that leads the line is quoted); any field starting with a character
 * up to '#', ending with one up to a space, or holding a delimiter, quote or line break.
 */
function quoteField(s: string, delimiter: string, first: boolean): string {
  let quote: boolean;
  if (s === "") quote = first;
  else {
    const c = s.charCodeAt(0);
    quote =
      (first && !((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a))) ||
      c <= 0x23 ||
      s.charCodeAt(s.length - 1) <= 0x20 ||
      s.includes(delimiter) ||
      s.includes('"') ||
      s.includes("\n") ||
      s.includes("\r");
  }
  return quote ? '"' + s.replace(/"/g, '""') + '"' : s;
}

const DELIMITED_TYPES = new Set(["BOOLEAN", "INTEGER", "BIGINT", "DOUBLE", "DECIMAL", "STRING", "BYTES", "DATE", "TIME", "TIMESTAMP"]);

export function delimitedFormat(columns: readonly FormatColumn[], options: FormatOptions = {}): RowFormat {
  const delimiter = delimiterOf(options.delimiter);
  for (const c of columns) {
    if (!DELIMITED_TYPES.has(c.type.base)) throw new SerializationException(`The 'DELIMITED' format does not support type '${c.type.base}', column: \`${c.name}\``);
  }
  const parse = (s: string, c: FormatColumn, topic: string): unknown => {
    const bad = (): never => {
      throw new SerializationException(`Failed to deserialize value from topic: ${topic}. Could not parse '${s}' as ${formatType(c.type)} for column ${c.name}`);
    };
    switch (c.type.base) {
      case "STRING":
        return s;
      case "BOOLEAN":
        return s.toLowerCase() === "true";
      case "INTEGER":
      case "DATE":
      case "TIME":
      case "BIGINT":
      case "TIMESTAMP": {
        const t = s.trim();
        if (!/^[+-]?\d+$/.test(t)) bad();
        const n = Number(t);
        if ((c.type.base === "INTEGER" || c.type.base === "DATE" || c.type.base === "TIME") && (n > 2147483647 || n < -2147483648)) bad();
        return n;
      }
      case "DOUBLE": {
        const n = Number(s.trim());
        if (s.trim() === "" || Number.isNaN(n)) bad();
        return n;
      }
      case "DECIMAL":
        try {
          return toDecimal(s.trim()).setScale(c.type.scale, "HALF_UP");
        } catch {
          return bad();
        }
      case "BYTES":
        return fromBase64(s);
      default:
        return bad();
    }
  };
  const text = (v: unknown, type: SqlType): string => {
    if (v === null || v === undefined) return "";
    switch (type.base) {
      case "DOUBLE":
        return javaDoubleToString(v as number);
      case "DECIMAL":
        return (v as Decimal).toString();
      case "BYTES":
        return base64(v as Uint8Array);
      default:
        return String(v);
    }
  };
  return {
    name: "DELIMITED",
    serialize(_topic, row) {
      if (row === null) return null;
      const line = columns
        .map((c, i) => {
          const v = row[c.name];
          if (v === null || v === undefined) return "";
          return quoteField(c.type.base === "STRING" ? (v as string) : text(v, c.type), delimiter, i === 0);
        })
        .join(delimiter);
      return encoder.encode(line);
    },
    deserialize(topic, bytes) {
      if (bytes === null) return null;
      const fields = parseDelimited(utf8(bytes, topic, "value"), delimiter);
      if (fields.length !== columns.length) {
        throw new SerializationException(
          `Failed to deserialize value from topic: ${topic}. Unexpected field count, csvFields:${fields.length} schemaFields:${columns.length}`,
        );
      }
      const row: Row = {};
      columns.forEach((c, i) => {
        const f = fields[i]!;
        row[c.name] = f === null ? null : parse(f, c, topic);
      });
      return row;
    },
  };
}

const KAFKA_SIZES: Partial<Record<string, number>> = { INTEGER: 4, BIGINT: 8, DOUBLE: 8 };
const KAFKA_SERDE_NAMES: Record<string, string> = { INTEGER: "Integer", BIGINT: "Long", DOUBLE: "Double" };

/** Kafka's primitive serdes: INT and BIGINT big-endian, DOUBLE IEEE 754, STRING UTF-8, BYTES as is. */
export function kafkaFormat(columns: readonly FormatColumn[]): RowFormat {
  if (columns.length > 1) {
    throw new SerializationException(`The 'KAFKA' format only supports a single field. Got: [${columns.map((c) => `\`${c.name}\` ${formatType(c.type)}`).join(", ")}]`);
  }
  const col = columns[0];
  if (col && !["INTEGER", "BIGINT", "DOUBLE", "STRING", "BYTES"].includes(col.type.base)) {
    throw new SerializationException(`The 'KAFKA' format does not support type '${col.type.base}'`);
  }
  return {
    name: "KAFKA",
    serialize(_topic, row) {
      if (row === null || !col) return null;
      const v = row[col.name];
      if (v === null || v === undefined) return null;
      switch (col.type.base) {
        case "STRING":
          return encoder.encode(v as string);
        case "BYTES":
          return v as Uint8Array;
        default: {
          const out = new Uint8Array(KAFKA_SIZES[col.type.base]!);
          const view = new DataView(out.buffer);
          if (col.type.base === "INTEGER") view.setInt32(0, v as number);
          else if (col.type.base === "BIGINT") view.setBigInt64(0, BigInt(v as number));
          else view.setFloat64(0, v as number);
          return out;
        }
      }
    },
    deserialize(topic, bytes) {
      if (!col) return {};
      if (bytes === null) return null;
      switch (col.type.base) {
        case "STRING":
          return { [col.name]: utf8(bytes, topic, "value") };
        case "BYTES":
          return { [col.name]: bytes };
        default: {
          const size = KAFKA_SIZES[col.type.base]!;
          if (bytes.length !== size) {
            throw new SerializationException(`Failed to deserialize value from topic: ${topic}. Size of data received by ${KAFKA_SERDE_NAMES[col.type.base]}Deserializer is not ${size}`);
          }
          const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
          const v = col.type.base === "INTEGER" ? view.getInt32(0) : col.type.base === "BIGINT" ? Number(view.getBigInt64(0)) : view.getFloat64(0);
          return { [col.name]: v };
        }
      }
    },
  };
}

/** The format named by a VALUE_FORMAT / KEY_FORMAT property. */
export function createFormat(name: string, columns: readonly FormatColumn[], options: FormatOptions = {}): RowFormat {
  switch (name.toUpperCase()) {
    case "JSON":
      return jsonFormat(columns, options);
    case "DELIMITED":
      return delimitedFormat(columns, options);
    case "KAFKA":
      return kafkaFormat(columns);
    default:
      throw new SerializationException(`Unsupported format: ${name}. Supported here: JSON, DELIMITED, KAFKA`);
  }
}


