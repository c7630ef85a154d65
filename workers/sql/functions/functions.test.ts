import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../runtime/clock";
import { SeededRandom } from "../../runtime/random";
import { Decimal } from "../decimal";
import { compileExpression, type ScopeColumn } from "../expressions/evaluate";
import { parseExpression } from "../parse";
import { formatType, SqlTypes } from "../types";
import { evalContext } from "./registry";

const columns: ScopeColumn[] = [
  { name: "S", type: SqlTypes.STRING },
  { name: "NS", type: SqlTypes.STRING },
  { name: "NI", type: SqlTypes.INTEGER },
  { name: "ND", type: SqlTypes.DOUBLE },
  { name: "TS", type: SqlTypes.BIGINT },
  { name: "T", type: SqlTypes.TIMESTAMP },
  { name: "DT", type: SqlTypes.DATE },
  { name: "DEC", type: SqlTypes.decimal(6, 3) },
];
const row = { S: "streamlab", NS: null, NI: null, ND: null, TS: 1_522_846_456_703, T: 1_522_846_456_703, DT: 17_000, DEC: Decimal.parse("-1.250") };

const clock = new VirtualClock(1_700_000_123_456);
const errors: string[] = [];
const ctx = evalContext({ clock, random: new SeededRandom(7), onError: (e) => errors.push(String(e)) });

function ev(text: string, timeZone?: string): unknown {
  const c = compileExpression(parseExpression(text), { columns });
  return c.evaluate(row, timeZone ? { ...ctx, timeZone } : ctx);
}

function typeOf(text: string): string {
  return formatType(compileExpression(parseExpression(text), { columns }).type);
}

function failure(text: string): string {
  errors.length = 0;
  expect(ev(text)).toBe(null);
  expect(errors).toHaveLength(1);
  return errors[0]!;
}

