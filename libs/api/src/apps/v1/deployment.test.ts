import { findUnknownFields } from '../../schema/unknown-fields';
import { schemaErrors } from '../../schema/schema-errors';
import { formatFieldError } from '../../validation/field-errors';
import { deployments, type Deployment } from './deployment';

function deployment(over: Partial<Deployment['spec']> = {}): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } },
      ...over,
    },
  };
}

function defaulted(over: Partial<Deployment['spec']> = {}): Deployment {
  const d = deployment(over);
  deployments.applyDefaults!(d);
  return d;
}

describe('Deployment registration', () => {
  it('is apps/v1 deployments with short name, category, status and scale subresources', () => {
    expect(deployments).toMatchObject({
      group: 'apps',
      resource: 'deployments',
      etcdPrefix: 'deployments',
      shortNames: ['deploy'],
      categories: ['all'],
      hasStatusSubresource: true,
      tracksGeneration: true,
    });
    expect(deployments.subresources.find((s) => s.name === 'scale')?.kind).toEqual({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
  });

  it('marks the strategy struct retainKeys', () => {
    expect((deployments.schema as any).properties.spec.properties.strategy['x-kubernetes-patch-strategy']).toBe('retainKeys');
  });
});

describe('Deployment defaulting', () => {
  it('fills replicas, a 25%/25% rolling update, history and deadline, and pod defaults in the template', () => {
    const { spec } = defaulted();
    expect(spec.replicas).toBe(1);
    expect(spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    expect(spec.revisionHistoryLimit).toBe(10);
    expect(spec.progressDeadlineSeconds).toBe(600);
    expect(spec.template.spec).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30, schedulerName: 'default-scheduler' });
    expect(spec.template.spec.containers[0]).toMatchObject({ imagePullPolicy: 'IfNotPresent' });
  });

  it('keeps what the user set and gives Recreate no rollingUpdate', () => {
    const { spec } = defaulted({ replicas: 0, strategy: { type: 'Recreate' }, revisionHistoryLimit: 2 });
    expect(spec.replicas).toBe(0);
    expect(spec.strategy).toEqual({ type: 'Recreate' });
    expect(spec.revisionHistoryLimit).toBe(2);
    expect(defaulted({ strategy: { rollingUpdate: { maxSurge: 1 } } }).spec.strategy?.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: '25%' });
  });

  it('produces an object that passes validation', () => {
    expect(deployments.validate!(defaulted())).toEqual([]);
    expect(schemaErrors(deployments.schema, defaulted())).toEqual([]);
  });
});

describe('Deployment validation', () => {
  it('reports a selector that does not match the template labels, in Kubernetes words', () => {
    const errs = deployments.validate!(defaulted({ selector: { matchLabels: { app: 'api' } } }));
    expect(errs.map(formatFieldError)).toEqual(['spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`']);
  });

  it('requires a selector and rejects an empty one', () => {
    expect(schemaErrors(deployments.schema, { metadata: { name: 'x' }, spec: { template: { spec: { containers: [] } } } }).map((e) => e.field)).toContain('spec.selector');
    const errs = deployments.validate!(defaulted({ selector: {} }));
    expect(errs).toEqual([expect.objectContaining({ field: 'spec.selector', detail: 'empty selector is invalid for deployment' })]);
  });

  it('rejects negative replicas', () => {
    expect(deployments.validate!(defaulted({ replicas: -1 }))).toEqual([expect.objectContaining({ field: 'spec.replicas', detail: 'must be greater than or equal to 0' })]);
  });

  it('rejects a rolling update that can make no progress, bad percents and a Recreate with rollingUpdate', () => {
    const zero = deployments.validate!(defaulted({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '0%' } } }));
    expect(zero.map(formatFieldError)).toEqual(['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0']);
    const bad = deployments.validate!(defaulted({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '120%', maxSurge: 'lots' } } }));
    expect(bad.map((e) => e.field)).toEqual(['spec.strategy.rollingUpdate.maxSurge', 'spec.strategy.rollingUpdate.maxUnavailable']);
    const recreate = deployments.validate!(defaulted({ strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } }));
    expect(recreate).toEqual([expect.objectContaining({ type: 'FieldValueForbidden', field: 'spec.strategy.rollingUpdate' })]);
    expect(schemaErrors(deployments.schema, defaulted({ strategy: { type: 'BlueGreen' as never } })).map((e) => e.field)).toEqual(['spec.strategy.type']);
  });

  it('validates the template pod spec at spec.template.spec and insists on restartPolicy Always', () => {
    const d = defaulted();
    d.spec.template.spec.containers = [];
    d.spec.template.spec.restartPolicy = 'Never';
    const fields = deployments.validate!(d).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['spec.template.spec.containers', 'spec.template.spec.restartPolicy']));
  });

  it('requires progressDeadlineSeconds to exceed minReadySeconds', () => {
    expect(deployments.validate!(defaulted({ minReadySeconds: 30, progressDeadlineSeconds: 30 }))).toEqual([
      expect.objectContaining({ field: 'spec.progressDeadlineSeconds', detail: 'must be greater than minReadySeconds' }),
    ]);
  });

  it('makes the selector immutable on update but lets other fields change', () => {
    const old = defaulted();
    expect(deployments.validateUpdate!(defaulted({ replicas: 5 }), old)).toEqual([]);
    const changed = defaulted({ selector: { matchLabels: { app: 'web', tier: 'x' } } });
    expect(deployments.validateUpdate!(changed, old).map(formatFieldError)).toEqual([
      'spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"x"}}: field is immutable',
    ]);
  });
});

describe('Deployment manifests', () => {
  it('finds a typo in a manifest as an unknown field with its path', () => {
    const manifest = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replica: 3,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx', imagePullPolicy: 'Always', port: 80 }] },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } },
      },
    };
    expect(findUnknownFields(deployments.schema, manifest)).toEqual(['spec.replica', 'spec.template.spec.containers[0].port']);
  });
});
