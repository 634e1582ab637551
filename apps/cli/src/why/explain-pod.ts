import type { Event, KObject, Node, Pod } from '@skiff/api';

/** What `skiff why` knows about a pod: the pod, its events, its node (when bound) and how many nodes exist. */
export interface PodFacts {
  pod: Pod;
  events: Event[];
  node?: Node;
  /** undefined when the pod is bound to a node that does not exist. */
  nodeMissing?: boolean;
  nodeCount: number;
  /** The owner chain, nearest first: `ReplicaSet/web-5d9c`, `Deployment/web`. */
  owners: string[];
  /** Last log lines of a crash-looping container, or the server's reason for not having them. */
  lastLogs?: Record<string, string>;
}

export interface Explanation {
  /** One line: Running and Ready, or the main reason it is not. */
  verdict: string;
  /** Supporting facts, each one line (per-node reasons, exit codes, log lines, events). */
  details: string[];
  healthy: boolean;
}

const imagePullReasons = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);

function isReadyCondition(obj: { status?: { conditions?: { type: string; status: string }[] } }, type: string): string | undefined {
  return obj.status?.conditions?.find((c) => c.type === type)?.status;
}

/**
 * `0/3 nodes are available: 1 node(s) had untolerated taint {a: b}, 2 Insufficient cpu. preemption: ...` → the
 * headline, one line per reason, and the preemption verdict on its own line.
 */
export function splitSchedulingMessage(message: string): string[] {
  const [filtering, preemption] = message.split(/\.\s+preemption:\s*/);
  const colon = filtering.indexOf(': ');
  if (colon < 0) return [message];
  const reasons = filtering.slice(colon + 2).replace(/\.\s*$/, '').split(/,\s+(?=\d+\s)/);
  const lines = [filtering.slice(0, colon) + ':', ...reasons.map((r) => `  - ${r.trim()}`)];
  if (preemption) lines.push(`preemption: ${preemption.trim()}`);
  return lines;
}

function warnings(events: Event[], limit = 3): string[] {
  return events
    .filter((e) => e.type === 'Warning')
    .slice(-limit)
    .map((e) => `event ${e.reason ?? ''}${(e.count ?? 1) > 1 ? ` (x${e.count})` : ''}: ${e.message ?? ''}`);
}

/** Turns the facts into plain words, checking the causes in the order a pod meets them. */
export function explainPod(facts: PodFacts): Explanation {
  const { pod, events } = facts;
  const name = `pod/${pod.metadata.name}`;
  const details: string[] = [];
  if (facts.owners.length) details.push(`owned by ${facts.owners.join(' ← ')}`);

  if (pod.metadata.deletionTimestamp) {
    return { verdict: `${name} is being deleted (since ${pod.metadata.deletionTimestamp}); its containers are being stopped`, details, healthy: false };
  }
  if (pod.status?.phase === 'Succeeded') return { verdict: `${name} has completed: all its containers exited successfully`, details, healthy: true };

  if (!pod.spec?.nodeName) {
    const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    const failed = [...events].reverse().find((e) => e.reason === 'FailedScheduling');
    const message = scheduled?.status === 'False' && scheduled.message ? scheduled.message : failed?.message;
    if (message) return { verdict: `${name} is not scheduled: no node can take it`, details: [...splitSchedulingMessage(message), ...details], healthy: false };
    if (facts.nodeCount === 0) return { verdict: `${name} is not scheduled: the cluster has no nodes`, details: ['join a node (skiff join) or start a kubelet', ...details], healthy: false };
    return {
      verdict: `${name} is not scheduled yet, and no scheduler has reported on it`,
      details: [`schedulerName is "${pod.spec?.schedulerName ?? 'default-scheduler'}": is that scheduler running?`, ...details],
      healthy: false,
    };
  }

  const nodeName = pod.spec.nodeName;
  if (facts.nodeMissing) return { verdict: `${name} is bound to node ${nodeName}, which does not exist`, details, healthy: false };
  const nodeReady = facts.node && isReadyCondition(facts.node, 'Ready');
  if (facts.node && nodeReady !== 'True') {
    const cond = facts.node.status?.conditions?.find((c) => c.type === 'Ready');
    const why = cond ? `${cond.reason ?? 'NotReady'}${cond.message ? `: ${cond.message}` : ''}` : 'it has never reported a Ready condition';
    return { verdict: `${name} is on node ${nodeName}, which is NotReady (${why})`, details: [...details, ...warnings(events)], healthy: false };
  }

  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const s of statuses) {
    const waiting = s.state?.waiting;
    if (waiting?.reason && imagePullReasons.has(waiting.reason)) {
      return {
        verdict: `${name}: the image of container ${s.name} cannot be pulled (${waiting.reason})`,
        details: [`image: ${s.image}`, ...(waiting.message ? [waiting.message] : []), ...details, ...warnings(events)],
        healthy: false,
      };
    }
    if (waiting?.reason === 'CrashLoopBackOff' || (s.restartCount ?? 0) > 0 && s.lastState?.terminated && !s.ready) {
      const last = s.lastState?.terminated;
      const exit = last ? `last exit code ${last.exitCode}${last.reason ? ` (${last.reason})` : ''}` : 'no exit recorded';
      const logs = facts.lastLogs?.[s.name];
      return {
        verdict: `${name}: container ${s.name} is crash-looping (restarted ${s.restartCount ?? 0} times, ${exit})`,
        details: [...(logs ? ['last log lines:', ...logs.trimEnd().split('\n').map((l) => `  | ${l}`)] : []), ...details, ...warnings(events)],
        healthy: false,
      };
    }
    if (waiting?.reason) {
      return { verdict: `${name}: container ${s.name} is waiting (${waiting.reason})`, details: [...(waiting.message ? [waiting.message] : []), ...details, ...warnings(events)], healthy: false };
    }
  }

  if (pod.status?.phase === 'Failed') {
    return { verdict: `${name} has failed${pod.status.reason ? ` (${pod.status.reason})` : ''}`, details: [...(pod.status.message ? [pod.status.message] : []), ...details], healthy: false };
  }
  if (statuses.length === 0) {
    return { verdict: `${name} is assigned to node ${nodeName}, but its kubelet has not started it yet`, details: [...details, ...warnings(events)], healthy: false };
  }
  const notReady = statuses.filter((s) => !s.ready && s.state?.running);
  const probeFailures = events.filter((e) => e.reason === 'Unhealthy');
  if (notReady.length) {
    const probe = probeFailures.length ? [`probe failing: ${probeFailures[probeFailures.length - 1].message ?? ''}`] : [];
    return { verdict: `${name} is Running but not Ready: container ${notReady.map((s) => s.name).join(', ')} is not ready`, details: [...probe, ...details], healthy: false };
  }
  if (isReadyCondition(pod, 'Ready') === 'True') return { verdict: `${name} is Running and Ready on node ${nodeName}`, details, healthy: true };
  return { verdict: `${name} is ${pod.status?.phase ?? 'Pending'} on node ${nodeName}`, details: [...details, ...warnings(events)], healthy: false };
}

export function ownerRef(obj: KObject): { kind: string; name: string } | undefined {
  const ref = obj.metadata.ownerReferences?.find((o) => o.controller) ?? obj.metadata.ownerReferences?.[0];
  return ref ? { kind: ref.kind, name: ref.name } : undefined;
}
