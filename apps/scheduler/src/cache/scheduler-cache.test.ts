import { makeNode, makePod, podInfo } from '../testing/fixtures';
import { SchedulerCache } from './scheduler-cache';

describe('SchedulerCache', () => {
  it('counts an assumed pod on its node at once, and forgets it when the binding fails', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode('n', { cpu: '4' }));
    const pod = podInfo('p', { cpu: '1' });
    cache.assumePod(pod, 'n');
    expect(cache.getNodeInfo('n')!.requested.milliCPU).toBe(1000);
    expect(cache.isAssumed('default/p')).toBe(true);
    cache.forgetPod('default/p');
    expect(cache.getNodeInfo('n')!.requested.milliCPU).toBe(0);
    expect(cache.isAssumed('default/p')).toBe(false);
  });

  it('replaces the assumed pod with the bound one when the binding is observed, counting it once', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode('n', { cpu: '4' }));
    cache.assumePod(podInfo('p', { cpu: '1' }), 'n');
    cache.addPod(makePod('p', { cpu: '1', nodeName: 'n' }));
    const ni = cache.getNodeInfo('n')!;
    expect([ni.pods.size, ni.requested.milliCPU, cache.isAssumed('default/p')]).toEqual([1, 1000, false]);
    cache.forgetPod('default/p');
    expect(ni.pods.size).toBe(1);
  });

  it('keeps pods of a deleted node until they go, and hides the node from scheduling', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode('n'));
    cache.addPod(makePod('p', { nodeName: 'n' }));
    cache.removeNode('n');
    expect(cache.getNodeInfo('n')).toBeUndefined();
    expect(cache.nodeCount).toBe(0);
    cache.addNode(makeNode('n'));
    expect(cache.getNodeInfo('n')!.pods.size).toBe(1);
  });

  it('interleaves zones so a partial scan sees every zone', () => {
    const cache = new SchedulerCache();
    for (const [name, zone] of [['a1', 'a'], ['a2', 'a'], ['a3', 'a'], ['b1', 'b'], ['c1', 'c'], ['b2', 'b']]) {
      cache.addNode(makeNode(name, { labels: { 'topology.kubernetes.io/zone': zone } }));
    }
    expect(cache.nodeInfos().map((n) => n.name)).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3']);
  });

  it('tracks how many pods carry affinity so that plugins can skip work', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode('n'));
    expect(cache.hasPodsWithRequiredAntiAffinity()).toBe(false);
    const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { a: 'b' } }, topologyKey: 'zone' }] } };
    cache.addPod(makePod('p', { nodeName: 'n', affinity: anti }));
    expect(cache.hasPodsWithRequiredAntiAffinity()).toBe(true);
    expect(cache.nodesWithRequiredAntiAffinityPods().map((n) => n.name)).toEqual(['n']);
    cache.removePod('default/p');
    expect(cache.hasPodsWithRequiredAntiAffinity()).toBe(false);
  });
});
