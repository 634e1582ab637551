import {
  endpointChain,
  externalChain,
  filterExternalServicesChain,
  filterFirewallChain,
  filterForwardChain,
  filterServicesChain,
  isPerServiceChain,
  localServiceChain,
  masqueradeMark,
  natMarkMasqChain,
  natNodePortsChain,
  natPostroutingChain,
  natServicesChain,
  serviceChain,
  servicePortName,
} from './chain-names';
import { nodePortsOnLoopback, type EndpointInfo, type ProxyState, type ServicePortInfo } from './proxy-state';

/** Chains of ours that exist in the kernel (or that the last render made), per table. */
export interface ExistingChains {
  nat: Iterable<string>;
  filter: Iterable<string>;
}

export interface RenderedRules {
  /** `iptables-restore --noflush` input for the filter and nat tables. */
  text: string;
  /** The text without stale-chain deletions: two renders with equal signatures install the same rules. */
  signature: string;
  /** `-A` lines per table. */
  ruleCount: { nat: number; filter: number };
  /** The chains this render declares (and so owns until the next one). */
  chains: { nat: string[]; filter: string[] };
  /** Per-service chains of an earlier render that this one flushes and deletes. */
  deletedChains: string[];
}

/** Past this many endpoints kube-proxy drops the comments on per-endpoint rules to keep the restore small. */
const largeClusterEndpoints = 1000;

const nodePortsComment = 'skiff service nodeports; NOTE: this must be the last rule in this chain';
const localDnsComment = 'cluster DNS to the node-local listener';
const serviceRangeComment = 'skiff service IP or port that no Service holds';
const loopbackCIDR = '127.0.0.0/8';

/** One table's restore section: chain declarations, rules, then deletions of stale chains. */
class TableSection {
  readonly chains: string[] = [];
  readonly rules: string[] = [];
  readonly deleted: string[] = [];

  declare(chain: string): void {
    this.chains.push(chain);
  }

  rule(...args: string[]): void {
    this.rules.push(args.join(' '));
  }

  deleteStale(existing: Iterable<string>): void {
    const active = new Set(this.chains);
    this.deleted.push(...[...new Set(existing)].filter((c) => isPerServiceChain(c) && !active.has(c)).sort());
  }

  render(name: string, withDeletions: boolean): string {
    const declared = withDeletions ? [...this.chains, ...this.deleted] : this.chains;
    return [
      `*${name}`,
      ...declared.map((c) => `:${c} - [0:0]`),
      ...this.rules,
      ...(withDeletions ? this.deleted.map((c) => `-X ${c}`) : []),
      'COMMIT',
      '',
    ].join('\n');
  }
}

/** A comment match; iptables-restore splits on spaces unless the text is quoted. */
function comment(text: string): string[] {
  return ['-m', 'comment', '--comment', /\s/.test(text) ? `"${text}"` : text];
}

/** kube-proxy's formatting of 1/n: ten decimals. */
export function probability(n: number): string {
  return (1 / n).toFixed(10);
}

/** Ready endpoints, or (as kube-proxy does when none is ready) those still serving while terminating. */
function usableEndpoints(endpoints: EndpointInfo[], keep: (ep: EndpointInfo) => boolean = () => true): EndpointInfo[] {
  const ready = endpoints.filter((ep) => ep.ready && keep(ep));
  return ready.length > 0 ? ready : endpoints.filter((ep) => ep.serving && ep.terminating && keep(ep));
}

/**
 * Renders the whole of the proxy's iptables state: kube-proxy's iptables-mode layout under SKIFF- names.
 * Pure: the same state and existing chains always give the same text.
 */
