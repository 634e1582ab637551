import type { NodeInfo } from '../../cache/node-info';
import type { PodInfo } from '../../cache/pod-info';
import type { SchedulerCache } from '../../cache/scheduler-cache';
import type { EventRegistration } from '../../framework/cluster-event';
import type { CycleState } from '../../framework/cycle-state';
import type { FilterPlugin, NodeScore, PreFilterExtensions, PreFilterOutcome, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../../framework/plugin';
import { Status, type MaybeStatus } from '../../framework/status';
import { pluginNames } from '../names';
import { buildSpreadFilterState, filterSpread, updateSpreadState, type SpreadFilterState } from './filtering';
import { buildSpreadScoreState, normalizeSpread, scoreSpread, type SpreadScoreState } from './scoring';

const preFilterKey = `PreFilter${pluginNames.podTopologySpread}`;
const preScoreKey = `PreScore${pluginNames.podTopologySpread}`;

/**
 * topologySpreadConstraints: DoNotSchedule constraints filter out nodes whose domain would exceed maxSkew over
 * the least populated domain; ScheduleAnyway constraints prefer the less populated domains.
 */
export class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = pluginNames.podTopologySpread;
  readonly preFilterExtensions: PreFilterExtensions;

  constructor(private readonly cache: SchedulerCache) {
    this.preFilterExtensions = {
      addPod: (state, pod, toAdd, node) => this.update(state, toAdd, pod, node, 1),
      removePod: (state, pod, toRemove, node) => this.update(state, toRemove, pod, node, -1),
    };
  }

  preFilter(state: CycleState, pod: PodInfo): PreFilterOutcome | null {
    const s = buildSpreadFilterState(pod, this.cache.nodeInfos());
    if (!s) return { status: Status.skip() };
    state.write(preFilterKey, s);
    return null;
  }

  filter(state: CycleState, pod: PodInfo, node: NodeInfo): MaybeStatus {
    const s = state.read<SpreadFilterState>(preFilterKey);
    return s ? filterSpread(s, pod, node) : null;
  }

  private update(state: CycleState, changed: PodInfo, pod: PodInfo, node: NodeInfo, delta: 1 | -1): MaybeStatus {
    const s = state.read<SpreadFilterState>(preFilterKey);
    if (s) updateSpreadState(s, changed, pod, node, delta);
    return null;
  }

  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): MaybeStatus {
    const s = buildSpreadScoreState(pod, nodes, this.cache.nodeInfos());
    if (!s) return Status.skip();
    state.write(preScoreKey, s);
    return null;
  }

  score(state: CycleState, pod: PodInfo, node: NodeInfo): number {
    const s = state.read<SpreadScoreState>(preScoreKey);
    return s ? scoreSpread(s, pod, node) : 0;
  }

  normalizeScore(state: CycleState, _pod: PodInfo, scores: NodeScore[]): void {
    const s = state.read<SpreadScoreState>(preScoreKey);
    if (s) normalizeSpread(s, scores);
  }

  eventsToRegister(): EventRegistration[] {
    return [
      { resource: 'AssignedPod', actions: 'All' },
      { resource: 'Node', actions: ['Add', 'Delete', 'UpdateNodeLabel', 'UpdateNodeTaint'] },
    ];
  }
}
