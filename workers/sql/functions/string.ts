/**
 * String functions with ksqlDB's null handling: almost all return NULL for a NULL
 * argument; CONCAT skips NULLs; INSTR returns 0. Positions are 1-based.
 */
import { KsqlFunctionException } from "../errors";
import { SqlTypes } from "../types";
import { scalar } from "./registry";

const S = SqlTypes.STRING;
const I = SqlTypes.INTEGER;

type Str = string | null;

/** Java's String.trim: strips every character at or below U+0020 at both ends. */
export function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 32) start++;
  while (end > start && s.charCodeAt(end - 1) <= 32) end--;
  return s.slice(start, end);
}

function startIndex(length: number, pos: number): number {
  return pos < 0 ? Math.max(length + pos, 0) : Math.max(Math.min(pos - 1, length), 0);
}

export const UCASE = scalar("UCASE", "Converts a string to upper case.", {
  params: ["STRING"],
  returns: S,
  impl: ([s]) => (s === null ? null : (s as string).toUpperCase()),
});

export const LCASE = scalar("LCASE", "Converts a string to lower case.", {
  params: ["STRING"],
  returns: S,
  impl: ([s]) => (s === null ? null : (s as string).toLowerCase()),
});

export const CONCAT = scalar("CONCAT", "Concatenates strings; NULL arguments are skipped.", {
  params: [],
  variadic: "STRING",
  returns: S,
  impl: (args) => args.filter((a) => a !== null).join(""),
});

export const CONCAT_WS = scalar("CONCAT_WS", "Concatenates strings with the first argument between each one; NULL values are skipped.", {
  params: ["STRING"],
  variadic: "STRING",
  returns: S,
  check: (args) => (args.length < 2 ? "Function Concat_WS expects at least two input arguments." : undefined),
  impl: ([sep, ...rest]) => (sep === null ? null : rest.filter((a) => a !== null).join(sep as string)),
});

export const SUBSTRING = scalar(
  "SUBSTRING",
  "The part of a string from a 1-based position (negative counts from the end), optionally of a given length.",
  {
    params: ["STRING", "INTEGER"],
    returns: S,
    impl: ([s, pos]) => {
      if (s === null || pos === null) return null;
      const str = s as string;
      return str.slice(startIndex(str.length, pos as number));
    },
  },
  {
    params: ["STRING", "INTEGER", "INTEGER"],
    returns: S,
    impl: ([s, pos, len]) => {
      if (s === null || pos === null || len === null) return null;
      const str = s as string;
      const start = startIndex(str.length, pos as number);
      const end = Math.max(Math.min(start + (len as number), str.length), start);
      return str.slice(start, end);
    },
  },
);

export const LEN = scalar("LEN", "The length of a string in UTF-16 code units.", {
  params: ["STRING"],
  returns: I,
  impl: ([s]) => (s === null ? null : (s as string).length),
});

export const TRIM = scalar("TRIM", "Removes whitespace and control characters from both ends.", {
  params: ["STRING"],
  returns: S,
  impl: ([s]) => (s === null ? null : javaTrim(s as string)),
});

export const REPLACE = scalar("REPLACE", "Replaces every occurrence of a substring.", {
  params: ["STRING", "STRING", "STRING"],
  returns: S,
  impl: ([s, from, to]) => (s === null || from === null || to === null ? null : (s as string).split(from as string).join(to as string)),
});

export const SPLIT = scalar(
  "SPLIT",
  "Splits a string into an array at each delimiter; an empty delimiter splits into characters.",
  {
    params: ["STRING", "STRING"],
    returns: SqlTypes.array(S),
    impl: ([s, d]) => {
      if (s === null || d === null) return null;
      const str = s as string;
      // Java's Pattern.compile("").split gives every character (no empty leading entry).
      if (d === "") return str === "" ? [""] : Array.from(str);
      return str.split(d as string);
    },
  },
);

