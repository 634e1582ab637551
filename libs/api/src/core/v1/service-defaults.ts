import type { Service } from './service';

const defaultSessionAffinityTimeoutSeconds = 10800;

/**
 * Service defaults. Cluster IPs are allocated by the registry, not here; ipFamilies default to a single IPv4
 * stack because Skiff clusters are IPv4 unless configured otherwise.
 */
export function applyServiceDefaults(svc: Service): void {
  const spec = (svc.spec ??= {});
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  if (spec.sessionAffinity === 'ClientIP') {
    spec.sessionAffinityConfig ??= {};
    spec.sessionAffinityConfig.clientIP ??= {};
    spec.sessionAffinityConfig.clientIP.timeoutSeconds ??= defaultSessionAffinityTimeoutSeconds;
  }
  for (const port of spec.ports ?? []) {
    port.protocol ??= 'TCP';
    if (port.targetPort === undefined || port.targetPort === 0 || port.targetPort === '') port.targetPort = port.port;
  }
  // clusterIP is the older single-value spelling of clusterIPs[0]; the two are kept in step.
  if (spec.clusterIP && !spec.clusterIPs?.length) spec.clusterIPs = [spec.clusterIP];
  if (spec.clusterIPs?.length && !spec.clusterIP) spec.clusterIP = spec.clusterIPs[0];
  if (spec.type === 'ExternalName') return;
  spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  spec.ipFamilyPolicy ??= 'SingleStack';
  spec.ipFamilies ??= [spec.clusterIP?.includes(':') ? 'IPv6' : 'IPv4'];
}
