import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../runtime/clock";
import { SeededRandom } from "../../runtime/random";
import { Decimal } from "../decimal";
import { KsqlException } from "../errors";
import { evalContext } from "../functions/registry";
import { parseExpression } from "../parse";
import { formatType, SqlTypes } from "../types";
import { compileExpression, compilePredicate, inferType, type ScopeColumn } from "./evaluate";

const columns: ScopeColumn[] = [
  { name: "I", type: SqlTypes.INTEGER },
  { name: "B", type: SqlTypes.BIGINT },
  { name: "D", type: SqlTypes.DOUBLE },
  { name: "S", type: SqlTypes.STRING },
  { name: "T", type: SqlTypes.BOOLEAN },
  { name: "N", type: SqlTypes.INTEGER },
  { name: "NB", type: SqlTypes.BOOLEAN },
  { name: "DEC", type: SqlTypes.decimal(5, 2) },
  { name: "ARR", type: SqlTypes.array(SqlTypes.STRING) },
  { name: "M", type: SqlTypes.map(SqlTypes.STRING, SqlTypes.INTEGER) },
  { name: "ADDRESS", type: SqlTypes.struct([{ name: "COUNTRY", type: SqlTypes.STRING }, { name: "ZIP", type: SqlTypes.INTEGER }]) },
  { name: "TS", type: SqlTypes.TIMESTAMP },
];

const row = {
  I: 7,
  B: 10_000_000_000,
  D: 2.5,
  S: "Hello",
  T: true,
  N: null,
  NB: null,
  DEC: Decimal.parse("12.34"),
  ARR: ["a", "b", "c"],
  M: new Map([["k", 1]]),
  ADDRESS: { COUNTRY: "Switzerland", ZIP: 8000 },
  TS: 1_600_000_000_000,
};

const errors: unknown[] = [];
const ctx = evalContext({ clock: new VirtualClock(1_700_000_000_000), random: new SeededRandom(1), onError: (e) => errors.push(e) });

function ev(text: string, r: Record<string, unknown> = row): unknown {
  return compileExpression(parseExpression(text), { columns }).evaluate(r, ctx);
}

function typeOf(text: string): string {
  return formatType(inferType(parseExpression(text), { columns }));
}

function compileError(text: string, clause?: string): KsqlException {
  try {
    compileExpression(parseExpression(text), { columns, ...(clause ? { clause } : {}) });
  } catch (e) {
    if (e instanceof KsqlException) return e;
    throw e;
  }
  throw new Error(`expected a compile error for ${text}`);
}

describe("types", () => {
  it("arithmetic widens INTEGER < BIGINT < DECIMAL < DOUBLE and sizes DECIMALs as ksqlDB", () => {
    expect(typeOf("I + I")).toBe("INTEGER");
    expect(typeOf("I + B")).toBe("BIGINT");
    expect(typeOf("B * D")).toBe("DOUBLE");
    expect(typeOf("I + DEC")).toBe("DECIMAL(13, 2)");
    expect(typeOf("DEC * DEC")).toBe("DECIMAL(11, 4)");
    expect(typeOf("DEC / DEC")).toBe("DECIMAL(13, 8)");
    expect(typeOf("1.5")).toBe("DECIMAL(2, 1)");
    expect(typeOf("0.05")).toBe("DECIMAL(3, 2)");
    expect(typeOf("S + S")).toBe("STRING");
    expect(typeOf("ADDRESS->ZIP")).toBe("INTEGER");
    expect(typeOf("ARR[1]")).toBe("STRING");
    expect(typeOf("CASE WHEN T THEN 1 ELSE 2.5E0 END")).toBe("DOUBLE");
    expect(typeOf("ARRAY[1, 2]")).toBe("ARRAY<INTEGER>");
    expect(typeOf("MAP('a' := 1)")).toBe("MAP<STRING, INTEGER>");
    expect(typeOf("STRUCT(a := 1, b := 'x')")).toBe("STRUCT<A INTEGER, B STRING>");
  });

  it("errors name the column or expression and its position", () => {
    const e1 = compileError("S + nope", "SELECT");
    expect(e1.message).toBe("Line: 1, Col: 5: SELECT column 'NOPE' cannot be resolved.");
    expect([e1.line, e1.column]).toEqual([1, 5]);
    expect(compileError("S = 10").message).toContain("Cannot compare S (STRING) to 10 (INTEGER) with EQUAL.");
    expect(compileError("S * 2").message).toContain("Unsupported arithmetic types. STRING INTEGER");
    expect(compileError("FOO(1)").message).toContain("Can't find any functions with the name 'FOO'");
    expect(compileError("UCASE(1)").message).toContain("Function 'UCASE' does not accept parameters (INTEGER).");
    expect(compileError("COUNT(*)").message).toContain("Use of aggregate function COUNT requires a GROUP BY clause.");
    expect(compileError("ADDRESS->CITY").message).toContain("Could not find field 'CITY' in 'ADDRESS'.");
    expect(compileError("NULL").message).toContain("Can't infer a type of null");
    expect(compileError("T AND S").message).toContain("AND operand type should be boolean");
    expect(compileError("CASE WHEN T THEN 1 ELSE 'x' END").message).toContain("Invalid Case expression");
    expect(compileError("ARRAY[1, 'a']").message).toContain("mismatching types");
  });

  it("ambiguous and qualified columns", () => {
    const scope: ScopeColumn[] = [
      { name: "ID", type: SqlTypes.INTEGER, source: "A", slot: "A_ID" },
      { name: "ID", type: SqlTypes.INTEGER, source: "B", slot: "B_ID" },
    ];
    expect(() => compileExpression(parseExpression("ID"), { columns: scope })).toThrow("Column 'ID' is ambiguous. Could be A.ID or B.ID.");
    const c = compileExpression(parseExpression("A.ID + B.ID"), { columns: scope });
    expect(c.evaluate({ A_ID: 1, B_ID: 2 }, ctx)).toBe(3);
  });
});

