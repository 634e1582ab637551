import { QuantityParseError } from './quantity-errors';
import { sumResourceLists } from './resource-list';

describe('sumResourceLists', () => {
  it('adds amounts name by name and keeps names found in only one list', () => {
    expect(sumResourceLists({ cpu: '100m', memory: '1Gi' }, { cpu: '1', memory: '512Mi', 'nvidia.com/gpu': '1' })).toEqual({
      cpu: '1100m',
      memory: '1536Mi',
      'nvidia.com/gpu': '1',
    });
  });

  it('prints each total in canonical form', () => {
    expect(sumResourceLists({ memory: '512Mi' }, { memory: '512Mi' })).toEqual({ memory: '1Gi' });
    expect(sumResourceLists({ cpu: '0.5' }, undefined)).toEqual({ cpu: '500m' });
    expect(sumResourceLists({ cpu: '0' }, { cpu: '250m' })).toEqual({ cpu: '250m' });
  });

  it('treats missing lists as empty', () => {
    expect(sumResourceLists(undefined, undefined)).toEqual({});
    expect(sumResourceLists({}, { pods: '110' })).toEqual({ pods: '110' });
  });

  it('sums exactly where floats would drift', () => {
    let total: Record<string, string> = {};
    for (let i = 0; i < 10; i++) total = sumResourceLists(total, { cpu: '0.1' });
    expect(total).toEqual({ cpu: '1' });
  });

  it('names the resource whose amount is not a quantity', () => {
    expect(() => sumResourceLists({ cpu: '1' }, { memory: '1GB' })).toThrow(QuantityParseError);
    expect(() => sumResourceLists({ cpu: '1' }, { memory: '1GB' })).toThrow(/^memory: quantities must match/);
  });
});
