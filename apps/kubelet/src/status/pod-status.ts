import { formatTime, podQOSClass, type Container, type ContainerState, type ContainerStatus, type Pod, type PodCondition, type PodStatus } from '@skiff/api';
import type { ContainerStatus as RuntimeContainerStatus } from '@skiff/cri';
import { containerInstances, nsToIso, type PodRuntimeStatus } from '../runtime/pod-runtime-status';

/** Why a container is not running, as the pod worker last found it (CrashLoopBackOff, ErrImagePull, ...). */
export interface Waiting {
  reason: string;
  message?: string;
}

export interface PodStatusInputs {
  pod: Pod;
  runtime: PodRuntimeStatus;
  nowMs: number;
  /** Prefix of containerID, e.g. `containerd`. */
  runtimeName: string;
  hostIPs: string[];
  /** Per container name: why it waits, when the worker could not (re)start it. */
  waiting: ReadonlyMap<string, Waiting>;
  isReady(containerName: string, containerId: string): boolean;
  isStarted(containerName: string, containerId: string): boolean;
  /** Set once the pod has stopped for good: its containers will not run again. */
  terminal?: boolean;
}

function terminatedState(c: RuntimeContainerStatus, runtimeName: string): ContainerState {
  const reason = c.reason || (c.exitCode === 0 ? 'Completed' : 'Error');
  return {
    terminated: {
      exitCode: c.exitCode,
      reason,
      ...(c.message ? { message: c.message } : {}),
      startedAt: nsToIso(c.startedAt),
      finishedAt: nsToIso(c.finishedAt),
      containerID: `${runtimeName}://${c.id}`,
    },
  };
}

function containerStatus(spec: Container, inputs: PodStatusInputs, notStartedReason: string): ContainerStatus {
  const { current, previous } = containerInstances(inputs.runtime, spec.name);
  const waiting = inputs.waiting.get(spec.name);
  const base = { name: spec.name, image: spec.image ?? '', imageID: current?.imageRef ?? '', restartCount: current?.metadata.attempt ?? 0 };
  if (!current) {
    return { ...base, ready: false, started: false, state: { waiting: waiting ?? { reason: notStartedReason } } };
  }
  const containerID = `${inputs.runtimeName}://${current.id}`;
  const lastState = previous && previous.state === 'CONTAINER_EXITED' ? terminatedState(previous, inputs.runtimeName) : {};
  switch (current.state) {
    case 'CONTAINER_RUNNING':
      return {
        ...base,
        containerID,
        state: { running: { startedAt: nsToIso(current.startedAt) } },
        lastState,
        ready: inputs.isReady(spec.name, current.id),
        started: inputs.isStarted(spec.name, current.id),
      };
    case 'CONTAINER_EXITED':
      // A container about to be restarted shows why it waits, with its last run as lastState.
      if (waiting && !inputs.terminal) return { ...base, containerID, state: { waiting }, lastState: terminatedState(current, inputs.runtimeName), ready: false, started: false };
      return { ...base, containerID, state: terminatedState(current, inputs.runtimeName), lastState, ready: false, started: false };
    default:
      return { ...base, containerID, state: { waiting: waiting ?? { reason: 'ContainerCreating' } }, lastState, ready: false, started: false };
  }
}

/** True when every init container has completed (sidecars: started), or regular containers already ran. */
function initialized(pod: Pod, runtime: PodRuntimeStatus, statuses: ContainerStatus[]): boolean {
  const regular = new Set((pod.spec?.containers ?? []).map((c) => c.name));
  if (runtime.containers.some((c) => regular.has(c.metadata.name))) return true;
  return (pod.spec?.initContainers ?? []).every((c, i) => {
    const s = statuses[i];
    if (c.restartPolicy === 'Always') return !!s.started;
    return s.state?.terminated?.exitCode === 0;
  });
}

function failedInit(pod: Pod, statuses: ContainerStatus[]): boolean {
  if ((pod.spec?.restartPolicy ?? 'Always') !== 'Never') return false;
  return statuses.some((s, i) => pod.spec!.initContainers![i].restartPolicy !== 'Always' && (s.state?.terminated?.exitCode ?? 0) !== 0);
}

