import { endpoints as endpointsType, selectorFromSet, type EndpointAddress, type EndpointPort, type Endpoints, type EndpointSubset, type Pod, type Service } from '@skiff/api';
import { isNotFound, splitObjectKey, type KubeClient, type Lister } from '@skiff/client';
import {
  hasSelector,
  isPodReady,
  podHostname,
  podReference,
  portSetKey,
  resolvePodPorts,
  serviceDerivedLabels,
  shouldPodBeInEndpoints,
  sortedBy,
  type ResolvedPort,
} from './pod-endpoints';
import { canonicalJSON } from './canonical-json';

export interface EndpointsDeps {
  client: KubeClient;
  services: Lister<Service>;
  pods: Lister<Pod>;
  endpoints: Lister<Endpoints>;
}

/**
 * Keeps the Endpoints object named like a Service equal to the addresses of the pods its selector matches:
 * ready pods under `addresses`, the rest under `notReadyAddresses`, one subset per distinct resolved port set.
 * Deletes the Endpoints when the Service is gone; leaves selector-less Services' Endpoints to their owners.
 */
export async function reconcileEndpoints(key: string, deps: EndpointsDeps): Promise<void> {
  const { namespace = '', name } = splitObjectKey(key);
  const service = deps.services.get(namespace, name);
  if (!service) {
    try {
      if (deps.endpoints.get(namespace, name)) await deps.client.delete(endpointsType, namespace, name);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    return;
  }
  if (!hasSelector(service)) return;

  const selected = deps.pods.listInNamespace(namespace, selectorFromSet(service.spec?.selector));
  const subsets = desiredSubsets(service, selected);
  const labels = serviceDerivedLabels(service);
  const current = deps.endpoints.get(namespace, name);
  if (current && sameJSON(normalizeSubsets(current.subsets ?? []), subsets) && sameJSON(current.metadata.labels ?? {}, labels)) return;

  if (!current) {
    await deps.client.create<Endpoints>(endpointsType, namespace, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, labels }, subsets });
    return;
  }
  // Update carries the cached resourceVersion: a stale cache yields a conflict, and the retry reads a fresh one.
  await deps.client.update<Endpoints>(endpointsType, { ...current, metadata: { ...current.metadata, labels }, subsets });
}

function desiredSubsets(service: Service, selected: readonly Pod[]): EndpointSubset[] {
  const publishNotReady = service.spec?.publishNotReadyAddresses === true;
  const byPorts = new Map<string, { ports: ResolvedPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }>();
  for (const pod of selected) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const ports = resolvePodPorts(service, pod);
    // A Service with ports none of which resolve on this pod gets nothing from it; a port-less (headless) one gets the address.
    if (ports.length === 0 && (service.spec?.ports ?? []).length > 0) continue;
    const portKey = portSetKey(ports);
    let group = byPorts.get(portKey);
    if (!group) byPorts.set(portKey, (group = { ports, ready: [], notReady: [] }));
    const address: EndpointAddress = { ip: pod.status!.podIP!, targetRef: podReference(pod) };
    const hostname = podHostname(pod, service);
    if (hostname) address.hostname = hostname;
    if (pod.spec.nodeName) address.nodeName = pod.spec.nodeName;
    (publishNotReady || isPodReady(pod) ? group.ready : group.notReady).push(address);
  }
  const subsets = [...byPorts.entries()].map(([, g]) => {
    const ports: EndpointPort[] = g.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, protocol: p.protocol, ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) }));
    const subset: EndpointSubset = {};
    if (g.ready.length) subset.addresses = g.ready;
    if (g.notReady.length) subset.notReadyAddresses = g.notReady;
    if (ports.length) subset.ports = ports;
    return subset;
  });
  return normalizeSubsets(subsets);
}

/** Orders addresses, ports and subsets so that equal contents compare equal, whatever order pods were listed in. */
function normalizeSubsets(subsets: readonly EndpointSubset[]): EndpointSubset[] {
  const addressKey = (a: EndpointAddress) => `${a.ip}/${a.targetRef?.uid ?? ''}`;
  const normalized = subsets.map((s) => {
    const out: EndpointSubset = {};
    if (s.addresses?.length) out.addresses = sortedBy(s.addresses, addressKey);
    if (s.notReadyAddresses?.length) out.notReadyAddresses = sortedBy(s.notReadyAddresses, addressKey);
    if (s.ports?.length) out.ports = sortedBy(s.ports, (p) => `${p.name ?? ''}/${p.protocol ?? 'TCP'}/${p.port}`);
    return out;
  });
  return sortedBy(normalized, (s) => JSON.stringify(s.ports ?? []));
}

function sameJSON(a: unknown, b: unknown): boolean {
  return canonicalJSON(a) === canonicalJSON(b);
}
