import { filterExternalServicesChain, filterFirewallChain, filterForwardChain, filterServicesChain, natPostroutingChain, natServicesChain } from './chain-names';

export type Table = 'nat' | 'filter';

/** A rule in a built-in chain that jumps into one of ours; restores never touch built-in chains, so these are ensured one by one. */
export interface JumpRule {
  table: Table;
  from: string;
  to: string;
  /** The rule's match and target arguments, exactly as given to `-C`, `-I` and `-D`. */
  args: string[];
}

function jump(table: Table, from: string, to: string, comment: string, extra: string[] = []): JumpRule {
  return { table, from, to, args: [...extra, '-m', 'comment', '--comment', comment, '-j', to] };
}

const newConnections = ['-m', 'conntrack', '--ctstate', 'NEW'];

/** kube-proxy's jumps, under Skiff's chain names. */
export const jumpRules: readonly JumpRule[] = [
  jump('filter', 'INPUT', filterExternalServicesChain, 'skiff externally-visible service portals', newConnections),
  jump('filter', 'FORWARD', filterExternalServicesChain, 'skiff externally-visible service portals', newConnections),
  jump('filter', 'FORWARD', filterServicesChain, 'skiff service portals', newConnections),
  jump('filter', 'OUTPUT', filterServicesChain, 'skiff service portals', newConnections),
  jump('filter', 'FORWARD', filterForwardChain, 'skiff forwarding rules'),
  jump('filter', 'INPUT', filterFirewallChain, 'skiff localnet firewall'),
  jump('filter', 'OUTPUT', filterFirewallChain, 'skiff localnet firewall'),
  jump('nat', 'OUTPUT', natServicesChain, 'skiff service portals'),
  jump('nat', 'PREROUTING', natServicesChain, 'skiff service portals'),
  jump('nat', 'POSTROUTING', natPostroutingChain, 'skiff postrouting rules'),
];