describe("null semantics", () => {
  it("comparisons with NULL are FALSE, as in ksqlDB's generated code", () => {
    expect(ev("N = 1")).toBe(false);
    expect(ev("N <> 1")).toBe(false);
    expect(ev("NOT (N = 1)")).toBe(true);
    expect(ev("N IS NULL")).toBe(true);
    expect(ev("N IS NOT NULL")).toBe(false);
    expect(ev("N IS DISTINCT FROM 1")).toBe(true);
    expect(ev("N IS NOT DISTINCT FROM NULL")).toBe(true);
    expect(ev("I IS DISTINCT FROM 7")).toBe(false);
  });

  it("AND, OR and NOT use three-valued logic over NULL booleans", () => {
    expect(ev("NB AND FALSE")).toBe(false);
    expect(ev("NB AND TRUE")).toBe(null);
    expect(ev("NB OR TRUE")).toBe(true);
    expect(ev("NB OR FALSE")).toBe(null);
    expect(ev("NOT NB")).toBe(null);
    expect(ev("T AND NOT FALSE")).toBe(true);
  });

  it("arithmetic with NULL is NULL; IN never matches NULL", () => {
    expect(ev("N + 1")).toBe(null);
    expect(ev("I IN (1, N, 7)")).toBe(true);
    expect(ev("N IN (1, N)")).toBe(false);
    expect(ev("I NOT IN (1, 2)")).toBe(true);
  });

  it("a WHERE predicate passes only on TRUE", () => {
    const p = compilePredicate(parseExpression("NB OR I > 5"), { columns, clause: "WHERE" });
    expect(p(row, ctx)).toBe(true);
    expect(p({ ...row, I: 1 }, ctx)).toBe(false);
    expect(() => compilePredicate(parseExpression("I + 1"), { columns })).toThrow(/Should evaluate to boolean/);
  });
});

describe("arithmetic", () => {
  it("INTEGER wraps at 32 bits and divides by truncation; BIGINT truncates; DOUBLE is IEEE", () => {
    expect(ev("2147483647 + 1")).toBe(-2147483648);
    expect(ev("I / 2")).toBe(3);
    expect(ev("-7 / 2")).toBe(-3);
    expect(ev("-7 % 3")).toBe(-1);
    expect(ev("B / 3")).toBe(3_333_333_333);
    expect(ev("D / 0")).toBe(Infinity);
    expect(ev("-I")).toBe(-7);
  });

  it("division by zero of integers fails the record: NULL and an error report", () => {
    errors.length = 0;
    expect(ev("I / 0")).toBe(null);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain("/ by zero");
  });

  it("DECIMAL arithmetic is exact at the result scale", () => {
    expect((ev("DEC + 0.01") as Decimal).toString()).toBe("12.35");
    expect((ev("DEC * 2") as Decimal).toString()).toBe("24.68");
    expect((ev("0.1 + 0.2") as Decimal).toString()).toBe("0.3");
    expect((ev("DEC / 3") as Decimal).toString()).toBe("4.1133333333333");
    expect(ev("DEC * 1.5E0")).toBeCloseTo(18.51, 10);
  });

  it("string + string concatenates, as does ||", () => {
    expect(ev("S + ' world'")).toBe("Hello world");
    expect(ev("S || '!' || CAST(N AS STRING)")).toBe("Hello!");
    expect(compileError("S || N").message).toContain("Function 'CONCAT' does not accept parameters (STRING, INTEGER).");
  });
});

