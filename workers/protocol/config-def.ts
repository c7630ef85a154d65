/**
 * The small machinery behind every config vocabulary (topic, producer, consumer, streams):
 * a typed definition per Kafka config name with its default, the rule a value must follow,
 * a parser that accepts what Kafka accepts (numbers or their text, "true"/"false", comma
 * lists) and a formatter that prints values the way `kafka-configs --describe` does.
 *
 * Kafka's ConfigDef works the same way; the definitions live with their vocabulary
 * (topic-config.ts, client-config.ts), this file only parses, checks and names things.
 */
import { KafkaError } from "./errors";

/** A config value as written in a scenario, a dialog or a client's properties. */
export type RawConfigValue = string | number | boolean | null;
export type RawConfig = Readonly<Record<string, RawConfigValue>>;

export type ConfigType = "int" | "long" | "double" | "boolean" | "string" | "list";

export const INT_MIN = -2147483648;
export const INT_MAX = 2147483647;
/**
 * Kafka's Long.MAX_VALUE ("never") as a JS number. Numbers hold exact integers only up to
 * 2^53 - 1 (about 285,000 years in milliseconds), so every long above that is read as this
 * sentinel; the formatter prints it back as Kafka's 9223372036854775807.
 */
export const LONG_MAX = Number.MAX_SAFE_INTEGER;
export const LONG_MIN = Number.MIN_SAFE_INTEGER;
const LONG_MAX_TEXT = "9223372036854775807";
const LONG_MIN_TEXT = "-9223372036854775808";
const LONG_MAX_BIG = 9223372036854775807n;
const LONG_MIN_BIG = -9223372036854775808n;

/** Thrown by a parser; the resolver adds which config, whose, and the value. */
export class InvalidConfigValue extends Error {
  constructor(readonly expected: string) {
    super(expected);
    this.name = "InvalidConfigValue";
  }
}

export interface ConfigKey<T> {
  readonly name: string;
  readonly type: ConfigType;
  readonly default: T;
  /** The rule in words, completing "expected …": "an integer ≥ 14", "one of CreateTime, LogAppendTime". */
  readonly valid: string;
  /** Plain-English explanation shown beside the field. */
  readonly doc: string;
  /** Bounds and choices for form fields. */
  readonly min?: number;
  readonly max?: number;
  readonly values?: readonly string[];
  parse(raw: RawConfigValue): T;
  /** The value as Kafka's describe prints it (null for an unset optional string). */
  format(value: T): string | null;
}

// ---------------------------------------------------------------------------------------
// Parsers

const INTEGER_TEXT = /^[+-]?\d+$/;
const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function rangeText(kind: string, min: number | undefined, max: number | undefined, fmt: (n: number) => string): string {
  if (min !== undefined && max !== undefined) return `${kind} between ${fmt(min)} and ${fmt(max)}`;
  if (min !== undefined) return `${kind} ≥ ${fmt(min)}`;
  if (max !== undefined) return `${kind} ≤ ${fmt(max)}`;
  return kind;
}

function formatLong(n: number): string {
  if (n >= LONG_MAX) return LONG_MAX_TEXT;
  if (n <= LONG_MIN) return LONG_MIN_TEXT;
  return String(n);
}

/** Reads an integer within [lo, hi] (JS numbers), clamping longs beyond 2^53 to the sentinels. */
function readInteger(raw: RawConfigValue, long: boolean, expected: string): number {
  if (typeof raw === "number") {
    if (!Number.isInteger(raw)) throw new InvalidConfigValue(expected);
    if (!long) {
      if (raw < INT_MIN || raw > INT_MAX) throw new InvalidConfigValue(expected);
      return raw;
    }
    // A JSON number such as 9223372036854775807 arrives rounded up to 2^63.
    if (raw > 2 ** 63 || raw < -(2 ** 63)) throw new InvalidConfigValue(expected);
    return Math.min(LONG_MAX, Math.max(LONG_MIN, raw));
  }
  if (typeof raw !== "string") throw new InvalidConfigValue(expected);
  const text = raw.trim();
  if (!INTEGER_TEXT.test(text)) throw new InvalidConfigValue(expected);
  const big = BigInt(text);
  const lo = long ? LONG_MIN_BIG : BigInt(INT_MIN);
  const hi = long ? LONG_MAX_BIG : BigInt(INT_MAX);
  if (big < lo || big > hi) throw new InvalidConfigValue(expected);
  if (big > BigInt(LONG_MAX)) return LONG_MAX;
  if (big < BigInt(LONG_MIN)) return LONG_MIN;
  return Number(big);
}

