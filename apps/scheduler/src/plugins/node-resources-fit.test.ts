import { CycleState } from '../framework/cycle-state';
import { makeNode, makePod, nodeInfo, podInfo } from '../testing/fixtures';
import { leastRequestedScore, NodeResourcesFit } from './node-resources-fit';

const fit = new NodeResourcesFit();
const state = new CycleState();

describe('NodeResourcesFit', () => {
  it('passes a pod whose requests fit in what is left', () => {
    const node = nodeInfo(makeNode('n', { cpu: '2', memory: '4Gi' }), makePod('a', { cpu: '1', memory: '2Gi', nodeName: 'n' }));
    expect(fit.filter(state, podInfo('p', { cpu: '1', memory: '2Gi' }), node)).toBeNull();
  });

  it('names every resource that is short, as preemption-resolvable', () => {
    const node = nodeInfo(makeNode('n', { cpu: '2', memory: '4Gi', extra: { 'example.com/gpu': '1' } }), makePod('a', { cpu: '1500m', memory: '3Gi', nodeName: 'n' }));
    const s = fit.filter(state, podInfo('p', { cpu: '1', memory: '2Gi', extra: { 'example.com/gpu': '2' } }), node);
    expect(s?.code).toBe('Unschedulable');
    expect(s?.reasons).toEqual(['Insufficient cpu', 'Insufficient memory', 'Insufficient example.com/gpu']);
  });

  it('rejects a node that already holds its maximum number of pods, even for a pod requesting nothing', () => {
    const node = nodeInfo(makeNode('n', { pods: '1' }), makePod('a', { nodeName: 'n' }));
    expect(fit.filter(state, podInfo('p'), node)?.reasons).toEqual(['Too many pods']);
  });

  it('scores emptier nodes higher (least allocated, cpu and memory averaged)', () => {
    expect(leastRequestedScore(0, 4000)).toBe(100);
    expect(leastRequestedScore(1000, 4000)).toBe(75);
    expect(leastRequestedScore(5000, 4000)).toBe(0);
    const empty = nodeInfo(makeNode('e', { cpu: '4', memory: '4Gi' }));
    const busy = nodeInfo(makeNode('b', { cpu: '4', memory: '4Gi' }), makePod('a', { cpu: '2', memory: '2Gi', nodeName: 'b' }));
    const pod = podInfo('p', { cpu: '1', memory: '1Gi' });
    expect(fit.score(state, pod, empty)).toBe(75);
    expect(fit.score(state, pod, busy)).toBe(25);
  });

  it('scores a best-effort pod as if it requested the defaults', () => {
    const node = nodeInfo(makeNode('n', { cpu: '1', memory: '2000Mi' }));
    // 100m of 1000m and 200Mi of 2000Mi: both 90% free.
    expect(fit.score(state, podInfo('p'), node)).toBe(90);
  });
});
