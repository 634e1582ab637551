import { cacheWith, makeNode, makePod, podInfo } from '../testing/fixtures';
import { testFramework } from '../testing/test-framework';
import { numFeasibleNodesToFind, PodScheduler } from './schedule-pod';

describe('numFeasibleNodesToFind', () => {
  it('filters every node of a small cluster and an adaptive share of a big one', () => {
    expect(numFeasibleNodesToFind(99, 0)).toBe(99);
    expect(numFeasibleNodesToFind(100, 0)).toBe(100); // 50 - 0 = 50% → 50, raised to the 100 minimum
    expect(numFeasibleNodesToFind(1000, 0)).toBe(420); // 50 - 8 = 42%
    expect(numFeasibleNodesToFind(5000, 0)).toBe(500); // 50 - 40 = 10%
    expect(numFeasibleNodesToFind(10000, 0)).toBe(500); // floor of 5%
    expect(numFeasibleNodesToFind(5000, 30)).toBe(1500);
    expect(numFeasibleNodesToFind(5000, 100)).toBe(5000);
  });
});

describe('PodScheduler', () => {
  it('picks the best-scoring feasible node', () => {
    const cache = cacheWith([makeNode('busy', { cpu: '4' }), makeNode('idle', { cpu: '4' }), makeNode('small', { cpu: '1' })], [makePod('x', { cpu: '3', nodeName: 'busy' })]);
    const { framework } = testFramework(cache);
    const out = new PodScheduler(cache, framework, 0).schedule(framework.newCycleState(), podInfo('p', { cpu: '1' }));
    expect(out).toMatchObject({ kind: 'scheduled', nodeName: 'idle', feasibleNodes: 3 });
  });

  it('stops filtering once enough nodes fit and starts the next pod where it stopped', () => {
    const nodes = Array.from({ length: 1000 }, (_, i) => makeNode(`n${String(i).padStart(4, '0')}`));
    const cache = cacheWith(nodes);
    const { framework } = testFramework(cache);
    const scheduler = new PodScheduler(cache, framework, 10);
    const first = scheduler.schedule(framework.newCycleState(), podInfo('a', { cpu: '100m' }));
    expect(first).toMatchObject({ kind: 'scheduled', evaluatedNodes: 100, feasibleNodes: 100 });
    // The second pod's scan covers the next 100 nodes, so its choice is among n0100..n0199.
    const second = scheduler.schedule(framework.newCycleState(), podInfo('b', { cpu: '100m' }));
    expect(second.kind === 'scheduled' && Number(second.nodeName.slice(1))).toBeGreaterThanOrEqual(100);
    expect(second.kind === 'scheduled' && Number(second.nodeName.slice(1))).toBeLessThan(200);
  });

  it('tries a nominated node first and takes it when it fits', () => {
    const cache = cacheWith([makeNode('a', { cpu: '8' }), makeNode('b', { cpu: '2' })]);
    const { framework } = testFramework(cache);
    const out = new PodScheduler(cache, framework, 0).schedule(framework.newCycleState(), podInfo('p', { cpu: '1', nominatedNodeName: 'b' }));
    expect(out).toMatchObject({ kind: 'scheduled', nodeName: 'b', evaluatedNodes: 1 });
  });

  it('breaks ties at random among the best nodes', () => {
    const cache = cacheWith([makeNode('a'), makeNode('b'), makeNode('c')]);
    const { framework } = testFramework(cache);
    const chosen = new Set<string>();
    for (const r of [0, 0.4, 0.99]) {
      const out = new PodScheduler(cache, framework, 0, () => r).schedule(framework.newCycleState(), podInfo('p', { cpu: '1' }));
      if (out.kind === 'scheduled') chosen.add(out.nodeName);
    }
    expect(chosen.size).toBeGreaterThan(1);
  });

  it('explains a misfit per node, and says so when there are no nodes at all', () => {
    const cache = cacheWith([makeNode('a', { cpu: '1' }), makeNode('t', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] })]);
    const { framework } = testFramework(cache);
    const out = new PodScheduler(cache, framework, 0).schedule(framework.newCycleState(), podInfo('p', { cpu: '2' }));
    expect(out.kind).toBe('unschedulable');
    if (out.kind === 'unschedulable') {
      expect([...out.diagnosis.unschedulablePlugins].sort()).toEqual(['NodeResourcesFit', 'TaintToleration']);
      expect(out.diagnosis.nodeToStatus.get('a')?.reasons).toEqual(['Insufficient cpu']);
    }
    const empty = cacheWith([]);
    const none = new PodScheduler(empty, testFramework(empty).framework, 0).schedule(framework.newCycleState(), podInfo('p'));
    expect(none.kind === 'error' && none.status.message()).toBe('no nodes available to schedule pods');
  });
});
