import { deployments, replicasets, type Deployment, type DeploymentStatus, type Pod, type ReplicaSet } from '@skiff/api';
import { isAlreadyExists, isNotFound, objectKey, type Clock, type EventRecorder, type KubeClient, type Lister } from '@skiff/client';
import { controllerOf, controllerReferenceTo } from '../replicaset/controller-ref';
import { calculateStatus, getCondition, hasProgressDeadline, newCondition, progressDeadline, rolloutStatus, setCondition, statusChanged } from './deployment-status';
import { podTemplateHash, podTemplateHashLabel, templatesEqual } from './pod-template-hash';
import { desiredReplicasAnnotation, maxReplicasAnnotation, maxRevision, newReplicaSetAnnotations, revisionAnnotation, revisionOf, sameAnnotations } from './revisions';
import { byCreation, maxSurge, newReplicaSetReplicas, replicasOf } from './rollout-math';

export interface DeploymentDeps {
  client: KubeClient;
  deployments: Lister<Deployment>;
  replicaSets: Lister<ReplicaSet>;
  pods: Lister<Pod>;
  recorder: EventRecorder;
  clock: Clock;
  /** Asks for another sync after `ms` (to notice a passed progress deadline). */
  enqueueAfter(key: string, ms: number): void;
}

/**
 * One sync of one Deployment: a working copy whose status collects the conditions set along the way, the
 * ReplicaSets it controls (kept current as they are written), and the writes every strategy shares.
 */
export class DeploymentRollout {
  constructor(
    readonly deps: DeploymentDeps,
    readonly d: Deployment,
    public sets: ReplicaSet[],
  ) {}

  private get now(): number {
    return this.deps.clock.now();
  }

  /** The set whose template is the deployment's (the oldest if several), and all the others. */
  newAndOld(): { newRS?: ReplicaSet; old: ReplicaSet[] } {
    const sorted = [...this.sets].sort(byCreation);
    const newRS = sorted.find((rs) => templatesEqual(rs.spec.template, this.d.spec.template));
    return { newRS, old: sorted.filter((rs) => rs !== newRS) };
  }

  private replace(rs: ReplicaSet): ReplicaSet {
    this.sets = this.sets.map((s) => (s.metadata.uid === rs.metadata.uid ? rs : s));
    if (!this.sets.includes(rs)) this.sets.push(rs);
    return rs;
  }

  /**
   * Finds the new ReplicaSet and brings its revision one past the old ones (a rollback's reused set gets the next
   * revision), or creates it when asked; the deployment's revision annotation follows the new set's.
   */
  async syncRevision(create: boolean): Promise<{ newRS?: ReplicaSet; old: ReplicaSet[] }> {
    const { newRS: existing, old } = this.newAndOld();
    const newRevision = maxRevision(old) + 1;
    let newRS = existing;
    if (existing) {
      const annotations = newReplicaSetAnnotations(this.d, existing, newRevision);
      const minReadySeconds = this.d.spec.minReadySeconds ?? 0;
      if (!sameAnnotations(annotations, existing.metadata.annotations) || (existing.spec.minReadySeconds ?? 0) !== minReadySeconds) {
        const copy = structuredClone(existing);
        copy.metadata.annotations = annotations;
        copy.spec.minReadySeconds = minReadySeconds;
        newRS = this.replace(await this.deps.client.update<ReplicaSet>(replicasets, copy));
      }
      if (hasProgressDeadline(this.d) && !getCondition(this.d.status, 'Progressing')) {
        this.setCondition('Progressing', 'True', 'FoundNewReplicaSet', `Found new replica set "${newRS!.metadata.name}"`);
      }
    } else if (create) {
      newRS = await this.createNewReplicaSet(old, newRevision);
    }
    if (newRS) await this.syncDeploymentRevision(newRS.metadata.annotations?.[revisionAnnotation]);
    return { newRS, old };
  }

  private setCondition(type: string, status: string, reason: string, message: string): void {
    this.d.status ??= {};
    setCondition(this.d.status, newCondition(type, status, reason, message, this.now));
  }

  private async syncDeploymentRevision(revision: string | undefined): Promise<void> {
    if (!revision || this.d.metadata.annotations?.[revisionAnnotation] === revision) return;
    const patched = await this.deps.client.patch<Deployment>(deployments, this.d.metadata.namespace, this.d.metadata.name!, 'merge', {
      metadata: { annotations: { [revisionAnnotation]: revision } },
    });
    this.d.metadata.annotations = patched.metadata.annotations;
  }

