import { parse } from 'yaml';
import { startControlPlane, type TestControlPlane } from '@skiff/testing';
import { CliHarness, podManifest } from './skiff-harness';

/** The integration tests for apply and get need a real etcd + apiserver and the real kubectl on PATH. */
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

const liveDeployment = async () => JSON.parse(await h.ok(['get', 'deployment', 'turns', '-o', 'json']));
const ports = (d: { spec: { template: { spec: { containers: { ports: { containerPort: number }[] }[] } } } }) =>
  d.spec.template.spec.containers[0].ports.map((p) => p.containerPort);

function deploymentManifest(image: string, labels: Record<string, string>, containerPorts: number[]): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'turns', labels },
    spec: {
      selector: { matchLabels: { app: 'turns' } },
      template: {
        metadata: { labels: { app: 'turns' } },
        spec: { containers: [{ name: 'app', image, ports: containerPorts.map((containerPort) => ({ containerPort })) }] },
      },
    },
  });
}

const livePod = async (name: string) => JSON.parse(await h.ok(['get', 'pod', name, '-o', 'json']));

describe('skiff apply', () => {
  it('creates, leaves unchanged, then configures, recording the last-applied configuration', async () => {
    const file = h.file('web.yaml', podManifest('web', 'nginx:1.25'));
    expect(await h.ok(['apply', '-f', file])).toBe('pod/web created\n');
    expect(await h.ok(['apply', '-f', file])).toBe('pod/web unchanged\n');
    h.file('web.yaml', podManifest('web', 'nginx:1.26'));
    expect(await h.ok(['apply', '-f', file])).toBe('pod/web configured\n');
    const pod = await livePod('web');
    expect(pod.spec.containers[0].image).toBe('nginx:1.26');
    const lastApplied = JSON.parse(pod.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
    expect(lastApplied.spec.containers[0].image).toBe('nginx:1.26');
  });

  it('takes turns with kubectl on one object: each removes what the other applied before, and keeps others\' fields', async () => {
    const file = h.file('turns.yaml', deploymentManifest('nginx:1', { app: 'turns', owner: 'skiff' }, [80, 443]));
    await h.ok(['apply', '-f', file]);
    await h.kubectlOk(['label', 'deployment', 'turns', 'added-by=hand']);

    h.file('turns.yaml', deploymentManifest('nginx:2', { app: 'turns' }, [80]));
    expect(await h.kubectlOk(['apply', '-f', file])).toBe('deployment.apps/turns configured\n');
    let live = await liveDeployment();
    expect(live.metadata.labels).toEqual({ app: 'turns', 'added-by': 'hand' });
    expect(ports(live)).toEqual([80]);
    expect(live.spec.template.spec.containers[0].image).toBe('nginx:2');

    h.file('turns.yaml', deploymentManifest('nginx:3', { app: 'turns', tier: 'web' }, [80, 8080]));
    expect(await h.ok(['apply', '-f', file])).toBe('deployment.apps/turns configured\n');
    h.file('turns.yaml', deploymentManifest('nginx:3', { app: 'turns' }, [8080]));
    expect(await h.kubectlOk(['apply', '-f', file])).toBe('deployment.apps/turns configured\n');
    live = await liveDeployment();
    expect(live.metadata.labels).toEqual({ app: 'turns', 'added-by': 'hand' });
    expect(ports(live)).toEqual([8080]);
    expect(live.spec.template.spec.containers[0].image).toBe('nginx:3');
    // Both tools now agree that nothing is left to do.
    expect(await h.ok(['apply', '-f', file])).toBe('deployment.apps/turns unchanged\n');
    expect(await h.kubectlOk(['apply', '-f', file])).toBe('deployment.apps/turns unchanged\n');
  });

  it('applies multi-document files, kind: List, directories with -R and stdin', async () => {
    const two = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: cm-a}', 'data: {k: a}', '---', 'apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: cm-b}', ''].join('\n');
    h.file('tree/two.yaml', two);
    h.file('tree/nested/list.json', JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm-c' } }] }));
    expect(await h.ok(['apply', '-f', `${h.dir}/tree`])).toBe('configmap/cm-a created\nconfigmap/cm-b created\n');
    expect(await h.ok(['apply', '-R', '-f', `${h.dir}/tree`])).toBe('configmap/cm-c created\nconfigmap/cm-a unchanged\nconfigmap/cm-b unchanged\n');
    const stdin = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: cm-a}', 'data: {k: changed}', ''].join('\n');
    expect(await h.ok(['apply', '-f', '-'], stdin)).toBe('configmap/cm-a configured\n');
    expect(await h.ok(['get', 'cm', 'cm-a', '-o', 'jsonpath={.data.k}'])).toBe('changed');
  });

  it('applies server-side with a field manager', async () => {
    const file = h.file('ssa.yaml', podManifest('ssa', 'nginx:1'));
    expect(await h.ok(['apply', '--server-side', '-f', file])).toBe('pod/ssa serverside-applied\n');
    const pod = await livePod('ssa');
    expect(pod.metadata.managedFields.map((m: { manager: string; operation: string }) => `${m.manager}/${m.operation}`)).toContain('skiff/Apply');
  });
});