function ordinalIndexOf(str: string, search: string, ordinal: number): number {
  if (ordinal <= 0) return -1;
  let found = 0;
  let index = -1;
  do {
    index = str.indexOf(search, index + 1);
    if (index < 0) return -1;
    found++;
  } while (found < ordinal);
  return index;
}

function instr(str: Str, sub: Str, position: number, occurrence: number): number {
  if (str === null || sub === null) return 0;
  if (Math.abs(position) > str.length) return 0;
  const reversed = position < 0;
  const s = reversed ? [...str].reverse().join("") : str;
  const t = reversed ? [...sub].reverse().join("") : sub;
  const p = reversed ? -position : position;
  const i = ordinalIndexOf(s.slice(Math.max(p - 1, 0)), t, occurrence);
  if (i === -1) return 0;
  return reversed ? s.length - p - i - t.length + 2 : i + p;
}

export const INSTR = scalar(
  "INSTR",
  "The 1-based position of a substring, optionally from a position (negative searches backwards) and for the n-th occurrence; 0 when absent.",
  { params: ["STRING", "STRING"], returns: I, impl: ([s, t]) => instr(s as Str, t as Str, 1, 1) },
  { params: ["STRING", "STRING", "INTEGER"], returns: I, impl: ([s, t, p]) => instr(s as Str, t as Str, (p as number | null) ?? 1, 1) },
  {
    params: ["STRING", "STRING", "INTEGER", "INTEGER"],
    returns: I,
    impl: ([s, t, p, o]) => instr(s as Str, t as Str, (p as number | null) ?? 1, (o as number | null) ?? 1),
  },
);

function pad(input: unknown, len: unknown, padding: unknown, left: boolean): string | null {
  if (input === null) return null;
  if (padding === null || padding === "" || len === null || (len as number) < 0) return null;
  const s = input as string;
  const p = padding as string;
  const target = len as number;
  const need = Math.max(target - s.length, 0);
  let fill = "";
  while (fill.length < need) fill += p;
  fill = fill.slice(0, need);
  return (left ? fill + s : s + fill).slice(0, target);
}

export const LPAD = scalar("LPAD", "Pads a string on the left to a length (truncating a longer one).", {
  params: ["STRING", "INTEGER", "STRING"],
  returns: S,
  impl: ([s, n, p]) => pad(s, n, p, true),
});

export const RPAD = scalar("RPAD", "Pads a string on the right to a length (truncating a longer one).", {
  params: ["STRING", "INTEGER", "STRING"],
  returns: S,
  impl: ([s, n, p]) => pad(s, n, p, false),
});

export const INITCAP = scalar("INITCAP", "Capitalises the first letter of each word and lower-cases the rest.", {
  params: ["STRING"],
  returns: S,
  // As ksqlDB: lower-case everything, then upper-case the first character of each run of
  // non-whitespace (whitespace of any kind is kept as it is).
  impl: ([s]) => (s === null ? null : (s as string).toLowerCase().replace(/[^\s]+/g, (w) => w[0]!.toUpperCase() + w.slice(1))),
});

export const REGEXP_EXTRACT = scalar(
  "REGEXP_EXTRACT",
  "The first substring matching a regular expression, or the given capture group of it.",
  { params: ["STRING", "STRING"], returns: S, impl: ([p, s]) => regexpExtract(p, s, 0) },
  { params: ["STRING", "STRING", "INTEGER"], returns: S, impl: ([p, s, g]) => regexpExtract(p, s, g) },
);

function regexpExtract(pattern: unknown, s: unknown, group: unknown): string | null {
  if (pattern === null || s === null || group === null) return null;
  let re: RegExp;
  try {
    re = new RegExp(pattern as string);
  } catch (e) {
    throw new KsqlFunctionException(`Invalid regular expression pattern: ${pattern as string}. ${(e as Error).message}`);
  }
  const m = re.exec(s as string);
  return m ? (m[group as number] ?? null) : null;
}
