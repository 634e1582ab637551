import type { ControllerFactory } from './controller';
import { serviceAccountControllerFactory } from './serviceaccount/serviceaccount-controller';
import { podGCControllerFactory } from './podgc/podgc-controller';
import { replicaSetControllerFactory } from './replicaset/replicaset-controller';

/**
 * Every controller by the name `--controllers` uses. Each entry is one line; a controller folder exports its factory.
 * Kept sorted by name.
 */
export const controllerFactories: Record<string, ControllerFactory> = {
  podgc: podGCControllerFactory,
  replicaset: replicaSetControllerFactory,
  serviceaccount: serviceAccountControllerFactory,
};
