import { formatTime, labelSelectorFromObject, poddisruptionbudgets, type Condition, type Pod, type PodDisruptionBudget, type PodDisruptionBudgetStatus } from '@skiff/api';
import { splitObjectKey, type EventRecorder, type KubeClient, type Lister } from '@skiff/client';
import { isPodReady } from '../endpoints/pod-endpoints';
import { canonicalJSON } from '../endpoints/canonical-json';
import { expectedPodsFromControllers, isPercent, scaledValue, type ScaleListers } from './expected-pods';

/** An eviction the apiserver granted is expected to show up as a deleted pod within this long; after it, the entry expires. */
export const disruptedPodTimeoutMs = 2 * 60_000;

export interface DisruptionDeps extends ScaleListers {
  client: KubeClient;
  budgets: Lister<PodDisruptionBudget>;
  pods: Lister<Pod>;
  recorder: EventRecorder;
  now: () => number;
}

export interface DisruptionResult {
  /** When a disruptedPods entry expires, so the controller can look again then. */
  recheckAfterMs?: number;
}

/**
 * Computes a PodDisruptionBudget's status from the pods it selects: how many are expected, how many are healthy
 * (Ready, not being deleted, not just evicted), how many must stay healthy, and so how many may be disrupted.
 */
export async function reconcileDisruptionBudget(key: string, deps: DisruptionDeps): Promise<DisruptionResult> {
  const { namespace = '', name } = splitObjectKey(key);
  const pdb = deps.budgets.get(namespace, name);
  if (!pdb) return {};
  const now = deps.now();
  const selected = deps.pods.listInNamespace(namespace, labelSelectorFromObject(pdb.spec?.selector));
  if (selected.length === 0) deps.recorder.event(pdb, 'Normal', 'NoPods', 'No matching pods found');

  const { disruptedPods, recheckAfterMs } = liveDisruptedPods(pdb, selected, now);
  const { expectedPods, desiredHealthy } = budgetTargets(pdb, selected, deps);
  const currentHealthy = selected.filter((p) => !p.metadata.deletionTimestamp && !disruptedPods[p.metadata.name!] && isPodReady(p)).length;
  const disruptionsAllowed = expectedPods <= 0 ? 0 : Math.max(0, currentHealthy - desiredHealthy);

  const generation = pdb.metadata.generation;
  const allowed = disruptionsAllowed > 0;
  const old = pdb.status?.conditions?.find((c) => c.type === 'DisruptionAllowed');
  const status = allowed ? 'True' : 'False';
  const condition: Condition = {
    type: 'DisruptionAllowed',
    status,
    reason: allowed ? 'SufficientPods' : 'InsufficientPods',
    message: '',
    lastTransitionTime: old?.status === status ? old.lastTransitionTime : formatTime(new Date(now)),
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
  };
  const next: PodDisruptionBudgetStatus = {
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    disruptedPods,
    disruptionsAllowed,
    currentHealthy,
    desiredHealthy,
    expectedPods,
    conditions: [...(pdb.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionAllowed'), condition],
  };
  if (canonicalJSON(withoutEmptyMap(pdb.status ?? {})) !== canonicalJSON(withoutEmptyMap(next))) {
    // The cached resourceVersion makes a stale cache a conflict, retried from fresh state.
    await deps.client.update<PodDisruptionBudget>(poddisruptionbudgets, { ...pdb, status: next }, { subresource: 'status' });
  }
  return { recheckAfterMs };
}

function budgetTargets(pdb: PodDisruptionBudget, selected: readonly Pod[], deps: ScaleListers): { expectedPods: number; desiredHealthy: number } {
  const { minAvailable, maxUnavailable } = pdb.spec ?? {};
  const fromControllers = () => expectedPodsFromControllers(selected, deps) ?? selected.length;
  if (maxUnavailable !== undefined) {
    const expectedPods = fromControllers();
    return { expectedPods, desiredHealthy: Math.max(0, expectedPods - scaledValue(maxUnavailable, expectedPods, true)) };
  }
  if (minAvailable !== undefined && isPercent(minAvailable)) {
    const expectedPods = fromControllers();
    return { expectedPods, desiredHealthy: scaledValue(minAvailable, expectedPods, true) };
  }
  // An absolute minAvailable needs no controller: the matching pods are what is expected.
  return { expectedPods: selected.length, desiredHealthy: typeof minAvailable === 'number' ? minAvailable : Number(minAvailable ?? 1) };
}

/** Keeps the entries for pods still present, not yet being deleted, and evicted less than the timeout ago. */
function liveDisruptedPods(pdb: PodDisruptionBudget, selected: readonly Pod[], now: number): { disruptedPods: Record<string, string>; recheckAfterMs?: number } {
  const byName = new Map(selected.map((p) => [p.metadata.name!, p]));
  const disruptedPods: Record<string, string> = {};
  let recheckAfterMs: number | undefined;
  for (const [podName, at] of Object.entries(pdb.status?.disruptedPods ?? {})) {
    const pod = byName.get(podName);
    if (!pod || pod.metadata.deletionTimestamp) continue;
    const expiresIn = Date.parse(at) + disruptedPodTimeoutMs - now;
    if (expiresIn <= 0) continue;
    disruptedPods[podName] = at;
    recheckAfterMs = Math.min(recheckAfterMs ?? Infinity, expiresIn);
  }
  return { disruptedPods, recheckAfterMs };
}

/** An absent disruptedPods and an empty one mean the same. */
function withoutEmptyMap(status: PodDisruptionBudgetStatus): PodDisruptionBudgetStatus {
  const { disruptedPods, ...rest } = status;
  return disruptedPods && Object.keys(disruptedPods).length ? { ...rest, disruptedPods } : rest;
}
