import { deployments, labelSelectorFromObject, pods as podType, replicasets, type Deployment, type Pod, type ReplicaSet } from '@skiff/api';
import { objectKey, type EventRecorder, type Informer } from '@skiff/client';
import type { ControllerContext, ControllerFactory } from '../controller';
import { QueueController } from '../queue-controller';
import { controllerOf } from '../replicaset/controller-ref';
import { reconcileDeployment } from './reconcile';

/** Rolls Deployments out through ReplicaSets; handlers map ReplicaSet and pod events to their Deployment's key. */
export class DeploymentController extends QueueController {
  private readonly deploymentInformer: Informer<Deployment>;
  private readonly replicaSetInformer: Informer<ReplicaSet>;
  private readonly podInformer: Informer<Pod>;
  private readonly recorder: EventRecorder;

  constructor(ctx: ControllerContext) {
    super('deployment', ctx);
    this.recorder = ctx.recorder('deployment-controller');
    this.deploymentInformer = ctx.informers.forResource<Deployment>(deployments);
    this.replicaSetInformer = ctx.informers.forResource<ReplicaSet>(replicasets);
    this.podInformer = ctx.informers.forResource<Pod>(podType);
    this.deploymentInformer.addEventHandler({
      onAdd: (d) => this.enqueue(objectKey(d)),
      onUpdate: (_old, d) => this.enqueue(objectKey(d)),
      onDelete: (d) => this.enqueue(objectKey(d)),
    });
    this.replicaSetInformer.addEventHandler({
      onAdd: (rs) => this.replicaSetChanged(rs),
      onUpdate: (old, rs) => {
        if (controllerOf(old)?.uid !== controllerOf(rs)?.uid) this.replicaSetChanged(old);
        this.replicaSetChanged(rs);
      },
      onDelete: (rs) => this.replicaSetChanged(rs),
    });
    // Recreate waits for the old pods to be gone.
    this.podInformer.addEventHandler({ onDelete: (pod) => this.podDeleted(pod) });
  }

  reconcile(key: string): Promise<void> {
    return reconcileDeployment(key, {
      client: this.ctx.client,
      deployments: this.deploymentInformer.lister,
      replicaSets: this.replicaSetInformer.lister,
      pods: this.podInformer.lister,
      recorder: this.recorder,
      clock: this.ctx.clock,
      enqueueAfter: (k, ms) => this.queue.addAfter(k, ms),
    });
  }

  private ownerKey(rs: ReplicaSet): string | undefined {
    const ref = controllerOf(rs);
    if (!ref || ref.kind !== 'Deployment') return undefined;
    const d = this.deploymentInformer.lister.get(rs.metadata.namespace, ref.name);
    return d && d.metadata.uid === ref.uid ? objectKey(d) : undefined;
  }

  private replicaSetChanged(rs: ReplicaSet): void {
    if (controllerOf(rs)) {
      const key = this.ownerKey(rs);
      if (key) this.enqueue(key);
      return;
    }
    // An orphan may be adopted by any deployment selecting it.
    for (const d of this.deploymentInformer.lister.listInNamespace(rs.metadata.namespace ?? '')) {
      const selector = labelSelectorFromObject(d.spec.selector);
      if (!selector.isEmpty() && selector.matches(rs.metadata.labels ?? {})) this.enqueue(objectKey(d));
    }
  }

  private podDeleted(pod: Pod): void {
    const ref = controllerOf(pod);
    if (!ref || ref.kind !== 'ReplicaSet') return;
    const rs = this.replicaSetInformer.lister.get(pod.metadata.namespace, ref.name);
    const key = rs && this.ownerKey(rs);
    if (key) this.enqueue(key);
  }
}

export const deploymentControllerFactory: ControllerFactory = (ctx) => new DeploymentController(ctx);
