import type { NodeInfo } from '../cache/node-info';
import type { PodInfo } from '../cache/pod-info';
import type { EventRegistration } from './cluster-event';
import type { CycleState } from './cycle-state';
import type { MaybeStatus, Status } from './status';

/** The highest score a Score plugin gives a node after normalisation. */
export const maxNodeScore = 100;

export interface Plugin {
  readonly name: string;
  /** Cluster events after which a pod this plugin rejected is worth trying again. */
  eventsToRegister?(): EventRegistration[];
}

/** What PreFilter may add: the only nodes worth filtering (e.g. a required affinity to named nodes). */
export interface PreFilterOutcome {
  status?: Status;
  nodeNames?: ReadonlySet<string>;
}

/** Keep PreFilter state right when a what-if evaluation adds or removes a pod (preemption, nominated pods). */
export interface PreFilterExtensions {
  addPod(state: CycleState, podToSchedule: PodInfo, podToAdd: PodInfo, nodeInfo: NodeInfo): MaybeStatus;
  removePod(state: CycleState, podToSchedule: PodInfo, podToRemove: PodInfo, nodeInfo: NodeInfo): MaybeStatus;
}

export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: PodInfo): PreFilterOutcome | null;
  readonly preFilterExtensions?: PreFilterExtensions;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): MaybeStatus;
}

export interface PostFilterResult {
  status: Status;
  /** The node the pod should wait for (set as status.nominatedNodeName); '' clears a previous nomination. */
  nominatedNodeName?: string;
}

export interface PostFilterPlugin extends Plugin {
  postFilter(state: CycleState, pod: PodInfo, nodeToStatus: ReadonlyMap<string, Status>): Promise<PostFilterResult>;
}

export interface PreScorePlugin extends Plugin {
  /** May return Skip, in which case Score is not called for this pod. */
  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): MaybeStatus;
}

export interface NodeScore {
  node: NodeInfo;
  score: number;
}

export interface ScorePlugin extends Plugin {
  score(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number;
  /** Brings the raw scores into 0..maxNodeScore, in place. */
  normalizeScore?(state: CycleState, pod: PodInfo, scores: NodeScore[]): void;
}

export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: PodInfo, nodeName: string): MaybeStatus;
  unreserve(state: CycleState, pod: PodInfo, nodeName: string): void;
}

export interface BindPlugin extends Plugin {
  bind(state: CycleState, pod: PodInfo, nodeName: string): Promise<MaybeStatus>;
}

export const isPreFilter = (p: Plugin): p is PreFilterPlugin => typeof (p as PreFilterPlugin).preFilter === 'function';
export const isFilter = (p: Plugin): p is FilterPlugin => typeof (p as FilterPlugin).filter === 'function';
export const isPostFilter = (p: Plugin): p is PostFilterPlugin => typeof (p as PostFilterPlugin).postFilter === 'function';
export const isPreScore = (p: Plugin): p is PreScorePlugin => typeof (p as PreScorePlugin).preScore === 'function';
export const isScore = (p: Plugin): p is ScorePlugin => typeof (p as ScorePlugin).score === 'function';
export const isReserve = (p: Plugin): p is ReservePlugin => typeof (p as ReservePlugin).reserve === 'function';
export const isBind = (p: Plugin): p is BindPlugin => typeof (p as BindPlugin).bind === 'function';
