import { humanDuration, type KObject } from '@skiff/api';
import type { DescribeWriter } from './describe-writer';

/* Describe reads many optional fields of many kinds; a loose view keeps that readable. */
type Loose = Record<string, any>;

function containerState(state: Loose | undefined): string {
  if (!state) return 'Waiting';
  const [name, detail] = Object.entries(state)[0] ?? ['waiting', {}];
  const reason = (detail as Loose)?.reason;
  return `${name[0].toUpperCase()}${name.slice(1)}${reason ? ` (${reason})` : ''}`;
}

function describeContainers(w: DescribeWriter, title: string, containers: Loose[] | undefined, statuses: Loose[] | undefined, indent: number): void {
  if (!containers?.length) return;
  w.heading(title, indent);
  for (const c of containers) {
    const status = statuses?.find((s) => s.name === c.name);
    w.heading(`  ${c.name}`, indent);
    w.field('Image', c.image, indent + 4);
    const ports = (c.ports ?? []).map((p: Loose) => `${p.containerPort}/${p.protocol ?? 'TCP'}`).join(', ');
    w.field('Port', ports || '<none>', indent + 4);
    if (c.command) w.field('Command', c.command.join(' '), indent + 4);
    if (c.args) w.field('Args', c.args.join(' '), indent + 4);
    if (status) {
      w.field('State', containerState(status.state), indent + 4);
      if (status.lastState && Object.keys(status.lastState).length) w.field('Last State', containerState(status.lastState), indent + 4);
      w.field('Ready', String(status.ready ?? false), indent + 4);
      w.field('Restart Count', status.restartCount ?? 0, indent + 4);
    }
    const env = (c.env ?? []) as Loose[];
    if (env.length) {
      w.heading('Environment', indent + 4);
      for (const e of env) w.field(e.name, e.value ?? '(from source)', indent + 6);
    }
  }
}

function describeConditions(w: DescribeWriter, conditions: Loose[] | undefined, withReason: boolean): void {
  if (!conditions?.length) return;
  w.heading('Conditions');
  const header = withReason ? ['Type', 'Status', 'Reason'] : ['Type', 'Status'];
  w.table([header, ...conditions.map((c) => (withReason ? [c.type, c.status, c.reason ?? ''] : [c.type, c.status]))]);
}

function describePodTemplate(w: DescribeWriter, template: Loose | undefined): void {
  w.heading('Pod Template');
  w.map('Labels', template?.metadata?.labels, 2);
  describeContainers(w, 'Containers', template?.spec?.containers, undefined, 2);
}

