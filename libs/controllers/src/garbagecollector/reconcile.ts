import { builtinScheme, type KObject, type OwnerReference, type ResourceType } from '@skiff/api';
import { isNotFound, type KubeClient } from '@skiff/client';
import type { Logger } from '@skiff/logging';
import type { GraphNode, ObjectGraph } from './object-graph';

export const foregroundFinalizer = 'foregroundDeletion';
export const orphanFinalizer = 'orphan';

export interface GarbageCollectorDeps {
  client: KubeClient;
  graph: ObjectGraph;
  logger: Logger;
}

type OwnerState = 'present' | 'absent' | 'waitingForDependents';

const isDeleting = (o: KObject) => !!o.metadata.deletionTimestamp;
const hasFinalizer = (o: KObject, f: string) => (o.metadata.finalizers ?? []).includes(f);
const describe = (n: GraphNode) => `${n.type.resource}/${n.object.metadata.namespace ? `${n.object.metadata.namespace}/` : ''}${n.object.metadata.name}`;

/**
 * The garbage collector's work for one object (by uid), as Kubernetes does it:
 * - an owner being deleted with `orphan` first loses its dependents (their references to it are removed);
 * - an owner being deleted with `foregroundDeletion` first has its dependents deleted, and keeps the finalizer
 *   until no dependent that blocks owner deletion is left;
 * - a dependent whose owners are all gone is deleted (background); one with some owners gone drops the dangling
 *   references; one whose remaining owners all wait for their dependents is deleted in the foreground.
 */
export async function reconcileObject(uid: string, deps: GarbageCollectorDeps): Promise<void> {
  const node = deps.graph.get(uid);
  if (!node) return;
  const obj = node.object;
  if (isDeleting(obj) && hasFinalizer(obj, orphanFinalizer)) return orphanDependents(node, deps);
  if (isDeleting(obj) && hasFinalizer(obj, foregroundFinalizer)) await deleteDependentsFirst(node, deps);
  if (!isDeleting(obj) && (obj.metadata.ownerReferences ?? []).length > 0) await collectIfOwnersGone(node, deps);
}

async function orphanDependents(owner: GraphNode, deps: GarbageCollectorDeps): Promise<void> {
  const uid = owner.object.metadata.uid!;
  for (const dependent of deps.graph.dependentsOf(uid)) {
    const refs = (dependent.object.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
    await patchIgnoringNotFound(deps, dependent, { metadata: { ownerReferences: refs.length ? refs : null, resourceVersion: dependent.object.metadata.resourceVersion } });
  }
  await removeFinalizer(owner, orphanFinalizer, deps);
  deps.logger.info('orphaned dependents', { owner: describe(owner) });
}

async function deleteDependentsFirst(owner: GraphNode, deps: GarbageCollectorDeps): Promise<void> {
  const uid = owner.object.metadata.uid!;
  const blocks = (d: GraphNode) => (d.object.metadata.ownerReferences ?? []).some((r) => r.uid === uid && r.blockOwnerDeletion === true);
  const dependents = deps.graph.dependentsOf(uid);
  const blocking = dependents.filter(blocks);
  for (const d of [...blocking, ...dependents.filter((d) => !blocks(d))]) {
    if (isDeleting(d.object)) continue;
    await deleteIgnoringNotFound(deps, d, blocks(d) ? 'Foreground' : 'Background');
  }
  if (blocking.length === 0) {
    await removeFinalizer(owner, foregroundFinalizer, deps);
    deps.logger.info('dependents deleted; finalized owner', { owner: describe(owner) });
  }
}

async function collectIfOwnersGone(dependent: GraphNode, deps: GarbageCollectorDeps): Promise<void> {
  const refs = dependent.object.metadata.ownerReferences ?? [];
  const states = await Promise.all(refs.map((r) => ownerState(dependent, r, deps)));
  const dangling = refs.filter((_r, i) => states[i] === 'absent');
  const live = states.filter((s) => s !== 'absent');
  if (live.length === 0) {
    await deleteIgnoringNotFound(deps, dependent, 'Background');
    deps.logger.info('deleted dependent whose owners are gone', { object: describe(dependent) });
  } else if (dangling.length > 0) {
    const kept = refs.filter((_r, i) => states[i] !== 'absent');
    await patchIgnoringNotFound(deps, dependent, { metadata: { ownerReferences: kept, resourceVersion: dependent.object.metadata.resourceVersion } });
  } else if (live.every((s) => s === 'waitingForDependents')) {
    const blocking = refs.some((r) => r.blockOwnerDeletion === true);
    await deleteIgnoringNotFound(deps, dependent, blocking ? 'Foreground' : 'Background');
  }
}

/** The cache answers first; an owner it does not hold is looked up live, as the cache may be behind. */
async function ownerState(dependent: GraphNode, ref: OwnerReference, deps: GarbageCollectorDeps): Promise<OwnerState> {
  const cached = deps.graph.get(ref.uid);
  if (cached) return isDeleting(cached.object) && hasFinalizer(cached.object, foregroundFinalizer) ? 'waitingForDependents' : 'present';
  const type = builtinScheme.forKind(ref.apiVersion, ref.kind);
  // An owner of a kind this cluster does not serve can never be found: treat it as absent, as Kubernetes does.
  if (!type) return 'absent';
  try {
    const live = await deps.client.get<KObject>(type, type.namespaced ? dependent.object.metadata.namespace : undefined, ref.name);
    if (live.metadata.uid !== ref.uid) return 'absent';
    return isDeleting(live) && hasFinalizer(live, foregroundFinalizer) ? 'waitingForDependents' : 'present';
  } catch (e) {
    if (isNotFound(e)) return 'absent';
    throw e;
  }
}

async function deleteIgnoringNotFound(deps: GarbageCollectorDeps, n: GraphNode, propagationPolicy: 'Background' | 'Foreground'): Promise<void> {
  try {
    await deps.client.delete(n.type, n.object.metadata.namespace, n.object.metadata.name!, { propagationPolicy, preconditions: { uid: n.object.metadata.uid } });
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

async function patchIgnoringNotFound(deps: GarbageCollectorDeps, n: GraphNode, patch: unknown): Promise<void> {
  try {
    await deps.client.patch(n.type, n.object.metadata.namespace, n.object.metadata.name!, 'merge', patch);
  } catch (e) {
    // A conflict means the cached copy was stale; the queue retries with the newer one.
    if (!isNotFound(e)) throw e;
  }
}

async function removeFinalizer(n: GraphNode, finalizer: string, deps: GarbageCollectorDeps): Promise<void> {
  const finalizers = (n.object.metadata.finalizers ?? []).filter((f) => f !== finalizer);
  await patchIgnoringNotFound(deps, n, { metadata: { finalizers: finalizers.length ? finalizers : null, resourceVersion: n.object.metadata.resourceVersion } });
}

export const collectableResources = (): ResourceType<any>[] =>
  // Events are never owners or owned in practice, and are the busiest resource: Kubernetes' GC ignores them too.
  builtinScheme.all.filter((t) => t.verbs.includes('list') && t.verbs.includes('watch') && t.verbs.includes('delete') && t.resource !== 'events');
