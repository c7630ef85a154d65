/**
 * Compiles an expression once into a tree of closures over a row, typing it on the way,
 * so that evaluating it per record never walks the AST again.
 *
 * Semantics follow ksqlDB's generated code: a comparison with a NULL side is FALSE (not
 * unknown), IN never matches NULL, INTEGER arithmetic wraps at 32 bits and divides by
 * truncation, BIGINT divides by truncation, DECIMAL arithmetic is exact at ksqlDB's result
 * scale. AND, OR and NOT over NULL booleans use SQL's three-valued logic. A function that
 * throws on a record makes the whole expression NULL and is reported to `ctx.onError`.
 */
import type { ColumnRef, ComparisonOperator, Expression, Loc } from "../ast";
import { isAggregateFunction } from "../aggregates/registry";
import { Decimal } from "../decimal";
import { KsqlException, KsqlFunctionException } from "../errors";
import { builtinFunctions } from "../functions";
import { commonType } from "../functions/nulls";
import { resolveFunction, typeName, type ArgumentInfo, type EvalContext, type FunctionRegistry } from "../functions/registry";
import {
  arithmeticResultType,
  formatType,
  isNumeric,
  isTemporal,
  SqlTypes,
  structField,
  type SqlDecimalType,
  type SqlType,
} from "../types";
import { compareValues, toDecimal, valuesEqual, type Row } from "../values";
import { castFunction, canCast } from "./cast";
import { formatExpression } from "./format-expression";

/** A column an expression may reference. */
export interface ScopeColumn {
  name: string;
  type: SqlType;
  /** The source (alias) that provides it, for `source.name` references. */
  source?: string;
  /** The property of the row object holding the value; defaults to `name`. */
  slot?: string;
}

export interface CompileOptions {
  columns: readonly ScopeColumn[];
  /** Clause name for messages: "SELECT column 'X' cannot be resolved." */
  clause?: string;
  functions?: FunctionRegistry;
  /**
   * Lets the planner have a column stand in for a sub-expression: an aggregate's result
   * in a HAVING or SELECT, a GROUP BY expression already computed into the key.
   */
  substitute?: (e: Expression) => ScopeColumn | undefined;
}

export type Evaluator = (row: Row, ctx: EvalContext) => unknown;

export interface CompiledExpression {
  type: SqlType;
  /** The expression as SQL text. */
  text: string;
  /** Never throws: a failure on a record is reported to ctx.onError and yields NULL. */
  evaluate: Evaluator;
  /** Throws the failure instead (for callers that handle errors themselves). */
  evaluateStrict: Evaluator;
}

/** Pseudo columns a source can offer, with their types. */
export const PSEUDO_COLUMNS: Readonly<Record<string, SqlType>> = {
  ROWTIME: SqlTypes.BIGINT,
  ROWPARTITION: SqlTypes.INTEGER,
  ROWOFFSET: SqlTypes.BIGINT,
  WINDOWSTART: SqlTypes.BIGINT,
  WINDOWEND: SqlTypes.BIGINT,
};

interface Compiled {
  /** null: the NULL literal, which has no type of its own. */
  type: SqlType | null;
  fn: Evaluator;
  constant?: { value: unknown };
}

let defaultFunctions: FunctionRegistry | undefined;

const readers = new Map<string, Evaluator>();

/**
 * Reads one column of a row. Each column gets its own generated function: with one shared
 * closure (`row[slot]`) every column would go through the same property-access site, which
 * the JavaScript engine treats as megamorphic and slows down on every record. The slot is
 * embedded with JSON.stringify, so any name is safe.
 */
function slotReader(slot: string): Evaluator {
  let f = readers.get(slot);
  if (!f) {
    f = new Function(`return function read(row) { const v = row[${JSON.stringify(slot)}]; return v === undefined ? null : v; };`)() as Evaluator;
    readers.set(slot, f);
  }
  return f;
}

function at(loc: Loc): { line: number; column: number } {
  return { line: loc.line, column: loc.column };
}

function fail(loc: Loc, message: string): never {
  throw new KsqlException(message, at(loc));
}

const constant = (type: SqlType | null, value: unknown): Compiled => ({ type, fn: () => value, constant: { value } });

