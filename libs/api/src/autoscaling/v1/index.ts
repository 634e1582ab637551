import type { ResourceType } from '../../scheme/resource-type';

/** autoscaling/v1 resources in discovery order. */
export const autoscalingV1Resources: ResourceType<any>[] = [];
