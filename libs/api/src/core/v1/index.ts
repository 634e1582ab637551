import type { ResourceType } from '../../scheme/resource-type';
import { configmaps } from './configmap';
import { namespaces } from './namespace';
import { pods } from './pod';

export * from './affinity';
export * from './container';
export * from './volume';
export * from './pod';
export * from './pod-defaults';
export * from './pod-validation';
export * from './pod-update-validation';
export * from './namespace';
export * from './configmap';

/** core/v1 resources in discovery order. */
export const coreV1Resources: ResourceType<any>[] = [pods, namespaces, configmaps];
