import type { ResourceType } from '../../scheme/resource-type';
import { priorityclasses } from './priority-class';

export * from './priority-class';

/** scheduling.k8s.io/v1 resources in discovery order. */
export const schedulingV1Resources: ResourceType<any>[] = [priorityclasses];
