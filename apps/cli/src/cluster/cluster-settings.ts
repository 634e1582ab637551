import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import type { ClusterPaths } from './cluster-paths';

/** The ports of one control-plane member of `skiff up --ha`: its apiserver and its etcd member. */
export interface MemberPorts {
  apiPort: number;
  etcdPort: number;
  etcdPeerPort: number;
}

/** How many control-plane members `skiff up --ha` runs: three etcd members outlive the loss of one. */
export const haMemberCount = 3;

/** What stays the same from one `skiff up` of a data directory to the next (kept in DIR/cluster.json). */
export interface ClusterSettings {
  /** The apiserver's port; with `ha`, that of the load balancer in front of the members' apiservers. */
  apiPort: number;
  /** The (first) etcd member's client and peer ports. */
  etcdPort: number;
  etcdPeerPort: number;
  /** Set by `skiff up --ha`: the control plane is several members on this machine behind one address (apiPort). */
  ha?: { members: MemberPorts[] };
  registryPort: number;
  nodeName: string;
  /** The node's pod range, on its CNI bridge; '' on a joined node, whose range the node IPAM controller assigns. */
  podCIDR: string;
  /** The range all pods come from (the controller-manager's and the proxy's --cluster-cidr). */
  clusterCIDR: string;
  cniBridge: string;
  /**
   * `--advertise-address`: the host's address other machines reach the apiserver and the node on (the node's
   * InternalIP); unset for a cluster that is only this machine.
   */
  advertiseAddress?: string;
  /** `--node-monitor-grace-period` for the controller-manager (Go duration): how long a silent node stays Ready. */
  nodeMonitorGracePeriod?: string;
  /**
   * `--control-plane-endpoint` (host:port): the one address nodes and clients use for the apiservers of several
   * control-plane machines, usually a load balancer; cluster-info names it and the apiserver's certificate covers it.
   */
  controlPlaneEndpoint?: string;
  /**
   * Set on a control-plane machine that `skiff join --control-plane` added: its etcd member's name, and the cluster it
   * was added to (every member's name=peerURL), which its first start joins.
   */
  etcdMember?: {
    name: string;
    initialCluster: string;
    /** The other members' client URLs it was added through (as a learner), and whether it has its vote since. */
    addedThrough: string[];
    promoted?: boolean;
  };
  /** Set on a node that `skiff join` added to a cluster elsewhere: it runs no control plane of its own. */
  joined?: { server: string };
  /** net.ipv4.conf.all.route_localnet before skiff-proxy first changed it; `skiff down --wipe` puts it back. */
  routeLocalnetBefore?: string;
}

/** The `skiff up` flags that choose settings; unset ones keep the recorded value, else the default. */
export interface SettingsFlags {
  apiPort?: number;
  etcdPort?: number;
  registryPort?: number;
  nodeName?: string;
  podCidr?: string;
  cniBridge?: string;
  advertiseAddress?: string;
  nodeMonitorGracePeriod?: string;
  controlPlaneEndpoint?: string;
  /** Several control-plane members behind a load balancer; a data directory that had it keeps it. */
  ha?: boolean;
}

export const settingDefaults = {
  apiPort: 6443,
  etcdPort: 2379,
  etcdPeerPort: 2380,
  registryPort: 5000,
  podCIDR: '10.244.0.0/24',
  clusterCIDR: '10.244.0.0/16',
  cniBridge: 'skiff0',
};

export function readSettings(paths: ClusterPaths): ClusterSettings | undefined {
  try {
    return JSON.parse(fs.readFileSync(paths.settingsFile, 'utf8')) as ClusterSettings;
  } catch {
    return undefined;
  }
}

