import type { ResourceType } from '../../scheme/resource-type';

/** apps/v1 resources in discovery order. */
export const appsV1Resources: ResourceType<any>[] = [];
