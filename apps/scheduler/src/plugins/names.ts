/** Plugin names as Kubernetes spells them (they appear in logs and decide which events requeue a pod). */
export const pluginNames = {
  nodeUnschedulable: 'NodeUnschedulable',
  nodeName: 'NodeName',
  taintToleration: 'TaintToleration',
  nodeAffinity: 'NodeAffinity',
  nodePorts: 'NodePorts',
  nodeResourcesFit: 'NodeResourcesFit',
  balancedAllocation: 'NodeResourcesBalancedAllocation',
  podTopologySpread: 'PodTopologySpread',
  interPodAffinity: 'InterPodAffinity',
  defaultPreemption: 'DefaultPreemption',
  defaultBinder: 'DefaultBinder',
} as const;