const COMPARISON_NAMES: Record<ComparisonOperator, string> = {
  "=": "EQUAL",
  "<>": "NOT_EQUAL",
  "<": "LESS_THAN",
  "<=": "LESS_THAN_OR_EQUAL",
  ">": "GREATER_THAN",
  ">=": "GREATER_THAN_OR_EQUAL",
  "IS DISTINCT FROM": "IS_DISTINCT_FROM",
  "IS NOT DISTINCT FROM": "IS_NOT_DISTINCT_FROM",
};

function isEqualityOnly(op: ComparisonOperator): boolean {
  return op === "=" || op === "<>" || op === "IS DISTINCT FROM" || op === "IS NOT DISTINCT FROM";
}

/** ksqlDB's ComparisonUtil: which types may be compared with which operators. */
function comparable(l: SqlType | null, r: SqlType | null, op: ComparisonOperator): boolean {
  if (l === null || r === null) return true;
  if (isNumeric(l) && isNumeric(r)) return true;
  if (isTemporal(l) && (isTemporal(r) || r.base === "STRING")) return true;
  if (isTemporal(r) && l.base === "STRING") return true;
  if (l.base !== r.base) return false;
  if (l.base === "BOOLEAN" || l.base === "ARRAY" || l.base === "MAP" || l.base === "STRUCT") return isEqualityOnly(op);
  return true;
}

/** Strings compared with a temporal value are read as one (ISO-8601). */
function temporalFromString(target: SqlType): (v: unknown) => unknown {
  return (v) => {
    if (typeof v !== "string") return v;
    const cast = castFunction(SqlTypes.STRING, target);
    return cast(v);
  };
}

class Compiler {
  private readonly functions: FunctionRegistry;

  constructor(private readonly options: CompileOptions) {
    this.functions = options.functions ?? (defaultFunctions ??= builtinFunctions());
  }

  compile(e: Expression): Compiled {
    const sub = this.options.substitute?.(e);
    if (sub) return this.readColumn(sub);
    switch (e.kind) {
      case "NullLiteral":
        return constant(null, null);
      case "BooleanLiteral":
        return constant(SqlTypes.BOOLEAN, e.value);
      case "IntegerLiteral":
        return constant(SqlTypes.INTEGER, e.value);
      case "BigintLiteral":
        return constant(SqlTypes.BIGINT, e.value);
      case "DoubleLiteral":
        return constant(SqlTypes.DOUBLE, e.value);
      case "StringLiteral":
        return constant(SqlTypes.STRING, e.value);
      case "DecimalLiteral": {
        const d = Decimal.parse(e.text);
        const abs = d.abs();
        // DecimalUtil.fromValue: values in (-1, 1) get precision scale + 1.
        const precision = abs.compareTo(Decimal.fromInteger(1)) < 0 ? d.scale + 1 : Math.max(d.precision(), d.scale);
        return constant(SqlTypes.decimal(precision, d.scale), d);
      }
      case "ColumnRef":
        return this.readColumn(this.resolve(e));
      case "Dereference":
        return this.dereference(e.base, e.field, e.loc);
      case "Subscript":
        return this.subscript(e.base, e.index, e.loc);
      case "FunctionCall":
        return this.call(e.name, e.args, e.star, e.loc);
      case "TimeUnitArgument":
        return fail(e.loc, `Unexpected time unit ${e.unit}: no function here takes a time unit argument.`);
      case "Arithmetic":
        return this.arithmetic(e.op, e.left, e.right, e.loc);
      case "UnaryArithmetic":
        return this.unary(e.sign, e.operand, e.loc);
      case "Comparison":
        return this.comparison(e.op, e.left, e.right, e.loc);
      case "Logical":
        return this.logical(e.op, e.left, e.right, e.loc);
      case "Not": {
        const v = this.boolean(e.operand, "NOT");
        const fn = v.fn;
        return { type: SqlTypes.BOOLEAN, fn: (r, c) => {
          const x = fn(r, c);
          return x === null ? null : !x;
        } };
      }
      case "IsNull": {
        const v = this.compile(e.value).fn;
        return e.negated
          ? { type: SqlTypes.BOOLEAN, fn: (r, c) => v(r, c) !== null }
          : { type: SqlTypes.BOOLEAN, fn: (r, c) => v(r, c) === null };
      }
      case "Between": {
        const low = this.comparison(">=", e.value, e.low, e.loc).fn;
        const high = this.comparison("<=", e.value, e.high, e.loc).fn;
        const fn: Evaluator = (r, c) => (low(r, c) as boolean) && (high(r, c) as boolean);
        return { type: SqlTypes.BOOLEAN, fn: e.negated ? (r, c) => !fn(r, c) : fn };
      }
      case "InList":
        return this.inList(e.value, e.list, e.negated, e.loc);
      case "Like":
        return this.like(e.value, e.pattern, e.escape, e.negated, e.loc);
      case "SearchedCase":
        return this.searchedCase(e.whens, e.else, e.loc);
      case "SimpleCase":
        return this.simpleCase(e.operand, e.whens, e.else, e.loc);
      case "Cast": {
        const v = this.compile(e.value);
        if (v.type === null) return constant(e.type, null);
        if (!canCast(v.type, e.type)) fail(e.loc, `Cast of ${formatType(v.type)} to ${formatType(e.type)} is not supported`);
        const cast = castFunction(v.type, e.type);
        const fn = v.fn;
        return { type: e.type, fn: (r, c) => cast(fn(r, c)) };
      }
      case "ArrayConstructor":
        return this.arrayConstructor(e.elements, e.loc, formatExpression(e));
      case "MapConstructor":
        return this.mapConstructor(e.entries, e.loc);
      case "StructConstructor":
        return this.structConstructor(e.fields, e.loc);
    }
  }

