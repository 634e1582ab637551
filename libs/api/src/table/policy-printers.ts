import type { HorizontalPodAutoscaler } from '../autoscaling/v1/horizontal-pod-autoscaler';
import type { PodDisruptionBudget } from '../policy/v1/pod-disruption-budget';
import type { PriorityClass } from '../scheduling/v1/priority-class';
import { ageColumn, ageOf, column, nameColumn, type TablePrinter } from './table-printer';

function intOrPercent(value: number | string | undefined | null): string {
  return value === undefined || value === null ? 'N/A' : String(value);
}

export const podDisruptionBudgetPrinter: TablePrinter<PodDisruptionBudget> = {
  columns: [
    nameColumn,
    column('Min Available', 'string', 'The minimum number of pods that must be available.'),
    column('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    column('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    ageColumn,
  ],
  cells(pdb, now) {
    return [
      pdb.metadata.name,
      intOrPercent(pdb.spec?.minAvailable),
      intOrPercent(pdb.spec?.maxUnavailable),
      pdb.status?.disruptionsAllowed ?? 0,
      ageOf(pdb, now),
    ];
  },
};

export const priorityClassPrinter: TablePrinter<PriorityClass> = {
  columns: [
    nameColumn,
    column('Value', 'integer', 'The integer priority pods of this class receive.'),
    column('Global-Default', 'boolean', 'Whether pods without a priority class get this one.'),
    ageColumn,
    column('PreemptionPolicy', 'string', 'Whether pods of this class may preempt pods of lower priority.'),
  ],
  cells(pc, now) {
    return [pc.metadata.name, pc.value, pc.globalDefault ?? false, ageOf(pc, now), pc.preemptionPolicy ?? ''];
  },
};

/** The CPU target Kubernetes stores for an autoscaling/v1 HPA that names none. */
const defaultCPUUtilization = 80;

export const horizontalPodAutoscalerPrinter: TablePrinter<HorizontalPodAutoscaler> = {
  columns: [
    nameColumn,
    column('Reference', 'string', 'The workload being scaled.'),
    column('Targets', 'string', 'The current and target values of the metrics the scaling follows.'),
    column('MinPods', 'string', 'The lower limit for the number of replicas.'),
    column('MaxPods', 'string', 'The upper limit for the number of replicas.'),
    column('Replicas', 'string', 'The current number of replicas.'),
    ageColumn,
  ],
  cells(hpa, now) {
    const current = hpa.status?.currentCPUUtilizationPercentage;
    const target = hpa.spec?.targetCPUUtilizationPercentage ?? defaultCPUUtilization;
    const ref = hpa.spec?.scaleTargetRef;
    return [
      hpa.metadata.name,
      `${ref?.kind ?? ''}/${ref?.name ?? ''}`,
      `cpu: ${current === undefined || current === null ? '<unknown>' : `${current}%`}/${target}%`,
      hpa.spec?.minReplicas !== undefined && hpa.spec?.minReplicas !== null ? String(hpa.spec.minReplicas) : '<unset>',
      hpa.spec?.maxReplicas ?? 0,
      hpa.status?.currentReplicas ?? 0,
      ageOf(hpa, now),
    ];
  },
};
