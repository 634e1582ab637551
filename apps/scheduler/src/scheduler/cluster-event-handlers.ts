import type { Namespace, Node, Pod } from '@skiff/api';
import type { EventHandlers } from '@skiff/client';
import type { SchedulerCache } from '../cache/scheduler-cache';
import type { ActionType, ClusterEvent } from '../framework/cluster-event';
import type { SchedulingQueue } from '../queue/scheduling-queue';

const podKey = (pod: Pod) => `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
const isAssigned = (pod: Pod) => !!pod.spec?.nodeName;
const sameJSON = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Which scheduler-relevant parts of a node changed; an update that changes none of them requeues nothing. */
export function nodeUpdateActions(old: Node, cur: Node): ActionType[] {
  const actions: ActionType[] = [];
  const allocatable = (n: Node) => n.status?.allocatable ?? n.status?.capacity;
  if (!sameJSON(allocatable(old), allocatable(cur))) actions.push('UpdateNodeAllocatable');
  if (!sameJSON(old.metadata.labels, cur.metadata.labels)) actions.push('UpdateNodeLabel');
  if (!sameJSON(old.spec?.taints, cur.spec?.taints) || !!old.spec?.unschedulable !== !!cur.spec?.unschedulable) actions.push('UpdateNodeTaint');
  return actions;
}

/** Which changes of a bound pod may let a pending pod fit: its labels (affinity, spread) or its requests. */
export function assignedPodUpdateActions(old: Pod, cur: Pod): ActionType[] {
  const actions: ActionType[] = [];
  if (!sameJSON(old.metadata.labels, cur.metadata.labels)) actions.push('UpdatePodLabel');
  const requests = (p: Pod) => [...(p.spec.containers ?? []), ...(p.spec.initContainers ?? [])].map((c) => c.resources?.requests);
  if (!sameJSON(requests(old), requests(cur))) actions.push('UpdatePodRequest');
  return actions;
}

/**
 * Feeds informer events into the cache (nodes, bound pods) and the queue (pending pods of this scheduler), and
 * tells the queue about every cluster event that may let a parked pod fit.
 */
export class ClusterEventHandlers {
  constructor(
    private readonly cache: SchedulerCache,
    private readonly queue: SchedulingQueue,
    private readonly schedulerName: string,
  ) {}

  private responsibleFor(pod: Pod): boolean {
    return (pod.spec?.schedulerName ?? 'default-scheduler') === this.schedulerName;
  }

  private emit(resource: ClusterEvent['resource'], action: ActionType): void {
    this.queue.moveAllToActiveOrBackoff({ resource, action });
  }

  pods(): EventHandlers<Pod> {
    return {
      onAdd: (pod) => {
        if (isAssigned(pod)) {
          this.cache.addPod(pod);
          this.emit('AssignedPod', 'Add');
        } else if (this.responsibleFor(pod)) {
          this.queue.add(pod);
        }
      },
      onUpdate: (old, cur) => {
        if (isAssigned(cur)) {
          if (!isAssigned(old)) {
            // The binding was observed: the pod leaves the queue and is counted (replacing our assumption).
            this.queue.delete(podKey(cur));
            this.cache.addPod(cur);
            this.emit('AssignedPod', 'Add');
            return;
          }
          this.cache.updatePod(cur);
          for (const action of assignedPodUpdateActions(old, cur)) this.emit('AssignedPod', action);
          return;
        }
        // While our binding is in flight the pending version is stale news.
        if (this.responsibleFor(cur) && !this.cache.isAssumed(podKey(cur))) this.queue.update(old, cur);
      },
      onDelete: (pod) => {
        const key = podKey(pod);
        if (isAssigned(pod) || this.cache.nodeOf(key)) {
          this.cache.removePod(key);
          this.emit('AssignedPod', 'Delete');
        }
        if (!isAssigned(pod)) this.queue.delete(key);
      },
    };
  }

  nodes(): EventHandlers<Node> {
    return {
      onAdd: (node) => {
        this.cache.addNode(node);
        this.emit('Node', 'Add');
      },
      onUpdate: (old, cur) => {
        this.cache.updateNode(cur);
        for (const action of nodeUpdateActions(old, cur)) this.emit('Node', action);
      },
      onDelete: (node) => {
        this.cache.removeNode(node.metadata.name ?? '');
        this.emit('Node', 'Delete');
      },
    };
  }

  namespaces(): EventHandlers<Namespace> {
    return {
      onAdd: () => this.emit('Namespace', 'Add'),
      onUpdate: (old, cur) => {
        if (!sameJSON(old.metadata.labels, cur.metadata.labels)) this.emit('Namespace', 'Update');
      },
    };
  }
}