  private resolve(ref: ColumnRef): ScopeColumn {
    const cols = this.options.columns;
    const prefix = this.options.clause ? `${this.options.clause} column` : "Column";
    if (ref.source !== undefined) {
      const found = cols.find((c) => c.source === ref.source && c.name === ref.name);
      if (!found) fail(ref.loc, `${prefix} '${ref.source}.${ref.name}' cannot be resolved.`);
      return found;
    }
    const matches = cols.filter((c) => c.name === ref.name);
    if (matches.length === 0) fail(ref.loc, `${prefix} '${ref.name}' cannot be resolved.`);
    const sources = [...new Set(matches.map((c) => c.source))];
    if (sources.length > 1) {
      const options = sources.map((s) => `${s}.${ref.name}`).sort();
      fail(ref.loc, `Column '${ref.name}' is ambiguous. Could be ${options.slice(0, -1).join(", ")} or ${options[options.length - 1]}.`);
    }
    return matches[0]!;
  }

  private readColumn(col: ScopeColumn): Compiled {
    return { type: col.type, fn: slotReader(col.slot ?? col.name) };
  }

  private boolean(e: Expression, what: string): Compiled {
    const c = this.compile(e);
    if (c.type !== null && c.type.base !== "BOOLEAN") {
      fail(e.loc, `${what} operand type should be boolean. Type for '${formatExpression(e)}' is ${formatType(c.type)}`);
    }
    return c;
  }

  private dereference(baseExpr: Expression, field: string, loc: Loc): Compiled {
    const base = this.compile(baseExpr);
    if (base.type === null) return constant(null, null);
    if (base.type.base !== "STRUCT") fail(loc, `Can't dereference field '${field}' of '${formatExpression(baseExpr)}': it is ${formatType(base.type)}, not a STRUCT.`);
    const f = structField(base.type, field);
    if (!f) fail(loc, `Could not find field '${field}' in '${formatExpression(baseExpr)}'.`);
    const fn = base.fn;
    return {
      type: f.type,
      fn: (r, c) => {
        const s = fn(r, c) as Record<string, unknown> | null;
        if (s === null) return null;
        const v = s[field];
        return v === undefined ? null : v;
      },
    };
  }

