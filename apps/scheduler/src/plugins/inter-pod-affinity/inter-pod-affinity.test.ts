import type { PodAffinityTerm } from '@skiff/api';
import type { SchedulerCache } from '../../cache/scheduler-cache';
import { CycleState } from '../../framework/cycle-state';
import type { NodeScore } from '../../framework/plugin';
import { cacheWith, makeNode, makePod, podInfo } from '../../testing/fixtures';
import { InterPodAffinity } from './inter-pod-affinity';

const zone = (z: string) => ({ zone: z });
const nodes = [makeNode('a1', { labels: zone('a') }), makeNode('a2', { labels: zone('a') }), makeNode('b1', { labels: zone('b') }), makeNode('x', { labels: {} })];
const term = (app: string, topologyKey = 'zone'): PodAffinityTerm => ({ labelSelector: { matchLabels: { app } }, topologyKey });
const noNamespaceLabels = () => undefined;

function filterAll(cache: SchedulerCache, pod: ReturnType<typeof podInfo>): Record<string, string> {
  const plugin = new InterPodAffinity(cache, noNamespaceLabels);
  const state = new CycleState();
  const pre = plugin.preFilter(state, pod);
  const out: Record<string, string> = {};
  for (const ni of cache.nodeInfos()) out[ni.name] = pre?.status?.code === 'Skip' ? 'skip' : (plugin.filter(state, pod, ni)?.reasons[0] ?? 'fits');
  return out;
}

describe('InterPodAffinity filter', () => {
  it('skips when neither the pod nor any existing pod has required terms', () => {
    const cache = cacheWith(nodes, [makePod('db', { labels: { app: 'db' }, nodeName: 'a1' })]);
    expect(filterAll(cache, podInfo('p'))).toEqual({ a1: 'skip', a2: 'skip', b1: 'skip', x: 'skip' });
  });

  it('required affinity: only nodes in a zone holding a matching pod, and only nodes with the key', () => {
    const cache = cacheWith(nodes, [makePod('db', { labels: { app: 'db' }, nodeName: 'a1' })]);
    const pod = podInfo('web', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db')] } } });
    const miss = "node(s) didn't match pod affinity rules";
    expect(filterAll(cache, pod)).toEqual({ a1: 'fits', a2: 'fits', b1: miss, x: miss });
  });

  it('lets the first pod of a self-selecting group go anywhere with the key', () => {
    const cache = cacheWith(nodes);
    const pod = podInfo('web-0', { labels: { app: 'web' }, affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web')] } } });
    expect(filterAll(cache, pod)).toEqual({ a1: 'fits', a2: 'fits', b1: 'fits', x: "node(s) didn't match pod affinity rules" });
  });

  it('required anti-affinity keeps the pod out of zones with a matching pod (other namespaces do not count)', () => {
    const cache = cacheWith(nodes, [makePod('web-0', { labels: { app: 'web' }, nodeName: 'a2' }), makePod('web-x', { namespace: 'other', labels: { app: 'web' }, nodeName: 'b1' })]);
    const pod = podInfo('web-1', { labels: { app: 'web' }, affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web')] } } });
    const no = "node(s) didn't match pod anti-affinity rules";
    expect(filterAll(cache, pod)).toEqual({ a1: no, a2: no, b1: 'fits', x: 'fits' });
  });

  it("respects existing pods' anti-affinity toward the incoming pod (symmetry)", () => {
    const loner = makePod('loner', { nodeName: 'b1', affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('noisy', 'kubernetes.io/hostname')] } } });
    const cache = cacheWith(nodes, [loner]);
    const pod = podInfo('noisy-1', { labels: { app: 'noisy' } });
    expect(filterAll(cache, pod)).toEqual({ a1: 'fits', a2: 'fits', b1: "node(s) didn't satisfy existing pods anti-affinity rules", x: 'fits' });
  });

  it('a namespaceSelector widens a term to namespaces with matching labels', () => {
    const cache = cacheWith(nodes, [makePod('db', { namespace: 'team-a', labels: { app: 'db' }, nodeName: 'b1' })]);
    const plugin = new InterPodAffinity(cache, (ns): Record<string, string> => (ns === 'team-a' ? { team: 'a' } : {}));
    const pod = podInfo('web', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ ...term('db'), namespaceSelector: { matchLabels: { team: 'a' } } }] } } });
    const state = new CycleState();
    plugin.preFilter(state, pod);
    expect(plugin.filter(state, pod, cache.getNodeInfo('b1')!)).toBeNull();
    expect(plugin.filter(state, pod, cache.getNodeInfo('a1')!)).not.toBeNull();
  });

  it('what-if removal of the only matching pod lifts anti-affinity (used by preemption)', () => {
    const cache = cacheWith(nodes, [makePod('web-0', { labels: { app: 'web' }, nodeName: 'b1' })]);
    const plugin = new InterPodAffinity(cache, noNamespaceLabels);
    const pod = podInfo('web-1', { labels: { app: 'web' }, affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web')] } } });
    const state = new CycleState();
    plugin.preFilter(state, pod);
    const b1 = cache.getNodeInfo('b1')!.clone();
    expect(plugin.filter(state, pod, b1)).not.toBeNull();
    const victim = [...b1.pods.values()][0];
    b1.removePod(victim);
    plugin.preFilterExtensions.removePod(state, pod, victim, b1);
    expect(plugin.filter(state, pod, b1)).toBeNull();
  });
});

describe('InterPodAffinity score', () => {
  it('prefers zones with pods the pod likes and avoids zones with pods it dislikes', () => {
    const cache = cacheWith(nodes, [makePod('cache', { labels: { app: 'cache' }, nodeName: 'a1' }), makePod('batch', { labels: { app: 'batch' }, nodeName: 'b1' })]);
    const plugin = new InterPodAffinity(cache, noNamespaceLabels);
    const pod = podInfo('web', {
      affinity: {
        podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: term('cache') }] },
        podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: term('batch') }] },
      },
    });
    const state = new CycleState();
    expect(plugin.preScore(state, pod)).toBeNull();
    const scores: NodeScore[] = cache.nodeInfos().map((node) => ({ node, score: plugin.score(state, pod, node) }));
    expect(scores.map((s) => s.score)).toEqual([50, 50, -50, 0]);
    plugin.normalizeScore(state, pod, scores);
    expect(scores.map((s) => s.score)).toEqual([100, 100, 0, 50]);
  });

  it("counts existing pods' required affinity toward the incoming pod", () => {
    const follower = makePod('follower', { nodeName: 'b1', affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('leader')] } } });
    const cache = cacheWith(nodes, [follower]);
    const plugin = new InterPodAffinity(cache, noNamespaceLabels);
    const pod = podInfo('leader', { labels: { app: 'leader' } });
    const state = new CycleState();
    expect(plugin.preScore(state, pod)).toBeNull();
    expect(cache.nodeInfos().map((n) => plugin.score(state, pod, n))).toEqual([0, 0, 1, 0]);
  });
});
