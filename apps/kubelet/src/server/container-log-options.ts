import { rfc3339Nanos } from './log-record';

/** The query of `GET /containerLogs/{namespace}/{pod}/{container}` (PodLogOptions), checked. */
export interface ContainerLogOptions {
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  /** Only the last this many lines; none means from the start of the file. */
  tailLines?: number;
  /** Stop after this many bytes of output. */
  limitBytes?: number;
  /** Lines logged before this instant (nanoseconds since the epoch) are left out. */
  sinceNanos?: bigint;
}

export type ParsedLogOptions = { ok: true; options: ContainerLogOptions } | { ok: false; message: string };

const trueWords = new Set(['', '1', 't', 'T', 'true', 'TRUE', 'True']);
const falseWords = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

class LogOptionError extends Error {}

function bool(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  if (v === null) return false;
  if (trueWords.has(v)) return true;
  if (falseWords.has(v)) return false;
  throw new LogOptionError(`${name}: Invalid value: ${JSON.stringify(v)}: must be a boolean`);
}

function int(query: URLSearchParams, name: string, min: number, rule: string): number | undefined {
  const v = query.get(name);
  if (v === null) return undefined;
  if (!/^[+-]?\d+$/.test(v)) throw new LogOptionError(`${name}: Invalid value: ${JSON.stringify(v)}: must be an integer`);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new LogOptionError(`${name}: Invalid value: ${JSON.stringify(v)}: out of range`);
  if (n < min) throw new LogOptionError(`${name}: Invalid value: ${n}: ${rule}`);
  return n;
}

/** Reads and checks the log options the way Kubernetes validates PodLogOptions; `nowMs` anchors sinceSeconds. */
export function parseContainerLogOptions(query: URLSearchParams, nowMs = Date.now()): ParsedLogOptions {
  try {
    const options: ContainerLogOptions = {
      follow: bool(query, 'follow'),
      previous: bool(query, 'previous'),
      timestamps: bool(query, 'timestamps'),
      tailLines: int(query, 'tailLines', 0, 'must be greater than or equal to 0'),
      limitBytes: int(query, 'limitBytes', 1, 'must be greater than 0'),
    };
    const sinceSeconds = int(query, 'sinceSeconds', 1, 'must be greater than 0');
    const sinceTime = query.get('sinceTime');
    if (sinceSeconds !== undefined && sinceTime !== null) throw new LogOptionError('at most one of `sinceTime` or `sinceSeconds` may be specified');
    if (sinceSeconds !== undefined) options.sinceNanos = BigInt(nowMs - sinceSeconds * 1000) * 1_000_000n;
    if (sinceTime !== null) {
      const nanos = rfc3339Nanos(sinceTime);
      if (nanos === undefined) throw new LogOptionError(`sinceTime: Invalid value: ${JSON.stringify(sinceTime)}: must be an RFC 3339 time`);
      options.sinceNanos = nanos;
    }
    return { ok: true, options };
  } catch (e) {
    if (e instanceof LogOptionError) return { ok: false, message: e.message };
    throw e;
  }
}
