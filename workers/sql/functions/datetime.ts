/**
 * Date and time functions. The old BIGINT ones (TIMESTAMPTOSTRING, STRINGTOTIMESTAMP) use
 * the server's default zone when none is given, which here is the evaluation context's
 * zone (UTC unless configured); the TIMESTAMP ones (FORMAT_TIMESTAMP, PARSE_TIMESTAMP)
 * default to UTC as ksqlDB's do. "Now" comes from the engine clock.
 */
import { SqlTypes } from "../types";
import { formatInstant, parseToInstant, zoneOf } from "./java-time";
import { scalar, type EvalContext } from "./registry";

const MS_PER_DAY = 86_400_000;

function fmt(ms: unknown, pattern: unknown, zone: unknown): string | null {
  if (ms === null || pattern === null || zone === null) return null;
  return formatInstant(ms as number, pattern as string, zone as string);
}

function parse(text: unknown, pattern: unknown, zone: unknown): number | null {
  if (text === null || pattern === null || zone === null) return null;
  return parseToInstant(text as string, pattern as string, zone as string);
}

export const TIMESTAMPTOSTRING = scalar(
  "TIMESTAMPTOSTRING",
  "Formats a BIGINT epoch-millisecond timestamp with a DateTimeFormatter pattern, in the given or the default zone.",
  { params: ["BIGINT", "STRING"], returns: SqlTypes.STRING, impl: ([ms, p], ctx) => fmt(ms, p, ctx.timeZone) },
  { params: ["BIGINT", "STRING", "STRING"], returns: SqlTypes.STRING, impl: ([ms, p, z]) => fmt(ms, p, z) },
);

export const STRINGTOTIMESTAMP = scalar(
  "STRINGTOTIMESTAMP",
  "Parses a string with a DateTimeFormatter pattern into BIGINT epoch milliseconds, in the given or the default zone.",
  { params: ["STRING", "STRING"], returns: SqlTypes.BIGINT, impl: ([s, p], ctx) => parse(s, p, ctx.timeZone) },
  { params: ["STRING", "STRING", "STRING"], returns: SqlTypes.BIGINT, impl: ([s, p, z]) => parse(s, p, z) },
);

export const FORMAT_TIMESTAMP = scalar(
  "FORMAT_TIMESTAMP",
  "Formats a TIMESTAMP with a DateTimeFormatter pattern, in UTC or the given zone.",
  { params: ["TIMESTAMP", "STRING"], returns: SqlTypes.STRING, impl: ([t, p]) => fmt(t, p, "UTC") },
  { params: ["TIMESTAMP", "STRING", "STRING"], returns: SqlTypes.STRING, impl: ([t, p, z]) => fmt(t, p, z) },
);

export const PARSE_TIMESTAMP = scalar(
  "PARSE_TIMESTAMP",
  "Parses a string with a DateTimeFormatter pattern into a TIMESTAMP, in UTC or the given zone.",
  { params: ["STRING", "STRING"], returns: SqlTypes.TIMESTAMP, impl: ([s, p]) => parse(s, p, "UTC") },
  { params: ["STRING", "STRING", "STRING"], returns: SqlTypes.TIMESTAMP, impl: ([s, p, z]) => parse(s, p, z) },
);

export const FORMAT_DATE = scalar("FORMAT_DATE", "Formats a DATE with a DateTimeFormatter pattern.", {
  params: ["DATE", "STRING"],
  returns: SqlTypes.STRING,
  impl: ([d, p]) => (d === null ? null : fmt((d as number) * MS_PER_DAY, p, "UTC")),
});

export const PARSE_DATE = scalar("PARSE_DATE", "Parses a string with a DateTimeFormatter pattern into a DATE.", {
  params: ["STRING", "STRING"],
  returns: SqlTypes.DATE,
  impl: ([s, p]) => {
    const ms = parse(s, p, "UTC");
    return ms === null ? null : Math.floor(ms / MS_PER_DAY);
  },
});

export const FROM_UNIXTIME = scalar("FROM_UNIXTIME", "A TIMESTAMP from BIGINT epoch milliseconds.", {
  params: ["BIGINT"],
  returns: SqlTypes.TIMESTAMP,
  impl: ([ms]) => ms,
});

export const UNIX_TIMESTAMP = scalar(
  "UNIX_TIMESTAMP",
  "Epoch milliseconds of a TIMESTAMP, or of now by the engine clock.",
  { params: [], returns: SqlTypes.BIGINT, impl: (_a, ctx: EvalContext) => ctx.now() },
  { params: ["TIMESTAMP"], returns: SqlTypes.BIGINT, impl: ([t]) => t },
);

export const UNIX_DATE = scalar(
  "UNIX_DATE",
  "Days since 1970-01-01 of a DATE, or of today in the default zone by the engine clock.",
  {
    params: [],
    returns: SqlTypes.INTEGER,
    impl: (_a, ctx: EvalContext) => {
      const now = ctx.now();
      return Math.floor((now + zoneOf(ctx.timeZone).offsetAt(now)) / MS_PER_DAY);
    },
  },
  { params: ["DATE"], returns: SqlTypes.INTEGER, impl: ([d]) => d },
);