  private subscript(baseExpr: Expression, indexExpr: Expression, loc: Loc): Compiled {
    const base = this.compile(baseExpr);
    const index = this.compile(indexExpr);
    const b = base.fn;
    const i = index.fn;
    if (base.type?.base === "ARRAY") {
      if (index.type !== null && index.type.base !== "INTEGER" && index.type.base !== "BIGINT") {
        fail(indexExpr.loc, `Array index must be INTEGER, got ${formatType(index.type)}`);
      }
      return {
        type: base.type.element,
        fn: (r, c) => {
          const arr = b(r, c) as unknown[] | null;
          const n = i(r, c) as number | null;
          if (arr === null || n === null) return null;
          // 1-based; negative counts from the end.
          const k = n >= 0 ? n - 1 : arr.length + n;
          if (k < 0 || k >= arr.length) return null;
          const v = arr[k];
          return v === undefined ? null : v;
        },
      };
    }
    if (base.type?.base === "MAP") {
      const keyType = base.type.key;
      if (index.type !== null && index.type.base !== keyType.base && !(isNumeric(index.type) && isNumeric(keyType))) {
        fail(indexExpr.loc, `Map key must be ${formatType(keyType)}, got ${formatType(index.type)}`);
      }
      return {
        type: base.type.value,
        fn: (r, c) => {
          const m = b(r, c) as Map<unknown, unknown> | null;
          const k = i(r, c);
          if (m === null || k === null) return null;
          const direct = m.get(k);
          if (direct !== undefined) return direct;
          for (const [key, v] of m) if (valuesEqual(key, k)) return v;
          return null;
        },
      };
    }
    return fail(loc, `Subscript expected either ARRAY or MAP, got ${base.type === null ? "null" : formatType(base.type)} in '${formatExpression(baseExpr)}'.`);
  }

  private call(name: string, argExprs: Expression[], star: boolean, loc: Loc): Compiled {
    if (isAggregateFunction(name)) {
      fail(loc, `Use of aggregate function ${name} requires a GROUP BY clause.`);
    }
    const fn = this.functions.get(name);
    if (!fn) fail(loc, `Can't find any functions with the name '${name}'`);
    if (star) fail(loc, `Function '${name}' does not accept '*' as an argument.`);
    const args = argExprs.map((a) => this.compile(a));
    const info: ArgumentInfo[] = args.map((a) => (a.constant ? { type: a.type, constant: a.constant } : { type: a.type }));
    let resolved;
    try {
      resolved = resolveFunction(fn, info);
    } catch (e) {
      fail(loc, (e as Error).message.replace(/^INVALID_REQUEST: /, ""));
    }
    const invoke = resolved.invoke;
    const fns = args.map((a) => a.fn);
    const text = `${name}(${argExprs.map(formatExpression).join(", ")})`;
    const run: Evaluator = (r, c) => {
      const values = new Array<unknown>(fns.length);
      for (let k = 0; k < fns.length; k++) values[k] = fns[k]!(r, c);
      try {
        const v = invoke(values, c);
        return v === undefined ? null : v;
      } catch (e) {
        if (e instanceof KsqlFunctionException) throw e;
        throw new KsqlFunctionException(`Failed to invoke function ${text}: ${(e as Error).message}`);
      }
    };
    return { type: resolved.returnType, fn: run };
  }

  private arithmetic(op: "+" | "-" | "*" | "/" | "%", le: Expression, re: Expression, loc: Loc): Compiled {
    const l = this.compile(le);
    const r = this.compile(re);
    if (l.type === null || r.type === null) {
      fail(loc, `Arithmetic on types ${typeName(l.type)} and ${typeName(r.type)} are not supported.`);
    }
    const type = arithmeticResultType(op, l.type, r.type);
    if (!type) fail(loc, `Error processing expression: ${formatExpression({ kind: "Arithmetic", op, left: le, right: re, loc })}. Unsupported arithmetic types. ${l.type.base} ${r.type.base}`);
    const a = l.fn;
    const b = r.fn;
    const op2 = binaryOperation(op, type);
    return {
      type,
      fn: (row, c) => {
        const x = a(row, c);
        if (x === null) return null;
        const y = b(row, c);
        if (y === null) return null;
        return op2(x, y);
      },
    };
  }

  private unary(sign: "-" | "+", operandExpr: Expression, loc: Loc): Compiled {
    const v = this.compile(operandExpr);
    if (v.type === null || !isNumeric(v.type)) fail(loc, `Unary ${sign} on unsupported type: ${typeName(v.type)}`);
    if (sign === "+") return { type: v.type, fn: v.fn };
    const fn = v.fn;
    const base = v.type.base;
    return {
      type: v.type,
      fn: (r, c) => {
        const x = fn(r, c);
        if (x === null) return null;
        if (base === "DECIMAL") return (x as Decimal).negate();
        if (base === "INTEGER") return -(x as number) | 0;
        return -(x as number);
      },
    };
  }

