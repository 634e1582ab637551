import { Counter, Registry } from 'prom-client';
import { FakeKubeletDeps } from './fake-kubelet-deps';
import { KubeletServer, defaultKubeletPort } from './kubelet-server';
import type { Summary } from './stats-summary';

let deps: FakeKubeletDeps;
let server: KubeletServer;
let base: string;
let registry: Registry;

beforeEach(async () => {
  deps = new FakeKubeletDeps();
  registry = new Registry();
  new Counter({ name: 'kubelet_test_total', help: 'A counter for the test', registers: [registry] }).inc(2);
  server = new KubeletServer(deps, { address: '127.0.0.1', port: 0, metrics: registry });
  base = `http://127.0.0.1:${await server.listen()}`;
});

afterEach(async () => {
  await server.close();
});

describe('KubeletServer', () => {
  it('listens on the kubelet port unless told otherwise', () => {
    expect(defaultKubeletPort).toBe(10250);
  });

  it('serves /healthz and Prometheus text on /metrics', async () => {
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('ok');
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.headers.get('content-type')).toBe(registry.contentType);
    expect(await metrics.text()).toMatch(/^kubelet_test_total 2$/m);
  });

  it('serves the Summary API from the provider', async () => {
    const summary: Summary = {
      node: { nodeName: 'node-1', cpu: { time: '2024-05-01T10:00:00Z', usageNanoCores: 250_000_000, usageCoreNanoSeconds: 9e12 }, memory: { time: '2024-05-01T10:00:00Z', workingSetBytes: 1 << 30 } },
      pods: [
        {
          podRef: { name: 'web', namespace: 'default', uid: 'uid-1' },
          containers: [{ name: 'app', cpu: { time: '2024-05-01T10:00:00Z', usageNanoCores: 1000, usageCoreNanoSeconds: 5000 }, memory: { time: '2024-05-01T10:00:00Z', workingSetBytes: 4096, usageBytes: 8192, rssBytes: 2048 } }],
          cpu: { time: '2024-05-01T10:00:00Z', usageNanoCores: 1000 },
          memory: { time: '2024-05-01T10:00:00Z', workingSetBytes: 4096 },
        },
      ],
    };
    deps.summary = summary;
    const res = await fetch(`${base}/stats/summary`);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual(summary);
  });

  it('serves the pod list as a PodList', async () => {
    deps.podList = [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'busybox' }] } } as never];
    expect(await (await fetch(`${base}/pods`)).json()).toEqual({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: deps.podList });
  });

  it('answers unknown paths, /runningpods/ without a provider, and other methods with a Status', async () => {
    for (const path of ['/nothing', '/runningpods/', '/containerLogs/default/web']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 });
    }
    const post = await fetch(`${base}/pods`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(await post.json()).toMatchObject({ reason: 'MethodNotAllowed' });
  });

  it('answers a provider failure with an InternalError Status and keeps serving', async () => {
    deps.statsSummary = async () => {
      throw new Error('cgroup stats are unavailable');
    };
    const res = await fetch(`${base}/stats/summary`);
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ reason: 'InternalError', message: 'cgroup stats are unavailable' });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});
