import { findDuplicateFields, hasDuplicateJSONKeys } from './duplicate-fields';

const json = (text: string) => findDuplicateFields({ text, format: 'json' });
const yaml = (text: string) => findDuplicateFields({ text, format: 'yaml' });

describe('hasDuplicateJSONKeys', () => {
  it('finds a repeated key only within the same object', () => {
    expect(hasDuplicateJSONKeys('{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}')).toBe(false);
    expect(hasDuplicateJSONKeys('{"a":1,"b":{"x":1,"x":2}}')).toBe(true);
    expect(hasDuplicateJSONKeys('{"a":1 , "b":2,\n "a" :3}')).toBe(true);
  });

  it('is not fooled by braces, quotes and colons inside strings', () => {
    expect(hasDuplicateJSONKeys('{"a":"{\\"a\\":1}","b":"x: {","c":"\\\\"}')).toBe(false);
    expect(hasDuplicateJSONKeys('{"note":"}","a":1,"a":2}')).toBe(true);
  });

  it('compares keys after unescaping them', () => {
    expect(hasDuplicateJSONKeys('{"a":1,"\\u0061":2}')).toBe(true);
  });
});

describe('findDuplicateFields', () => {
  it("reports JSON duplicates with Go's field paths, once each, in document order", () => {
    const body = JSON.stringify({ spec: { containers: [{ name: 'a', image: 'x' }] } }).replace('"image":"x"', '"image":"x","name":"b","image":"y","image":"z"');
    expect(json(`{"metadata":{"name":"p","name":"q"},${body.slice(1)}`)).toEqual([
      'duplicate field "metadata.name"',
      'duplicate field "spec.containers[0].name"',
      'duplicate field "spec.containers[0].image"',
    ]);
  });

  it('finds duplicates in arrays at the top level (JSON patches)', () => {
    expect(json('[{"op":"add","path":"/a","value":1,"value":2}]')).toEqual(['duplicate field "[0].value"']);
  });

  it('returns nothing for clean bodies', () => {
    expect(json('{"metadata":{"name":"p"},"spec":{"containers":[{"name":"a"},{"name":"b"}]}}')).toEqual([]);
    expect(yaml('metadata:\n  name: p\nspec:\n  containers:\n  - name: a\n  - name: b\n')).toEqual([]);
  });

  it('reports YAML duplicates as go-yaml does, with the line of the repeated key', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  name: q\nspec:\n  containers:\n  - name: a\n    image: x\n    image: y\n';
    expect(yaml(text)).toEqual(['yaml: unmarshal errors:\n  line 5: key "name" already set in map\n  line 10: key "image" already set in map']);
  });

  it('reads JSON sent as YAML (apply patches) the same way', () => {
    expect(yaml('{"a":1,\n"a":2}')).toEqual(['yaml: unmarshal errors:\n  line 2: key "a" already set in map']);
  });
});
