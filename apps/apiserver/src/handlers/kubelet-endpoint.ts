import type { Node } from '@skiff/api';
import { registryByName, type ApiContext } from './api-context';
import { internal } from './status-error';

export interface KubeletEndpoint {
  host: string;
  port: number;
}

export const defaultKubeletPort = 10250;

/** Which of a node's addresses the apiserver dials its kubelet on, best first. */
const preferredAddressTypes = ['InternalIP', 'Hostname', 'InternalDNS', 'ExternalIP', 'ExternalDNS'];

/** Where the kubelet of `nodeName` listens: a preferred status address and the reported kubelet port. */
export async function kubeletEndpointOf(ctx: ApiContext, nodeName: string): Promise<KubeletEndpoint> {
  const node = (await registryByName(ctx, '', 'v1', 'nodes').get(undefined, nodeName)) as Node;
  const addresses = node.status?.addresses ?? [];
  for (const type of preferredAddressTypes) {
    const found = addresses.find((a) => a.type === type && a.address);
    if (found) return { host: found.address, port: node.status?.daemonEndpoints?.kubeletEndpoint?.Port || defaultKubeletPort };
  }
  const known = addresses.map((a) => `${a.type}:${a.address}`).join(' ');
  throw internal(`no preferred addresses found for node "${nodeName}"; known addresses: [${known}]`);
}
