import { freePort, TestApiserver, TestEtcd, waitFor } from '@skiff/testing';
import { call } from './http';

jest.setTimeout(90_000);

// Two apiservers of one cluster on one etcd, on the same port of two loopback addresses, advertising two
// documentation addresses (192.0.2.0/24: written into the endpoints, never dialled). Both must be in the kubernetes
// Service's endpoints; one that stops leaves at once, one killed outright leaves when its lease expires (15 s).
let etcd: TestEtcd;
const apiservers: TestApiserver[] = [];
let port: number;

beforeAll(async () => {
  etcd = await TestEtcd.start();
  port = await freePort();
  for (const [i, ip] of ['192.0.2.11', '192.0.2.12'].entries()) {
    apiservers.push(await TestApiserver.start({ etcdEndpoint: etcd.endpoint, bindAddress: `127.0.0.${i + 2}`, port, extraArgs: [`--advertise-address=${ip}`] }));
  }
});

afterAll(async () => {
  for (const a of apiservers) await a.stop();
  await etcd?.destroy();
});

interface EndpointsLike {
  subsets?: Array<{ addresses?: Array<{ ip: string }>; ports?: Array<{ port: number }> }>;
}

async function kubernetesEndpoints(via: TestApiserver): Promise<{ ips: string[]; ports: number[]; sliceIps: string[] }> {
  const ep = await call<EndpointsLike>(via.url, 'GET', '/api/v1/namespaces/default/endpoints/kubernetes');
  const slice = await call<{ endpoints?: Array<{ addresses: string[] }> }>(via.url, 'GET', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes');
  if (ep.status !== 200 || slice.status !== 200) return { ips: [], ports: [], sliceIps: [] };
  return {
    ips: (ep.body.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip)),
    ports: (ep.body.subsets ?? []).flatMap((s) => (s.ports ?? []).map((p) => p.port)),
    sliceIps: (slice.body.endpoints ?? []).flatMap((e) => e.addresses),
  };
}

const until = (via: TestApiserver, ips: string[], what: string, timeoutMs = 15_000) =>
  waitFor(
    async () => {
      const got = await kubernetesEndpoints(via);
      return JSON.stringify(got.ips) === JSON.stringify(ips) && JSON.stringify(got.sliceIps) === JSON.stringify(ips) ? got : undefined;
    },
    { timeoutMs, intervalMs: 200, what },
  );

describe('the kubernetes Service with several apiservers', () => {
  it('has every apiserver in its endpoints and EndpointSlice, on their shared port', async () => {
    const both = await until(apiservers[0], ['192.0.2.11', '192.0.2.12'], 'both apiservers in the endpoints');
    expect(both.ports).toEqual([port]);
  });

  it('drops an apiserver that stops at once, and one that is killed when its lease expires', async () => {
    await apiservers[1].stop();
    await until(apiservers[0], ['192.0.2.11'], 'the stopped apiserver to leave the endpoints', 5_000);

    await apiservers[1].restart();
    await until(apiservers[1], ['192.0.2.11', '192.0.2.12'], 'the restarted apiserver to come back');

    await apiservers[0].kill();
    await until(apiservers[1], ['192.0.2.12'], 'the killed apiserver to leave the endpoints once its lease expired', 40_000);
  });
});
