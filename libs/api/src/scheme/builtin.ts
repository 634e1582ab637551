import { appsV1Resources } from '../apps/v1';
import { authenticationV1Resources } from '../authentication/v1';
import { authorizationV1Resources } from '../authorization/v1';
import { autoscalingV1Resources } from '../autoscaling/v1';
import { batchV1Resources } from '../batch/v1';
import { certificatesV1Resources } from '../certificates/v1';
import { coordinationV1Resources } from '../coordination/v1';
import { coreV1Resources } from '../core/v1';
import { discoveryV1Resources } from '../discovery/v1';
import { policyV1Resources } from '../policy/v1';
import { rbacV1Resources } from '../rbac/v1';
import { schedulingV1Resources } from '../scheduling/v1';
import { Scheme } from './scheme';
import type { ResourceType } from './resource-type';

/** Every built-in resource Skiff serves. */
export const builtinResources: ResourceType<any>[] = [
  ...coreV1Resources,
  ...appsV1Resources,
  ...batchV1Resources,
  ...coordinationV1Resources,
  ...discoveryV1Resources,
  ...policyV1Resources,
  ...schedulingV1Resources,
  ...autoscalingV1Resources,
  ...rbacV1Resources,
  ...certificatesV1Resources,
  ...authenticationV1Resources,
  ...authorizationV1Resources,
];

export const builtinScheme = new Scheme(builtinResources);
