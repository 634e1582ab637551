import { startControlPlane, waitFor, type TestControlPlane } from '@skiff/testing';
import { IPRange } from '../registry/service-allocations';
import { clusterServices } from '../server/bootstrap';
import { call } from './http';

jest.setTimeout(60_000);

let cp: TestControlPlane;

beforeAll(async () => {
  cp = await startControlPlane();
});
afterAll(async () => {
  await cp?.stop();
});

describe('services every cluster has', () => {
  it('creates default/kubernetes on the range’s first address (no endpoints for a loopback apiserver)', async () => {
    const base = cp.apiserver.url;
    const svc = await waitFor(async () => {
      const r = await call(base, 'GET', '/api/v1/namespaces/default/services/kubernetes');
      return r.status === 200 ? r.body : undefined;
    });
    expect(svc.spec).toMatchObject({ clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: Number(new URL(base).port) }] });
    // This apiserver listens on 127.0.0.1, and Endpoints may not name loopback addresses: the Service has none.
    await waitFor(async () => (await call(base, 'GET', '/api/v1/namespaces/kube-system/services/kube-dns')).status === 200);
    expect((await call(base, 'GET', '/api/v1/namespaces/default/endpoints/kubernetes')).status).toBe(404);
  });

  it('points the kubernetes endpoints and EndpointSlice at a routable apiserver address', () => {
    const { endpoints, slices } = clusterServices(new IPRange('10.96.0.0/12'), '192.0.2.7:6443');
    expect(endpoints[0]).toMatchObject({ subsets: [{ addresses: [{ ip: '192.0.2.7' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }] });
    expect(slices[0]).toMatchObject({ addressType: 'IPv4', endpoints: [{ addresses: ['192.0.2.7'], conditions: { ready: true } }], metadata: { labels: { 'kubernetes.io/service-name': 'kubernetes' } } });
  });

  it('creates kube-system/kube-dns on the range’s tenth address, port 53 over UDP and TCP', async () => {
    const svc = await waitFor(async () => {
      const r = await call(cp.apiserver.url, 'GET', '/api/v1/namespaces/kube-system/services/kube-dns');
      return r.status === 200 ? r.body : undefined;
    });
    expect(svc.spec.clusterIP).toBe('10.96.0.10');
    expect(svc.spec.ports.map((p: { protocol: string; port: number }) => `${p.port}/${p.protocol}`)).toEqual(['53/UDP', '53/TCP']);
    expect(svc.metadata.labels['k8s-app']).toBe('kube-dns');
  });
});
