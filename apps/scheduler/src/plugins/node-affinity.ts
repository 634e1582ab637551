import type { NodeInfo } from '../cache/node-info';
import type { PodInfo } from '../cache/pod-info';
import type { EventRegistration } from '../framework/cluster-event';
import type { CycleState, StateData } from '../framework/cycle-state';
import type { FilterPlugin, NodeScore, PreFilterOutcome, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../framework/plugin';
import { Status, type MaybeStatus } from '../framework/status';
import { pluginNames } from './names';
import { NodeSelectorTermMatcher, RequiredNodeAffinity } from './node-selector';
import { defaultNormalizeScore } from './normalize';

export const reasonNodeAffinityMismatch = "node(s) didn't match Pod's node affinity/selector";

const preFilterKey = `PreFilter${pluginNames.nodeAffinity}`;
const preScoreKey = `PreScore${pluginNames.nodeAffinity}`;

class RequiredState implements StateData {
  constructor(readonly required: RequiredNodeAffinity) {}
  clone(): StateData {
    return this;
  }
}

class PreferredState implements StateData {
  constructor(readonly terms: { weight: number; matcher: NodeSelectorTermMatcher }[]) {}
  clone(): StateData {
    return this;
  }
}

/**
 * Filter: nodeSelector and requiredDuringScheduling node affinity. Score: the summed weights of the preferred
 * terms a node matches, scaled to 0..100.
 */
export class NodeAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = pluginNames.nodeAffinity;

  preFilter(state: CycleState, pod: PodInfo): PreFilterOutcome | null {
    const required = new RequiredNodeAffinity(pod.pod);
    if (required.isEmpty) return { status: Status.skip() };
    state.write(preFilterKey, new RequiredState(required));
    // Terms that all pin node names let the scheduler look at those nodes only.
    const pinned = required.terms?.map((t) => t.pinnedNames());
    if (pinned && pinned.length && pinned.every((p) => p !== undefined)) {
      const names = new Set<string>();
      for (const p of pinned) for (const n of p!) names.add(n);
      if (names.size === 0) return { status: Status.unresolvable(reasonNodeAffinityMismatch) };
      return { nodeNames: names };
    }
    return null;
  }

  filter(state: CycleState, pod: PodInfo, node: NodeInfo): MaybeStatus {
    const required = state.read<RequiredState>(preFilterKey)?.required ?? new RequiredNodeAffinity(pod.pod);
    return required.matches(node) ? null : Status.unresolvable(reasonNodeAffinityMismatch);
  }

  preScore(state: CycleState, pod: PodInfo): MaybeStatus {
    const preferred = pod.pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    const terms = preferred.filter((p) => p.weight !== 0).map((p) => ({ weight: p.weight, matcher: new NodeSelectorTermMatcher(p.preference) }));
    if (terms.length === 0) return Status.skip();
    state.write(preScoreKey, new PreferredState(terms));
    return null;
  }

  score(state: CycleState, _pod: PodInfo, node: NodeInfo): number {
    let total = 0;
    for (const t of state.read<PreferredState>(preScoreKey)?.terms ?? []) if (t.matcher.matches(node)) total += t.weight;
    return total;
  }

  normalizeScore(_state: CycleState, _pod: PodInfo, scores: NodeScore[]): void {
    defaultNormalizeScore(scores, false);
  }

  eventsToRegister(): EventRegistration[] {
    return [{ resource: 'Node', actions: ['Add', 'UpdateNodeLabel'] }];
  }
}
