import { labelSelectorFromObject, type PodDisruptionBudget } from '@skiff/api';
import type { PodInfo } from '../../cache/pod-info';

/**
 * Splits victims into those whose eviction would exceed a PodDisruptionBudget's disruptionsAllowed and the rest,
 * spending each budget's allowance in the order given (most important first).
 */
export function splitByBudgetViolation(pods: readonly PodInfo[], budgets: readonly PodDisruptionBudget[]): { violating: PodInfo[]; nonViolating: PodInfo[] } {
  const allowed = budgets.map((b) => b.status?.disruptionsAllowed ?? 0);
  const selectors = budgets.map((b) => {
    try {
      const s = labelSelectorFromObject(b.spec?.selector);
      // An empty selector selects nothing here, as in Kubernetes' preemption.
      return s.isEmpty() ? undefined : s;
    } catch {
      return undefined;
    }
  });
  const violating: PodInfo[] = [];
  const nonViolating: PodInfo[] = [];
  for (const pod of pods) {
    let violates = false;
    budgets.forEach((b, i) => {
      if ((b.metadata.namespace ?? '') !== pod.namespace) return;
      const selector = selectors[i];
      if (!selector || !selector.matches(pod.labels)) return;
      // Already counted by the apiserver's eviction path.
      if (b.status?.disruptedPods && pod.name in b.status.disruptedPods) return;
      allowed[i]--;
      if (allowed[i] < 0) violates = true;
    });
    (violates ? violating : nonViolating).push(pod);
  }
  return { violating, nonViolating };
}
