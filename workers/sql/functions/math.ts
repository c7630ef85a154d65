/**
 * Numeric functions, typed per overload as ksqlDB's are: ROUND of a DOUBLE without digits
 * returns BIGINT (Java's Math.round), with digits a DOUBLE rounded half up on the decimal
 * value; CEIL/FLOOR keep the input type; LN, EXP and SQRT return DOUBLE.
 */
import { Decimal } from "../decimal";
import { SqlTypes, widenDecimal, type SqlDecimalType, type SqlType } from "../types";
import { compareValues } from "../values";
import { scalar, type Overload, type ScalarFunction } from "./registry";

const D = SqlTypes.DOUBLE;

const same = (args: (SqlType | null)[]): SqlType => args[0] ?? D;

/**
 * ksqlDB's rounding: half up for positive values, half down for negative ones, so that
 * -1.5 rounds to -1 exactly as Java's Math.round does.
 */
function roundDecimal(v: Decimal, places: number): Decimal {
  return v.setScale(places, v.signum() > 0 ? "HALF_UP" : "HALF_DOWN");
}

export const ABS = scalar(
  "ABS",
  "The absolute value.",
  { params: ["INTEGER"], returns: SqlTypes.INTEGER, impl: ([v]) => (v === null ? null : Math.abs(v as number) | 0) },
  { params: ["BIGINT"], returns: SqlTypes.BIGINT, impl: ([v]) => (v === null ? null : Math.abs(v as number)) },
  { params: ["DOUBLE"], returns: D, impl: ([v]) => (v === null ? null : Math.abs(v as number)) },
  { params: ["DECIMAL"], returns: same, impl: ([v]) => (v === null ? null : (v as Decimal).abs()) },
);

export const ROUND = scalar(
  "ROUND",
  "Rounds to the given number of decimal places (0 by default); halves round towards positive infinity.",
  { params: ["INTEGER"], returns: SqlTypes.BIGINT, impl: ([v]) => v },
  { params: ["BIGINT"], returns: SqlTypes.BIGINT, impl: ([v]) => v },
  { params: ["DOUBLE"], returns: SqlTypes.BIGINT, impl: ([v]) => (v === null ? null : Math.round(v as number)) },
  {
    params: ["DOUBLE", "INTEGER"],
    returns: D,
    impl: ([v, n]) => {
      if (v === null || n === null) return null;
      const x = v as number;
      if (!Number.isFinite(x)) return x;
      return roundDecimal(Decimal.fromNumber(x), n as number).toNumber();
    },
  },
  {
    params: ["DECIMAL"],
    returns: (args) => {
      const t = args[0] as SqlDecimalType;
      return SqlTypes.decimal(Math.max(t.precision - t.scale, 1), 0);
    },
    impl: ([v]) => (v === null ? null : roundDecimal(v as Decimal, 0)),
  },
  {
    params: ["DECIMAL", "INTEGER"],
    returns: same,
    impl: ([v, n]) => {
      if (v === null || n === null) return null;
      const d = v as Decimal;
      return roundDecimal(d, n as number).setScale(d.scale, "UNNECESSARY");
    },
  },
);

function integral(name: string, description: string, fn: (x: number) => number, mode: "CEILING" | "FLOOR"): ScalarFunction {
  return scalar(
    name,
    description,
    { params: ["INTEGER"], returns: SqlTypes.INTEGER, impl: ([v]) => v },
    { params: ["BIGINT"], returns: SqlTypes.BIGINT, impl: ([v]) => v },
    { params: ["DOUBLE"], returns: D, impl: ([v]) => (v === null ? null : fn(v as number)) },
    {
      params: ["DECIMAL"],
      returns: same,
      impl: ([v]) => {
        if (v === null) return null;
        const d = v as Decimal;
        return d.setScale(0, mode).setScale(d.scale);
      },
    },
  );
}

export const CEIL = integral("CEIL", "The smallest integral value not less than the argument.", Math.ceil, "CEILING");
export const FLOOR = integral("FLOOR", "The largest integral value not greater than the argument.", Math.floor, "FLOOR");

function doubleFn(name: string, description: string, fn: (x: number) => number): ScalarFunction {
  return scalar(name, description, { params: ["DOUBLE"], returns: D, impl: ([v]) => (v === null ? null : fn(v as number)) });
}

export const SQRT = doubleFn("SQRT", "The square root.", Math.sqrt);
export const EXP = doubleFn("EXP", "e raised to the argument.", Math.exp);
export const LN = doubleFn("LN", "The natural logarithm.", Math.log);
export const CBRT = doubleFn("CBRT", "The cube root.", Math.cbrt);

