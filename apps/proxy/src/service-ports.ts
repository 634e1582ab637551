import { isIPv4 } from 'node:net';
import type { EndpointSlice, Service } from '@skiff/api';
import type { EndpointInfo, ServicePortInfo, ServiceProtocol } from './iptables/proxy-state';

/** The label that ties an EndpointSlice to its Service. */
export const serviceNameLabel = 'kubernetes.io/service-name';

/** kube-proxy's default ClientIP affinity timeout (3 hours). */
const defaultAffinityTimeoutSeconds = 10800;

const protocols: Record<string, ServiceProtocol> = { TCP: 'tcp', UDP: 'udp', SCTP: 'sctp' };

/** The Service's ClusterIP when the proxy handles it: not headless, not ExternalName, IPv4 (the proxy is IPv4-only). */
export function proxiedClusterIP(svc: Service): string | undefined {
  const spec = svc.spec ?? {};
  if (spec.type === 'ExternalName') return undefined;
  const ip = spec.clusterIP ?? spec.clusterIPs?.[0];
  return ip && isIPv4(ip) ? ip : undefined;
}

function ipKey(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

/**
 * The Service's ports with their endpoints, read the way kube-proxy reads EndpointSlices: IPv4 slices only, the
 * slice port matched by name and protocol, one endpoint per address and port (the first slice listing it wins),
 * unset `ready`/`serving` meaning true and unset `terminating` false.
 */
export function servicePortsOf(svc: Service, slices: readonly EndpointSlice[], nodeName: string): ServicePortInfo[] {
  const clusterIP = proxiedClusterIP(svc);
  const { namespace, name } = svc.metadata;
  if (!clusterIP || !namespace || !name) return [];
  const spec = svc.spec ?? {};
  const hasNodePorts = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
  const affinity = spec.sessionAffinity === 'ClientIP' ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? defaultAffinityTimeoutSeconds) : undefined;
  const ordered = slices.filter((s) => s.addressType === 'IPv4').sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  const out: ServicePortInfo[] = [];
  for (const port of spec.ports ?? []) {
    const protocol = protocols[port.protocol ?? 'TCP'];
    if (!protocol) continue;
    out.push({
      namespace,
      name,
      portName: port.name ?? '',
      protocol,
      clusterIP,
      port: port.port,
      nodePort: hasNodePorts && port.nodePort ? port.nodePort : undefined,
      externalIPs: (spec.externalIPs ?? []).filter((ip) => isIPv4(ip)),
      affinityTimeoutSeconds: affinity,
      externalPolicyLocal: spec.externalTrafficPolicy === 'Local',
      internalPolicyLocal: spec.internalTrafficPolicy === 'Local',
      endpoints: endpointsFor(ordered, port.name ?? '', port.protocol ?? 'TCP', nodeName),
    });
  }
  return out;
}

function endpointsFor(slices: readonly EndpointSlice[], portName: string, protocol: string, nodeName: string): EndpointInfo[] {
  const byAddress = new Map<string, EndpointInfo>();
  for (const slice of slices) {
    const port = (slice.ports ?? []).find((p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === protocol);
    if (!port?.port) continue;
    for (const ep of slice.endpoints ?? []) {
      const ip = ep.addresses?.[0];
      if (!ip || !isIPv4(ip)) continue;
      const key = `${ip}:${port.port}`;
      if (byAddress.has(key)) continue;
      const c = ep.conditions ?? {};
      byAddress.set(key, {
        ip,
        port: port.port,
        ready: c.ready !== false,
        serving: c.serving !== false,
        terminating: c.terminating === true,
        local: !!nodeName && ep.nodeName === nodeName,
      });
    }
  }
  return [...byAddress.values()].sort((a, b) => ipKey(a.ip) - ipKey(b.ip) || a.port - b.port);
}