interface Common {
  doc: string;
}

interface NumberSpec extends Common {
  default: number;
  min?: number;
  max?: number;
  /** Overrides the generated rule text (e.g. to explain a special value such as -1). */
  valid?: string;
}

function integerKey(name: string, spec: NumberSpec, long: boolean): ConfigKey<number> {
  const kind = long ? "a long integer" : "an integer";
  const fmt = long ? formatLong : String;
  const valid = spec.valid ?? rangeText(kind, spec.min, spec.max, fmt);
  return {
    name,
    type: long ? "long" : "int",
    default: spec.default,
    valid,
    doc: spec.doc,
    ...(spec.min !== undefined ? { min: spec.min } : {}),
    ...(spec.max !== undefined ? { max: spec.max } : {}),
    parse(raw) {
      const n = readInteger(raw, long, valid);
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
        throw new InvalidConfigValue(valid);
      }
      return n;
    },
    format: long ? formatLong : String,
  };
}

export const intKey = (name: string, spec: NumberSpec): ConfigKey<number> => integerKey(name, spec, false);
export const longKey = (name: string, spec: NumberSpec): ConfigKey<number> => integerKey(name, spec, true);

export function doubleKey(name: string, spec: NumberSpec): ConfigKey<number> {
  const valid = spec.valid ?? rangeText("a number", spec.min, spec.max, String);
  return {
    name,
    type: "double",
    default: spec.default,
    valid,
    doc: spec.doc,
    ...(spec.min !== undefined ? { min: spec.min } : {}),
    ...(spec.max !== undefined ? { max: spec.max } : {}),
    parse(raw) {
      let n: number;
      if (typeof raw === "number") n = raw;
      else if (typeof raw === "string" && DECIMAL_TEXT.test(raw.trim())) n = Number(raw.trim());
      else throw new InvalidConfigValue(valid);
      if (!Number.isFinite(n)) throw new InvalidConfigValue(valid);
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
        throw new InvalidConfigValue(valid);
      }
      return n;
    },
    format: String,
  };
}

export function booleanKey(name: string, spec: Common & { default: boolean }): ConfigKey<boolean> {
  const valid = "true or false";
  return {
    name,
    type: "boolean",
    default: spec.default,
    valid,
    doc: spec.doc,
    values: ["true", "false"],
    parse(raw) {
      if (typeof raw === "boolean") return raw;
      if (typeof raw === "string") {
        const text = raw.trim().toLowerCase();
        if (text === "true") return true;
        if (text === "false") return false;
      }
      throw new InvalidConfigValue(valid);
    },
    format: String,
  };
}

interface ChoiceSpec<V extends string> extends Common {
  values: readonly V[];
  /** Other spellings Kafka accepts for a value (class names, numbers, other cases). */
  aliases?: Readonly<Record<string, V>>;
  caseInsensitive?: boolean;
  /** Values Kafka knows but streamlab does not support, with the reason. */
  unsupported?: Readonly<Record<string, string>>;
}

