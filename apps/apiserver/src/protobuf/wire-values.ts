import * as protobuf from 'protobufjs';

/** A protobuf body that decoded but cannot be Kubernetes JSON (a RawExtension that is not JSON, a year 10000). */
export class ProtobufContentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufContentError';
  }
}

type LongLike = { low: number; high: number; unsigned?: boolean };

/** int64 fields decode as Long objects; JSON wants numbers, exact up to 2^53 like the JSON path. */
export function int64ToNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  const long = value as LongLike;
  return protobuf.util.LongBits.from(long as protobuf.Long).toNumber(long.unsigned ?? false);
}

export function int64ToBigInt(value: unknown): bigint {
  if (typeof value === 'number') return BigInt(value);
  const { low, high } = value as LongLike;
  return BigInt.asIntN(64, (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0));
}

export function bytesToBase64(value: unknown): string {
  return Buffer.from(value as Uint8Array).toString('base64');
}

export function bytesToJSON(value: unknown, what: string, path: string): unknown {
  const text = Buffer.from(value as Uint8Array).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ProtobufContentError(`${path}: the ${what} is not JSON: ${(e as Error).message}`);
  }
}

/** Go's zero time.Time (0001-01-01T00:00:00Z) in Unix seconds; metav1.Time renders it as null. */
const zeroTimeSeconds = -62135596800;

/**
 * A Timestamp {seconds, nanos} as RFC 3339 in UTC: whole seconds for metav1.Time, exactly six fractional
 * digits for metav1.MicroTime. An empty Timestamp is the zero time, which JSON shows as null: undefined here.
 */
export function timestampToJSON(message: Record<string, unknown>, precision: 'seconds' | 'micros', path: string): string | undefined {
  if (!has(message, 'seconds') && !has(message, 'nanos')) return undefined;
  const seconds = int64ToNumber(message.seconds ?? 0);
  if (seconds === zeroTimeSeconds && !message.nanos) return undefined;
  const date = new Date(seconds * 1000);
  const year = date.getUTCFullYear();
  if (!Number.isFinite(date.getTime()) || year < 0 || year > 9999) {
    throw new ProtobufContentError(`${path}: the time ${seconds}s is outside the years 0000-9999`);
  }
  const whole = date.toISOString().slice(0, 19);
  if (precision === 'seconds') return `${whole}Z`;
  const micros = Math.floor(Number(message.nanos ?? 0) / 1000);
  return `${whole}.${String(micros).padStart(6, '0')}Z`;
}

function fixedPoint(value: bigint, scale: bigint): string {
  const whole = value / scale;
  const fraction = value % scale;
  if (fraction === 0n) return String(whole);
  const digits = String(scale).length - 1;
  return `${whole}.${String(fraction).padStart(digits, '0').replace(/0+$/, '')}`;
}

/** A metav1.Duration (int64 nanoseconds) the way Go's time.Duration prints it: "1h0m0s", "1.5s", "300ms". */
export function formatGoDuration(nanos: bigint): string {
  if (nanos === 0n) return '0s';
  const negative = nanos < 0n;
  let rest = negative ? -nanos : nanos;
  let text: string;
  if (rest < 1_000_000_000n) {
    const [scale, unit] = rest < 1_000n ? [1n, 'ns'] : rest < 1_000_000n ? [1_000n, 'µs'] : [1_000_000n, 'ms'];
    text = fixedPoint(rest, scale) + unit;
  } else {
    const hours = rest / 3_600_000_000_000n;
    rest %= 3_600_000_000_000n;
    const minutes = rest / 60_000_000_000n;
    rest %= 60_000_000_000n;
    text = `${hours > 0n ? `${hours}h` : ''}${hours > 0n || minutes > 0n ? `${minutes}m` : ''}${fixedPoint(rest, 1_000_000_000n)}s`;
  }
  return negative ? `-${text}` : text;
}

/** intstr.IntOrString {type, intVal, strVal}: type 1 is a string, anything else a number. */
export function intOrStringToJSON(message: Record<string, unknown>): number | string {
  return int64ToNumber(message.type ?? 0) === 1 ? String(message.strVal ?? '') : Number(message.intVal ?? 0);
}

/** Whether a decoded message carries a field (protobufjs keeps defaults on the prototype). */
export function has(message: object, field: string): boolean {
  return Object.prototype.hasOwnProperty.call(message, field);
}
