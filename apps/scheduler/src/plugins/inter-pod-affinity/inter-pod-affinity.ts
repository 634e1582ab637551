import type { NodeInfo } from '../../cache/node-info';
import type { PodInfo } from '../../cache/pod-info';
import type { SchedulerCache } from '../../cache/scheduler-cache';
import type { EventRegistration } from '../../framework/cluster-event';
import type { CycleState } from '../../framework/cycle-state';
import type { FilterPlugin, NodeScore, PreFilterExtensions, PreFilterOutcome, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../../framework/plugin';
import { Status, type MaybeStatus } from '../../framework/status';
import { pluginNames } from '../names';
import { buildAffinityFilterState, filterAffinity, updateAffinityState, type AffinityFilterState } from './filtering';
import { buildAffinityScoreState, normalizeAffinity, scoreAffinity, type AffinityScoreState } from './scoring';
import type { NamespaceLabels } from './topology-counts';

const preFilterKey = `PreFilter${pluginNames.interPodAffinity}`;
const preScoreKey = `PreScore${pluginNames.interPodAffinity}`;

/** Pod affinity and anti-affinity by topology key: required terms filter, preferred terms (both ways) score. */
export class InterPodAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = pluginNames.interPodAffinity;
  readonly preFilterExtensions: PreFilterExtensions;

  constructor(
    private readonly cache: SchedulerCache,
    private readonly namespaceLabels: NamespaceLabels,
  ) {
    this.preFilterExtensions = {
      addPod: (state, _pod, toAdd, node) => this.update(state, toAdd, node, 1),
      removePod: (state, _pod, toRemove, node) => this.update(state, toRemove, node, -1),
    };
  }

  preFilter(state: CycleState, pod: PodInfo): PreFilterOutcome | null {
    if (pod.parseError) return { status: Status.unresolvable(`invalid pod affinity: ${pod.parseError}`) };
    const s = buildAffinityFilterState(pod, this.cache, this.namespaceLabels);
    if (!s) return { status: Status.skip() };
    state.write(preFilterKey, s);
    return null;
  }

  filter(state: CycleState, _pod: PodInfo, node: NodeInfo): MaybeStatus {
    const s = state.read<AffinityFilterState>(preFilterKey);
    return s ? filterAffinity(s, node, this.namespaceLabels) : null;
  }

  private update(state: CycleState, changed: PodInfo, node: NodeInfo, delta: 1 | -1): MaybeStatus {
    const s = state.read<AffinityFilterState>(preFilterKey);
    if (s) updateAffinityState(s, changed, node, this.namespaceLabels, delta);
    return null;
  }

  preScore(state: CycleState, pod: PodInfo): MaybeStatus {
    const s = buildAffinityScoreState(pod, this.cache, this.namespaceLabels);
    if (!s) return Status.skip();
    state.write(preScoreKey, s);
    return null;
  }

  score(state: CycleState, _pod: PodInfo, node: NodeInfo): number {
    const s = state.read<AffinityScoreState>(preScoreKey);
    return s ? scoreAffinity(s, node) : 0;
  }

  normalizeScore(_state: CycleState, _pod: PodInfo, scores: NodeScore[]): void {
    normalizeAffinity(scores);
  }

  eventsToRegister(): EventRegistration[] {
    return [
      { resource: 'AssignedPod', actions: 'All' },
      { resource: 'Node', actions: ['Add', 'UpdateNodeLabel'] },
      { resource: 'Namespace', actions: 'All' },
    ];
  }
}
