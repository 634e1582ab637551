import { labelSelectorFromObject, pods as podType, replicasets, type Pod, type ReplicaSet } from '@skiff/api';
import { objectKey, type EventRecorder, type Informer } from '@skiff/client';
import type { ControllerContext, ControllerFactory } from '../controller';
import { QueueController } from '../queue-controller';
import { controllerOf } from './controller-ref';
import { ControllerExpectations } from './expectations';
import { podKey, reconcileReplicaSet } from './reconcile';

/** Keeps spec.replicas pods running for each ReplicaSet; handlers only record observations and enqueue. */
export class ReplicaSetController extends QueueController {
  readonly expectations: ControllerExpectations;
  private readonly replicaSetInformer: Informer<ReplicaSet>;
  private readonly podInformer: Informer<Pod>;
  private readonly recorder: EventRecorder;

  constructor(ctx: ControllerContext) {
    super('replicaset', ctx);
    this.expectations = new ControllerExpectations(ctx.clock);
    this.recorder = ctx.recorder('replicaset-controller');
    this.replicaSetInformer = ctx.informers.forResource<ReplicaSet>(replicasets);
    this.podInformer = ctx.informers.forResource<Pod>(podType);
    this.replicaSetInformer.addEventHandler({
      onAdd: (rs) => this.enqueue(objectKey(rs)),
      onUpdate: (_old, rs) => this.enqueue(objectKey(rs)),
      onDelete: (rs) => {
        this.expectations.forget(objectKey(rs));
        this.enqueue(objectKey(rs));
      },
    });
    this.podInformer.addEventHandler({
      onAdd: (pod) => this.podAdded(pod),
      onUpdate: (old, pod) => this.podUpdated(old, pod),
      onDelete: (pod) => this.podDeleted(pod),
    });
  }

  reconcile(key: string): Promise<void> {
    return reconcileReplicaSet(key, {
      client: this.ctx.client,
      replicaSets: this.replicaSetInformer.lister,
      pods: this.podInformer.lister,
      recorder: this.recorder,
      clock: this.ctx.clock,
      expectations: this.expectations,
      enqueueAfter: (k, ms) => this.queue.addAfter(k, ms),
    });
  }

  /** The ReplicaSet key a controller reference points at, when that set exists with the same uid. */
  private ownerKey(pod: Pod): string | undefined {
    const ref = controllerOf(pod);
    if (!ref || ref.kind !== 'ReplicaSet') return undefined;
    const rs = this.replicaSetInformer.lister.get(pod.metadata.namespace, ref.name);
    return rs && rs.metadata.uid === ref.uid ? objectKey(rs) : undefined;
  }

  /** An orphan may be adopted by any set whose selector matches it. */
  private enqueueMatchingSets(pod: Pod): void {
    for (const rs of this.replicaSetInformer.lister.listInNamespace(pod.metadata.namespace ?? '')) {
      if (labelSelectorFromObject(rs.spec.selector).matches(pod.metadata.labels ?? {})) this.enqueue(objectKey(rs));
    }
  }

  private podAdded(pod: Pod): void {
    if (pod.metadata.deletionTimestamp) return this.podDeleted(pod);
    if (controllerOf(pod)) {
      const key = this.ownerKey(pod);
      if (!key) return;
      this.expectations.creationObserved(key);
      this.enqueue(key);
      return;
    }
    this.enqueueMatchingSets(pod);
  }

  private podUpdated(old: Pod, pod: Pod): void {
    if (pod.metadata.resourceVersion === old.metadata.resourceVersion) return;
    const labelsChanged = JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(pod.metadata.labels ?? {});
    // A pod that started terminating is as good as deleted for expectations; the delete event may come much later.
    if (pod.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) {
      this.podDeleted(pod);
      return;
    }
    const oldRef = controllerOf(old);
    const newRef = controllerOf(pod);
    if (oldRef && oldRef.uid !== newRef?.uid) {
      const oldKey = this.ownerKey(old);
      if (oldKey) this.enqueue(oldKey);
    }
    if (newRef) {
      const key = this.ownerKey(pod);
      if (key) this.enqueue(key);
      return;
    }
    if (labelsChanged || oldRef) this.enqueueMatchingSets(pod);
  }

  private podDeleted(pod: Pod): void {
    const key = this.ownerKey(pod);
    if (!key) return;
    this.expectations.deletionObserved(key, podKey(pod));
    this.enqueue(key);
  }
}

export const replicaSetControllerFactory: ControllerFactory = (ctx) => new ReplicaSetController(ctx);
