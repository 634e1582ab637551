import { CliError } from '../errors';
import { parseGoDuration } from '../go-duration';

/** The logs flags that shape what each log request asks for. */
export interface LogFlags {
  follow?: boolean;
  previous?: boolean;
  timestamps?: boolean;
  tail?: string;
  since?: string;
  sinceTime?: string;
  limitBytes?: string;
}

/** PodLogOptions as query parameters, without the container (each request adds its own). */
export type LogQuery = Record<string, string>;

/** Lines shown by default when the pods come from a selector (kubectl's default too); all lines otherwise. */
export const selectorDefaultTail = 10;

function intFlag(flag: string, text: string): number {
  if (!/^[+-]?\d+$/.test(text.trim()) || !Number.isSafeInteger(Number(text))) {
    throw new CliError(`invalid argument "${text}" for "--${flag}" flag: not an integer`);
  }
  return Number(text);
}

const rfc3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/;

/**
 * Checks the flags as kubectl does before any request is made, and turns them into the log query: only the
 * options that were set, durations rounded to whole seconds, `--tail=-1` meaning every line.
 */
export function logQuery(flags: LogFlags, fromSelector: boolean): LogQuery {
  const query: LogQuery = {};
  if (flags.follow) query.follow = 'true';
  if (flags.previous) query.previous = 'true';
  if (flags.timestamps) query.timestamps = 'true';

  const tail = flags.tail === undefined ? (fromSelector ? selectorDefaultTail : -1) : intFlag('tail', flags.tail);
  if (tail < -1) throw new CliError('--tail must be greater than or equal to -1');
  if (tail >= 0) query.tailLines = String(tail);

  if (flags.since !== undefined && flags.sinceTime !== undefined) throw new CliError('at most one of `sinceTime` or `sinceSeconds` may be specified');
  if (flags.since !== undefined) {
    const ms = parseGoDuration(flags.since);
    if (ms === undefined) throw new CliError(`invalid argument "${flags.since}" for "--since" flag: time: invalid duration "${flags.since}"`);
    // A duration under half a second rounds to 0, which the server refuses, as it does for kubectl.
    if (ms !== 0) query.sinceSeconds = String(Math.round(ms / 1000));
  }
  if (flags.sinceTime !== undefined) {
    if (!rfc3339.test(flags.sinceTime) || Number.isNaN(Date.parse(flags.sinceTime))) {
      throw new CliError(`invalid --since-time "${flags.sinceTime}": expected an RFC 3339 time such as 2024-05-01T10:00:00Z`);
    }
    query.sinceTime = flags.sinceTime;
  }

  if (flags.limitBytes !== undefined) {
    const limit = intFlag('limit-bytes', flags.limitBytes);
    if (limit !== 0) query.limitBytes = String(limit);
  }
  return query;
}
