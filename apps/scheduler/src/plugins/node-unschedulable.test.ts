import { CycleState } from '../framework/cycle-state';
import { makeNode, nodeInfo, podInfo } from '../testing/fixtures';
import { NodeName } from './node-name';
import { NodeUnschedulable } from './node-unschedulable';

describe('NodeUnschedulable', () => {
  const plugin = new NodeUnschedulable();
  const cordoned = nodeInfo(makeNode('n', { unschedulable: true }));

  it('rejects cordoned nodes', () => {
    const s = plugin.filter(new CycleState(), podInfo('p'), cordoned);
    expect([s?.code, s?.reasons]).toEqual(['UnschedulableAndUnresolvable', ['node(s) were unschedulable']]);
    expect(plugin.filter(new CycleState(), podInfo('p'), nodeInfo(makeNode('m')))).toBeNull();
  });

  it('lets pods that tolerate node.kubernetes.io/unschedulable through', () => {
    const pod = podInfo('p', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] });
    expect(plugin.filter(new CycleState(), pod, cordoned)).toBeNull();
  });
});

describe('NodeName', () => {
  const plugin = new NodeName();
  it('fits a pod naming a node only on that node', () => {
    const pod = podInfo('p', { nodeName: 'wanted' });
    expect(plugin.filter(new CycleState(), pod, nodeInfo(makeNode('wanted')))).toBeNull();
    expect(plugin.filter(new CycleState(), pod, nodeInfo(makeNode('other')))?.reasons).toEqual(["node(s) didn't match the requested node name"]);
    expect(plugin.filter(new CycleState(), podInfo('q'), nodeInfo(makeNode('other')))).toBeNull();
  });
});
