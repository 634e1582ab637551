/** A fixed "now" for printer tests, and timestamps relative to it. */
export const now = Date.parse('2024-05-01T12:00:00Z');

/** The RFC 3339 time `seconds` before `now`. */
export function ago(seconds: number): string {
  return new Date(now - seconds * 1000).toISOString().replace('.000Z', 'Z');
}
