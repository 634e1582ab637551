import type { ResourceType } from '../../scheme/resource-type';
import { endpointslices } from './endpoint-slice';

export * from './endpoint-slice';

/** discovery.k8s.io/v1 resources in discovery order. */
export const discoveryV1Resources: ResourceType<any>[] = [endpointslices];