export function renderRules(state: ProxyState, existing: ExistingChains = { nat: [], filter: [] }): RenderedRules {
  const filter = new TableSection();
  const nat = new TableSection();
  for (const c of [filterServicesChain, filterExternalServicesChain, filterForwardChain, filterFirewallChain]) filter.declare(c);
  for (const c of [natServicesChain, natNodePortsChain, natPostroutingChain, natMarkMasqChain]) nat.declare(c);

  if (state.clusterCIDR) {
    // What pods send out of the cluster's range leaves with the node's address; between pods, on this node or
    // another, nothing is translated (the network model has no NAT between pods). Kubelets run with
    // --cni-masquerade=false next to this, or the bridge plugin would masquerade pod-to-pod traffic across nodes too.
    nat.rule('-A', natPostroutingChain, ...comment('skiff pod traffic leaving the cluster network'), '-s', state.clusterCIDR, '!', '-d', state.clusterCIDR, '-m', 'addrtype', '!', '--dst-type', 'LOCAL', '-m', 'mark', '!', '--mark', `${masqueradeMark}/${masqueradeMark}`, '-j', 'MASQUERADE');
  }
  nat.rule('-A', natPostroutingChain, '-m', 'mark', '!', '--mark', `${masqueradeMark}/${masqueradeMark}`, '-j', 'RETURN');
  // Clearing the mark keeps a packet that passes through the stack again from being masqueraded twice.
  nat.rule('-A', natPostroutingChain, '-j', 'MARK', '--xor-mark', masqueradeMark);
  nat.rule('-A', natPostroutingChain, ...comment('skiff service traffic requiring SNAT'), '-j', 'MASQUERADE', '--random-fully');
  nat.rule('-A', natMarkMasqChain, '-j', 'MARK', '--or-mark', masqueradeMark);

  const loopbackNodePorts = nodePortsOnLoopback(state);
  if (loopbackNodePorts) {
    // route_localnet lets outside hosts reach 127.0.0.0/8 services; only DNATed traffic may (kube-proxy's CVE-2020-8558 fix).
    filter.rule('-A', filterFirewallChain, ...comment('block incoming localnet connections'), '-d', loopbackCIDR, '!', '-s', loopbackCIDR, '-m', 'conntrack', '!', '--ctstate', 'RELATED,ESTABLISHED,DNAT', '-j', 'DROP');
  }

  if (state.localDns) {
    const { clusterIP, address, port } = state.localDns;
    for (const protocol of ['udp', 'tcp']) {
      nat.rule('-A', natServicesChain, ...comment(localDnsComment), '-m', protocol, '-p', protocol, '-d', clusterIP, '--dport', '53', '-j', 'DNAT', '--to-destination', `${address}:${port}`);
    }
  }

  const services = state.services
    .filter((svc) => !isLocalDnsPort(svc, state))
    .sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
  const totalEndpoints = services.reduce((n, svc) => n + svc.endpoints.length, 0);
  const ctx: ServiceContext = { nat, filter, clusterCIDR: state.clusterCIDR, endpointComments: totalEndpoints <= largeClusterEndpoints };
  for (const svc of services) renderServicePort(svc, ctx);
  // Last in the chain: the rules above have had their say about the service ports that exist.
  for (const cidr of state.serviceCIDRs ?? []) {
    filter.rule('-A', filterServicesChain, ...comment(serviceRangeComment), '-d', cidr, '-j', 'REJECT');
  }

  renderNodePortsJump(nat, state, loopbackNodePorts);

  filter.rule('-A', filterForwardChain, '-m', 'conntrack', '--ctstate', 'INVALID', '-j', 'DROP');
  // Marked traffic is service traffic; accepting it lets NodePorts work when FORWARD's policy is DROP.
  filter.rule('-A', filterForwardChain, ...comment('skiff forwarding rules'), '-m', 'mark', '--mark', `${masqueradeMark}/${masqueradeMark}`, '-j', 'ACCEPT');
  filter.rule('-A', filterForwardChain, ...comment('skiff forwarding conntrack rule'), '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT');

  nat.deleteStale(existing.nat);
  filter.deleteStale(existing.filter);
  return {
    text: filter.render('filter', true) + nat.render('nat', true),
    signature: filter.render('filter', false) + nat.render('nat', false),
    ruleCount: { nat: nat.rules.length, filter: filter.rules.length },
    chains: { nat: [...nat.chains], filter: [...filter.chains] },
    deletedChains: [...filter.deleted, ...nat.deleted],
  };
}

interface ServiceContext {
  nat: TableSection;
  filter: TableSection;
  clusterCIDR?: string;
  endpointComments: boolean;
}

function sortKey(svc: ServicePortInfo): string {
  return `${svc.namespace}/${svc.name}:${svc.portName}/${svc.protocol}`;
}

