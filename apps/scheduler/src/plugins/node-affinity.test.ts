import { CycleState } from '../framework/cycle-state';
import { makeNode, nodeInfo, podInfo } from '../testing/fixtures';
import { NodeAffinity } from './node-affinity';

const plugin = new NodeAffinity();
const ssdZoneA = nodeInfo(makeNode('a', { labels: { disk: 'ssd', zone: 'a', cores: '16' } }));
const hddZoneB = nodeInfo(makeNode('b', { labels: { disk: 'hdd', zone: 'b', cores: '4' } }));

function check(pod: ReturnType<typeof podInfo>) {
  const state = new CycleState();
  const pre = plugin.preFilter(state, pod);
  return { pre, results: [ssdZoneA, hddZoneB].map((n) => plugin.filter(state, pod, n)?.reasons[0] ?? 'fits') };
}

describe('NodeAffinity', () => {
  it('skips pods without a nodeSelector or required affinity', () => {
    expect(plugin.preFilter(new CycleState(), podInfo('p'))?.status?.code).toBe('Skip');
  });

  it('requires every nodeSelector label', () => {
    expect(check(podInfo('p', { nodeSelector: { disk: 'ssd' } })).results).toEqual(['fits', "node(s) didn't match Pod's node affinity/selector"]);
  });

  it('ORs required terms and ANDs the expressions within one, with In, NotIn, Exists and Gt', () => {
    const pod = podInfo('p', {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }, { key: 'disk', operator: 'NotIn', values: ['hdd'] }] },
              { matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['8'] }, { key: 'disk', operator: 'Exists' }] },
            ],
          },
        },
      },
    });
    expect(check(pod).results).toEqual(['fits', "node(s) didn't match Pod's node affinity/selector"]);
  });

  it('narrows the nodes to those a metadata.name field names', () => {
    const pod = podInfo('p', {
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['b'] }] }] } } },
    });
    const { pre, results } = check(pod);
    expect([...(pre?.nodeNames ?? [])]).toEqual(['b']);
    expect(results).toEqual(["node(s) didn't match Pod's node affinity/selector", 'fits']);
  });

  it('scores by the weights of the preferred terms a node matches', () => {
    const pod = podInfo('p', {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 20, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
            { weight: 80, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] } },
          ],
        },
      },
    });
    const state = new CycleState();
    expect(plugin.preScore(state, pod)).toBeNull();
    const scores = [ssdZoneA, hddZoneB].map((node) => ({ node, score: plugin.score(state, pod, node) }));
    expect(scores.map((s) => s.score)).toEqual([20, 80]);
    plugin.normalizeScore(state, pod, scores);
    expect(scores.map((s) => s.score)).toEqual([25, 100]);
  });
});
