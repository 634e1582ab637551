import type { ResourceType } from '../../scheme/resource-type';

/** scheduling/v1 resources in discovery order. */
export const schedulingV1Resources: ResourceType<any>[] = [];
