import { builtinScheme } from '../scheme/builtin';
import { buildOpenAPIV3Documents } from './documents';
import { buildSwaggerDocument, toSwaggerSchema } from './swagger-document';
import type { SwaggerSchema } from './swagger-types';

const doc = buildSwaggerDocument(builtinScheme, { version: 'v1.32.4' });
const defs = doc.definitions;
const def = (name: string) => `#/definitions/${name}`;

function allRefs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => allRefs(v, out));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else allRefs(v, out);
    }
  }
  return out;
}

/** Every schema in a definition, nested ones included, with its path. */
function* walk(schema: SwaggerSchema, path: string): Generator<[string, SwaggerSchema]> {
  yield [path, schema];
  for (const [k, v] of Object.entries(schema.properties ?? {})) yield* walk(v, `${path}.${k}`);
  if (schema.items) yield* walk(schema.items, `${path}[]`);
  if (typeof schema.additionalProperties === 'object') yield* walk(schema.additionalProperties, `${path}{}`);
}

describe('Swagger 2.0 document (/openapi/v2)', () => {
  it('is one Swagger 2.0 document with every group-version', () => {
    expect(doc.swagger).toBe('2.0');
    expect(doc.info).toEqual({ title: 'Kubernetes', version: 'v1.32.4' });
    const v3Paths = [...buildOpenAPIV3Documents(builtinScheme, { version: 'v1.32.4' }).values()].flatMap((d) => Object.keys(d.paths));
    expect(Object.keys(doc.paths).sort()).toEqual(v3Paths.sort());
  });

  it('refers only to definitions it has, and never to v3 components', () => {
    const refs = allRefs(doc);
    expect(refs.length).toBeGreaterThan(100);
    expect(refs.filter((r) => !r.startsWith('#/definitions/') || !defs[r.slice('#/definitions/'.length)])).toEqual([]);
  });

  it('has only shapes kubectl parses: no oneOf/anyOf/nullable, no typed or described-allOf references', () => {
    const problems: string[] = [];
    for (const [name, schema] of Object.entries(defs)) {
      for (const [path, s] of walk(schema, name)) {
        for (const k of ['oneOf', 'anyOf', 'nullable', 'allOf']) if (k in s) problems.push(`${path}: ${k}`);
        if (s.$ref && s.type) problems.push(`${path}: $ref with a type`);
        if (s.type === 'array' && !s.items) problems.push(`${path}: array without items`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('names kinds the Kubernetes way with their group-version-kind', () => {
    const pod = defs['io.k8s.api.core.v1.Pod'];
    expect(pod['x-kubernetes-group-version-kind']).toEqual([{ group: '', version: 'v1', kind: 'Pod' }]);
    expect(pod.properties!.metadata).toEqual({ $ref: def('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'), description: expect.any(String) });
    expect(pod.properties!.spec.$ref).toBe(def('io.k8s.api.core.v1.PodSpec'));
    expect(defs['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
    expect(defs['io.k8s.api.core.v1.PodList']['x-kubernetes-group-version-kind']).toEqual([{ group: '', version: 'v1', kind: 'PodList' }]);
    expect(defs['io.k8s.api.authorization.v1.SelfSubjectAccessReview']['x-kubernetes-group-version-kind']).toEqual([
      { group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview' },
    ]);
  });

  it('keeps merge keys, patch strategies and list types, with retainKeys beside the $ref', () => {
    expect(defs['io.k8s.api.core.v1.PodSpec'].properties!.containers).toMatchObject({
      type: 'array',
      items: { $ref: def('io.k8s.api.core.v1.Container') },
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    });
    expect(defs['io.k8s.api.apps.v1.DeploymentSpec'].properties!.strategy).toMatchObject({
      $ref: def('io.k8s.api.apps.v1.DeploymentStrategy'),
      'x-kubernetes-patch-strategy': 'retainKeys',
    });
  });

  it('publishes int-or-string and Quantity as strings, as Kubernetes does', () => {
    expect(defs['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toMatchObject({ type: 'string', format: 'int-or-string' });
    expect(defs['io.k8s.apimachinery.pkg.api.resource.Quantity']).toMatchObject({ type: 'string' });
    expect(toSwaggerSchema({ anyOf: [{ type: 'object' }, { type: 'string' }] })).toEqual({});
    expect(toSwaggerSchema({ anyOf: [{ type: 'integer' }, { type: 'integer' }], nullable: true })).toEqual({ type: 'integer' });
  });

  it('gives operations a body parameter, consumes/produces, the action and the GVK', () => {
    const item = doc.paths['/api/v1/namespaces/{namespace}/pods/{name}'];
    expect(item.parameters!.map((p) => `${p.in}:${p.name}:${p.type}`)).toEqual(['path:name:string', 'path:namespace:string', 'query:pretty:string']);
    expect(item.patch).toMatchObject({
      operationId: 'patchCoreV1NamespacedPod',
      'x-kubernetes-action': 'patch',
      'x-kubernetes-group-version-kind': { group: '', version: 'v1', kind: 'Pod' },
      consumes: expect.arrayContaining(['application/strategic-merge-patch+json', 'application/apply-patch+yaml']),
      responses: { '200': { description: 'OK', schema: { $ref: def('io.k8s.api.core.v1.Pod') } } },
    });
    expect(item.patch!.parameters!.map((p) => `${p.in}:${p.name}`)).toEqual(['body:body', 'query:dryRun', 'query:fieldManager', 'query:fieldValidation', 'query:force']);
    expect(item.patch!.parameters![0]).toEqual({ name: 'body', in: 'body', required: true, schema: { $ref: def('io.k8s.apimachinery.pkg.apis.meta.v1.Patch') } });
    expect(item.get!.produces).toEqual(['application/json', 'application/yaml']);

    const ssar = doc.paths['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'];
    expect(Object.keys(ssar).sort()).toEqual(['parameters', 'post']);
    expect(ssar.post).toMatchObject({ 'x-kubernetes-action': 'post', 'x-kubernetes-group-version-kind': { kind: 'SelfSubjectAccessReview' } });
    const scale = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'];
    expect(scale.put!['x-kubernetes-group-version-kind']).toEqual({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    expect(scale.put!.parameters![0].schema).toEqual({ $ref: def('io.k8s.api.autoscaling.v1.Scale') });
    expect(doc.paths['/api/v1/namespaces/{namespace}/pods/{name}/exec'].get!['x-kubernetes-action']).toBe('connect');
  });
});
