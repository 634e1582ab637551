import { findUnknownFields } from '../../schema/unknown-fields';
import { schemaErrors } from '../../schema/schema-errors';
import { EvictionSchema } from './eviction';
import { poddisruptionbudgets, type PodDisruptionBudget } from './pod-disruption-budget';
import { policyV1Resources } from './index';

const pdb = (spec: PodDisruptionBudget['spec']): PodDisruptionBudget => ({ metadata: { name: 'web', namespace: 'default' }, spec });

describe('PodDisruptionBudget', () => {
  it('is served with short name pdb and a status subresource; Eviction is not a stored resource', () => {
    expect(poddisruptionbudgets).toMatchObject({ group: 'policy', shortNames: ['pdb'], hasStatusSubresource: true, etcdPrefix: 'poddisruptionbudgets' });
    expect(policyV1Resources.map((r) => r.kind)).toEqual(['PodDisruptionBudget']);
  });

  it('accepts minAvailable as a number or a percent', () => {
    for (const minAvailable of [2, '50%']) {
      const b = pdb({ minAvailable, selector: { matchLabels: { app: 'web' } } });
      expect(schemaErrors(poddisruptionbudgets.schema, b)).toEqual([]);
      expect(poddisruptionbudgets.validate!(b)).toEqual([]);
    }
  });

  it('rejects setting both minAvailable and maxUnavailable, at spec', () => {
    const errs = poddisruptionbudgets.validate!(pdb({ minAvailable: 1, maxUnavailable: 1 }));
    expect(errs).toEqual([expect.objectContaining({ type: 'FieldValueInvalid', field: 'spec', detail: 'minAvailable and maxUnavailable cannot be both set' })]);
  });

  it('checks percent format, range and the selector', () => {
    const errs = poddisruptionbudgets.validate!(
      pdb({ maxUnavailable: '150%', selector: { matchExpressions: [{ key: 'app', operator: 'Is', values: ['x'] }] } }),
    );
    expect(errs.map((e) => [e.field, e.detail])).toEqual([
      ['spec.maxUnavailable', 'must not be greater than 100%'],
      ['spec.selector.matchExpressions[0].operator', 'not a valid selector operator'],
    ]);
    expect(poddisruptionbudgets.validate!(pdb({ minAvailable: 'half' }))[0]).toMatchObject({ field: 'spec.minAvailable', detail: expect.stringContaining('valid percent') });
    expect(poddisruptionbudgets.validate!(pdb({ minAvailable: -1 }))[0]).toMatchObject({ field: 'spec.minAvailable', detail: 'must be greater than or equal to 0' });
  });

  it('restricts unhealthyPodEvictionPolicy to the known values', () => {
    const errs = schemaErrors(poddisruptionbudgets.schema, pdb({ unhealthyPodEvictionPolicy: 'Whenever' as never }));
    expect(errs).toEqual([expect.objectContaining({ type: 'FieldValueNotSupported', field: 'spec.unhealthyPodEvictionPolicy' })]);
  });
});

describe('Eviction', () => {
  it('carries delete options and nothing else', () => {
    const ev = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'web-0', namespace: 'default' }, deleteOptions: { gracePeriodSeconds: 0 }, force: true };
    expect(schemaErrors(EvictionSchema, ev)).toEqual([]);
    expect(findUnknownFields(EvictionSchema, ev)).toEqual(['force']);
  });
});
