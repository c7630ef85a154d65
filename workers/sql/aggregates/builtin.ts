/**
 * ksqlDB's built-in aggregate functions with their null handling:
 * COUNT(col), SUM, AVG, MIN, MAX, COUNT_DISTINCT, TOPK and TOPKDISTINCT skip NULLs;
 * COLLECT_LIST, COLLECT_SET and HISTOGRAM keep them; LATEST_BY_OFFSET and
 * EARLIEST_BY_OFFSET skip them unless told not to. COUNT, SUM, AVG, COLLECT_LIST and
 * HISTOGRAM can undo (and so aggregate tables); the others are stream-only, as in ksqlDB.
 */
import type { Decimal } from "../decimal";
import { KsqlException } from "../errors";
import { isNumeric, SqlTypes, type SqlType } from "../types";
import { compareValues, toDecimal, valueKey, valuesEqual } from "../values";
import { registerAggregate, unsupported, type AggregateDefinition, type AggregateFunction } from "./registry";

const COUNT: AggregateDefinition = {
  name: "COUNT",
  description: "Rows, or rows where the argument is not NULL.",
  supportsTables: true,
  create: () => ({
    name: "COUNT",
    returnType: SqlTypes.BIGINT,
    initialize: () => 0,
    aggregate: (v, a) => (v === null ? a : (a as number) + 1),
    undo: (v, a) => (v === null ? a : (a as number) - 1),
    merge: (a, b) => (a as number) + (b as number),
    map: (a) => a,
  }),
};

function adder(type: SqlType): { zero: unknown; add: (a: unknown, b: unknown) => unknown; sub: (a: unknown, b: unknown) => unknown } {
  switch (type.base) {
    case "INTEGER":
      return { zero: 0, add: (a, b) => ((a as number) + (b as number)) | 0, sub: (a, b) => ((a as number) - (b as number)) | 0 };
    case "BIGINT":
    case "DOUBLE":
      return { zero: 0, add: (a, b) => (a as number) + (b as number), sub: (a, b) => (a as number) - (b as number) };
    case "DECIMAL": {
      const scale = type.scale;
      return {
        zero: toDecimal(0).setScale(scale),
        add: (a, b) => toDecimal(a).add(toDecimal(b)).setScale(scale, "HALF_UP"),
        sub: (a, b) => toDecimal(a).subtract(toDecimal(b)).setScale(scale, "HALF_UP"),
      };
    }
    default:
      return unsupported("SUM", type);
  }
}

const SUM: AggregateDefinition = {
  name: "SUM",
  description: "The sum of the non-NULL values.",
  supportsTables: true,
  create: ({ type }) => {
    if (!type || !isNumeric(type)) unsupported("SUM", type);
    const { zero, add, sub } = adder(type);
    return {
      name: "SUM",
      returnType: type,
      initialize: () => zero,
      aggregate: (v, a) => (v === null ? a : add(a, v)),
      undo: (v, a) => (v === null ? a : sub(a, v)),
      merge: (a, b) => add(a, b),
      map: (a) => a,
    };
  },
};

interface Avg {
  sum: number;
  count: number;
}

const AVG: AggregateDefinition = {
  name: "AVG",
  description: "The average of the non-NULL values, as a DOUBLE (0.0 for none).",
  supportsTables: true,
  create: ({ type }) => {
    if (!type || !isNumeric(type)) unsupported("AVG", type);
    const num = (v: unknown) => (typeof v === "number" ? v : (v as Decimal).toNumber());
    const fn: AggregateFunction<Avg> = {
      name: "AVG",
      returnType: SqlTypes.DOUBLE,
      initialize: () => ({ sum: 0, count: 0 }),
      aggregate: (v, a) => (v === null ? a : { sum: a.sum + num(v), count: a.count + 1 }),
      undo: (v, a) => (v === null ? a : { sum: a.sum - num(v), count: a.count - 1 }),
      merge: (a, b) => ({ sum: a.sum + b.sum, count: a.count + b.count }),
      map: (a) => (a.count === 0 ? 0 : a.sum / a.count),
    };
    return fn as AggregateFunction;
  },
};

const COMPARABLE = new Set(["INTEGER", "BIGINT", "DOUBLE", "DECIMAL", "STRING", "BYTES", "DATE", "TIME", "TIMESTAMP"]);

function extreme(name: "MIN" | "MAX"): AggregateDefinition {
  const better = name === "MIN" ? (c: number) => c < 0 : (c: number) => c > 0;
  const pick = (v: unknown, a: unknown) => (v === null ? a : a === null ? v : better(compareValues(v, a)) ? v : a);
  return {
    name,
    description: `The ${name === "MIN" ? "smallest" : "largest"} non-NULL value.`,
    supportsTables: false,
    create: ({ type }) => {
      if (!type || !COMPARABLE.has(type.base)) unsupported(name, type);
      return { name, returnType: type, initialize: () => null, aggregate: pick, merge: pick, map: (a) => a };
    },
  };
}