  private comparison(op: ComparisonOperator, le: Expression, re: Expression, loc: Loc): Compiled {
    const l = this.compile(le);
    const r = this.compile(re);
    if (!comparable(l.type, r.type, op)) {
      fail(loc, `Cannot compare ${formatExpression(le)} (${typeName(l.type)}) to ${formatExpression(re)} (${typeName(r.type)}) with ${COMPARISON_NAMES[op]}.`);
    }
    let a = l.fn;
    let b = r.fn;
    const temporal = l.type && isTemporal(l.type) ? l.type : r.type && isTemporal(r.type) ? r.type : undefined;
    if (temporal) {
      const conv = temporalFromString(temporal);
      const la = a;
      const rb = b;
      if (l.type?.base === "STRING") a = (row, c) => conv(la(row, c));
      if (r.type?.base === "STRING") b = (row, c) => conv(rb(row, c));
    }
    const complex = l.type !== null && (l.type.base === "ARRAY" || l.type.base === "MAP" || l.type.base === "STRUCT");
    const cmp = complex ? (x: unknown, y: unknown) => (valuesEqual(x, y) ? 0 : 1) : compareValues;
    const test = comparisonTest(op);
    if (op === "IS DISTINCT FROM" || op === "IS NOT DISTINCT FROM") {
      const distinct = op === "IS DISTINCT FROM";
      return {
        type: SqlTypes.BOOLEAN,
        fn: (row, c) => {
          const x = a(row, c);
          const y = b(row, c);
          if (x === null || y === null) return distinct ? (x === null) !== (y === null) : x === null && y === null;
          return (cmp(x, y) !== 0) === distinct;
        },
      };
    }
    return {
      type: SqlTypes.BOOLEAN,
      fn: (row, c) => {
        const x = a(row, c);
        if (x === null) return false;
        const y = b(row, c);
        if (y === null) return false;
        return test(cmp(x, y));
      },
    };
  }

  private logical(op: "AND" | "OR", le: Expression, re: Expression, _loc: Loc): Compiled {
    const a = this.boolean(le, op).fn;
    const b = this.boolean(re, op).fn;
    if (op === "AND") {
      return {
        type: SqlTypes.BOOLEAN,
        fn: (r, c) => {
          const x = a(r, c);
          if (x === false) return false;
          const y = b(r, c);
          if (y === false) return false;
          return x === null || y === null ? null : true;
        },
      };
    }
    return {
      type: SqlTypes.BOOLEAN,
      fn: (r, c) => {
        const x = a(r, c);
        if (x === true) return true;
        const y = b(r, c);
        if (y === true) return true;
        return x === null || y === null ? null : false;
      },
    };
  }

  private inList(valueExpr: Expression, list: Expression[], negated: boolean, loc: Loc): Compiled {
    const v = this.compile(valueExpr);
    const items = list.map((x) => this.compile(x));
    for (let k = 0; k < items.length; k++) {
      if (!comparable(v.type, items[k]!.type, "=")) {
        fail(list[k]!.loc, `Invalid IN list: '${formatExpression(list[k]!)}' (${typeName(items[k]!.type)}) cannot be compared to ${formatExpression(valueExpr)} (${typeName(v.type)}).`);
      }
    }
    void loc;
    const vf = v.fn;
    const fs = items.map((x) => x.fn);
    const matches: Evaluator = (r, c) => {
      const x = vf(r, c);
      if (x === null) return false;
      for (const f of fs) {
        const y = f(r, c);
        if (y !== null && compareOrEqual(x, y)) return true;
      }
      return false;
    };
    return { type: SqlTypes.BOOLEAN, fn: negated ? (r, c) => !matches(r, c) : matches };
  }

