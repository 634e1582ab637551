import { CycleState } from '../framework/cycle-state';
import { makeNode, makePod, nodeInfo, podInfo } from '../testing/fixtures';
import { NodePorts } from './node-ports';

const plugin = new NodePorts();

describe('NodePorts', () => {
  it('skips pods without host ports', () => {
    expect(plugin.preFilter(new CycleState(), podInfo('p'))?.status?.code).toBe('Skip');
  });

  it('rejects a node where the host port is taken, until the holder leaves', () => {
    const holder = makePod('a', { hostPorts: [8080], nodeName: 'n' });
    const node = nodeInfo(makeNode('n'), holder);
    const pod = podInfo('p', { hostPorts: [8080] });
    expect(plugin.filter(new CycleState(), pod, node)?.reasons).toEqual(["node(s) didn't have free ports for the requested pod ports"]);
    expect(plugin.filter(new CycleState(), podInfo('q', { hostPorts: [9090] }), node)).toBeNull();
    node.removePod(podInfo('a', { nodeName: 'n' }));
    expect(plugin.filter(new CycleState(), pod, node)).toBeNull();
  });

  it('treats 0.0.0.0 as overlapping every host IP, distinct IPs as separate', () => {
    const node = nodeInfo(makeNode('n'));
    node.usedPorts.add({ ip: '10.0.0.1', protocol: 'TCP', port: 80 }, 1);
    expect(node.usedPorts.conflicts({ ip: '10.0.0.2', protocol: 'TCP', port: 80 })).toBe(false);
    expect(node.usedPorts.conflicts({ ip: '0.0.0.0', protocol: 'TCP', port: 80 })).toBe(true);
    expect(node.usedPorts.conflicts({ ip: '10.0.0.1', protocol: 'UDP', port: 80 })).toBe(false);
  });
});