/**
 * The exact number of distinct non-NULL values. ksqlDB estimates this with a HyperLogLog
 * sketch (standard error under 1%); for the cardinalities of a demo the two agree.
 */
const COUNT_DISTINCT: AggregateDefinition = {
  name: "COUNT_DISTINCT",
  description: "The number of distinct non-NULL values.",
  supportsTables: false,
  create: () => {
    const fn: AggregateFunction<string[]> = {
      name: "COUNT_DISTINCT",
      returnType: SqlTypes.BIGINT,
      initialize: () => [],
      aggregate: (v, a) => {
        if (v === null) return a;
        const k = valueKey(v);
        return a.includes(k) ? a : [...a, k];
      },
      merge: (a, b) => [...a, ...b.filter((k) => !a.includes(k))],
      map: (a) => a.length,
    };
    return fn as AggregateFunction;
  },
};

function limitFrom(config: Readonly<Record<string, unknown>> | undefined, key: string): number {
  const raw = config?.[key];
  const n = typeof raw === "number" ? raw : typeof raw === "string" ? Number.parseInt(raw, 10) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : Number.MAX_SAFE_INTEGER;
}

const COLLECT_LIST: AggregateDefinition = {
  name: "COLLECT_LIST",
  description: "Every value (NULLs included) as an array, up to ksql.functions.collect_list.limit entries.",
  supportsTables: true,
  create: ({ type, config }) => {
    if (!type) unsupported("COLLECT_LIST", type);
    const limit = limitFrom(config, "ksql.functions.collect_list.limit");
    const fn: AggregateFunction<unknown[]> = {
      name: "COLLECT_LIST",
      returnType: SqlTypes.array(type),
      initialize: () => [],
      aggregate: (v, a) => (a.length < limit ? [...a, v] : a),
      undo: (v, a) => {
        for (let i = a.length - 1; i >= 0; i--) {
          if (a[i] === null ? v === null : v !== null && valuesEqual(a[i], v)) return [...a.slice(0, i), ...a.slice(i + 1)];
        }
        return a;
      },
      merge: (a, b) => [...a, ...b.slice(0, Math.max(limit - a.length, 0))],
      map: (a) => a,
    };
    return fn as AggregateFunction;
  },
};

const same = (x: unknown, y: unknown) => (x === null ? y === null : y !== null && valuesEqual(x, y));

const COLLECT_SET: AggregateDefinition = {
  name: "COLLECT_SET",
  description: "The distinct values as an array in first-seen order, up to ksql.functions.collect_set.limit entries.",
  supportsTables: false,
  create: ({ type, config }) => {
    if (!type) unsupported("COLLECT_SET", type);
    const limit = limitFrom(config, "ksql.functions.collect_set.limit");
    const fn: AggregateFunction<unknown[]> = {
      name: "COLLECT_SET",
      returnType: SqlTypes.array(type),
      initialize: () => [],
      aggregate: (v, a) => (a.length < limit && !a.some((x) => same(x, v)) ? [...a, v] : a),
      merge: (a, b) => {
        const out = [...a];
        for (const v of b) {
          if (out.length >= limit) break;
          if (!out.some((x) => same(x, v))) out.push(v);
        }
        return out;
      },
      map: (a) => a,
    };
    return fn as AggregateFunction;
  },
};

/** HISTOGRAM keeps at most 1000 distinct values, as ksqlDB does. */
const HISTOGRAM_LIMIT = 1000;

const HISTOGRAM: AggregateDefinition = {
  name: "HISTOGRAM",
  description: "A map from each distinct STRING value to how often it occurred (at most 1000 entries).",
  supportsTables: true,
  create: ({ type }) => {
    if (!type || type.base !== "STRING") unsupported("HISTOGRAM", type);
    const fn: AggregateFunction<Map<string | null, number>> = {
      name: "HISTOGRAM",
      returnType: SqlTypes.map(SqlTypes.STRING, SqlTypes.BIGINT),
      initialize: () => new Map(),
      aggregate: (v, a) => {
        const k = v as string | null;
        if (a.size >= HISTOGRAM_LIMIT && !a.has(k)) return a;
        const m = new Map(a);
        m.set(k, (m.get(k) ?? 0) + 1);
        return m;
      },
      undo: (v, a) => {
        const k = v as string | null;
        const n = a.get(k);
        if (n === undefined) return a;
        const m = new Map(a);
        if (n - 1 < 1) m.delete(k);
        else m.set(k, n - 1);
        return m;
      },
      merge: (a, b) => {
        const m = new Map(a);
        for (const [k, n] of b) if (m.size < HISTOGRAM_LIMIT || m.has(k)) m.set(k, (m.get(k) ?? 0) + n);
        return m;
      },
      map: (a) => a,
    };
    return fn as AggregateFunction;
  },
};

