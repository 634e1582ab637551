import { startControlPlane, type TestControlPlane } from '@skiff/testing';
import { call } from './http';

jest.setTimeout(60_000);

let cp: TestControlPlane;
let base: string;

beforeAll(async () => {
  cp = await startControlPlane();
  base = cp.apiserver.url;
});
afterAll(async () => {
  await cp?.stop();
});

const podsPath = '/api/v1/namespaces/default/pods';
const podSpec = { containers: [{ name: 'c', image: 'busybox:1.36' }] };

describe('DefaultTolerationSeconds admission', () => {
  it('gives a new pod 300 s tolerations for the not-ready and unreachable NoExecute taints', async () => {
    const res = await call(base, 'POST', podsPath, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'plain' }, spec: podSpec });
    expect(res.status).toBe(201);
    expect(res.body.spec.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
  });

  it('keeps a toleration the pod already has for one of them and adds only the other', async () => {
    const own = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 7 };
    const res = await call(base, 'POST', podsPath, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'own' }, spec: { ...podSpec, tolerations: [own] } });
    expect(res.status).toBe(201);
    expect(res.body.spec.tolerations).toEqual([own, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }]);
  });

  it('adds nothing to a pod that tolerates every taint', async () => {
    const res = await call(base, 'POST', podsPath, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'all' }, spec: { ...podSpec, tolerations: [{ operator: 'Exists' }] } });
    expect(res.status).toBe(201);
    expect(res.body.spec.tolerations).toEqual([{ operator: 'Exists' }]);
  });
});
