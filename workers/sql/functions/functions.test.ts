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
    expect(failure("TIMESTAMPTOSTRING(TS, 'yyyy', 'Mars/Olympus')")).toContain("Unknown time-zone ID: Mars/Olympus");
  });
  it("STRINGTOTIMESTAMP", () => {
    expect(ev("STRINGTOTIMESTAMP('2018-04-04 12:54:16.703', 'yyyy-MM-dd HH:mm:ss.SSS')")).toBe(1_522_846_456_703);
    expect(ev("STRINGTOTIMESTAMP('2018-04-04 05:54:16', 'yyyy-MM-dd HH:mm:ss', 'America/Los_Angeles')")).toBe(1_522_846_456_000);
    expect(ev("STRINGTOTIMESTAMP('2018-04-04T14:54:16+02:00', 'yyyy-MM-dd''T''HH:mm:ssXXX')")).toBe(1_522_846_456_000);
    expect(ev("STRINGTOTIMESTAMP('04/2018', 'MM/yyyy')")).toBe(Date.UTC(2018, 3, 1));
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
  it("map functions", () => {
    expect(ev("MAP_KEYS(MAP('a' := 1, 'b' := 2))")).toEqual(["a", "b"]);
    expect(ev("MAP_VALUES(MAP('a' := 1, 'b' := 2))")).toEqual([1, 2]);
    expect(ev("AS_MAP(ARRAY['x', 'y'], ARRAY[1, 2])['y']")).toBe(2);
    expect(ev("ARRAY_LENGTH(ARRAY[1, 2, 3])")).toBe(3);
  });
});
