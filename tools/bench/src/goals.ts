import type { BenchResult, Comparison, GoalResult } from './bench-result';

interface Goal {
  id: string;
  description: string;
  comparison: Comparison;
  target: number;
  unit: string;
  measure(r: Omit<BenchResult, 'goals'>): number | null;
}

/** The apiserver's performance goals as the README states them; a run reports against them, nothing asserts them. */
export const apiserverGoals: readonly Goal[] = [
  {
    id: 'createsPerSecond',
    description: 'pod creates per second',
    comparison: '>=',
    target: 1200,
    unit: '/s',
    // A run with failed creates did not show the rate was sustainable.
    measure: (r) => (r.creates.failed > 0 ? null : r.creates.perSecond),
  },
  {
    id: 'cachedListP50',
    description: 'list of all pods from the watch cache, p50',
    comparison: '<=',
    target: 60,
    unit: 'ms',
    measure: (r) => r.listFromCache.latencyMs.p50,
  },
  {
    id: 'watchDeliveryP99UnderLoad',
    description: 'watch delivery p99, ADDED during the create burst',
    comparison: '<=',
    target: 5,
    unit: 'ms',
    measure: (r) => (r.watchAdded.missing > 0 ? null : r.watchAdded.latencyMs.p99),
  },
  {
    id: 'watchDeliveryP99Quiet',
    description: 'watch delivery p99, MODIFIED with one update in flight',
    comparison: '<=',
    target: 5,
    unit: 'ms',
    measure: (r) => (r.watchModified.missing > 0 ? null : r.watchModified.latencyMs.p99),
  },
  {
    id: 'apiserverRssAfterCreates',
    description: 'apiserver RSS after the creates',
    comparison: '<=',
    target: 150,
    unit: 'MiB',
    measure: (r) => ('pid' in r.apiserverMemory ? r.apiserverMemory.rssAfterCreatesMiB : null),
  },
];

/** Compares each measurement with its goal; a goal that was not measured passes or misses nothing (null). */
export function evaluateGoals(r: Omit<BenchResult, 'goals'>, goals: readonly Goal[] = apiserverGoals): GoalResult[] {
  return goals.map((g) => {
    const measured = g.measure(r);
    const pass = measured === null ? null : g.comparison === '>=' ? measured >= g.target : measured <= g.target;
    return { id: g.id, description: g.description, comparison: g.comparison, target: g.target, unit: g.unit, measured, pass };
  });
}
