import type { KObject } from '../meta/object-meta';
import { cronJobPrinter, jobPrinter } from './batch-printers';
import { certificateSigningRequestPrinter } from './certificate-printers';
import { configMapPrinter, leasePrinter, namespacePrinter, secretPrinter, serviceAccountPrinter } from './config-printers';
import { defaultPrinter } from './default-printer';
import { eventPrinter } from './event-printer';
import { nodePrinter } from './node-printer';
import { podPrinter } from './pod-printer';
import { clusterRoleBindingPrinter, roleBindingPrinter } from './rbac-printers';
import { horizontalPodAutoscalerPrinter, podDisruptionBudgetPrinter, priorityClassPrinter } from './policy-printers';
import { endpointSlicePrinter, endpointsPrinter, servicePrinter } from './service-printers';
import type { TablePrinter } from './table-printer';
import { controllerRevisionPrinter, daemonSetPrinter, deploymentPrinter, replicaSetPrinter, statefulSetPrinter } from './workload-printers';

// Keyed by group and kind: the columns do not change between versions of a kind.
const printers = new Map<string, TablePrinter<any>>([
  ['/Pod', podPrinter],
  ['/Node', nodePrinter],
  ['/Namespace', namespacePrinter],
  ['/Service', servicePrinter],
  ['/Endpoints', endpointsPrinter],
  ['/Event', eventPrinter],
  ['/ConfigMap', configMapPrinter],
  ['/Secret', secretPrinter],
  ['/ServiceAccount', serviceAccountPrinter],
  ['apps/Deployment', deploymentPrinter],
  ['apps/ReplicaSet', replicaSetPrinter],
  ['apps/DaemonSet', daemonSetPrinter],
  ['apps/StatefulSet', statefulSetPrinter],
  ['apps/ControllerRevision', controllerRevisionPrinter],
  ['batch/Job', jobPrinter],
  ['batch/CronJob', cronJobPrinter],
  ['discovery.k8s.io/EndpointSlice', endpointSlicePrinter],
  ['coordination.k8s.io/Lease', leasePrinter],
  ['policy/PodDisruptionBudget', podDisruptionBudgetPrinter],
  ['scheduling.k8s.io/PriorityClass', priorityClassPrinter],
  ['autoscaling/HorizontalPodAutoscaler', horizontalPodAutoscalerPrinter],
  ['rbac.authorization.k8s.io/RoleBinding', roleBindingPrinter],
  ['rbac.authorization.k8s.io/ClusterRoleBinding', clusterRoleBindingPrinter],
  ['certificates.k8s.io/CertificateSigningRequest', certificateSigningRequestPrinter],
]);

/** The printer for a kind, or the Name / Created At printer for kinds without their own columns. */
export function tablePrinterFor(group: string, kind: string): TablePrinter<KObject> {
  return printers.get(`${group}/${kind}`) ?? defaultPrinter;
}
