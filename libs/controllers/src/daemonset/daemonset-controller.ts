import { controllerrevisions, daemonsets, nodes, pods, type ControllerRevision, type DaemonSet, type Node, type Pod } from '@skiff/api';
import { objectKey, type EventRecorder, type Informer } from '@skiff/client';
import type { ControllerContext, ControllerFactory } from '../controller';
import { QueueController } from '../queue-controller';
import { PodExpectations } from './pod-expectations';
import { reconcileDaemonSet } from './reconcile';

/** DaemonSets keyed `namespace/name`; their pods enqueue their owner, and any node change enqueues every DaemonSet. */
export class DaemonSetController extends QueueController {
  private readonly daemonSets: Informer<DaemonSet>;
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly revisions: Informer<ControllerRevision>;
  private readonly recorder: EventRecorder;
  private readonly expectations: PodExpectations;

  constructor(ctx: ControllerContext) {
    super('daemonset', ctx);
    this.recorder = ctx.recorder('daemonset-controller');
    this.expectations = new PodExpectations(() => ctx.clock.now());
    this.daemonSets = ctx.informers.forResource<DaemonSet>(daemonsets);
    this.pods = ctx.informers.forResource<Pod>(pods);
    this.nodes = ctx.informers.forResource<Node>(nodes);
    this.revisions = ctx.informers.forResource<ControllerRevision>(controllerrevisions);
    this.daemonSets.addEventHandler({
      onAdd: (ds) => this.enqueue(objectKey(ds)),
      onUpdate: (_old, ds) => this.enqueue(objectKey(ds)),
      onDelete: (ds) => this.enqueue(objectKey(ds)),
    });
    this.pods.addEventHandler({
      onAdd: (p) => this.enqueueOwner(p),
      onUpdate: (_old, p) => this.enqueueOwner(p),
      onDelete: (p) => this.enqueueOwner(p),
    });
    const enqueueAll = () => {
      for (const ds of this.daemonSets.lister.list()) this.enqueue(objectKey(ds));
    };
    // Heartbeats change node status every few seconds; only labels and taints change where daemon pods belong.
    this.nodes.addEventHandler({
      onAdd: enqueueAll,
      onUpdate: (old, node) => {
        if (JSON.stringify([old.metadata.labels, old.spec?.taints]) !== JSON.stringify([node.metadata.labels, node.spec?.taints])) enqueueAll();
      },
      onDelete: enqueueAll,
    });
  }

  private enqueueOwner(pod: Pod): void {
    const ref = pod.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'DaemonSet');
    if (ref) this.enqueue(`${pod.metadata.namespace}/${ref.name}`);
  }

  async reconcile(key: string): Promise<void> {
    const { recheckAfterMs } = await reconcileDaemonSet(key, {
      client: this.ctx.client,
      daemonSets: this.daemonSets.lister,
      pods: this.pods.lister,
      nodes: this.nodes.lister,
      revisions: this.revisions.lister,
      recorder: this.recorder,
      expectations: this.expectations,
      now: () => this.ctx.clock.now(),
    });
    if (recheckAfterMs !== undefined) this.queue.addAfter(key, recheckAfterMs);
  }
}

export const daemonSetControllerFactory: ControllerFactory = (ctx) => new DaemonSetController(ctx);
