import type { ControllerFactory } from './controller';
import { bootstrapSignerFactory } from './bootstrapsigner/bootstrapsigner-controller';
import { csrApprovingControllerFactory } from './csrapproving/csrapproving-controller';
import { csrCleanerFactory } from './csrcleaner/csrcleaner-controller';
import { csrSigningControllerFactory } from './csrsigning/csrsigning-controller';
import { tokenCleanerFactory } from './tokencleaner/tokencleaner-controller';
import { cronJobControllerFactory } from './cronjob/cronjob-controller';
import { deploymentControllerFactory } from './deployment/deployment-controller';
import { jobControllerFactory } from './job/job-controller';
import { garbageCollectorControllerFactory } from './garbagecollector/garbagecollector-controller';
import { nodeIpamControllerFactory } from './nodeipam/nodeipam-controller';
import { nodeLifecycleControllerFactory } from './nodelifecycle/nodelifecycle-controller';
import { namespaceControllerFactory } from './namespace/namespace-controller';
import { serviceAccountControllerFactory } from './serviceaccount/serviceaccount-controller';
import { podGCControllerFactory } from './podgc/podgc-controller';
import { rootCACertPublisherFactory } from './rootcacertpublisher/rootcacertpublisher-controller';
import { replicaSetControllerFactory } from './replicaset/replicaset-controller';
import { endpointsControllerFactory } from './endpoints/endpoints-controller';
import { endpointSliceControllerFactory } from './endpointslice/endpointslice-controller';
import { disruptionControllerFactory } from './disruption/disruption-controller';
import { daemonSetControllerFactory } from './daemonset/daemonset-controller';
import { statefulSetControllerFactory } from './statefulset/statefulset-controller';

/**
 * Every controller by the name `--controllers` uses. Each entry is one line; a controller folder exports its factory.
 * Kept sorted by name.
 */
export const controllerFactories: Record<string, ControllerFactory> = {
  bootstrapsigner: bootstrapSignerFactory,
  cronjob: cronJobControllerFactory,
  csrapproving: csrApprovingControllerFactory,
  csrcleaner: csrCleanerFactory,
  csrsigning: csrSigningControllerFactory,
  daemonset: daemonSetControllerFactory,
  deployment: deploymentControllerFactory,
  disruption: disruptionControllerFactory,
  endpoint: endpointsControllerFactory,
  endpointslice: endpointSliceControllerFactory,
  garbagecollector: garbageCollectorControllerFactory,
  job: jobControllerFactory,
  namespace: namespaceControllerFactory,
  nodeipam: nodeIpamControllerFactory,
  nodelifecycle: nodeLifecycleControllerFactory,
  podgc: podGCControllerFactory,
  replicaset: replicaSetControllerFactory,
  'root-ca-cert-publisher': rootCACertPublisherFactory,
  serviceaccount: serviceAccountControllerFactory,
  statefulset: statefulSetControllerFactory,
  tokencleaner: tokenCleanerFactory,
};

/** In Kubernetes' list but off unless named in --controllers (`*,bootstrapsigner,tokencleaner`, as kubeadm runs them). */
export const disabledByDefaultControllers: readonly string[] = ['bootstrapsigner', 'tokencleaner'];
