import { schemaErrors } from '../../schema/schema-errors';
import { daemonsets, type DaemonSet } from './daemon-set';

function daemonSet(over: Partial<DaemonSet['spec']> = {}): DaemonSet {
  const ds: DaemonSet = {
    metadata: { name: 'node-exporter', namespace: 'monitoring' },
    spec: {
      selector: { matchLabels: { app: 'node-exporter' } },
      template: { metadata: { labels: { app: 'node-exporter' } }, spec: { containers: [{ name: 'exporter', image: 'prom/node-exporter' }] } },
      ...over,
    },
  };
  daemonsets.applyDefaults!(ds);
  return ds;
}

describe('DaemonSet', () => {
  it('is served as ds with a status subresource and no scale', () => {
    expect(daemonsets).toMatchObject({ shortNames: ['ds'], categories: ['all'], etcdPrefix: 'daemonsets' });
    expect(daemonsets.subresources.map((s) => s.name)).toEqual(['status']);
  });

  it('defaults to a rolling update of one node at a time without surge', () => {
    const ds = daemonSet();
    expect(ds.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(ds.spec.revisionHistoryLimit).toBe(10);
    expect(ds.spec.template.spec.dnsPolicy).toBe('ClusterFirst');
    expect(daemonsets.validate!(ds)).toEqual([]);
    expect(daemonSet({ updateStrategy: { type: 'OnDelete' } }).spec.updateStrategy).toEqual({ type: 'OnDelete' });
  });

  it('allows exactly one of maxUnavailable and maxSurge to be non-zero', () => {
    const both = daemonSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '10%' } } });
    expect(daemonsets.validate!(both)).toEqual([expect.objectContaining({ field: 'spec.updateStrategy.rollingUpdate.maxSurge', detail: 'may not be set when maxUnavailable is non-zero' })]);
    const neither = daemonSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '0%', maxSurge: 0 } } });
    expect(daemonsets.validate!(neither)).toEqual([expect.objectContaining({ type: 'FieldValueRequired', field: 'spec.updateStrategy.rollingUpdate.maxUnavailable' })]);
    const surgeOnly = daemonSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } });
    expect(daemonsets.validate!(surgeOnly)).toEqual([]);
  });

  it('rejects unknown strategy types and an empty selector', () => {
    expect(schemaErrors(daemonsets.schema, daemonSet({ updateStrategy: { type: 'Surge' as never } })).map((e) => e.field)).toEqual(['spec.updateStrategy.type']);
    expect(daemonsets.validate!(daemonSet({ selector: {} }))).toEqual([expect.objectContaining({ field: 'spec.selector', detail: 'empty selector is invalid for daemonset' })]);
  });

  it('makes the selector immutable', () => {
    expect(daemonsets.validateUpdate!(daemonSet({ selector: { matchLabels: { app: 'other' } } }), daemonSet())[0]).toMatchObject({ field: 'spec.selector' });
  });
});
