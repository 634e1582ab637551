import type { KObject, ResourceType } from '@skiff/api';
import type { ControllerContext, ControllerFactory } from '../controller';
import { QueueController } from '../queue-controller';
import { ObjectGraph } from './object-graph';
import { collectableResources, foregroundFinalizer, orphanFinalizer, reconcileObject } from './reconcile';

const needsAttention = (o: KObject) =>
  (o.metadata.ownerReferences ?? []).length > 0 ||
  (!!o.metadata.deletionTimestamp && (o.metadata.finalizers ?? []).some((f) => f === foregroundFinalizer || f === orphanFinalizer));

/**
 * Kubernetes' garbage collector: an ownership graph fed by an informer on every resource that can be listed,
 * watched and deleted; keys are object uids. A deleted owner wakes its dependents; a deleted dependent wakes its
 * owners (one waiting in the foreground may now be finalized).
 */
export class GarbageCollectorController extends QueueController {
  readonly graph = new ObjectGraph();

  constructor(ctx: ControllerContext, resources: ResourceType<any>[] = collectableResources()) {
    super('garbagecollector', ctx);
    for (const type of resources) {
      ctx.informers.forResource<KObject>(type).addEventHandler({
        onAdd: (o) => this.observe(type, o),
        onUpdate: (old, o) => {
          this.observe(type, o);
          // References dropped from a dependent may unblock an owner waiting in the foreground.
          for (const ref of old.metadata.ownerReferences ?? []) if (!(o.metadata.ownerReferences ?? []).some((r) => r.uid === ref.uid)) this.enqueue(ref.uid);
        },
        onDelete: (o) => {
          const uid = o.metadata.uid;
          if (!uid) return;
          const dependents = this.graph.dependentsOf(uid);
          this.graph.remove(o);
          for (const d of dependents) this.enqueue(d.object.metadata.uid!);
          for (const ref of o.metadata.ownerReferences ?? []) this.enqueue(ref.uid);
        },
      });
    }
  }

  private observe(type: ResourceType<any>, o: KObject): void {
    this.graph.upsert(type, o);
    if (needsAttention(o)) this.enqueue(o.metadata.uid!);
  }

  reconcile(uid: string): Promise<void> {
    return reconcileObject(uid, { client: this.ctx.client, graph: this.graph, logger: this.ctx.logger });
  }
}

export const garbageCollectorControllerFactory: ControllerFactory = (ctx) => new GarbageCollectorController(ctx);
