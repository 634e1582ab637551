import { builtinScheme, formatTime, namespaces, type KObject, type Namespace, type ResourceType } from '@skiff/api';
import { isNotFound, type Clock, type KubeClient, type Lister } from '@skiff/client';
import { deletionConditions, mergeConditions, sameConditions, type DeletionOutcome } from './namespace-conditions';

/** The finalizer the namespace controller owns in spec.finalizers. */
export const kubernetesFinalizer = 'kubernetes';

export interface NamespaceDeps {
  client: KubeClient;
  namespaces: Lister<Namespace>;
  clock: Clock;
  /** Namespaced resources whose content is deleted; the scheme's namespaced resources that support delete by default. */
  resources?: ResourceType<any>[];
}

export type NamespaceResult = { done: true } | { done: false; waitingFor: string };

export const deletableNamespacedResources = (): ResourceType<any>[] =>
  builtinScheme.all.filter((t) => t.namespaced && t.verbs.includes('list') && t.verbs.includes('delete'));

const resourceName = (t: ResourceType<any>) => `${t.resource}.${t.group}`;

/**
 * Empties a Terminating namespace, as Kubernetes' namespace controller does: every namespaced resource in it is
 * deleted, the outcome is written as status conditions, and once nothing is left `kubernetes` is removed from
 * spec.finalizers through namespaces/<n>/finalize (after which the apiserver removes the namespace).
 */
export async function reconcileNamespace(name: string, deps: NamespaceDeps): Promise<NamespaceResult> {
  const ns = deps.namespaces.get(undefined, name);
  if (!ns?.metadata.deletionTimestamp || !(ns.spec?.finalizers ?? []).includes(kubernetesFinalizer)) return { done: true };

  const outcome = await deleteContent(name, deps.client, deps.resources ?? deletableNamespacedResources());
  const current = await writeConditions(ns, outcome, deps);
  if (!current) return { done: true };
  if (outcome.errors.length) throw new Error(`namespace ${name}: ${outcome.errors.join('; ')}`);
  const left = Object.keys(outcome.remaining);
  if (left.length) return { done: false, waitingFor: left.join(', ') };

  try {
    await deps.client.update<Namespace>(namespaces, { ...current, spec: { ...current.spec, finalizers: (current.spec?.finalizers ?? []).filter((f) => f !== kubernetesFinalizer) } }, { subresource: 'finalize' });
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  return { done: true };
}

/** Deletes what each resource holds in the namespace, then counts what is still there (finalizers, graceful pods). */
async function deleteContent(namespace: string, client: KubeClient, resources: ResourceType<any>[]): Promise<DeletionOutcome> {
  const outcome: DeletionOutcome = { errors: [], remaining: {}, finalizersRemaining: {} };
  for (const type of resources) {
    try {
      const found = (await client.list<KObject>(type, namespace)).items;
      if (found.length === 0) continue;
      if (type.verbs.includes('deletecollection')) await client.deleteCollection(type, namespace);
      else for (const o of found.filter((o) => !o.metadata.deletionTimestamp)) await deleteIgnoringNotFound(client, type, namespace, o.metadata.name!);
      const left = (await client.list<KObject>(type, namespace)).items;
      if (left.length === 0) continue;
      outcome.remaining[resourceName(type)] = left.length;
      for (const o of left) for (const f of o.metadata.finalizers ?? []) outcome.finalizersRemaining[f] = (outcome.finalizersRemaining[f] ?? 0) + 1;
    } catch (e) {
      outcome.errors.push(`${resourceName(type)}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return outcome;
}

async function deleteIgnoringNotFound(client: KubeClient, type: ResourceType<any>, namespace: string, name: string): Promise<void> {
  try {
    await client.delete(type, namespace, name);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

/** Writes the conditions when they changed; returns the namespace as stored, or undefined once it is gone. */
async function writeConditions(ns: Namespace, outcome: DeletionOutcome, deps: NamespaceDeps): Promise<Namespace | undefined> {
  const old = ns.status?.conditions ?? [];
  const next = mergeConditions(old, deletionConditions(outcome), formatTime(new Date(deps.clock.now())));
  if (sameConditions(old, next) && ns.status?.phase === 'Terminating') return ns;
  try {
    return await deps.client.update<Namespace>(namespaces, { ...ns, status: { ...ns.status, phase: 'Terminating', conditions: next } }, { subresource: 'status' });
  } catch (e) {
    // Gone already; a conflict (stale cache copy) is retried by the queue with the newer copy.
    if (isNotFound(e)) return undefined;
    throw e;
  }
}
