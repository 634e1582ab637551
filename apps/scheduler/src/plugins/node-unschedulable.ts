import type { NodeInfo } from '../cache/node-info';
import type { PodInfo } from '../cache/pod-info';
import type { EventRegistration } from '../framework/cluster-event';
import type { FilterPlugin } from '../framework/plugin';
import { Status, type MaybeStatus } from '../framework/status';
import { pluginNames } from './names';
import { taintTolerated } from './tolerations';

export const reasonNodeUnschedulable = 'node(s) were unschedulable';

/** The taint a cordoned node behaves as if it had; pods tolerating it may still land there. */
const unschedulableTaint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' as const };

/** Rejects cordoned nodes (spec.unschedulable) unless the pod tolerates node.kubernetes.io/unschedulable. */
export class NodeUnschedulable implements FilterPlugin {
  readonly name = pluginNames.nodeUnschedulable;

  filter(_state: unknown, pod: PodInfo, node: NodeInfo): MaybeStatus {
    if (!node.unschedulable) return null;
    if (taintTolerated(unschedulableTaint, pod.tolerations)) return null;
    return Status.unresolvable(reasonNodeUnschedulable);
  }

  eventsToRegister(): EventRegistration[] {
    return [{ resource: 'Node', actions: ['Add', 'UpdateNodeTaint'] }];
  }
}
