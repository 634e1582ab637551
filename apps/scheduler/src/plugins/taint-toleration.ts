import type { NodeInfo } from '../cache/node-info';
import type { PodInfo } from '../cache/pod-info';
import type { EventRegistration } from '../framework/cluster-event';
import type { CycleState, StateData } from '../framework/cycle-state';
import type { FilterPlugin, NodeScore, PreScorePlugin, ScorePlugin } from '../framework/plugin';
import { Status, type MaybeStatus } from '../framework/status';
import { pluginNames } from './names';
import { defaultNormalizeScore } from './normalize';
import { firstUntoleratedTaint, taintTolerated } from './tolerations';
import type { Toleration } from '@skiff/api';

const filterEffects = ['NoSchedule', 'NoExecute'];
const preScoreKey = `PreScore${pluginNames.taintToleration}`;

class PreferNoScheduleTolerations implements StateData {
  constructor(readonly tolerations: Toleration[]) {}
  clone(): StateData {
    return this;
  }
}

/**
 * Filter: a NoSchedule or NoExecute taint the pod does not tolerate rules the node out (preemption cannot help).
 * Score: fewer untolerated PreferNoSchedule taints is better (reverse-normalised).
 */
export class TaintToleration implements FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = pluginNames.taintToleration;

  filter(_state: CycleState, pod: PodInfo, node: NodeInfo): MaybeStatus {
    if (node.taints.length === 0) return null;
    const taint = firstUntoleratedTaint(node.taints, pod.tolerations, filterEffects);
    if (!taint) return null;
    return Status.unresolvable(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
  }

  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): MaybeStatus {
    if (!nodes.some((n) => n.taints.length > 0)) return Status.skip();
    // Only tolerations that can match a PreferNoSchedule taint matter here.
    state.write(preScoreKey, new PreferNoScheduleTolerations(pod.tolerations.filter((t) => !t.effect || t.effect === 'PreferNoSchedule')));
    return null;
  }

  score(state: CycleState, _pod: PodInfo, node: NodeInfo): number {
    const tolerations = state.read<PreferNoScheduleTolerations>(preScoreKey)?.tolerations ?? [];
    let untolerated = 0;
    for (const taint of node.taints) if (taint.effect === 'PreferNoSchedule' && !taintTolerated(taint, tolerations)) untolerated++;
    return untolerated;
  }

  normalizeScore(_state: CycleState, _pod: PodInfo, scores: NodeScore[]): void {
    defaultNormalizeScore(scores, true);
  }

  eventsToRegister(): EventRegistration[] {
    return [{ resource: 'Node', actions: ['Add', 'UpdateNodeTaint'] }];
  }
}
