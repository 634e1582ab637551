import type { ResourceType } from '../../scheme/resource-type';

/** batch/v1 resources in discovery order. */
export const batchV1Resources: ResourceType<any>[] = [];
