import { schemaErrors } from '../../schema/schema-errors';
import { horizontalpodautoscalers, type HorizontalPodAutoscaler } from './horizontal-pod-autoscaler';

const hpa = (spec: Partial<HorizontalPodAutoscaler['spec']>): HorizontalPodAutoscaler => ({
  metadata: { name: 'web', namespace: 'default' },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5, ...spec },
});

describe('HorizontalPodAutoscaler', () => {
  it('is served as hpa in category all', () => {
    expect(horizontalpodautoscalers).toMatchObject({ shortNames: ['hpa'], categories: ['all'], etcdPrefix: 'horizontalpodautoscalers' });
  });

  it('defaults minReplicas to 1 and leaves the CPU target unset', () => {
    const h = hpa({});
    horizontalpodautoscalers.applyDefaults!(h);
    expect(h.spec.minReplicas).toBe(1);
    expect(h.spec.targetCPUUtilizationPercentage).toBeUndefined();
  });

  it('requires scaleTargetRef and maxReplicas', () => {
    const errs = schemaErrors(horizontalpodautoscalers.schema, { metadata: { name: 'x' }, spec: {} });
    expect(errs.map((e) => e.field).sort()).toEqual(['spec.maxReplicas', 'spec.scaleTargetRef']);
  });

  it('checks replica bounds and the target reference', () => {
    const errs = horizontalpodautoscalers.validate!(hpa({ minReplicas: 4, maxReplicas: 2, targetCPUUtilizationPercentage: 0, scaleTargetRef: { kind: '', name: 'a/b' } }));
    expect(errs.map((e) => [e.field, e.type])).toEqual([
      ['spec.maxReplicas', 'FieldValueInvalid'],
      ['spec.scaleTargetRef.kind', 'FieldValueRequired'],
      ['spec.scaleTargetRef.name', 'FieldValueInvalid'],
      ['spec.targetCPUUtilizationPercentage', 'FieldValueInvalid'],
    ]);
    expect(errs[0].detail).toBe('must be greater than or equal to `minReplicas`');
    expect(horizontalpodautoscalers.validate!(hpa({ minReplicas: 0 }))[0]).toMatchObject({ field: 'spec.minReplicas' });
    expect(horizontalpodautoscalers.validate!(hpa({ minReplicas: 1, targetCPUUtilizationPercentage: 70 }))).toEqual([]);
  });
});
