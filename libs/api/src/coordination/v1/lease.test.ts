import { schemaErrors } from '../../schema/schema-errors';
import { leases, type Lease } from './lease';

const lease = (spec: Lease['spec']): Lease => ({ metadata: { name: 'kube-scheduler', namespace: 'kube-system' }, spec });

describe('Lease', () => {
  it('is registered under coordination.k8s.io/v1 with the Kubernetes etcd prefix', () => {
    expect(leases).toMatchObject({ group: 'coordination.k8s.io', resource: 'leases', etcdPrefix: 'leases', namespaced: true });
  });

  it('accepts a typical leader-election lease with micro-second times', () => {
    const l = lease({ holderIdentity: 'node-1_abc', leaseDurationSeconds: 15, renewTime: '2024-05-01T10:00:00.123456Z', leaseTransitions: 2 });
    expect(schemaErrors(leases.schema, l)).toEqual([]);
    expect(leases.validate!(l)).toEqual([]);
  });

  it('rejects a malformed renewTime', () => {
    expect(schemaErrors(leases.schema, lease({ renewTime: 'yesterday' })).map((e) => e.field)).toEqual(['spec.renewTime']);
  });

  it('reports non-positive durations and negative transitions at their field paths', () => {
    const errs = leases.validate!(lease({ leaseDurationSeconds: 0, leaseTransitions: -1 }));
    expect(errs.map((e) => [e.field, e.detail])).toEqual([
      ['spec.leaseDurationSeconds', 'must be greater than 0'],
      ['spec.leaseTransitions', 'must be greater than or equal to 0'],
    ]);
  });

  it('requires a strategy for preferredHolder and only knows OldestEmulationVersion', () => {
    expect(leases.validate!(lease({ preferredHolder: 'b' }))).toEqual([expect.objectContaining({ type: 'FieldValueForbidden', field: 'spec.preferredHolder' })]);
    expect(leases.validate!(lease({ strategy: 'Newest' }))).toEqual([expect.objectContaining({ type: 'FieldValueNotSupported', field: 'spec.strategy' })]);
    expect(leases.validate!(lease({ strategy: 'OldestEmulationVersion', preferredHolder: 'b' }))).toEqual([]);
  });
});
