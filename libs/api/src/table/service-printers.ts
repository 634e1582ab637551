import type { Endpoints } from '../core/v1/endpoints';
import type { Service } from '../core/v1/service';
import type { EndpointSlice } from '../discovery/v1/endpoint-slice';
import { formatLabels, joinHostPort, listWithMore } from './cell-format';
import { ageColumn, ageOf, column, nameColumn, wideColumn, type TablePrinter } from './table-printer';

/** Load-balancer ingress points: IPs, else hostnames, each once, sorted. */
function loadBalancerAddresses(svc: Service): string[] {
  const found = new Set<string>();
  for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
    if (ing.ip) found.add(ing.ip);
    else if (ing.hostname) found.add(ing.hostname);
  }
  return [...found].sort();
}

function externalIPOf(svc: Service): string {
  const externalIPs = svc.spec?.externalIPs ?? [];
  switch (svc.spec?.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const all = [...loadBalancerAddresses(svc), ...externalIPs];
      return all.length ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return svc.spec?.externalName ?? '';
    default:
      return '<unknown>';
  }
}

/** `80/TCP`, `80:30080/TCP` for a node port, comma-separated. */
export function servicePorts(svc: Service): string {
  const ports = (svc.spec?.ports ?? []).map((p) => {
    const protocol = p.protocol ?? 'TCP';
    return p.nodePort ? `${p.port}:${p.nodePort}/${protocol}` : `${p.port}/${protocol}`;
  });
  return ports.length ? ports.join(',') : '<none>';
}

export const servicePrinter: TablePrinter<Service> = {
  columns: [
    nameColumn,
    column('Type', 'string', 'How the service is exposed: ClusterIP, NodePort, LoadBalancer or ExternalName.'),
    column('Cluster-IP', 'string', 'The IP address of the service, allocated by the control plane.'),
    column('External-IP', 'string', 'IP addresses (or the name) the service is reachable at from outside the cluster.'),
    column('Port(s)', 'string', 'The ports that are exposed by this service.'),
    ageColumn,
    wideColumn('Selector', 'string', 'Route service traffic to pods with label keys and values matching this selector.'),
  ],
  cells(svc, now) {
    const clusterIP = svc.spec?.clusterIPs?.[0] || svc.spec?.clusterIP;
    return [
      svc.metadata.name,
      svc.spec?.type ?? '',
      clusterIP || '<none>',
      externalIPOf(svc),
      servicePorts(svc),
      ageOf(svc, now),
      formatLabels(svc.spec?.selector),
    ];
  },
};

/** `10.0.0.1:80,10.0.0.2:80 + 3 more...`: every address at every port, at most three shown. */
export function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (!subsets.length) return '<none>';
  const all: string[] = [];
  for (const subset of subsets) {
    const addresses = subset.addresses ?? [];
    const ports = subset.ports ?? [];
    // Headless services may have no ports: then only the addresses are listed.
    if (!ports.length) for (const a of addresses) all.push(a.ip);
    for (const port of ports) for (const a of addresses) all.push(joinHostPort(a.ip, port.port));
  }
  return listWithMore(all, 3);
}

export const endpointsPrinter: TablePrinter<Endpoints> = {
  columns: [nameColumn, column('Endpoints', 'string', 'The set of addresses and ports of the endpoints.'), ageColumn],
  cells(ep, now) {
    return [ep.metadata.name, formatEndpoints(ep), ageOf(ep, now)];
  },
};

function orUnset(text: string): string {
  return text || '<unset>';
}

export const endpointSlicePrinter: TablePrinter<EndpointSlice> = {
  columns: [
    nameColumn,
    column('AddressType', 'string', 'The type of address carried by this EndpointSlice.'),
    column('Ports', 'string', 'The network ports exposed by each endpoint in this slice.'),
    column('Endpoints', 'string', 'The addresses of the endpoints in this slice.'),
    ageColumn,
  ],
  cells(slice, now) {
    const ports = (slice.ports ?? []).map((p) => (p.port !== undefined && p.port !== null ? String(p.port) : p.name ?? '*'));
    const addresses = (slice.endpoints ?? []).flatMap((e) => e.addresses ?? []);
    return [slice.metadata.name, slice.addressType, orUnset(listWithMore(ports, 3)), orUnset(listWithMore(addresses, 3)), ageOf(slice, now)];
  },
};
