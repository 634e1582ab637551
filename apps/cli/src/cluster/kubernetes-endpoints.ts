import { endpoints, endpointslices, services, type EndpointSlice, type Endpoints, type Service } from '@skiff/api';
import { createOrUpdate, type KubeClient } from '@skiff/client';

/**
 * Points the `default/kubernetes` Service at one address, as its operator does for apiservers started with
 * `--endpoint-reconciler-type=none`: `skiff up --ha` names its load balancer, so pods reach whichever apiserver is up.
 * Writes the Endpoints (kept out of the mirroring controller's way) and the EndpointSlice, and the Service's target
 * port to match (the apiserver that made the Service gave it its own port, and none changes it later); leaves each
 * alone when it already says so.
 */
export async function publishKubernetesEndpoints(client: KubeClient, ip: string, port: number): Promise<void> {
  const service = await client.get<Service>(services, 'default', 'kubernetes');
  const servicePorts = service.spec?.ports ?? [];
  if (servicePorts.some((p) => p.name === 'https' && p.targetPort !== port)) {
    await client.update(services, { ...service, spec: { ...service.spec, ports: servicePorts.map((p) => (p.name === 'https' ? { ...p, targetPort: port } : p)) } });
  }
  const ports = [{ name: 'https', port, protocol: 'TCP' }];
  await createOrUpdate<Endpoints>(client, endpoints, {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { namespace: 'default', name: 'kubernetes', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip }], ports }],
  } as Endpoints);
  await createOrUpdate<EndpointSlice>(client, endpointslices, {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { namespace: 'default', name: 'kubernetes', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [ip], conditions: { ready: true } }],
    ports,
  } as EndpointSlice);
}
