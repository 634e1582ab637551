import {
  deployments,
  labelSelectorFromObject,
  poddisruptionbudgets,
  pods,
  replicasets,
  statefulsets,
  type Deployment,
  type KObject,
  type Pod,
  type PodDisruptionBudget,
  type ReplicaSet,
  type StatefulSet,
} from '@skiff/api';
import { objectKey, type EventRecorder, type Informer } from '@skiff/client';
import type { ControllerContext, ControllerFactory } from '../controller';
import { QueueController } from '../queue-controller';
import { reconcileDisruptionBudget } from './reconcile';

/** Keeps PodDisruptionBudget status current; pods and the workloads that scale them enqueue the budgets concerned. */
export class DisruptionController extends QueueController {
  private readonly budgets: Informer<PodDisruptionBudget>;
  private readonly pods: Informer<Pod>;
  private readonly replicaSets: Informer<ReplicaSet>;
  private readonly deployments: Informer<Deployment>;
  private readonly statefulSets: Informer<StatefulSet>;
  private readonly recorder: EventRecorder;

  constructor(ctx: ControllerContext) {
    super('disruption', ctx);
    this.recorder = ctx.recorder('controllermanager');
    this.budgets = ctx.informers.forResource<PodDisruptionBudget>(poddisruptionbudgets);
    this.pods = ctx.informers.forResource<Pod>(pods);
    this.replicaSets = ctx.informers.forResource<ReplicaSet>(replicasets);
    this.deployments = ctx.informers.forResource<Deployment>(deployments);
    this.statefulSets = ctx.informers.forResource<StatefulSet>(statefulsets);
    this.budgets.addEventHandler({
      onAdd: (b) => this.enqueue(objectKey(b)),
      onUpdate: (_old, b) => this.enqueue(objectKey(b)),
    });
    this.pods.addEventHandler({
      onAdd: (p) => this.enqueueBudgetsOf(p),
      onUpdate: (old, p) => {
        this.enqueueBudgetsOf(old);
        this.enqueueBudgetsOf(p);
      },
      onDelete: (p) => this.enqueueBudgetsOf(p),
    });
    // A scale change alters expectedPods of every budget over that workload's pods; namespaces hold few budgets.
    const enqueueNamespace = (o: KObject) => {
      for (const b of this.budgets.lister.listInNamespace(o.metadata.namespace ?? '')) this.enqueue(objectKey(b));
    };
    for (const informer of [this.replicaSets, this.deployments, this.statefulSets] as Informer<KObject>[]) {
      informer.addEventHandler({ onAdd: enqueueNamespace, onUpdate: (_old, o) => enqueueNamespace(o), onDelete: enqueueNamespace });
    }
  }

  private enqueueBudgetsOf(pod: Pod): void {
    for (const b of this.budgets.lister.listInNamespace(pod.metadata.namespace ?? '')) {
      if (labelSelectorFromObject(b.spec?.selector).matches(pod.metadata.labels ?? {})) this.enqueue(objectKey(b));
    }
  }

  async reconcile(key: string): Promise<void> {
    const { recheckAfterMs } = await reconcileDisruptionBudget(key, {
      client: this.ctx.client,
      budgets: this.budgets.lister,
      pods: this.pods.lister,
      replicaSets: this.replicaSets.lister,
      deployments: this.deployments.lister,
      statefulSets: this.statefulSets.lister,
      recorder: this.recorder,
      now: () => this.ctx.clock.now(),
    });
    if (recheckAfterMs !== undefined) this.queue.addAfter(key, recheckAfterMs);
  }
}

export const disruptionControllerFactory: ControllerFactory = (ctx) => new DisruptionController(ctx);
