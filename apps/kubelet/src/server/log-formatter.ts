import { rfc3339Nanos, type LogRecord } from './log-record';

/**
 * Turns CRI log records into the bytes `kubectl logs` prints: partial (`P`) records continue the line, a full
 * (`F`) record ends it with a newline, and `timestamps` puts the first record's time in front of each line.
 * Each stream keeps its own line state, so an stderr line never splits an unfinished stdout line's prefix.
 */
export class LogFormatter {
  private readonly lineOpen = { stdout: false, stderr: false };

  constructor(private readonly opts: { timestamps: boolean; sinceNanos?: bigint }) {}

  format(rec: LogRecord): Buffer[] {
    if (this.opts.sinceNanos !== undefined) {
      const at = rfc3339Nanos(rec.timestamp);
      if (at !== undefined && at < this.opts.sinceNanos) return [];
    }
    const out: Buffer[] = [];
    if (this.opts.timestamps && !this.lineOpen[rec.stream]) out.push(Buffer.from(`${rec.timestamp} `));
    out.push(rec.content);
    if (!rec.partial) out.push(newline);
    this.lineOpen[rec.stream] = rec.partial;
    return out;
  }
}

const newline = Buffer.from('\n');
