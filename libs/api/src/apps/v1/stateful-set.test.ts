import { findUnknownFields } from '../../schema/unknown-fields';
import { schemaErrors } from '../../schema/schema-errors';
import { statefulsets, type StatefulSet } from './stateful-set';

function statefulSet(over: Partial<StatefulSet['spec']> = {}): StatefulSet {
  const sts: StatefulSet = {
    metadata: { name: 'db', namespace: 'default' },
    spec: {
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      template: {
        metadata: { labels: { app: 'db' } },
        spec: { containers: [{ name: 'db', image: 'postgres:16', volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql' }] }] },
      },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      ...over,
    },
  };
  statefulsets.applyDefaults!(sts);
  return sts;
}

describe('StatefulSet', () => {
  it('is served as sts with status and scale', () => {
    expect(statefulsets).toMatchObject({ shortNames: ['sts'], categories: ['all'], etcdPrefix: 'statefulsets', tracksGeneration: true });
    expect(statefulsets.subresources.map((s) => s.name)).toEqual(['status', 'scale']);
  });

  it('defaults ordering, update strategy, history, claim retention, claim templates and the pod template', () => {
    const { spec } = statefulSet();
    expect(spec).toMatchObject({
      replicas: 1,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    });
    expect(spec.volumeClaimTemplates?.[0]).toMatchObject({ spec: { volumeMode: 'Filesystem' }, status: { phase: 'Pending' } });
    expect(spec.template.spec.restartPolicy).toBe('Always');
    expect(statefulsets.validate!(statefulSet())).toEqual([]);
  });

  it('accepts a claim template as kubectl prints it and flags fields it does not know', () => {
    const sts = statefulSet();
    sts.spec.volumeClaimTemplates![0] = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', ...sts.spec.volumeClaimTemplates![0] };
    expect(schemaErrors(statefulsets.schema, sts)).toEqual([]);
    (sts.spec.volumeClaimTemplates![0].spec as Record<string, unknown>).storageClass = 'fast';
    expect(findUnknownFields(statefulsets.schema, sts)).toEqual(['spec.volumeClaimTemplates[0].spec.storageClass']);
  });

  it('validates claim templates', () => {
    const errs = statefulsets.validate!(
      statefulSet({
        volumeClaimTemplates: [
          { spec: { accessModes: [], resources: { requests: { storage: '0' } } } },
          { metadata: { name: 'x' }, spec: { accessModes: ['ReadWriteOncePod', 'ReadOnlyMany'] } },
          { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } },
        ],
      }),
    );
    expect(errs.map((e) => [e.field, e.type])).toEqual([
      ['spec.volumeClaimTemplates[0].metadata.name', 'FieldValueRequired'],
      ['spec.volumeClaimTemplates[0].spec.accessModes', 'FieldValueRequired'],
      ['spec.volumeClaimTemplates[0].spec.resources[storage]', 'FieldValueInvalid'],
      ['spec.volumeClaimTemplates[1].spec.accessModes', 'FieldValueForbidden'],
      ['spec.volumeClaimTemplates[1].spec.resources[storage]', 'FieldValueRequired'],
    ]);
  });

  it('validates the pod template, counting claim templates as volumes', () => {
    const errs = statefulsets.validate!(statefulSet({ volumeClaimTemplates: [] }));
    expect(errs).toEqual([expect.objectContaining({ field: 'spec.template.spec.containers[0].volumeMounts[0].name', value: 'data' })]);
    const neverRestart = statefulSet();
    neverRestart.spec.template.spec.restartPolicy = 'OnFailure';
    expect(statefulsets.validate!(neverRestart)).toEqual([expect.objectContaining({ type: 'FieldValueNotSupported', field: 'spec.template.spec.restartPolicy' })]);
  });

  it('rejects rollingUpdate with OnDelete, a negative partition and a zero maxUnavailable', () => {
    expect(statefulsets.validate!(statefulSet({ updateStrategy: { type: 'OnDelete', rollingUpdate: { partition: 1 } } }))).toEqual([
      expect.objectContaining({ field: 'spec.updateStrategy.rollingUpdate', detail: "only allowed for updateStrategy 'RollingUpdate'" }),
    ]);
    const errs = statefulsets.validate!(statefulSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: -1, maxUnavailable: 0 } } }));
    expect(errs.map((e) => e.field)).toEqual(['spec.updateStrategy.rollingUpdate.partition', 'spec.updateStrategy.rollingUpdate.maxUnavailable']);
  });

  it('reports a selector mismatch at the template labels', () => {
    expect(statefulsets.validate!(statefulSet({ selector: { matchLabels: { app: 'cache' } } }))).toEqual([
      expect.objectContaining({ field: 'spec.template.metadata.labels', detail: '`selector` does not match template `labels`' }),
    ]);
  });

  it('allows updates to replicas, template and strategy but not to selector, serviceName or claim templates', () => {
    const old = statefulSet();
    const scaled = statefulSet({ replicas: 5, updateStrategy: { type: 'OnDelete' } });
    scaled.spec.template.spec.containers[0].image = 'postgres:17';
    expect(statefulsets.validateUpdate!(scaled, old)).toEqual([]);
    for (const change of [{ selector: { matchLabels: { app: 'db', v: '2' } } }, { serviceName: 'db2' }, { volumeClaimTemplates: [] }]) {
      expect(statefulsets.validateUpdate!(statefulSet(change), old)).toEqual([expect.objectContaining({ type: 'FieldValueForbidden', field: 'spec' })]);
    }
  });
});
