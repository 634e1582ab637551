import { CycleState } from '../framework/cycle-state';
import { makeNode, nodeInfo, podInfo } from '../testing/fixtures';
import { TaintToleration } from './taint-toleration';
import { tolerates } from './tolerations';

const plugin = new TaintToleration();
const gpu = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' as const };

describe('TaintToleration', () => {
  it('rejects an untolerated NoSchedule taint with the message kubectl users know, unresolvable by preemption', () => {
    const s = plugin.filter(new CycleState(), podInfo('p'), nodeInfo(makeNode('n', { taints: [gpu] })));
    expect(s?.code).toBe('UnschedulableAndUnresolvable');
    expect(s?.reasons).toEqual(['node(s) had untolerated taint {dedicated: gpu}']);
  });

  it('accepts a toleration by Equal value, by Exists, or by an empty key with Exists', () => {
    const node = nodeInfo(makeNode('n', { taints: [gpu, { key: 'x', effect: 'NoExecute' }] }));
    const cases = [
      [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }, { key: 'x', operator: 'Exists' }],
      [{ key: 'dedicated', operator: 'Exists' }, { key: 'x', operator: 'Exists', effect: 'NoExecute' }],
      [{ operator: 'Exists' }],
    ] as const;
    for (const tolerations of cases) expect(plugin.filter(new CycleState(), podInfo('p', { tolerations: [...tolerations] }), node)).toBeNull();
    expect(plugin.filter(new CycleState(), podInfo('p', { tolerations: [{ key: 'dedicated', value: 'cpu' }] }), node)).not.toBeNull();
  });

  it('ignores PreferNoSchedule when filtering', () => {
    const node = nodeInfo(makeNode('n', { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }] }));
    expect(plugin.filter(new CycleState(), podInfo('p'), node)).toBeNull();
  });

  it('scores nodes with fewer untolerated PreferNoSchedule taints higher', () => {
    const state = new CycleState();
    const clean = nodeInfo(makeNode('a'));
    const one = nodeInfo(makeNode('b', { taints: [{ key: 's1', effect: 'PreferNoSchedule' }] }));
    const two = nodeInfo(makeNode('c', { taints: [{ key: 's1', effect: 'PreferNoSchedule' }, { key: 's2', effect: 'PreferNoSchedule' }] }));
    const pod = podInfo('p');
    const nodes = [clean, one, two];
    expect(plugin.preScore(state, pod, nodes)).toBeNull();
    const scores = nodes.map((node) => ({ node, score: plugin.score(state, pod, node) }));
    plugin.normalizeScore(state, pod, scores);
    expect(scores.map((s) => s.score)).toEqual([100, 50, 0]);
  });

  it('matches tolerations as Kubernetes does', () => {
    expect(tolerates({ key: 'k', operator: 'Equal', value: 'v' }, { key: 'k', value: 'v', effect: 'NoSchedule' })).toBe(true);
    expect(tolerates({ key: 'k', value: 'v', effect: 'NoExecute' }, { key: 'k', value: 'v', effect: 'NoSchedule' })).toBe(false);
    expect(tolerates({ key: 'k', operator: 'Exists' }, { key: 'other', effect: 'NoSchedule' })).toBe(false);
  });
});
