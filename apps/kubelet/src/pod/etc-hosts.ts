import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Container, HostAlias, Pod } from '@skiff/api';
import type { Mount } from '@skiff/cri';
import type { PodDirs } from '../volumes/pod-dirs';
import { podHostnameAndDomain } from './sandbox-config';

export const etcHostsPath = '/etc/hosts';

function hostAliasLines(aliases: HostAlias[] | undefined): string {
  if (!aliases?.length) return '';
  return '\n# Entries added by HostAliases.\n' + aliases.map((a) => `${a.ip}\t${(a.hostnames ?? []).join('\t')}\n`).join('');
}

/** The /etc/hosts of a pod on the pod network: loopback names, the pod's own name per IP, its host aliases. */
export function managedHostsContent(podIPs: string[], hostname: string, domain: string, aliases?: HostAlias[]): string {
  let out = '# Kubernetes-managed hosts file.\n';
  out += '127.0.0.1\tlocalhost\n';
  out += '::1\tlocalhost ip6-localhost ip6-loopback\n';
  out += 'fe00::0\tip6-localnet\n';
  out += 'fe00::0\tip6-mcastprefix\n';
  out += 'fe00::1\tip6-allnodes\n';
  out += 'fe00::2\tip6-allrouters\n';
  for (const ip of podIPs) out += domain ? `${ip}\t${hostname}.${domain}\t${hostname}\n` : `${ip}\t${hostname}\n`;
  return out + hostAliasLines(aliases);
}

/** The /etc/hosts of a host-network pod: the node's own file plus the pod's host aliases. */
export function hostNetworkHostsContent(nodeHosts: string, aliases?: HostAlias[]): string {
  return '# Kubernetes-managed hosts file (host network).\n' + nodeHosts + hostAliasLines(aliases);
}

/** Whether a container gets the kubelet's /etc/hosts: once the pod has IPs (or is on the host network), unless it mounts its own. */
export function shouldMountEtcHosts(pod: Pod, container: Container, podIPs: string[]): boolean {
  if (podIPs.length === 0 && !pod.spec.hostNetwork) return false;
  return !(container.volumeMounts ?? []).some((m) => m.mountPath === etcHostsPath);
}

export interface EtcHostsOptions {
  podIPs: string[];
  clusterDomain: string;
  /** The node's hosts file that host-network pods copy; default /etc/hosts. */
  nodeHostsFile?: string;
}

/**
 * Writes the pod's hosts file (`<pod>/etc-hosts`, rewritten each time so it follows the pod's IPs) and returns
 * the mount that puts it at /etc/hosts in the container, or undefined when this container should not get one.
 */
export function etcHostsMount(dirs: PodDirs, pod: Pod, container: Container, opts: EtcHostsOptions): Mount | undefined {
  if (!shouldMountEtcHosts(pod, container, opts.podIPs)) return undefined;
  const path = dirs.etcHostsPath(pod.metadata.uid ?? '');
  let content: string;
  if (pod.spec.hostNetwork) {
    content = hostNetworkHostsContent(readFileSync(opts.nodeHostsFile ?? etcHostsPath, 'utf8'), pod.spec.hostAliases);
  } else {
    const { hostname, domain } = podHostnameAndDomain(pod, opts.clusterDomain);
    content = managedHostsContent(opts.podIPs, hostname, domain, pod.spec.hostAliases);
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o750 });
  writeFileSync(path, content, { mode: 0o644 });
  chmodSync(path, 0o644);
  return { containerPath: etcHostsPath, hostPath: path, readonly: false };
}
