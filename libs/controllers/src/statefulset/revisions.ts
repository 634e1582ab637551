import { controllerrevisions, type ControllerRevision, type ObjectMeta, type PodTemplateSpec } from '@skiff/api';
import { isAlreadyExists, isNotFound, type KubeClient, type Lister } from '@skiff/client';
import { templateHash } from '../daemonset/daemon-pod';

/** What DaemonSets and StatefulSets share for revision history: a pod template owned under a kind. */
export interface RevisionedWorkload {
  kind?: string;
  metadata: ObjectMeta;
  spec: { template: PodTemplateSpec; revisionHistoryLimit?: number };
  status?: { collisionCount?: number };
}

/** The ControllerRevision name of the workload's current template: `<name>-<hash>`. */
export function updateRevisionName(workload: RevisionedWorkload): string {
  return `${workload.metadata.name}-${templateHash(workload)}`;
}

export function ownedRevisions(workload: RevisionedWorkload, revisions: Lister<ControllerRevision>): ControllerRevision[] {
  return revisions.listInNamespace(workload.metadata.namespace ?? '').filter((r) => r.metadata.ownerReferences?.some((o) => o.controller && o.uid === workload.metadata.uid));
}

/**
 * Makes sure the current template is stored as a ControllerRevision (data `{spec: {template}}`, as Kubernetes keeps
 * it), so that pods can be recreated from the template they were made with and `kubectl rollout history` sees it.
 */
export async function ensureUpdateRevision(workload: RevisionedWorkload, revisions: Lister<ControllerRevision>, client: KubeClient): Promise<void> {
  const name = updateRevisionName(workload);
  const owned = ownedRevisions(workload, revisions);
  if (owned.some((r) => r.metadata.name === name)) return;
  const revision = Math.max(0, ...owned.map((r) => r.revision)) + 1;
  try {
    await client.create<ControllerRevision>(controllerrevisions, workload.metadata.namespace, {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name,
        namespace: workload.metadata.namespace,
        labels: { ...(workload.spec.template.metadata?.labels ?? {}) },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: workload.kind ?? '', name: workload.metadata.name!, uid: workload.metadata.uid!, controller: true, blockOwnerDeletion: true }],
      },
      data: { spec: { template: workload.spec.template } },
      revision,
    });
  } catch (e) {
    // Our cache had not seen it yet.
    if (!isAlreadyExists(e)) throw e;
  }
}

/** Deletes the oldest revisions no pod uses beyond revisionHistoryLimit (10 by default); `inUse` are revision names. */
export async function pruneRevisions(workload: RevisionedWorkload, inUse: ReadonlySet<string>, revisions: Lister<ControllerRevision>, client: KubeClient): Promise<void> {
  const limit = workload.spec.revisionHistoryLimit ?? 10;
  const unused = ownedRevisions(workload, revisions)
    .filter((r) => !inUse.has(r.metadata.name!) && r.metadata.name !== updateRevisionName(workload))
    .sort((a, b) => a.revision - b.revision);
  for (const r of unused.slice(0, Math.max(0, unused.length - limit))) {
    try {
      await client.delete(controllerrevisions, r.metadata.namespace, r.metadata.name!);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

/** The template a revision was made from; the workload's own template for its update revision. */
export function templateOfRevision(workload: RevisionedWorkload, name: string, revisions: Lister<ControllerRevision>): PodTemplateSpec | undefined {
  if (name === updateRevisionName(workload)) return workload.spec.template;
  const stored = revisions.get(workload.metadata.namespace, name);
  return (stored?.data as { spec?: { template?: PodTemplateSpec } } | undefined)?.spec?.template;
}
