import type { Affinity, Node, Pod, Taint, Toleration, TopologySpreadConstraint } from '@skiff/api';
import { NodeInfo } from '../cache/node-info';
import { PodInfo } from '../cache/pod-info';
import { SchedulerCache } from '../cache/scheduler-cache';

/** Fake objects for unit tests: only the fields the scheduler reads. */

export interface NodeShape {
  cpu?: string;
  memory?: string;
  pods?: string;
  extra?: Record<string, string>;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
}

export function makeNode(name: string, s: NodeShape = {}): Node {
  const allocatable: Record<string, string> = { cpu: s.cpu ?? '4', memory: s.memory ?? '8Gi', pods: s.pods ?? '110', ...(s.extra ?? {}) };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(s.labels ?? {}) } },
    spec: { taints: s.taints, unschedulable: s.unschedulable },
    status: { capacity: allocatable, allocatable },
  };
}

export interface PodShape {
  namespace?: string;
  cpu?: string;
  memory?: string;
  extra?: Record<string, string>;
  labels?: Record<string, string>;
  nodeName?: string;
  priority?: number;
  preemptionPolicy?: 'Never' | 'PreemptLowerPriority';
  tolerations?: Toleration[];
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  hostPorts?: number[];
  spread?: TopologySpreadConstraint[];
  nominatedNodeName?: string;
  deleting?: boolean;
  createdAt?: string;
  uid?: string;
}

export function makePod(name: string, s: PodShape = {}): Pod {
  const requests: Record<string, string> = { ...(s.cpu ? { cpu: s.cpu } : {}), ...(s.memory ? { memory: s.memory } : {}), ...(s.extra ?? {}) };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: s.namespace ?? 'default',
      uid: s.uid ?? `uid-${name}`,
      labels: s.labels,
      creationTimestamp: s.createdAt ?? '2024-05-01T10:00:00Z',
      ...(s.deleting ? { deletionTimestamp: '2024-05-01T10:05:00Z' } : {}),
    },
    spec: {
      containers: [
        {
          name: 'c',
          image: 'busybox',
          resources: Object.keys(requests).length ? { requests } : undefined,
          ports: s.hostPorts?.map((p) => ({ containerPort: p, hostPort: p, protocol: 'TCP' })),
        },
      ],
      nodeName: s.nodeName,
      priority: s.priority,
      preemptionPolicy: s.preemptionPolicy,
      tolerations: s.tolerations,
      nodeSelector: s.nodeSelector,
      affinity: s.affinity,
      topologySpreadConstraints: s.spread,
      schedulerName: 'default-scheduler',
    },
    status: { phase: 'Pending', ...(s.nominatedNodeName ? { nominatedNodeName: s.nominatedNodeName } : {}) },
  };
}

export function podInfo(name: string, s: PodShape = {}): PodInfo {
  return new PodInfo(makePod(name, s));
}

/** A NodeInfo with the given pods counted on it. */
export function nodeInfo(node: Node, ...pods: Pod[]): NodeInfo {
  const ni = new NodeInfo(node.metadata.name ?? '');
  ni.setNode(node);
  for (const p of pods) ni.addPod(new PodInfo(p));
  return ni;
}

/** A cache holding the nodes, and the pods bound to whichever node their spec.nodeName names. */
export function cacheWith(nodes: Node[], pods: Pod[] = []): SchedulerCache {
  const cache = new SchedulerCache();
  for (const n of nodes) cache.addNode(n);
  for (const p of pods) cache.addPod(p);
  return cache;
}
