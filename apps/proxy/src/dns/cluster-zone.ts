import type { Answer, Question, SrvAnswer } from 'dns-packet';
import { isIPv4, isIPv6 } from 'node:net';
import { dashedIP, ipFromDashedLabel, ipFromReverseName } from './ip-names';
import type { DnsEndpoint, DnsRecordSource, DnsService } from './record-source';

/** The version of the Kubernetes DNS schema these records follow, published at `dns-version.<zone>`. */
export const dnsSchemaVersion = '1.1.0';

/** CoreDNS's kubernetes plugin default TTL. */
export const defaultDnsTtlSeconds = 5;

/** A question's type as decoded: a record type name, `ANY`, or `UNKNOWN_<n>`. */
type QueryType = string;

/** How many CNAMEs inside the zone are followed before giving up on a chain. */
const maxCnameHops = 8;

/**
 * The outcome of looking a question up in cluster data. `forward` means the name is not the cluster's to
 * answer; `chase` asks the caller to resolve an ExternalName's target outside the zone and append it.
 */
export type ZoneResult =
  | { result: 'answer'; answers: Answer[]; additionals: Answer[]; chase?: Question }
  | { result: 'nxdomain' | 'nodata'; authorities: Answer[] }
  | { result: 'forward' }
  | { result: 'refused' };

export interface ClusterZoneOptions {
  source: DnsRecordSource;
  /** The cluster domain, `cluster.local` by default. */
  domain?: string;
  ttlSeconds?: number;
}

/** One name under a headless Service and the addresses it stands for. */
interface EndpointName {
  host: string;
  addresses: string[];
  endpoint: DnsEndpoint;
}

/**
 * Answers questions about the cluster domain and about the reverse names of cluster addresses, following the
 * Kubernetes DNS-based service discovery specification (and CoreDNS where the specification leaves a choice).
 */
export class ClusterZone {
  readonly domain: string;
  private readonly source: DnsRecordSource;
  private readonly ttl: number;

  constructor(opts: ClusterZoneOptions) {
    this.source = opts.source;
    this.domain = (opts.domain ?? 'cluster.local').toLowerCase().replace(/^\.+|\.+$/g, '');
    this.ttl = opts.ttlSeconds ?? defaultDnsTtlSeconds;
  }

  /** Whether `name` lies in the cluster domain, whatever its case. */
  contains(name: string): boolean {
    const lower = normalise(name);
    return lower === this.domain || lower.endsWith(`.${this.domain}`);
  }

  resolve(question: Question): ZoneResult {
    const lower = normalise(question.name);
    if (this.contains(lower)) {
      const qclass = question.class ?? 'IN';
      if (qclass !== 'IN' && qclass !== 'ANY') return { result: 'refused' };
      return this.resolveInZone(question.name, lower, question.type as QueryType, 0);
    }
    if (question.type === 'PTR') return this.reverse(question.name, lower);
    return { result: 'forward' };
  }

  /** The zone's SOA record, sent in the authority section of negative answers. */
  soa(): Answer {
    return {
      type: 'SOA',
      name: this.domain,
      ttl: this.ttl,
      data: {
        mname: `ns.dns.${this.domain}`,
        rname: `hostmaster.${this.domain}`,
        serial: this.source.serial() >>> 0,
        refresh: 7200,
        retry: 1800,
        expire: 86400,
        minimum: this.ttl,
      },
    };
  }

  private resolveInZone(owner: string, lower: string, qtype: QueryType, hops: number): ZoneResult {
    const labels = lower === this.domain ? [] : lower.slice(0, -this.domain.length - 1).split('.');
    const [first, second, third, fourth, fifth] = labels;
    switch (labels.length) {
      case 0:
        return qtype === 'SOA' || qtype === 'ANY' ? this.answer([this.soa()]) : this.nodata();
      case 1:
        if (first === 'dns-version') return wants(qtype, 'TXT') ? this.answer([{ type: 'TXT', name: owner, ttl: this.ttl, data: dnsSchemaVersion }]) : this.nodata();
        return first === 'svc' || first === 'pod' ? this.nodata() : this.nxdomain();
      case 2:
        if (second === 'svc') return this.source.namespaceHasServices(first) ? this.nodata() : this.nxdomain();
        // Pod records are answered without checking the namespace (CoreDNS's `pods insecure`), so every namespace exists.
        return second === 'pod' ? this.nodata() : this.nxdomain();
      case 3:
        if (third === 'svc') return this.serviceName(owner, qtype, second, first, hops);
        if (third === 'pod') return this.podName(owner, qtype, first);
        return this.nxdomain();
      case 4:
        return fourth === 'svc' ? this.endpointName(owner, qtype, third, second, first) : this.nxdomain();
      case 5:
        if (fifth === 'svc' && first.startsWith('_') && second.startsWith('_')) return this.portName(owner, qtype, fourth, third, first.slice(1), second.slice(1));
        return this.nxdomain();
      default:
        return this.nxdomain();
    }
  }