  private async createNewReplicaSet(old: ReplicaSet[], revision: number): Promise<ReplicaSet> {
    const d = this.d;
    const hash = podTemplateHash(d.spec.template, d.status?.collisionCount);
    const template = structuredClone(d.spec.template);
    template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [podTemplateHashLabel]: hash } };
    const selector = structuredClone(d.spec.selector);
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [podTemplateHashLabel]: hash };
    const draft: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        labels: template.metadata.labels,
        annotations: newReplicaSetAnnotations(d, undefined, revision),
        ownerReferences: [controllerReferenceTo(d, deployments)],
      },
      spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
    };
    const replicas = newReplicaSetReplicas(d, [...old, draft], 0);
    draft.spec.replicas = replicas;
    draft.metadata.annotations![desiredReplicasAnnotation] = String(replicasOf(d));
    draft.metadata.annotations![maxReplicasAnnotation] = String(replicasOf(d) + maxSurge(d));
    let created: ReplicaSet;
    try {
      created = await this.deps.client.create<ReplicaSet>(replicasets, d.metadata.namespace, draft);
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      const existing = await this.deps.client.get<ReplicaSet>(replicasets, d.metadata.namespace, draft.metadata.name!);
      // Our own set that the cache had not shown yet: use it.
      if (controllerOf(existing)?.uid === d.metadata.uid && templatesEqual(existing.spec.template, d.spec.template)) return this.replace(existing);
      // A different template hashed to the same name: bump collisionCount so the next attempt gets another name.
      const collisionCount = (d.status?.collisionCount ?? 0) + 1;
      await this.deps.client.patch(deployments, d.metadata.namespace, d.metadata.name!, 'merge', { status: { collisionCount } }, { subresource: 'status' });
      throw new Error(`hash collision for ReplicaSet ${draft.metadata.name}; collisionCount is now ${collisionCount}`);
    }
    if (replicas > 0) this.deps.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${replicas}`);
    if (hasProgressDeadline(d)) this.setCondition('Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${created.metadata.name}"`);
    return this.replace(created);
  }

  /** Sets a ReplicaSet's size (and the desired/max annotations proportional scaling reads); true when the size changed. */
  async scale(rs: ReplicaSet, replicas: number): Promise<boolean> {
    const from = replicasOf(rs);
    const desired = String(replicasOf(this.d));
    const max = String(replicasOf(this.d) + maxSurge(this.d));
    const annotations = rs.metadata.annotations ?? {};
    if (from === replicas && annotations[desiredReplicasAnnotation] === desired && annotations[maxReplicasAnnotation] === max) return false;
    const copy = structuredClone(rs);
    copy.spec.replicas = replicas;
    copy.metadata.annotations = { ...annotations, [desiredReplicasAnnotation]: desired, [maxReplicasAnnotation]: max };
    this.replace(await this.deps.client.update<ReplicaSet>(replicasets, copy));
    if (from === replicas) return false;
    const direction = replicas > from ? 'up' : 'down';
    this.deps.recorder.event(this.d, 'Normal', 'ScalingReplicaSet', `Scaled ${direction} replica set ${rs.metadata.name} from ${from} to ${replicas}`);
    return true;
  }

  /** Deletes the oldest fully scaled-down sets beyond revisionHistoryLimit. */
  async cleanupHistory(old: ReplicaSet[]): Promise<void> {
    const limit = this.d.spec.revisionHistoryLimit;
    if (limit === undefined) return;
    const alive = old.filter((rs) => !rs.metadata.deletionTimestamp);
    const excess = alive.length - limit;
    if (excess <= 0) return;
    const byRevision = [...alive].sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
    for (const rs of byRevision.slice(0, excess)) {
      const settled = (rs.status?.replicas ?? 0) === 0 && replicasOf(rs) === 0 && (rs.status?.observedGeneration ?? 0) >= (rs.metadata.generation ?? 0);
      if (!settled) continue;
      try {
        await this.deps.client.delete(replicasets, rs.metadata.namespace, rs.metadata.name!);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      this.sets = this.sets.filter((s) => s !== rs);
    }
  }

  /** Writes counts and the Available condition, leaving Progressing as it is (scaling and paused syncs). */
  async syncStatus(): Promise<void> {
    await this.writeStatus(calculateStatus(this.d, this.sets, this.newAndOld().newRS, this.now));
  }

  /** Writes counts and conditions including Progressing, judged against the progress deadline. */
  async syncRolloutStatus(): Promise<void> {
    await this.writeStatus(rolloutStatus(this.d, this.sets, this.newAndOld().newRS, this.now));
  }

  private async writeStatus(status: DeploymentStatus): Promise<void> {
    const original = this.deps.deployments.get(this.d.metadata.namespace, this.d.metadata.name!)?.status;
    if (statusChanged(original, status)) {
      // Every field is sent: a merge patch would otherwise keep stale values the new status leaves out.
      const body = { ...status, conditions: status.conditions ?? [] };
      await this.deps.client.patch(deployments, this.d.metadata.namespace, this.d.metadata.name!, 'merge', { status: body }, { subresource: 'status' });
    }
    // A rollout that makes no progress produces no events; wake up when its deadline passes.
    const deadline = this.d.spec.paused ? undefined : progressDeadline(this.d, status);
    if (deadline !== undefined && !(status.availableReplicas === replicasOf(this.d) && status.updatedReplicas === replicasOf(this.d))) {
      this.deps.enqueueAfter(objectKey(this.d), Math.max(0, deadline - this.now) + 1000);
    }
  }
}
