import type { NodeInfo } from '../cache/node-info';
import type { PodInfo } from '../cache/pod-info';
import type { EventRegistration } from './cluster-event';
import { CycleState } from './cycle-state';
import type { Nominator } from './nominator';
import {
  isBind,
  isFilter,
  isPostFilter,
  isPreFilter,
  isPreScore,
  isReserve,
  isScore,
  maxNodeScore,
  type BindPlugin,
  type FilterPlugin,
  type NodeScore,
  type Plugin,
  type PostFilterPlugin,
  type PostFilterResult,
  type PreFilterPlugin,
  type PreScorePlugin,
  type ReservePlugin,
  type ScorePlugin,
} from './plugin';
import { Status, type MaybeStatus } from './status';

/** A plugin in a profile, with the weight its scores are multiplied by. */
export interface PluginEntry {
  plugin: Plugin;
  /** Score weight; ignored for plugins that do not score. Default 1. */
  weight?: number;
}

export interface PreFilterRun {
  /** Null when every PreFilter passed. */
  status: MaybeStatus;
  /** When set, only these nodes can fit. */
  nodeNames?: ReadonlySet<string>;
  /** The plugins that narrowed the nodes. */
  narrowedBy: string[];
}

/**
 * Runs a profile's plugins at each extension point in order: the first PreFilter or Filter rejection decides,
 * Score plugins' normalised scores are weighted and summed. Calls are synchronous except PostFilter and Bind, so
 * one pod's filtering and scoring happen against an unchanging cache.
 */
export class Framework {
  readonly preFilters: PreFilterPlugin[];
  readonly filters: FilterPlugin[];
  readonly postFilters: PostFilterPlugin[];
  readonly preScores: PreScorePlugin[];
  readonly scores: { plugin: ScorePlugin; weight: number }[];
  readonly reserves: ReservePlugin[];
  readonly binders: BindPlugin[];
  private readonly all: Plugin[];

  constructor(
    entries: PluginEntry[],
    private readonly nominator?: Nominator,
  ) {
    const plugins = entries.map((e) => e.plugin);
    this.all = plugins;
    this.preFilters = plugins.filter(isPreFilter);
    this.filters = plugins.filter(isFilter);
    this.postFilters = plugins.filter(isPostFilter);
    this.preScores = plugins.filter(isPreScore);
    this.scores = entries.filter((e) => isScore(e.plugin)).map((e) => ({ plugin: e.plugin as ScorePlugin, weight: e.weight ?? 1 }));
    this.reserves = plugins.filter(isReserve);
    this.binders = plugins.filter(isBind);
  }

  /** Which events each plugin wants to hear about, by plugin name. */
  eventRegistrations(): Map<string, EventRegistration[]> {
    const out = new Map<string, EventRegistration[]>();
    for (const p of this.all) if (p.eventsToRegister) out.set(p.name, p.eventsToRegister());
    return out;
  }

  runPreFilter(state: CycleState, pod: PodInfo): PreFilterRun {
    let nodeNames: ReadonlySet<string> | undefined;
    const narrowedBy: string[] = [];
    for (const p of this.preFilters) {
      const outcome = p.preFilter(state, pod);
      const status = outcome?.status;
      if (status?.code === 'Skip') {
        state.skipFilterPlugins.add(p.name);
        continue;
      }
      if (status && !status.isSuccess()) return { status: status.withPlugin(p.name), narrowedBy };
      if (outcome?.nodeNames) {
        narrowedBy.push(p.name);
        nodeNames = nodeNames ? new Set([...nodeNames].filter((n) => outcome.nodeNames!.has(n))) : outcome.nodeNames;
      }
    }
    return { status: null, nodeNames, narrowedBy };
  }

  runPreFilterAddPod(state: CycleState, pod: PodInfo, toAdd: PodInfo, nodeInfo: NodeInfo): MaybeStatus {
    for (const p of this.preFilters) {
      if (state.skipFilterPlugins.has(p.name) || !p.preFilterExtensions) continue;
      const s = p.preFilterExtensions.addPod(state, pod, toAdd, nodeInfo);
      if (s && !s.isSuccess()) return s.withPlugin(p.name);
    }
    return null;
  }

