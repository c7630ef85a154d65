import { describe, expect, it } from "vitest";
import type { FunctionCall } from "../ast";
import { Decimal } from "../decimal";
import type { ScopeColumn } from "../expressions/evaluate";
import { parseExpression } from "../parse";
import { formatType, SqlTypes, type SqlType } from "../types";
import { aggregateDefinition, resolveAggregateCall, type AggregateFunction } from "./index";

function create(name: string, type?: SqlType, literals: unknown[] = [], config?: Record<string, unknown>): AggregateFunction {
  return aggregateDefinition(name)!.create({ ...(type ? { type } : {}), literals, ...(config ? { config } : {}) });
}

function run(fn: AggregateFunction, values: unknown[]): unknown {
  let agg = fn.initialize();
  for (const v of values) agg = fn.aggregate(v, agg);
  return fn.map(agg);
}

describe("aggregate functions", () => {
  it("COUNT(col) counts non-NULL values and can undo", () => {
    const f = create("COUNT");
    let a = f.initialize();
    for (const v of [1, null, 2, 3]) a = f.aggregate(v, a);
    expect(f.map(a)).toBe(3);
    a = f.undo!(2, a);
    a = f.undo!(null, a);
    expect(f.map(a)).toBe(2);
    expect(f.map(f.merge(a, a))).toBe(4);
  });

  it("SUM keeps the input type, skips NULLs, undoes", () => {
    const ints = create("SUM", SqlTypes.INTEGER);
    expect(ints.returnType).toEqual(SqlTypes.INTEGER);
    expect(run(ints, [1, null, 2])).toBe(3);
    expect(run(ints, [2147483647, 1])).toBe(-2147483648);
    const dec = create("SUM", SqlTypes.decimal(4, 2));
    expect(formatType(dec.returnType)).toBe("DECIMAL(4, 2)");
    expect((run(dec, [Decimal.parse("0.10"), Decimal.parse("0.20")]) as Decimal).toString()).toBe("0.30");
    const d = create("SUM", SqlTypes.DOUBLE);
    expect(d.map(d.undo!(1.5, d.aggregate(1.5, d.aggregate(2, d.initialize()))))).toBe(2);
    expect(() => create("SUM", SqlTypes.STRING)).toThrow("Function 'SUM' does not accept parameters (STRING).");
  });

  it("AVG returns DOUBLE, 0.0 for no values, undoes", () => {
    const f = create("AVG", SqlTypes.INTEGER);
    expect(f.returnType).toEqual(SqlTypes.DOUBLE);
    expect(run(f, [])).toBe(0);
    expect(run(f, [1, 2, null, 4])).toBeCloseTo(7 / 3, 12);
    let a = f.aggregate(10, f.aggregate(20, f.initialize()));
    a = f.undo!(20, a);
    expect(f.map(a)).toBe(10);
  });

  it("MIN skips NULLs and is stream-only", () => {
    expect(run(create("MIN", SqlTypes.BIGINT), [5, null, 3, 9])).toBe(3);
    expect(run(create("MIN", SqlTypes.STRING), ["b", "c", null, "a"])).toBe("a");
    expect(run(create("MIN", SqlTypes.INTEGER), [null])).toBe(null);
    expect(create("MIN", SqlTypes.INTEGER).undo).toBeUndefined();
  });

  it("MAX skips NULLs and is stream-only", () => {
    expect(run(create("MAX", SqlTypes.STRING), ["b", "c", null, "a"])).toBe("c");
    expect(run(create("MAX", SqlTypes.DOUBLE), [-1.5, -0.5, null])).toBe(-0.5);
    expect(run(create("MAX", SqlTypes.INTEGER), [null])).toBe(null);
    expect(create("MAX", SqlTypes.INTEGER).undo).toBeUndefined();
  });

  it("COUNT_DISTINCT counts distinct non-NULL values", () => {
    const f = create("COUNT_DISTINCT", SqlTypes.STRING);
    expect(run(f, ["a", "b", "a", null, "c"])).toBe(3);
    const x = f.aggregate("a", f.initialize());
    const y = f.aggregate("z", f.aggregate("a", f.initialize()));
    expect(f.map(f.merge(x, y))).toBe(2);
  });

  it("LATEST_BY_OFFSET ignores NULLs unless told not to, and takes an n", () => {
    expect(run(create("LATEST_BY_OFFSET", SqlTypes.STRING), ["a", "b", null])).toBe("b");
    expect(run(create("LATEST_BY_OFFSET", SqlTypes.STRING, [false]), ["a", "b", null])).toBe(null);
    expect(run(create("LATEST_BY_OFFSET", SqlTypes.INTEGER, [2]), [1, 2, null, 3])).toEqual([2, 3]);
    expect(create("LATEST_BY_OFFSET", SqlTypes.INTEGER).undo).toBeUndefined();
    expect(() => create("LATEST_BY_OFFSET", SqlTypes.INTEGER, [0])).toThrow("latestN must be 1 or greater");
  });

  it("EARLIEST_BY_OFFSET", () => {
    expect(run(create("EARLIEST_BY_OFFSET", SqlTypes.STRING), [null, "a", "b"])).toBe("a");
    expect(run(create("EARLIEST_BY_OFFSET", SqlTypes.STRING, [false]), [null, "a"])).toBe(null);
    expect(run(create("EARLIEST_BY_OFFSET", SqlTypes.INTEGER, [2]), [1, 2, 3])).toEqual([1, 2]);
  });

  it("COLLECT_LIST keeps NULLs and duplicates, honours the limit, undoes the last equal entry", () => {
    const f = create("COLLECT_LIST", SqlTypes.STRING);
    expect(run(f, ["a", null, "a"])).toEqual(["a", null, "a"]);
    expect(run(create("COLLECT_LIST", SqlTypes.STRING, [], { "ksql.functions.collect_list.limit": 2 }), ["a", "b", "c"])).toEqual(["a", "b"]);
    const a = f.aggregate("x", f.aggregate("y", f.aggregate("x", f.initialize())));
    expect(f.map(f.undo!("x", a))).toEqual(["x", "y"]);
  });

  it("COLLECT_SET keeps first occurrences and is stream-only", () => {
    expect(run(create("COLLECT_SET", SqlTypes.INTEGER), [3, 1, 3, null, 1, null])).toEqual([3, 1, null]);
    expect(create("COLLECT_SET", SqlTypes.INTEGER).undo).toBeUndefined();
  });

  it("HISTOGRAM counts values and undoes down to removal", () => {
    const f = create("HISTOGRAM", SqlTypes.STRING);
    let a = f.initialize();
    for (const v of ["a", "b", "a"]) a = f.aggregate(v, a);
    expect([...(f.map(a) as Map<string, number>)]).toEqual([["a", 2], ["b", 1]]);
    a = f.undo!("b", a);
    expect([...(f.map(a) as Map<string, number>)]).toEqual([["a", 2]]);
  });

  it("TOPK keeps the k largest, duplicates included, NULLs skipped", () => {
    expect(run(create("TOPK", SqlTypes.INTEGER, [3]), [5, 1, 9, null, 9, 7])).toEqual([9, 9, 7]);
    expect(run(create("TOPK", SqlTypes.STRING, [2]), ["a", "c", "b"])).toEqual(["c", "b"]);
    expect(() => create("TOPK", SqlTypes.INTEGER, [0])).toThrow("positive INTEGER");
  });

  it("TOPKDISTINCT keeps the k largest distinct values", () => {
    expect(run(create("TOPKDISTINCT", SqlTypes.INTEGER, [3]), [5, 1, 9, 9, 7])).toEqual([9, 7, 5]);
    expect(run(create("TOPKDISTINCT", SqlTypes.INTEGER, [3]), [2, 2])).toEqual([2]);
  });

  it("aggregates never mutate a previous aggregate value", () => {
    const f = create("COLLECT_LIST", SqlTypes.INTEGER);
    const before = f.aggregate(1, f.initialize()) as unknown[];
    const after = f.aggregate(2, before);
    expect(before).toEqual([1]);
    expect(after).toEqual([1, 2]);
  });
});

