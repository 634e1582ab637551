import { CycleState } from '../framework/cycle-state';
import { makeNode, makePod, nodeInfo, podInfo } from '../testing/fixtures';
import { BalancedAllocation, balancedScore } from './balanced-allocation';

const plugin = new BalancedAllocation();
const state = new CycleState();

describe('NodeResourcesBalancedAllocation', () => {
  it('is 100 when cpu and memory would be equally used, less the further apart they are', () => {
    expect(balancedScore([0.5, 0.5])).toBe(100);
    expect(balancedScore([0.2, 0.6])).toBe(80);
    expect(balancedScore([1, 0])).toBe(50);
  });

  it('prefers the node where the pod evens out usage', () => {
    const pod = podInfo('p', { cpu: '1', memory: '1Gi' });
    const cpuHeavy = nodeInfo(makeNode('a', { cpu: '4', memory: '4Gi' }), makePod('x', { cpu: '2', nodeName: 'a' }));
    const even = nodeInfo(makeNode('b', { cpu: '4', memory: '4Gi' }), makePod('y', { cpu: '1', memory: '1Gi', nodeName: 'b' }));
    expect(plugin.score(state, pod, even)).toBe(100);
    expect(plugin.score(state, pod, cpuHeavy)).toBe(75);
  });

  it('skips best-effort pods', () => {
    expect(plugin.preScore(state, podInfo('p'))?.code).toBe('Skip');
    expect(plugin.preScore(state, podInfo('q', { cpu: '1' }))).toBeNull();
  });
});
