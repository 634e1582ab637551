import type { NodeInfo } from '../cache/node-info';
import type { PodInfo } from '../cache/pod-info';
import type { EventRegistration } from '../framework/cluster-event';
import type { FilterPlugin } from '../framework/plugin';
import { Status, type MaybeStatus } from '../framework/status';
import { pluginNames } from './names';

export const reasonNodeNameMismatch = "node(s) didn't match the requested node name";

/** A pod that names its node (spec.nodeName) fits only there. */
export class NodeName implements FilterPlugin {
  readonly name = pluginNames.nodeName;

  filter(_state: unknown, pod: PodInfo, node: NodeInfo): MaybeStatus {
    const wanted = pod.nodeName;
    if (!wanted || wanted === node.name) return null;
    return Status.unresolvable(reasonNodeNameMismatch);
  }

  eventsToRegister(): EventRegistration[] {
    return [{ resource: 'Node', actions: ['Add'] }];
  }
}
