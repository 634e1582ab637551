import type { Node } from '../core/v1/node';
import { nodePrinter, nodeRoles, nodeStatus } from './node-printer';
import { ago, now } from './test-fixtures';

function node(ready: 'True' | 'False' | 'Unknown' | undefined, opts: { unschedulable?: boolean; labels?: Record<string, string> } = {}): Node {
  return {
    metadata: { name: 'node-1', creationTimestamp: ago(3 * 24 * 3600), labels: opts.labels },
    spec: { unschedulable: opts.unschedulable },
    status: { conditions: ready ? [{ type: 'Ready', status: ready }] : [] },
  };
}

describe('node STATUS', () => {
  it.each([
    ['True', false, 'Ready'],
    ['False', false, 'NotReady'],
    ['Unknown', false, 'NotReady'],
    [undefined, false, 'Unknown'],
    ['True', true, 'Ready,SchedulingDisabled'],
    ['False', true, 'NotReady,SchedulingDisabled'],
  ] as const)('Ready=%s, cordoned %s reads %s', (ready, cordoned, text) => {
    expect(nodeStatus(node(ready, { unschedulable: cordoned }))).toBe(text);
  });
});

describe('node ROLES', () => {
  it('collects node-role labels and the legacy role label, sorted', () => {
    const labels = { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'edge', app: 'x' };
    expect(nodeRoles(node('True', { labels }))).toBe('control-plane,edge,worker');
  });

  it('is <none> without role labels', () => {
    expect(nodeRoles(node('True', { labels: { 'node-role.kubernetes.io/': '', 'kubernetes.io/role': '' } }))).toBe('<none>');
  });
});

describe('nodePrinter', () => {
  it('has the real column set', () => {
    expect(nodePrinter.columns.map((c) => (c.priority ? `*${c.name}` : c.name))).toEqual([
      'Name', 'Status', 'Roles', 'Age', 'Version', '*Internal-IP', '*External-IP', '*OS-Image', '*Kernel-Version', '*Container-Runtime',
    ]);
  });

  it('fills version, addresses and system info', () => {
    const n = node('True', { labels: { 'node-role.kubernetes.io/control-plane': '' } });
    n.status!.addresses = [
      { type: 'Hostname', address: 'node-1' },
      { type: 'InternalIP', address: '192.168.1.10' },
    ];
    n.status!.nodeInfo = {
      machineID: '',
      systemUUID: '',
      bootID: '',
      kernelVersion: '6.1.0-18-amd64',
      osImage: 'Debian GNU/Linux 12 (bookworm)',
      containerRuntimeVersion: 'containerd://1.7.13',
      kubeletVersion: 'v1.32.4',
      operatingSystem: 'linux',
      architecture: 'amd64',
    };
    expect(nodePrinter.cells(n, now)).toEqual([
      'node-1', 'Ready', 'control-plane', '3d', 'v1.32.4', '192.168.1.10', '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.1.0-18-amd64', 'containerd://1.7.13',
    ]);
  });

  it('prints <unknown> for missing system info', () => {
    expect(nodePrinter.cells(node('True'), now).slice(4)).toEqual(['', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']);
  });
});
