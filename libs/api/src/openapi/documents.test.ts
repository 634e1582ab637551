import { Type } from '@sinclair/typebox';
import { builtinScheme } from '../scheme/builtin';
import { defineResource, kindHeader } from '../scheme/define-resource';
import { Scheme } from '../scheme/scheme';
import { IntOrString, ListMap, Opt, Quantity, RawJSON, Str, StrEnum, Struct } from '../schema/builders';
import { buildOpenAPIV3Documents, groupVersionPath } from './documents';
import type { OpenAPIDocument, OpenAPISchema } from './types';

const docs = buildOpenAPIV3Documents(builtinScheme, { version: 'v1.32.4' });
const core = docs.get('api/v1')!;
const apps = docs.get('apis/apps/v1')!;
const schemas = (doc: OpenAPIDocument) => doc.components.schemas;
const ref = (name: string) => `#/components/schemas/${name}`;

/** The $ref a property points at, directly or through the allOf wrapper used for described references. */
function refOf(s: OpenAPISchema | undefined): string | undefined {
  return s?.$ref ?? (s?.allOf?.[0] as OpenAPISchema | undefined)?.$ref;
}

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

describe('OpenAPI v3 documents', () => {
  it('has one OpenAPI 3.0 document per group-version of the scheme', () => {
    expect([...docs.keys()]).toEqual(builtinScheme.groupVersions().map(groupVersionPath));
    expect([...docs.keys()]).toContain('apis/coordination.k8s.io/v1');
    for (const doc of docs.values()) {
      expect(doc.openapi).toBe('3.0.0');
      expect(doc.info.version).toBe('v1.32.4');
    }
  });

  it('refers only to components present in the same document', () => {
    for (const [gv, doc] of docs) {
      const missing = allRefs(doc).filter((r) => !r.startsWith('#/components/schemas/') || !schemas(doc)[r.slice('#/components/schemas/'.length)]);
      expect({ gv, missing }).toEqual({ gv, missing: [] });
    }
  });

  it('names kinds and nested structs the Kubernetes way and shares ObjectMeta by $ref', () => {
    const pod = schemas(core)['io.k8s.api.core.v1.Pod'];
    expect(pod['x-kubernetes-group-version-kind']).toEqual([{ group: '', version: 'v1', kind: 'Pod' }]);
    expect(refOf(pod.properties!.metadata)).toBe(ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'));
    expect(refOf(pod.properties!.spec)).toBe(ref('io.k8s.api.core.v1.PodSpec'));
    expect(pod.required).toEqual(['spec']);
    // The same ObjectMeta component serves Deployment and its pod template.
    expect(refOf(schemas(apps)['io.k8s.api.apps.v1.Deployment'].properties!.metadata)).toBe(ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'));
    expect(refOf(schemas(apps)['io.k8s.api.core.v1.PodTemplateSpec'].properties!.metadata)).toBe(ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'));
    expect(schemas(core)['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'].properties!.labels).toMatchObject({
      type: 'object',
      additionalProperties: { type: 'string' },
    });
    // Unexported structs take their parent's name plus the field's.
    expect(refOf(schemas(core)['io.k8s.api.core.v1.PodSpec'].properties!.os)).toBe(ref('io.k8s.api.core.v1.PodSpecOs'));
  });

  it('carries the merge keys and strategies kubectl computes strategic merge patches from', () => {
    const spec = schemas(core)['io.k8s.api.core.v1.PodSpec'];
    expect(spec.properties!.containers).toMatchObject({
      type: 'array',
      items: { $ref: ref('io.k8s.api.core.v1.Container') },
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    });
    expect(spec.properties!.volumes).toMatchObject({ 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge,retainKeys' });
    expect(schemas(core)['io.k8s.api.core.v1.Container'].properties!.ports).toMatchObject({
      'x-kubernetes-patch-merge-key': 'containerPort',
      'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
    });
    expect(schemas(core)['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'].properties!.finalizers).toMatchObject({
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-list-type': 'set',
    });
    // retainKeys sits on the field that refers to the struct, where strategic merge patch looks for it.
    const strategy = schemas(apps)['io.k8s.api.apps.v1.DeploymentSpec'].properties!.strategy;
    expect(strategy).toMatchObject({ allOf: [{ $ref: ref('io.k8s.api.apps.v1.DeploymentStrategy') }], 'x-kubernetes-patch-strategy': 'retainKeys' });
    expect(schemas(apps)['io.k8s.api.apps.v1.DeploymentStrategy']['x-kubernetes-patch-strategy']).toBeUndefined();
  });

  it('renders enums, int-or-string, quantities, times and free-form JSON', () => {
    const container = schemas(core)['io.k8s.api.core.v1.Container'].properties!;
    expect(container.imagePullPolicy).toMatchObject({ type: 'string', enum: ['Always', 'Never', 'IfNotPresent'] });
    const rolling = schemas(apps)['io.k8s.api.apps.v1.RollingUpdateDeployment'].properties!;
    expect(refOf(rolling.maxSurge)).toBe(ref('io.k8s.apimachinery.pkg.util.intstr.IntOrString'));
    expect(schemas(apps)['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toMatchObject({
      format: 'int-or-string',
      'x-kubernetes-int-or-string': true,
    });
    const resources = schemas(core)['io.k8s.api.core.v1.ResourceRequirements'].properties!;
    expect(resources.limits).toMatchObject({ type: 'object', additionalProperties: { $ref: ref('io.k8s.apimachinery.pkg.api.resource.Quantity') } });
    const meta = schemas(core)['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'].properties!;
    expect(refOf(meta.creationTimestamp)).toBe(ref('io.k8s.apimachinery.pkg.apis.meta.v1.Time'));
    expect(refOf(schemas(core)['io.k8s.api.core.v1.Event'].properties!.eventTime)).toBe(ref('io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime'));
    expect(schemas(apps)['io.k8s.api.apps.v1.ControllerRevision'].properties!.data).toMatchObject({
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
    });
  });

  it('describes the fields kubectl explain shows', () => {
    const spec = schemas(core)['io.k8s.api.core.v1.PodSpec'];
    expect(spec.description).toMatch(/pod/i);
    expect(spec.properties!.containers.description).toMatch(/containers/);
    expect(schemas(core)['io.k8s.api.core.v1.Pod'].properties!.apiVersion.description).toMatch(/APIVersion/);
    expect(schemas(apps)['io.k8s.api.apps.v1.DeploymentSpec'].properties!.strategy.description).toMatch(/strategy/);
  });

  it('gives every patchable resource a PATCH operation with its GVK and the fieldValidation parameter', () => {
    const patchable = builtinScheme.all.filter((t) => t.verbs.includes('patch'));
    expect(patchable.length).toBeGreaterThan(15);
    for (const t of patchable) {
      const doc = docs.get(groupVersionPath(t))!;
      const ops = Object.values(doc.paths)
        .map((p) => p.patch)
        .filter((op) => op && op['x-kubernetes-group-version-kind'].kind === t.kind && op['x-kubernetes-group-version-kind'].group === t.group);
      expect({ kind: t.kind, found: ops.length > 0 }).toEqual({ kind: t.kind, found: true });
      for (const op of ops) {
        expect(op!['x-kubernetes-action']).toBe('patch');
        expect(op!.parameters!.map((p) => `${p.in}:${p.name}`)).toEqual(
          expect.arrayContaining(['query:dryRun', 'query:fieldManager', 'query:fieldValidation', 'query:force']),
        );
        expect(Object.keys(op!.requestBody!.content).sort()).toEqual([
          'application/apply-patch+yaml',
          'application/json-patch+json',
          'application/merge-patch+json',
          'application/strategic-merge-patch+json',
        ]);
      }
    }
  });

  it('lays out collection, item, all-namespaces and subresource paths with upstream actions', () => {
    const collection = core.paths['/api/v1/namespaces/{namespace}/pods'];
    expect(collection.get).toMatchObject({ operationId: 'listCoreV1NamespacedPod', 'x-kubernetes-action': 'list' });
    expect(collection.post).toMatchObject({ 'x-kubernetes-action': 'post', 'x-kubernetes-group-version-kind': { group: '', version: 'v1', kind: 'Pod' } });
    expect(collection.delete!['x-kubernetes-action']).toBe('deletecollection');
    expect(collection.get!.responses['200'].content!['application/json'].schema).toEqual({ $ref: ref('io.k8s.api.core.v1.PodList') });
    const item = core.paths['/api/v1/namespaces/{namespace}/pods/{name}'];
    expect(Object.keys(item).sort()).toEqual(['delete', 'get', 'parameters', 'patch', 'put']);
    expect(item.put!['x-kubernetes-action']).toBe('put');
    expect(item.parameters!.map((p) => p.name)).toEqual(['name', 'namespace', 'pretty']);
    expect(core.paths['/api/v1/pods'].get!.operationId).toBe('listCoreV1PodForAllNamespaces');
    // Cluster-scoped kinds have no namespace segment.
    expect(core.paths['/api/v1/nodes/{name}'].patch!.operationId).toBe('patchCoreV1Node');
    expect(core.paths['/api/v1/nodes/{name}'].parameters!.map((p) => p.name)).toEqual(['name', 'pretty']);
    // Subresources: status speaks the parent kind, scale autoscaling/v1 Scale.
    expect(core.paths['/api/v1/namespaces/{namespace}/pods/{name}/status'].patch!['x-kubernetes-group-version-kind'].kind).toBe('Pod');
    const scale = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'];
    expect(scale.put!['x-kubernetes-group-version-kind']).toEqual({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    expect(schemas(apps)['io.k8s.api.autoscaling.v1.Scale']['x-kubernetes-group-version-kind']).toEqual([{ group: 'autoscaling', version: 'v1', kind: 'Scale' }]);
    expect(core.paths['/api/v1/namespaces/{namespace}/pods/{name}/eviction'].post!['x-kubernetes-group-version-kind'].kind).toBe('Eviction');
    expect(core.paths['/api/v1/namespaces/{namespace}/pods/{name}/exec'].get!['x-kubernetes-action']).toBe('connect');
    // Bindings can only be created: no list, no item path.
    expect(Object.keys(core.paths['/api/v1/namespaces/{namespace}/bindings'])).toEqual(['parameters', 'post']);
    expect(core.paths['/api/v1/namespaces/{namespace}/bindings/{name}']).toBeUndefined();
    expect(schemas(core)['io.k8s.api.core.v1.BindingList']).toBeUndefined();
  });

  it('leaves strategic merge patch out when asked', () => {
    const plain = buildOpenAPIV3Documents(builtinScheme, { version: 'v1.32.4', strategicMergePatch: false });
    const patch = plain.get('api/v1')!.paths['/api/v1/namespaces/{namespace}/pods/{name}'].patch!;
    expect(Object.keys(patch.requestBody!.content)).not.toContain('application/strategic-merge-patch+json');
  });

  it('names kinds of other groups by their reversed domain', () => {
    const Widget = Struct({
      ...kindHeader(),
      spec: Struct({ size: Opt(Quantity()), port: Opt(IntOrString()), mode: Opt(StrEnum(['fast', 'slow'])), parts: Opt(ListMap(Struct({ id: Str() }), 'id')) }),
      extra: Opt(RawJSON()),
      tags: Opt(Type.Array(Str())),
    });
    const scheme = new Scheme([defineResource({ group: 'widgets.example.com', version: 'v1alpha1', kind: 'Widget', resource: 'widgets', namespaced: false, schema: Widget })]);
    const doc = buildOpenAPIV3Documents(scheme, { version: 'v1' }).get('apis/widgets.example.com/v1alpha1')!;
    const widget = doc.components.schemas['com.example.widgets.v1alpha1.Widget'];
    expect(widget['x-kubernetes-group-version-kind']).toEqual([{ group: 'widgets.example.com', version: 'v1alpha1', kind: 'Widget' }]);
    const spec = doc.components.schemas['com.example.widgets.v1alpha1.WidgetSpec'];
    expect(spec.properties!.mode).toEqual({ type: 'string', enum: ['fast', 'slow'] });
    expect(spec.properties!.parts.items).toEqual({ $ref: ref('com.example.widgets.v1alpha1.WidgetSpecParts') });
    expect(doc.components.schemas['com.example.widgets.v1alpha1.WidgetList']['x-kubernetes-group-version-kind']).toEqual([
      { group: 'widgets.example.com', version: 'v1alpha1', kind: 'WidgetList' },
    ]);
    expect(doc.paths['/apis/widgets.example.com/v1alpha1/widgets/{name}'].patch!.operationId).toBe('patchWidgetsV1alpha1Widget');
  });

  it('builds the same documents every time', () => {
    const again = buildOpenAPIV3Documents(builtinScheme, { version: 'v1.32.4' });
    expect(JSON.stringify(Object.fromEntries(again))).toBe(JSON.stringify(Object.fromEntries(docs)));
  });
});