export const SIGN = scalar("SIGN", "-1, 0 or 1 by the sign of the argument.", {
  params: ["DOUBLE"],
  returns: SqlTypes.INTEGER,
  impl: ([v]) => (v === null ? null : Math.sign(v as number)),
});

export const POWER = scalar("POWER", "The first argument raised to the second.", {
  params: ["DOUBLE", "DOUBLE"],
  returns: D,
  impl: ([a, b]) => (a === null || b === null ? null : Math.pow(a as number, b as number)),
});

export const RANDOM = scalar("RANDOM", "A random DOUBLE in [0, 1), from the engine's seeded source.", {
  params: [],
  returns: D,
  impl: (_args, ctx) => ctx.random(),
});

function extreme(name: string, description: string, pick: (c: number) => boolean): ScalarFunction {
  const impl = (args: unknown[]) => {
    let best: unknown = null;
    for (const a of args) {
      if (a === null) continue;
      if (best === null || pick(compareValues(a, best))) best = a;
    }
    return best;
  };
  const overloads: Overload[] = (["INTEGER", "BIGINT", "DOUBLE", "STRING", "BYTES", "DATE", "TIME", "TIMESTAMP"] as const).map((t) => ({
    params: [t],
    variadic: t,
    // Mixed numbers are widened to the overload's type: GREATEST(1, 2.5E0) is a DOUBLE.
    returns: SqlTypes[t],
    impl,
  }));
  overloads.push({
    params: ["DECIMAL"],
    variadic: "DECIMAL",
    returns: (args) => args.filter((a): a is SqlType => a !== null).reduce<SqlType>((a, b) => widenDecimal(a, b), args.find((a) => a !== null)!),
    impl,
  });
  return { name, description, overloads };
}

export const GREATEST = extreme("GREATEST", "The largest non-NULL argument.", (c) => c > 0);
export const LEAST = extreme("LEAST", "The smallest non-NULL argument.", (c) => c < 0);

const EARTH_RADIUS_KM = 6371;
const EARTH_RADIUS_MILES = 3959;
const MILES = ["mi", "mile", "miles"];
const KMS = ["km", "kilometer", "kilometers", "kilometre", "kilometres"];

function haversin(x: number): number {
  const s = Math.sin(x / 2);
  return s * s;
}

function geoDistance(args: unknown[]): number | null {
  const [lat1, lon1, lat2, lon2, unit] = args as (number | null)[];
  if (lat1 === null || lon1 === null || lat2 === null || lon2 === null) return null;
  if (lat1! < -90 || lat2! < -90 || lat1! > 90 || lat2! > 90) {
    throw new RangeError("valid latitude values for GeoDistance function are in the range of -90 to 90 decimal degrees");
  }
  if (lon1! < -180 || lon2! < -180 || lon1! > 180 || lon2! > 180) {
    throw new RangeError("valid longitude values for GeoDistance function are in the range of -180 to +180 decimal degrees");
  }
  let radius = EARTH_RADIUS_KM;
  const u = typeof unit === "string" ? (unit as string).trim().toLowerCase() : "";
  if (u.length > 0) {
    if (MILES.includes(u)) radius = EARTH_RADIUS_MILES;
    else if (!KMS.includes(u)) {
      throw new RangeError(`GeoDistance function units parameter must be one of ${[...MILES, ...KMS].join(", ")}. Values are case-insensitive.`);
    }
  }
  // Degrees to radians as ksqlDB's results have it (x / 180 * PI): x * (PI / 180) differs in
  // the last digits.
  const rad = (deg: number) => (deg / 180) * Math.PI;
  const a = haversin(rad(lat2! - lat1!)) + haversin(rad(lon2! - lon1!)) * Math.cos(rad(lat1!)) * Math.cos(rad(lat2!));
  return 2 * Math.asin(Math.sqrt(a)) * radius;
}

export const GEO_DISTANCE = scalar(
  "GEO_DISTANCE",
  "Great-circle (haversine) distance between two points in decimal degrees, in KM (default) or miles.",
  { params: ["DOUBLE", "DOUBLE", "DOUBLE", "DOUBLE"], returns: D, impl: (args) => geoDistance(args) },
  { params: ["DOUBLE", "DOUBLE", "DOUBLE", "DOUBLE", "STRING"], returns: D, impl: (args) => geoDistance(args) },
);
