import { expandVars, lookupIn } from './expand-vars';

const vars = lookupIn(new Map([['VAR_A', 'A'], ['VAR_B', 'B'], ['EMPTY', '']]), new Map([['SVC', 'svc'], ['VAR_A', 'shadowed']]));
const expand = (s: string) => expandVars(s, vars);

describe('expandVars', () => {
  it('replaces known references, first map first', () => {
    expect(expand('$(VAR_A)-$(VAR_B)')).toBe('A-B');
    expect(expand('x$(SVC)y')).toBe('xsvcy');
    expect(expand('[$(EMPTY)]')).toBe('[]');
  });

  it('keeps unknown references as written', () => {
    expect(expand('$(NOPE) and $(VAR_A)')).toBe('$(NOPE) and A');
  });

  it('treats $$ as an escaped dollar', () => {
    expect(expand('$$(VAR_A)')).toBe('$(VAR_A)');
    expect(expand('$$$(VAR_A)')).toBe('$A');
    expect(expand('cost: $$5')).toBe('cost: $5');
  });

  it('keeps lone dollars and unclosed references', () => {
    expect(expand('$')).toBe('$');
    expect(expand('a$b')).toBe('a$b');
    expect(expand('$(VAR_A')).toBe('$(VAR_A');
    expect(expand('$($(VAR_A)')).toBe('$($(VAR_A)');
    expect(expand('end$')).toBe('end$');
  });

  it('does not expand recursively', () => {
    const lookup = lookupIn(new Map([['X', '$(Y)'], ['Y', 'y']]));
    expect(expandVars('$(X)', lookup)).toBe('$(Y)');
  });
});
