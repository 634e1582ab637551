import { FieldPath } from '../../validation/field-errors';
import { isEmptyLabelSelector, labelSelectorMatches, validateLabelSelector } from './label-selector-validation';

const path = FieldPath.root('spec', 'selector');

describe('validateLabelSelector', () => {
  it('accepts every operator used correctly', () => {
    const sel = {
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['a', 'b'] },
        { key: 'env', operator: 'NotIn', values: ['dev'] },
        { key: 'example.com/canary', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist', values: [] },
      ],
    };
    expect(validateLabelSelector(sel, path)).toEqual([]);
  });

  it('reports operator, values and key problems at their paths', () => {
    const errs = validateLabelSelector(
      {
        matchLabels: { app: 'bad value!' },
        matchExpressions: [
          { key: 'tier', operator: 'In' },
          { key: 'x', operator: 'Exists', values: ['y'] },
          { key: 'x', operator: 'Equals', values: ['y'] },
          { key: '-bad-', operator: 'NotIn', values: ['not ok'] },
        ],
      },
      path,
    );
    expect(errs.map((e) => [e.field, e.type])).toEqual([
      ['spec.selector.matchLabels[app]', 'FieldValueInvalid'],
      ['spec.selector.matchExpressions[0].values', 'FieldValueRequired'],
      ['spec.selector.matchExpressions[1].values', 'FieldValueForbidden'],
      ['spec.selector.matchExpressions[2].operator', 'FieldValueInvalid'],
      ['spec.selector.matchExpressions[3].key', 'FieldValueInvalid'],
      ['spec.selector.matchExpressions[3].values[0]', 'FieldValueInvalid'],
    ]);
  });
});

describe('labelSelectorMatches', () => {
  const labels = { app: 'web', tier: 'front' };
  it('matches matchLabels and every expression operator', () => {
    expect(labelSelectorMatches({ matchLabels: { app: 'web' } }, labels)).toBe(true);
    expect(labelSelectorMatches({ matchLabels: { app: 'db' } }, labels)).toBe(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }] }, labels)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, labels)).toBe(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, labels)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'app', operator: 'Exists' }] }, labels)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, labels)).toBe(false);
  });

  it('treats an empty selector as everything and a missing one as nothing', () => {
    expect(isEmptyLabelSelector({})).toBe(true);
    expect(labelSelectorMatches({}, labels)).toBe(true);
    expect(labelSelectorMatches(undefined, labels)).toBe(false);
  });
});
