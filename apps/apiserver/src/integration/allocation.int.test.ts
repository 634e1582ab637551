import { TestApiserver, TestEtcd, waitFor } from '@skiff/testing';
import { registrySnapshot } from './etcd-snapshot';
import { call } from './http';

jest.setTimeout(120_000);

let etcd: TestEtcd;
let a: TestApiserver;
let b: TestApiserver;
const svcPath = '/api/v1/namespaces/default/services';
// A /28 has 14 usable addresses (12 once the cluster's own Services have theirs): small enough that two
// apiservers picking at random collide often.
const args = ['--service-cluster-ip-range=10.97.0.0/28', '--service-node-port-range=30000-30019'];

// The cluster's own Services (kubernetes, kube-dns) hold the range's first and tenth addresses.
const clusterServiceIPs = ['10.97.0.1', '10.97.0.10'];

beforeAll(async () => {
  etcd = await TestEtcd.start();
  [a, b] = await Promise.all([TestApiserver.start({ etcdEndpoint: etcd.endpoint, extraArgs: args }), TestApiserver.start({ etcdEndpoint: etcd.endpoint, extraArgs: args })]);
  await waitFor(async () => (await call(a.url, 'GET', '/api/v1/namespaces/kube-system/services/kube-dns')).status === 200, { what: 'the cluster services' });
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await etcd?.destroy();
});

const svc = (name: string, type = 'NodePort') => ({ metadata: { name }, spec: { type, selector: { app: name }, ports: [{ port: 80 }] } });

describe('ClusterIP and NodePort allocation', () => {
  it('never hands out the same ClusterIP or NodePort from two apiservers', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => call((i % 2 ? a : b).url, 'POST', svcPath, svc(`s${i}`))));
    const created = results.filter((r) => r.status === 201).map((r) => r.body);
    // Every create either succeeds or reports a retryable conflict; none may share an address.
    for (const r of results) expect([201, 409]).toContain(r.status);
    expect(created.length).toBeGreaterThanOrEqual(8);
    const ips = created.map((s) => s.spec.clusterIP);
    const ports = created.map((s) => s.spec.ports[0].nodePort);
    expect(new Set(ips).size).toBe(ips.length);
    expect(new Set(ports).size).toBe(ports.length);
    for (const ip of ips) expect(ip).toMatch(/^10\.97\.0\.([1-9]|1[0-4])$/);
    for (const p of ports) expect(p).toBeGreaterThanOrEqual(30000);
    const keys = Object.keys(await registrySnapshot(etcd.endpoint));
    expect(keys.filter((k) => k.startsWith('/registry/ranges/serviceips/')).sort()).toEqual([...ips, ...clusterServiceIPs].map((ip) => `/registry/ranges/serviceips/${ip}`).sort());
  });

  it('refuses a taken or out-of-range ClusterIP with 422 and leaves nothing allocated', async () => {
    const taken = (await call(a.url, 'GET', `${svcPath}/s0`)).body.spec.clusterIP;
    const before = await registrySnapshot(etcd.endpoint);
    const dup = await call(b.url, 'POST', svcPath, { ...svc('dup', 'ClusterIP'), spec: { ...svc('dup').spec, type: 'ClusterIP', clusterIP: taken } });
    expect(dup.status).toBe(422);
    expect(dup.body.message).toContain('provided IP is already allocated');
    const outside = await call(b.url, 'POST', svcPath, { ...svc('out', 'ClusterIP'), spec: { ...svc('out').spec, type: 'ClusterIP', clusterIP: '10.200.0.1' } });
    expect(outside.status).toBe(422);
    expect(outside.body.details.causes[0].field).toBe('spec.clusterIPs');
    expect(await registrySnapshot(etcd.endpoint)).toEqual(before);
  });

  it('releases addresses on delete, so they can be taken again', async () => {
    const s0 = (await call(a.url, 'GET', `${svcPath}/s0`)).body;
    expect((await call(a.url, 'DELETE', `${svcPath}/s0`)).status).toBe(200);
    const keys = Object.keys(await registrySnapshot(etcd.endpoint));
    expect(keys).not.toContain(`/registry/ranges/serviceips/${s0.spec.clusterIP}`);
    expect(keys).not.toContain(`/registry/ranges/servicenodeports/${s0.spec.ports[0].nodePort}`);
    const again = await call(b.url, 'POST', svcPath, { ...svc('again'), spec: { ...svc('again').spec, clusterIP: s0.spec.clusterIP, ports: [{ port: 80, nodePort: s0.spec.ports[0].nodePort }] } });
    expect(again.status).toBe(201);
  });

  it('keeps allocated values when an update leaves them out, and allocates none for headless services', async () => {
    const s1 = (await call(a.url, 'GET', `${svcPath}/s1`)).body;
    const { clusterIP: _ip, clusterIPs: _ips, ...spec } = s1.spec;
    const replaced = await call(a.url, 'PUT', `${svcPath}/s1`, { ...s1, spec: { ...spec, ports: [{ port: 80 }] } });
    expect(replaced.status).toBe(200);
    expect(replaced.body.spec.clusterIP).toBe(s1.spec.clusterIP);
    expect(replaced.body.spec.ports[0].nodePort).toBe(s1.spec.ports[0].nodePort);
    const headless = await call(a.url, 'POST', svcPath, { metadata: { name: 'headless' }, spec: { clusterIP: 'None', selector: { app: 'h' }, ports: [{ port: 80 }] } });
    expect(headless.status).toBe(201);
    expect(headless.body.spec.clusterIPs).toEqual(['None']);
  });
});
