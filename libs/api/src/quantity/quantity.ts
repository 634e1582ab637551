import { QuantityParseError } from './quantity-errors';
import { formatQuantity } from './quantity-format';
import { nanosPerUnit, parseQuantityText, type QuantityFormat } from './quantity-parse';

export type { QuantityFormat } from './quantity-parse';

/** Anything a quantity may be given as: an object's string, a JSON number, or a parsed Quantity. */
export type QuantityLike = Quantity | string | number;

/** Divides, rounding any remainder away from zero (Kubernetes' ScaledValue and RoundUp). */
function divideRoundingUp(numerator: bigint, divisor: bigint): bigint {
  const quotient = numerator / divisor;
  if (numerator % divisor === 0n) return quotient;
  return numerator < 0n ? quotient - 1n : quotient + 1n;
}

/**
 * resource.Quantity: a fixed-point number held exactly as an integer count of 10^-9 units (Kubernetes keeps
 * nothing finer), with the format it is printed in. Immutable: arithmetic returns new quantities.
 */
export class Quantity {
  private constructor(
    private readonly nanos: bigint,
    readonly format: QuantityFormat,
    private readonly spelling?: string,
  ) {
    Object.freeze(this);
  }

  /** Parses the text form (`100m`, `1.5Gi`, `2e3`) or a JSON number; throws QuantityParseError. */
  static parse(input: string | number): Quantity {
    if (typeof input === 'number') {
      if (!Number.isFinite(input)) throw new QuantityParseError(String(input), 'unable to parse numeric part of quantity');
      input = String(input);
    }
    if (typeof input !== 'string') throw new QuantityParseError(String(input), 'a quantity must be a string or a number');
    const parsed = parseQuantityText(input);
    return new Quantity(parsed.nanos, parsed.format, parsed.keptSpelling);
  }

  static zero(format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(0n, format);
  }

  /** NewQuantity: an integer value in the given format. */
  static fromValue(value: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(Quantity.integer(value) * nanosPerUnit, format);
  }

  /** NewMilliQuantity: value/1000 in the given format. */
  static fromMilliValue(milli: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(Quantity.integer(milli) * 1_000_000n, format);
  }

  /** The exact value in units of 10^-9, for callers that need exact arithmetic of their own. */
  static fromNanoValue(nanos: bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(nanos, format);
  }

  private static integer(value: number | bigint): bigint {
    if (typeof value === 'bigint') return value;
    if (!Number.isSafeInteger(value)) throw new RangeError(`${value} is not an integer a quantity can hold exactly`);
    return BigInt(value);
  }

  private static from(other: QuantityLike): Quantity {
    return other instanceof Quantity ? other : Quantity.parse(other);
  }

  cmp(other: QuantityLike): -1 | 0 | 1 {
    const theirs = Quantity.from(other).nanos;
    return this.nanos < theirs ? -1 : this.nanos > theirs ? 1 : 0;
  }

  equals(other: QuantityLike): boolean {
    return this.cmp(other) === 0;
  }

  /** The sum keeps this quantity's format, or takes the other's when this one is zero (as Kubernetes' Add). */
  add(other: QuantityLike): Quantity {
    const theirs = Quantity.from(other);
    return new Quantity(this.nanos + theirs.nanos, this.isZero() ? theirs.format : this.format);
  }

  sub(other: QuantityLike): Quantity {
    const theirs = Quantity.from(other);
    return new Quantity(this.nanos - theirs.nanos, this.isZero() ? theirs.format : this.format);
  }

  neg(): Quantity {
    return new Quantity(-this.nanos, this.format);
  }

  isZero(): boolean {
    return this.nanos === 0n;
  }

  sign(): -1 | 0 | 1 {
    return this.nanos < 0n ? -1 : this.nanos > 0n ? 1 : 0;
  }

  nanoValue(): bigint {
    return this.nanos;
  }

  /** The value in thousandths, any remainder rounded away from zero ("1n" → 1, "-1.0001" → -1001). */
  milliValue(): number {
    return Number(divideRoundingUp(this.nanos, 1_000_000n));
  }

  /** The value as an integer, any fraction rounded away from zero ("100m" → 1). */
  value(): number {
    return Number(divideRoundingUp(this.nanos, nanosPerUnit));
  }

  /** A float approximation, for display and ratios only. */
  asApproximateNumber(): number {
    return Number(this.nanos) / 1e9;
  }

  /** The form Kubernetes prints: canonical, or the input text where Kubernetes would echo it. */
  toString(): string {
    return this.spelling ?? formatQuantity(this.nanos, this.format);
  }

  toJSON(): string {
    return this.toString();
  }
}

export function parseQuantity(input: string | number): Quantity {
  return Quantity.parse(input);
}

export function compareQuantities(a: QuantityLike, b: QuantityLike): -1 | 0 | 1 {
  return (a instanceof Quantity ? a : Quantity.parse(a)).cmp(b);
}

export function isValidQuantity(input: unknown): boolean {
  if (typeof input !== 'string' && typeof input !== 'number') return false;
  try {
    Quantity.parse(input);
    return true;
  } catch (err) {
    if (err instanceof QuantityParseError) return false;
    throw err;
  }
}
