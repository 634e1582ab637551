import os from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { boolFlag, dnsNameFlag, durationFlag, ipv4Flag, isIPv4, parseProgramFlags, portFlag, UsageError, verbosityFlag } from '@skiff/client';

export { UsageError };

export interface ProxyOptions {
  kubeconfig?: string;
  nodeName: string;
  bindAddress: string;
  port: number;
  clusterCIDR: string;
  serviceCIDRs: string[];
  nodePortAddresses: string[];
  minSyncPeriodMs: number;
  syncPeriodMs: number;
  cleanup: boolean;
  dns: boolean;
  podRoutes: boolean;
  dnsAddress: string;
  dnsPort: number;
  clusterDomain: string;
  resolvConf: string;
  verbosity: number;
}

function cidrFlag(v: string): string {
  const [ip, bits] = v.split('/');
  if (!isIPv4(ip) || bits === undefined || !/^\d+$/.test(bits) || Number(bits) > 32) throw new InvalidArgumentError('must be an IPv4 CIDR such as 10.244.0.0/16');
  return v;
}

function cidrListFlag(v: string): string[] {
  return v
    .split(',')
    .filter(Boolean)
    .map((c) => cidrFlag(c.trim()));
}

export function proxyCommand(): Command {
  return new Command('skiff-proxy')
    .description('The Skiff service proxy: Service ClusterIPs and NodePorts through iptables, and cluster DNS, for one node')
    .option('--kubeconfig <path>', 'kubeconfig to reach the apiserver (default: KUBECONFIG, then ~/.kube/config)')
    .option('--hostname-override <name>', 'the Node this proxy runs on (default: the host name)', dnsNameFlag('node name'))
    .option('--bind-address <ip>', 'address for /healthz and /metrics', ipv4Flag, '127.0.0.1')
    .option('--port <port>', 'port for /healthz and /metrics (0 picks a free one)', portFlag, 10256)
    .option('--cluster-cidr <cidr>', 'the pods\' address range: traffic to services from outside it is masqueraded', cidrFlag, '10.244.0.0/16')
    .option('--service-cluster-ip-range <cidrs>', 'the ClusterIP ranges (the apiserver\'s): connections to an address or port in them that no Service holds are refused; "" turns this off', cidrListFlag, ['10.96.0.0/12'])
    .option('--nodeport-addresses <cidrs>', 'node addresses NodePorts answer on (default: every local address)', cidrListFlag, [])
    .option('--min-sync-period <duration>', 'changes within this period are applied in one sync', durationFlag, 1_000)
    .option('--sync-period <duration>', 'rules are re-rendered at least this often', durationFlag, 30_000)
    .option('--cleanup [bool]', 'remove every chain and rule the proxy owns, then exit', boolFlag, false)
    .option('--pod-routes [bool]', 'route each other node\'s pod range via its InternalIP (host-gw), following the Node objects', boolFlag, true)
    .option('--dns [bool]', 'answer cluster DNS on this node (the kube-dns Service is routed to it)', boolFlag, true)
    .option('--dns-address <ip>', 'the node-local address the DNS server listens on', ipv4Flag, '169.254.20.10')
    .option('--dns-port <port>', 'the DNS server port', portFlag, 53)
    .option('--cluster-domain <domain>', 'the cluster DNS domain', dnsNameFlag('domain'), 'cluster.local')
    .option('--resolv-conf <path>', 'upstream resolvers for names outside the cluster', '/etc/resolv.conf')
    .option('--v <level>', 'log verbosity: 0 info, 4+ debug', verbosityFlag, 0)
    .showHelpAfterError(false)
    .allowExcessArguments(false);
}

/** Parses argv (without node and script); undefined when --help was printed. Throws UsageError on bad flags. */
export function parseProxyFlags(argv: readonly string[], out?: (text: string) => void): ProxyOptions | undefined {
  const parsed = parseProgramFlags(proxyCommand(), argv, out);
  if (!parsed) return undefined;
  const o = parsed.opts;
  return {
    kubeconfig: o.kubeconfig,
    nodeName: o.hostnameOverride ?? os.hostname().toLowerCase(),
    bindAddress: o.bindAddress,
    port: o.port,
    clusterCIDR: o.clusterCidr,
    serviceCIDRs: o.serviceClusterIpRange,
    nodePortAddresses: o.nodeportAddresses,
    minSyncPeriodMs: o.minSyncPeriod,
    syncPeriodMs: o.syncPeriod,
    cleanup: o.cleanup === true,
    dns: o.dns !== false,
    podRoutes: o.podRoutes !== false,
    dnsAddress: o.dnsAddress,
    dnsPort: o.dnsPort,
    clusterDomain: o.clusterDomain,
    resolvConf: o.resolvConf,
    verbosity: o.v,
  };
}
