import fs from 'node:fs';
import path from 'node:path';

export const DEFAULT_BRIDGE_NAME = 'skiff0';
export const DEFAULT_POD_NETWORK_NAME = 'skiff';

export interface PodNetworkOptions {
  /** The node's pod CIDR (IPv4), e.g. `10.244.1.0/24`; the bridge takes its first address as the pods' gateway. */
  podCidr: string;
  /** Linux bridge the pods' veths join; at most 15 characters. */
  bridgeName?: string;
  /** CNI network name; also names host-local's allocation folder. */
  networkName?: string;
  /** Folder where host-local records allocated addresses; private to this node. */
  ipamDataDir: string;
  mtu?: number;
  /**
   * Whether the bridge masquerades what pods send outside the pod CIDR (default true). Off where skiff-proxy
   * masquerades only traffic leaving the cluster's range, so pods on different nodes see each other's addresses.
   */
  masquerade?: boolean;
}

const IFNAMSIZ = 15;

function parseIpv4(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

/** Checks an IPv4 CIDR with no host bits set and room for a gateway and pods; returns it unchanged. */
export function validatePodCidr(cidr: string): string {
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(cidr);
  const addr = m ? parseIpv4(m[1]) : undefined;
  const prefix = m ? Number(m[2]) : NaN;
  if (addr === undefined || !(prefix >= 8 && prefix <= 30)) {
    throw new Error(`pod CIDR must be an IPv4 network with a prefix from /8 to /30, e.g. 10.244.1.0/24; got "${cidr}"`);
  }
  const hostBits = 32 - prefix;
  if (addr % 2 ** hostBits !== 0) throw new Error(`pod CIDR ${cidr} has host bits set`);
  return cidr;
}

/**
 * The node's CNI network list: a `bridge` with host-local addresses from the pod CIDR (the bridge is the pods'
 * default gateway, traffic leaving the CIDR is masqueraded unless `masquerade` is off, hairpin lets a pod reach itself
 * through a Service),
 * then `portmap` for hostPort. containerd brings up each pod's loopback itself.
 */
export function podNetworkConflist(opts: PodNetworkOptions): Record<string, unknown> {
  const podCidr = validatePodCidr(opts.podCidr);
  const bridge = opts.bridgeName ?? DEFAULT_BRIDGE_NAME;
  if (!/^[A-Za-z0-9_.-]+$/.test(bridge) || bridge.length > IFNAMSIZ) {
    throw new Error(`bridge name must be 1-${IFNAMSIZ} letters, digits, '_', '.' or '-'; got "${bridge}"`);
  }
  const name = opts.networkName ?? DEFAULT_POD_NETWORK_NAME;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) throw new Error(`CNI network name "${name}" is not valid`);
  if (!path.isAbsolute(opts.ipamDataDir)) throw new Error(`ipamDataDir must be an absolute path, got "${opts.ipamDataDir}"`);
  if (opts.mtu !== undefined && !(Number.isInteger(opts.mtu) && opts.mtu >= 576 && opts.mtu <= 65535)) {
    throw new Error(`mtu must be an integer from 576 to 65535, got ${opts.mtu}`);
  }
  return {
    cniVersion: '1.0.0',
    name,
    plugins: [
      {
        type: 'bridge',
        bridge,
        isGateway: true,
        ipMasq: opts.masquerade ?? true,
        hairpinMode: true,
        ...(opts.mtu !== undefined ? { mtu: opts.mtu } : {}),
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: podCidr }]],
          routes: [{ dst: '0.0.0.0/0' }],
          dataDir: opts.ipamDataDir,
        },
      },
      { type: 'portmap', capabilities: { portMappings: true }, snat: true },
    ],
  };
}

/** The conflist's file name; containerd loads the first `.conflist` in its folder, in name order. */
export function podNetworkConfigFile(confDir: string, networkName = DEFAULT_POD_NETWORK_NAME): string {
  return path.join(confDir, `10-${networkName}.conflist`);
}

/**
 * Writes the node's conflist into `confDir`, in place: containerd 1.6 was seen to ignore a conflist renamed into
 * the folder but to pick up a file written there within about 2 s (a half-written file only delays the pickup to
 * the write's last event). An unchanged file is left alone. Returns the file's path.
 */
export function writePodNetworkConfig(confDir: string, opts: PodNetworkOptions): string {
  const content = `${JSON.stringify(podNetworkConflist(opts), null, 2)}\n`;
  fs.mkdirSync(confDir, { recursive: true });
  const file = podNetworkConfigFile(confDir, opts.networkName);
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  if (current !== content) fs.writeFileSync(file, content);
  return file;
}
