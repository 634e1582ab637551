import { binarySuffixExponents, decimalSuffixExponents, nanosPerUnit, type QuantityFormat } from './quantity-parse';

const decimalSuffixByExponent = new Map([...decimalSuffixExponents].map(([suffix, exponent]) => [exponent, suffix]));
const binarySuffixes = ['', ...binarySuffixExponents.keys()];

function formatBinary(sign: string, magnitude: bigint): string {
  let value = magnitude / nanosPerUnit;
  let power = 0;
  while (power < binarySuffixes.length - 1 && value % 1024n === 0n) {
    value /= 1024n;
    power++;
  }
  return `${sign}${value}${binarySuffixes[power]}`;
}

function formatDecimal(sign: string, magnitude: bigint, format: 'DecimalSI' | 'DecimalExponent'): string {
  let mantissa = magnitude;
  let exponent = -9;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  // Exponents are multiples of three so that every one maps to an SI suffix.
  while (exponent % 3 !== 0) {
    mantissa *= 10n;
    exponent--;
  }
  const siSuffix = format === 'DecimalSI' ? decimalSuffixByExponent.get(exponent) : undefined;
  if (siSuffix !== undefined) return `${sign}${mantissa}${siSuffix}`;
  // Past "E" there is no SI suffix; Kubernetes falls back to an exponent rather than drop the magnitude.
  return `${sign}${mantissa}${exponent === 0 ? '' : `e${exponent}`}`;
}

/**
 * The canonical text Kubernetes prints for a value: no fractional digits, the largest suffix that loses no
 * precision, in the quantity's own format. A binary quantity below 1024 or with a fraction prints as decimal.
 */
export function formatQuantity(nanos: bigint, format: QuantityFormat): string {
  if (nanos === 0n) return '0';
  const sign = nanos < 0n ? '-' : '';
  const magnitude = nanos < 0n ? -nanos : nanos;
  if (format === 'BinarySI') {
    if (magnitude >= 1024n * nanosPerUnit && magnitude % nanosPerUnit === 0n) return formatBinary(sign, magnitude);
    return formatDecimal(sign, magnitude, 'DecimalSI');
  }
  return formatDecimal(sign, magnitude, format);
}