  /** `<svc>.<ns>.svc.<zone>`: the cluster IPs, the ready endpoints of a headless Service, or a CNAME. */
  private serviceName(owner: string, qtype: QueryType, namespace: string, name: string, hops: number): ZoneResult {
    const svc = this.source.service(namespace, name);
    if (!svc) return this.nxdomain();
    if (svc.externalName) return this.externalName(owner, qtype, svc.externalName, hops);
    const ips = svc.headless ? unique(this.endpointNames(svc).flatMap((n) => n.addresses)) : svc.clusterIPs;
    // A headless Service without ready endpoints has no name at all (the specification's §2.4.1).
    if (svc.headless && ips.length === 0) return this.nxdomain();
    return this.addressAnswer(owner, qtype, ips);
  }

  private externalName(owner: string, qtype: QueryType, target: string, hops: number): ZoneResult {
    const targetName = normalise(target);
    const cname: Answer = { type: 'CNAME', name: owner, ttl: this.ttl, data: targetName };
    if (qtype === 'CNAME' || qtype === 'ANY') return this.answer([cname]);
    if (!this.contains(targetName)) return { result: 'answer', answers: [cname], additionals: [], chase: { name: targetName, type: qtype as Question['type'], class: 'IN' } };
    if (hops >= maxCnameHops) return this.answer([cname]);
    const next = this.resolveInZone(targetName, targetName, qtype, hops + 1);
    return next.result === 'answer' ? { ...next, answers: [cname, ...next.answers] } : this.answer([cname]);
  }

  /** `<hostname>.<svc>.<ns>.svc.<zone>`: one ready endpoint of a headless Service. */
  private endpointName(owner: string, qtype: QueryType, namespace: string, serviceName: string, host: string): ZoneResult {
    const svc = this.source.service(namespace, serviceName);
    if (!svc || svc.externalName) return this.nxdomain();
    // `_tcp.<svc>...` exists as the parent of the Service's SRV names, with no records of its own.
    if (host.startsWith('_')) return svc.ports.some((p) => p.name && `_${p.protocol.toLowerCase()}` === host) ? this.nodata() : this.nxdomain();
    if (!svc.headless) return this.nxdomain();
    const ips = unique(
      this.endpointNames(svc)
        .filter((n) => n.host === host)
        .flatMap((n) => n.addresses),
    );
    return ips.length ? this.addressAnswer(owner, qtype, ips) : this.nxdomain();
  }

  /** `_<port>._<proto>.<svc>.<ns>.svc.<zone>`: SRV records for a named port. */
  private portName(owner: string, qtype: QueryType, namespace: string, serviceName: string, portName: string, protocol: string): ZoneResult {
    const svc = this.source.service(namespace, serviceName);
    if (!svc || !portName) return this.nxdomain();
    const matches = (p: { name: string; protocol: string }) => p.name.toLowerCase() === portName && p.protocol.toLowerCase() === protocol;
    const targets: { target: string; port: number; addresses: string[] }[] = [];
    if (svc.headless) {
      // Headless clients connect to the pods themselves, so the port is the endpoint's, not the Service's.
      for (const n of this.endpointNames(svc)) {
        for (const p of n.endpoint.ports.filter(matches)) targets.push({ target: `${n.host}.${this.serviceFqdn(svc)}`, port: p.port, addresses: n.addresses });
      }
    } else {
      const target = svc.externalName ? normalise(svc.externalName) : this.serviceFqdn(svc);
      for (const p of svc.ports.filter(matches)) targets.push({ target, port: p.port, addresses: svc.clusterIPs });
    }
    const distinct = [...new Map(targets.map((t) => [`${t.target}:${t.port}`, t])).values()];
    if (distinct.length === 0) return this.nxdomain();
    if (!wants(qtype, 'SRV')) return this.nodata();
    const weight = Math.max(1, Math.floor(100 / distinct.length));
    const answers: SrvAnswer[] = distinct.map((t) => ({ type: 'SRV', name: owner, ttl: this.ttl, data: { priority: 0, weight, port: t.port, target: t.target } }));
    const additionals = new Map<string, Answer>();
    for (const t of distinct) for (const a of this.addressRecords(t.target, t.addresses, 'ANY')) additionals.set(`${a.name} ${(a as { data: string }).data}`, a);
    return { result: 'answer', answers, additionals: [...additionals.values()] };
  }

