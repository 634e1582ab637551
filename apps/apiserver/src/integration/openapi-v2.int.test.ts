import { Kubectl, kubectlBinary, startControlPlane, type TestControlPlane } from '@skiff/testing';
import { parse } from 'yaml';
import { loadOpenAPIV2Document } from '../protobuf/openapi-v2-message';

jest.setTimeout(120_000);

// /openapi/v2 in both forms, and the real kubectl commands that need it: `kind: List` files and create-only kinds
// are validated on the client against the protobuf document, and kubectl 1.28 reads nothing else.
let cp: TestControlPlane;
let base: string;
let k: Kubectl;

const protobufAccept = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

beforeAll(async () => {
  cp = await startControlPlane();
  base = cp.apiserver.url;
  k = new Kubectl(base);
});
afterAll(async () => {
  k?.cleanup();
  await cp?.stop();
});

const deployment = (name: string, containerExtra = '') => `
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: ${name}}
  spec:
    replicas: 2
    selector: {matchLabels: {app: ${name}}}
    strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}}
    template:
      metadata: {labels: {app: ${name}}}
      spec:
        containers:
        - name: web
          image: busybox
          ports: [{containerPort: 8080}]
          resources: {requests: {cpu: 100m, memory: 64Mi}}${containerExtra}`;

const list = (items: string) => `apiVersion: v1\nkind: List\nitems:${items}\n`;

describe('GET /openapi/v2', () => {
  it('serves gnostic protobuf to kubectl and JSON otherwise, with one ETag', async () => {
    const pb = await fetch(`${base}/openapi/v2?timeout=32s`, { headers: { Accept: protobufAccept } });
    expect(pb.status).toBe(200);
    expect(pb.headers.get('content-type')).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    expect(pb.headers.get('vary')).toBe('Accept');
    const decoded = loadOpenAPIV2Document().toObject(loadOpenAPIV2Document().decode(new Uint8Array(await pb.arrayBuffer()))) as any;
    expect(decoded.swagger).toBe('2.0');
    const pod = decoded.definitions.additional_properties.find((d: any) => d.name === 'io.k8s.api.core.v1.Pod');
    expect(pod.value.vendor_extension.map((e: any) => [e.name, parse(e.value.yaml)])).toEqual([['x-kubernetes-group-version-kind', [{ group: '', version: 'v1', kind: 'Pod' }]]]);

    const json = await fetch(`${base}/openapi/v2`, { headers: { Accept: 'application/json' } });
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = (await json.json()) as any;
    expect(doc.swagger).toBe('2.0');
    expect(doc.definitions['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
    expect(doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch['x-kubernetes-action']).toBe('patch');

    const etag = pb.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9A-F]{128}"$/);
    expect(json.headers.get('etag')).toBe(etag);
    expect((await fetch(`${base}/openapi/v2`, { headers: { Accept: protobufAccept, 'If-None-Match': etag } })).status).toBe(304);
    const html = await fetch(`${base}/openapi/v2`, { headers: { Accept: 'text/html' } });
    expect(html.status).toBe(406);
    expect(((await html.json()) as any).reason).toBe('NotAcceptable');
  });
});

describe('kubectl 1.32 with /openapi/v2', () => {
  it('applies a kind: List with validation on', async () => {
    const f = k.file('list.yaml', list(`${deployment('listed')}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: listed}\n  data: {a: "1"}`));
    const out = await k.ok(['apply', '-f', f]);
    expect(out).toContain('deployment.apps/listed created');
    expect(out).toContain('configmap/listed created');
    expect(await k.ok(['get', 'deploy', 'listed', '-o', 'jsonpath={.spec.replicas} {.spec.strategy.rollingUpdate.maxSurge}'])).toBe('2 25%');
    // Applying the same file again patches with merge keys from the schemas and changes nothing.
    expect(await k.ok(['apply', '-f', f])).toMatch(/deployment\.apps\/listed unchanged[\s\S]*configmap\/listed unchanged/);
  });

  it('reports an unknown field in a List item on the client, as kubectl does, and creates nothing', async () => {
    const f = k.file('bad-list.yaml', list(deployment('typo', '\n          imagePullPolicyy: Always')));
    const r = await k.run(['apply', '-f', f]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      'error validating data: ValidationError(Deployment.spec.template.spec.containers[0]): unknown field "imagePullPolicyy" in io.k8s.api.core.v1.Container',
    );
    expect((await k.run(['get', 'deploy', 'typo'])).stderr).toContain('NotFound');
  });

  it('creates a SelfSubjectAccessReview with validation on', async () => {
    const f = k.file(
      'ssar.yaml',
      'apiVersion: authorization.k8s.io/v1\nkind: SelfSubjectAccessReview\nspec:\n  resourceAttributes: {namespace: default, verb: get, resource: pods}\n',
    );
    expect(await k.ok(['create', '-f', f, '-o', 'yaml'])).toMatch(/^status:\n {2}allowed: true$/m);
  });

  it('checks a create-only kind on the client: kubectl lists the (empty) CRDs, then validates against /openapi/v2', async () => {
    const crds = await fetch(`${base}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`);
    expect(crds.status).toBe(200);
    expect(await crds.json()).toMatchObject({ kind: 'CustomResourceDefinitionList', apiVersion: 'apiextensions.k8s.io/v1', items: [] });
    const f = k.file('bad-ssar.yaml', 'apiVersion: authorization.k8s.io/v1\nkind: SelfSubjectAccessReview\nspec:\n  resourceAttribute: {verb: get, resource: pods}\n');
    const r = await k.run(['create', '-f', f]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      'ValidationError(SelfSubjectAccessReview.spec): unknown field "resourceAttribute" in io.k8s.api.authorization.v1.SelfSubjectAccessReviewSpec',
    );
  });
});

describe('kubectl 1.28 with /openapi/v2', () => {
  let old: Kubectl;
  beforeAll(() => {
    old = new Kubectl(base, kubectlBinary('1.28'));
  });
  afterAll(() => old?.cleanup());

  it('applies and re-applies without --validate=false', async () => {
    const manifest = (image: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: old}\nspec:\n  selector: {matchLabels: {app: old}}\n  template:\n    metadata: {labels: {app: old}}\n    spec:\n      containers: [{name: a, image: ${image}}, {name: b, image: busybox}]\n`;
    const f = old.file('d.yaml', manifest('nginx:1.25'));
    expect(await old.ok(['apply', '-f', f])).toContain('deployment.apps/old created');
    old.file('d.yaml', manifest('nginx:1.26'));
    expect(await old.ok(['apply', '-f', f])).toContain('deployment.apps/old configured');
    expect(await old.ok(['get', 'deploy', 'old', '-o', 'jsonpath={.spec.template.spec.containers[*].image}'])).toBe('nginx:1.26 busybox');
  });

  it('leaves field validation to the server, which rejects unknown fields', async () => {
    const f = old.file('bad.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad}\ndatta: {a: "1"}\n');
    const r = await old.run(['apply', '-f', f]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('unknown field "datta"');
  });
});
