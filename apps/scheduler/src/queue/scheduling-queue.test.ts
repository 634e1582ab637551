import { FakeClock } from '@skiff/client';
import { Nominator } from '../framework/nominator';
import { makePod } from '../testing/fixtures';
import { SchedulingQueue, specOrLabelsChanged } from './scheduling-queue';

function newQueue(clock = new FakeClock()) {
  const registrations = new Map([
    ['NodeResourcesFit', [{ resource: 'Node' as const, actions: ['Add' as const] }, { resource: 'AssignedPod' as const, actions: ['Delete' as const] }]],
    ['TaintToleration', [{ resource: 'Node' as const, actions: ['UpdateNodeTaint' as const] }]],
  ]);
  return { clock, queue: new SchedulingQueue({ clock, registrations, nominator: new Nominator() }) };
}

describe('SchedulingQueue', () => {
  it('pops the highest priority first, then the oldest', async () => {
    const { clock, queue } = newQueue();
    queue.add(makePod('low-old', { priority: 1 }));
    await clock.advance(10);
    queue.add(makePod('high', { priority: 100 }));
    await clock.advance(10);
    queue.add(makePod('low-new', { priority: 1 }));
    const order = [queue.tryPop(), queue.tryPop(), queue.tryPop()].map((q) => q?.podInfo.name);
    expect(order).toEqual(['high', 'low-old', 'low-new']);
  });

  it('parks an unschedulable pod until an event one of its rejecting plugins registered for', () => {
    const { queue } = newQueue();
    queue.add(makePod('p'));
    const q = queue.tryPop()!;
    queue.addUnschedulable(q, queue.cycle, new Set(['TaintToleration']));
    expect(queue.whereIs('default/p')).toBe('unschedulable');
    queue.moveAllToActiveOrBackoff({ resource: 'Node', action: 'UpdateNodeAllocatable' });
    expect(queue.whereIs('default/p')).toBe('unschedulable');
    queue.moveAllToActiveOrBackoff({ resource: 'Node', action: 'UpdateNodeTaint' });
    // Still within its 1 s backoff, so it waits there rather than in active.
    expect(queue.whereIs('default/p')).toBe('backoff');
  });

  it('backs off 1 s, doubling per attempt, capped at 10 s', async () => {
    const { clock, queue } = newQueue();
    queue.add(makePod('p'));
    const durations: number[] = [];
    for (let i = 0; i < 6; i++) {
      const q = queue.tryPop()!;
      durations.push(queue.backoffDurationMs(q));
      queue.addBackoff(q);
      expect(queue.tryPop()).toBeUndefined();
      await clock.advance(durations[i] - 1);
      expect(queue.whereIs('default/p')).toBe('backoff');
      await clock.advance(1);
      expect(queue.whereIs('default/p')).toBe('active');
    }
    expect(durations).toEqual([1000, 2000, 4000, 8000, 10000, 10000]);
  });

  it('sends a failure to backoff instead of unschedulable when an event came during its attempt', () => {
    const { queue } = newQueue();
    queue.add(makePod('p'));
    const q = queue.tryPop()!;
    const cycle = queue.cycle;
    queue.moveAllToActiveOrBackoff({ resource: 'Node', action: 'Add' });
    queue.addUnschedulable(q, cycle, new Set(['NodeResourcesFit']));
    expect(queue.whereIs('default/p')).toBe('backoff');
  });

  it('retries parked pods after five minutes without any event', async () => {
    const { clock, queue } = newQueue();
    queue.run();
    queue.add(makePod('p'));
    queue.addUnschedulable(queue.tryPop()!, queue.cycle, new Set(['NodeResourcesFit']));
    await clock.advance(4 * 60_000);
    expect(queue.whereIs('default/p')).toBe('unschedulable');
    await clock.advance(90_000);
    expect(queue.whereIs('default/p')).toBe('active');
    queue.close();
  });

  it('moves a parked pod back when the user changes it, but not on status-only updates', () => {
    const { queue } = newQueue();
    const pod = makePod('p');
    queue.add(pod);
    queue.addUnschedulable(queue.tryPop()!, queue.cycle, new Set(['NodeResourcesFit']));
    const withStatus = { ...pod, status: { phase: 'Pending' as const, conditions: [{ type: 'PodScheduled', status: 'False' as const }] } };
    queue.update(pod, withStatus);
    expect(queue.whereIs('default/p')).toBe('unschedulable');
    const relabelled = { ...withStatus, metadata: { ...withStatus.metadata, labels: { tier: 'x' } } };
    queue.update(withStatus, relabelled);
    expect(queue.whereIs('default/p')).not.toBe('unschedulable');
    expect(specOrLabelsChanged(pod, { ...pod, metadata: { ...pod.metadata, resourceVersion: '99' } })).toBe(false);
  });

  it('drops a pod deleted during its attempt instead of requeueing it', () => {
    const { queue } = newQueue();
    queue.add(makePod('p'));
    const q = queue.tryPop()!;
    queue.delete('default/p');
    queue.addUnschedulable(q, queue.cycle, new Set());
    expect(queue.whereIs('default/p')).toBeUndefined();
    expect(queue.pendingCounts()).toEqual({ active: 0, backoff: 0, unschedulable: 0 });
  });

  it('hands a pod straight to a waiting pop', async () => {
    const { queue } = newQueue();
    const popped = queue.pop();
    queue.add(makePod('p'));
    expect((await popped)?.podInfo.name).toBe('p');
    expect(queue.whereIs('default/p')).toBe('inFlight');
  });
});
