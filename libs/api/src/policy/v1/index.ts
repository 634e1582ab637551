import type { ResourceType } from '../../scheme/resource-type';
import { poddisruptionbudgets } from './pod-disruption-budget';

export * from './pod-disruption-budget';
export * from './eviction';

/** policy/v1 resources in discovery order. Eviction is served as pods/eviction, not stored, so it is not here. */
export const policyV1Resources: ResourceType<any>[] = [poddisruptionbudgets];
