import type { ResourceType } from '../../scheme/resource-type';
import { bindings } from './binding';
import { configmaps } from './configmap';
import { endpoints } from './endpoints';
import { events } from './event';
import { namespaces } from './namespace';
import { nodes } from './node';
import { pods } from './pod';
import { secrets } from './secret';
import { services } from './service';
import { serviceaccounts } from './serviceaccount';

export * from './object-reference';
export * from './affinity';
export * from './container';
export * from './volume';
export * from './pod';
export * from './pod-defaults';
export * from './pod-qos';
export * from './pod-validation';
export * from './pod-update-validation';
export * from './pod-fields';
export * from './scheduling-validation';
export * from './namespace';
export * from './node';
export * from './node-validation';
export * from './service';
export * from './service-defaults';
export * from './service-validation';
export * from './endpoints';
export * from './configmap';
export * from './secret';
export * from './secret-validation';
export * from './serviceaccount';
export * from './event';
export * from './event-validation';
export * from './binding';

/** core/v1 resources in discovery order. */
export const coreV1Resources: ResourceType<any>[] = [
  pods,
  namespaces,
  nodes,
  services,
  endpoints,
  configmaps,
  secrets,
  serviceaccounts,
  events,
  bindings,
];
