import { horizontalPodAutoscalerPrinter, podDisruptionBudgetPrinter, priorityClassPrinter } from './policy-printers';
import { ago, now } from './test-fixtures';

const meta = { name: 'web', namespace: 'default', creationTimestamp: ago(60) };

describe('podDisruptionBudgetPrinter', () => {
  it('prints the budget, N/A for the unset bound', () => {
    expect(podDisruptionBudgetPrinter.columns.map((c) => c.name)).toEqual(['Name', 'Min Available', 'Max Unavailable', 'Allowed Disruptions', 'Age']);
    expect(podDisruptionBudgetPrinter.cells({ metadata: meta, spec: { minAvailable: 2 }, status: { disruptionsAllowed: 1 } }, now)).toEqual(['web', '2', 'N/A', 1, '60s']);
    expect(podDisruptionBudgetPrinter.cells({ metadata: meta, spec: { maxUnavailable: '25%' } }, now)).toEqual(['web', 'N/A', '25%', 0, '60s']);
  });
});

describe('priorityClassPrinter', () => {
  it('prints value, global default and preemption policy', () => {
    expect(priorityClassPrinter.columns.map((c) => c.name)).toEqual(['Name', 'Value', 'Global-Default', 'Age', 'PreemptionPolicy']);
    const pc = { metadata: { name: 'high', creationTimestamp: ago(60) }, value: 1000, globalDefault: true, preemptionPolicy: 'Never' as const };
    expect(priorityClassPrinter.cells(pc, now)).toEqual(['high', 1000, true, '60s', 'Never']);
    expect(priorityClassPrinter.cells({ metadata: pc.metadata, value: 5 }, now)).toEqual(['high', 5, false, '60s', '']);
  });
});

describe('horizontalPodAutoscalerPrinter', () => {
  it('prints the reference, CPU target and replica bounds', () => {
    expect(horizontalPodAutoscalerPrinter.columns.map((c) => c.name)).toEqual(['Name', 'Reference', 'Targets', 'MinPods', 'MaxPods', 'Replicas', 'Age']);
    const hpa = {
      metadata: meta,
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 50 },
      status: { currentReplicas: 3, currentCPUUtilizationPercentage: 35 },
    };
    expect(horizontalPodAutoscalerPrinter.cells(hpa, now)).toEqual(['web', 'Deployment/web', 'cpu: 35%/50%', '2', 10, 3, '60s']);
  });

  it('shows <unknown> current usage and the default 80% target', () => {
    const hpa = { metadata: meta, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 4 } };
    expect(horizontalPodAutoscalerPrinter.cells(hpa, now).slice(2, 6)).toEqual(['cpu: <unknown>/80%', '<unset>', 4, 0]);
  });
});