function topK(name: "TOPK" | "TOPKDISTINCT"): AggregateDefinition {
  const distinct = name === "TOPKDISTINCT";
  return {
    name,
    description: `The ${distinct ? "distinct " : ""}k largest non-NULL values, largest first.`,
    supportsTables: false,
    create: ({ type, literals }) => {
      if (!type || !COMPARABLE.has(type.base) || type.base === "BYTES") unsupported(name, type);
      const k = literals[literals.length - 1];
      if (typeof k !== "number" || !Number.isInteger(k) || k <= 0) throw new KsqlException(`${name} requires a positive INTEGER literal for k, got ${String(k)}`);
      const keep = (values: unknown[]) => {
        const sorted = [...values].sort((x, y) => compareValues(y, x));
        return sorted.slice(0, k);
      };
      const fn: AggregateFunction<unknown[]> = {
        name,
        returnType: SqlTypes.array(type),
        initialize: () => [],
        aggregate: (v, a) => {
          if (v === null) return a;
          if (distinct && a.some((x) => compareValues(x, v) === 0)) return a;
          if (a.length === k && compareValues(v, a[a.length - 1]) <= 0) return a;
          return keep([...a, v]);
        },
        merge: (a, b) => keep(distinct ? [...a, ...b.filter((v) => !a.some((x) => compareValues(x, v) === 0))] : [...a, ...b]),
        map: (a) => a,
      };
      return fn as AggregateFunction;
    },
  };
}

interface Stamped {
  seq: number;
  value: unknown;
}

/**
 * LATEST_BY_OFFSET / EARLIEST_BY_OFFSET. Like ksqlDB, "offset" is the order in which this
 * aggregation saw the records (a sequence number per function instance), which is the
 * partition's offset order for a single input partition.
 */
function byOffset(name: "LATEST_BY_OFFSET" | "EARLIEST_BY_OFFSET"): AggregateDefinition {
  const latest = name === "LATEST_BY_OFFSET";
  return {
    name,
    description: `The ${latest ? "latest" : "earliest"} value by offset, or the ${latest ? "latest" : "earliest"} n as an array; NULLs ignored unless the last argument is false.`,
    supportsTables: false,
    create: ({ type, literals }) => {
      if (!type) unsupported(name, type);
      let n: number | undefined;
      let ignoreNulls = true;
      for (const lit of literals) {
        if (typeof lit === "number") n = lit;
        else if (typeof lit === "boolean") ignoreNulls = lit;
        else throw new KsqlException(`${name} takes an INTEGER count and/or a BOOLEAN ignoreNulls, got ${String(lit)}`);
      }
      if (n !== undefined && (!Number.isInteger(n) || n <= 0)) throw new KsqlException(`${latest ? "latestN" : "earliestN"} must be 1 or greater`);
      let sequence = 0;
      if (n === undefined) {
        const fn: AggregateFunction<Stamped | null> = {
          name,
          returnType: type,
          initialize: () => null,
          aggregate: (v, a) => {
            if (v === null && ignoreNulls) return a;
            if (!latest && a !== null) return a;
            return { seq: sequence++, value: v };
          },
          merge: (a, b) => {
            if (a === null) return b;
            if (b === null) return a;
            return (a.seq >= b.seq) === latest ? a : b;
          },
          map: (a) => (a === null ? null : a.value),
        };
        return fn as AggregateFunction;
      }
      const count = n;
      const fn: AggregateFunction<Stamped[]> = {
        name,
        returnType: SqlTypes.array(type),
        initialize: () => [],
        aggregate: (v, a) => {
          if (v === null && ignoreNulls) return a;
          if (!latest && a.length >= count) return a;
          const next = [...a, { seq: sequence++, value: v }];
          return latest && next.length > count ? next.slice(next.length - count) : next;
        },
        merge: (a, b) => {
          const all = [...a, ...b].sort((x, y) => x.seq - y.seq);
          return latest ? all.slice(Math.max(all.length - count, 0)) : all.slice(0, count);
        },
        map: (a) => a.map((s) => s.value),
      };
      return fn as AggregateFunction;
    },
  };
}

export const BUILTIN_AGGREGATES: AggregateDefinition[] = [
  COUNT,
  SUM,
  AVG,
  extreme("MIN"),
  extreme("MAX"),
  COUNT_DISTINCT,
  COLLECT_LIST,
  COLLECT_SET,
  HISTOGRAM,
  topK("TOPK"),
  topK("TOPKDISTINCT"),
  byOffset("LATEST_BY_OFFSET"),
  byOffset("EARLIEST_BY_OFFSET"),
];

registerAggregate(...BUILTIN_AGGREGATES);
