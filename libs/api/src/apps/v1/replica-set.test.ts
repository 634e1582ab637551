import { formatFieldError } from '../../validation/field-errors';
import { replicasets, type ReplicaSet } from './replica-set';

function replicaSet(over: Partial<ReplicaSet['spec']> = {}): ReplicaSet {
  const rs: ReplicaSet = {
    metadata: { name: 'web-5d8f', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'web', 'pod-template-hash': '5d8f' } },
      template: { metadata: { labels: { app: 'web', 'pod-template-hash': '5d8f' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
      ...over,
    },
  };
  replicasets.applyDefaults!(rs);
  return rs;
}

describe('ReplicaSet', () => {
  it('is served as rs in category all, with status and scale', () => {
    expect(replicasets).toMatchObject({ shortNames: ['rs'], categories: ['all'], etcdPrefix: 'replicasets', hasStatusSubresource: true });
    expect(replicasets.subresources.map((s) => s.name)).toEqual(['status', 'scale']);
  });

  it('defaults replicas to 1 and the template pod spec', () => {
    const rs = replicaSet();
    expect(rs.spec.replicas).toBe(1);
    expect(rs.spec.template.spec.restartPolicy).toBe('Always');
    expect(replicasets.validate!(rs)).toEqual([]);
  });

  it('reports selector mismatch, negative replicas and a pod deadline', () => {
    const rs = replicaSet({ replicas: -2, selector: { matchLabels: { app: 'db' } } });
    rs.spec.template.spec.activeDeadlineSeconds = 30;
    expect(replicasets.validate!(rs).map(formatFieldError)).toEqual([
      'spec.replicas: Invalid value: -2: must be greater than or equal to 0',
      'spec.template.metadata.labels: Invalid value: {"app":"web","pod-template-hash":"5d8f"}: `selector` does not match template `labels`',
      'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported',
    ]);
  });

  it('makes the selector immutable', () => {
    const errs = replicasets.validateUpdate!(replicaSet({ selector: { matchLabels: { app: 'web' } } }), replicaSet());
    expect(errs).toEqual([expect.objectContaining({ field: 'spec.selector', detail: 'field is immutable' })]);
  });

  it('exposes status.replicas as a selectable field', () => {
    const rs = replicaSet();
    expect(replicasets.selectableFields!(rs)).toEqual({ 'status.replicas': '0' });
    rs.status = { replicas: 3 };
    expect(replicasets.selectableFields!(rs)).toEqual({ 'status.replicas': '3' });
  });
});
