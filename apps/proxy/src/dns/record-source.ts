/** A port as DNS publishes it in SRV records; `protocol` is upper case (`TCP`, `UDP`, `SCTP`). */
export interface DnsPort {
  name: string;
  protocol: string;
  port: number;
}

/** What cluster DNS needs to know of one Service. Namespace and name are DNS labels, so lower case. */
export interface DnsService {
  namespace: string;
  name: string;
  /** The Service's cluster IPs (both families for dual-stack); empty for headless and ExternalName Services. */
  clusterIPs: string[];
  /** `clusterIP: None`: DNS answers with the endpoints' addresses instead. */
  headless: boolean;
  /** Set for `type: ExternalName`; answered as a CNAME. */
  externalName?: string;
  ports: DnsPort[];
  /** `publishNotReadyAddresses`: endpoints count as ready whatever their conditions say. */
  publishNotReadyAddresses?: boolean;
}

/** One backend of a Service, from its EndpointSlices. */
export interface DnsEndpoint {
  /** IPv4 or IPv6 addresses; FQDN slices are not published in cluster DNS. */
  addresses: string[];
  /** `hostname` of the endpoint (a StatefulSet pod's name under its governing Service). */
  hostname?: string;
  ready: boolean;
  /** The ports of the slice the endpoint came from: the pods' own ports, which headless SRV records carry. */
  ports: DnsPort[];
}

/** Where cluster DNS reads Services and their endpoints; reads are synchronous and hit a local cache only. */
export interface DnsRecordSource {
  service(namespace: string, name: string): DnsService | undefined;
  /** Every endpoint of the Service, ready or not, across all of its EndpointSlices. */
  endpoints(namespace: string, service: string): DnsEndpoint[];
  /** Whether `<ns>.svc.<zone>` exists as a name (it does while it holds a Service). */
  namespaceHasServices(namespace: string): boolean;
  /** Services with this cluster IP, and headless Services with an endpoint at this address (for PTR). */
  ownersOfIP(ip: string): { service: DnsService; endpoint?: DnsEndpoint }[];
  /** The SOA serial: the time (Unix seconds) the data last changed. */
  serial(): number;
}

/** A DnsRecordSource over plain arrays, for tests and for tools that have no informers. */
export class InMemoryDnsRecordSource implements DnsRecordSource {
  private readonly services = new Map<string, DnsService>();
  private readonly endpointsByService = new Map<string, DnsEndpoint[]>();
  private lastChange = Math.floor(Date.now() / 1000);

  setService(service: DnsService, endpoints: DnsEndpoint[] = []): this {
    const key = `${service.namespace}/${service.name}`;
    this.services.set(key, service);
    this.endpointsByService.set(key, endpoints);
    this.lastChange = Math.floor(Date.now() / 1000);
    return this;
  }

  deleteService(namespace: string, name: string): this {
    this.services.delete(`${namespace}/${name}`);
    this.endpointsByService.delete(`${namespace}/${name}`);
    this.lastChange = Math.floor(Date.now() / 1000);
    return this;
  }

  service(namespace: string, name: string): DnsService | undefined {
    return this.services.get(`${namespace}/${name}`);
  }

  endpoints(namespace: string, service: string): DnsEndpoint[] {
    return this.endpointsByService.get(`${namespace}/${service}`) ?? [];
  }

  namespaceHasServices(namespace: string): boolean {
    for (const svc of this.services.values()) if (svc.namespace === namespace) return true;
    return false;
  }

  ownersOfIP(ip: string): { service: DnsService; endpoint?: DnsEndpoint }[] {
    const owners: { service: DnsService; endpoint?: DnsEndpoint }[] = [];
    for (const [key, service] of this.services) {
      if (service.clusterIPs.includes(ip)) owners.push({ service });
      if (!service.headless) continue;
      for (const endpoint of this.endpointsByService.get(key) ?? []) if (endpoint.addresses.includes(ip)) owners.push({ service, endpoint });
    }
    return owners;
  }

  serial(): number {
    return this.lastChange;
  }
}
