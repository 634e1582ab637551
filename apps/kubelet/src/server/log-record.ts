import { parseCriLogLine, parseRfc3339Nano, type CriLogStream } from '@skiff/cri';

/** One record of a CRI log file, its content kept as the exact bytes the container wrote. */
export interface LogRecord {
  /** The time exactly as the runtime wrote it. */
  timestamp: string;
  stream: CriLogStream;
  /** A `P` record: the line goes on in the next record of the same stream. */
  partial: boolean;
  content: Buffer;
}

/**
 * Parses one record (without its newline); undefined for a malformed one, which is skipped as the kubelet does.
 * Decoded as latin1 so that a multi-byte character split across two partial records survives byte for byte.
 */
export function parseLogRecord(line: Buffer): LogRecord | undefined {
  try {
    const entry = parseCriLogLine(line.toString('latin1'));
    return { timestamp: entry.timestamp, stream: entry.stream, partial: entry.partial, content: Buffer.from(entry.content, 'latin1') };
  } catch {
    return undefined;
  }
}

/** Nanoseconds since the epoch of an RFC 3339 time (a bigint: a number cannot hold that exactly); undefined if malformed. */
export function rfc3339Nanos(text: string): bigint | undefined {
  const t = parseRfc3339Nano(text);
  return t && BigInt(Math.floor(t.timeMs / 1000)) * 1_000_000_000n + BigInt(t.nanos);
}
