import type { EndpointSliceEndpoint, EndpointSlicePort, Pod, Service } from '@skiff/api';
import { isPodReady, isPodTerminating, podHostname, podReference, portSetKey, resolvePodPorts, shouldPodBeInEndpoints } from '../endpoints/pod-endpoints';

export type AddressType = 'IPv4' | 'IPv6';

/** The endpoints that share one slice shape: an address type and one resolved port list. */
export interface EndpointGroup {
  key: string;
  addressType: AddressType;
  ports: EndpointSlicePort[];
  /** By endpoint identity (the pod's uid, else its address). */
  endpoints: Map<string, EndpointSliceEndpoint>;
}

export function endpointIdentity(ep: EndpointSliceEndpoint): string {
  return ep.targetRef?.uid || ep.addresses[0] || '';
}

export function sliceShapeKey(addressType: string, ports: readonly EndpointSlicePort[]): string {
  return `${addressType}|${portSetKey(ports.map((p) => ({ name: p.name ?? '', port: p.port ?? 0, protocol: p.protocol ?? 'TCP', appProtocol: p.appProtocol })))}`;
}

/** The address families the Service serves; Kubernetes makes slices per family. */
export function serviceAddressTypes(service: Service): AddressType[] {
  const families = (service.spec?.ipFamilies ?? []).filter((f): f is AddressType => f === 'IPv4' || f === 'IPv6');
  return families.length ? families : ['IPv4'];
}

function podIPOfFamily(pod: Pod, family: AddressType): string | undefined {
  const ips = pod.status?.podIPs?.map((p) => p.ip) ?? (pod.status?.podIP ? [pod.status.podIP] : []);
  return ips.find((ip) => (family === 'IPv6') === ip.includes(':'));
}

/**
 * Every selected pod as a slice endpoint, grouped by slice shape. Terminating pods stay listed with
 * terminating=true and ready=false; serving says whether they still pass readiness.
 */
export function desiredEndpointGroups(service: Service, selected: readonly Pod[]): Map<string, EndpointGroup> {
  const publishNotReady = service.spec?.publishNotReadyAddresses === true;
  const groups = new Map<string, EndpointGroup>();
  for (const pod of selected) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const resolved = resolvePodPorts(service, pod);
    if (resolved.length === 0 && (service.spec?.ports ?? []).length > 0) continue;
    const ports: EndpointSlicePort[] = resolved.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol as EndpointSlicePort['protocol'], ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) }));
    const terminating = isPodTerminating(pod);
    const serving = isPodReady(pod);
    for (const addressType of serviceAddressTypes(service)) {
      const ip = podIPOfFamily(pod, addressType);
      if (!ip) continue;
      const key = sliceShapeKey(addressType, ports);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { key, addressType, ports, endpoints: new Map() }));
      const endpoint: EndpointSliceEndpoint = {
        addresses: [ip],
        conditions: { ready: publishNotReady || (serving && !terminating), serving, terminating },
        targetRef: podReference(pod),
      };
      const hostname = podHostname(pod, service);
      if (hostname) endpoint.hostname = hostname;
      if (pod.spec.nodeName) endpoint.nodeName = pod.spec.nodeName;
      group.endpoints.set(endpointIdentity(endpoint), endpoint);
    }
  }
  return groups;
}
