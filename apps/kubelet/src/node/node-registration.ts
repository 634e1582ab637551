import { nodes, type Node, type Taint } from '@skiff/api';
import { isAlreadyExists, type KubeClient } from '@skiff/client';

export interface NodeRegistration {
  nodeName: string;
  architecture: string;
  operatingSystem: string;
  /** Extra labels from --node-labels. */
  labels: Record<string, string>;
  /** Taints from --register-with-taints, set only when the Node is first created. */
  taints: Taint[];
  /** A pod CIDR given on the command line; otherwise the node IPAM controller assigns one. */
  podCIDR?: string;
}

export function nodeLabels(r: NodeRegistration): Record<string, string> {
  return {
    'kubernetes.io/hostname': r.nodeName,
    'kubernetes.io/os': r.operatingSystem,
    'kubernetes.io/arch': r.architecture,
    'beta.kubernetes.io/os': r.operatingSystem,
    'beta.kubernetes.io/arch': r.architecture,
    ...r.labels,
  };
}

/**
 * Creates the kubelet's Node, or adopts the one already there (a restarted kubelet, or a node re-joining) and
 * makes sure its well-known labels are current. Returns the Node as stored.
 */
export async function registerNode(client: KubeClient, r: NodeRegistration): Promise<Node> {
  const labels = nodeLabels(r);
  const podCIDR = r.podCIDR ? { podCIDR: r.podCIDR, podCIDRs: [r.podCIDR] } : {};
  try {
    return await client.create<Node>(nodes, undefined, {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: r.nodeName, labels },
      spec: { ...podCIDR, ...(r.taints.length ? { taints: r.taints } : {}) },
    });
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
  }
  const existing = await client.get<Node>(nodes, undefined, r.nodeName);
  const stale = Object.entries(labels).some(([k, v]) => existing.metadata.labels?.[k] !== v);
  const needsCIDR = r.podCIDR && !existing.spec?.podCIDR;
  if (!stale && !needsCIDR) return existing;
  return client.patch<Node>(nodes, undefined, r.nodeName, 'merge', { metadata: { labels }, ...(needsCIDR ? { spec: podCIDR } : {}) });
}
