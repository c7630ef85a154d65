/**
 * Scalar functions: overloads by argument type, resolved once when an expression is
 * compiled (ksqlDB's UdfIndex), so evaluation calls the chosen implementation directly.
 *
 * Arguments may be implicitly widened as ksqlDB allows (INTEGER -> BIGINT -> DECIMAL ->
 * DOUBLE); a NULL literal matches any parameter. Implementations receive SQL NULL as
 * `null` and handle it themselves, because ksqlDB's functions differ on it.
 */
import type { Clock } from "../../runtime/clock";
import type { Random } from "../../runtime/random";
import { Decimal } from "../decimal";
import { KsqlException } from "../errors";
import { canImplicitlyCast, formatType, isNumeric, type SqlBaseType, type SqlType } from "../types";

/** What an expression needs from the engine while it runs. */
export interface EvalContext {
  /** Engine time in epoch ms, for UNIX_TIMESTAMP() and friends. */
  now(): number;
  /** Uniform in [0, 1), for RANDOM(). */
  random(): number;
  /** The "system default" zone of TIMESTAMPTOSTRING without a zone argument. */
  readonly timeZone: string;
  /** Called when a function fails on a record; the expression then yields NULL. */
  onError?(error: unknown, expression: string): void;
}

export function evalContext(options: { clock: Clock; random: Random; timeZone?: string; onError?: (error: unknown, expression: string) => void }): EvalContext {
  const ctx: EvalContext = {
    now: () => options.clock.now(),
    random: () => options.random.next(),
    timeZone: options.timeZone ?? "UTC",
  };
  if (options.onError) ctx.onError = options.onError;
  return ctx;
}

/** One argument as the resolver sees it: its type (null for a NULL literal) and its value when it is a constant. */
export interface ArgumentInfo {
  type: SqlType | null;
  constant?: { value: unknown };
}

/** A parameter: a base type, any type, or any numeric type. */
export type ParamType = SqlBaseType | "ANY" | "NUMBER";

export type Implementation = (args: unknown[], ctx: EvalContext) => unknown;

export interface Overload {
  params: ParamType[];
  /** The type of extra arguments for a variadic function. */
  variadic?: ParamType;
  /** The result type, fixed or computed from the argument types. */
  returns: SqlType | ((args: (SqlType | null)[], info: ArgumentInfo[]) => SqlType);
  impl: Implementation;
  /** An implementation made for the argument types, when values alone do not say enough (a DOUBLE 1.0 prints as "1.0"). */
  bind?: (args: (SqlType | null)[]) => Implementation;
  /** Reject combinations the parameter types alone allow (e.g. mixed element types). */
  check?: (args: (SqlType | null)[]) => string | undefined;
}

export interface ScalarFunction {
  name: string;
  description: string;
  overloads: Overload[];
}

export interface ResolvedFunction {
  returnType: SqlType;
  invoke: Implementation;
}

function paramAccepts(p: ParamType, t: SqlType | null): "exact" | "cast" | undefined {
  if (t === null || p === "ANY") return "exact";
  if (p === "NUMBER") return isNumeric(t) ? "exact" : undefined;
  if (p === t.base) return "exact";
  // Only numbers widen implicitly for function arguments.
  if (isNumeric(t) && canImplicitlyCast(t.base, p) && p !== "DECIMAL") return "cast";
  if (p === "DECIMAL" && (t.base === "INTEGER" || t.base === "BIGINT")) return "cast";
  return undefined;
}

function paramAt(o: Overload, i: number): ParamType | undefined {
  return i < o.params.length ? o.params[i] : o.variadic;
}

function coercer(p: ParamType, t: SqlType | null): ((v: unknown) => unknown) | undefined {
  if (t === null) return undefined;
  if (p === "DOUBLE" && t.base === "DECIMAL") return (v) => (v === null ? null : (v as Decimal).toNumber());
  if (p === "DECIMAL" && (t.base === "INTEGER" || t.base === "BIGINT")) return (v) => (v === null ? null : Decimal.fromInteger(v as number));
  return undefined;
}

export function typeName(t: SqlType | null): string {
  return t === null ? "null" : formatType(t);
}

/** Picks the overload ksqlDB would: the first exact match, else the first reachable by widening. */
export function resolveFunction(fn: ScalarFunction, args: ArgumentInfo[]): ResolvedFunction {
  const types = args.map((a) => a.type);
  let best: { o: Overload; casts: number } | undefined;
  for (const o of fn.overloads) {
    if (args.length < o.params.length || (args.length > o.params.length && !o.variadic)) continue;
    let casts = 0;
    let ok = true;
    for (let i = 0; i < args.length && ok; i++) {
      const p = paramAt(o, i)!;
      const m = paramAccepts(p, types[i]!);
      if (!m) ok = false;
      else if (m === "cast") casts++;
    }
    if (!ok) continue;
    if (!best || casts < best.casts) best = { o, casts };
    if (casts === 0) break;
  }
  if (!best) {
    const accepted = fn.overloads
      .map((o) => `${fn.name}(${[...o.params, ...(o.variadic ? [`${o.variadic}...`] : [])].join(", ")})`)
      .join("\n");
    throw new KsqlException(
      `Function '${fn.name}' does not accept parameters (${types.map(typeName).join(", ")}).\nValid alternatives are:\n${accepted}\nFor detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;`,
    );
  }
  const o = best.o;
  const problem = o.check?.(types);
  if (problem) throw new KsqlException(problem);
  const returnType = typeof o.returns === "function" ? o.returns(types, args) : o.returns;
  const coercers = types.map((t, i) => coercer(paramAt(o, i)!, t));
  const impl = o.bind ? o.bind(types) : o.impl;
  const invoke: Implementation = coercers.some((c) => c !== undefined) ? (values, ctx) => impl(values.map((v, i) => (coercers[i] ? coercers[i]!(v) : v)), ctx) : impl;
  return { returnType, invoke };
}

export class FunctionRegistry {
  private readonly functions = new Map<string, ScalarFunction>();

  register(...fns: ScalarFunction[]): this {
    for (const f of fns) this.functions.set(f.name.toUpperCase(), f);
    return this;
  }

  get(name: string): ScalarFunction | undefined {
    return this.functions.get(name.toUpperCase());
  }

  names(): string[] {
    return [...this.functions.keys()].sort();
  }
}

/** Shorthand for a one-overload function. */
export function scalar(name: string, description: string, ...overloads: Overload[]): ScalarFunction {
  return { name, description, overloads };
}
