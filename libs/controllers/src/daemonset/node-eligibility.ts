import type { Node, NodeSelectorRequirement, NodeSelectorTerm, PodSpec, Taint, Toleration } from '@skiff/api';

/** Whether a daemon pod should be started on a node, and whether one already there may stay. */
export interface NodeEligibility {
  shouldRun: boolean;
  shouldContinueRunning: boolean;
}

/**
 * Kubernetes' NodeShouldRunDaemonPod without resource checks: the node must match the pod's nodeSelector and
 * required node affinity and carry no NoSchedule/NoExecute taint the pod does not tolerate. A pod already
 * running may stay despite a new NoSchedule taint, but not a NoExecute one.
 */
export function nodeEligibility(node: Node, spec: PodSpec): NodeEligibility {
  if (!matchesNodeSelector(node, spec.nodeSelector) || !matchesRequiredAffinity(node, spec)) return { shouldRun: false, shouldContinueRunning: false };
  const untolerated = (node.spec?.taints ?? []).filter((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !(spec.tolerations ?? []).some((tol) => tolerates(tol, t)));
  return {
    shouldRun: untolerated.length === 0,
    shouldContinueRunning: !untolerated.some((t) => t.effect === 'NoExecute'),
  };
}

function matchesNodeSelector(node: Node, selector: Record<string, string> | undefined): boolean {
  const labels = node.metadata.labels ?? {};
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}

function matchesRequiredAffinity(node: Node, spec: PodSpec): boolean {
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return required.nodeSelectorTerms.some((term) => termMatches(node, term));
}

/** A term with no requirements matches nothing; otherwise every label expression and field must match. */
function termMatches(node: Node, term: NodeSelectorTerm): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (expressions.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  return expressions.every((r) => requirementMatches(r, labels[r.key])) && fields.every((r) => r.key === 'metadata.name' && requirementMatches(r, node.metadata.name));
}

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || values.length !== 1) return false;
      const [have, bound] = [Number(value), Number(values[0])];
      if (!Number.isInteger(have) || !Number.isInteger(bound)) return false;
      return r.operator === 'Gt' ? have > bound : have < bound;
    }
  }
  return false;
}

export function tolerates(tol: Toleration, taint: Taint): boolean {
  if (tol.effect && tol.effect !== taint.effect) return false;
  if ((tol.operator ?? 'Equal') === 'Exists') return !tol.key || tol.key === taint.key;
  return tol.key === taint.key && (tol.value ?? '') === (taint.value ?? '');
}

/** The tolerations Kubernetes gives every daemon pod, so node conditions do not keep node-level agents away. */
export function daemonPodTolerations(spec: PodSpec): Toleration[] {
  const standard: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (spec.hostNetwork) standard.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  const existing = spec.tolerations ?? [];
  const missing = standard.filter((s) => !existing.some((t) => t.key === s.key && t.effect === s.effect && (t.operator ?? 'Equal') === 'Exists'));
  return [...existing, ...missing];
}
