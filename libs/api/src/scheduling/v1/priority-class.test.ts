import { schemaErrors } from '../../schema/schema-errors';
import { priorityclasses, systemPriorityClasses, type PriorityClass } from './priority-class';

const pc = (name: string, value: number, extra: Partial<PriorityClass> = {}): PriorityClass => ({ metadata: { name }, value, ...extra });

describe('PriorityClass', () => {
  it('is cluster-scoped with short name pc', () => {
    expect(priorityclasses).toMatchObject({ namespaced: false, shortNames: ['pc'], etcdPrefix: 'priorityclasses' });
  });

  it('requires value and keeps fields at the top level', () => {
    expect(schemaErrors(priorityclasses.schema, { metadata: { name: 'x' } }).map((e) => [e.field, e.type])).toEqual([['value', 'FieldValueRequired']]);
    expect(schemaErrors(priorityclasses.schema, pc('x', 5, { preemptionPolicy: 'Sometimes' as never })).map((e) => e.field)).toEqual(['preemptionPolicy']);
  });

  it('defaults preemptionPolicy to PreemptLowerPriority and keeps an explicit Never', () => {
    const a = pc('a', 1);
    priorityclasses.applyDefaults!(a);
    expect(a.preemptionPolicy).toBe('PreemptLowerPriority');
    const b = pc('b', 1, { preemptionPolicy: 'Never' });
    priorityclasses.applyDefaults!(b);
    expect(b.preemptionPolicy).toBe('Never');
  });

  it('caps user-defined values at one billion', () => {
    expect(priorityclasses.validate!(pc('high', 1_000_000_000))).toEqual([]);
    expect(priorityclasses.validate!(pc('higher', 1_000_000_001))).toEqual([
      expect.objectContaining({ type: 'FieldValueForbidden', field: 'value', detail: 'maximum allowed value of a user defined priority is 1000000000' }),
    ]);
  });

  it('reserves the system- prefix for the known system classes with their exact values', () => {
    for (const s of systemPriorityClasses) expect(priorityclasses.validate!(s)).toEqual([]);
    expect(priorityclasses.validate!(pc('system-mine', 10))[0]).toMatchObject({ field: 'metadata.name', detail: expect.stringContaining('system-mine is not a known system priority class') });
    expect(priorityclasses.validate!(pc('system-node-critical', 10))[0].detail).toContain('must be 2000001000');
  });

  it('forbids changing value or preemptionPolicy on update', () => {
    const old = pc('a', 1, { preemptionPolicy: 'Never' });
    expect(priorityclasses.validateUpdate!(pc('a', 1, { preemptionPolicy: 'Never', description: 'new' }), old)).toEqual([]);
    expect(priorityclasses.validateUpdate!(pc('a', 2, { preemptionPolicy: 'PreemptLowerPriority' }), old).map((e) => e.field)).toEqual(['value', 'preemptionPolicy']);
  });
});
