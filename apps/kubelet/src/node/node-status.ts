import { formatTime, type Node, type NodeCondition, type NodeStatus } from '@skiff/api';
import type { HostFacts, HostReadings } from './host-info';

/** Kubernetes' default hard eviction thresholds; allocatable keeps them back and pressure starts below them. */
export const evictionThresholds = { memoryAvailableBytes: 100 * 2 ** 20, nodeFsAvailableFraction: 0.1, pidAvailableFraction: 0.1 };

/** Everything the node's status is made from, gathered by the kubelet each status round. */
export interface NodeObservation {
  facts: HostFacts;
  readings: HostReadings;
  maxPods: number;
  addresses: { type: string; address: string }[];
  kubeletPort: number;
  kubeletVersion: string;
  containerRuntimeVersion: string;
  /** Why the node is not ready (runtime or network down, no pod CIDR yet); empty when it is. */
  notReadyReasons: string[];
  images: { names: string[]; sizeBytes: number }[];
}

function kib(bytes: number): string {
  return `${Math.max(0, Math.floor(bytes / 1024))}Ki`;
}

/** A pressure condition is True when under pressure; Ready is True when nothing is wrong. */
function condition(type: string, isTrue: boolean, reason: string, message: string): NodeCondition {
  return { type, status: isTrue ? 'True' : 'False', reason, message };
}

/**
 * The status the kubelet wants the Node to have. Timestamps come from the previous status: a condition's
 * lastTransitionTime moves only when its status flips, and every heartbeat is `now`.
 */
export function desiredNodeStatus(prev: Node | undefined, o: NodeObservation, nowMs: number): NodeStatus {
  const f = o.facts;
  const r = o.readings;
  const memoryPressure = r.memoryAvailableBytes < evictionThresholds.memoryAvailableBytes;
  const diskPressure = r.nodeFsAvailableBytes < r.nodeFsCapacityBytes * evictionThresholds.nodeFsAvailableFraction;
  const pidPressure = r.pidMax - r.processes < r.pidMax * evictionThresholds.pidAvailableFraction;
  const ready = o.notReadyReasons.length === 0;
  const fresh: NodeCondition[] = [
    memoryPressure
      ? condition('MemoryPressure', true, 'KubeletHasInsufficientMemory', 'kubelet has insufficient memory available')
      : condition('MemoryPressure', false, 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    diskPressure
      ? condition('DiskPressure', true, 'KubeletHasDiskPressure', 'kubelet has disk pressure')
      : condition('DiskPressure', false, 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    pidPressure
      ? condition('PIDPressure', true, 'KubeletHasInsufficientPID', 'kubelet has insufficient PID available')
      : condition('PIDPressure', false, 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    ready
      ? condition('Ready', true, 'KubeletReady', 'kubelet is posting ready status')
      : condition('Ready', false, 'KubeletNotReady', o.notReadyReasons.join('; ')),
  ];
  const now = formatTime(new Date(nowMs));
  const before = new Map((prev?.status?.conditions ?? []).map((c) => [c.type, c]));
  const conditions = fresh.map((c) => {
    const old = before.get(c.type);
    return { ...c, lastHeartbeatTime: now, lastTransitionTime: old && old.status === c.status ? old.lastTransitionTime ?? now : now };
  });
  const memoryAllocatable = f.memoryBytes - evictionThresholds.memoryAvailableBytes;
  const storageAllocatable = f.ephemeralStorageBytes * (1 - evictionThresholds.nodeFsAvailableFraction);
  return {
    ...prev?.status,
    capacity: { cpu: String(f.cpuCores), memory: kib(f.memoryBytes), 'ephemeral-storage': kib(f.ephemeralStorageBytes), pods: String(o.maxPods) },
    allocatable: { cpu: String(f.cpuCores), memory: kib(memoryAllocatable), 'ephemeral-storage': kib(storageAllocatable), pods: String(o.maxPods) },
    conditions,
    addresses: o.addresses,
    daemonEndpoints: { kubeletEndpoint: { Port: o.kubeletPort } },
    nodeInfo: {
      machineID: f.machineID,
      systemUUID: f.systemUUID,
      bootID: f.bootID,
      kernelVersion: f.kernelVersion,
      osImage: f.osImage,
      containerRuntimeVersion: o.containerRuntimeVersion,
      kubeletVersion: o.kubeletVersion,
      kubeProxyVersion: '',
      operatingSystem: f.operatingSystem,
      architecture: f.architecture,
    },
    images: o.images.slice(0, 50),
  };
}

/** True when two statuses differ in anything but heartbeat times: then the Node needs a write now. */
export function nodeStatusChanged(a: NodeStatus | undefined, b: NodeStatus): boolean {
  const strip = (s: NodeStatus | undefined) => JSON.stringify({ ...s, conditions: (s?.conditions ?? []).map((c) => ({ ...c, lastHeartbeatTime: undefined })) });
  return strip(a) !== strip(b);
}
