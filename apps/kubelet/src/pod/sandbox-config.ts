import { join } from 'node:path';
import { podQOSClass, type Pod } from '@skiff/api';
import type { PodSandboxConfig, PortMapping, Protocol } from '@skiff/cri';
import { podDNSConfig, readResolvConf, type ResolvConf } from './dns-config';
import { sandboxSecurityContext } from './security-context';
import type { WarningSink } from './warnings';

export const podNameLabel = 'io.kubernetes.pod.name';
export const podNamespaceLabel = 'io.kubernetes.pod.namespace';
export const podUIDLabel = 'io.kubernetes.pod.uid';

export const defaultPodLogsRoot = '/var/log/pods';
export const defaultCgroupParentRoot = '/kubepods';

export interface SandboxOptions {
  /** Where pod log directories live; default /var/log/pods. */
  podLogsRoot?: string;
  clusterDNS: string[];
  clusterDomain: string;
  /** The host resolv.conf the Default DNS policy copies; '' for none. Read at each call unless `hostDNS` is given. */
  resolvConf: string;
  /** The host resolv.conf already parsed (saves the read; tests). */
  hostDNS?: ResolvConf;
  /** The node's IPs (loopback nameserver choice when there is no resolv.conf). */
  nodeIPs?: string[];
  /**
   * The cgroup under which pod cgroups go (cgroupfs paths): Guaranteed pods at `<root>/pod<uid>`, the others at
   * `<root>/burstable/pod<uid>` or `<root>/besteffort/pod<uid>`. Default /kubepods; '' leaves the parent to the runtime.
   */
  cgroupParentRoot?: string;
  /** The sandbox attempt, counting from 0 (one more for each sandbox made again for the same pod). */
  attempt?: number;
  onWarning?: WarningSink;
}

const maxHostnameLength = 63;
const maxFQDNLength = 64;

/** The pod's hostname (spec.hostname or its name, cut to 63 characters) and domain (`<subdomain>.<ns>.svc.<domain>`). */
export function podHostnameAndDomain(pod: Pod, clusterDomain: string): { hostname: string; domain: string } {
  let hostname = pod.spec.hostname || pod.metadata.name || '';
  if (hostname.length > maxHostnameLength) hostname = hostname.slice(0, maxHostnameLength).replace(/[-.]+$/, '');
  if (!hostname) throw new Error(`hostname for pod "${pod.metadata.name}" was invalid: "${pod.spec.hostname ?? pod.metadata.name}"`);
  const domain = pod.spec.subdomain ? `${pod.spec.subdomain}.${pod.metadata.namespace}.svc.${clusterDomain}` : '';
  return { hostname, domain };
}

/** The hostname the sandbox's UTS namespace gets: the FQDN when setHostnameAsFQDN asks for it. */
export function kernelHostname(pod: Pod, clusterDomain: string): string {
  const { hostname, domain } = podHostnameAndDomain(pod, clusterDomain);
  if (!domain || !pod.spec.setHostnameAsFQDN) return hostname;
  const fqdn = `${hostname}.${domain}`;
  if (fqdn.length > maxFQDNLength) {
    throw new Error(
      `failed to construct FQDN from pod hostname and cluster domain, FQDN ${fqdn} is too long (${maxFQDNLength} characters is the max, ${fqdn.length} characters requested)`,
    );
  }
  return fqdn;
}

/** `<root>/<namespace>_<name>_<uid>`: where the runtime writes the pod's container logs. */
export function podLogDirectory(pod: Pod, podLogsRoot = defaultPodLogsRoot): string {
  return join(podLogsRoot, `${pod.metadata.namespace}_${pod.metadata.name}_${pod.metadata.uid}`);
}

/** The pod's cgroup under the QoS hierarchy (cgroupfs form). */
export function podCgroupParent(pod: Pod, root = defaultCgroupParentRoot): string {
  const qos = pod.status?.qosClass ?? podQOSClass(pod);
  const leaf = `pod${pod.metadata.uid}`;
  return qos === 'Guaranteed' ? join(root, leaf) : join(root, qos.toLowerCase(), leaf);
}

function protocolOf(p: string | undefined): Protocol {
  return p === 'UDP' || p === 'SCTP' ? p : 'TCP';
}

/** The host ports the pod's containers publish (entries with a hostPort only; a repeated port name counts once). */
export function podPortMappings(pod: Pod): PortMapping[] {
  const mappings: PortMapping[] = [];
  for (const c of pod.spec.containers) {
    const names = new Set<string>();
    for (const p of c.ports ?? []) {
      const protocol = protocolOf(p.protocol);
      const name = p.name || `${protocol}-${p.hostIP ?? ''}:${p.containerPort}:${p.hostPort ?? 0}`;
      if (names.has(name)) continue;
      names.add(name);
      if (!p.hostPort || p.hostPort <= 0) continue;
      mappings.push({ protocol, containerPort: p.containerPort, hostPort: p.hostPort, ...(p.hostIP ? { hostIp: p.hostIP } : {}) });
    }
  }
  return mappings;
}

/** The labels every sandbox and container of the pod carries, so the kubelet can find them again. */
export function podIdentityLabels(pod: Pod): Record<string, string> {
  return {
    [podNameLabel]: pod.metadata.name ?? '',
    [podNamespaceLabel]: pod.metadata.namespace ?? '',
    [podUIDLabel]: pod.metadata.uid ?? '',
  };
}

/**
 * The PodSandboxConfig the kubelet hands RunPodSandbox: identity, hostname (empty on the host network, where
 * the runtime cannot set one), log directory, resolver settings from the DNS policy, host port mappings,
 * the pod's labels plus the kubelet's identity labels, the pod's annotations, and the Linux cgroup parent,
 * namespaces, security context and sysctls.
 */
export function buildSandboxConfig(pod: Pod, opts: SandboxOptions): PodSandboxConfig {
  const hostDNS = opts.hostDNS ?? readResolvConf(opts.resolvConf);
  const dnsConfig = podDNSConfig(pod, { clusterDNS: opts.clusterDNS, clusterDomain: opts.clusterDomain, hostDNS, nodeIPs: opts.nodeIPs }, opts.onWarning);
  const cgroupRoot = opts.cgroupParentRoot ?? defaultCgroupParentRoot;
  const sysctls = Object.fromEntries((pod.spec.securityContext?.sysctls ?? []).map((s) => [s.name, s.value]));
  return {
    metadata: {
      name: pod.metadata.name ?? '',
      namespace: pod.metadata.namespace ?? '',
      uid: pod.metadata.uid ?? '',
      attempt: opts.attempt ?? 0,
    },
    hostname: pod.spec.hostNetwork ? '' : kernelHostname(pod, opts.clusterDomain),
    logDirectory: podLogDirectory(pod, opts.podLogsRoot),
    dnsConfig,
    portMappings: podPortMappings(pod),
    labels: { ...(pod.metadata.labels ?? {}), ...podIdentityLabels(pod) },
    annotations: { ...(pod.metadata.annotations ?? {}) },
    linux: {
      ...(cgroupRoot ? { cgroupParent: podCgroupParent(pod, cgroupRoot) } : {}),
      securityContext: sandboxSecurityContext(pod),
      sysctls,
    },
  };
}
