import { configmaps } from '../core/v1/configmap';
import { namespaces } from '../core/v1/namespace';
import { findUnknownFields, pruneUnknownFields } from './unknown-fields';
import { schemaErrors } from './schema-errors';

describe('unknown fields', () => {
  it('finds and prunes fields the schema does not know, keeping map keys', () => {
    const cm = { metadata: { name: 'a', labels: { 'x/y': 'z' }, bogus: 1 }, data: { k: 'v' }, extra: true };
    expect(findUnknownFields(configmaps.schema, cm)).toEqual(['metadata.bogus', 'extra']);
    pruneUnknownFields(configmaps.schema, cm);
    expect(cm).toEqual({ metadata: { name: 'a', labels: { 'x/y': 'z' } }, data: { k: 'v' } });
  });
});

describe('schema errors', () => {
  it('reports type errors with Kubernetes field paths', () => {
    const errs = schemaErrors(configmaps.schema, { metadata: { name: 'a', labels: { 'app.kubernetes.io/name': 3 } }, data: { k: 1 } });
    expect(errs.map((e) => e.field)).toEqual(['metadata.labels[app.kubernetes.io/name]', 'data[k]']);
  });
  it('reports unsupported enum values', () => {
    const errs = schemaErrors(namespaces.schema, { metadata: { name: 'a' }, status: { phase: 'Gone' } });
    expect(errs).toEqual([expect.objectContaining({ type: 'FieldValueNotSupported', field: 'status.phase', value: 'Gone' })]);
  });
});
