import { endpointslices, services, type EndpointSlice, type Service } from '@skiff/api';
import { Informer } from '@skiff/client';
import { FakeKubeClient, waitFor } from '@skiff/testing';
import { ClusterZone } from './cluster-zone';
import { InformerDnsRecordSource } from './informer-record-source';

function service(name: string, spec: Service['spec']): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec };
}

function slice(name: string, serviceName: string, body: Pick<EndpointSlice, 'addressType' | 'endpoints' | 'ports'>): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace: 'default', labels: { 'kubernetes.io/service-name': serviceName } },
    ...body,
  };
}

let client: FakeKubeClient;
let serviceInformer: Informer<Service>;
let sliceInformer: Informer<EndpointSlice>;
let source: InformerDnsRecordSource;
let zone: ClusterZone;

beforeEach(async () => {
  client = new FakeKubeClient();
  client.seed(
    services,
    service('web', { type: 'ClusterIP', clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'], ports: [{ name: 'http', protocol: 'TCP', port: 80 }] }),
    service('db', { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], ports: [{ name: 'pg', protocol: 'TCP', port: 5432 }] }),
    service('ext', { type: 'ExternalName', externalName: 'db.example.com' }),
  );
  client.seed(
    endpointslices,
    slice('db-a', 'db', {
      addressType: 'IPv4',
      endpoints: [
        { addresses: ['10.244.1.5'], hostname: 'db-0', conditions: { ready: true } },
        { addresses: ['10.244.1.6'], hostname: 'db-1', conditions: { ready: false, terminating: true } },
        // No conditions at all means ready.
        { addresses: ['10.244.1.7'] },
      ],
      ports: [{ name: 'pg', protocol: 'TCP', port: 15432 }],
    }),
    slice('db-b', 'db', { addressType: 'IPv4', endpoints: [{ addresses: ['10.244.2.8'], hostname: 'db-2' }], ports: [{ name: 'pg', protocol: 'TCP', port: 15432 }] }),
    slice('db-fqdn', 'db', { addressType: 'FQDN', endpoints: [{ addresses: ['db.example.com'] }] }),
    slice('other', 'web', { addressType: 'IPv4', endpoints: [{ addresses: ['10.244.3.9'] }] }),
  );
  serviceInformer = new Informer<Service>(client, services);
  sliceInformer = new Informer<EndpointSlice>(client, endpointslices);
  source = new InformerDnsRecordSource(serviceInformer, sliceInformer);
  zone = new ClusterZone({ source });
  serviceInformer.start();
  sliceInformer.start();
  await Promise.all([serviceInformer.waitForSync(), sliceInformer.waitForSync()]);
});

afterEach(() => {
  serviceInformer.stop();
  sliceInformer.stop();
});

const addresses = (name: string, type = 'A') => {
  const found = zone.resolve({ name, type: type as 'A' });
  return found.result === 'answer' ? found.answers.map((a) => (a as { data: unknown }).data) : found.result;
};

describe('InformerDnsRecordSource', () => {
  it('reads Services as DNS sees them', () => {
    expect(source.service('default', 'web')).toEqual({
      namespace: 'default',
      name: 'web',
      clusterIPs: ['10.96.0.20'],
      headless: false,
      externalName: undefined,
      ports: [{ name: 'http', protocol: 'TCP', port: 80 }],
      publishNotReadyAddresses: false,
    });
    expect(source.service('default', 'db')).toEqual(expect.objectContaining({ headless: true, clusterIPs: [] }));
    expect(source.service('default', 'ext')).toEqual(expect.objectContaining({ externalName: 'db.example.com', clusterIPs: [], headless: false }));
    expect(source.service('default', 'missing')).toBeUndefined();
  });

  it('joins EndpointSlices to their Service by the service-name label, leaving FQDN slices out', () => {
    const endpoints = source.endpoints('default', 'db');
    expect(endpoints.map((e) => [e.addresses[0], e.hostname, e.ready]).sort()).toEqual([
      ['10.244.1.5', 'db-0', true],
      ['10.244.1.6', 'db-1', false],
      ['10.244.1.7', undefined, true],
      ['10.244.2.8', 'db-2', true],
    ]);
    expect(endpoints[0].ports).toEqual([{ name: 'pg', protocol: 'TCP', port: 15432 }]);
  });

  it('answers the cluster zone from the informers: ClusterIP, headless, hostnames, SRV, PTR', () => {
    expect(addresses('web.default.svc.cluster.local')).toEqual(['10.96.0.20']);
    expect((addresses('db.default.svc.cluster.local') as string[]).sort()).toEqual(['10.244.1.5', '10.244.1.7', '10.244.2.8']);
    expect(addresses('db-2.db.default.svc.cluster.local')).toEqual(['10.244.2.8']);
    expect(addresses('db-1.db.default.svc.cluster.local')).toBe('nxdomain');
    expect(addresses('10-244-1-7.db.default.svc.cluster.local')).toEqual(['10.244.1.7']);
    expect((addresses('_pg._tcp.db.default.svc.cluster.local', 'SRV') as { target: string; port: number }[]).map((s) => `${s.target}:${s.port}`).sort()).toEqual([
      '10-244-1-7.db.default.svc.cluster.local:15432',
      'db-0.db.default.svc.cluster.local:15432',
      'db-2.db.default.svc.cluster.local:15432',
    ]);
    expect(addresses('ext.default.svc.cluster.local', 'CNAME')).toEqual(['db.example.com']);
    expect(addresses('20.0.96.10.in-addr.arpa', 'PTR')).toEqual(['web.default.svc.cluster.local']);
    expect(addresses('5.1.244.10.in-addr.arpa', 'PTR')).toEqual(['db-0.db.default.svc.cluster.local']);
    // An endpoint of a ClusterIP Service has no reverse name of its own.
    expect(addresses('9.3.244.10.in-addr.arpa', 'PTR')).toBe('forward');
  });

  it('follows changes seen on the watch and moves the SOA serial', async () => {
    let nowMs = 1_700_000_000_000;
    const later = new InformerDnsRecordSource(serviceInformer, sliceInformer, () => nowMs);
    const laterZone = new ClusterZone({ source: later });
    expect(later.serial()).toBe(1_700_000_000);
    nowMs += 100_000;
    await client.create(services, 'default', service('api', { type: 'ClusterIP', clusterIP: '10.96.0.40', clusterIPs: ['10.96.0.40'] }));
    await waitFor(() => laterZone.resolve({ name: 'api.default.svc.cluster.local', type: 'A' }).result === 'answer', { what: 'api in DNS' });
    expect(later.serial()).toBe(1_700_000_100);
    expect((laterZone.soa() as { data: { serial: number } }).data.serial).toBe(1_700_000_100);
    await client.delete(services, 'default', 'web');
    await waitFor(() => laterZone.resolve({ name: 'web.default.svc.cluster.local', type: 'A' }).result === 'nxdomain', { what: 'web gone from DNS' });
  });
});
