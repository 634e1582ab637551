import { escapeFieldSelectorValue, fieldSelectorFromSet, parseFieldSelector } from './field-selector';
import { SelectorParseError } from './selector-errors';

describe('parseFieldSelector', () => {
  it('reads what kubectl sends for running pods', () => {
    const selector = parseFieldSelector('status.phase!=Succeeded,status.phase!=Failed');
    expect(selector.requirements).toEqual([
      { field: 'status.phase', operator: '!=', value: 'Failed' },
      { field: 'status.phase', operator: '!=', value: 'Succeeded' },
    ]);
    expect(selector.matches({ 'status.phase': 'Running' })).toBe(true);
    expect(selector.matches({ 'status.phase': 'Failed' })).toBe(false);
    expect(selector.matches({ 'status.phase': 'Succeeded' })).toBe(false);
    expect(selector.toString()).toBe('status.phase!=Failed,status.phase!=Succeeded');
  });

  it('reads an empty value, which a missing field also matches', () => {
    const selector = parseFieldSelector('involvedObject.namespace=');
    expect(selector.requirements).toEqual([{ field: 'involvedObject.namespace', operator: '=', value: '' }]);
    expect(selector.matches({})).toBe(true);
    expect(selector.matches({ 'involvedObject.namespace': '' })).toBe(true);
    expect(selector.matches({ 'involvedObject.namespace': 'default' })).toBe(false);
    expect(selector.toString()).toBe('involvedObject.namespace=');
  });

  it('reads == as =', () => {
    const selector = parseFieldSelector('metadata.name==web');
    expect(selector.requirements).toEqual([{ field: 'metadata.name', operator: '=', value: 'web' }]);
    expect(selector.toString()).toBe('metadata.name=web');
  });

  it('ANDs the terms', () => {
    const selector = parseFieldSelector('spec.nodeName=n1,metadata.namespace=default');
    expect(selector.matches({ 'spec.nodeName': 'n1', 'metadata.namespace': 'default' })).toBe(true);
    expect(selector.matches({ 'spec.nodeName': 'n1', 'metadata.namespace': 'kube-system' })).toBe(false);
    expect(selector.toString()).toBe('metadata.namespace=default,spec.nodeName=n1');
  });

  it('unescapes backslash, comma and equals in values and escapes them again on output', () => {
    const selector = parseFieldSelector('metadata.name=a\\,b\\=c\\\\d,spec.x=y');
    expect(selector.requirements).toEqual([
      { field: 'metadata.name', operator: '=', value: 'a,b=c\\d' },
      { field: 'spec.x', operator: '=', value: 'y' },
    ]);
    expect(selector.toString()).toBe('metadata.name=a\\,b\\=c\\\\d,spec.x=y');
    expect(selector.matches({ 'metadata.name': 'a,b=c\\d', 'spec.x': 'y' })).toBe(true);
  });

  it('lets ! stand bare in a value', () => {
    expect(parseFieldSelector('a=b!c').requirements).toEqual([{ field: 'a', operator: '=', value: 'b!c' }]);
  });

  it('selects everything when empty', () => {
    for (const text of ['', ',', ',,']) {
      const selector = parseFieldSelector(text);
      expect(selector.isEmpty()).toBe(true);
      expect(selector.matches({ 'metadata.name': 'x' })).toBe(true);
      expect(selector.toString()).toBe('');
    }
  });

  it('reports the value an equality pins a field to', () => {
    const selector = parseFieldSelector('spec.nodeName=node-1,status.phase!=Failed');
    expect(selector.exactMatch('spec.nodeName')).toBe('node-1');
    expect(selector.exactMatch('status.phase')).toBeUndefined();
    expect(selector.exactMatch('metadata.name')).toBeUndefined();
    expect(parseFieldSelector('metadata.name=x').exactMatch('metadata.name')).toBe('x');
    expect(parseFieldSelector('spec.nodeName=').exactMatch('spec.nodeName')).toBe('');
  });

  it.each([
    ['metadata.name', "invalid selector: 'metadata.name'; can't understand 'metadata.name'"],
    ['a=b,c', "invalid selector: 'a=b,c'; can't understand 'c'"],
    ['a=b=c', "invalid field selector: unescaped character in value: '='"],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
    ['a=b\\!', 'invalid field selector: invalid escape sequence: \\!'],
  ])('%j is rejected: %s', (text, message) => {
    expect(() => parseFieldSelector(text)).toThrow(new SelectorParseError(text, message));
    expect(() => parseFieldSelector(text)).toThrow(SelectorParseError);
  });
});

describe('fieldSelectorFromSet', () => {
  it('requires every field, sorted by name', () => {
    const selector = fieldSelectorFromSet({ 'spec.nodeName': 'n1', 'metadata.namespace': 'ns' });
    expect(selector.toString()).toBe('metadata.namespace=ns,spec.nodeName=n1');
    expect(selector.exactMatch('spec.nodeName')).toBe('n1');
    expect(selector.matches({ 'spec.nodeName': 'n1', 'metadata.namespace': 'ns' })).toBe(true);
    expect(selector.matches({ 'spec.nodeName': 'n2', 'metadata.namespace': 'ns' })).toBe(false);
    expect(fieldSelectorFromSet(undefined).isEmpty()).toBe(true);
  });

  it('round-trips values that need escaping', () => {
    const selector = fieldSelectorFromSet({ 'metadata.name': 'x,y=z' });
    expect(escapeFieldSelectorValue('x,y=z')).toBe('x\\,y\\=z');
    expect(parseFieldSelector(selector.toString()).requirements).toEqual(selector.requirements);
  });
});
