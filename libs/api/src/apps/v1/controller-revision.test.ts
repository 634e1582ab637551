import { findUnknownFields } from '../../schema/unknown-fields';
import { schemaErrors } from '../../schema/schema-errors';
import { controllerrevisions, type ControllerRevision } from './controller-revision';

const rev = (data: unknown, revision = 1): ControllerRevision => ({ metadata: { name: 'web-7d9f', namespace: 'default' }, data, revision });

describe('ControllerRevision', () => {
  it('keeps data as free-form JSON and requires an int64 revision', () => {
    const cr = rev({ spec: { template: { $patch: 'replace', anything: [1, 2] } } });
    expect(findUnknownFields(controllerrevisions.schema, cr)).toEqual([]);
    expect(schemaErrors(controllerrevisions.schema, cr)).toEqual([]);
    expect(schemaErrors(controllerrevisions.schema, { metadata: { name: 'x' }, data: {} }).map((e) => e.field)).toEqual(['revision']);
  });

  it('requires data and a non-negative revision', () => {
    expect(controllerrevisions.validate!(rev(undefined, -1)).map((e) => [e.field, e.type])).toEqual([
      ['data', 'FieldValueRequired'],
      ['revision', 'FieldValueInvalid'],
    ]);
  });

  it('makes data immutable, regardless of key order', () => {
    const old = rev({ a: 1, b: { c: 2 } });
    expect(controllerrevisions.validateUpdate!(rev({ b: { c: 2 }, a: 1 }, 2), old)).toEqual([]);
    expect(controllerrevisions.validateUpdate!(rev({ a: 1, b: { c: 3 } }), old)).toEqual([
      expect.objectContaining({ field: 'data', detail: 'field is immutable' }),
    ]);
  });
});
