import { configmaps, secrets, type ConfigMap, type Secret } from '@skiff/api';
import { silentLogger } from '@skiff/logging';
import { verifyClusterInfoSignature } from '@skiff/pki';
import { ControllerTestKit } from '@skiff/testing';
import { defaultControllerOptions, type ControllerContext } from '../controller';
import { BootstrapSigner } from './bootstrapsigner-controller';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const kubeconfig = 'apiVersion: v1\nclusters:\n- cluster:\n    server: https://10.0.0.1:6443\n  name: ""\nkind: Config\n';
const token = (id: string, secret: string, data: Record<string, string> = { 'usage-bootstrap-signing': 'true' }): Secret => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: `bootstrap-token-${id}`, namespace: 'kube-system', uid: `uid-${id}` },
  type: 'bootstrap.kubernetes.io/token',
  data: Object.fromEntries(Object.entries({ 'token-id': id, 'token-secret': secret, ...data }).map(([k, v]) => [k, b64(v)])),
});
const clusterInfo = (data: Record<string, string> = { kubeconfig }): ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cluster-info', namespace: 'kube-public' }, data });
const contextFrom = (kit: ControllerTestKit): ControllerContext => ({
  client: kit.client,
  informers: kit.informers,
  recorder: () => kit.recorder,
  clock: kit.clock,
  logger: silentLogger(),
  options: defaultControllerOptions,
});
const data = (kit: ControllerTestKit) => (kit.client.tracker.get(configmaps, 'kube-public', 'cluster-info') as ConfigMap).data ?? {};

async function drain(c: BootstrapSigner): Promise<void> {
  while (c.queue.len() > 0) await c.processNext();
}

describe('the bootstrap signer', () => {
  let kit: ControllerTestKit;
  let controller: BootstrapSigner;

  async function start(...objects: [typeof secrets | typeof configmaps, Secret | ConfigMap][]) {
    kit = new ControllerTestKit();
    for (const [type, obj] of objects) kit.seed(type, obj);
    controller = new BootstrapSigner(contextFrom(kit));
    await kit.start();
    await drain(controller);
  }
  afterEach(() => kit.stop());

  it('signs cluster-info with each signing token: the JWS verifies with that token and not with another', async () => {
    await start([configmaps, clusterInfo()], [secrets, token('abcdef', '0123456789abcdef')], [secrets, token('ghijkl', 'fedcba9876543210')]);
    expect(Object.keys(data(kit)).sort()).toEqual(['jws-kubeconfig-abcdef', 'jws-kubeconfig-ghijkl', 'kubeconfig']);
    const jws = data(kit)['jws-kubeconfig-abcdef'];
    expect(jws).toMatch(/^[\w-]+\.\.[\w-]+$/);
    expect(await verifyClusterInfoSignature(kubeconfig, jws, 'abcdef', '0123456789abcdef')).toBe(true);
    expect(await verifyClusterInfoSignature(kubeconfig, jws, 'ghijkl', 'fedcba9876543210')).toBe(false);
    expect(data(kit).kubeconfig).toBe(kubeconfig);
  });

  it('skips tokens without signing usage, expired ones and malformed ones', async () => {
    await start(
      [configmaps, clusterInfo()],
      [secrets, token('auth01', '0123456789abcdef', { 'usage-bootstrap-authentication': 'true' })],
      [secrets, token('expire', '0123456789abcdef', { 'usage-bootstrap-signing': 'true', expiration: '2024-05-01T09:00:00Z' })],
      [secrets, token('short1', 'tooshort', { 'usage-bootstrap-signing': 'true' })],
    );
    expect(Object.keys(data(kit))).toEqual(['kubeconfig']);
    expect(kit.writes()).toEqual([]);
  });

  it('removes the signature of a token that is deleted, and re-signs when the kubeconfig changes', async () => {
    await start([configmaps, clusterInfo()], [secrets, token('abcdef', '0123456789abcdef')], [secrets, token('ghijkl', 'fedcba9876543210')]);
    await kit.client.delete(secrets, 'kube-system', 'bootstrap-token-ghijkl');
    await kit.settle();
    await drain(controller);
    expect(Object.keys(data(kit)).sort()).toEqual(['jws-kubeconfig-abcdef', 'kubeconfig']);
    const changed = kubeconfig.replace('10.0.0.1', '10.0.0.2');
    await kit.client.update(configmaps, { ...(kit.client.tracker.get(configmaps, 'kube-public', 'cluster-info') as ConfigMap), data: { ...data(kit), kubeconfig: changed } });
    await kit.settle();
    await drain(controller);
    expect(await verifyClusterInfoSignature(changed, data(kit)['jws-kubeconfig-abcdef'], 'abcdef', '0123456789abcdef')).toBe(true);
  });

  it('drops the signature of a token when it expires, even while its Secret is still there', async () => {
    await start([configmaps, clusterInfo()], [secrets, token('abcdef', '0123456789abcdef', { 'usage-bootstrap-signing': 'true', expiration: '2024-05-01T10:30:00Z' })]);
    expect(Object.keys(data(kit)).sort()).toEqual(['jws-kubeconfig-abcdef', 'kubeconfig']);
    await kit.clock.advance(30 * 60_000);
    await drain(controller);
    expect(Object.keys(data(kit))).toEqual(['kubeconfig']);
  });

  it('writes nothing when every signature is already right, and drops forged ones', async () => {
    await start([configmaps, clusterInfo()], [secrets, token('abcdef', '0123456789abcdef')]);
    kit.client.clearActions();
    await controller.reconcile('kube-public/cluster-info');
    expect(kit.writes()).toEqual([]);
    const cm = kit.client.tracker.get(configmaps, 'kube-public', 'cluster-info') as ConfigMap;
    await kit.client.update(configmaps, { ...cm, data: { ...cm.data, 'jws-kubeconfig-zzzzzz': 'forged..sig', 'jws-kubeconfig-abcdef': 'bad..sig' } });
    await kit.settle();
    await drain(controller);
    expect(Object.keys(data(kit)).sort()).toEqual(['jws-kubeconfig-abcdef', 'kubeconfig']);
    expect(await verifyClusterInfoSignature(kubeconfig, data(kit)['jws-kubeconfig-abcdef'], 'abcdef', '0123456789abcdef')).toBe(true);
  });

  it('does nothing without a cluster-info ConfigMap or its kubeconfig entry', async () => {
    await start([secrets, token('abcdef', '0123456789abcdef')]);
    await controller.reconcile('kube-public/cluster-info');
    kit.stop();
    await start([configmaps, clusterInfo({ other: 'x' })], [secrets, token('abcdef', '0123456789abcdef')]);
    expect(kit.writes()).toEqual([]);
  });
});
