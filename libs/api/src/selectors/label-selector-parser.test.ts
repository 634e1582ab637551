import { parseLabelSelector } from './label-selector-parser';
import { SelectorParseError } from './selector-errors';

const printed = (text: string) => parseLabelSelector(text).toString();

function parseError(text: string): SelectorParseError {
  try {
    parseLabelSelector(text);
  } catch (err) {
    if (err instanceof SelectorParseError) return err;
    throw err;
  }
  throw new Error(`${JSON.stringify(text)} parsed`);
}

describe('parseLabelSelector: the grammar', () => {
  it('reads what kubectl sends for set-based selectors', () => {
    const selector = parseLabelSelector('app in (d,x),!foo');
    expect(selector.requirements).toEqual([
      { key: 'app', operator: 'in', values: ['d', 'x'] },
      { key: 'foo', operator: '!', values: [] },
    ]);
    expect(selector.toString()).toBe('app in (d,x),!foo');
  });

  it('reads every operator', () => {
    expect(parseLabelSelector('a=1,b==2,c!=3,d in (4),e notin (5),f,!g,h>6,i<7').requirements).toEqual([
      { key: 'a', operator: '=', values: ['1'] },
      { key: 'b', operator: '==', values: ['2'] },
      { key: 'c', operator: '!=', values: ['3'] },
      { key: 'd', operator: 'in', values: ['4'] },
      { key: 'e', operator: 'notin', values: ['5'] },
      { key: 'f', operator: 'exists', values: [] },
      { key: 'g', operator: '!', values: [] },
      { key: 'h', operator: 'gt', values: ['6'] },
      { key: 'i', operator: 'lt', values: ['7'] },
    ]);
  });

  it.each([
    ['environment=production,tier!=frontend', 'environment=production,tier!=frontend'],
    ['z=1,a=2', 'a=2,z=1'],
    ['a==b', 'a==b'],
    ['  app  in  ( d , x ) ,  tier != fe ', 'app in (d,x),tier!=fe'],
    ['k in (b,a,a)', 'k in (a,b)'],
    ['k notin (b,a)', 'k notin (a,b)'],
    ['!k', '!k'],
    ['k', 'k'],
    ['replicas>2', 'replicas>2'],
    ['example.com/app=web', 'example.com/app=web'],
    ['\tapp=web\n', 'app=web'],
    ['', ''],
  ])('%j prints as %j', (text, expected) => {
    expect(printed(text)).toBe(expected);
    expect(printed(expected)).toBe(expected);
  });

  it('keeps commas inside parentheses as value separators', () => {
    const selector = parseLabelSelector('a in (x,y,z),b=c');
    expect(selector.requirements.map((r) => r.key)).toEqual(['a', 'b']);
    expect(selector.requirements[0].values).toEqual(['x', 'y', 'z']);
  });

  it('reads empty places as the empty value', () => {
    expect(parseLabelSelector('k in ()').requirements[0].values).toEqual(['']);
    expect(parseLabelSelector('k in (a,,b)').requirements[0].values).toEqual(['', 'a', 'b']);
    expect(parseLabelSelector('k in (,a)').requirements[0].values).toEqual(['', 'a']);
    expect(parseLabelSelector('k in (a,)').requirements[0].values).toEqual(['', 'a']);
    expect(parseLabelSelector('k=').requirements[0].values).toEqual(['']);
    expect(parseLabelSelector('k=,j!=').requirements.map((r) => r.values)).toEqual([[''], ['']]);
  });

  it('takes "in" and "notin" as ordinary words where a key or value stands', () => {
    expect(parseLabelSelector('x in (in,notin)').requirements[0].values).toEqual(['in', 'notin']);
    expect(parseLabelSelector('in in (a)').requirements[0]).toEqual({ key: 'in', operator: 'in', values: ['a'] });
    expect(parseLabelSelector('notin=in').requirements[0]).toEqual({ key: 'notin', operator: '=', values: ['in'] });
  });

  it('selects everything when empty', () => {
    const selector = parseLabelSelector('');
    expect(selector.isEmpty()).toBe(true);
    expect(selector.matches(undefined)).toBe(true);
    expect(selector.matches({ a: 'b' })).toBe(true);
    expect(parseLabelSelector('a').isEmpty()).toBe(false);
  });
});