function choiceReader<V extends string>(spec: ChoiceSpec<V>, expected: string): (text: string) => V {
  const exact = new Map<string, V>();
  for (const v of spec.values) exact.set(spec.caseInsensitive ? v.toLowerCase() : v, v);
  for (const [alias, v] of Object.entries(spec.aliases ?? {})) exact.set(spec.caseInsensitive ? alias.toLowerCase() : alias, v);
  const unsupported = new Map<string, string>();
  for (const [v, why] of Object.entries(spec.unsupported ?? {})) unsupported.set(v.toLowerCase(), why);
  return (text) => {
    const key = spec.caseInsensitive ? text.toLowerCase() : text;
    const hit = exact.get(key);
    if (hit !== undefined) return hit;
    const why = unsupported.get(text.toLowerCase());
    if (why !== undefined) throw new InvalidConfigValue(`${expected} (${why})`);
    throw new InvalidConfigValue(expected);
  };
}

export function choiceKey<V extends string>(name: string, spec: ChoiceSpec<V> & { default: V }): ConfigKey<V> {
  const valid = `one of ${spec.values.join(", ")}`;
  const read = choiceReader(spec, valid);
  return {
    name,
    type: "string",
    default: spec.default,
    valid,
    doc: spec.doc,
    values: spec.values,
    parse(raw) {
      if (typeof raw === "number" || typeof raw === "boolean") return read(String(raw));
      if (typeof raw !== "string") throw new InvalidConfigValue(valid);
      return read(raw.trim());
    },
    format: (v) => v,
  };
}

export function listKey<V extends string>(
  name: string,
  spec: ChoiceSpec<V> & { default: readonly V[] },
): ConfigKey<readonly V[]> {
  const valid = `a comma-separated list of ${spec.values.join(", ")}`;
  const read = choiceReader(spec, valid);
  return {
    name,
    type: "list",
    default: spec.default,
    valid,
    doc: spec.doc,
    values: spec.values,
    parse(raw) {
      if (typeof raw !== "string") throw new InvalidConfigValue(valid);
      const items = raw.split(",").map((s) => s.trim());
      if (items.length === 0 || items.some((s) => s === "")) throw new InvalidConfigValue(valid);
      const out: V[] = [];
      for (const item of items) {
        const v = read(item);
        if (!out.includes(v)) out.push(v);
      }
      return out;
    },
    format: (v) => v.join(","),
  };
}

interface StringSpec<D extends string | null> extends Common {
  default: D;
  /** Reject "" (Kafka's NonEmptyString). */
  nonEmpty?: boolean;
  /** Extra rule: returns the "expected …" text when the value breaks it. */
  check?: (value: string) => string | undefined;
  valid?: string;
}

/** A free-text config; optional (null by default) when `default` is null. */
export function stringKey<D extends string | null>(name: string, spec: StringSpec<D>): ConfigKey<string | D> {
  const valid = spec.valid ?? (spec.nonEmpty ? "a non-empty string" : "a string");
  return {
    name,
    type: "string",
    default: spec.default,
    valid,
    doc: spec.doc,
    parse(raw): string | D {
      if (raw === null) {
        if (spec.default === null) return spec.default;
        throw new InvalidConfigValue(valid);
      }
      if (typeof raw === "boolean") throw new InvalidConfigValue(valid);
      const text = String(raw).trim();
      if (spec.nonEmpty && text === "") throw new InvalidConfigValue(valid);
      const broken = spec.check?.(text);
      if (broken !== undefined) throw new InvalidConfigValue(broken);
      return text;
    },
    format: (v) => v,
  };
}

/** A key whose parsing does not fit the shapes above (durations, option sets). */
export function customKey<T>(key: ConfigKey<T>): ConfigKey<T> {
  return key;
}

// ---------------------------------------------------------------------------------------
// Resolving a set of raw values against definitions

export type ConfigDefs = Readonly<Record<string, ConfigKey<unknown>>>;
export type ValuesOf<D extends ConfigDefs> = { -readonly [K in keyof D]: D[K] extends ConfigKey<infer T> ? T : never };