describe("string functions", () => {
  it("UCASE", () => {
    expect(ev("UCASE(S)")).toBe("STREAMLAB");
    expect(ev("UCASE(NS)")).toBe(null);
  });
  it("LCASE", () => {
    expect(ev("LCASE('MiXeD')")).toBe("mixed");
    expect(ev("LCASE(NS)")).toBe(null);
  });
  it("CONCAT skips NULLs", () => {
    expect(ev("CONCAT(S, NS, '-', 'x')")).toBe("streamlab-x");
    expect(ev("CONCAT(NS, NS)")).toBe("");
  });
  it("CONCAT_WS: NULL separator gives NULL, NULL values are skipped", () => {
    expect(ev("CONCAT_WS(', ', 'a', NS, 'b')")).toBe("a, b");
    expect(ev("CONCAT_WS(NS, 'a', 'b')")).toBe(null);
  });
  it("SUBSTRING is 1-based, negative from the end, clamps", () => {
    expect(ev("SUBSTRING(S, 7)")).toBe("lab");
    expect(ev("SUBSTRING(S, 1, 6)")).toBe("stream");
    expect(ev("SUBSTRING(S, -3)")).toBe("lab");
    expect(ev("SUBSTRING(S, -3, 2)")).toBe("la");
    expect(ev("SUBSTRING(S, 0, 2)")).toBe("st");
    expect(ev("SUBSTRING(S, 20)")).toBe("");
    expect(ev("SUBSTRING(S, NI)")).toBe(null);
  });
  it("LEN", () => {
    expect(ev("LEN(S)")).toBe(9);
    expect(ev("LEN(NS)")).toBe(null);
  });
  it("TRIM strips whitespace and control characters", () => {
    expect(ev("TRIM('  a b \t')")).toBe("a b");
    expect(ev("TRIM(NS)")).toBe(null);
  });
  it("LTRIM and RTRIM do not exist in ksqlDB", () => {
    expect(() => ev("LTRIM(S)")).toThrow("Can't find any functions with the name 'LTRIM'");
    expect(() => ev("RTRIM(S)")).toThrow("Can't find any functions with the name 'RTRIM'");
  });
  it("REPLACE every occurrence; any NULL gives NULL", () => {
    expect(ev("REPLACE('a.b.c', '.', '::')")).toBe("a::b::c");
    expect(ev("REPLACE(S, NS, 'x')")).toBe(null);
  });
  it("SPLIT keeps empty parts; an empty delimiter splits characters", () => {
    expect(ev("SPLIT(',a,,b,', ',')")).toEqual(["", "a", "", "b", ""]);
    expect(ev("SPLIT('abc', '')")).toEqual(["a", "b", "c"]);
    expect(ev("SPLIT('abc', 'x')")).toEqual(["abc"]);
    expect(ev("SPLIT(NS, ',')")).toBe(null);
    expect(typeOf("SPLIT(S, ',')")).toBe("ARRAY<STRING>");
  });
  it("INSTR: position, occurrence, backwards search, 0 when absent or NULL", () => {
    expect(ev("INSTR('CORPORATE FLOOR', 'OR')")).toBe(2);
    expect(ev("INSTR('CORPORATE FLOOR', 'OR', 3)")).toBe(5);
    expect(ev("INSTR('CORPORATE FLOOR', 'OR', 3, 2)")).toBe(14);
    expect(ev("INSTR('CORPORATE FLOOR', 'OR', -3, 2)")).toBe(2);
    expect(ev("INSTR('CORPORATE FLOOR', 'MORE')")).toBe(0);
    expect(ev("INSTR(NS, 'a')")).toBe(0);
  });
  it("LPAD", () => {
    expect(ev("LPAD('7', 3, '0')")).toBe("007");
    expect(ev("LPAD('Hello', 3, '0')")).toBe("Hel");
    expect(ev("LPAD('a', 5, 'xy')")).toBe("xyxya");
    expect(ev("LPAD('a', 3, '')")).toBe(null);
  });
  it("RPAD", () => {
    expect(ev("RPAD('a', 4, 'xy')")).toBe("axyx");
    expect(ev("RPAD(NS, 4, 'x')")).toBe(null);
  });
  it("INITCAP: each whitespace-separated word capitalised, the rest lower-cased, whitespace kept", () => {
    expect(ev("INITCAP('the QUICK brown')")).toBe("The Quick Brown");
    expect(ev("INITCAP('  two\tspaces\nand LINES ')")).toBe("  Two\tSpaces\nAnd Lines ");
    expect(ev("INITCAP('o''neil-smith')")).toBe("O'neil-smith");
    expect(ev("INITCAP(NS)")).toBe(null);
  });
  it("REGEXP_EXTRACT: the first match, or a capture group of it", () => {
    expect(ev("REGEXP_EXTRACT('(\\d+)-(\\d+)', 'call 555-1234 now')")).toBe("555-1234");
    expect(ev("REGEXP_EXTRACT('(\\d+)-(\\d+)', 'call 555-1234 now', 2)")).toBe("1234");
    expect(ev("REGEXP_EXTRACT('x+', S)")).toBe(null);
    expect(ev("REGEXP_EXTRACT('s(.)', NS)")).toBe(null);
    expect(failure("REGEXP_EXTRACT('(', S)")).toContain("Invalid regular expression");
  });
  it("ELT: the n-th argument, 1-based, NULL out of range", () => {
    expect(ev("ELT(2, 'a', 'b', 'c')")).toBe("b");
    expect(ev("ELT(0, 'a')")).toBe(null);
    expect(ev("ELT(4, 'a', 'b', 'c')")).toBe(null);
    expect(ev("ELT(NI, 'a')")).toBe(null);
  });
  it("FIELD: the 1-based position among the arguments, 0 when absent or NULL", () => {
    expect(ev("FIELD('b', 'a', 'b', 'b')")).toBe(2);
    expect(ev("FIELD('z', 'a', 'b')")).toBe(0);
    expect(ev("FIELD(NS, 'a', NS)")).toBe(0);
  });
});

