import type { ResourceType } from '../../scheme/resource-type';

/** discovery/v1 resources in discovery order. */
export const discoveryV1Resources: ResourceType<any>[] = [];
