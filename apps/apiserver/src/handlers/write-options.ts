import type { DeleteOptions } from '@skiff/api';
import { badRequest } from './status-error';

export function isDryRun(query: Record<string, unknown>, body?: DeleteOptions): boolean {
  const q = query.dryRun;
  const values = [...(Array.isArray(q) ? q : q === undefined ? [] : [q]), ...(body?.dryRun ?? [])].map(String);
  for (const v of values) if (v !== 'All') throw badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  return values.length > 0;
}

function intParam(v: unknown, name: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw badRequest(`${name}: Invalid value: "${String(v)}": must be an integer`);
  return n;
}

/** DeleteOptions from the body and the query string; query parameters win, as in Kubernetes. */
export function deleteOptionsFrom(body: Record<string, unknown> | undefined, query: Record<string, unknown>): DeleteOptions {
  const opts = { ...(body ?? {}) } as DeleteOptions;
  const grace = intParam(query.gracePeriodSeconds, 'gracePeriodSeconds');
  if (grace !== undefined) opts.gracePeriodSeconds = grace;
  if (typeof query.propagationPolicy === 'string') opts.propagationPolicy = query.propagationPolicy;
  if (query.orphanDependents !== undefined) opts.orphanDependents = query.orphanDependents === 'true';
  const policy = opts.propagationPolicy;
  if (policy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(policy)) {
    throw badRequest(`propagationPolicy: Unsupported value: "${policy}": supported values: "Background", "Foreground", "Orphan"`);
  }
  if (opts.gracePeriodSeconds !== undefined && opts.gracePeriodSeconds < 0) opts.gracePeriodSeconds = 1;
  return opts;
}

export { intParam };
