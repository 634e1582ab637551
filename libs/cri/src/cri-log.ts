/**
 * The CRI container log format runtimes write at a container's log path, one entry per line:
 * `<RFC3339Nano time> <stdout|stderr> <tags> <content>`. Tags are ':'-separated; the first is 'F' for a full line
 * or 'P' for a partial one (a long line split by the runtime, to be joined with the entries that follow it).
 */

export type CriLogStream = 'stdout' | 'stderr';

export interface CriLogEntry {
  /** The time exactly as written, e.g. '2024-05-01T10:00:00.123456789Z'. */
  timestamp: string;
  /** Milliseconds since the epoch (sub-millisecond digits are in `nanos`). */
  timeMs: number;
  /** The nanoseconds within the second, 0…999999999. */
  nanos: number;
  stream: CriLogStream;
  partial: boolean;
  /** The line's text without the trailing newline. */
  content: string;
}

const timestampPattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 time with up to nine fraction digits; undefined when `text` is not one. */
export function parseRfc3339Nano(text: string): { timeMs: number; nanos: number } | undefined {
  const m = timestampPattern.exec(text);
  if (!m) return undefined;
  const [, year, month, day, hour, minute, second, fraction = '', zone] = m;
  let ms = Date.UTC(+year, +month - 1, +day, +hour, +minute, +second);
  if (Number.isNaN(ms) || +month < 1 || +month > 12 || +day < 1 || +day > 31 || +hour > 23 || +minute > 59 || +second > 60) {
    return undefined;
  }
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  const nanos = Number(fraction.padEnd(9, '0'));
  return { timeMs: ms + Math.floor(nanos / 1_000_000), nanos };
}

/**
 * Formats a time as Go's RFC3339Nano in UTC, as containerd writes it: trailing zeros of the fraction dropped,
 * no fraction at all for a whole second.
 */
export function formatRfc3339Nano(timeMs: number, nanos?: number): string {
  const wholeSecondMs = Math.floor(timeMs / 1000) * 1000;
  const fractionNanos = nanos ?? Math.round((timeMs - wholeSecondMs) * 1_000_000);
  const base = new Date(wholeSecondMs).toISOString().slice(0, 19);
  const fraction = String(fractionNanos).padStart(9, '0').replace(/0+$/, '');
  return `${base}${fraction ? `.${fraction}` : ''}Z`;
}

/** Parses one log line (with or without its newline); throws an Error naming what is wrong. */
export function parseCriLogLine(line: string): CriLogEntry {
  const text = line.endsWith('\n') ? line.slice(0, -1) : line;
  const firstSpace = text.indexOf(' ');
  if (firstSpace < 0) throw new Error(`invalid CRI log line ${JSON.stringify(line)}: no timestamp`);
  const timestamp = text.slice(0, firstSpace);
  const time = parseRfc3339Nano(timestamp);
  if (!time) throw new Error(`invalid CRI log line ${JSON.stringify(line)}: bad timestamp ${JSON.stringify(timestamp)}`);
  const secondSpace = text.indexOf(' ', firstSpace + 1);
  if (secondSpace < 0) throw new Error(`invalid CRI log line ${JSON.stringify(line)}: no stream`);
  const stream = text.slice(firstSpace + 1, secondSpace);
  if (stream !== 'stdout' && stream !== 'stderr') {
    throw new Error(`invalid CRI log line ${JSON.stringify(line)}: unexpected stream ${JSON.stringify(stream)}`);
  }
  // The content may be empty, in which case the line can end right after the tags.
  const thirdSpace = text.indexOf(' ', secondSpace + 1);
  const tags = thirdSpace < 0 ? text.slice(secondSpace + 1) : text.slice(secondSpace + 1, thirdSpace);
  const kind = tags.split(':')[0];
  if (kind !== 'F' && kind !== 'P') {
    throw new Error(`invalid CRI log line ${JSON.stringify(line)}: unexpected tag ${JSON.stringify(tags)}`);
  }
  return {
    timestamp,
    ...time,
    stream,
    partial: kind === 'P',
    content: thirdSpace < 0 ? '' : text.slice(thirdSpace + 1),
  };
}

/** Parses a whole log file's text; malformed lines are returned in `errors` and skipped, as the kubelet does. */
export function parseCriLog(text: string): { entries: CriLogEntry[]; errors: Error[] } {
  const entries: CriLogEntry[] = [];
  const errors: Error[] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    try {
      entries.push(parseCriLogLine(line));
    } catch (err) {
      errors.push(err as Error);
    }
  }
  return { entries, errors };
}

export interface CriLogLine {
  /** Milliseconds since the epoch, or an RFC 3339 timestamp written as is. */
  time: number | string;
  stream: CriLogStream;
  partial?: boolean;
  content: string;
}

/** One log line with its trailing newline, as a runtime writes it. */
export function formatCriLogLine(line: CriLogLine): string {
  if (line.content.includes('\n')) throw new Error('a CRI log line cannot contain a newline; split it first');
  const timestamp = typeof line.time === 'number' ? formatRfc3339Nano(line.time) : line.time;
  return `${timestamp} ${line.stream} ${line.partial ? 'P' : 'F'} ${line.content}\n`;
}

/** What the kubelet serves for an entry: the content, a newline unless partial, and the time first if asked. */
export function renderCriLogEntry(entry: CriLogEntry, timestamps = false): string {
  const prefix = timestamps ? `${formatRfc3339Nano(entry.timeMs, entry.nanos)} ` : '';
  return `${prefix}${entry.content}${entry.partial ? '' : '\n'}`;
}