const sections: Record<string, (w: DescribeWriter, obj: Loose, now: number) => void> = {
  Pod(w, pod) {
    w.field('Priority', pod.spec?.priority ?? 0);
    w.field('Service Account', pod.spec?.serviceAccountName ?? 'default');
    w.field('Node', pod.spec?.nodeName ? `${pod.spec.nodeName}/${pod.status?.hostIP ?? ''}` : '<none>');
    w.field('Status', pod.metadata.deletionTimestamp ? 'Terminating' : pod.status?.phase ?? 'Pending');
    if (pod.status?.reason) w.field('Reason', pod.status.reason);
    if (pod.status?.message) w.field('Message', pod.status.message);
    w.field('IP', pod.status?.podIP);
    const owner = (pod.metadata.ownerReferences ?? []).find((o: Loose) => o.controller) as Loose | undefined;
    w.field('Controlled By', owner ? `${owner.kind}/${owner.name}` : '<none>');
    describeContainers(w, 'Init Containers', pod.spec?.initContainers, pod.status?.initContainerStatuses, 0);
    describeContainers(w, 'Containers', pod.spec?.containers, pod.status?.containerStatuses, 0);
    describeConditions(w, pod.status?.conditions, false);
    w.field('QoS Class', pod.status?.qosClass);
    w.map('Node-Selectors', pod.spec?.nodeSelector);
    const tolerations = (pod.spec?.tolerations ?? []).map((t: Loose) => `${t.key ?? ''}${t.value ? `=${t.value}` : ''}${t.effect ? `:${t.effect}` : ''}${t.operator === 'Exists' && !t.key ? ' op=Exists' : ''}`);
    w.field('Tolerations', tolerations.length ? tolerations.join(', ') : '<none>');
  },
  Deployment(w, d) {
    w.map('Selector', d.spec?.selector?.matchLabels);
    const s = d.status ?? {};
    w.field('Replicas', `${d.spec?.replicas ?? 1} desired | ${s.updatedReplicas ?? 0} updated | ${s.replicas ?? 0} total | ${s.availableReplicas ?? 0} available | ${s.unavailableReplicas ?? 0} unavailable`);
    w.field('StrategyType', d.spec?.strategy?.type ?? 'RollingUpdate');
    w.field('MinReadySeconds', d.spec?.minReadySeconds ?? 0);
    if (d.spec?.paused) w.field('Paused', 'true');
    describePodTemplate(w, d.spec?.template);
    describeConditions(w, d.status?.conditions, true);
  },
  ReplicaSet(w, rs) {
    w.map('Selector', rs.spec?.selector?.matchLabels);
    w.field('Replicas', `${rs.status?.replicas ?? 0} current / ${rs.spec?.replicas ?? 1} desired`);
    describePodTemplate(w, rs.spec?.template);
  },
  Service(w, svc) {
    w.map('Selector', svc.spec?.selector);
    w.field('Type', svc.spec?.type ?? 'ClusterIP');
    w.field('IP', svc.spec?.clusterIP);
    for (const p of (svc.spec?.ports ?? []) as Loose[]) {
      w.field('Port', `${p.name ?? '<unset>'}  ${p.port}/${p.protocol ?? 'TCP'}`);
      w.field('TargetPort', `${p.targetPort ?? p.port}/${p.protocol ?? 'TCP'}`);
      if (p.nodePort) w.field('NodePort', `${p.name ?? '<unset>'}  ${p.nodePort}/${p.protocol ?? 'TCP'}`);
    }
    w.field('Session Affinity', svc.spec?.sessionAffinity ?? 'None');
  },
  Node(w, node, now) {
    w.field('Unschedulable', String(Boolean(node.spec?.unschedulable)));
    const taints = (node.spec?.taints ?? []).map((t: Loose) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`);
    w.field('Taints', taints.length ? taints.join(', ') : '<none>');
    const conditions = (node.status?.conditions ?? []) as Loose[];
    if (conditions.length) {
      w.heading('Conditions');
      w.table([
        ['Type', 'Status', 'LastHeartbeatTime', 'Reason', 'Message'],
        ...conditions.map((c) => [c.type, c.status, c.lastHeartbeatTime ? `${humanDuration(now - Date.parse(c.lastHeartbeatTime))} ago` : '', c.reason ?? '', c.message ?? '']),
      ]);
    }
    w.heading('Addresses');
    for (const a of (node.status?.addresses ?? []) as Loose[]) w.field(a.type, a.address, 2);
    if (node.status?.capacity) {
      w.heading('Capacity');
      for (const [k, v] of Object.entries(node.status.capacity as Record<string, string>)) w.field(k, v, 2);
    }
    if (node.status?.allocatable) {
      w.heading('Allocatable');
      for (const [k, v] of Object.entries(node.status.allocatable as Record<string, string>)) w.field(k, v, 2);
    }
  },
  ConfigMap(w, cm) {
    w.heading('Data');
    w.text('====');
    for (const [k, v] of Object.entries((cm.data ?? {}) as Record<string, string>)) w.text(`${k}:\n----\n${v}\n`);
  },
  Namespace(w, ns) {
    w.field('Status', ns.status?.phase ?? 'Active');
  },
};

/** The kind's own sections of `describe`; kinds without any get their spec and status as indented fields. */
export function describeKindSections(w: DescribeWriter, obj: KObject, now: number): void {
  const section = sections[obj.kind ?? ''];
  if (section) return section(w, obj as Loose, now);
  for (const part of ['spec', 'status'] as const) {
    const value = (obj as Loose)[part];
    if (value && typeof value === 'object') {
      w.heading(part[0].toUpperCase() + part.slice(1));
      for (const [k, v] of Object.entries(value)) w.field(k, typeof v === 'object' ? JSON.stringify(v) : v, 2);
    }
  }
}
