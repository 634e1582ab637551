import { configmaps } from '../core/v1/configmap';
import { namespaces } from '../core/v1/namespace';
import { Scheme } from './scheme';
import type { ResourceType } from './resource-type';

/** Every built-in resource Skiff serves, in discovery order within each group. */
export const builtinResources: ResourceType<any>[] = [namespaces, configmaps];

export const builtinScheme = new Scheme(builtinResources);