  private like(valueExpr: Expression, patternExpr: Expression, escape: string | undefined, negated: boolean, loc: Loc): Compiled {
    const v = this.compile(valueExpr);
    const p = this.compile(patternExpr);
    for (const [x, e] of [[v, valueExpr], [p, patternExpr]] as const) {
      if (x.type !== null && x.type.base !== "STRING") fail(e.loc, `Operator LIKE requires STRING operands, got ${formatType(x.type)} for '${formatExpression(e)}'`);
    }
    void loc;
    const vf = v.fn;
    const pf = p.fn;
    let cachedPattern: string | undefined;
    let cachedRegex: RegExp | undefined;
    const regexFor = (pattern: string): RegExp => {
      if (pattern !== cachedPattern) {
        cachedRegex = likeToRegExp(pattern, escape);
        cachedPattern = pattern;
      }
      return cachedRegex!;
    };
    return {
      type: SqlTypes.BOOLEAN,
      fn: (r, c) => {
        const x = vf(r, c);
        const y = pf(r, c);
        if (x === null || y === null) return null;
        const m = regexFor(y as string).test(x as string);
        return negated ? !m : m;
      },
    };
  }

  private results(branches: { then: Expression }[], otherwise: Expression | undefined, loc: Loc): { type: SqlType; fns: Evaluator[]; other: Evaluator | undefined } {
    const compiled = branches.map((b) => this.compile(b.then));
    const other = otherwise ? this.compile(otherwise) : undefined;
    const all = [...compiled, ...(other ? [other] : [])];
    let type = commonType(all.map((x) => x.type));
    if (type === undefined) {
      const first = all.find((x) => x.type !== null)!;
      const bad = all.findIndex((x) => x.type !== null && x.type.base !== first.type!.base && !(isNumeric(x.type) && isNumeric(first.type!)));
      const expr = bad < branches.length ? branches[bad]!.then : otherwise!;
      fail(expr.loc, `Invalid Case expression. Type for all 'THEN' clauses should be the same.\n'${formatExpression(expr)}' has type: ${typeName(all[bad]!.type)}. Previous THEN expression(s) type: ${typeName(first.type)}.`);
    }
    if (type === null) fail(loc, "Invalid Case expression. All case branches have a type of null");
    type = type as SqlType;
    const t = type;
    const coerce = (x: Compiled): Evaluator => {
      if (x.type === null || x.type.base === t.base || t.base !== "DECIMAL") {
        if (t.base === "DOUBLE" && x.type?.base === "DECIMAL") {
          const f = x.fn;
          return (r, c) => {
            const v = f(r, c);
            return v === null ? null : (v as Decimal).toNumber();
          };
        }
        return x.fn;
      }
      const f = x.fn;
      const scale = (t as SqlDecimalType).scale;
      return (r, c) => {
        const v = f(r, c);
        return v === null ? null : toDecimal(v).setScale(scale, "HALF_UP");
      };
    };
    return { type: t, fns: compiled.map(coerce), other: other ? coerce(other) : undefined };
  }

  private searchedCase(whens: { when: Expression; then: Expression }[], otherwise: Expression | undefined, loc: Loc): Compiled {
    const conds = whens.map((w) => this.boolean(w.when, "WHEN").fn);
    const { type, fns, other } = this.results(whens, otherwise, loc);
    return {
      type,
      fn: (r, c) => {
        for (let k = 0; k < conds.length; k++) if (conds[k]!(r, c) === true) return fns[k]!(r, c);
        return other ? other(r, c) : null;
      },
    };
  }

  private simpleCase(operandExpr: Expression, whens: { when: Expression; then: Expression }[], otherwise: Expression | undefined, loc: Loc): Compiled {
    const operand = this.compile(operandExpr);
    const keys = whens.map((w) => {
      const k = this.compile(w.when);
      if (!comparable(operand.type, k.type, "=")) {
        fail(w.when.loc, `Invalid Case expression: '${formatExpression(w.when)}' (${typeName(k.type)}) cannot be compared to '${formatExpression(operandExpr)}' (${typeName(operand.type)}).`);
      }
      return k.fn;
    });
    const { type, fns, other } = this.results(whens, otherwise, loc);
    const of = operand.fn;
    return {
      type,
      fn: (r, c) => {
        const x = of(r, c);
        if (x !== null) {
          for (let k = 0; k < keys.length; k++) {
            const y = keys[k]!(r, c);
            if (y !== null && compareOrEqual(x, y)) return fns[k]!(r, c);
          }
        }
        return other ? other(r, c) : null;
      },
    };
  }

