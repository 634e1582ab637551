import type { Container } from '../core/v1/container';
import type { ContainerState, ContainerStatus, Pod } from '../core/v1/pod';
import { humanDuration } from './human-duration';
import { ageColumn, ageOf, column, nameColumn, wideColumn, type TablePrinter } from './table-printer';

/** Kubernetes' reason for pods the node controller gave up on; such pods read `Unknown` while being deleted. */
const nodeLostReason = 'NodeLost';

/** Restart totals and the moment of the latest restart (milliseconds; 0 when none is known). */
interface Restarts {
  count: number;
  last: number;
}

function addRestarts(into: Restarts, status: ContainerStatus): void {
  into.count += status.restartCount ?? 0;
  const finished = status.lastState?.terminated?.finishedAt;
  const t = finished ? Date.parse(finished) : NaN;
  if (!Number.isNaN(t) && t > into.last) into.last = t;
}

/** A sidecar: an init container that keeps running next to the app containers. */
function isSidecar(container: Container | undefined): boolean {
  return container?.restartPolicy === 'Always';
}

function terminatedReason(state: NonNullable<ContainerState['terminated']>, prefix: string): string {
  if (state.reason) return prefix + state.reason;
  return state.signal ? `${prefix}Signal:${state.signal}` : `${prefix}ExitCode:${state.exitCode}`;
}

function conditionIsTrue(pod: Pod, type: string): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

/** What the pod's READY, STATUS and RESTARTS columns say, following kubectl's pod status rules. */
export interface PodSummary {
  ready: string;
  status: string;
  restarts: string;
}

export function summarizePod(pod: Pod, now: number): PodSummary {
  const status = pod.status ?? {};
  const spec = pod.spec;
  let reason: string = status.reason || status.phase || '';
  if ((status.conditions ?? []).some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  const initContainers = new Map((spec?.initContainers ?? []).map((c) => [c.name, c]));
  const total = (spec?.containers ?? []).length + [...initContainers.values()].filter(isSidecar).length;
  let ready = 0;
  const all: Restarts = { count: 0, last: 0 };
  const sidecars: Restarts = { count: 0, last: 0 };

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    const sidecar = isSidecar(initContainers.get(cs.name));
    addRestarts(all, cs);
    if (sidecar) addRestarts(sidecars, cs);
    const terminated = cs.state?.terminated;
    const waiting = cs.state?.waiting;
    if (terminated && terminated.exitCode === 0) continue;
    if (sidecar && cs.started) {
      if (cs.ready) ready++;
      continue;
    }
    initializing = true;
    if (terminated) reason = terminatedReason(terminated, 'Init:');
    else if (waiting?.reason && waiting.reason !== 'PodInitializing') reason = `Init:${waiting.reason}`;
    else reason = `Init:${i}/${initContainers.size}`;
    break;
  }

  let restarts = all;
  if (!initializing || conditionIsTrue(pod, 'Initialized')) {
    // Once initialized, only sidecars' restarts still count from the init containers.
    restarts = { ...sidecars };
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      addRestarts(restarts, cs);
      const waiting = cs.state?.waiting;
      const terminated = cs.state?.terminated;
      if (waiting?.reason) reason = waiting.reason;
      else if (terminated) reason = terminatedReason(terminated, '');
      else if (cs.ready && cs.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    // A pod whose last-listed container completed but another still runs is not complete.
    if (reason === 'Completed' && hasRunning) reason = conditionIsTrue(pod, 'Ready') ? 'Running' : 'NotReady';
  }

  if (pod.metadata.deletionTimestamp) {
    if (status.reason === nodeLostReason) reason = 'Unknown';
    else if (status.phase !== 'Succeeded' && status.phase !== 'Failed') reason = 'Terminating';
  }
  const restartText = restarts.count !== 0 && restarts.last ? `${restarts.count} (${humanDuration(now - restarts.last)} ago)` : String(restarts.count);
  return { ready: `${ready}/${total}`, status: reason, restarts: restartText };
}

function readinessGates(pod: Pod): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (!gates.length) return '<none>';
  const passed = gates.filter((g) => conditionIsTrue(pod, g.conditionType)).length;
  return `${passed}/${gates.length}`;
}

export const podPrinter: TablePrinter<Pod> = {
  columns: [
    nameColumn,
    column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'string', 'The aggregate status of the containers in this pod.'),
    column('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    ageColumn,
    wideColumn('IP', 'string', 'The IP address allocated to the pod.'),
    wideColumn('Node', 'string', 'The node the pod is bound to.'),
    wideColumn('Nominated Node', 'string', 'The node the scheduler nominated for this pod after preempting others.'),
    wideColumn('Readiness Gates', 'string', 'How many of the pod readiness gates are satisfied.'),
  ],
  cells(pod, now) {
    const s = summarizePod(pod, now);
    const ip = pod.status?.podIPs?.[0]?.ip || pod.status?.podIP;
    return [
      pod.metadata.name,
      s.ready,
      s.status,
      s.restarts,
      ageOf(pod, now),
      ip || '<none>',
      pod.spec?.nodeName || '<none>',
      pod.status?.nominatedNodeName || '<none>',
      readinessGates(pod),
    ];
  },
};
