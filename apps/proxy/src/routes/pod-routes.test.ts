import type { Node } from '@skiff/api';
import { desiredPodRoutes } from './pod-routes';

function node(name: string, internalIP: string | undefined, podCIDRs: string[]): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    spec: { podCIDR: podCIDRs[0], podCIDRs },
    status: { addresses: internalIP ? [{ type: 'Hostname', address: name }, { type: 'InternalIP', address: internalIP }] : [] },
  };
}

describe('desiredPodRoutes', () => {
  const own = new Set(['192.168.50.1']);

  it('routes every other node\'s pod range via its InternalIP, sorted, and none for this node', () => {
    const nodes = [node('n3', '192.168.50.3', ['10.244.3.0/24']), node('n1', '192.168.50.1', ['10.244.1.0/24']), node('n2', '192.168.50.2', ['10.244.2.0/24'])];
    expect(desiredPodRoutes(nodes, 'n1', own)).toEqual([
      { cidr: '10.244.2.0/24', via: '192.168.50.2', node: 'n2' },
      { cidr: '10.244.3.0/24', via: '192.168.50.3', node: 'n3' },
    ]);
  });

  it('leaves out nodes without a range or an IPv4 InternalIP yet, and IPv6 ranges', () => {
    const nodes = [node('n1', '192.168.50.1', ['10.244.1.0/24']), node('fresh', '192.168.50.4', []), node('noaddr', undefined, ['10.244.5.0/24']), node('dual', '192.168.50.6', ['10.244.6.0/24', 'fd00:6::/64'])];
    expect(desiredPodRoutes(nodes, 'n1', own)).toEqual([{ cidr: '10.244.6.0/24', via: '192.168.50.6', node: 'dual' }]);
  });

  it('routes nothing via loopback or via an address of this node (hollow nodes, kubelets sharing the host)', () => {
    const nodes = [node('n1', '192.168.50.1', ['10.244.1.0/24']), node('hollow', '127.0.0.1', ['10.244.7.0/24']), node('twin', '192.168.50.1', ['10.244.8.0/24'])];
    expect(desiredPodRoutes(nodes, 'n1', own)).toEqual([]);
  });

  it('never routes away this node\'s own range, and gives a range two nodes claim to the first', () => {
    const nodes = [node('n1', '192.168.50.1', ['10.244.1.0/24']), node('a', '192.168.50.2', ['10.244.1.0/24', '10.244.9.0/24']), node('b', '192.168.50.3', ['10.244.9.0/24'])];
    expect(desiredPodRoutes(nodes, 'n1', own)).toEqual([{ cidr: '10.244.9.0/24', via: '192.168.50.2', node: 'a' }]);
  });

  it('works before this node\'s own object exists', () => {
    expect(desiredPodRoutes([node('n2', '192.168.50.2', ['10.244.2.0/24'])], 'n1', own)).toEqual([{ cidr: '10.244.2.0/24', via: '192.168.50.2', node: 'n2' }]);
  });
});