/** Kubernetes' pod phase from the container statuses and the restart policy. */
export function podPhase(pod: Pod, init: boolean, initFailed: boolean, statuses: ContainerStatus[]): NonNullable<PodStatus['phase']> {
  if (initFailed) return 'Failed';
  if (!init) return 'Pending';
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of statuses) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.lastState?.terminated) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped === 0) return 'Pending';
  switch (pod.spec?.restartPolicy ?? 'Always') {
    case 'Always':
      return 'Running';
    case 'OnFailure':
      return stopped === succeeded ? 'Succeeded' : 'Running';
    default:
      return stopped === succeeded ? 'Succeeded' : 'Failed';
  }
}

function conditionsFor(pod: Pod, phase: string, init: boolean, readyToStart: boolean, statuses: ContainerStatus[], initStatuses: ContainerStatus[], now: string): PodCondition[] {
  const old = new Map((pod.status?.conditions ?? []).map((c) => [c.type, c]));
  const make = (type: string, ok: boolean, reason?: string, message?: string): PodCondition => {
    const prev = old.get(type);
    const status = ok ? 'True' : 'False';
    return {
      type,
      status,
      lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : now,
      ...(ok ? {} : { reason, message }),
    };
  };
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
  const incomplete = (pod.spec?.initContainers ?? [])
    .filter((c, i) => (c.restartPolicy === 'Always' ? !initStatuses[i].started : initStatuses[i].state?.terminated?.exitCode !== 0))
    .map((c) => c.name);
  const containersReady = terminal
    ? make('ContainersReady', false, 'PodCompleted')
    : make('ContainersReady', unready.length === 0, 'ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`);
  const gates = (pod.spec?.readinessGates ?? []).map((g) => g.conditionType).filter((t) => old.get(t)?.status !== 'True');
  let ready: PodCondition;
  if (terminal) ready = make('Ready', false, 'PodCompleted');
  else if (unready.length) ready = make('Ready', false, 'ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`);
  else ready = make('Ready', gates.length === 0, 'ReadinessGatesNotReady', `corresponding condition of pod readiness gate "${gates[0]}" does not exist.`);
  const own = [
    make('PodReadyToStartContainers', readyToStart),
    terminal && !init ? make('Initialized', false, 'PodCompleted') : make('Initialized', init || incomplete.length === 0, 'ContainersNotInitialized', `containers with incomplete status: [${incomplete.join(' ')}]`),
    ready,
    containersReady,
  ];
  const ownTypes = new Set(own.map((c) => c.type));
  const others = (pod.status?.conditions ?? []).filter((c) => !ownTypes.has(c.type));
  return [...own, ...others];
}

/** The status the kubelet reports for a pod, computed from the runtime's view and the worker's notes. */
export function computePodStatus(inputs: PodStatusInputs): PodStatus {
  const { pod, runtime } = inputs;
  const now = formatTime(new Date(inputs.nowMs));
  const initStatuses = (pod.spec?.initContainers ?? []).map((c) => containerStatus(c, inputs, 'PodInitializing'));
  const init = initialized(pod, runtime, initStatuses);
  const statuses = (pod.spec?.containers ?? []).map((c) => containerStatus(c, inputs, init ? 'ContainerCreating' : 'PodInitializing'));
  const phase = podPhase(pod, init, failedInit(pod, initStatuses), statuses);
  const sandbox = runtime.sandboxes[0];
  const hostNetwork = !!pod.spec?.hostNetwork;
  const readyToStart = !!sandbox && sandbox.state === 'SANDBOX_READY';
  // A stopped sandbox reports no IP any more; the pod keeps the one it had, as in Kubernetes.
  const sandboxIPs = sandbox?.network?.ip ? [sandbox.network.ip, ...(sandbox.network.additionalIps ?? []).map((a) => a.ip)] : (pod.status?.podIPs ?? []).map((p) => p.ip);
  const podIPs = hostNetwork ? inputs.hostIPs : sandboxIPs;
  const status: PodStatus = {
    phase,
    conditions: conditionsFor(pod, phase, init, readyToStart, statuses, initStatuses, now),
    hostIP: inputs.hostIPs[0],
    hostIPs: inputs.hostIPs.map((ip) => ({ ip })),
    ...(podIPs.length ? { podIP: podIPs[0], podIPs: podIPs.map((ip) => ({ ip })) } : {}),
    startTime: pod.status?.startTime ?? now,
    ...(initStatuses.length ? { initContainerStatuses: initStatuses } : {}),
    containerStatuses: statuses,
    qosClass: podQOSClass(pod),
  };
  if (pod.status?.nominatedNodeName) status.nominatedNodeName = pod.status.nominatedNodeName;
  return status;
}
