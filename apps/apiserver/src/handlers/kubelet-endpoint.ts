import type { Node } from '@skiff/api';
import { registryByName, type ApiContext } from './api-context';
import { internal } from './status-error';

/** The apiserver's credentials towards kubelets (`--kubelet-client-certificate` and the flags around it). */
export interface KubeletClientTls {
  certPem: string;
  keyPem: string;
  /** `--kubelet-certificate-authority`: kubelets' serving certificates are verified against it; without it they are not, as in Kubernetes. */
  caPem?: string;
}

export interface KubeletClientConfig {
  /** HTTPS with a client certificate; without it kubelets are dialled over plain HTTP. */
  tls?: KubeletClientTls;
  /** `--kubelet-preferred-address-types`: which of a node's addresses to dial, best first. */
  preferredAddressTypes?: readonly string[];
}

export interface KubeletEndpoint {
  host: string;
  port: number;
  tls?: KubeletClientTls;
}

export const defaultKubeletPort = 10250;

export const nodeAddressTypes = ['Hostname', 'InternalDNS', 'InternalIP', 'ExternalDNS', 'ExternalIP'] as const;

/** Which of a node's addresses the apiserver dials its kubelet on, best first, unless told otherwise. */
export const defaultPreferredAddressTypes = ['InternalIP', 'Hostname', 'InternalDNS', 'ExternalIP', 'ExternalDNS'];

/** Where the kubelet of `nodeName` listens: a preferred status address and the reported kubelet port. */
export async function kubeletEndpointOf(ctx: ApiContext, nodeName: string): Promise<KubeletEndpoint> {
  const node = (await registryByName(ctx, '', 'v1', 'nodes').get(undefined, nodeName)) as Node;
  const addresses = node.status?.addresses ?? [];
  for (const type of ctx.kubeletClient?.preferredAddressTypes ?? defaultPreferredAddressTypes) {
    const found = addresses.find((a) => a.type === type && a.address);
    if (found) {
      const endpoint: KubeletEndpoint = { host: found.address, port: node.status?.daemonEndpoints?.kubeletEndpoint?.Port || defaultKubeletPort };
      if (ctx.kubeletClient?.tls) endpoint.tls = ctx.kubeletClient.tls;
      return endpoint;
    }
  }
  const known = addresses.map((a) => `${a.type}:${a.address}`).join(' ');
  throw internal(`no preferred addresses found for node "${nodeName}"; known addresses: [${known}]`);
}
