import type { CommandRunner } from './iptables/host-commands';

/**
 * How pods reach the node's own DNS listener: the kube-dns ClusterIP:53 is DNATed to a link-local address, as
 * node-local-dns does, held on the node's loopback device so that no outside interface carries it and no
 * route_localnet is needed. Pods behind the bridge and the node itself both reach it (tried in namespaces); the
 * project's kernels lack the `dummy` link type node-local-dns uses, so `lo` holds the address.
 */
export const nodeLocalDnsAddress = '169.254.20.10';

/** Lets DNATed traffic from other interfaces reach 127.0.0.0/8 (NodePorts on localhost). */
export const routeLocalnetSysctl = 'net.ipv4.conf.all.route_localnet';

/*
 * The service range needs no route of its own: pod traffic is DNATed in PREROUTING before routing, and the node's
 * own in OUTPUT after a first lookup that any route (the default one) satisfies. What no rule DNATs would follow the
 * default route off the node; the filter rule for --service-cluster-ip-range refuses it first. Routing the range to
 * the pod bridge instead is worse: unanswered ARP makes such connections hang, and the ICMP redirects the node then
 * sends to pods share a rate limit with the port-unreachables of REJECT rules, so refusals get lost.
 */

/** Bridged pod traffic must pass iptables, or a ClusterIP pointing at a pod on the same bridge hangs. */
export const bridgeCallIptablesSysctl = 'net.bridge.bridge-nf-call-iptables';

/** Sets a sysctl by writing its /proc/sys file (through `sh`, so a command prefix such as `ip netns exec` applies). */
export async function setSysctl(run: CommandRunner, name: string, value: string): Promise<void> {
  if (!/^[a-z0-9_.-]+$/i.test(name) || !/^[0-9]+$/.test(value)) throw new Error(`refusing to set sysctl ${name}=${value}`);
  const file = `/proc/sys/${name.replace(/\./g, '/')}`;
  const r = await run('sh', ['-c', 'printf %s "$2" > "$1"', 'sh', file, value]);
  if (r.code !== 0) throw new Error(`cannot set ${name}=${value}: ${r.stderr.trim() || `exit code ${r.code}`}`);
}

/** Puts the node-local DNS address on `lo` (idempotent) so the DNS server can bind it. */
export async function ensureLocalDnsAddress(run: CommandRunner, address = nodeLocalDnsAddress): Promise<void> {
  const r = await run('ip', ['address', 'replace', `${address}/32`, 'dev', 'lo']);
  if (r.code !== 0) throw new Error(`cannot add ${address}/32 to lo: ${r.stderr.trim() || `exit code ${r.code}`}`);
}

/** Takes the node-local DNS address off `lo` again (for --cleanup); an address already gone is fine. */
export async function removeLocalDnsAddress(run: CommandRunner, address = nodeLocalDnsAddress): Promise<boolean> {
  const r = await run('ip', ['address', 'del', `${address}/32`, 'dev', 'lo']);
  return r.code === 0;
}