describe('parseLabelSelector: matching', () => {
  it('ANDs the requirements', () => {
    const selector = parseLabelSelector('app in (d,x),!foo');
    expect(selector.matches({ app: 'd' })).toBe(true);
    expect(selector.matches({ app: 'x', other: '1' })).toBe(true);
    expect(selector.matches({ app: 'd', foo: '' })).toBe(false);
    expect(selector.matches({ app: 'y' })).toBe(false);
    expect(selector.matches({})).toBe(false);
    expect(selector.matches(undefined)).toBe(false);
  });

  it('lets notin and != match a missing key, but not in and =', () => {
    expect(parseLabelSelector('tier notin (fe)').matches({})).toBe(true);
    expect(parseLabelSelector('tier!=fe').matches({})).toBe(true);
    expect(parseLabelSelector('tier in (fe)').matches({})).toBe(false);
    expect(parseLabelSelector('tier=fe').matches({})).toBe(false);
    expect(parseLabelSelector('tier notin (fe)').matches({ tier: 'fe' })).toBe(false);
    expect(parseLabelSelector('tier!=fe').matches({ tier: 'be' })).toBe(true);
  });

  it('tells an empty value from a missing key', () => {
    expect(parseLabelSelector('k=').matches({ k: '' })).toBe(true);
    expect(parseLabelSelector('k=').matches({})).toBe(false);
    expect(parseLabelSelector('k').matches({ k: '' })).toBe(true);
    expect(parseLabelSelector('!k').matches({ k: '' })).toBe(false);
  });

  it('compares integers for > and <', () => {
    expect(parseLabelSelector('n>2').matches({ n: '3' })).toBe(true);
    expect(parseLabelSelector('n>2').matches({ n: '2' })).toBe(false);
    expect(parseLabelSelector('n<2').matches({ n: '-10' })).toBe(true);
    expect(parseLabelSelector('n>2').matches({ n: 'ten' })).toBe(false);
    expect(parseLabelSelector('n>2').matches({})).toBe(false);
    expect(parseLabelSelector('n>9223372036854775806').matches({ n: '9223372036854775807' })).toBe(true);
  });

  it('reports the value a key is pinned to', () => {
    const selector = parseLabelSelector('app=web,tier in (fe),env!=prod,zone in (a,b)');
    expect(selector.requiresExactMatch('app')).toBe('web');
    expect(selector.requiresExactMatch('tier')).toBe('fe');
    expect(selector.requiresExactMatch('env')).toBeUndefined();
    expect(selector.requiresExactMatch('zone')).toBeUndefined();
    expect(selector.requiresExactMatch('missing')).toBeUndefined();
  });
});

describe('parseLabelSelector: errors', () => {
  it.each([
    ['app in (d,x', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['app in (d,', "unable to parse requirement: found '', expected: ',', or identifier"],
    ['app in (d x)', "unable to parse requirement: found 'x', expected: ',' or ')'"],
    ['app in d', "unable to parse requirement: found 'd' expected: '('"],
    ['app in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['app foo', "unable to parse requirement: found 'foo', expected: in, notin, =, ==, !=, gt, lt"],
    ['app=(x)', "unable to parse requirement: found '(', expected: identifier"],
    ['! =x', "unable to parse requirement: found '=', expected: identifier"],
    ['!=x', "found '!=', expected: !, identifier, or 'end of string'"],
    ['app=a b', "found 'b', expected: ',' or 'end of string'"],
    ['!k=v', "found '=', expected: ',' or 'end of string'"],
    ['app=a,', "found '', expected: identifier after ','"],
    ['a,,b', "found ',', expected: identifier after ','"],
    [',app', "found ',', expected: !, identifier, or 'end of string'"],
    ['n>x', "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer"],
  ])('%j: %s', (text, message) => {
    const err = parseError(text);
    expect(err.message).toBe(message);
    expect(err.input).toBe(text);
  });

  it('validates keys as qualified names', () => {
    expect(parseError('-bad=x').message).toMatch(/^unable to parse requirement: key: Invalid value: "-bad": name part must consist of alphanumeric characters/);
    expect(parseError('a/b/c').message).toMatch(/^unable to parse requirement: key: Invalid value: "a\/b\/c": a qualified name must consist/);
    expect(parseError(`${'k'.repeat(64)}=v`).message).toMatch(/name part must be no more than 63 characters/);
    expect(parseError('Example.com/app').message).toMatch(/prefix part a lowercase RFC 1123 subdomain/);
  });

  it('validates values as label values', () => {
    expect(parseError('app=a/b').message).toMatch(
      /^unable to parse requirement: values\[0\]\[app\]: Invalid value: "a\/b": a valid label must be an empty string or consist of/,
    );
    expect(parseError('app in (ok,-no)').message).toMatch(/values\[0\]\[app\]: Invalid value: "-no"/);
    expect(parseError(`app=${'v'.repeat(64)}`).message).toMatch(/must be no more than 63 characters/);
  });
});
