import { controllerrevisions, type ControllerRevision, type PodTemplateSpec, type StatefulSet } from '@skiff/api';
import { isAlreadyExists, type KubeClient, type Lister } from '@skiff/client';
import { templateHash } from '../daemonset/daemon-pod';

/** The revision name of the set's current template: `<set>-<hash>`, also the pods' controller-revision-hash label. */
export function updateRevisionName(sts: StatefulSet): string {
  return `${sts.metadata.name}-${templateHash(sts)}`;
}

export function ownedRevisions(sts: StatefulSet, revisions: Lister<ControllerRevision>): ControllerRevision[] {
  return revisions.listInNamespace(sts.metadata.namespace ?? '').filter((r) => r.metadata.ownerReferences?.some((o) => o.controller && o.uid === sts.metadata.uid));
}

/**
 * Makes sure the current template is stored as a ControllerRevision, so pods below the partition can later be
 * recreated from the template they were made with. The stored data is the template under spec, as Kubernetes keeps it.
 */
export async function ensureUpdateRevision(sts: StatefulSet, revisions: Lister<ControllerRevision>, client: KubeClient): Promise<void> {
  const name = updateRevisionName(sts);
  const owned = ownedRevisions(sts, revisions);
  if (owned.some((r) => r.metadata.name === name)) return;
  const revision = Math.max(0, ...owned.map((r) => r.revision)) + 1;
  try {
    await client.create<ControllerRevision>(controllerrevisions, sts.metadata.namespace, {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name,
        namespace: sts.metadata.namespace,
        labels: { ...(sts.spec.template.metadata?.labels ?? {}) },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: sts.metadata.name!, uid: sts.metadata.uid!, controller: true, blockOwnerDeletion: true }],
      },
      data: { spec: { template: sts.spec.template } },
      revision,
    });
  } catch (e) {
    // Our cache had not seen it yet.
    if (!isAlreadyExists(e)) throw e;
  }
}

/** The template a revision was made from; the set's own template for its update revision. */
export function templateOfRevision(sts: StatefulSet, name: string, revisions: Lister<ControllerRevision>): PodTemplateSpec | undefined {
  if (name === updateRevisionName(sts)) return sts.spec.template;
  const stored = revisions.get(sts.metadata.namespace, name);
  return (stored?.data as { spec?: { template?: PodTemplateSpec } } | undefined)?.spec?.template;
}