  /** `<a>-<b>-<c>-<d>.<ns>.pod.<zone>`: the deprecated pod records, answered for any well-formed address. */
  private podName(owner: string, qtype: QueryType, label: string): ZoneResult {
    const ip = ipFromDashedLabel(label);
    return ip ? this.addressAnswer(owner, qtype, [ip]) : this.nxdomain();
  }

  private reverse(owner: string, lower: string): ZoneResult {
    const ip = ipFromReverseName(lower);
    if (!ip) return { result: 'forward' };
    const targets = new Set<string>();
    for (const { service, endpoint } of this.source.ownersOfIP(ip)) {
      if (!endpoint) targets.add(this.serviceFqdn(service));
      else if (endpoint.ready || service.publishNotReadyAddresses) targets.add(`${endpointHost(endpoint, ip)}.${this.serviceFqdn(service)}`);
    }
    // Addresses the cluster does not own belong to the node's resolvers.
    if (targets.size === 0) return { result: 'forward' };
    return this.answer([...targets].map((target) => ({ type: 'PTR', name: owner, ttl: this.ttl, data: target })));
  }

  /** The names under a headless Service: each ready endpoint's hostname, or its address with dashes. */
  private endpointNames(svc: DnsService): EndpointName[] {
    const names: EndpointName[] = [];
    for (const endpoint of this.source.endpoints(svc.namespace, svc.name)) {
      if (!endpoint.ready && !svc.publishNotReadyAddresses) continue;
      const addresses = endpoint.addresses.filter((a) => isIPv4(a) || isIPv6(a));
      if (endpoint.hostname) names.push({ host: endpoint.hostname.toLowerCase(), addresses, endpoint });
      else for (const address of addresses) names.push({ host: dashedIP(address), addresses: [address], endpoint });
    }
    return names;
  }

  private addressAnswer(owner: string, qtype: QueryType, ips: string[]): ZoneResult {
    const records = this.addressRecords(owner, ips, qtype);
    return records.length ? this.answer(records) : this.nodata();
  }

  /** A and AAAA records for the addresses the question type asks for; ANY asks for both. */
  private addressRecords(name: string, ips: string[], qtype: QueryType): Answer[] {
    const records: Answer[] = [];
    for (const ip of ips) {
      if (isIPv4(ip) && wants(qtype, 'A')) records.push({ type: 'A', name, ttl: this.ttl, data: ip });
      else if (isIPv6(ip) && wants(qtype, 'AAAA')) records.push({ type: 'AAAA', name, ttl: this.ttl, data: ip });
    }
    return records;
  }

  private serviceFqdn(svc: DnsService): string {
    return `${svc.name}.${svc.namespace}.svc.${this.domain}`;
  }

  private answer(answers: Answer[]): ZoneResult {
    return { result: 'answer', answers, additionals: [] };
  }

  private nxdomain(): ZoneResult {
    return { result: 'nxdomain', authorities: [this.soa()] };
  }

  private nodata(): ZoneResult {
    return { result: 'nodata', authorities: [this.soa()] };
  }
}

function wants(qtype: QueryType, type: QueryType): boolean {
  return qtype === type || qtype === 'ANY';
}

/** Lower case without the root dot, the form names are compared in. */
function normalise(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

function endpointHost(endpoint: DnsEndpoint, ip: string): string {
  return endpoint.hostname ? endpoint.hostname.toLowerCase() : dashedIP(ip);
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