describe("numeric functions", () => {
  it("ABS keeps the type", () => {
    expect(ev("ABS(-3)")).toBe(3);
    expect(ev("ABS(ND)")).toBe(null);
    expect((ev("ABS(DEC)") as Decimal).toString()).toBe("1.250");
  });
  it("ROUND without digits returns BIGINT and rounds halves up (towards +infinity)", () => {
    expect(typeOf("ROUND(1.5E0)")).toBe("BIGINT");
    expect(ev("ROUND(1.5E0)")).toBe(2);
    expect(ev("ROUND(-1.5E0)")).toBe(-1);
    expect(ev("ROUND(-1.6E0)")).toBe(-2);
    expect(ev("ROUND(ND)")).toBe(null);
  });
  it("ROUND with digits works on the decimal value", () => {
    expect(typeOf("ROUND(1.5E0, 1)")).toBe("DOUBLE");
    expect(ev("ROUND(2.675E0, 2)")).toBe(2.68);
    expect(ev("ROUND(-2.675E0, 2)")).toBe(-2.67);
    expect(ev("ROUND(1234.5E0, -2)")).toBe(1200);
    expect((ev("ROUND(DEC, 1)") as Decimal).toString()).toBe("-1.200");
    expect(ev("ROUND(1.5E0, NI)")).toBe(null);
  });
  it("FLOOR", () => {
    expect(ev("FLOOR(-1.5E0)")).toBe(-2);
    expect((ev("FLOOR(DEC)") as Decimal).toString()).toBe("-2.000");
    expect(ev("FLOOR(NI)")).toBe(null);
  });
  it("CEIL", () => {
    expect(ev("CEIL(1.2E0)")).toBe(2);
    expect(ev("CEIL(5)")).toBe(5);
    expect((ev("CEIL(DEC)") as Decimal).toString()).toBe("-1.000");
  });
  it("SQRT", () => {
    expect(ev("SQRT(16)")).toBe(4);
    expect(ev("SQRT(ND)")).toBe(null);
  });
  it("EXP", () => {
    expect(ev("EXP(0)")).toBe(1);
    expect(ev("EXP(1)")).toBeCloseTo(Math.E, 12);
  });
  it("CBRT", () => {
    expect(ev("CBRT(27)")).toBe(3);
    expect(ev("CBRT(-8.0E0)")).toBe(-2);
    expect(typeOf("CBRT(27)")).toBe("DOUBLE");
    expect(ev("CBRT(ND)")).toBe(null);
  });
  it("POWER", () => {
    expect(ev("POWER(2, 10)")).toBe(1024);
    expect(ev("POWER(4, 0.5)")).toBe(2);
    expect(typeOf("POWER(2, 3)")).toBe("DOUBLE");
    expect(ev("POWER(ND, 2)")).toBe(null);
  });
  it("SIGN: -1, 0 or 1 as an INTEGER", () => {
    expect(ev("SIGN(-7)")).toBe(-1);
    expect(ev("SIGN(0)")).toBe(0);
    expect(ev("SIGN(2.5E0)")).toBe(1);
    expect(typeOf("SIGN(2.5E0)")).toBe("INTEGER");
    expect(ev("SIGN(NI)")).toBe(null);
  });
  it("LN", () => {
    expect(ev("LN(1)")).toBe(0);
    expect(ev("LN(0)")).toBe(-Infinity);
    expect(ev("LN(ND)")).toBe(null);
  });
  it("RANDOM draws from the injected source", () => {
    const a = new SeededRandom(7).next();
    const first = compileExpression(parseExpression("RANDOM()"), { columns }).evaluate(row, evalContext({ clock, random: new SeededRandom(7) }));
    expect(first).toBe(a);
  });
  it("GREATEST ignores NULLs", () => {
    expect(ev("GREATEST(3, NI, 9, 4)")).toBe(9);
    expect(ev("GREATEST('apple', 'pear')")).toBe("pear");
    expect(ev("GREATEST(NI, NI)")).toBe(null);
    // Mixed numbers widen: ksqlDB's "implicit casting to double" case.
    expect(typeOf("GREATEST(NI, 2, DEC, ND)")).toBe("DOUBLE");
    expect(ev("GREATEST(1, DEC, 2.5E0)")).toBe(2.5);
    expect(typeOf("GREATEST(NI, CAST(1 AS BIGINT))")).toBe("BIGINT");
  });
  it("LEAST ignores NULLs", () => {
    expect(ev("LEAST(3, NI, 9, 4)")).toBe(3);
    expect(ev("LEAST(2.5E0, 1.5E0)")).toBe(1.5);
    expect(typeOf("LEAST(1, ND)")).toBe("DOUBLE");
    expect(ev("LEAST(DEC, 2.5E0)")).toBe(-1.25);
  });
  it("GEO_DISTANCE: haversine with R = 6371 km or 3959 miles", () => {
    const km = ev("GEO_DISTANCE(37.4133, -122.1162, 37.7394, -122.4398)") as number;
    const rad = Math.PI / 180;
    const cosines = Math.acos(
      Math.sin(37.4133 * rad) * Math.sin(37.7394 * rad) + Math.cos(37.4133 * rad) * Math.cos(37.7394 * rad) * Math.cos((-122.4398 + 122.1162) * rad),
    );
    expect(km).toBeCloseTo(cosines * 6371, 6);
    expect(km).toBeCloseTo(46.13, 2);
    const mi = ev("GEO_DISTANCE(37.4133, -122.1162, 37.7394, -122.4398, 'mi')") as number;
    expect(mi).toBeCloseTo((km / 6371) * 3959, 9);
    // To the last digit ksqlDB prints (its test of Palo Alto to London).
    expect(ev("GEO_DISTANCE(37.4439E0, -122.1663E0, 51.5257E0, -0.1122E0)")).toBe(8634.659796579544);
    expect(ev("GEO_DISTANCE(37.4439E0, -122.1663E0, 51.5257E0, -0.1122E0, 'MI')")).toBe(5365.659729188262);
    expect(ev("GEO_DISTANCE(ND, 0, 0, 0)")).toBe(null);
    expect(failure("GEO_DISTANCE(91, 0, 0, 0)")).toContain("valid latitude values");
    expect(failure("GEO_DISTANCE(1, 0, 0, 0, 'parsecs')")).toContain("units parameter must be one of");
  });
});

