import { leases, nodes, pods, type Lease, type Node, type Pod } from '@skiff/api';
import { podsByNodeName, type Informer, type TimerHandle } from '@skiff/client';
import type { ControllerContext, ControllerFactory } from '../controller';
import { QueueController } from '../queue-controller';
import { NodeHeartbeats } from './node-health';
import { nodeLeaseNamespace, podsOnNodeIndex, reconcileNode } from './reconcile';

/**
 * Watches nodes, their Leases in kube-node-lease and the pods on them; keys are node names. Every
 * nodeMonitorPeriod all nodes are checked, so a node whose heartbeat stopped is noticed without any event.
 */
export class NodeLifecycleController extends QueueController {
  private readonly nodes: Informer<Node>;
  private readonly leases: Informer<Lease>;
  private readonly pods: Informer<Pod>;
  private readonly heartbeats = new NodeHeartbeats();
  private monitorTimer: TimerHandle | undefined;

  constructor(ctx: ControllerContext) {
    super('nodelifecycle', ctx);
    this.nodes = ctx.informers.forResource<Node>(nodes);
    this.leases = ctx.informers.forResource<Lease>(leases);
    this.pods = ctx.informers.forResource<Pod>(pods, { indexers: { [podsOnNodeIndex]: podsByNodeName } });
    this.nodes.addEventHandler({
      onAdd: (n) => this.enqueue(n.metadata.name!),
      onUpdate: (_o, n) => this.enqueue(n.metadata.name!),
      onDelete: (n) => this.enqueue(n.metadata.name!),
    });
    const onLease = (l: Lease) => {
      if (l.metadata.namespace === nodeLeaseNamespace) this.enqueue(l.metadata.name!);
    };
    this.leases.addEventHandler({ onAdd: onLease, onUpdate: (_o, l) => onLease(l) });
    // A pod landing on a tainted node must be checked against the taints too.
    const onPod = (p: Pod) => {
      if (p.spec?.nodeName) this.enqueue(p.spec.nodeName);
    };
    this.pods.addEventHandler({ onAdd: onPod, onUpdate: (_o, p) => onPod(p) });
  }

  reconcile(key: string): Promise<void> {
    return reconcileNode(key, {
      client: this.ctx.client,
      nodes: this.nodes.lister,
      leases: this.leases.lister,
      pods: this.pods.lister,
      recorder: this.ctx.recorder(this.name),
      clock: this.ctx.clock,
      heartbeats: this.heartbeats,
      gracePeriodMs: this.ctx.options.nodeMonitorGracePeriodMs,
      requeueAfter: (name, ms) => this.queue.addAfter(name, ms),
    });
  }

  override run(workers: number): void {
    super.run(workers);
    this.scheduleMonitor();
  }

  override async stop(): Promise<void> {
    if (this.monitorTimer !== undefined) this.ctx.clock.clearTimer(this.monitorTimer);
    this.monitorTimer = undefined;
    await super.stop();
  }

  private scheduleMonitor(): void {
    this.monitorTimer = this.ctx.clock.setTimer(() => {
      if (this.queue.isShuttingDown()) return;
      for (const n of this.nodes.lister.list()) this.enqueue(n.metadata.name!);
      this.scheduleMonitor();
    }, this.ctx.options.nodeMonitorPeriodMs);
  }
}

export const nodeLifecycleControllerFactory: ControllerFactory = (ctx) => new NodeLifecycleController(ctx);
