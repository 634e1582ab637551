import type { PodDisruptionBudget } from '@skiff/api';
import type { NodeInfo } from '../../cache/node-info';
import type { PodInfo } from '../../cache/pod-info';
import type { SchedulerCache } from '../../cache/scheduler-cache';
import type { CycleState } from '../../framework/cycle-state';
import { fitErrorMessage } from '../../framework/fit-error';
import type { Framework } from '../../framework/framework';
import type { Nominator } from '../../framework/nominator';
import type { PostFilterPlugin, PostFilterResult } from '../../framework/plugin';
import { Status, type MaybeStatus } from '../../framework/status';
import { pluginNames } from '../names';
import { splitByBudgetViolation } from './pdb-violations';
import { moreImportant, pickCandidate, type Candidate } from './pick-node';

export const reasonNoVictims = 'No preemption victims found for incoming pod';
export const reasonNotHelpful = 'Preemption is not helpful for scheduling';

/** The API writes preemption makes; the scheduler supplies them, tests record them. */
export interface PreemptionActions {
  /** Marks the victim DisruptionTarget, deletes it and records a Preempted event. */
  preempt(victim: PodInfo, preemptor: PodInfo, nodeName: string): Promise<void>;
  /** Clears status.nominatedNodeName of pods that no longer fit where they were nominated. */
  clearNomination(pods: PodInfo[]): Promise<void>;
}

export interface DefaultPreemptionOptions {
  cache: SchedulerCache;
  nominator: Nominator;
  /** The framework whose filters judge whether the pod fits once victims are gone (set after construction). */
  framework: () => Framework;
  budgets: () => readonly PodDisruptionBudget[];
  actions: PreemptionActions;
  /** Kubernetes' minCandidateNodesPercentage / minCandidateNodesAbsolute. */
  minCandidateNodesPercentage?: number;
  minCandidateNodesAbsolute?: number;
  random?: () => number;
}

/**
 * PostFilter: when a pod fits nowhere, look for a node where deleting lower-priority pods makes it fit, choose
 * the node whose victims matter least, delete them and nominate the node for the pod.
 */
export class DefaultPreemption implements PostFilterPlugin {
  readonly name = pluginNames.defaultPreemption;

  constructor(private readonly o: DefaultPreemptionOptions) {}

  async postFilter(state: CycleState, pod: PodInfo, nodeToStatus: ReadonlyMap<string, Status>): Promise<PostFilterResult> {
    const ineligible = this.ineligibility(pod, nodeToStatus);
    if (ineligible) return { status: Status.unschedulable(`preemption: ${ineligible}`) };

    const allNodes = this.o.cache.nodeInfos();
    const potential = allNodes.filter((n) => nodeToStatus.get(n.name)?.code === 'Unschedulable');
    const { candidates, statuses } = this.findCandidates(state, pod, potential);
    if (candidates.length === 0) {
      const message = fitErrorMessage(allNodes.length, {
        nodeToStatus: statuses,
        absentNodesStatus: Status.unresolvable(reasonNotHelpful),
        unschedulablePlugins: new Set(),
      });
      return { status: Status.unschedulable(`preemption: ${message}`), nominatedNodeName: '' };
    }
    const best = pickCandidate(candidates)!;
    await this.prepare(best, pod);
    return { status: new Status('Success'), nominatedNodeName: best.nodeName };
  }

  /**
   * Why the pod may not preempt: its policy says Never, or it already preempted on its nominated node and
   * victims there are still terminating (wait for them rather than preempt more).
   */
  private ineligibility(pod: PodInfo, nodeToStatus: ReadonlyMap<string, Status>): string | undefined {
    if (pod.pod.spec.preemptionPolicy === 'Never') return 'not eligible due to preemptionPolicy=Never.';
    const nominated = pod.pod.status?.nominatedNodeName;
    if (!nominated) return undefined;
    // Preemption cannot help there any more, so the pod may look elsewhere.
    if (nodeToStatus.get(nominated)?.code === 'UnschedulableAndUnresolvable') return undefined;
    const node = this.o.cache.getNodeInfo(nominated);
    if (!node) return undefined;
    for (const p of node.pods.values()) if (p.terminating && p.priority < pod.priority) return 'not eligible due to a terminating pod on the nominated node.';
    return undefined;
  }

