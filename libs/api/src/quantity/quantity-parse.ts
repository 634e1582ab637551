import { QuantityParseError, quantityFormatMessage, quantitySuffixMessage } from './quantity-errors';

/** How a quantity is written back: `12M`, `12Mi` or `12e6`. */
export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** A parsed quantity: its exact value in units of 10^-9, the format to print it in, and the input text when
 * Kubernetes would print that text unchanged. */
export interface ParsedQuantity {
  nanos: bigint;
  format: QuantityFormat;
  keptSpelling?: string;
}

export const nanosPerUnit = 1_000_000_000n;
const maxInt64 = (1n << 63n) - 1n;
// Kubernetes caps binary quantities at the int64 maximum when parsing; decimal ones are not capped.
const maxBinaryNanos = maxInt64 * nanosPerUnit;
// Kubernetes puts no bound on decimal exponents; this one only keeps a hostile "1e999999999" from
// building a gigantic integer, far above any quantity a cluster uses.
const maxDecimalExponent = 1000;

export const decimalSuffixExponents: ReadonlyMap<string, number> = new Map([
  ['n', -9],
  ['u', -6],
  ['m', -3],
  ['', 0],
  ['k', 3],
  ['M', 6],
  ['G', 9],
  ['T', 12],
  ['P', 15],
  ['E', 18],
]);
export const binarySuffixExponents: ReadonlyMap<string, number> = new Map([
  ['Ki', 10],
  ['Mi', 20],
  ['Gi', 30],
  ['Ti', 40],
  ['Pi', 50],
  ['Ei', 60],
]);

const suffixLetters = 'eEinumkKMGTP';
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

interface ScannedQuantity {
  negative: boolean;
  /** Integer digits without leading zeros ("" for zero). */
  integer: string;
  fraction: string;
  suffix: string;
}

/** Splits `-1.5Gi` into sign, digits and suffix, following the order Kubernetes' scanner reads them in. */
function scan(text: string): ScannedQuantity {
  let i = 0;
  let negative = false;
  if (text[i] === '-' || text[i] === '+') {
    negative = text[i] === '-';
    i++;
  }
  const integerStart = i;
  while (isDigit(text[i])) i++;
  const integer = text.slice(integerStart, i).replace(/^0+/, '');
  let fraction = '';
  if (text[i] === '.') {
    const fractionStart = ++i;
    while (isDigit(text[i])) i++;
    fraction = text.slice(fractionStart, i);
  }
  // Kubernetes' scanner also lets "Ki" or "-" through as zero; its documented grammar needs a number.
  if (i === integerStart) throw new QuantityParseError(text, quantityFormatMessage);
  const suffixStart = i;
  while (i < text.length && suffixLetters.includes(text[i])) i++;
  if (text[i] === '-' || text[i] === '+') i++;
  while (isDigit(text[i])) i++;
  if (i !== text.length) throw new QuantityParseError(text, quantityFormatMessage);
  return { negative, integer, fraction, suffix: text.slice(suffixStart) };
}

interface Suffix {
  base: 2 | 10;
  exponent: number;
  format: QuantityFormat;
}

function interpretSuffix(text: string, suffix: string): Suffix {
  const decimal = decimalSuffixExponents.get(suffix);
  if (decimal !== undefined) return { base: 10, exponent: decimal, format: 'DecimalSI' };
  const binary = binarySuffixExponents.get(suffix);
  if (binary !== undefined) return { base: 2, exponent: binary, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?[0-9]+$/.test(suffix.slice(1))) {
    const exponent = Number(suffix.slice(1));
    if (exponent > maxDecimalExponent) throw new QuantityParseError(text, `quantity is too large: the exponent may be at most ${maxDecimalExponent}`);
    return { base: 10, exponent, format: 'DecimalExponent' };
  }
  throw new QuantityParseError(text, quantitySuffixMessage);
}

/** digits × 10^power10 in nanos, rounded away from zero as Kubernetes does for anything finer than 1n. */
function toNanosRoundingUp(digits: bigint, digitCount: number, power10: number): bigint {
  if (power10 >= 0) return digits * 10n ** BigInt(power10);
  // digits < 10^digitCount, so dividing by a larger power leaves a value strictly between 0 and 1.
  if (-power10 > digitCount) return digits === 0n ? 0n : 1n;
  const divisor = 10n ** BigInt(-power10);
  const quotient = digits / divisor;
  return digits % divisor === 0n ? quotient : quotient + 1n;
}

/**
 * Kubernetes keeps the input text as the printed form when its int64 fast path parsed it and the text is
 * already canonical apart from spelling (so "+1", "1E3" and "01" print as given). Mirroring that keeps
 * objects we serve byte-identical with the real apiserver's.
 */
function keptSpelling(text: string, scanned: ScannedQuantity, suffix: Suffix): string | undefined {
  const numerator = scanned.integer === '' ? '0' : scanned.integer;
  if (suffix.base === 2) {
    if (scanned.fraction !== '') return undefined;
    const precision = 15 - numerator.length - Math.trunc((suffix.exponent * 3) / 10) - 1;
    const value = BigInt(numerator);
    if (precision < 0 || value << BigInt(suffix.exponent) > maxInt64) return undefined;
    return (value & 7n) !== 0n ? text : undefined;
  }
  const shifted = numerator + scanned.fraction;
  const scale = suffix.exponent - scanned.fraction.length;
  if (shifted.length > 18 || scale < -9) return undefined;
  return scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0' ? text : undefined;
}

/** Parses the text form of a resource.Quantity exactly; throws QuantityParseError. */
export function parseQuantityText(text: string): ParsedQuantity {
  if (text.length === 0) throw new QuantityParseError(text, quantityFormatMessage);
  if (text === '0') return { nanos: 0n, format: 'DecimalSI', keptSpelling: text };
  const scanned = scan(text);
  const suffix = interpretSuffix(text, scanned.suffix);
  const digitText = scanned.integer + scanned.fraction;
  let digits = BigInt(digitText === '' ? '0' : digitText);
  if (suffix.base === 2) digits <<= BigInt(suffix.exponent);
  const power10 = (suffix.base === 10 ? suffix.exponent : 0) - scanned.fraction.length + 9;
  let nanos = toNanosRoundingUp(digits, digits.toString().length, power10);
  let format = suffix.format;
  if (format === 'BinarySI') {
    if (nanos > maxBinaryNanos) nanos = maxBinaryNanos;
    // Binary suffixes cannot express a fraction of one, so such values are decimal from the start.
    if (nanos > 0n && nanos < nanosPerUnit) format = 'DecimalSI';
  }
  return {
    nanos: scanned.negative ? -nanos : nanos,
    format,
    keptSpelling: keptSpelling(text, scanned, suffix),
  };
}
