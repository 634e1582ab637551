import type { Node } from '../core/v1/node';
import { ageColumn, ageOf, column, nameColumn, wideColumn, type TablePrinter } from './table-printer';

const roleLabelPrefix = 'node-role.kubernetes.io/';
const legacyRoleLabel = 'kubernetes.io/role';

/** `Ready`, `NotReady` (False or Unknown), `Unknown` with no Ready condition; `,SchedulingDisabled` when cordoned. */
export function nodeStatus(node: Node): string {
  const ready = (node.status?.conditions ?? []).find((c) => c.type === 'Ready');
  const parts = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (node.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

/** Roles from `node-role.kubernetes.io/<role>` label keys and the older `kubernetes.io/role=<role>` label. */
export function nodeRoles(node: Node): string {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(node.metadata.labels ?? {})) {
    if (key.startsWith(roleLabelPrefix)) {
      const role = key.slice(roleLabelPrefix.length);
      if (role) roles.add(role);
    } else if (key === legacyRoleLabel && value) {
      roles.add(value);
    }
  }
  return roles.size ? [...roles].sort().join(',') : '<none>';
}

function addressOf(node: Node, type: string): string {
  return (node.status?.addresses ?? []).find((a) => a.type === type)?.address ?? '<none>';
}

export const nodePrinter: TablePrinter<Node> = {
  columns: [
    nameColumn,
    column('Status', 'string', 'The status of the node'),
    column('Roles', 'string', 'The roles of the node'),
    ageColumn,
    column('Version', 'string', 'Kubelet Version reported by the node.'),
    wideColumn('Internal-IP', 'string', 'The node address of type InternalIP.'),
    wideColumn('External-IP', 'string', 'The node address of type ExternalIP.'),
    wideColumn('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release.'),
    wideColumn('Kernel-Version', 'string', "Kernel Version reported by the node from 'uname -r'."),
    wideColumn('Container-Runtime', 'string', 'ContainerRuntime Version reported by the node through runtime remote API.'),
  ],
  cells(node, now) {
    const info = node.status?.nodeInfo;
    return [
      node.metadata.name,
      nodeStatus(node),
      nodeRoles(node),
      ageOf(node, now),
      info?.kubeletVersion ?? '',
      addressOf(node, 'InternalIP'),
      addressOf(node, 'ExternalIP'),
      info?.osImage || '<unknown>',
      info?.kernelVersion || '<unknown>',
      info?.containerRuntimeVersion || '<unknown>',
    ];
  },
};
