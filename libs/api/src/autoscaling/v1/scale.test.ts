import { schemaErrors } from '../../schema/schema-errors';
import { ScaleSchema, validateScale } from './scale';
import { autoscalingV1Resources } from './index';

describe('Scale', () => {
  it('is a subresource body only, not a stored resource', () => {
    expect(autoscalingV1Resources.map((r) => r.kind)).toEqual(['HorizontalPodAutoscaler']);
  });

  it('has spec.replicas and a string status.selector', () => {
    const s = { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web' }, spec: { replicas: 3 }, status: { replicas: 2, selector: 'app=web' } };
    expect(schemaErrors(ScaleSchema, s)).toEqual([]);
    expect(schemaErrors(ScaleSchema, { ...s, status: { selector: { app: 'web' } } }).map((e) => e.field)).toEqual(['status.selector']);
  });

  it('rejects negative replicas', () => {
    expect(validateScale({ metadata: {}, spec: { replicas: -1 } })).toEqual([expect.objectContaining({ field: 'spec.replicas' })]);
    expect(validateScale({ metadata: {}, spec: { replicas: 0 } })).toEqual([]);
  });
});
