import type { ControllerRevision } from '../apps/v1/controller-revision';
import type { DaemonSet } from '../apps/v1/daemon-set';
import type { Deployment } from '../apps/v1/deployment';
import type { ReplicaSet } from '../apps/v1/replica-set';
import type { StatefulSet } from '../apps/v1/stateful-set';
import { containerCells, formatLabels, formatLabelSelector, labelSelectorText } from './cell-format';
import { ageColumn, ageOf, column, containersColumn, imagesColumn, nameColumn, wideColumn, type TablePrinter } from './table-printer';

const selectorColumn = wideColumn('Selector', 'string', 'The label query over pods that the controller manages.');

export const deploymentPrinter: TablePrinter<Deployment> = {
  columns: [
    nameColumn,
    column('Ready', 'string', 'Number of the pod with ready state'),
    column('Up-to-date', 'string', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    column('Available', 'string', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  cells(d, now) {
    const st = d.status ?? {};
    // Unlike other workloads, an empty Deployment selector prints as nothing rather than <none>.
    const selector = labelSelectorText(d.spec?.selector) ?? '<invalid>';
    return [
      d.metadata.name,
      `${st.readyReplicas ?? 0}/${d.spec?.replicas ?? 1}`,
      st.updatedReplicas ?? 0,
      st.availableReplicas ?? 0,
      ageOf(d, now),
      ...containerCells(d.spec?.template?.spec?.containers),
      selector,
    ];
  },
};

export const replicaSetPrinter: TablePrinter<ReplicaSet> = {
  columns: [
    nameColumn,
    column('Desired', 'integer', 'Replicas is the number of desired pods.'),
    column('Current', 'integer', 'Replicas is the most recently observed number of replicas.'),
    column('Ready', 'integer', 'The number of pods targeted by this ReplicaSet with a Ready Condition.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  cells(rs, now) {
    return [
      rs.metadata.name,
      rs.spec?.replicas ?? 1,
      rs.status?.replicas ?? 0,
      rs.status?.readyReplicas ?? 0,
      ageOf(rs, now),
      ...containerCells(rs.spec?.template?.spec?.containers),
      formatLabelSelector(rs.spec?.selector),
    ];
  },
};

export const daemonSetPrinter: TablePrinter<DaemonSet> = {
  columns: [
    nameColumn,
    column('Desired', 'integer', 'The total number of nodes that should be running the daemon pod.'),
    column('Current', 'integer', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.'),
    column('Ready', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.'),
    column('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod.'),
    column('Available', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.'),
    column('Node Selector', 'string', 'The labels a node must carry for the pod to fit on it.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  cells(ds, now) {
    const st = ds.status ?? {};
    return [
      ds.metadata.name,
      st.desiredNumberScheduled ?? 0,
      st.currentNumberScheduled ?? 0,
      st.numberReady ?? 0,
      st.updatedNumberScheduled ?? 0,
      st.numberAvailable ?? 0,
      formatLabels(ds.spec?.template?.spec?.nodeSelector),
      ageOf(ds, now),
      ...containerCells(ds.spec?.template?.spec?.containers),
      formatLabelSelector(ds.spec?.selector),
    ];
  },
};

export const statefulSetPrinter: TablePrinter<StatefulSet> = {
  columns: [nameColumn, column('Ready', 'string', 'Number of the pod with ready state'), ageColumn, containersColumn, imagesColumn],
  cells(sts, now) {
    return [
      sts.metadata.name,
      `${sts.status?.readyReplicas ?? 0}/${sts.spec?.replicas ?? 1}`,
      ageOf(sts, now),
      ...containerCells(sts.spec?.template?.spec?.containers),
    ];
  },
};

/** `daemonset.apps/web`: the owner's group-qualified kind, lower-cased, and name. */
function controllerOf(cr: ControllerRevision): string {
  const ref = (cr.metadata.ownerReferences ?? []).find((r) => r.controller);
  if (!ref) return '<none>';
  const slash = ref.apiVersion.indexOf('/');
  const group = slash >= 0 ? ref.apiVersion.slice(0, slash) : '';
  const kind = group ? `${ref.kind}.${group}` : ref.kind;
  return `${kind.toLowerCase()}/${ref.name}`;
}

export const controllerRevisionPrinter: TablePrinter<ControllerRevision> = {
  columns: [
    nameColumn,
    column('Controller', 'string', 'Controller of the object'),
    column('Revision', 'string', 'Revision indicates the revision of the state represented by Data.'),
    ageColumn,
  ],
  cells(cr, now) {
    return [cr.metadata.name, controllerOf(cr), cr.revision ?? 0, ageOf(cr, now)];
  },
};
