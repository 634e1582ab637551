import { FieldPath } from './field-errors';
import { isEmptyLabelSelector, validateLabelSelector } from './label-selector';

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


describe('isEmptyLabelSelector', () => {
  it('is true only when neither labels nor expressions are given', () => {
    expect(isEmptyLabelSelector({})).toBe(true);
    expect(isEmptyLabelSelector({ matchLabels: {}, matchExpressions: [] })).toBe(true);
    expect(isEmptyLabelSelector({ matchLabels: { a: 'b' } })).toBe(false);
    expect(isEmptyLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Exists' }] })).toBe(false);
  });
});