/** How errors name the owner: `topic "orders"`, `producer config`. */
export interface ConfigOwner {
  /** Opens each message: `topic "orders"`, `consumer`. */
  readonly subject: string;
  /** What an unknown name is not: "topic config", "producer config". */
  readonly noun: string;
  /** Known names that cannot be used here, with the reason. */
  readonly refused?: Readonly<Record<string, string>>;
  /** Extra hint for an unknown name (e.g. "it is a consumer config"). */
  readonly hint?: (name: string) => string | undefined;
}

export function showValue(raw: RawConfigValue): string {
  return raw === null ? "null" : JSON.stringify(String(raw));
}

export function invalidValue(owner: ConfigOwner, name: string, raw: RawConfigValue, expected: string): KafkaError {
  return new KafkaError(
    "INVALID_CONFIG",
    `${owner.subject}: invalid value ${showValue(raw)} for config "${name}": expected ${expected}`,
  );
}

export function configConflict(owner: ConfigOwner, message: string): KafkaError {
  return new KafkaError("INVALID_CONFIG", `${owner.subject}: ${message}`);
}

export function unknownName(owner: ConfigOwner, name: string, known: Iterable<string>): KafkaError {
  const refused = owner.refused?.[name];
  if (refused !== undefined) {
    return new KafkaError("INVALID_CONFIG", `${owner.subject}: ${owner.noun} "${name}" is not supported: ${refused}`);
  }
  const hint = owner.hint?.(name);
  const suggestion = suggestName(name, known);
  const extra = hint ?? (suggestion !== undefined ? `did you mean "${suggestion}"?` : undefined);
  return new KafkaError(
    "INVALID_CONFIG",
    `${owner.subject}: unknown ${owner.noun} "${name}"${extra !== undefined ? ` (${extra})` : ""}`,
  );
}

/** Parses one value of a known key, naming owner, key and value when it is invalid. */
export function parseKey<T>(owner: ConfigOwner, key: ConfigKey<T>, raw: RawConfigValue, shownName = key.name): T {
  try {
    return key.parse(raw);
  } catch (e) {
    if (e instanceof InvalidConfigValue) throw invalidValue(owner, shownName, raw, e.expected);
    throw e;
  }
}

/**
 * Parses `raw` over `base` (defaults when absent). Returns the values and the names the
 * caller set explicitly, which some rules depend on (Kafka's "originals").
 */
export function resolveConfig<D extends ConfigDefs>(
  defs: D,
  raw: RawConfig,
  owner: ConfigOwner,
  base?: ValuesOf<D>,
): { values: ValuesOf<D>; set: Set<keyof D & string> } {
  const values = { ...(base ?? defaultsOf(defs)) } as ValuesOf<D>;
  const set = new Set<keyof D & string>();
  for (const [name, value] of Object.entries(raw)) {
    const key = Object.hasOwn(defs, name) ? defs[name] : undefined;
    if (key === undefined) throw unknownName(owner, name, Object.keys(defs));
    (values as Record<string, unknown>)[name] = parseKey(owner, key, value);
    set.add(name as keyof D & string);
  }
  return { values, set };
}

export function defaultsOf<D extends ConfigDefs>(defs: D): ValuesOf<D> {
  const out: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(defs)) out[name] = key.default;
  return out as ValuesOf<D>;
}

// ---------------------------------------------------------------------------------------
// Suggestions for misspelt names

function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  const cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    for (let j = 0; j <= b.length; j++) prev[j] = cur[j] ?? 0;
  }
  return prev[b.length] ?? 0;
}

/** People write segment_bytes, segmentBytes or SEGMENT.BYTES for segment.bytes. */
function canonical(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1.$2")
    .toLowerCase()
    .replace(/[_\-\s]+/g, ".");
}

/** The closest known name, if one is close enough to be a plausible typo. */
export function suggestName(name: string, known: Iterable<string>): string | undefined {
  const wanted = canonical(name);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(wanted, canonical(candidate));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const limit = Math.max(2, Math.floor(wanted.length / 4));
  return bestDistance <= limit ? best : undefined;
}
