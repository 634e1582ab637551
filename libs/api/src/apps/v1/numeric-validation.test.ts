import { FieldPath } from '../../validation/field-errors';
import { intOrPercentValue, validateIntOrPercent, validateNotMoreThan100Percent } from './numeric-validation';

const p = FieldPath.root('spec', 'strategy', 'rollingUpdate', 'maxSurge');

describe('int-or-percent checks', () => {
  it('accepts non-negative integers and percent strings', () => {
    for (const v of [0, 3, '0%', '25%', '100%']) expect(validateIntOrPercent(v, p)).toEqual([]);
  });

  it('rejects negative numbers and strings that are not percents', () => {
    expect(validateIntOrPercent(-1, p)[0]).toMatchObject({ field: 'spec.strategy.rollingUpdate.maxSurge', detail: 'must be greater than or equal to 0' });
    for (const v of ['25', 'abc%', '-5%', '2.5%']) expect(validateIntOrPercent(v, p)[0].detail).toContain('a valid percent string');
  });

  it('limits percents to 100 and reads their value', () => {
    expect(validateNotMoreThan100Percent('101%', p)[0].detail).toBe('must not be greater than 100%');
    expect(validateNotMoreThan100Percent(500, p)).toEqual([]);
    expect(intOrPercentValue('25%')).toBe(25);
    expect(intOrPercentValue(0)).toBe(0);
    expect(intOrPercentValue(undefined)).toBe(0);
  });
});
