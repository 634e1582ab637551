import type { ResourceType } from '../../scheme/resource-type';
import { controllerrevisions } from './controller-revision';
import { daemonsets } from './daemon-set';
import { deployments } from './deployment';
import { replicasets } from './replica-set';
import { statefulsets } from './stateful-set';

export * from './deployment';
export * from './deployment-defaults';
export * from './deployment-validation';
export * from './replica-set';
export * from './daemon-set';
export * from './daemon-set-validation';
export * from './stateful-set';
export * from './stateful-set-defaults';
export * from './stateful-set-validation';
export * from './persistent-volume-claim-template';
export * from './controller-revision';

/** apps/v1 resources in discovery order. */
export const appsV1Resources: ResourceType<any>[] = [deployments, replicasets, daemonsets, statefulsets, controllerrevisions];