describe('skiff get', () => {
  beforeAll(async () => {
    const both = [podManifest('zeta', 'busybox', { labels: { app: 'zeta', tier: 'back' } }), podManifest('alpha', 'busybox', { labels: { app: 'alpha', tier: 'front' } })];
    await h.ok(['create', '-f', '-'], both.join('---\n'));
  });

  it('prints the same columns and rows as kubectl get pods', async () => {
    const variants = [['get', 'pods'], ['get', 'pods', '-o', 'wide'], ['get', 'pods', '-A'], ['get', 'pods', '--show-labels']];
    const outputs = await Promise.all(variants.map((args) => Promise.all([h.ok(args), h.kubectlOk(args)])));
    // Ages may straddle a second between the two runs; everything else must match exactly.
    const ageless = (text: string) => text.replace(/\b\d+s\b/g, 'Ns');
    for (const [ours, theirs] of outputs) expect(ageless(ours)).toBe(ageless(theirs));
    expect(outputs[0][0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\nalpha\s+0\/1\s+Pending/);
  });

  it('prints yaml, json, name, jsonpath and custom-columns', async () => {
    const [yamlText, jsonText, names, jsonpath, columns] = await Promise.all([
      h.ok(['get', 'pod', 'alpha', '-o', 'yaml']),
      h.ok(['get', 'pods', '-l', 'tier', '-o', 'json']),
      h.ok(['get', 'pods', '-l', 'tier=front', '-o', 'name']),
      h.ok(['get', 'pods', '-l', 'tier', '-o', 'jsonpath={range .items[*]}{.metadata.name}:{.metadata.labels.tier} {end}', '--sort-by', '.metadata.name']),
      h.ok(['get', 'pods', '-l', 'tier', '--sort-by', '.metadata.labels.tier', '-o', 'custom-columns=NAME:.metadata.name,TIER:.metadata.labels.tier']),
    ]);
    expect(parse(yamlText).metadata.name).toBe('alpha');
    const list = JSON.parse(jsonText);
    expect(list.kind).toBe('List');
    expect(list.items.map((p: { metadata: { name: string } }) => p.metadata.name).sort()).toEqual(['alpha', 'zeta']);
    expect(names).toBe('pod/alpha\n');
    expect(jsonpath).toBe('alpha:front zeta:back ');
    expect(columns).toBe('NAME    TIER\nzeta    back\nalpha   front\n');
  });

  it('filters with field selectors and sorts tables', async () => {
    const out = await h.ok(['get', 'pods', '--field-selector', 'metadata.name=zeta', '--no-headers']);
    expect(out.split(/\s+/)[0]).toBe('zeta');
    const sorted = await h.ok(['get', 'pods', '-l', 'tier', '--sort-by', '{.metadata.labels.tier}']);
    expect(sorted.split('\n').slice(1, 3).map((l) => l.split(/\s+/)[0])).toEqual(['zeta', 'alpha']);
  });

  it('says no resources were found in the namespace, on stderr', async () => {
    const r = await h.skiff(['get', 'pods', '-n', 'kube-node-lease']);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: 'No resources found in kube-node-lease namespace.\n' });
  });

  it('watches with -w: the rows so far, then a row per change', async () => {
    const watch = h.spawnSkiff(['get', 'pods', '-l', 'watched=yes', '-w']);
    try {
      await h.ok(['create', '-f', '-'], podManifest('watched', 'busybox', { labels: { watched: 'yes' } }));
      const deadline = Date.now() + 10_000;
      while (!/watched\s+0\/1\s+Pending/.test(watch.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(watch.output()).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\nwatched\s+0\/1\s+Pending/);
    } finally {
      watch.child.kill();
    }
  });
});