describe("null functions", () => {
  it("COALESCE", () => {
    expect(ev("COALESCE(NS, S, 'x')")).toBe("streamlab");
    expect(ev("COALESCE(NI, NI)")).toBe(null);
    expect(() => ev("COALESCE(S, 1)")).toThrow("cannot resolve a common type");
  });
  it("IFNULL", () => {
    expect(ev("IFNULL(NS, 'default')")).toBe("default");
    expect(ev("IFNULL(S, 'default')")).toBe("streamlab");
  });
  it("NULLIF", () => {
    expect(ev("NULLIF(S, 'streamlab')")).toBe(null);
    expect(ev("NULLIF(S, 'other')")).toBe("streamlab");
    expect(ev("NULLIF(NS, 'x')")).toBe(null);
  });
});

describe("date and time functions", () => {
  it("TIMESTAMPTOSTRING in the default zone and in a named one", () => {
    expect(ev("TIMESTAMPTOSTRING(TS, 'yyyy-MM-dd HH:mm:ss.SSS')")).toBe("2018-04-04 12:54:16.703");
    expect(ev("TIMESTAMPTOSTRING(TS, 'yyyy-MM-dd HH:mm:ss', 'America/Los_Angeles')")).toBe("2018-04-04 05:54:16");
    expect(ev("TIMESTAMPTOSTRING(TS, 'yyyy-MM-dd''T''HH:mmXXX', 'Europe/Zurich')")).toBe("2018-04-04T14:54+02:00");
    expect(ev("TIMESTAMPTOSTRING(TS, 'EEE, d MMM yyyy h:mm a')", "Asia/Kolkata")).toBe("Wed, 4 Apr 2018 6:24 PM");
    expect(ev("TIMESTAMPTOSTRING(TS, NS)")).toBe(null);
    // Zone abbreviations as Java prints them (ksqlDB's test: 2018-05-11 in London is BST).
    expect(ev("TIMESTAMPTOSTRING(1526075913000, 'yyyy-MM-dd HH:mm:ss zzz', 'Europe/London')")).toBe("2018-05-11 22:58:33 BST");
    expect(ev("TIMESTAMPTOSTRING(1526075913000, 'HH:mm zzz', 'America/Los_Angeles')")).toBe("14:58 PDT");
    expect(failure("TIMESTAMPTOSTRING(TS, 'yyyy', 'Mars/Olympus')")).toContain("Unknown time-zone ID: Mars/Olympus");
  });
  it("STRINGTOTIMESTAMP", () => {
    expect(ev("STRINGTOTIMESTAMP('2018-04-04 12:54:16.703', 'yyyy-MM-dd HH:mm:ss.SSS')")).toBe(1_522_846_456_703);
    expect(ev("STRINGTOTIMESTAMP('2018-04-04 05:54:16', 'yyyy-MM-dd HH:mm:ss', 'America/Los_Angeles')")).toBe(1_522_846_456_000);
    expect(ev("STRINGTOTIMESTAMP('2018-04-04T14:54:16+02:00', 'yyyy-MM-dd''T''HH:mm:ssXXX')")).toBe(1_522_846_456_000);
    expect(ev("STRINGTOTIMESTAMP('04/2018', 'MM/yyyy')")).toBe(Date.UTC(2018, 3, 1));
    // ksqlDB parses case-insensitively: a lower-case "z" is the zero offset.
    expect(ev("STRINGTOTIMESTAMP('2020-05-11T21:58:33z', 'yyyy-MM-dd''T''HH:mm:ssX')")).toBe(1_589_234_313_000);
    expect(failure("STRINGTOTIMESTAMP('yesterday', 'yyyy-MM-dd')")).toContain("could not be parsed at index 0");
  });
  it("FORMAT_TIMESTAMP defaults to UTC", () => {
    expect(typeOf("FORMAT_TIMESTAMP(T, 'yyyy')")).toBe("STRING");
    expect(ev("FORMAT_TIMESTAMP(T, 'yyyy-MM-dd HH:mm')", "Asia/Tokyo")).toBe("2018-04-04 12:54");
    expect(ev("FORMAT_TIMESTAMP(T, 'HH:mm', 'Asia/Tokyo')")).toBe("21:54");
  });
  it("PARSE_TIMESTAMP", () => {
    expect(typeOf("PARSE_TIMESTAMP(S, 'yyyy')")).toBe("TIMESTAMP");
    expect(ev("PARSE_TIMESTAMP('2018-04-04 12:54:16', 'yyyy-MM-dd HH:mm:ss')")).toBe(1_522_846_456_000);
    expect(ev("PARSE_TIMESTAMP('Apr 4 2018', 'MMM d yyyy')")).toBe(Date.UTC(2018, 3, 4));
  });
  it("UNIX_TIMESTAMP reads the engine clock", () => {
    expect(ev("UNIX_TIMESTAMP()")).toBe(1_700_000_123_456);
    expect(ev("UNIX_TIMESTAMP(T)")).toBe(1_522_846_456_703);
  });
  it("UNIX_DATE", () => {
    expect(ev("UNIX_DATE()")).toBe(Math.floor(1_700_000_123_456 / 86_400_000));
    expect(ev("UNIX_DATE(DT)")).toBe(17_000);
  });
  it("FORMAT_DATE", () => {
    expect(ev("FORMAT_DATE(DT, 'yyyy-MM-dd')")).toBe("2016-07-18");
    expect(ev("FORMAT_DATE(DT, 'EEE d MMM yyyy')")).toBe("Mon 18 Jul 2016");
    expect(ev("FORMAT_DATE(CAST(NULL AS DATE), 'yyyy')")).toBe(null);
  });
  it("PARSE_DATE", () => {
    expect(typeOf("PARSE_DATE('2016-07-18', 'yyyy-MM-dd')")).toBe("DATE");
    expect(ev("PARSE_DATE('2016-07-18', 'yyyy-MM-dd')")).toBe(17_000);
    expect(ev("PARSE_DATE('18/07/2016', 'dd/MM/yyyy')")).toBe(17_000);
    expect(ev("PARSE_DATE(NS, 'yyyy')")).toBe(null);
  });
  it("FROM_UNIXTIME", () => {
    expect(typeOf("FROM_UNIXTIME(TS)")).toBe("TIMESTAMP");
    expect(ev("FORMAT_TIMESTAMP(FROM_UNIXTIME(TS), 'yyyy-MM-dd')")).toBe("2018-04-04");
  });
});