  runPreFilterRemovePod(state: CycleState, pod: PodInfo, toRemove: PodInfo, nodeInfo: NodeInfo): MaybeStatus {
    for (const p of this.preFilters) {
      if (state.skipFilterPlugins.has(p.name) || !p.preFilterExtensions) continue;
      const s = p.preFilterExtensions.removePod(state, pod, toRemove, nodeInfo);
      if (s && !s.isSuccess()) return s.withPlugin(p.name);
    }
    return null;
  }

  /** The first Filter to reject the node decides; null when the node passes them all. */
  runFilter(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): MaybeStatus {
    const skip = state.skipFilterPlugins;
    for (const p of this.filters) {
      if (skip.size && skip.has(p.name)) continue;
      const s = p.filter(state, pod, nodeInfo);
      if (s !== null && s.code !== 'Success') return s.withPlugin(p.name);
    }
    return null;
  }

  /**
   * Filters with the higher-or-equal priority pods nominated to the node counted on it first, then (if that
   * passed and some were added) without them: the pod must fit both with them, and without them in case they
   * go elsewhere and anti-affinity to them no longer holds, as Kubernetes does.
   */
  runFilterWithNominatedPods(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): MaybeStatus {
    const nominated = this.nominator?.podsOn(nodeInfo.name) ?? [];
    if (nominated.length === 0) return this.runFilter(state, pod, nodeInfo);
    const relevant = nominated.filter((p) => p.key !== pod.key && p.priority >= pod.priority);
    if (relevant.length === 0) return this.runFilter(state, pod, nodeInfo);
    const withNominated = nodeInfo.clone();
    const stateWithNominated = state.clone();
    for (const p of relevant) {
      withNominated.addPod(p);
      const s = this.runPreFilterAddPod(stateWithNominated, pod, p, withNominated);
      if (s) return s;
    }
    const first = this.runFilter(stateWithNominated, pod, withNominated);
    if (first) return first;
    return this.runFilter(state, pod, nodeInfo);
  }

  async runPostFilter(state: CycleState, pod: PodInfo, nodeToStatus: ReadonlyMap<string, Status>): Promise<PostFilterResult | undefined> {
    let last: PostFilterResult | undefined;
    for (const p of this.postFilters) {
      const result = await p.postFilter(state, pod, nodeToStatus);
      result.status.withPlugin(p.name);
      if (result.status.isSuccess() || result.status.code === 'Error') return result;
      last = result;
    }
    return last;
  }

  runPreScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): MaybeStatus {
    for (const p of this.preScores) {
      const s = p.preScore(state, pod, nodes);
      if (s?.code === 'Skip') state.skipScorePlugins.add(p.name);
      else if (s && !s.isSuccess()) return s.withPlugin(p.name);
    }
    return null;
  }

  /** Weighted sum of every (not skipped) Score plugin's normalised score, per node in `nodes` order. */
  runScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): number[] {
    const totals = new Array<number>(nodes.length).fill(0);
    for (const { plugin, weight } of this.scores) {
      if (state.skipScorePlugins.has(plugin.name)) continue;
      const scores: NodeScore[] = nodes.map((node) => ({ node, score: plugin.score(state, pod, node) }));
      plugin.normalizeScore?.(state, pod, scores);
      for (let i = 0; i < scores.length; i++) {
        const s = scores[i].score;
        if (s > maxNodeScore || s < 0) throw new Error(`plugin ${plugin.name} scored node ${nodes[i].name} ${s}, outside 0..${maxNodeScore}`);
        totals[i] += s * weight;
      }
    }
    return totals;
  }

  runReserve(state: CycleState, pod: PodInfo, nodeName: string): MaybeStatus {
    for (const p of this.reserves) {
      const s = p.reserve(state, pod, nodeName);
      if (s && !s.isSuccess()) return s.withPlugin(p.name);
    }
    return null;
  }

  runUnreserve(state: CycleState, pod: PodInfo, nodeName: string): void {
    for (const p of [...this.reserves].reverse()) p.unreserve(state, pod, nodeName);
  }

  async runBind(state: CycleState, pod: PodInfo, nodeName: string): Promise<MaybeStatus> {
    for (const p of this.binders) {
      const s = await p.bind(state, pod, nodeName);
      if (s?.code === 'Skip') continue;
      return s ? s.withPlugin(p.name) : null;
    }
    return Status.error('no bind plugin bound the pod');
  }

  newCycleState(): CycleState {
    return new CycleState();
  }
}