export function writeSettings(paths: ClusterPaths, settings: ClusterSettings): void {
  const tmp = `${paths.settingsFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(settings, null, 2) + '\n');
  fs.renameSync(tmp, paths.settingsFile);
}

export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A node name made from the host name: lower case, only what a DNS subdomain allows. */
export function defaultNodeName(hostname = os.hostname()): string {
  const name = hostname
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return name || 'skiff-node';
}

function ipv4ToNumber(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

export function parseCIDR(cidr: string): { base: number; bits: number } | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) return undefined;
  return { base: ipv4ToNumber(m.slice(1, 5).join('.')), bits: Number(m[5]) };
}

/** Whether range `inner` lies inside range `outer`. */
export function cidrWithin(inner: string, outer: string): boolean {
  const a = parseCIDR(inner);
  const b = parseCIDR(outer);
  if (!a || !b || a.bits < b.bits) return false;
  const size = 2 ** (32 - b.bits);
  return Math.floor(a.base / size) === Math.floor(b.base / size);
}

/**
 * The settings for this start: a flag wins (its port must be free), else what the data directory recorded, else the
 * default; a recorded or default port taken by something else is replaced by a free one, with a note saying so.
 * Call it once the data directory's earlier components are stopped, so their ports count as free.
 */
export async function resolveSettings(
  paths: ClusterPaths,
  flags: SettingsFlags,
  needs: { registry: boolean; joined?: { server: string }; podCIDRFromCluster?: boolean },
): Promise<{ settings: ClusterSettings; notes: string[] }> {
  const recorded = readSettings(paths);
  const notes: string[] = [];
  const taken = new Set<number>();
  const port = async (what: string, flag: string, given: number | undefined, previous: number | undefined, preferred: number): Promise<number> => {
    if (given !== undefined) {
      if (!(await portFree(given)) || taken.has(given)) throw new Error(`port ${given} (${flag}) is in use on 127.0.0.1; pick another`);
      taken.add(given);
      return given;
    }
    const wanted = previous ?? preferred;
    let chosen: number | undefined;
    for (const candidate of [previous, preferred]) {
      if (candidate !== undefined && !taken.has(candidate) && (await portFree(candidate))) {
        chosen = candidate;
        break;
      }
    }
    while (chosen === undefined || taken.has(chosen)) chosen = await anyFreePort();
    taken.add(chosen);
    if (chosen !== wanted) notes.push(`port ${wanted} is in use, so ${what} listens on ${chosen}`);
    return chosen;
  };
  const joined = needs.joined;
  const ha = !joined && (flags.ha === true || recorded?.ha !== undefined);
  if (ha && recorded && !recorded.ha && fs.existsSync(paths.etcdDataDir)) {
    throw new Error(`${paths.dir} holds a cluster with one control-plane member (its etcd data is in ${paths.etcdDataDir}); --ha needs a new cluster: \`skiff down --wipe\` it first or give another --data-dir`);
  }
  // A joined node gets its range from the cluster; its own ports are only the registry's.
  // So does a control-plane machine added to a running cluster.
  const podCIDR = joined || needs.podCIDRFromCluster ? '' : (flags.podCidr ?? recorded?.podCIDR ?? settingDefaults.podCIDR);
  const controlPlanePort = (what: string, flag: string, given: number | undefined, previous: number | undefined, preferred: number) =>
    joined ? Promise.resolve(0) : port(what, flag, given, previous, preferred);
  const apiPort = await controlPlanePort('the apiserver', '--api-port', flags.apiPort, recorded?.apiPort, settingDefaults.apiPort);
  const etcdPort = await controlPlanePort('etcd', '--etcd-port', flags.etcdPort, recorded?.etcdPort, settingDefaults.etcdPort);
  const settings: ClusterSettings = {
    apiPort,
    etcdPort,
    // The port after the client port, as etcd's own 2379/2380.
    etcdPeerPort: await controlPlanePort("etcd's peer listener", '--etcd-port', undefined, recorded?.etcdPeerPort, flags.etcdPort !== undefined ? flags.etcdPort + 1 : settingDefaults.etcdPeerPort),
    // A hollow node runs no registry; its port is only recorded for a later real node.
    registryPort: needs.registry
      ? await port('the image registry', '--registry-port', flags.registryPort, recorded?.registryPort, settingDefaults.registryPort)
      : (flags.registryPort ?? recorded?.registryPort ?? settingDefaults.registryPort),
    nodeName: flags.nodeName ?? recorded?.nodeName ?? defaultNodeName(),
    podCIDR,
    clusterCIDR: podCIDR === '' || cidrWithin(podCIDR, settingDefaults.clusterCIDR) ? settingDefaults.clusterCIDR : podCIDR,
    cniBridge: flags.cniBridge ?? recorded?.cniBridge ?? settingDefaults.cniBridge,
    ...((flags.advertiseAddress ?? recorded?.advertiseAddress) !== undefined ? { advertiseAddress: flags.advertiseAddress ?? recorded?.advertiseAddress } : {}),
    ...(joined ? { joined } : {}),
    ...((flags.nodeMonitorGracePeriod ?? recorded?.nodeMonitorGracePeriod) !== undefined ? { nodeMonitorGracePeriod: flags.nodeMonitorGracePeriod ?? recorded?.nodeMonitorGracePeriod } : {}),
    ...(recorded?.routeLocalnetBefore !== undefined ? { routeLocalnetBefore: recorded.routeLocalnetBefore } : {}),
    ...((flags.controlPlaneEndpoint ?? recorded?.controlPlaneEndpoint) !== undefined ? { controlPlaneEndpoint: flags.controlPlaneEndpoint ?? recorded?.controlPlaneEndpoint } : {}),
    ...(recorded?.etcdMember ? { etcdMember: recorded.etcdMember } : {}),
  };
  if (ha) {
    // The first member's etcd keeps the etcd ports above; each next one prefers the two ports after the last, and
    // the members' apiservers the ports after the load balancer's.
    const members: MemberPorts[] = [];
    for (let i = 0; i < haMemberCount; i++) {
      const before = recorded?.ha?.members[i];
      const last = members[i - 1];
      const n = i + 1;
      members.push({
        apiPort: await port(`member ${n}'s apiserver`, '--api-port', undefined, before?.apiPort, settings.apiPort + n),
        etcdPort: last ? await port(`member ${n}'s etcd`, '--etcd-port', undefined, before?.etcdPort, last.etcdPeerPort + 1) : settings.etcdPort,
        etcdPeerPort: last ? await port(`member ${n}'s etcd peer listener`, '--etcd-port', undefined, before?.etcdPeerPort, last.etcdPeerPort + 2) : settings.etcdPeerPort,
      });
    }
    settings.ha = { members };
  }
  return { settings, notes };
}

/** The first address of a range: the gateway the CNI bridge takes for its pods. */
export function gatewayOf(cidr: string): string {
  const range = parseCIDR(cidr);
  if (!range) throw new Error(`not an IPv4 CIDR: ${cidr}`);
  const size = 2 ** (32 - range.bits);
  const n = Math.floor(range.base / size) * size + 1;
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}