describe("predicates and conditionals", () => {
  it("comparisons across numeric types and strings", () => {
    expect(ev("I < B")).toBe(true);
    expect(ev("DEC > 12")).toBe(true);
    expect(ev("DEC = 12.340")).toBe(true);
    expect(ev("S < 'World'")).toBe(true);
    expect(ev("D BETWEEN 2 AND 3")).toBe(true);
    expect(ev("D NOT BETWEEN 2 AND 3")).toBe(false);
    expect(ev("TS > '2020-01-01T00:00:00'")).toBe(true);
    expect(ev("ARR = ARRAY['a', 'b', 'c']")).toBe(true);
  });

  it("LIKE with % and _ and an escape character", () => {
    expect(ev("S LIKE 'H%'")).toBe(true);
    expect(ev("S LIKE 'h%'")).toBe(false);
    expect(ev("S LIKE 'H_llo'")).toBe(true);
    expect(ev("S NOT LIKE '%x%'")).toBe(true);
    expect(ev("'50%' LIKE '50!%' ESCAPE '!'")).toBe(true);
    expect(ev("'500' LIKE '50!%' ESCAPE '!'")).toBe(false);
    expect(ev("'a.c' LIKE 'a.c'")).toBe(true);
    expect(ev("'abc' LIKE 'a.c'")).toBe(false);
  });

  it("searched and simple CASE", () => {
    expect(ev("CASE WHEN I > 10 THEN 'big' WHEN I > 5 THEN 'medium' ELSE 'small' END")).toBe("medium");
    expect(ev("CASE WHEN NB THEN 'x' END")).toBe(null);
    expect(ev("CASE I WHEN 1 THEN 'one' WHEN 7 THEN 'seven' END")).toBe("seven");
    expect(ev("CASE N WHEN NULL THEN 'null' ELSE 'other' END")).toBe("other");
  });
});

describe("structure access", () => {
  it("arrays are 1-based, negative from the end, NULL out of range; maps by key; struct fields", () => {
    expect(ev("ARR[1]")).toBe("a");
    expect(ev("ARR[-1]")).toBe("c");
    expect(ev("ARR[0]")).toBe(null);
    expect(ev("ARR[4]")).toBe(null);
    expect(ev("M['k']")).toBe(1);
    expect(ev("M['z']")).toBe(null);
    expect(ev("ADDRESS->COUNTRY")).toBe("Switzerland");
    expect(ev("ADDRESS->ZIP", { ...row, ADDRESS: null })).toBe(null);
    expect(ev("ARRAY[1, 2, 3][2]")).toBe(2);
    expect(ev("STRUCT(a := 1, b := 'x')->B")).toBe("x");
    expect(ev("MAP('a' := 1, 'b' := 2)['b']")).toBe(2);
  });
});

describe("CAST", () => {
  it("between numbers, strings, booleans and temporal types", () => {
    expect(ev("CAST(D AS INT)")).toBe(2);
    expect(ev("CAST(-2.9E0 AS BIGINT)")).toBe(-2);
    expect(ev("CAST('42' AS INT)")).toBe(42);
    expect(ev("CAST(I AS STRING)")).toBe("7");
    expect(ev("CAST(D AS STRING)")).toBe("2.5");
    expect(ev("CAST(10000000.0E0 AS STRING)")).toBe("1.0E7");
    expect(ev("CAST(1 AS DOUBLE)")).toBe(1);
    expect(ev("CAST('TRUE' AS BOOLEAN)")).toBe(true);
    expect(ev("CAST('yes' AS BOOLEAN)")).toBe(false);
    expect((ev("CAST(D AS DECIMAL(4, 2))") as Decimal).toString()).toBe("2.50");
    expect(ev("CAST(TS AS STRING)")).toBe("2020-09-13T12:26:40.000");
    expect(ev("CAST('2020-09-13T12:26:40' AS TIMESTAMP)")).toBe(1_600_000_000_000);
    expect(ev("CAST(TS AS DATE)")).toBe(18518);
    expect(ev("CAST(ARRAY[1, 2] AS ARRAY<STRING>)")).toEqual(["1", "2"]);
    expect(ev("CAST(NULL AS INT)")).toBe(null);
  });

  it("a string that is not a number fails the record", () => {
    errors.length = 0;
    expect(ev("CAST(S AS INT)")).toBe(null);
    expect(String(errors[0])).toContain("Cannot cast 'Hello' to INTEGER");
  });
});

describe("substitution for the planner", () => {
  it("an aggregate call can be read from a column the planner computed", () => {
    const c = compileExpression(parseExpression("COUNT(*) + 1"), {
      columns,
      substitute: (e) => (e.kind === "FunctionCall" && e.name === "COUNT" ? { name: "KSQL_AGG_VARIABLE_0", type: SqlTypes.BIGINT } : undefined),
    });
    expect(c.type).toEqual(SqlTypes.BIGINT);
    expect(c.evaluate({ KSQL_AGG_VARIABLE_0: 41 }, ctx)).toBe(42);
    expect(c.text).toBe("(COUNT(*) + 1)");
  });
});
