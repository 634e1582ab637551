import type { ClusterRole, PolicyRule } from '@skiff/api';
import { aggregatedRules, withAggregatedRules } from './aggregation';

const r = (resource: string): PolicyRule => ({ verbs: ['get'], apiGroups: [''], resources: [resource] });
const role = (name: string, labels: Record<string, string>, rules: PolicyRule[], selector?: Record<string, string>): ClusterRole => ({
  metadata: { name, labels },
  rules,
  ...(selector ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: selector }] } } : {}),
});

describe('ClusterRole aggregation', () => {
  it('collects the rules of the roles the selectors match, each once, in name order', () => {
    const monitoring = role('monitoring', {}, [r('stale')], { 'example.com/aggregate-to-monitoring': 'true' });
    const roles = [
      monitoring,
      role('b-metrics', { 'example.com/aggregate-to-monitoring': 'true' }, [r('endpoints'), r('pods')]),
      role('a-pods', { 'example.com/aggregate-to-monitoring': 'true' }, [r('pods')]),
      role('unrelated', {}, [r('secrets')]),
    ];
    expect(aggregatedRules(monitoring, roles)).toEqual([r('pods'), r('endpoints')]);
    expect(aggregatedRules(roles[3], roles)).toBeUndefined();
  });

  it('aggregates through aggregated roles, as admin includes edit includes view', () => {
    const roles = [
      role('admin', {}, [], { 'to-admin': 'true' }),
      role('edit', { 'to-admin': 'true' }, [], { 'to-edit': 'true' }),
      role('view', { 'to-edit': 'true' }, [], { 'to-view': 'true' }),
      role('x-view', { 'to-view': 'true' }, [r('pods')]),
      role('x-edit', { 'to-edit': 'true' }, [r('secrets')]),
    ];
    const filled = withAggregatedRules(roles);
    expect(filled.find((c) => c.metadata.name === 'admin')!.rules).toEqual([r('pods'), r('secrets')]);
    expect(filled.find((c) => c.metadata.name === 'view')!.rules).toEqual([r('pods')]);
    expect(filled.find((c) => c.metadata.name === 'x-view')).toBe(roles[3]);
  });

  it('stops at cycles', () => {
    const roles = [role('a', { b: 'true' }, [r('pods')], { a: 'true' }), role('b', { a: 'true' }, [r('nodes')], { b: 'true' })];
    expect(aggregatedRules(roles[0], roles)).toEqual([]);
  });
});
