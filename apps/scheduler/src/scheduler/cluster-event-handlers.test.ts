import { FakeClock } from '@skiff/client';
import { SchedulerCache } from '../cache/scheduler-cache';
import { Nominator } from '../framework/nominator';
import { SchedulingQueue } from '../queue/scheduling-queue';
import { makeNode, makePod } from '../testing/fixtures';
import { ClusterEventHandlers, nodeUpdateActions } from './cluster-event-handlers';

function setup() {
  const cache = new SchedulerCache();
  const registrations = new Map([['NodeResourcesFit', [{ resource: 'Node' as const, actions: ['Add' as const, 'UpdateNodeAllocatable' as const] }]]]);
  const queue = new SchedulingQueue({ clock: new FakeClock(), registrations, nominator: new Nominator() });
  return { cache, queue, handlers: new ClusterEventHandlers(cache, queue, 'default-scheduler') };
}

describe('ClusterEventHandlers', () => {
  it('queues pending pods of this scheduler only, and caches bound pods of any', () => {
    const { cache, queue, handlers } = setup();
    const pods = handlers.pods();
    pods.onAdd!(makePod('mine'));
    const other = makePod('theirs');
    other.spec.schedulerName = 'other-scheduler';
    pods.onAdd!(other);
    pods.onAdd!({ ...other, metadata: { ...other.metadata, name: 'bound' }, spec: { ...other.spec, nodeName: 'n' } });
    expect(queue.whereIs('default/mine')).toBe('active');
    expect(queue.whereIs('default/theirs')).toBeUndefined();
    expect(cache.nodeOf('default/bound')).toBe('n');
  });

  it('moves a pod from the queue to the cache when its binding is observed', () => {
    const { cache, queue, handlers } = setup();
    const pending = makePod('p', { cpu: '1' });
    handlers.pods().onAdd!(pending);
    handlers.pods().onUpdate!(pending, { ...pending, spec: { ...pending.spec, nodeName: 'n' } });
    expect(queue.whereIs('default/p')).toBeUndefined();
    expect(cache.nodeOf('default/p')).toBe('n');
  });

  it('wakes parked pods only on node changes that matter', () => {
    const { queue, handlers } = setup();
    handlers.pods().onAdd!(makePod('p'));
    queue.addUnschedulable(queue.tryPop()!, queue.cycle, new Set(['NodeResourcesFit']));
    const node = makeNode('n', { cpu: '1' });
    handlers.nodes().onAdd!(node);
    expect(queue.whereIs('default/p')).toBe('backoff');
    const heartbeat = { ...node, metadata: { ...node.metadata, resourceVersion: '2' } };
    expect(nodeUpdateActions(node, heartbeat)).toEqual([]);
    expect(nodeUpdateActions(node, makeNode('n', { cpu: '2' }))).toEqual(['UpdateNodeAllocatable']);
    expect(nodeUpdateActions(node, makeNode('n', { cpu: '1', labels: { x: 'y' }, taints: [{ key: 'k', effect: 'NoSchedule' }] }))).toEqual(['UpdateNodeLabel', 'UpdateNodeTaint']);
  });
});
