/** metav1.Time on the wire: RFC 3339 with seconds precision, `2024-05-01T10:00:00Z`. */
export function formatTime(d: Date = new Date()): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * metav1.MicroTime on the wire: exactly six fractional digits. JavaScript clocks have millisecond precision, so
 * the last three digits come from a monotonic sub-millisecond reading when one is given, zeros otherwise.
 */
export function formatMicroTime(d: Date = new Date(), microsWithinMilli = 0): string {
  const micros = String(Math.max(0, Math.min(999, Math.floor(microsWithinMilli)))).padStart(3, '0');
  return d.toISOString().replace(/\.(\d{3})Z$/, `.$1${micros}Z`);
}

/** Parses Time or MicroTime values; returns NaN-time Dates for garbage, like `new Date`. */
export function parseTime(s: string): Date {
  return new Date(s);
}