describe("resolving aggregate calls", () => {
  const columns: ScopeColumn[] = [
    { name: "PRICE", type: SqlTypes.DOUBLE },
    { name: "REGION", type: SqlTypes.STRING },
  ];
  const call = (text: string) => parseExpression(text) as FunctionCall;

  it("compiles the argument and passes literal parameters", () => {
    const sum = resolveAggregateCall(call("SUM(price * 2)"), { columns });
    expect(sum.function.returnType).toEqual(SqlTypes.DOUBLE);
    expect(sum.argument!.evaluate({ PRICE: 1.5 }, { now: () => 0, random: () => 0, timeZone: "UTC" })).toBe(3);
    expect(sum.text).toBe("SUM((PRICE * 2))");
    const top = resolveAggregateCall(call("TOPK(price, 2)"), { columns });
    expect(run(top.function, [1, 3, 2])).toEqual([3, 2]);
    const count = resolveAggregateCall(call("COUNT(*)"), { columns });
    expect(count.argument).toBeUndefined();
  });

  it("refuses stream-only functions over a table, and non-literal parameters", () => {
    expect(() => resolveAggregateCall(call("MAX(price)"), { columns, table: true })).toThrow("cannot be applied to a table source");
    expect(resolveAggregateCall(call("SUM(price)"), { columns, table: true }).definition.supportsTables).toBe(true);
    expect(() => resolveAggregateCall(call("TOPK(price, price)"), { columns })).toThrow("must be literals");
  });
});

describe("coverage", () => {
  it("every aggregate function has a test of its own in this file", async () => {
    const { readFileSync } = await import("node:fs");
    const text = readFileSync(new URL(import.meta.url), "utf8");
    const { aggregateNames } = await import("./index");
    expect(aggregateNames().filter((name) => !new RegExp(`it\\("${name}[ (:"]`).test(text))).toEqual([]);
  });
});
