/**
 * An exact decimal number, the runtime value of SQL DECIMAL (Java's BigDecimal in ksqlDB):
 * an unscaled integer and a scale, value = unscaled × 10^-scale. Only what SQL needs:
 * arithmetic at a given scale, the rounding modes ksqlDB uses, comparison and printing.
 */
export type RoundingMode = "UP" | "DOWN" | "CEILING" | "FLOOR" | "HALF_UP" | "HALF_DOWN" | "HALF_EVEN" | "UNNECESSARY";

const TEN = 10n;

function pow10(n: number): bigint {
  return TEN ** BigInt(n);
}

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

/** q = n / d rounded by `mode`; d > 0. */
function divRound(n: bigint, d: bigint, mode: RoundingMode): bigint {
  const q = n / d; // truncates toward zero
  const r = n - q * d;
  if (r === 0n) return q;
  if (mode === "UNNECESSARY") throw new RangeError("Rounding necessary");
  const sign = n < 0n ? -1n : 1n;
  const twice = abs(r) * 2n;
  let away: boolean;
  switch (mode) {
    case "UP":
      away = true;
      break;
    case "DOWN":
      away = false;
      break;
    case "CEILING":
      away = sign > 0n;
      break;
    case "FLOOR":
      away = sign < 0n;
      break;
    case "HALF_UP":
      away = twice >= d;
      break;
    case "HALF_DOWN":
      away = twice > d;
      break;
    case "HALF_EVEN":
      away = twice > d || (twice === d && (q & 1n) !== 0n);
      break;
  }
  return away ? q + sign : q;
}

export class Decimal {
  readonly unscaled: bigint;
  readonly scale: number;

  private constructor(unscaled: bigint, scale: number) {
    this.unscaled = unscaled;
    this.scale = scale;
  }

  static of(unscaled: bigint, scale: number): Decimal {
    if (scale < 0) return new Decimal(unscaled * pow10(-scale), 0);
    return new Decimal(unscaled, scale);
  }

  /** Parses `-12.340`, `.5`, `1.5E3`; the scale is the number of digits written after the point. */
  static parse(text: string): Decimal {
    const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
    if (!m || (m[2] === "" && (m[3] === undefined || m[3] === ""))) {
      throw new RangeError(`Invalid decimal: ${text}`);
    }
    const frac = m[3] ?? "";
    let unscaled = BigInt((m[2] || "0") + frac);
    if (m[1] === "-") unscaled = -unscaled;
    const scale = frac.length - (m[4] ? Number(m[4]) : 0);
    return Decimal.of(unscaled, scale);
  }

  /** Like Java's `BigDecimal.valueOf(double)`: the shortest decimal text of the double. */
  static fromNumber(n: number): Decimal {
    if (!Number.isFinite(n)) throw new RangeError(`Cannot represent ${n} as a DECIMAL`);
    return Decimal.parse(String(n));
  }

  static fromInteger(n: number | bigint): Decimal {
    return new Decimal(typeof n === "bigint" ? n : BigInt(Math.trunc(n)), 0);
  }

  /** Digits of the unscaled value (BigDecimal.precision; 1 for zero). */
  precision(): number {
    return abs(this.unscaled).toString().length;
  }

  signum(): number {
    return this.unscaled === 0n ? 0 : this.unscaled < 0n ? -1 : 1;
  }

  setScale(scale: number, mode: RoundingMode = "UNNECESSARY"): Decimal {
    if (scale === this.scale) return this;
    if (scale > this.scale) return new Decimal(this.unscaled * pow10(scale - this.scale), scale);
    return Decimal.of(divRound(this.unscaled, pow10(this.scale - scale), mode), scale);
  }

  private static align(a: Decimal, b: Decimal): [bigint, bigint, number] {
    const scale = Math.max(a.scale, b.scale);
    return [a.setScale(scale).unscaled, b.setScale(scale).unscaled, scale];
  }

  add(o: Decimal): Decimal {
    const [x, y, s] = Decimal.align(this, o);
    return new Decimal(x + y, s);
  }

  subtract(o: Decimal): Decimal {
    const [x, y, s] = Decimal.align(this, o);
    return new Decimal(x - y, s);
  }

  multiply(o: Decimal): Decimal {
    return new Decimal(this.unscaled * o.unscaled, this.scale + o.scale);
  }

  /** this / o at `scale` digits, rounded by `mode`. Throws RangeError on division by zero. */
  divide(o: Decimal, scale: number, mode: RoundingMode = "HALF_UP"): Decimal {
    if (o.unscaled === 0n) throw new RangeError("Division by zero");
    // this/o = (a·10^-sa)/(b·10^-sb); scaled by 10^scale: a·10^(scale - sa + sb) / b
    const shift = scale - this.scale + o.scale;
    let n = this.unscaled;
    let d = o.unscaled;
    if (shift >= 0) n *= pow10(shift);
    else d *= pow10(-shift);
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    return new Decimal(divRound(n, d, mode), scale);
  }

  /** Remainder with the sign of the dividend, like BigDecimal.remainder. */
  remainder(o: Decimal): Decimal {
    if (o.unscaled === 0n) throw new RangeError("Division by zero");
    const [x, y, s] = Decimal.align(this, o);
    return new Decimal(x % y, s);
  }

  negate(): Decimal {
    return new Decimal(-this.unscaled, this.scale);
  }

  abs(): Decimal {
    return this.unscaled < 0n ? this.negate() : this;
  }

  compareTo(o: Decimal): number {
    const [x, y] = Decimal.align(this, o);
    return x < y ? -1 : x > y ? 1 : 0;
  }

  equals(o: unknown): boolean {
    return o instanceof Decimal && this.compareTo(o) === 0;
  }

  toNumber(): number {
    return Number(this.toString());
  }

  /** Plain notation with exactly `scale` digits after the point (BigDecimal.toPlainString). */
  toString(): string {
    const neg = this.unscaled < 0n;
    let digits = abs(this.unscaled).toString();
    if (this.scale === 0) return (neg ? "-" : "") + digits;
    if (digits.length <= this.scale) digits = "0".repeat(this.scale - digits.length + 1) + digits;
    const cut = digits.length - this.scale;
    return (neg ? "-" : "") + digits.slice(0, cut) + "." + digits.slice(cut);
  }

  toJSON(): number {
    return this.toNumber();
  }
}
