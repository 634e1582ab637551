import { startControlPlane, TestControllerManager, waitFor, type TestControlPlane } from '@skiff/testing';
import { FakeKubelet } from './fake-kubelet';
import { CliHarness } from './skiff-harness';

/** rollout status, history and undo against the real controller-manager (deployment + replicaset controllers). */
jest.setTimeout(30_000);

let cp: TestControlPlane;
let cm: TestControllerManager;
let kubelet: FakeKubelet;
let h: CliHarness;

beforeAll(async () => {
  cp = await startControlPlane();
  cm = await TestControllerManager.start(cp, { args: ['--controllers=deployment,replicaset'] });
  kubelet = new FakeKubelet(cp.apiserver.url);
  h = new CliHarness(cp.apiserver.url);
}, 60_000);

afterAll(async () => {
  kubelet?.stop();
  h?.cleanup();
  await cm?.stop();
  await cp?.stop();
});

interface ReplicaSetSeen {
  metadata: { uid: string; annotations?: Record<string, string> };
  spec: { replicas: number; template: { spec: { containers: Array<{ image: string }> } } };
}

const webManifest = (image: string) =>
  JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image }] } } },
  });
const replicaSets = async (): Promise<ReplicaSetSeen[]> => JSON.parse(await h.ok(['get', 'replicasets', '-o', 'json'])).items;
const revision = (rs: ReplicaSetSeen) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'];
const historyRevisions = async () =>
  (await h.ok(['rollout', 'history', 'deployment/web']))
    .trimEnd()
    .split('\n')
    .slice(2)
    .map((line) => line.split(/\s+/)[0]);

/** rollout status until done; without a terminal each message is its own line and the last says it is done. */
async function expectRolledOut(): Promise<void> {
  const status = await h.skiff(['rollout', 'status', 'deployment/web', '--timeout=20s']);
  expect(status).toMatchObject({ code: 0, stderr: '' });
  const lines = status.stdout.trimEnd().split('\n');
  expect(lines.pop()).toBe('deployment "web" successfully rolled out');
  expect(lines.every((l) => l.startsWith('Waiting for deployment'))).toBe(true);
  expect(status.stdout).not.toContain('\r');
}

it('rolls out, updates to revision 2, lists history, and undoes back to the first ReplicaSet as revision 3', async () => {
  expect(await h.ok(['apply', '-f', '-'], webManifest('nginx:1.25'))).toBe('deployment.apps/web created\n');
  await expectRolledOut();
  const [rs1] = await replicaSets();
  expect(revision(rs1)).toBe('1');
  expect(kubelet.readiedCount).toBeGreaterThanOrEqual(2);

  expect(await h.ok(['apply', '-f', '-'], webManifest('nginx:1.27'))).toBe('deployment.apps/web configured\n');
  await expectRolledOut();
  const afterUpdate = await replicaSets();
  expect(afterUpdate).toHaveLength(2);
  const rs2 = afterUpdate.find((rs) => rs.metadata.uid !== rs1.metadata.uid)!;
  expect(rs2).toMatchObject({ metadata: { annotations: { 'deployment.kubernetes.io/revision': '2' } }, spec: { replicas: 2, template: { spec: { containers: [{ image: 'nginx:1.27' }] } } } });
  const history = await h.ok(['rollout', 'history', 'deployment/web']);
  expect(history).toMatch(/^deployment\.apps\/web\nREVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n\n$/);

  expect(await h.ok(['rollout', 'undo', 'deployment/web'])).toBe('deployment.apps/web rolled back\n');
  await expectRolledOut();
  const afterUndo = await replicaSets();
  expect(afterUndo).toHaveLength(2);
  const back = afterUndo.find((rs) => rs.metadata.uid === rs1.metadata.uid)!;
  expect(revision(back)).toBe('3');
  expect(back.spec).toMatchObject({ replicas: 2, template: { spec: { containers: [{ image: 'nginx:1.25' }] } } });
  expect(afterUndo.find((rs) => rs.metadata.uid === rs2.metadata.uid)!.spec.replicas).toBe(0);
  expect(await historyRevisions()).toEqual(['2', '3']);
  expect(await h.ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).toBe('nginx:1.25');
  await waitFor(async () => {
    const images: string[] = JSON.parse(await h.ok(['get', 'pods', '-o', 'json'])).items.map((p: { spec: { containers: Array<{ image: string }> } }) => p.spec.containers[0].image);
    return images.length === 2 && images.every((i) => i === 'nginx:1.25');
  }, { what: 'only nginx:1.25 pods after the undo', timeoutMs: 10_000, intervalMs: 250 });
  expect(cm.running).toBe(true);
});
