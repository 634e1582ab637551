import type { EndpointSlice, Service } from '@skiff/api';

/** The synthetic Services and EndpointSlices every part of the proxy benchmark works on. */

export const benchNamespace = 'default';
export const benchNodeName = 'bench-node';
export const endpointPort = 8080;
/** Endpoint addresses come from here (a range no node uses), so applied rules can be counted by their target. */
export const endpointRangePrefix = '10.250.';
export const serviceCIDR = '10.96.0.0/12';
export const benchClusterCIDR = '10.250.0.0/15';

function dotted(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function benchServiceName(i: number): string {
  return `bench-svc-${String(i).padStart(5, '0')}`;
}

/** Endpoint `j` of Service `i`, in 10.250.0.0/16 past its first 256 addresses. */
export function endpointIP(i: number, j: number, perService: number): string {
  return dotted((10 << 24) + (250 << 16) + 256 + i * perService + j);
}

/** The replacement address of the `k`th single-endpoint change, in 10.251.0.0/16. */
export function changedEndpointIP(k: number): string {
  return dotted((10 << 24) + (251 << 16) + 256 + k);
}

/** A ClusterIP for Service `i` when the rules are rendered without an apiserver to allocate one. */
export function localClusterIP(i: number): string {
  return dotted((10 << 24) + (96 << 16) + 1024 + i);
}

/** Service `i`: one TCP port named http; `clusterIP` unset lets the apiserver allocate one. */
export function benchService(i: number, clusterIP?: string): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace: benchNamespace, name: benchServiceName(i) },
    spec: { type: 'ClusterIP', ...(clusterIP ? { clusterIP, clusterIPs: [clusterIP] } : {}), ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: endpointPort }] },
  };
}

/** Service `i`'s one EndpointSlice of ready endpoints, as the EndpointSlice controller would write it. */
export function benchSlice(i: number, addresses: string[]): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { namespace: benchNamespace, name: `${benchServiceName(i)}-bench`, labels: { 'kubernetes.io/service-name': benchServiceName(i) } },
    addressType: 'IPv4',
    endpoints: addresses.map((ip) => ({ addresses: [ip], conditions: { ready: true, serving: true, terminating: false }, nodeName: benchNodeName })),
    ports: [{ name: 'http', protocol: 'TCP', port: endpointPort }],
  };
}

export function benchAddresses(i: number, perService: number): string[] {
  return Array.from({ length: perService }, (_, j) => endpointIP(i, j, perService));
}

/** How many DNAT rules of the restore text send traffic to addresses starting with `prefix`. */
export function dnatsTo(restoreText: string, prefix: string): number {
  return restoreText.split(`--to-destination ${prefix}`).length - 1;
}
