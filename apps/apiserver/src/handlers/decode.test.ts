import { pods } from '@skiff/api';
import { decodeObject, fieldValidationOf } from './decode';
import { StatusError } from './status-error';

const text = '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","name":"web"},"spec":{"bogus":1,"containers":[{"name":"c","image":"x"}]}}';
const parsed = () => JSON.parse(text) as Record<string, unknown>;
const source = { text, format: 'json' as const };

function strictError(f: () => unknown): StatusError {
  try {
    f();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('no error was thrown');
}

describe('decodeObject field validation', () => {
  it('Strict rejects unknown and duplicate fields together with 400', () => {
    const e = strictError(() => decodeObject(pods, parsed(), 'Strict', source));
    expect(e.code).toBe(400);
    expect(e.reason).toBe('BadRequest');
    expect(e.message).toBe('Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.bogus", duplicate field "metadata.name"');
  });

  it('Strict puts YAML duplicate keys first, in go-yaml wording', () => {
    const yaml = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: web\nspec:\n  bogus: 1\n  containers: [{name: c, image: x}]\n';
    const body = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { bogus: 1, containers: [{ name: 'c', image: 'x' }] } };
    const e = strictError(() => decodeObject(pods, body, 'Strict', { text: yaml, format: 'yaml' }));
    expect(e.message).toBe(
      'Pod in version "v1" cannot be handled as a Pod: strict decoding error: yaml: unmarshal errors:\n  line 5: key "name" already set in map, unknown field "spec.bogus"',
    );
  });

  it('Warn keeps the last duplicate, drops unknown fields and returns one warning each', () => {
    const { obj, warnings } = decodeObject(pods, parsed(), 'Warn', source);
    expect(warnings).toEqual(['unknown field "spec.bogus"', 'duplicate field "metadata.name"']);
    expect(obj.metadata.name).toBe('web');
    expect(obj.spec).toEqual({ containers: [{ name: 'c', image: 'x' }] });
  });

  it('Ignore accepts silently', () => {
    const { obj, warnings } = decodeObject(pods, parsed(), 'Ignore', source);
    expect(warnings).toEqual([]);
    expect(obj.spec).toEqual({ containers: [{ name: 'c', image: 'x' }] });
  });

  it('without the text only unknown fields can be found (patched objects)', () => {
    const e = strictError(() => decodeObject(pods, parsed(), 'Strict'));
    expect(e.message).toMatch(/strict decoding error: unknown field "spec.bogus"$/);
  });

  it('defaults to Warn and rejects unknown modes', () => {
    expect(fieldValidationOf({})).toBe('Warn');
    expect(fieldValidationOf({ fieldValidation: 'Strict' })).toBe('Strict');
    expect(strictError(() => fieldValidationOf({ fieldValidation: 'strict' })).code).toBe(400);
  });
});
