import type { ResourceType } from '../../scheme/resource-type';

/** policy/v1 resources in discovery order. */
export const policyV1Resources: ResourceType<any>[] = [];