/** The cluster DNS Service's port 53 goes to the node-local listener, not to endpoints. */
function isLocalDnsPort(svc: ServicePortInfo, state: ProxyState): boolean {
  return !!state.localDns && svc.clusterIP === state.localDns.clusterIP && svc.port === 53 && (svc.protocol === 'udp' || svc.protocol === 'tcp');
}

function renderServicePort(svc: ServicePortInfo, ctx: ServiceContext): void {
  const { nat, filter } = ctx;
  const name = servicePortName(svc.namespace, svc.name, svc.portName);
  const proto = svc.protocol;
  const svcChain = serviceChain(name, proto);
  const svlChain = localServiceChain(name, proto);
  const extChain = externalChain(name, proto);
  const externallyAccessible = svc.nodePort !== undefined || svc.externalIPs.length > 0;
  const externalPolicyLocal = externallyAccessible && svc.externalPolicyLocal;
  // Cluster-wide endpoints also serve the short-circuit for pod and node traffic to external destinations.
  const usesCluster = !svc.internalPolicyLocal || externallyAccessible;
  const usesLocal = svc.internalPolicyLocal || externalPolicyLocal;

  const clusterEndpoints = usesCluster ? usableEndpoints(svc.endpoints) : [];
  const localEndpoints = usesLocal ? usableEndpoints(svc.endpoints, (ep) => ep.local) : [];
  const hasEndpoints = usesCluster ? clusterEndpoints.length > 0 : usableEndpoints(svc.endpoints).length > 0;
  const used = new Set([...clusterEndpoints, ...localEndpoints]);
  const reachable = svc.endpoints.filter((ep) => used.has(ep));

  const internalChain = svc.internalPolicyLocal ? svlChain : svcChain;
  const hasInternal = hasEndpoints && (!svc.internalPolicyLocal || localEndpoints.length > 0);
  const externalPolicyChain = externalPolicyLocal ? svlChain : svcChain;
  const hasExternal = hasEndpoints && (!externalPolicyLocal || localEndpoints.length > 0);

  // No endpoints anywhere: REJECT, so clients fail fast. Endpoints elsewhere but none here under a Local policy: DROP.
  const noEndpoints = { target: 'REJECT', comment: `${name} has no endpoints` };
  const noLocal = { target: 'DROP', comment: `${name} has no local endpoints` };
  const reject = hasEndpoints ? noLocal : noEndpoints;
  const match = ['-m', proto, '-p', proto];
  const clusterIPMatch = [...match, '-d', svc.clusterIP, '--dport', String(svc.port)];

  if (hasInternal) nat.rule('-A', natServicesChain, ...comment(`${name} cluster IP`), ...clusterIPMatch, '-j', internalChain);
  else filter.rule('-A', filterServicesChain, ...comment(reject.comment), ...clusterIPMatch, '-j', reject.target);

  for (const ip of svc.externalIPs) {
    const ipMatch = [...match, '-d', ip, '--dport', String(svc.port)];
    if (hasEndpoints) nat.rule('-A', natServicesChain, ...comment(`${name} external IP`), ...ipMatch, '-j', extChain);
    if (!hasExternal) filter.rule('-A', filterExternalServicesChain, ...comment(reject.comment), ...ipMatch, '-j', reject.target);
  }

  if (svc.nodePort !== undefined) {
    const portMatch = [...match, '--dport', String(svc.nodePort)];
    if (hasEndpoints) nat.rule('-A', natNodePortsChain, ...comment(name), ...portMatch, '-j', extChain);
    if (!hasExternal) {
      filter.rule('-A', filterExternalServicesChain, ...comment(reject.comment), '-m', 'addrtype', '--dst-type', 'LOCAL', ...portMatch, '-j', reject.target);
    }
  }

  // Traffic to the ClusterIP from outside the pod network is masqueraded so replies come back through this node.
  if (hasInternal && ctx.clusterCIDR) {
    nat.rule('-A', internalChain, ...comment(`${name} cluster IP`), ...clusterIPMatch, '!', '-s', ctx.clusterCIDR, '-j', natMarkMasqChain);
  }

  if (hasEndpoints && externallyAccessible) {
    nat.declare(extChain);
    if (!externalPolicyLocal) {
      nat.rule('-A', extChain, ...comment(`masquerade traffic for ${name} external destinations`), '-j', natMarkMasqChain);
    } else {
      // Pods and the node itself reach external destinations through every endpoint, as if via an outside load balancer.
      if (ctx.clusterCIDR) nat.rule('-A', extChain, ...comment(`pod traffic for ${name} external destinations`), '-s', ctx.clusterCIDR, '-j', svcChain);
      nat.rule('-A', extChain, ...comment(`masquerade LOCAL traffic for ${name} external destinations`), '-m', 'addrtype', '--src-type', 'LOCAL', '-j', natMarkMasqChain);
      nat.rule('-A', extChain, ...comment(`route LOCAL traffic for ${name} external destinations`), '-m', 'addrtype', '--src-type', 'LOCAL', '-j', svcChain);
    }
    if (hasExternal) nat.rule('-A', extChain, '-j', externalPolicyChain);
  }

  if (clusterEndpoints.length > 0) {
    nat.declare(svcChain);
    renderSpreadRules(svc, name, svcChain, clusterEndpoints, ctx);
  }
  if (localEndpoints.length > 0) {
    nat.declare(svlChain);
    renderSpreadRules(svc, name, svlChain, localEndpoints, ctx);
  }

  for (const ep of reachable) {
    const sep = endpointChain(name, proto, `${ep.ip}:${ep.port}`);
    const named = ctx.endpointComments ? comment(name) : [];
    nat.declare(sep);
    // A pod reaching itself through its Service: without SNAT it would answer itself directly and drop the reply.
    nat.rule('-A', sep, ...named, '-s', ep.ip, '-j', natMarkMasqChain);
    const affinity = svc.affinityTimeoutSeconds !== undefined ? ['-m', 'recent', '--name', sep, '--set'] : [];
    nat.rule('-A', sep, ...named, ...affinity, ...match, '-j', 'DNAT', '--to-destination', `${ep.ip}:${ep.port}`);
  }
}

