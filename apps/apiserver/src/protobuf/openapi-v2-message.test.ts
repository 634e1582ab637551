import { buildSwaggerDocument, builtinScheme } from '@skiff/api';
import { parse } from 'yaml';
import { encodeSwaggerDocument, loadOpenAPIV2Document, swaggerDocumentMessage } from './openapi-v2-message';

const swagger = buildSwaggerDocument(builtinScheme, { version: 'v1.32.4' });
const Document = loadOpenAPIV2Document();
const bytes = encodeSwaggerDocument(swagger, Document);
// Decoded as kubectl does: by field number, into gnostic's message shapes.
const decoded = Document.toObject(Document.decode(bytes), { defaults: false }) as any;

const named = <T extends { name: string }>(list: T[], name: string): T => {
  const found = list.find((e) => e.name === name);
  if (!found) throw new Error(`${name} is missing`);
  return found;
};
const definition = (name: string) => named<any>(decoded.definitions.additional_properties, name).value;
const property = (schema: any, name: string) => named<any>(schema.properties.additional_properties, name).value;
/** Vendor extensions as kubectl reads them: each value is YAML. */
const extensions = (m: any): Record<string, unknown> =>
  Object.fromEntries((m.vendor_extension ?? []).map((e: any) => [e.name, parse(e.value.yaml)]));

describe('openapi.v2.Document encoding of the Swagger document', () => {
  it('fits the message types field by field', () => {
    expect(Document.verify(swaggerDocumentMessage(swagger))).toBeNull();
  });

  it('round-trips the top level: version, info, every path and definition, in order', () => {
    expect(decoded.swagger).toBe('2.0');
    expect(decoded.info).toEqual({ title: 'Kubernetes', version: 'v1.32.4' });
    expect(decoded.paths.path.map((p: any) => p.name)).toEqual(Object.keys(swagger.paths));
    expect(decoded.definitions.additional_properties.map((d: any) => d.name)).toEqual(Object.keys(swagger.definitions));
  });

  it('carries a kind with its GVK extension, references and types', () => {
    const pod = definition('io.k8s.api.core.v1.Pod');
    expect(extensions(pod)).toEqual({ 'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'Pod' }] });
    expect(pod.type.value).toEqual(['object']);
    expect(property(pod, 'spec')._ref).toBe('#/definitions/io.k8s.api.core.v1.PodSpec');
    expect(property(pod, 'metadata').description).toMatch(/metadata/);
    expect(property(pod, 'kind').type.value).toEqual(['string']);
  });

  it('carries merge keys, list types, items, maps and enums', () => {
    const containers = property(definition('io.k8s.api.core.v1.PodSpec'), 'containers');
    expect(containers.type.value).toEqual(['array']);
    expect(containers.items.schema).toEqual([{ _ref: '#/definitions/io.k8s.api.core.v1.Container' }]);
    expect(extensions(containers)).toMatchObject({
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    });
    const labels = property(definition('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'), 'labels');
    expect(labels.additional_properties.schema.type.value).toEqual(['string']);
    const pullPolicy = property(definition('io.k8s.api.core.v1.Container'), 'imagePullPolicy');
    expect(pullPolicy.enum.map((e: any) => parse(e.yaml))).toEqual(['Always', 'Never', 'IfNotPresent']);
    expect(definition('io.k8s.api.core.v1.Container').required).toEqual(['name']);
    expect(definition('io.k8s.apimachinery.pkg.util.intstr.IntOrString')).toMatchObject({ type: { value: ['string'] }, format: 'int-or-string' });
  });

  it('carries the PATCH operation kubectl checks for fieldValidation, and the body parameter', () => {
    const item = named<any>(decoded.paths.path, '/apis/apps/v1/namespaces/{namespace}/deployments/{name}').value;
    expect(extensions(item.patch)).toEqual({
      'x-kubernetes-action': 'patch',
      'x-kubernetes-group-version-kind': { group: 'apps', version: 'v1', kind: 'Deployment' },
    });
    const params = item.patch.parameters.map((p: any) => p.parameter);
    expect(params[0].body_parameter).toMatchObject({ name: 'body', in: 'body', required: true, schema: { _ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' } });
    expect(params.slice(1).map((p: any) => p.non_body_parameter.query_parameter_sub_schema.name)).toEqual(['dryRun', 'fieldManager', 'fieldValidation', 'force']);
    expect(item.parameters[0].parameter.non_body_parameter.path_parameter_sub_schema).toMatchObject({ name: 'name', in: 'path', required: true, type: 'string' });
    const ok = named<any>(item.patch.responses.response_code, '200').value.response;
    expect(ok).toEqual({ description: 'OK', schema: { schema: { _ref: '#/definitions/io.k8s.api.apps.v1.Deployment' } } });
    expect(item.patch.consumes).toContain('application/strategic-merge-patch+json');
    expect(item.patch.operation_id).toBe('patchAppsV1NamespacedDeployment');
  });

  it('keeps a boolean additionalProperties and numeric bounds', () => {
    const m = swaggerDocumentMessage({
      swagger: '2.0',
      info: { title: 't', version: 'v' },
      paths: {},
      definitions: { 'x.Y': { type: 'object', additionalProperties: false, properties: { n: { type: 'integer', exclusiveMinimum: 0, maximum: 5 } } } },
    });
    const back = Document.toObject(Document.decode(Document.encode(m).finish())) as any;
    const y = back.definitions.additional_properties[0].value;
    expect(y.additional_properties).toEqual({ boolean: false });
    expect(y.properties.additional_properties[0].value).toMatchObject({ minimum: 0, exclusive_minimum: true, maximum: 5 });
  });
});
