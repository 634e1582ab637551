import { StringDecoder } from 'node:string_decoder';
import type { WatchEvent } from '@skiff/api';

/**
 * Splits a watch response body into events. The apiserver writes one JSON object per line, but TCP hands them
 * over in arbitrary chunks: an event (or a multi-byte character) may straddle two chunks, and one chunk may
 * carry several events.
 */
export class WatchEventDecoder<T = unknown> {
  private readonly utf8 = new StringDecoder('utf8');
  private partial = '';

  /** The events completed by this chunk. Throws on a line that is not a watch event. */
  write(chunk: Buffer | string): WatchEvent<T>[] {
    const text = this.partial + (typeof chunk === 'string' ? chunk : this.utf8.write(chunk));
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    return lines.filter((l) => l.trim() !== '').map(parseEvent<T>);
  }

  /** The stream ended: a final event without its newline still counts. */
  end(): WatchEvent<T>[] {
    const rest = (this.partial + this.utf8.end()).trim();
    this.partial = '';
    return rest ? [parseEvent<T>(rest)] : [];
  }
}

function parseEvent<T>(line: string): WatchEvent<T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (err) {
    throw new Error(`malformed watch event ${JSON.stringify(line.slice(0, 120))}: ${(err as Error).message}`);
  }
  const ev = parsed as WatchEvent<T>;
  if (!ev || typeof ev !== 'object' || typeof ev.type !== 'string' || !ev.object || typeof ev.object !== 'object') {
    throw new Error(`malformed watch event ${JSON.stringify(line.slice(0, 120))}: expected {"type", "object"}`);
  }
  return ev;
}
