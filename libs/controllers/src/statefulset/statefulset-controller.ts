import { controllerrevisions, pods, statefulsets, type ControllerRevision, type Pod, type StatefulSet } from '@skiff/api';
import { objectKey, type EventRecorder, type Informer } from '@skiff/client';
import type { ControllerContext, ControllerFactory } from '../controller';
import { PodExpectations } from '../daemonset/pod-expectations';
import { QueueController } from '../queue-controller';
import { reconcileStatefulSet } from './reconcile';

/** StatefulSets keyed `namespace/name`; their pods enqueue their owner. */
export class StatefulSetController extends QueueController {
  private readonly statefulSets: Informer<StatefulSet>;
  private readonly pods: Informer<Pod>;
  private readonly revisions: Informer<ControllerRevision>;
  private readonly recorder: EventRecorder;
  private readonly expectations: PodExpectations;

  constructor(ctx: ControllerContext) {
    super('statefulset', ctx);
    this.recorder = ctx.recorder('statefulset-controller');
    this.expectations = new PodExpectations(() => ctx.clock.now());
    this.statefulSets = ctx.informers.forResource<StatefulSet>(statefulsets);
    this.pods = ctx.informers.forResource<Pod>(pods);
    this.revisions = ctx.informers.forResource<ControllerRevision>(controllerrevisions);
    this.statefulSets.addEventHandler({
      onAdd: (s) => this.enqueue(objectKey(s)),
      onUpdate: (_old, s) => this.enqueue(objectKey(s)),
      onDelete: (s) => this.enqueue(objectKey(s)),
    });
    this.pods.addEventHandler({
      onAdd: (p) => this.enqueueOwner(p),
      onUpdate: (_old, p) => this.enqueueOwner(p),
      onDelete: (p) => this.enqueueOwner(p),
    });
  }

  private enqueueOwner(pod: Pod): void {
    const ref = pod.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'StatefulSet');
    if (ref) this.enqueue(`${pod.metadata.namespace}/${ref.name}`);
  }

  async reconcile(key: string): Promise<void> {
    const { recheckAfterMs } = await reconcileStatefulSet(key, {
      client: this.ctx.client,
      statefulSets: this.statefulSets.lister,
      pods: this.pods.lister,
      revisions: this.revisions.lister,
      recorder: this.recorder,
      expectations: this.expectations,
      now: () => this.ctx.clock.now(),
    });
    if (recheckAfterMs !== undefined) this.queue.addAfter(key, recheckAfterMs);
  }
}

export const statefulSetControllerFactory: ControllerFactory = (ctx) => new StatefulSetController(ctx);
