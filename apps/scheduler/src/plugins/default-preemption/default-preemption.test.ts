import type { PodDisruptionBudget } from '@skiff/api';
import { fitErrorMessage } from '../../framework/fit-error';
import { PodScheduler } from '../../scheduler/schedule-pod';
import { cacheWith, makeNode, makePod, podInfo } from '../../testing/fixtures';
import { testFramework } from '../../testing/test-framework';
import { pickCandidate } from './pick-node';

/** Runs one scheduling attempt and, on a misfit, the PostFilter (preemption) as the scheduler does. */
async function attempt(cache: ReturnType<typeof cacheWith>, pod: ReturnType<typeof podInfo>, budgets: PodDisruptionBudget[] = []) {
  const t = testFramework(cache, { budgets });
  const state = t.framework.newCycleState();
  const outcome = new PodScheduler(cache, t.framework, 0, () => 0).schedule(state, pod);
  if (outcome.kind !== 'unschedulable') throw new Error(`expected a misfit, got ${outcome.kind}`);
  const everyNode = new Map(cache.nodeInfos().map((n) => [n.name, outcome.diagnosis.nodeToStatus.get(n.name) ?? outcome.diagnosis.absentNodesStatus!]));
  const post = await t.framework.runPostFilter(state, pod, everyNode);
  if (post && !post.status.isSuccess()) outcome.diagnosis.postFilterMessage = post.status.message();
  return { ...t, post, message: fitErrorMessage(outcome.numAllNodes, outcome.diagnosis) };
}

describe('DefaultPreemption', () => {
  it('evicts the fewest, least important lower-priority pods that make room, and nominates the node', async () => {
    const cache = cacheWith(
      [makeNode('n1', { cpu: '4' }), makeNode('n2', { cpu: '4' })],
      [
        makePod('n1-low-a', { cpu: '2', priority: 10, nodeName: 'n1' }),
        makePod('n1-low-b', { cpu: '2', priority: 10, nodeName: 'n1' }),
        makePod('n2-high', { cpu: '2', priority: 500, nodeName: 'n2' }),
        makePod('n2-low', { cpu: '2', priority: 1, nodeName: 'n2' }),
      ],
    );
    const { post, recorded } = await attempt(cache, podInfo('urgent', { cpu: '2', priority: 100 }));
    // n2 needs one victim of priority 1; n1 would lose a priority-10 pod: the lower highest-victim priority wins.
    expect(post?.status.isSuccess()).toBe(true);
    expect(post?.nominatedNodeName).toBe('n2');
    expect(recorded.preempted).toEqual(['n2-low']);
  });

  it('never evicts pods of equal or higher priority, and says why', async () => {
    const cache = cacheWith([makeNode('n1', { cpu: '2' })], [makePod('peer', { cpu: '2', priority: 100, nodeName: 'n1' })]);
    const { post, recorded, message } = await attempt(cache, podInfo('p', { cpu: '1', priority: 100 }));
    expect(recorded.preempted).toEqual([]);
    expect(post?.nominatedNodeName).toBe('');
    expect(message).toBe('0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.');
  });

  it('does not preempt where removing pods cannot help (taints), and honours preemptionPolicy Never', async () => {
    const cache = cacheWith(
      [makeNode('n1', { cpu: '1' }), makeNode('t1', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] })],
      [makePod('low', { cpu: '1', priority: 0, nodeName: 'n1' })],
    );
    const notHelpful = await attempt(cache, podInfo('p', { cpu: '2', priority: 5, nodeSelector: { none: 'x' } }));
    // TaintToleration filters before NodeAffinity, so the tainted node reports its taint.
    expect(notHelpful.message).toBe(
      "0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
    );
    const never = await attempt(cache, podInfo('q', { cpu: '1', priority: 5, preemptionPolicy: 'Never' }));
    expect(never.recorded.preempted).toEqual([]);
    expect(never.message).toBe('0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {dedicated: gpu}. preemption: not eligible due to preemptionPolicy=Never.');
  });

  it('gives back victims that are not needed, most important first', async () => {
    const cache = cacheWith(
      [makeNode('n1', { cpu: '4' })],
      [makePod('v1', { cpu: '1', priority: 1, nodeName: 'n1' }), makePod('v5', { cpu: '1', priority: 5, nodeName: 'n1' }), makePod('v3', { cpu: '2', priority: 3, nodeName: 'n1' })],
    );
    // Needs 2 cpu. All three removed, then given back most important first: v5 fits back (3 free), v3 does not
    // (1 free), v1 does (2 free). So only v3 goes, although v1 has the lowest priority.
    const { recorded } = await attempt(cache, podInfo('p', { cpu: '2', priority: 10 }));
    expect(recorded.preempted).toEqual(['v3']);
  });

  it('prefers victims whose eviction keeps PodDisruptionBudgets intact', async () => {
    const cache = cacheWith(
      [makeNode('n1', { cpu: '2' }), makeNode('n2', { cpu: '2' })],
      [makePod('guarded', { cpu: '2', priority: 1, labels: { app: 'db' }, nodeName: 'n1' }), makePod('free', { cpu: '2', priority: 1, labels: { app: 'web' }, nodeName: 'n2' })],
    );
    const budget: PodDisruptionBudget = {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'db', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'db' } } },
      status: { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 },
    };
    const { post, recorded } = await attempt(cache, podInfo('p', { cpu: '2', priority: 10 }), [budget]);
    expect(post?.nominatedNodeName).toBe('n2');
    expect(recorded.preempted).toEqual(['free']);
  });

  it('clears the nomination of lower-priority pods waiting on the chosen node', async () => {
    const cache = cacheWith([makeNode('n1', { cpu: '2' })], [makePod('victim', { cpu: '2', priority: 1, nodeName: 'n1' })]);
    const t = testFramework(cache);
    const waiting = podInfo('waiting', { cpu: '1', priority: 5 });
    t.nominator.add(waiting, 'n1');
    const pod = podInfo('p', { cpu: '2', priority: 10 });
    const state = t.framework.newCycleState();
    const outcome = new PodScheduler(cache, t.framework, 0).schedule(state, pod);
    if (outcome.kind !== 'unschedulable') throw new Error(outcome.kind);
    const post = await t.framework.runPostFilter(state, pod, outcome.diagnosis.nodeToStatus);
    expect(post?.nominatedNodeName).toBe('n1');
    expect(t.recorded.clearedNominations).toEqual(['waiting']);
    expect(t.nominator.nominatedNodeOf(waiting.key)).toBeUndefined();
  });
});

