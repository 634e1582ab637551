import type { ResourceType } from '../../scheme/resource-type';
import { leases } from './lease';

export * from './lease';

/** coordination.k8s.io/v1 resources in discovery order. */
export const coordinationV1Resources: ResourceType<any>[] = [leases];
