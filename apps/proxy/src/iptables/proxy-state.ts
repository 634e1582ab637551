/** What the rule renderer needs to know, already read out of Services and EndpointSlices. */

export type ServiceProtocol = 'tcp' | 'udp' | 'sctp';

/** One backend of one service port, with the EndpointSlice conditions kube-proxy looks at. */
export interface EndpointInfo {
  ip: string;
  port: number;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  /** The endpoint's pod runs on this node (for the Local traffic policies). */
  local: boolean;
}

/** One port of one proxied Service (headless and ExternalName services never get here). */
export interface ServicePortInfo {
  namespace: string;
  name: string;
  /** The Service port's name; '' for an unnamed port. */
  portName: string;
  protocol: ServiceProtocol;
  clusterIP: string;
  port: number;
  /** Set for NodePort and LoadBalancer services. */
  nodePort?: number;
  externalIPs: string[];
  /** Set when sessionAffinity is ClientIP. */
  affinityTimeoutSeconds?: number;
  /** externalTrafficPolicy Local (only meaningful when the port is reachable from outside). */
  externalPolicyLocal: boolean;
  /** internalTrafficPolicy Local. */
  internalPolicyLocal: boolean;
  /** Every endpoint the slices list for this port, in a stable order; the renderer picks the usable ones. */
  endpoints: EndpointInfo[];
}

/** Where the cluster DNS Service's port 53 is sent instead of to endpoints. */
export interface LocalDnsTarget {
  /** The kube-dns Service's ClusterIP. */
  clusterIP: string;
  /** The node-local listener. */
  address: string;
  port: number;
}

export interface ProxyState {
  services: ServicePortInfo[];
  /** Traffic to a ClusterIP from outside this range is masqueraded; unset means no such rule, as kube-proxy. */
  clusterCIDR?: string;
  /** CIDRs whose local addresses answer NodePorts; empty means every local address. */
  nodePortAddresses: string[];
  /** NodePorts also answer on 127.0.0.0/8 (needs net.ipv4.conf.all.route_localnet=1). */
  localhostNodePorts: boolean;
  localDns?: LocalDnsTarget;
  /**
   * The ranges ClusterIPs come from. A new connection still addressed into them after the nat table (no Service port
   * holds that address and port) is rejected, so it fails at once instead of following the default route off the node.
   */
  serviceCIDRs?: string[];
}

/** Whether NodePorts answer on loopback given the flags, as kube-proxy decides it. */
export function nodePortsOnLoopback(state: Pick<ProxyState, 'nodePortAddresses' | 'localhostNodePorts'>): boolean {
  if (!state.localhostNodePorts) return false;
  if (state.nodePortAddresses.length === 0) return true;
  return state.nodePortAddresses.some((cidr) => cidrContainsLoopback(cidr));
}

function cidrContainsLoopback(cidr: string): boolean {
  const [ip, bits] = cidr.split('/');
  const prefix = Number(bits);
  const first = Number(ip.split('.')[0]);
  // The CIDR overlaps 127.0.0.0/8 when both agree on the bits of the shorter prefix.
  if (prefix === 0) return true;
  if (prefix <= 8) return first >> (8 - prefix) === 127 >> (8 - prefix);
  return first === 127;
}
