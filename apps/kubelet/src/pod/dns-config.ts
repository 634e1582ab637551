import { readFileSync } from 'node:fs';
import type { Pod } from '@skiff/api';
import type { DNSConfig } from '@skiff/cri';
import { formatPod, type WarningSink } from './warnings';

/** A resolv.conf's content: nameservers accumulate, the last `search` line wins, options merge by name. */
export interface ResolvConf {
  servers: string[];
  searches: string[];
  options: string[];
}

export interface DNSSettings {
  /** The cluster DNS servers (the kubelet's --cluster-dns); empty makes ClusterFirst pods fall back to Default. */
  clusterDNS: string[];
  /** E.g. `cluster.local`; empty leaves the cluster search domains out. */
  clusterDomain: string;
  /** The host's resolver settings; undefined when the kubelet was given no resolv.conf (--resolv-conf=""). */
  hostDNS: ResolvConf | undefined;
  /** The node's IPs, to pick a loopback nameserver when there is no host resolv.conf. */
  nodeIPs?: string[];
}

export type PodDNSType = 'Cluster' | 'Host' | 'None';

const defaultDNSOptions = ['ndots:5'];
const maxNameservers = 3;
const maxSearchPaths = 32;
const maxSearchLineChars = 2048;
const maxSearchDomainLength = 253;

function optionName(option: string): string {
  const colon = option.indexOf(':');
  return colon === -1 ? option : option.slice(0, colon);
}

/** Merges options by name, a later one replacing an earlier one in place. */
function mergeOptions(existing: string[], added: string[]): string[] {
  const byName = new Map<string, string>();
  for (const o of [...existing, ...added]) byName.set(optionName(o), o);
  return [...byName.values()];
}

export function parseResolvConf(text: string): ResolvConf {
  const conf: ResolvConf = { servers: [], searches: [], options: [] };
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const fields = trimmed.split(/\s+/).filter(Boolean);
    if (fields.length === 0) continue;
    if (fields[0] === 'nameserver' && fields[1]) conf.servers.push(fields[1]);
    if (fields[0] === 'search') {
      // A domain with and without its trailing dot is the same domain; "." alone means none.
      conf.searches = fields.slice(1).filter((d) => d !== '.').map((d) => d.replace(/\.$/, ''));
    }
    if (fields[0] === 'options') conf.options = mergeOptions(conf.options, fields.slice(1));
  }
  return conf;
}

/** Reads the host's resolv.conf; an empty path means none (undefined). A missing file throws. */
export function readResolvConf(path: string): ResolvConf | undefined {
  if (!path) return undefined;
  return parseResolvConf(readFileSync(path, 'utf8'));
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

/** Which resolver a pod gets from its dnsPolicy (ClusterFirst on the host network means the host's). */
export function podDNSType(pod: Pod, settings: Pick<DNSSettings, 'clusterDNS'>, warn?: WarningSink): PodDNSType {
  const policy = pod.spec.dnsPolicy || 'ClusterFirst';
  let type: PodDNSType;
  if (policy === 'None') type = 'None';
  else if (policy === 'ClusterFirstWithHostNet') type = 'Cluster';
  else if (policy === 'ClusterFirst' && !pod.spec.hostNetwork) type = 'Cluster';
  else type = 'Host';
  if (type === 'Cluster' && settings.clusterDNS.length === 0) {
    warn?.({
      reason: 'MissingClusterDNS',
      message: `pod: "${formatPod(pod)}". kubelet does not have ClusterDNS IP configured and cannot create Pod using "${policy}" policy. Falling back to "Default" policy.`,
    });
    type = 'Host';
  }
  return type;
}

function fitSearches(searches: string[], warn?: WarningSink): string[] {
  let exceeded = false;
  let fitted = searches;
  if (fitted.length > maxSearchPaths) {
    fitted = fitted.slice(0, maxSearchPaths);
    exceeded = true;
  }
  // Some resolvers abort on a search domain longer than a DNS name can be.
  const short = fitted.filter((d) => d.length <= maxSearchDomainLength);
  if (short.length !== fitted.length) exceeded = true;
  fitted = short;
  while (fitted.join(' ').length > maxSearchLineChars) {
    fitted = fitted.slice(0, -1);
    exceeded = true;
  }
  if (exceeded) {
    warn?.({
      reason: 'DNSConfigForming',
      message: `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${fitted.join(' ')}`,
    });
  }
  return fitted;
}

function fitServers(servers: string[], warn?: WarningSink): string[] {
  if (servers.length <= maxNameservers) return servers;
  const fitted = servers.slice(0, maxNameservers);
  warn?.({
    reason: 'DNSConfigForming',
    message: `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${fitted.join(' ')}`,
  });
  return fitted;
}

/**
 * The resolver settings of a pod's sandbox, as the kubelet forms them: ClusterFirst pods get the cluster DNS
 * servers, the `<ns>.svc.<domain> svc.<domain> <domain>` searches followed by the host's, and `ndots:5`;
 * Default pods get the host's resolv.conf; None pods start empty. `spec.dnsConfig` is then merged in
 * (servers and searches appended without duplicates, options replaced by name), and the result trimmed to
 * the resolver's limits (3 servers, 32 searches of at most 2048 characters) with a warning.
 */
export function podDNSConfig(pod: Pod, settings: DNSSettings, warn?: WarningSink): DNSConfig {
  const type = podDNSType(pod, settings, warn);
  const host = settings.hostDNS ?? { servers: [], searches: [], options: [] };
  let servers: string[];
  let searches: string[];
  let options: string[];
  if (type === 'None') {
    servers = [];
    searches = [];
    options = [];
  } else if (type === 'Cluster') {
    servers = [...settings.clusterDNS];
    const domain = settings.clusterDomain;
    const namespace = pod.metadata.namespace ?? 'default';
    searches = domain ? unique([`${namespace}.svc.${domain}`, `svc.${domain}`, domain, ...host.searches]) : [...host.searches];
    options = [...defaultDNSOptions];
  } else if (settings.hostDNS) {
    servers = [...host.servers];
    searches = [...host.searches];
    options = [...host.options];
  } else {
    // No host resolv.conf: point at the node itself, as the resolver would without nameservers.
    const ips = settings.nodeIPs ?? [];
    servers = ips.length ? unique(ips.map((ip) => (ip.includes(':') ? '::1' : '127.0.0.1'))) : ['127.0.0.1'];
    searches = ['.'];
    options = [];
  }
  const extra = pod.spec.dnsConfig;
  if (extra) {
    servers = unique([...servers, ...(extra.nameservers ?? [])]);
    searches = unique([...searches, ...(extra.searches ?? [])]);
    const podOptions = (extra.options ?? []).filter((o) => o.name).map((o) => (o.value ? `${o.name}:${o.value}` : o.name!));
    options = mergeOptions(options, podOptions);
  }
  return { servers: fitServers(servers, warn), searches: fitSearches(searches, warn), options };
}
