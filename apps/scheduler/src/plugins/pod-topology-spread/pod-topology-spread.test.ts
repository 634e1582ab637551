import type { TopologySpreadConstraint } from '@skiff/api';
import { CycleState } from '../../framework/cycle-state';
import type { NodeScore } from '../../framework/plugin';
import { cacheWith, makeNode, makePod, podInfo } from '../../testing/fixtures';
import { PodTopologySpread } from './pod-topology-spread';

const nodes = [
  makeNode('a1', { labels: { zone: 'a' } }),
  makeNode('a2', { labels: { zone: 'a' } }),
  makeNode('b1', { labels: { zone: 'b' } }),
  makeNode('c1', { labels: { zone: 'c', gpu: 'yes' } }),
  makeNode('nolabel'),
];
const web = (name: string, nodeName: string) => makePod(name, { labels: { app: 'web' }, nodeName });
const spread = (maxSkew: number, extra: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint => ({
  maxSkew,
  topologyKey: 'zone',
  whenUnsatisfiable: 'DoNotSchedule',
  labelSelector: { matchLabels: { app: 'web' } },
  ...extra,
});

function filterAll(pods: ReturnType<typeof makePod>[], pod: ReturnType<typeof podInfo>): Record<string, string> {
  const cache = cacheWith(nodes, pods);
  const plugin = new PodTopologySpread(cache);
  const state = new CycleState();
  plugin.preFilter(state, pod);
  return Object.fromEntries(cache.nodeInfos().map((n) => [n.name, plugin.filter(state, pod, n)?.reasons[0] ?? 'fits']));
}

const skewed = "node(s) didn't match pod topology spread constraints";
const missing = "node(s) didn't match pod topology spread constraints (missing required label)";

describe('PodTopologySpread filter', () => {
  it('allows only domains where count + 1 - min stays within maxSkew', () => {
    // a: 2, b: 1, c: 0 → min 0; with maxSkew 1 only zone c (0 + 1 - 0 = 1) is allowed.
    const result = filterAll([web('w1', 'a1'), web('w2', 'a2'), web('w3', 'b1')], podInfo('new', { labels: { app: 'web' }, spread: [spread(1)] }));
    expect(result).toEqual({ a1: skewed, b1: skewed, c1: 'fits', a2: skewed, nolabel: missing });
  });

  it('does not count the pod itself when it does not match the selector', () => {
    const result = filterAll([web('w1', 'a1')], podInfo('other', { labels: { app: 'api' }, spread: [spread(1)] }));
    // a: 1 - 0 = 1 ≤ 1 everywhere.
    expect(result.a1).toBe('fits');
  });

  it('only counts domains of nodes the pod could use (nodeAffinityPolicy Honor)', () => {
    // Restricted to gpu nodes, zone c is the only domain, so it is its own minimum: 1 + 1 - 1 ≤ 1.
    const pod = podInfo('new', { labels: { app: 'web' }, nodeSelector: { gpu: 'yes' }, spread: [spread(1)] });
    expect(filterAll([web('w1', 'c1')], pod).c1).toBe('fits');
    // Counting every zone (Ignore), empty zones a and b make the minimum 0: 1 + 1 - 0 > 1.
    const ignoring = podInfo('new', { labels: { app: 'web' }, nodeSelector: { gpu: 'yes' }, spread: [spread(1, { nodeAffinityPolicy: 'Ignore' })] });
    expect(filterAll([web('w1', 'c1')], ignoring).c1).toBe(skewed);
    expect(filterAll([web('w1', 'c1'), web('w2', 'a1'), web('w3', 'b1')], ignoring).c1).toBe('fits');
  });

  it('treats the global minimum as 0 when there are fewer domains than minDomains', () => {
    const pods = [web('w1', 'a1'), web('w2', 'b1'), web('w3', 'c1')];
    const pod = podInfo('new', { labels: { app: 'web' }, spread: [spread(1, { minDomains: 5 })] });
    expect(filterAll(pods, pod).a1).toBe(skewed);
    expect(filterAll(pods, podInfo('new', { labels: { app: 'web' }, spread: [spread(1)] })).a1).toBe('fits');
  });
});

describe('PodTopologySpread score', () => {
  it('prefers the least crowded domains and scores nodes without the key 0', () => {
    const cache = cacheWith(nodes, [web('w1', 'a1'), web('w2', 'a2'), web('w3', 'b1')]);
    const plugin = new PodTopologySpread(cache);
    const pod = podInfo('new', { labels: { app: 'web' }, spread: [spread(1, { whenUnsatisfiable: 'ScheduleAnyway' })] });
    const state = new CycleState();
    const all = cache.nodeInfos();
    expect(plugin.preScore(state, pod, all)).toBeNull();
    const scores: NodeScore[] = all.map((node) => ({ node, score: plugin.score(state, pod, node) }));
    plugin.normalizeScore(state, pod, scores);
    const byName = Object.fromEntries(scores.map((s) => [s.node.name, s.score]));
    expect(byName.c1).toBe(100);
    expect(byName.b1).toBeGreaterThan(byName.a1);
    expect(byName.a1).toBe(byName.a2);
    expect(byName.nolabel).toBe(0);
  });

  it('skips pods without ScheduleAnyway constraints', () => {
    const plugin = new PodTopologySpread(cacheWith(nodes));
    expect(plugin.preScore(new CycleState(), podInfo('p', { spread: [spread(1)] }), [])?.code).toBe('Skip');
  });
});
