import type { ResourceType } from '../../scheme/resource-type';

/** coordination/v1 resources in discovery order. */
export const coordinationV1Resources: ResourceType<any>[] = [];
