import type { ResourceType } from '../../scheme/resource-type';
import { horizontalpodautoscalers } from './horizontal-pod-autoscaler';

export * from './scale';
export * from './horizontal-pod-autoscaler';

/** autoscaling/v1 resources in discovery order. Scale is only a subresource body, so it is not here. */
export const autoscalingV1Resources: ResourceType<any>[] = [horizontalpodautoscalers];
