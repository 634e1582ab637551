import type { NodeInfo } from '../cache/node-info';
import type { PodInfo } from '../cache/pod-info';
import { makeNode, nodeInfo, podInfo } from '../testing/fixtures';
import { CycleState } from './cycle-state';
import { Framework } from './framework';
import { Nominator } from './nominator';
import type { FilterPlugin, NodeScore, PreFilterOutcome, PreFilterPlugin, ScorePlugin } from './plugin';
import { Status, type MaybeStatus } from './status';

/** A filter that rejects the named nodes and records which nodes it was asked about. */
class Rejecting implements FilterPlugin {
  seen: string[] = [];
  constructor(
    readonly name: string,
    private readonly rejects: string[],
    private readonly code: 'Unschedulable' | 'UnschedulableAndUnresolvable' = 'Unschedulable',
  ) {}
  filter(_s: CycleState, _p: PodInfo, node: NodeInfo): MaybeStatus {
    this.seen.push(node.name);
    return this.rejects.includes(node.name) ? new Status(this.code, [`${this.name} says no`]) : null;
  }
}

class FixedScore implements ScorePlugin {
  constructor(
    readonly name: string,
    private readonly raw: Record<string, number>,
    private readonly scaleTo100 = false,
  ) {}
  score(_s: CycleState, _p: PodInfo, node: NodeInfo): number {
    return this.raw[node.name] ?? 0;
  }
  normalizeScore(_s: CycleState, _p: PodInfo, scores: NodeScore[]): void {
    if (!this.scaleTo100) return;
    const max = Math.max(...scores.map((s) => s.score));
    for (const s of scores) s.score = max ? Math.trunc((s.score * 100) / max) : 0;
  }
}

class SkippingPreFilter implements PreFilterPlugin, FilterPlugin {
  readonly name = 'Skipper';
  filtered = 0;
  preFilter(): PreFilterOutcome {
    return { status: Status.skip() };
  }
  filter(): MaybeStatus {
    this.filtered++;
    return Status.unschedulable('should not run');
  }
}

const nodes = ['a', 'b', 'c'].map((n) => nodeInfo(makeNode(n)));
const pod = podInfo('p');

describe('Framework', () => {
  it('reports the first filter that rejects a node and does not ask the later ones', () => {
    const first = new Rejecting('First', ['a']);
    const second = new Rejecting('Second', ['a', 'b'], 'UnschedulableAndUnresolvable');
    const fw = new Framework([{ plugin: first }, { plugin: second }]);
    const results = nodes.map((n) => fw.runFilter(new CycleState(), pod, n));
    expect(results.map((s) => s && [s.plugin, s.code, s.reasons[0]])).toEqual([['First', 'Unschedulable', 'First says no'], ['Second', 'UnschedulableAndUnresolvable', 'Second says no'], null]);
    expect(second.seen).toEqual(['b', 'c']);
  });

  it('does not run the Filter of a plugin whose PreFilter skipped', () => {
    const skipper = new SkippingPreFilter();
    const fw = new Framework([{ plugin: skipper }]);
    const state = new CycleState();
    expect(fw.runPreFilter(state, pod).status).toBeNull();
    expect(fw.runFilter(state, pod, nodes[0])).toBeNull();
    expect(skipper.filtered).toBe(0);
  });

  it('sums normalised scores multiplied by their weights', () => {
    const fw = new Framework([
      { plugin: new FixedScore('Light', { a: 100, b: 0, c: 50 }), weight: 1 },
      { plugin: new FixedScore('Heavy', { a: 0, b: 10, c: 5 }, true), weight: 3 },
    ]);
    // Heavy normalises to a 0, b 100, c 50, times 3.
    expect(fw.runScore(new CycleState(), pod, nodes)).toEqual([100, 300, 200]);
  });

  it('rejects a score outside 0..100 from a plugin', () => {
    const fw = new Framework([{ plugin: new FixedScore('Broken', { a: 150 }) }]);
    expect(() => fw.runScore(new CycleState(), pod, nodes)).toThrow(/Broken scored node a 150/);
  });

  it('counts higher-priority pods nominated to a node before letting a lower one take the room', () => {
    const nominator = new Nominator();
    const fitPlugin = { name: 'Fit', filter: (_s: CycleState, p: PodInfo, n: NodeInfo) => (n.requested.milliCPU + p.requests.milliCPU > n.allocatable.milliCPU ? Status.unschedulable('Insufficient cpu') : null) };
    const fw = new Framework([{ plugin: fitPlugin }], nominator);
    const node = nodeInfo(makeNode('n', { cpu: '2' }));
    nominator.add(podInfo('vip', { cpu: '2', priority: 100 }), 'n');
    expect(fw.runFilterWithNominatedPods(new CycleState(), podInfo('low', { cpu: '1', priority: 1 }), node)?.reasons).toEqual(['Insufficient cpu']);
    expect(fw.runFilterWithNominatedPods(new CycleState(), podInfo('higher', { cpu: '1', priority: 200 }), node)).toBeNull();
    // The node itself is not changed by the what-if.
    expect(node.pods.size).toBe(0);
  });
});
