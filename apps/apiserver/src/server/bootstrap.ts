import os from 'node:os';
import { rbacGroupName, systemPriorityClasses, type KObject } from '@skiff/api';
import { defaultClusterRoleBindings, defaultClusterRoles, defaultRoleBindings, defaultRoles } from '@skiff/auth';
import { IPRange } from '../registry/service-allocations';
import { anonymousUser } from '../admission/admission';
import { registryByName, type ApiContext } from '../handlers/api-context';
import type { GenericRegistry } from '../registry/generic-registry';
import { StatusError } from '../handlers/status-error';

export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Creates each object unless it exists, retrying with backoff until etcd answers. */
async function ensureObjects(registry: GenericRegistry, objects: KObject[]): Promise<void> {
  const pending = new Map(objects.map((o) => [`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));
  for (let attempt = 0; pending.size > 0; attempt++) {
    for (const [key, obj] of [...pending]) {
      try {
        await registry.create(obj.metadata.namespace, structuredClone(obj), { user: anonymousUser, dryRun: false });
        pending.delete(key);
      } catch (e) {
        if (e instanceof StatusError && e.reason === 'AlreadyExists') {
          pending.delete(key);
        } else if (e instanceof StatusError && e.reason === 'Invalid') {
          // Retrying cannot help an object the server refuses; it is a bug in what this file builds.
          pending.delete(key);
        }
      }
    }
    if (pending.size) await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
  }
}

/** An existing object whose spec-like content differs from `obj` is updated to it (the apiserver's own endpoints). */
const contentOf = (o: KObject) => JSON.stringify({ ...o, metadata: { labels: o.metadata.labels }, apiVersion: undefined, kind: undefined });

export async function replaceContent(registry: GenericRegistry, obj: KObject): Promise<void> {
  const current = await registry.get(obj.metadata.namespace, obj.metadata.name!);
  if (contentOf(current) === contentOf(obj)) return;
  await registry.update(obj.metadata.namespace, obj.metadata.name!, (cur) => ({ ...obj, metadata: { ...cur.metadata, labels: obj.metadata.labels } }), { user: anonymousUser, dryRun: false });
}

/** The address pods and nodes reach this apiserver on: the bind address, or the host's first IPv4 when it binds all. */
function advertisedHost(bindAddress: string): string {
  if (bindAddress !== '0.0.0.0' && bindAddress !== '::') return bindAddress;
  for (const addrs of Object.values(os.networkInterfaces())) for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return '127.0.0.1';
}

/**
 * The Services every cluster has: `default/kubernetes` (the service range's first address, port 443, endpoints
 * pointing at this apiserver, or at every apiserver in `apiHosts`, on this one's port) and `kube-system/kube-dns`
 * (the range's tenth address, as kubeadm gives it, port 53 over UDP and TCP; each node's proxy answers it).
 */
export function clusterServices(
  serviceRange: IPRange,
  advertiseAddress: string,
  apiHosts?: string[],
): { services: KObject[]; endpoints: KObject[]; slices: KObject[]; apiHost: string; apiPort: number } {
  const [host, port] = [advertisedHost(advertiseAddress.slice(0, advertiseAddress.lastIndexOf(':'))), Number(advertiseAddress.slice(advertiseAddress.lastIndexOf(':') + 1))];
  const hosts = [...new Set(apiHosts ?? [host])].sort();
  const apiIP = serviceRange.first();
  const dnsIP = IPRange.toString(serviceRange.base + 10);
  const svc = (namespace: string, name: string, labels: Record<string, string>, clusterIP: string, ports: unknown[]) =>
    ({ apiVersion: 'v1', kind: 'Service', metadata: { namespace, name, labels }, spec: { type: 'ClusterIP', clusterIP, clusterIPs: [clusterIP], ports, sessionAffinity: 'None' } }) as KObject;
  return {
    apiHost: host,
    apiPort: port,
    services: [
      svc('default', 'kubernetes', { component: 'apiserver', provider: 'kubernetes' }, apiIP, [{ name: 'https', port: 443, protocol: 'TCP', targetPort: port }]),
      svc('kube-system', 'kube-dns', { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' }, dnsIP, [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
      ]),
    ],
    endpoints: [
      { apiVersion: 'v1', kind: 'Endpoints', metadata: { namespace: 'default', name: 'kubernetes', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } }, subsets: hosts.length ? [{ addresses: hosts.map((ip) => ({ ip })), ports: [{ name: 'https', port, protocol: 'TCP' }] }] : [] } as KObject,
    ],
    slices: [
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { namespace: 'default', name: 'kubernetes', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
        addressType: 'IPv4',
        endpoints: hosts.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
        ports: [{ name: 'https', port, protocol: 'TCP' }],
      } as unknown as KObject,
    ],
  };
}

/** Endpoints may not be loopback addresses: an apiserver bound to 127.0.0.1 is not reachable from pods anyway. */
export function routableApiserver(apiHost: string): boolean {
  return !apiHost.startsWith('127.');
}

/** What every cluster has from the start: the system namespaces, the built-in PriorityClasses and Services. */
export async function bootstrapCluster(ctx: ApiContext, serviceRange?: IPRange): Promise<void> {
  await ensureObjects(
    registryByName(ctx, '', 'v1', 'namespaces'),
    systemNamespaces.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
  );
  await ensureObjects(registryByName(ctx, 'scheduling.k8s.io', 'v1', 'priorityclasses'), systemPriorityClasses);
  ctx.logger.info('system namespaces and priority classes present', { namespaces: systemNamespaces });
  if (!serviceRange) return;
  const { services, apiHost } = clusterServices(serviceRange, ctx.advertiseAddress);
  await ensureObjects(registryByName(ctx, '', 'v1', 'services'), services);
  // Its endpoints are kept by ApiserverEndpointsReconciler, with every apiserver of the cluster in them.
  if (!routableApiserver(apiHost)) ctx.logger.info('the kubernetes Service has no endpoints: this apiserver listens on loopback only');
  ctx.logger.info('cluster services present', { services: services.map((s) => `${s.metadata.namespace}/${s.metadata.name}`) });
}

/**
 * The default RBAC policy (cluster-admin, admin/edit/view, discovery and public-info roles, the components' roles
 * and the kube-public cluster-info reader), created where missing; roles and bindings already there are left as they are.
 */
export async function bootstrapRbac(ctx: ApiContext): Promise<void> {
  const asObjects = (items: readonly object[]) => items as unknown as KObject[];
  await ensureObjects(registryByName(ctx, rbacGroupName, 'v1', 'clusterroles'), asObjects(defaultClusterRoles()));
  await ensureObjects(registryByName(ctx, rbacGroupName, 'v1', 'clusterrolebindings'), asObjects(defaultClusterRoleBindings()));
  // The namespaced ones live in kube-public, which bootstrapCluster creates alongside.
  await ensureObjects(registryByName(ctx, rbacGroupName, 'v1', 'roles'), asObjects(defaultRoles()));
  await ensureObjects(registryByName(ctx, rbacGroupName, 'v1', 'rolebindings'), asObjects(defaultRoleBindings()));
  ctx.logger.info('default RBAC roles and bindings present');
}
