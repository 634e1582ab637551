import type { ResourceType } from '../../scheme/resource-type';
import { configmaps } from './configmap';
import { namespaces } from './namespace';

export * from './namespace';
export * from './configmap';

/** core/v1 resources in discovery order. */
export const coreV1Resources: ResourceType<any>[] = [namespaces, configmaps];
