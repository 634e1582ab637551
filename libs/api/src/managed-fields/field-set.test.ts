import { DeploymentSchema } from '../apps/v1/deployment';
import { PodSchema } from '../core/v1/pod';
import { ServiceSchema } from '../core/v1/service';
import { fieldSchemaOf } from './field-schema';
import { fieldSetOf } from './field-set-of';
import { fieldSetDifference, fieldSetIntersection, parseFieldSet, fieldPathString, fieldSetOfPaths, fieldSetUnion, type FieldSet } from './field-set';
import { serverOwnedFields } from './ownership';

const pod = fieldSchemaOf(PodSchema);

describe('fieldSetOf (FieldsV1 of an object)', () => {
  it('names keyed list items by their keys, marks items with "." and struct fields only through children', () => {
    const set = fieldSetOf(pod, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default', uid: 'u', labels: { app: 'web' }, finalizers: ['b/x', 'a/y'] },
      spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }], args: ['-v'] }] },
    }, serverOwnedFields);
    expect(set).toEqual({
      'f:metadata': {
        'f:finalizers': { 'v:"a/y"': {}, 'v:"b/x"': {} },
        'f:labels': { 'f:app': {} },
      },
      'f:spec': {
        'f:containers': {
          'k:{"name":"c"}': {
            '.': {},
            'f:args': {},
            'f:image': {},
            'f:name': {},
            'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
          },
        },
      },
    });
    // The canonical order is what kubectl and Kubernetes print: "." first, then f:, k:, v: sorted.
    expect(JSON.stringify(set)).toContain('{"k:{\\"name\\":\\"c\\"}":{".":{},"f:args":{},"f:image":{}');
  });

  it('treats a label selector as atomic and empty objects as members', () => {
    const set = fieldSetOf(fieldSchemaOf(DeploymentSchema), {
      spec: { selector: { matchLabels: { app: 'd' } }, strategy: {}, template: { metadata: { labels: { app: 'd' } } } },
    });
    expect(set).toEqual({
      'f:spec': { 'f:selector': {}, 'f:strategy': {}, 'f:template': { 'f:metadata': { 'f:labels': { 'f:app': {} } } } },
    });
  });

  it('keys service ports by port and protocol', () => {
    const set = fieldSetOf(fieldSchemaOf(ServiceSchema), { spec: { ports: [{ port: 443, protocol: 'UDP' }, { port: 80 }] } });
    expect(Object.keys((set['f:spec'] as FieldSet)['f:ports'])).toEqual(['k:{"port":80,"protocol":"TCP"}', 'k:{"port":443,"protocol":"UDP"}']);
  });
});

describe('set operations', () => {
  const a = fieldSetOfPaths([
    ['f:spec', 'f:replicas'],
    ['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"c"}'],
    ['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"c"}', 'f:image'],
  ]);
  const b = fieldSetOfPaths([
    ['f:spec', 'f:replicas'],
    ['f:spec', 'f:paused'],
  ]);

  it('unions, keeping "." on a node that is a member and has children', () => {
    expect(fieldSetUnion(a, b)).toEqual({
      'f:spec': {
        'f:paused': {},
        'f:replicas': {},
        'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {} } } } },
      },
    });
  });

  it('subtracts and intersects path by path', () => {
    expect(fieldSetDifference(a, b)).toEqual({ 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {} } } } } } });
    expect(fieldSetIntersection(a, b)).toEqual({ 'f:spec': { 'f:replicas': {} } });
    // Removing only the item itself leaves its children owned.
    const item = fieldSetOfPaths([['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"c"}']]);
    expect(fieldSetDifference(a, item)).toEqual({
      'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"c"}': { 'f:image': {} } } } } },
    });
  });

  it('returns the same object when a fieldSetDifference takes nothing away', () => {
    const other = fieldSetOfPaths([['f:metadata', 'f:labels', 'f:x']]);
    expect(fieldSetDifference(a, other)).toBe(a);
  });

  it('prints paths as Kubernetes does in conflicts', () => {
    expect(fieldPathString(['f:spec', 'f:containers', 'k:{"name":"nginx"}', 'f:image'])).toBe('.spec.containers[name="nginx"].image');
    expect(fieldPathString(['f:spec', 'f:ports', 'k:{"port":80,"protocol":"TCP"}'])).toBe('.spec.ports[port=80,protocol="TCP"]');
    expect(fieldPathString(['f:metadata', 'f:finalizers', 'v:"a/b"'])).toBe('.metadata.finalizers[="a/b"]');
  });
});

describe('parseFieldSet (FieldsV1 from clients)', () => {
  it('accepts valid tries and sorts them', () => {
    const parsed = parseFieldSet({ 'f:spec': { 'f:b': {}, 'f:a': { '.': {}, 'f:x': {} } } });
    expect(JSON.stringify(parsed)).toBe('{"f:spec":{"f:a":{".":{},"f:x":{}},"f:b":{}}}');
  });

  it('rejects what is not FieldsV1', () => {
    expect(parseFieldSet({ spec: {} })).toBeUndefined();
    expect(parseFieldSet({ 'f:spec': 1 })).toBeUndefined();
    expect(parseFieldSet({ 'k:notjson': {} })).toBeUndefined();
    expect(parseFieldSet({ 'f:a': { '.': { 'f:x': {} } } })).toBeUndefined();
    expect(parseFieldSet([])).toBeUndefined();
  });
});
