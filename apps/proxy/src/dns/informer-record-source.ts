import type { EndpointSlice, Service } from '@skiff/api';
import type { IndexFunc, Informer } from '@skiff/client';
import { canonicalIP } from './ip-names';
import type { DnsEndpoint, DnsPort, DnsRecordSource, DnsService } from './record-source';

/** The label that ties an EndpointSlice to its Service. */
export const serviceNameLabel = 'kubernetes.io/service-name';

/** Index names this source adds to the informers it is given; prefixed so other users' indexes cannot clash. */
export const dnsSlicesByServiceIndex = 'dns/slicesByService';
export const dnsSlicesByAddressIndex = 'dns/slicesByAddress';
export const dnsServicesByClusterIPIndex = 'dns/servicesByClusterIP';

/** EndpointSlices filed under `namespace/service` from their service-name label. */
export const slicesByService: IndexFunc<EndpointSlice> = (slice) => {
  const service = slice.metadata.labels?.[serviceNameLabel];
  return service ? [`${slice.metadata.namespace ?? ''}/${service}`] : [];
};

/** EndpointSlices filed under every endpoint address they hold, for reverse lookups. */
export const slicesByAddress: IndexFunc<EndpointSlice> = (slice) => {
  if (slice.addressType === 'FQDN') return [];
  const ips = new Set<string>();
  for (const endpoint of slice.endpoints ?? []) for (const address of endpoint.addresses ?? []) ips.add(canonicalIP(address) ?? address);
  return [...ips];
};

/** Services filed under each of their cluster IPs. */
export const servicesByClusterIP: IndexFunc<Service> = (svc) => clusterIPsOf(svc).map((ip) => canonicalIP(ip) ?? ip);

function clusterIPsOf(svc: Service): string[] {
  const spec = svc.spec ?? {};
  if (spec.type === 'ExternalName') return [];
  const ips = spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  return ips.filter((ip) => ip && ip !== 'None');
}

/** The DNS view of a Service object. */
export function dnsServiceOf(svc: Service): DnsService {
  const spec = svc.spec ?? {};
  const externalName = spec.type === 'ExternalName' && spec.externalName ? spec.externalName : undefined;
  return {
    namespace: svc.metadata.namespace ?? '',
    name: svc.metadata.name ?? '',
    clusterIPs: externalName ? [] : clusterIPsOf(svc),
    headless: !externalName && spec.clusterIP === 'None',
    externalName,
    ports: (spec.ports ?? []).map((p) => ({ name: p.name ?? '', protocol: (p.protocol ?? 'TCP').toUpperCase(), port: p.port })),
    publishNotReadyAddresses: spec.publishNotReadyAddresses ?? false,
  };
}

/** The DNS view of the endpoints in one EndpointSlice; FQDN slices yield none. */
export function dnsEndpointsOf(slice: EndpointSlice): DnsEndpoint[] {
  if (slice.addressType === 'FQDN') return [];
  const ports: DnsPort[] = (slice.ports ?? [])
    .filter((p) => p.port !== undefined)
    .map((p) => ({ name: p.name ?? '', protocol: (p.protocol ?? 'TCP').toUpperCase(), port: p.port! }));
  return (slice.endpoints ?? []).map((e) => ({
    addresses: (e.addresses ?? []).map((a) => canonicalIP(a) ?? a),
    hostname: e.hostname || undefined,
    // A missing ready condition means ready (discovery/v1).
    ready: e.conditions?.ready ?? true,
    ports,
  }));
}

/**
 * Cluster DNS data read through the Service and EndpointSlice informers' listers. It adds the indexes it
 * needs to the informers, and notes the time of every change as the zone's SOA serial.
 */
export class InformerDnsRecordSource implements DnsRecordSource {
  private lastChange: number;

  constructor(
    private readonly servicesInformer: Informer<Service>,
    private readonly slicesInformer: Informer<EndpointSlice>,
    private readonly now: () => number = Date.now,
  ) {
    if (!servicesInformer.indexer.hasIndex(dnsServicesByClusterIPIndex)) servicesInformer.addIndexers({ [dnsServicesByClusterIPIndex]: servicesByClusterIP });
    const sliceIndexes = { [dnsSlicesByServiceIndex]: slicesByService, [dnsSlicesByAddressIndex]: slicesByAddress };
    const missing = Object.entries(sliceIndexes).filter(([name]) => !slicesInformer.indexer.hasIndex(name));
    if (missing.length) slicesInformer.addIndexers(Object.fromEntries(missing));
    this.lastChange = this.unixNow();
    const touch = () => {
      this.lastChange = this.unixNow();
    };
    const handlers = { onAdd: touch, onUpdate: touch, onDelete: touch };
    servicesInformer.addEventHandler(handlers);
    slicesInformer.addEventHandler(handlers);
  }

  service(namespace: string, name: string): DnsService | undefined {
    const svc = this.servicesInformer.lister.get(namespace, name);
    return svc ? dnsServiceOf(svc) : undefined;
  }

  endpoints(namespace: string, service: string): DnsEndpoint[] {
    return this.slicesInformer.lister.byIndex(dnsSlicesByServiceIndex, `${namespace}/${service}`).flatMap(dnsEndpointsOf);
  }

  namespaceHasServices(namespace: string): boolean {
    return this.servicesInformer.lister.listInNamespace(namespace).length > 0;
  }

  ownersOfIP(ip: string): { service: DnsService; endpoint?: DnsEndpoint }[] {
    const owners: { service: DnsService; endpoint?: DnsEndpoint }[] = [];
    for (const svc of this.servicesInformer.lister.byIndex(dnsServicesByClusterIPIndex, ip)) owners.push({ service: dnsServiceOf(svc) });
    for (const slice of this.slicesInformer.lister.byIndex(dnsSlicesByAddressIndex, ip)) {
      const serviceName = slice.metadata.labels?.[serviceNameLabel];
      const svc = serviceName ? this.servicesInformer.lister.get(slice.metadata.namespace ?? '', serviceName) : undefined;
      if (!svc) continue;
      const service = dnsServiceOf(svc);
      if (!service.headless) continue;
      for (const endpoint of dnsEndpointsOf(slice)) if (endpoint.addresses.includes(ip)) owners.push({ service, endpoint });
    }
    return owners;
  }

  serial(): number {
    return this.lastChange;
  }

  private unixNow(): number {
    return Math.floor(this.now() / 1000);
  }
}
