/**
 * ksqlDB's "magic" timestamps: in WHERE, ROWTIME, WINDOWSTART and WINDOWEND may be compared
 * with a string, read as a date-time in `yyyy-MM-dd'T'HH:mm:ss.SSS` with an optional
 * numeric zone (`+0200`) or `Z`, UTC otherwise. Partial values are completed with the
 * earliest instant: '2020' is 2020-01-01T00:00:00.000, '2020-02-23T23' 23:00:00.000.
 */
import type { Expression } from "../ast";
import { KsqlException } from "../errors";
import { parseToInstant } from "../functions/java-time";
import { mapExpression } from "./ast-util";

const TIME_PATTERN = "HH:mm:ss.SSS";
const PATTERN = "yyyy-MM-dd'T'HH:mm:ss.SSS";
const HELP =
  "\nRequired format is: \"yyyy-MM-dd'T'HH:mm:ss.SSS\", with an optional numeric 4-digit timezone, for example: '2020-05-26T23:59:58.000' or with tz: '2020-05-26T23:59:58.000+0200'. A trailing 'Z' instead of tz indicates the zero UTC offset. Partials are also supported, for example \"2020-05-26\"";

function completeDate(date: string): string {
  const parts = date.split("-").length;
  return parts === 1 ? `${date}-01-01` : parts === 2 ? `${date}-01` : date;
}

function completeTime(time: string): string {
  return time.length >= TIME_PATTERN.length ? time : time + TIME_PATTERN.slice(time.length).replace(/[a-zA-Z]/g, "0");
}

/** Epoch milliseconds of a (partial) date-time string, as ksqlDB's PartialStringToTimestampParser reads it. */
export function parsePartialTimestamp(text: string): number {
  let date: string;
  let time: string;
  let zone = "";
  const t = text.indexOf("T");
  if (t >= 0) {
    date = text.slice(0, t);
    const rest = text.slice(t + 1);
    const sign = rest.search(/[+-]/);
    zone = sign >= 0 ? rest.slice(sign) : "";
    time = completeTime(rest.slice(0, rest.length - zone.length).replace(/Z$/, ""));
  } else {
    date = completeDate(text);
    time = completeTime("");
  }
  try {
    return parseToInstant(`${date}T${time}`, PATTERN, zone.trim() === "" ? "+0000" : zone);
  } catch (e) {
    throw new KsqlException(`Failed to parse timestamp '${text}': ${e instanceof Error ? e.message : String(e)}${HELP}`);
  }
}

const MAGIC = new Set(["ROWTIME", "WINDOWSTART", "WINDOWEND"]);

function isMagic(e: Expression): boolean {
  return e.kind === "ColumnRef" && MAGIC.has(e.name);
}

function asTimestamp(e: Expression): Expression {
  if (e.kind !== "StringLiteral") return e;
  const value = parsePartialTimestamp(e.value);
  return { kind: "BigintLiteral", value, text: String(value), loc: e.loc };
}

/** The expression with string operands of comparisons and BETWEENs on ROWTIME, WINDOWSTART or WINDOWEND read as timestamps. */
export function rewriteMagicTimestamps(e: Expression): Expression {
  return mapExpression(e, (x) => {
    if (x.kind === "Comparison" && (isMagic(x.left) || isMagic(x.right))) {
      return { ...x, left: asTimestamp(x.left), right: asTimestamp(x.right) };
    }
    if (x.kind === "Between" && isMagic(x.value)) {
      return { ...x, low: asTimestamp(x.low), high: asTimestamp(x.high) };
    }
    return undefined;
  });
}
