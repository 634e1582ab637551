import { newLabelRequirement } from './label-requirement';
import {
  everythingLabelSelector,
  labelSelectorFromObject,
  labelSelectorFromRequirements,
  nothingLabelSelector,
  selectorFromSet,
} from './label-selector';
import { parseLabelSelector } from './label-selector-parser';
import { SelectorParseError } from './selector-errors';

describe('labelSelectorFromObject', () => {
  it('selects nothing for a missing selector', () => {
    for (const missing of [undefined, null]) {
      const selector = labelSelectorFromObject(missing);
      expect(selector.matches({})).toBe(false);
      expect(selector.matches({ app: 'web' })).toBe(false);
      expect(selector.isEmpty()).toBe(false);
      expect(selector.toString()).toBe('');
      expect(selector.requirements).toEqual([]);
    }
  });

  it('selects everything for an empty selector', () => {
    for (const empty of [{}, { matchLabels: {}, matchExpressions: [] }]) {
      const selector = labelSelectorFromObject(empty);
      expect(selector.matches({})).toBe(true);
      expect(selector.matches(undefined)).toBe(true);
      expect(selector.matches({ app: 'web' })).toBe(true);
      expect(selector.isEmpty()).toBe(true);
    }
  });

  it('ANDs matchLabels and matchExpressions, sorted by key', () => {
    const selector = labelSelectorFromObject({
      matchLabels: { tier: 'fe', app: 'web' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['staging', 'prod'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'track', operator: 'NotIn', values: ['beta'] },
        { key: 'owner', operator: 'Exists' },
      ],
    });
    expect(selector.toString()).toBe('app=web,!canary,env in (prod,staging),owner,tier=fe,track notin (beta)');
    const base = { app: 'web', tier: 'fe', env: 'prod', owner: 'me' };
    expect(selector.matches(base)).toBe(true);
    expect(selector.matches({ ...base, track: 'stable' })).toBe(true);
    expect(selector.matches({ ...base, track: 'beta' })).toBe(false);
    expect(selector.matches({ ...base, canary: 'yes' })).toBe(false);
    expect(selector.matches({ ...base, env: 'dev' })).toBe(false);
    expect(selector.matches({ ...base, tier: 'be' })).toBe(false);
    const { owner: _owner, ...withoutOwner } = base;
    expect(selector.matches(withoutOwner)).toBe(false);
  });

  it('prints a form the query-string parser reads back to the same selector', () => {
    const selector = labelSelectorFromObject({
      matchLabels: { app: 'web' },
      matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['b', 'a'] }],
    });
    const reparsed = parseLabelSelector(selector.toString());
    expect(reparsed.toString()).toBe(selector.toString());
    const samples: Record<string, string>[] = [{ app: 'web' }, { app: 'web', env: 'a' }, { app: 'db' }];
    for (const labels of samples) {
      expect(reparsed.matches(labels)).toBe(selector.matches(labels));
    }
  });

  it('rejects an unknown operator', () => {
    expect(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Equals', values: ['b'] }] })).toThrow(
      new SelectorParseError('Equals', '"Equals" is not a valid label selector operator'),
    );
  });

  it('rejects requirements Kubernetes rejects', () => {
    expect(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).toThrow(
      "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty",
    );
    expect(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] })).toThrow(
      'values set must be empty for exists and does not exist',
    );
    expect(() => labelSelectorFromObject({ matchLabels: { 'bad key': 'x' } })).toThrow(/^key: Invalid value: "bad key"/);
    expect(() => labelSelectorFromObject({ matchLabels: { app: 'not valid' } })).toThrow(/^values\[0\]\[app\]: Invalid value: "not valid"/);
  });

  it('lists every problem of one requirement together', () => {
    expect(() => labelSelectorFromObject({ matchExpressions: [{ key: '-a', operator: 'NotIn', values: [] }] })).toThrow(
      /^\[key: Invalid value: "-a": .*, values: Invalid value: \[\]: .*\]$/,
    );
  });
});

describe('selectorFromSet', () => {
  it('requires every label of the set', () => {
    const selector = selectorFromSet({ b: '2', a: '1' });
    expect(selector.toString()).toBe('a=1,b=2');
    expect(selector.matches({ a: '1', b: '2', c: '3' })).toBe(true);
    expect(selector.matches({ a: '1' })).toBe(false);
    expect(selector.matches({ a: '1', b: '3' })).toBe(false);
    expect(selector.requiresExactMatch('a')).toBe('1');
  });

  it('selects everything for an empty or missing set', () => {
    expect(selectorFromSet({}).isEmpty()).toBe(true);
    expect(selectorFromSet(undefined).matches({ x: 'y' })).toBe(true);
    expect(selectorFromSet(null).matches(undefined)).toBe(true);
  });
});

describe('requirements built directly', () => {
  it('builds selectors from validated requirements, including integer comparisons', () => {
    const selector = labelSelectorFromRequirements([newLabelRequirement('gen', 'gt', ['3']), newLabelRequirement('app', '=', ['web'])]);
    expect(selector.toString()).toBe('app=web,gen>3');
    expect(selector.matches({ app: 'web', gen: '4' })).toBe(true);
    expect(selector.matches({ app: 'web', gen: '3' })).toBe(false);
    expect(() => newLabelRequirement('gen', 'lt', ['three'])).toThrow(SelectorParseError);
    expect(() => newLabelRequirement('gen', 'lt', ['1', '2'])).toThrow("for 'Gt', 'Lt' operators, exactly one value is required");
    expect(() => newLabelRequirement('a', '=', [])).toThrow('exact-match compatibility requires one single value');
    expect(() => newLabelRequirement('a', 'like' as never, [])).toThrow(/operator: Unsupported value: "like"/);
  });

  it('offers the everything and nothing selectors', () => {
    expect(everythingLabelSelector().matches({})).toBe(true);
    expect(everythingLabelSelector().isEmpty()).toBe(true);
    expect(nothingLabelSelector().matches({ a: 'b' })).toBe(false);
    expect(nothingLabelSelector().isEmpty()).toBe(false);
  });

  it('cannot be changed after construction', () => {
    const selector = parseLabelSelector('a in (x)');
    expect(Object.isFrozen(selector.requirements)).toBe(true);
    expect(Object.isFrozen(selector.requirements[0].values)).toBe(true);
  });
});