describe("JSON and collection functions", () => {
  it("EXTRACTJSONFIELD", () => {
    const doc = `'{"a": {"b": [10, {"c": "deep"}]}, "n": 1.5, "s": "text", "x": null}'`;
    expect(ev(`EXTRACTJSONFIELD(${doc}, '$.a.b[1].c')`)).toBe("deep");
    expect(ev(`EXTRACTJSONFIELD(${doc}, '$.a.b[0]')`)).toBe("10");
    expect(ev(`EXTRACTJSONFIELD(${doc}, '$["s"]')`)).toBe("text");
    expect(failure(`EXTRACTJSONFIELD(${doc}, '$[''s'']')`)).toContain("Invalid JSON path");
    expect(ev(`EXTRACTJSONFIELD(${doc}, '$.a')`)).toBe('{"b":[10,{"c":"deep"}]}');
    expect(ev(`EXTRACTJSONFIELD(${doc}, '$.missing')`)).toBe(null);
    expect(ev(`EXTRACTJSONFIELD(${doc}, '$.x')`)).toBe("null");
    expect(ev("EXTRACTJSONFIELD(NS, '$.a')")).toBe(null);
    expect(failure("EXTRACTJSONFIELD('{}', 'a.b')")).toContain("Invalid JSON path: 'a.b'");
  });
  it("ARRAY_CONTAINS", () => {
    expect(ev("ARRAY_CONTAINS(ARRAY[1, 2, 3], 2)")).toBe(true);
    expect(ev("ARRAY_CONTAINS(ARRAY['a'], 'b')")).toBe(false);
    expect(ev("ARRAY_CONTAINS(SPLIT(NS, ','), 'b')")).toBe(false);
  });
  it("AS_VALUE passes the value through", () => {
    expect(ev("AS_VALUE(S)")).toBe("streamlab");
  });
  it("MAP_KEYS", () => {
    expect(ev("MAP_KEYS(MAP('a' := 1, 'b' := 2))")).toEqual(["a", "b"]);
    expect(typeOf("MAP_KEYS(MAP('a' := 1))")).toBe("ARRAY<STRING>");
    expect(ev("MAP_KEYS(CAST(NULL AS MAP<STRING, INT>))")).toBe(null);
  });
  it("MAP_VALUES", () => {
    expect(ev("MAP_VALUES(MAP('a' := 1, 'b' := 2))")).toEqual([1, 2]);
    expect(typeOf("MAP_VALUES(MAP('a' := 1))")).toBe("ARRAY<INTEGER>");
  });
  it("AS_MAP pairs keys and values by position", () => {
    expect(ev("AS_MAP(ARRAY['x', 'y'], ARRAY[1, 2])['y']")).toBe(2);
    expect(typeOf("AS_MAP(ARRAY['x'], ARRAY[1])")).toBe("MAP<STRING, INTEGER>");
    expect(ev("AS_MAP(ARRAY['x', 'y'], ARRAY[1])['y']")).toBe(null);
  });
  it("ARRAY_LENGTH", () => {
    expect(ev("ARRAY_LENGTH(ARRAY[1, 2, 3])")).toBe(3);
    expect(ev("ARRAY_LENGTH(SPLIT(NS, ','))")).toBe(null);
  });
  it("ARRAY_DISTINCT keeps first occurrences, NULL once", () => {
    expect(ev("ARRAY_DISTINCT(ARRAY[1, 2, 1, NULL, 3, NULL, 2])")).toEqual([1, 2, null, 3]);
    expect(ev("ARRAY_DISTINCT(ARRAY['b', 'a', 'b'])")).toEqual(["b", "a"]);
    expect(ev("ARRAY_DISTINCT(SPLIT(NS, ','))")).toBe(null);
  });
  it("ARRAY_JOIN prints elements as Java does, NULL as 'null'; nested values are refused", () => {
    expect(ev("ARRAY_JOIN(ARRAY[1, 2, 3])")).toBe("1,2,3");
    expect(ev("ARRAY_JOIN(ARRAY[1.0E0, 2.5E0], ' | ')")).toBe("1.0 | 2.5");
    expect(ev("ARRAY_JOIN(ARRAY['a', NULL, 'c'], '-')")).toBe("a-null-c");
    expect(ev("ARRAY_JOIN(ARRAY[TRUE, FALSE], NS)")).toBe("truefalse");
    expect(ev("ARRAY_JOIN(SPLIT(NS, ','))")).toBe(null);
    expect(failure("ARRAY_JOIN(ARRAY[ARRAY[1]])")).toContain("error: hit element of type java.util.ArrayList which is currently not supported");
  });
});

describe("coverage", () => {
  it("every registered function has a test of its own in this file", async () => {
    const { readFileSync } = await import("node:fs");
    const text = readFileSync(new URL(import.meta.url), "utf8");
    const { builtinFunctions } = await import("./index");
    const untested = builtinFunctions()
      .names()
      .filter((name) => !new RegExp(`it\\("${name}[ :(]|it\\("${name}"`).test(text));
    expect(untested).toEqual([]);
  });
});
