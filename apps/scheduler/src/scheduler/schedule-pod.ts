import type { NodeInfo } from '../cache/node-info';
import type { PodInfo } from '../cache/pod-info';
import type { SchedulerCache } from '../cache/scheduler-cache';
import type { CycleState } from '../framework/cycle-state';
import { emptyDiagnosis, type Diagnosis } from '../framework/fit-error';
import type { Framework } from '../framework/framework';
import { Status } from '../framework/status';

/** Below this many nodes every node is filtered; above it, at least this many feasible nodes are looked for. */
export const minFeasibleNodesToFind = 100;
const minFeasibleNodesPercentageToFind = 5;

/**
 * How many feasible nodes are enough before scoring: all of a small cluster; otherwise `percentage` of the nodes
 * (0 means adaptive: 50% minus 1% per 125 nodes, at least 5%), and never fewer than 100.
 */
export function numFeasibleNodesToFind(numAllNodes: number, percentage: number): number {
  if (numAllNodes < minFeasibleNodesToFind) return numAllNodes;
  let pct = percentage;
  if (pct <= 0) pct = Math.max(minFeasibleNodesPercentageToFind, 50 - Math.trunc(numAllNodes / 125));
  if (pct >= 100) return numAllNodes;
  const n = Math.trunc((numAllNodes * pct) / 100);
  return n < minFeasibleNodesToFind ? minFeasibleNodesToFind : n;
}

export type ScheduleOutcome =
  | { kind: 'scheduled'; nodeName: string; evaluatedNodes: number; feasibleNodes: number }
  | { kind: 'unschedulable'; diagnosis: Diagnosis; numAllNodes: number }
  | { kind: 'error'; status: Status };

/**
 * One scheduling decision, synchronous so that it sees one consistent cache: PreFilter, then Filter over the
 * nodes (starting where the previous pod stopped, until enough feasible ones are found), then PreScore and
 * Score over the feasible ones, and the best total wins (ties broken at random).
 */
export class PodScheduler {
  private nextStartNodeIndex = 0;

  constructor(
    private readonly cache: SchedulerCache,
    private readonly framework: Framework,
    private readonly percentageOfNodesToScore: number,
    private readonly random: () => number = Math.random,
  ) {}

  schedule(state: CycleState, pod: PodInfo): ScheduleOutcome {
    const nodes = this.cache.nodeInfos();
    if (nodes.length === 0) return { kind: 'error', status: Status.error('no nodes available to schedule pods') };
    const diagnosis = emptyDiagnosis();
    const pre = this.framework.runPreFilter(state, pod);
    if (pre.status) {
      if (pre.status.code === 'Error') return { kind: 'error', status: pre.status };
      diagnosis.preFilterMessage = pre.status.message();
      diagnosis.absentNodesStatus = pre.status;
      diagnosis.unschedulablePlugins.add(pre.status.plugin);
      return { kind: 'unschedulable', diagnosis, numAllNodes: nodes.length };
    }
    if (pre.nodeNames) diagnosis.absentNodesStatus = Status.unresolvable(`node(s) didn't satisfy plugin(s) [${pre.narrowedBy.join(' ')}]`);
    const feasible = this.findFeasibleNodes(state, pod, nodes, diagnosis, pre.nodeNames);
    if (feasible instanceof Status) return { kind: 'error', status: feasible };
    if (feasible.nodes.length === 0) {
      for (const plugin of pre.narrowedBy) diagnosis.unschedulablePlugins.add(plugin);
      return { kind: 'unschedulable', diagnosis, numAllNodes: nodes.length };
    }
    if (feasible.nodes.length === 1) return { kind: 'scheduled', nodeName: feasible.nodes[0].name, evaluatedNodes: feasible.evaluated, feasibleNodes: 1 };
    const preScore = this.framework.runPreScore(state, pod, feasible.nodes);
    if (preScore) return { kind: 'error', status: preScore };
    const totals = this.framework.runScore(state, pod, feasible.nodes);
    const chosen = this.selectHost(feasible.nodes, totals);
    return { kind: 'scheduled', nodeName: chosen.name, evaluatedNodes: feasible.evaluated, feasibleNodes: feasible.nodes.length };
  }

  private findFeasibleNodes(
    state: CycleState,
    pod: PodInfo,
    allNodes: readonly NodeInfo[],
    diagnosis: Diagnosis,
    allowed: ReadonlySet<string> | undefined,
  ): { nodes: NodeInfo[]; evaluated: number } | Status {
    // A pod that preemption nominated a node for tries that node first.
    const nominated = pod.pod.status?.nominatedNodeName;
    if (nominated && (!allowed || allowed.has(nominated))) {
      const node = this.cache.getNodeInfo(nominated);
      if (node && this.framework.runFilterWithNominatedPods(state, pod, node) === null) return { nodes: [node], evaluated: 1 };
    }
    const candidates = allowed ? allNodes.filter((n) => allowed.has(n.name)) : allNodes;
    const wanted = numFeasibleNodesToFind(candidates.length, this.percentageOfNodesToScore);
    const feasible: NodeInfo[] = [];
    const n = candidates.length;
    const start = n ? this.nextStartNodeIndex % n : 0;
    let processed = 0;
    for (; processed < n && feasible.length < wanted; processed++) {
      const node = candidates[(start + processed) % n];
      const status = this.framework.runFilterWithNominatedPods(state, pod, node);
      if (status === null) {
        feasible.push(node);
        continue;
      }
      if (status.code === 'Error') return status;
      diagnosis.nodeToStatus.set(node.name, status);
      diagnosis.unschedulablePlugins.add(status.plugin);
    }
    this.nextStartNodeIndex = n ? (start + processed) % n : 0;
    return { nodes: feasible, evaluated: processed };
  }

  /** The highest total; among equals each is equally likely (reservoir sampling). */
  private selectHost(nodes: readonly NodeInfo[], totals: readonly number[]): NodeInfo {
    let best = 0;
    let ties = 1;
    for (let i = 1; i < nodes.length; i++) {
      if (totals[i] > totals[best]) {
        best = i;
        ties = 1;
      } else if (totals[i] === totals[best]) {
        ties++;
        if (Math.floor(this.random() * ties) === 0) best = i;
      }
    }
    return nodes[best];
  }
}
