import type { ResourceType } from '../../scheme/resource-type';
import { controllerrevisions } from './controller-revision';
import { deployments } from './deployment';

export * from './deployment';
export * from './deployment-defaults';
export * from './deployment-validation';
export * from './controller-revision';

/** apps/v1 resources in discovery order. */
export const appsV1Resources: ResourceType<any>[] = [deployments, controllerrevisions];
