import type { NodeInfo } from '../cache/node-info';
import type { PodInfo } from '../cache/pod-info';
import type { EventRegistration } from '../framework/cluster-event';
import type { CycleState } from '../framework/cycle-state';
import type { FilterPlugin, PreFilterOutcome, PreFilterPlugin } from '../framework/plugin';
import { Status, type MaybeStatus } from '../framework/status';
import { pluginNames } from './names';

export const reasonNodePortsConflict = "node(s) didn't have free ports for the requested pod ports";

/** A pod's hostPorts must be free on the node (same protocol and port, overlapping host IP). */
export class NodePorts implements PreFilterPlugin, FilterPlugin {
  readonly name = pluginNames.nodePorts;

  preFilter(_state: CycleState, pod: PodInfo): PreFilterOutcome | null {
    return pod.hostPorts.length ? null : { status: Status.skip() };
  }

  filter(_state: CycleState, pod: PodInfo, node: NodeInfo): MaybeStatus {
    for (const p of pod.hostPorts) if (node.usedPorts.conflicts(p)) return Status.unschedulable(reasonNodePortsConflict);
    return null;
  }

  eventsToRegister(): EventRegistration[] {
    return [
      { resource: 'AssignedPod', actions: ['Delete'] },
      { resource: 'Node', actions: ['Add'] },
    ];
  }
}