/** ClientIP affinity first (a client seen recently goes back to its endpoint), then an even random spread. */
function renderSpreadRules(svc: ServicePortInfo, name: string, chain: string, endpoints: EndpointInfo[], ctx: ServiceContext): void {
  const sepOf = (ep: EndpointInfo) => endpointChain(name, svc.protocol, `${ep.ip}:${ep.port}`);
  const named = (ep: EndpointInfo) => (ctx.endpointComments ? comment(`${name} -> ${ep.ip}:${ep.port}`) : []);
  if (svc.affinityTimeoutSeconds !== undefined) {
    for (const ep of endpoints) {
      ctx.nat.rule('-A', chain, ...named(ep), '-m', 'recent', '--name', sepOf(ep), '--rcheck', '--seconds', String(svc.affinityTimeoutSeconds), '--reap', '-j', sepOf(ep));
    }
  }
  endpoints.forEach((ep, i) => {
    // Each rule takes 1/(endpoints left) of what reaches it, so every endpoint gets an equal share; the last takes the rest.
    const spread = i < endpoints.length - 1 ? ['-m', 'statistic', '--mode', 'random', '--probability', probability(endpoints.length - i)] : [];
    ctx.nat.rule('-A', chain, ...named(ep), ...spread, '-j', sepOf(ep));
  });
}

/** The last rule of SKIFF-SERVICES: anything else addressed to this node may be a NodePort. */
function renderNodePortsJump(nat: TableSection, state: ProxyState, loopbackNodePorts: boolean): void {
  const matchAll = state.nodePortAddresses.length === 0 || state.nodePortAddresses.includes('0.0.0.0/0');
  if (matchAll) {
    nat.rule('-A', natServicesChain, ...comment(nodePortsComment), '-m', 'addrtype', '--dst-type', 'LOCAL', ...(loopbackNodePorts ? [] : ['!', '-d', loopbackCIDR]), '-j', natNodePortsChain);
    return;
  }
  if (!loopbackNodePorts && state.nodePortAddresses.some((cidr) => nodePortsOnLoopback({ nodePortAddresses: [cidr], localhostNodePorts: true }))) {
    nat.rule('-A', natServicesChain, ...comment('skiff service nodeports are not served on loopback'), '-d', loopbackCIDR, '-j', 'RETURN');
  }
  // Matching local addresses inside each CIDR follows address changes without a resync.
  for (const cidr of state.nodePortAddresses) {
    nat.rule('-A', natServicesChain, ...comment(nodePortsComment), '-d', cidr, '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', natNodePortsChain);
  }
}
