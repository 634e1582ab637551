import * as fs from 'node:fs';
import { startControlPlane, type TestControlPlane } from '@skiff/testing';
import { CliHarness, podManifest } from './skiff-harness';

/** Integration tests for the writing verbs, config and error messages: a real etcd + apiserver. */
jest.setTimeout(30_000);

let cp: TestControlPlane;
let h: CliHarness;

beforeAll(async () => {
  cp = await startControlPlane();
  h = new CliHarness(cp.apiserver.url);
}, 60_000);

afterAll(async () => {
  h?.cleanup();
  await cp?.stop();
});

const deployment = (name: string, replicas: number) =>
  JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'busybox' }] } } },
  });

describe('create, replace, delete', () => {
  it('creates from a file and refuses to create it twice', async () => {
    const file = h.file('c1.yaml', podManifest('c1', 'busybox'));
    expect(await h.ok(['create', '-f', file])).toBe('pod/c1 created\n');
    const again = await h.skiff(['create', '-f', file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('Error from server (AlreadyExists): pods "c1" already exists\n');
  });

  it('replaces an object whole', async () => {
    const file = h.file('r1.yaml', deployment('r1', 1));
    await h.ok(['create', '-f', file]);
    h.file('r1.yaml', deployment('r1', 4));
    expect(await h.ok(['replace', '-f', file])).toBe('deployment.apps/r1 replaced\n');
    expect(await h.ok(['get', 'deploy', 'r1', '-o', 'jsonpath={.spec.replicas}'])).toBe('4');
  });

  it('deletes by name, by manifest, by label and with --all, and the objects are gone when it returns', async () => {
    const victims = [['d1', 'x'], ['d2', 'x'], ['d3', 'y'], ['d4', 'y']].map(([name, group]) => podManifest(name, 'busybox', { labels: { group } }));
    await h.ok(['create', '-f', '-'], victims.join('---\n'));
    expect(await h.ok(['delete', 'pod', 'd1'])).toBe('pod "d1" deleted\n');
    expect(await h.ok(['delete', '-f', '-'], podManifest('d2', 'busybox'))).toBe('pod "d2" deleted\n');
    expect(await h.ok(['delete', 'pods', '-l', 'group=y', '--grace-period', '0'])).toBe('pod "d3" deleted\npod "d4" deleted\n');
    expect(await h.ok(['get', 'pods', '-l', 'group', '-o', 'name'])).toBe('');
    await h.ok(['create', '-f', '-'], podManifest('d5', 'busybox'));
    const forced = await h.skiff(['delete', 'pods', '--all', '--force']);
    expect(forced.stdout).toMatch(/pod "d5" deleted/);
    expect(forced.stderr).toMatch(/Immediate deletion/);
    expect(await h.ok(['get', 'pods', '-o', 'name'])).toBe('');
  });

  it('exits 1 for a missing object unless --ignore-not-found', async () => {
    expect(await h.skiff(['delete', 'pod', 'nope'])).toMatchObject({ code: 1, stderr: 'Error from server (NotFound): pods "nope" not found\n' });
    expect(await h.skiff(['delete', 'pod', 'nope', '--ignore-not-found'])).toMatchObject({ code: 0 });
  });
});

describe('label, annotate, patch, scale', () => {
  beforeAll(async () => {
    await h.ok(['create', '-f', '-'], `${podManifest('meta', 'busybox')}---\n${deployment('scaled', 1)}\n`);
  });

  it('labels and annotates, refusing to overwrite without --overwrite, and removes with KEY-', async () => {
    expect(await h.ok(['label', 'pod', 'meta', 'tier=front'])).toBe('pod/meta labeled\n');
    const refused = await h.skiff(['label', 'pod/meta', 'tier=back']);
    expect(refused).toMatchObject({ code: 1, stderr: "error: 'tier' already has a value (front), and --overwrite is false\n" });
    expect(await h.ok(['label', 'pod/meta', 'tier=back', '--overwrite'])).toBe('pod/meta labeled\n');
    expect(await h.ok(['annotate', 'pod', 'meta', 'note=hello'])).toBe('pod/meta annotated\n');
    expect(await h.ok(['label', 'pod', 'meta', 'tier-'])).toBe('pod/meta labeled\n');
    const meta = JSON.parse(await h.ok(['get', 'pod', 'meta', '-o', 'json'])).metadata;
    expect(meta.labels).toEqual({ app: 'meta' });
    expect(meta.annotations).toEqual({ note: 'hello' });
  });

  it('patches with strategic merge, JSON merge and JSON patch', async () => {
    expect(await h.ok(['patch', 'pod', 'meta', '-p', '{"spec":{"containers":[{"name":"app","image":"busybox:2"}]}}'])).toBe('pod/meta patched\n');
    expect(await h.ok(['patch', 'pod', 'meta', '--type', 'merge', '-p', '{"metadata":{"labels":{"m":"1"}}}'])).toBe('pod/meta patched\n');
    expect(await h.ok(['patch', 'pod', 'meta', '--type', 'json', '-p', '[{"op":"replace","path":"/metadata/labels/m","value":"2"}]'])).toBe('pod/meta patched\n');
    expect(await h.ok(['patch', 'pod', 'meta', '--type', 'merge', '-p', '{"metadata":{"labels":{"m":"2"}}}'])).toBe('pod/meta patched (no change)\n');
    expect(await h.ok(['get', 'pod', 'meta', '-o', 'jsonpath={.spec.containers[0].image} {.metadata.labels.m}'])).toBe('busybox:2 2');
  });

  it('scales through the scale subresource', async () => {
    expect(await h.ok(['scale', 'deployment', 'scaled', '--replicas=3'])).toBe('deployment.apps/scaled scaled\n');
    expect(await h.ok(['get', 'deploy', 'scaled', '-o', 'jsonpath={.spec.replicas}'])).toBe('3');
    expect(await h.skiff(['scale', 'deploy/scaled', '--replicas=5', '--current-replicas=2'])).toMatchObject({ code: 1 });
    expect(await h.skiff(['scale', 'pod/meta', '--replicas=2'])).toMatchObject({ code: 1, stderr: 'error: pods cannot be scaled: they have no scale subresource\n' });
  });
});

describe('kubeconfig and contexts', () => {
  it('lists contexts, switches them, and uses the context namespace unless -n overrides it', async () => {
    expect(await h.ok(['config', 'get-contexts'])).toBe(
      'CURRENT   NAME     CLUSTER   AUTHINFO   NAMESPACE\n*         skiff    skiff     admin      default\n          system   skiff     admin      kube-system\n',
    );
    await h.ok(['create', '-f', '-', '-n', 'kube-system'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: in-system}\n');
    expect(await h.ok(['--context', 'system', 'get', 'cm', 'in-system', '-o', 'name'])).toBe('configmap/in-system\n');
    expect(await h.ok(['config', 'use-context', 'system'])).toBe('Switched to context "system".\n');
    expect(await h.ok(['get', 'cm', 'in-system', '-o', 'name'])).toBe('configmap/in-system\n');
    expect(await h.ok(['config', 'set-context', '--current', '-n', 'default'])).toBe('Context "system" modified.\n');
    expect((await h.skiff(['get', 'cm', 'in-system'])).code).toBe(1);
    expect(await h.ok(['-n', 'kube-system', 'get', 'cm', 'in-system', '-o', 'name'])).toBe('configmap/in-system\n');
    expect(await h.ok(['config', 'set-context', 'fresh', '--cluster', 'skiff', '--user', 'admin'])).toBe('Context "fresh" created.\n');
    expect(await h.ok(['config', 'get-contexts', '-o', 'name'])).toBe('fresh\nskiff\nsystem\n');
    await h.ok(['config', 'use-context', 'skiff']);
    expect(fs.readFileSync(h.kubeconfig, 'utf8')).toMatch(/current-context: skiff/);
  });

  it('config view redacts secrets unless --raw', async () => {
    const file = h.file('secret-kc', `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "${cp.apiserver.url}"}}]\nusers: [{name: u, user: {token: s3cret}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`);
    const view = await h.ok(['--kubeconfig', file, 'config', 'view']);
    expect(view).toMatch(/token: REDACTED/);
    expect(await h.ok(['--kubeconfig', file, 'config', 'view', '--raw'])).toMatch(/token: s3cret/);
  });
});

describe('errors', () => {
  it('reports a YAML syntax error at file:line:col with the offending line', async () => {
    const file = h.file('broken.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n    labels: a\n');
    const r = await h.skiff(['apply', '-f', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: ${file}:4:9: Nested mappings are not allowed in compact mappings\n    name: x\n          ^\n`);
  });

  it('suggests the nearest kinds and resource types', async () => {
    const file = h.file('kind.yaml', 'apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: x}\n');
    expect((await h.skiff(['apply', '-f', file])).stderr).toMatch(/no kind "Deploymnet" is registered for version "apps\/v1"; did you mean Deployment/);
    expect((await h.skiff(['get', 'pdos'])).stderr).toMatch(/did you mean pods/);
  });

  it('prints every invalid field path of a 422', async () => {
    const r = await h.skiff(['apply', '-f', '-'], 'apiVersion: v1\nkind: Pod\nmetadata: {name: Bad_Name}\nspec: {containers: [{name: A, image: ""}]}\n');
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe('The Pod "Bad_Name" is invalid:');
    expect(lines.slice(1).map((l) => l.split(':')[0])).toEqual(['* metadata.name', '* spec.containers[0].name', '* spec.containers[0].image']);
  });

  it('names the server and the kubeconfig when the apiserver is unreachable', async () => {
    const file = h.file('down-kc', 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n');
    const r = await h.skiff(['--kubeconfig', file, 'get', 'pods']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('http://127.0.0.1:1');
    expect(r.stderr).toContain(file);
  });
});

describe('api-resources and version', () => {
  it('lists resource types and both versions', async () => {
    const resources = await h.ok(['api-resources']);
    expect(resources.split('\n')[0]).toMatch(/^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND$/);
    expect(resources).toMatch(/\ndeployments\s+deploy\s+apps\/v1\s+true\s+Deployment\n/);
    expect(await h.ok(['version'])).toMatch(/^Client Version: v\d+\.\d+\.\d+\nServer Version: v1\.\d+/);
  });
});