  private findCandidates(state: CycleState, pod: PodInfo, potential: NodeInfo[]): { candidates: Candidate[]; statuses: Map<string, Status> } {
    const statuses = new Map<string, Status>();
    const candidates: Candidate[] = [];
    if (potential.length === 0) return { candidates, statuses };
    const budgets = this.o.budgets();
    const wanted = this.numCandidates(potential.length);
    const offset = Math.floor((this.o.random ?? Math.random)() * potential.length);
    let nonViolating = 0;
    for (let i = 0; i < potential.length; i++) {
      const node = potential[(offset + i) % potential.length];
      const { victims, violations, status } = this.selectVictims(state.clone(), pod, node.clone(), budgets);
      if (status) {
        statuses.set(node.name, status);
        continue;
      }
      candidates.push({ nodeName: node.name, victims, budgetViolations: violations });
      if (violations === 0) nonViolating++;
      if (nonViolating > 0 && candidates.length >= wanted) break;
    }
    return { candidates, statuses };
  }

  private numCandidates(nodes: number): number {
    const pct = this.o.minCandidateNodesPercentage ?? 10;
    const abs = this.o.minCandidateNodesAbsolute ?? 100;
    return Math.min(nodes, Math.max(Math.floor((nodes * pct) / 100), abs));
  }

  /**
   * The fewest lower-priority pods to remove from the node: remove them all, check the pod fits, then give back
   * as many as still leave room, most important first (budget-violating ones before the others).
   */
  selectVictims(state: CycleState, pod: PodInfo, node: NodeInfo, budgets: readonly PodDisruptionBudget[]): { victims: PodInfo[]; violations: number; status: MaybeStatus } {
    const fw = this.o.framework();
    const potential = [...node.pods.values()].filter((p) => p.priority < pod.priority);
    if (potential.length === 0) return { victims: [], violations: 0, status: Status.unresolvable(reasonNoVictims) };
    for (const p of potential) {
      node.removePod(p);
      const s = fw.runPreFilterRemovePod(state, pod, p, node);
      if (s) return { victims: [], violations: 0, status: s };
    }
    const fits = fw.runFilterWithNominatedPods(state, pod, node);
    if (fits) return { victims: [], violations: 0, status: fits };
    potential.sort(moreImportant);
    const { violating, nonViolating } = splitByBudgetViolation(potential, budgets);
    const victims: PodInfo[] = [];
    let violations = 0;
    const reprieve = (p: PodInfo): boolean => {
      node.addPod(p);
      fw.runPreFilterAddPod(state, pod, p, node);
      if (fw.runFilterWithNominatedPods(state, pod, node) === null) return true;
      node.removePod(p);
      fw.runPreFilterRemovePod(state, pod, p, node);
      victims.push(p);
      return false;
    };
    for (const p of violating) if (!reprieve(p)) violations++;
    for (const p of nonViolating) reprieve(p);
    if (violating.length && nonViolating.length) victims.sort(moreImportant);
    return { victims, violations, status: null };
  }

  private async prepare(c: Candidate, preemptor: PodInfo): Promise<void> {
    await Promise.all(c.victims.map((v) => this.o.actions.preempt(v, preemptor, c.nodeName)));
    // Lower-priority pods nominated to this node may no longer fit there once the preemptor takes the room.
    const displaced = this.o.nominator.podsOn(c.nodeName).filter((p) => p.key !== preemptor.key && p.priority < preemptor.priority);
    for (const p of displaced) this.o.nominator.remove(p.key);
    if (displaced.length) await this.o.actions.clearNomination(displaced);
  }
}
