import { nodes, pods, type Node, type Pod } from '@skiff/api';
import type { Informer } from '@skiff/client';
import type { ControllerContext, ControllerFactory } from '../controller';
import { QueueController } from '../queue-controller';
import { sweepPods } from './reconcile';

/** The one key: pod GC looks at all pods at once, so every trigger asks for the same sweep. */
export const podGCSweepKey = 'sweep';
/** Kubernetes' pod GC runs every 20 s; events in between only bring the next sweep forward. */
export const podGCPeriodMs = 20_000;

export class PodGCController extends QueueController {
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;

  constructor(ctx: ControllerContext) {
    super('podgc', ctx);
    this.pods = ctx.informers.forResource<Pod>(pods);
    this.nodes = ctx.informers.forResource<Node>(nodes);
    this.nodes.addEventHandler({ onDelete: () => this.enqueue(podGCSweepKey) });
    this.pods.addEventHandler({
      onAdd: () => this.enqueue(podGCSweepKey),
      onUpdate: (old, pod) => {
        if (old.status?.phase !== pod.status?.phase || (!old.metadata.deletionTimestamp && pod.metadata.deletionTimestamp)) this.enqueue(podGCSweepKey);
      },
    });
  }

  async reconcile(): Promise<void> {
    try {
      await sweepPods({
        client: this.ctx.client,
        pods: this.pods.lister,
        nodes: this.nodes.lister,
        terminatedPodThreshold: this.ctx.options.terminatedPodGCThreshold,
        logger: this.ctx.logger,
      });
    } finally {
      this.queue.addAfter(podGCSweepKey, podGCPeriodMs);
    }
  }
}

export const podGCControllerFactory: ControllerFactory = (ctx) => new PodGCController(ctx);
