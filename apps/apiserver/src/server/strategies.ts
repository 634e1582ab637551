import type { ResourceType } from '@skiff/api';
import { csrStrategy } from '../registry/csr-strategy';
import { namespaceStrategy } from '../registry/namespace-strategy';
import { podStrategy } from '../registry/pod-strategy';
import type { ServerStrategy } from '../registry/server-strategy';
import type { ServiceAllocator } from '../registry/service-allocations';

/** The server-side strategy for each resource that needs more than the shared rules. */
export function strategyFor(type: ResourceType, services: ServiceAllocator, eventTTLSeconds: number): ServerStrategy {
  if (type.group === 'certificates.k8s.io' && type.resource === 'certificatesigningrequests') return csrStrategy;
  if (type.group !== '') return {};
  switch (type.resource) {
    case 'pods':
      return podStrategy;
    case 'namespaces':
      return namespaceStrategy;
    case 'services':
      return services;
    case 'events':
      return { ttlSeconds: eventTTLSeconds };
    default:
      return {};
  }
}