  private arrayConstructor(elements: Expression[], loc: Loc, text: string): Compiled {
    if (elements.length === 0) fail(loc, "Array constructor cannot be empty. Please supply at least one element.");
    const items = elements.map((x) => this.compile(x));
    const type = commonType(items.map((x) => x.type));
    if (type === undefined) fail(loc, `Cannot construct an array with mismatching types ([${items.map((x) => typeName(x.type)).join(", ")}]) from expression ${text}.`);
    if (type === null) fail(loc, "Cannot construct an array with all NULL elements.");
    const fns = items.map((x) => widen(x, type));
    return { type: SqlTypes.array(type), fn: (r, c) => fns.map((f) => f(r, c)) };
  }

  private mapConstructor(entries: { key: Expression; value: Expression }[], loc: Loc): Compiled {
    if (entries.length === 0) fail(loc, "Map constructor cannot be empty. Please supply at least one key value pair.");
    const keys = entries.map((x) => this.compile(x.key));
    const values = entries.map((x) => this.compile(x.value));
    const kt = commonType(keys.map((x) => x.type));
    const vt = commonType(values.map((x) => x.type));
    if (kt === undefined || kt === null) fail(loc, `Cannot construct a map with ${kt === null ? "all NULL keys" : "mismatching key types"}.`);
    if (vt === undefined || vt === null) fail(loc, `Cannot construct a map with ${vt === null ? "all NULL values" : "mismatching value types"}.`);
    const kf = keys.map((x) => widen(x, kt));
    const vf = values.map((x) => widen(x, vt));
    return {
      type: SqlTypes.map(kt, vt),
      fn: (r, c) => {
        const m = new Map<unknown, unknown>();
        for (let k = 0; k < kf.length; k++) m.set(kf[k]!(r, c), vf[k]!(r, c));
        return m;
      },
    };
  }

  private structConstructor(fields: { name: string; value: Expression; loc: Loc }[], _loc: Loc): Compiled {
    const compiled = fields.map((f) => {
      const c = this.compile(f.value);
      if (c.type === null) fail(f.loc, `Cannot infer the type of struct field '${f.name}' from NULL: CAST it to a type.`);
      return { name: f.name, type: c.type, fn: c.fn };
    });
    return {
      type: SqlTypes.struct(compiled.map((f) => ({ name: f.name, type: f.type }))),
      fn: (r, c) => {
        const o: Record<string, unknown> = {};
        for (const f of compiled) o[f.name] = f.fn(r, c);
        return o;
      },
    };
  }
}

function compareOrEqual(x: unknown, y: unknown): boolean {
  try {
    return compareValues(x, y) === 0;
  } catch {
    return valuesEqual(x, y);
  }
}

/** A value of `x`'s type read as `target` (numbers widened to DECIMAL or DOUBLE). */
function widen(x: Compiled, target: SqlType): Evaluator {
  const f = x.fn;
  if (x.type === null || x.type.base === target.base) return f;
  if (target.base === "DECIMAL") return (r, c) => {
    const v = f(r, c);
    return v === null ? null : toDecimal(v);
  };
  if (target.base === "DOUBLE" && x.type.base === "DECIMAL") return (r, c) => {
    const v = f(r, c);
    return v === null ? null : (v as Decimal).toNumber();
  };
  return f;
}

function comparisonTest(op: ComparisonOperator): (c: number) => boolean {
  switch (op) {
    case "=":
    case "IS NOT DISTINCT FROM":
      return (c) => c === 0;
    case "<>":
    case "IS DISTINCT FROM":
      return (c) => c !== 0;
    case "<":
      return (c) => c < 0;
    case "<=":
      return (c) => c <= 0;
    case ">":
      return (c) => c > 0;
    case ">=":
      return (c) => c >= 0;
  }
}

function divideByZero(): never {
  throw new KsqlFunctionException("/ by zero");
}

