import type { PodDisruptionBudget } from '@skiff/api';
import type { KubeClient } from '@skiff/client';
import type { SchedulerCache } from '../cache/scheduler-cache';
import { Framework, type PluginEntry } from '../framework/framework';
import type { Nominator } from '../framework/nominator';
import { BalancedAllocation } from './balanced-allocation';
import { DefaultBinder } from './default-binder';
import { DefaultPreemption, type PreemptionActions } from './default-preemption/default-preemption';
import { InterPodAffinity } from './inter-pod-affinity/inter-pod-affinity';
import type { NamespaceLabels } from './inter-pod-affinity/topology-counts';
import { NodeAffinity } from './node-affinity';
import { NodeName } from './node-name';
import { NodePorts } from './node-ports';
import { NodeResourcesFit } from './node-resources-fit';
import { NodeUnschedulable } from './node-unschedulable';
import { PodTopologySpread } from './pod-topology-spread/pod-topology-spread';
import { TaintToleration } from './taint-toleration';

export interface DefaultProfileDeps {
  cache: SchedulerCache;
  nominator: Nominator;
  client: KubeClient;
  namespaceLabels: NamespaceLabels;
  budgets: () => readonly PodDisruptionBudget[];
  preemption: PreemptionActions;
  random?: () => number;
}

/**
 * Kubernetes' default profile: the filters in its order (which decides the reason a node reports), and its
 * score weights (NodeAffinity 2, TaintToleration 3, InterPodAffinity 2, PodTopologySpread 2, the rest 1).
 */
export function defaultFramework(d: DefaultProfileDeps): Framework {
  let framework: Framework | undefined;
  const entries: PluginEntry[] = [
    { plugin: new NodeUnschedulable() },
    { plugin: new NodeName() },
    { plugin: new TaintToleration(), weight: 3 },
    { plugin: new NodeAffinity(), weight: 2 },
    { plugin: new NodePorts() },
    { plugin: new NodeResourcesFit(), weight: 1 },
    { plugin: new PodTopologySpread(d.cache), weight: 2 },
    { plugin: new InterPodAffinity(d.cache, d.namespaceLabels), weight: 2 },
    { plugin: new BalancedAllocation(), weight: 1 },
    {
      plugin: new DefaultPreemption({
        cache: d.cache,
        nominator: d.nominator,
        framework: () => framework!,
        budgets: d.budgets,
        actions: d.preemption,
        random: d.random,
      }),
    },
    { plugin: new DefaultBinder(d.client) },
  ];
  framework = new Framework(entries, d.nominator);
  return framework;
}
