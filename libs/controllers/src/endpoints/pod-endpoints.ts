import { selectorFromSet, type ObjectReference, type Pod, type Service, type ServicePort } from '@skiff/api';

/** A pod counts as ready when its Ready condition is True (what the kubelet reports after readiness probes). */
export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export function isPodTerminating(pod: Pod): boolean {
  return pod.metadata.deletionTimestamp !== undefined;
}

/**
 * Whether a pod can back a Service at all: it has an IP and has not finished. Terminating pods are kept only when
 * asked (EndpointSlices list them with terminating=true; Endpoints drops them unless the Service publishes not-ready addresses).
 */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (!pod.status?.podIP) return false;
  if (pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed') return false;
  if (!includeTerminating && isPodTerminating(pod)) return false;
  return true;
}

/** The pod port a Service port forwards to: a number as is, a name looked up in the pod's container ports; undefined when it does not resolve. */
export function resolveTargetPort(svcPort: ServicePort, pod: Pod): number | undefined {
  const target = svcPort.targetPort ?? svcPort.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = svcPort.protocol ?? 'TCP';
  for (const c of pod.spec.containers) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
}

export interface ResolvedPort {
  name: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

/** The Service's ports as they resolve on one pod; ports whose named target the pod lacks are left out, as Kubernetes does. */
export function resolvePodPorts(service: Service, pod: Pod): ResolvedPort[] {
  const resolved: ResolvedPort[] = [];
  for (const sp of service.spec?.ports ?? []) {
    const port = resolveTargetPort(sp, pod);
    if (port === undefined) continue;
    resolved.push({ name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
  }
  return resolved;
}

/** A stable key for a set of ports, so pods whose named ports resolve alike share a subset / slice. */
export function portSetKey(ports: readonly ResolvedPort[]): string {
  return ports
    .map((p) => `${p.name}/${p.protocol}/${p.port}/${p.appProtocol ?? ''}`)
    .sort()
    .join(',');
}

export function podReference(pod: Pod): ObjectReference {
  return { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
}

/** A pod's DNS hostname is published only when its subdomain names this Service (the headless-service DNS contract). */
export function podHostname(pod: Pod, service: Service): string | undefined {
  const { hostname, subdomain } = pod.spec;
  return hostname && subdomain === service.metadata.name ? hostname : undefined;
}

export function isHeadless(service: Service): boolean {
  return service.spec?.clusterIP === 'None';
}

/** Labels Kubernetes copies onto a Service's Endpoints and EndpointSlices: the Service's own, plus a marker for headless ones. */
export function serviceDerivedLabels(service: Service): Record<string, string> {
  const labels: Record<string, string> = { ...(service.metadata.labels ?? {}) };
  if (isHeadless(service)) labels['service.kubernetes.io/headless'] = '';
  else delete labels['service.kubernetes.io/headless'];
  return labels;
}

/** Sorts by a string key without mutating the input. */
export function sortedBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Services in the pod's namespace whose selector matches it; Services without a selector select nothing. */
export function servicesSelectingPod(services: readonly Service[], pod: Pod): Service[] {
  const labels = pod.metadata.labels ?? {};
  return services.filter((s) => {
    return hasSelector(s) && s.metadata.namespace === pod.metadata.namespace && selectorFromSet(s.spec?.selector).matches(labels);
  });
}

/** A Service with no (or an empty) selector has its endpoints managed by someone else; the controllers leave it alone. */
export function hasSelector(service: Service): boolean {
  return Object.keys(service.spec?.selector ?? {}).length > 0;
}