function binaryOperation(op: "+" | "-" | "*" | "/" | "%", type: SqlType): (x: unknown, y: unknown) => unknown {
  switch (type.base) {
    case "STRING":
      return (x, y) => (x as string) + (y as string);
    case "INTEGER":
      switch (op) {
        case "+":
          return (x, y) => ((x as number) + (y as number)) | 0;
        case "-":
          return (x, y) => ((x as number) - (y as number)) | 0;
        case "*":
          return (x, y) => Math.imul(x as number, y as number);
        case "/":
          return (x, y) => ((y as number) === 0 ? divideByZero() : ((x as number) / (y as number)) | 0);
        case "%":
          return (x, y) => ((y as number) === 0 ? divideByZero() : ((x as number) % (y as number)) | 0);
      }
      break;
    case "BIGINT":
      switch (op) {
        case "+":
          return (x, y) => (x as number) + (y as number);
        case "-":
          return (x, y) => (x as number) - (y as number);
        case "*":
          return (x, y) => (x as number) * (y as number);
        case "/":
          return (x, y) => ((y as number) === 0 ? divideByZero() : Math.trunc((x as number) / (y as number)));
        case "%":
          return (x, y) => ((y as number) === 0 ? divideByZero() : (x as number) % (y as number));
      }
      break;
    case "DOUBLE": {
      const num = (v: unknown) => (v instanceof Decimal ? v.toNumber() : (v as number));
      switch (op) {
        case "+":
          return (x, y) => num(x) + num(y);
        case "-":
          return (x, y) => num(x) - num(y);
        case "*":
          return (x, y) => num(x) * num(y);
        case "/":
          return (x, y) => num(x) / num(y);
        case "%":
          return (x, y) => num(x) % num(y);
      }
      break;
    }
    case "DECIMAL": {
      const scale = (type as SqlDecimalType).scale;
      const guard = (f: () => Decimal) => {
        try {
          return f();
        } catch (e) {
          if (e instanceof RangeError) throw new KsqlFunctionException(e.message);
          throw e;
        }
      };
      switch (op) {
        case "+":
          return (x, y) => toDecimal(x).add(toDecimal(y)).setScale(scale);
        case "-":
          return (x, y) => toDecimal(x).subtract(toDecimal(y)).setScale(scale);
        case "*":
          return (x, y) => toDecimal(x).multiply(toDecimal(y)).setScale(scale);
        case "/":
          return (x, y) => guard(() => toDecimal(x).divide(toDecimal(y), scale, "HALF_UP"));
        case "%":
          return (x, y) => guard(() => toDecimal(x).remainder(toDecimal(y)).setScale(scale));
      }
      break;
    }
  }
  throw new KsqlException(`Unsupported arithmetic type ${formatType(type)}`);
}

/** SQL LIKE as a regular expression: `%` any run, `_` one character, the escape makes the next one literal. */
export function likeToRegExp(pattern: string, escape?: string): RegExp {
  let re = "";
  let escaped = false;
  for (const ch of pattern) {
    if (escaped) {
      re += ch.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
      escaped = false;
    } else if (escape !== undefined && ch === escape) {
      escaped = true;
    } else if (ch === "%") re += "[^]*";
    else if (ch === "_") re += "[^]";
    else re += ch.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  if (escaped) throw new KsqlFunctionException("LIKE pattern must not end with escape character");
  return new RegExp(`^${re}$`, "u");
}

/** Compiles an expression against the columns in scope; throws {@link KsqlException} at the offending sub-expression. */
export function compileExpression(expression: Expression, options: CompileOptions): CompiledExpression {
  const compiled = new Compiler(options).compile(expression);
  const text = formatExpression(expression);
  if (compiled.type === null) {
    fail(expression.loc, "Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).");
  }
  const strict = compiled.fn;
  const evaluate: Evaluator = (row, ctx) => {
    try {
      return strict(row, ctx);
    } catch (e) {
      ctx.onError?.(e, text);
      return null;
    }
  };
  return { type: compiled.type, text, evaluate, evaluateStrict: strict };
}

/** The type of an expression (same checks as compiling it). */
export function inferType(expression: Expression, options: CompileOptions): SqlType {
  return compileExpression(expression, options).type;
}

/** Compiles a WHERE/HAVING condition: a row passes only when the condition is TRUE. */
export function compilePredicate(expression: Expression, options: CompileOptions): (row: Row, ctx: EvalContext) => boolean {
  const c = compileExpression(expression, options);
  if (c.type.base !== "BOOLEAN") {
    fail(expression.loc, `Type error in ${options.clause ?? "WHERE"} expression: Should evaluate to boolean but is ${c.text} (${formatType(c.type)}) instead.`);
  }
  const f = c.evaluate;
  return (row, ctx) => f(row, ctx) === true;
}
