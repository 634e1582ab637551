import type { Node } from '@skiff/api';

/** A route to another node's pod range through that node's address on a shared link (host-gw). */
export interface PodRoute {
  /** The other node's spec.podCIDR. */
  cidr: string;
  /** That node's InternalIP. */
  via: string;
  /** The node the route leads to, for logs. */
  node: string;
}

const ipv4Cidr = /^(\d{1,3})(\.\d{1,3}){3}\/\d{1,2}$/;
const ipv4Address = /^(\d{1,3})(\.\d{1,3}){3}$/;

function internalIPv4(node: Node): string | undefined {
  return node.status?.addresses?.find((a) => a.type === 'InternalIP' && ipv4Address.test(a.address))?.address;
}

function podCIDRsOf(node: Node): string[] {
  const spec = node.spec ?? {};
  const all = spec.podCIDRs?.length ? spec.podCIDRs : spec.podCIDR ? [spec.podCIDR] : [];
  return all.filter((c) => ipv4Cidr.test(c));
}

/**
 * The routes this node needs to reach every other node's pods without an overlay: each other node's IPv4 pod
 * ranges via its InternalIP. Nodes without a range or an IPv4 InternalIP yet, and nodes whose InternalIP is one of
 * this node's own addresses or loopback (hollow nodes, a second kubelet on this host) get none, since a route via
 * ourselves would loop. Sorted by CIDR, so equal inputs give equal lists.
 */
export function desiredPodRoutes(nodes: readonly Node[], selfName: string, ownAddresses: ReadonlySet<string>): PodRoute[] {
  const self = nodes.find((n) => n.metadata.name === selfName);
  const ownRanges = new Set(self ? podCIDRsOf(self) : []);
  const routes = new Map<string, PodRoute>();
  for (const node of nodes) {
    const name = node.metadata.name ?? '';
    if (name === selfName) continue;
    const via = internalIPv4(node);
    if (!via || via.startsWith('127.') || ownAddresses.has(via)) continue;
    for (const cidr of podCIDRsOf(node)) {
      // Two nodes claiming one range is the IPAM controller's bug to fix; the first (by name) keeps it meanwhile.
      if (ownRanges.has(cidr) || routes.has(cidr)) continue;
      routes.set(cidr, { cidr, via, node: name });
    }
  }
  return [...routes.values()].sort((a, b) => (a.cidr < b.cidr ? -1 : a.cidr > b.cidr ? 1 : 0));
}
