import type { Taint, Toleration } from '@skiff/api';

/**
 * Kubernetes' Toleration.ToleratesTaint: an empty effect or key matches any, Exists ignores the value and
 * Equal (the default) compares it. (An empty key with Equal is rejected by validation, not here.)
 */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

export function taintTolerated(taint: Taint, tolerations: readonly Toleration[]): boolean {
  for (const t of tolerations) if (tolerates(t, taint)) return true;
  return false;
}

/** The first taint with one of `effects` that no toleration tolerates. */
export function firstUntoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[], effects: readonly string[]): Taint | undefined {
  for (const taint of taints) {
    if (!effects.includes(taint.effect)) continue;
    if (!taintTolerated(taint, tolerations)) return taint;
  }
  return undefined;
}