describe('choosing among preemption candidates', () => {
  const v = (name: string, priority: number, created: string) => podInfo(name, { priority, createdAt: created });
  it('applies the criteria in order: violations, top priority, priority sum, count, newest', () => {
    const t0 = '2024-01-01T00:00:00Z';
    const t1 = '2024-06-01T00:00:00Z';
    expect(pickCandidate([{ nodeName: 'a', victims: [v('x', 1, t0)], budgetViolations: 1 }, { nodeName: 'b', victims: [v('y', 9, t0)], budgetViolations: 0 }])?.nodeName).toBe('b');
    expect(pickCandidate([{ nodeName: 'a', victims: [v('x', 5, t0)], budgetViolations: 0 }, { nodeName: 'b', victims: [v('y', 3, t0), v('z', 3, t0)], budgetViolations: 0 }])?.nodeName).toBe('b');
    expect(pickCandidate([{ nodeName: 'a', victims: [v('x', 5, t0), v('w', 4, t0)], budgetViolations: 0 }, { nodeName: 'b', victims: [v('y', 5, t0)], budgetViolations: 0 }])?.nodeName).toBe('b');
    expect(pickCandidate([{ nodeName: 'a', victims: [v('x', 5, t0)], budgetViolations: 0 }, { nodeName: 'b', victims: [v('y', 5, t1)], budgetViolations: 0 }])?.nodeName).toBe('b');
    expect(pickCandidate([{ nodeName: 'a', victims: [v('x', 5, t0)], budgetViolations: 0 }, { nodeName: 'b', victims: [], budgetViolations: 0 }])?.nodeName).toBe('b');
  });
});
