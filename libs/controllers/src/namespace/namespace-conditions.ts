import type { Namespace } from '@skiff/api';

export type NamespaceCondition = NonNullable<NonNullable<Namespace['status']>['conditions']>[number];

/** What one deletion pass found, from which the conditions Kubernetes shows on a Terminating namespace follow. */
export interface DeletionOutcome {
  /** Failures deleting content, one line each. */
  errors: string[];
  /** Objects left per resource, e.g. { 'configmaps.': 2, 'replicasets.apps': 1 }. */
  remaining: Record<string, number>;
  /** Objects left per finalizer they carry. */
  finalizersRemaining: Record<string, number>;
}

const describeCounts = (counts: Record<string, number>, noun: string) =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([what, n]) => `${what} ${noun} ${n}`)
    .join(', ');

/** The deletion conditions with the types, reasons and messages kube-controller-manager uses. */
export function deletionConditions(outcome: DeletionOutcome): Omit<NamespaceCondition, 'lastTransitionTime'>[] {
  const remaining = Object.entries(outcome.remaining).map(([r, n]) => `${r} has ${n} objects`);
  const finalizers = describeCounts(outcome.finalizersRemaining, 'in');
  return [
    { type: 'NamespaceDeletionDiscoveryFailure', status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
    { type: 'NamespaceDeletionGroupVersionParsingFailure', status: 'False', reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
    outcome.errors.length
      ? { type: 'NamespaceDeletionContentFailure', status: 'True', reason: 'ContentDeletionFailed', message: `Failed to delete all resource types, ${outcome.errors.length} remaining: ${outcome.errors.join(', ')}` }
      : { type: 'NamespaceDeletionContentFailure', status: 'False', reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
    remaining.length
      ? { type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${remaining.sort().join(', ')}` }
      : { type: 'NamespaceContentRemaining', status: 'False', reason: 'ContentRemoved', message: 'All content successfully removed' },
    finalizers
      ? { type: 'NamespaceFinalizersRemaining', status: 'True', reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${finalizers.replace(/ in (\d+)/g, ' in $1 resource instances')}` }
      : { type: 'NamespaceFinalizersRemaining', status: 'False', reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
  ];
}

/** Merges new conditions into the old ones, keeping lastTransitionTime unless the status flipped. */
export function mergeConditions(old: NamespaceCondition[], next: Omit<NamespaceCondition, 'lastTransitionTime'>[], now: string): NamespaceCondition[] {
  const merged = old.filter((c) => !next.some((n) => n.type === c.type));
  for (const n of next) {
    const prev = old.find((c) => c.type === n.type);
    merged.push({ ...n, lastTransitionTime: prev && prev.status === n.status ? prev.lastTransitionTime : now });
  }
  return merged;
}

export function sameConditions(a: NamespaceCondition[], b: NamespaceCondition[]): boolean {
  const key = (cs: NamespaceCondition[]) => JSON.stringify([...cs].sort((x, y) => x.type.localeCompare(y.type)));
  return key(a) === key(b);
}
