import { events, nodes, pods, type Event, type Pod } from '@skiff/api';
import { FakeClock, flushPromises } from '@skiff/client';
import { silentLogger } from '@skiff/logging';
import { FakeKubeClient } from '@skiff/testing';
import { SchedulerMetrics } from '../metrics';
import { makeNode, makePod } from '../testing/fixtures';
import { Scheduler } from './scheduler';

/** The whole scheduler on real informers over the test kit's in-memory client: no network, time by hand. */
async function started(client: FakeKubeClient, clock: FakeClock) {
  const scheduler = new Scheduler({ client, schedulerName: 'default-scheduler', percentageOfNodesToScore: 0, logger: silentLogger(), metrics: new SchedulerMetrics(), clock, random: () => 0 });
  expect(await scheduler.startInformers()).toBe(true);
  const stop = new AbortController();
  const running = scheduler.run(stop.signal);
  return {
    scheduler,
    async settle() {
      for (let i = 0; i < 5; i++) await flushPromises(10);
    },
    async stop() {
      stop.abort();
      await running;
      scheduler.stopInformers();
    },
  };
}

const nodeOf = (client: FakeKubeClient, name: string) => (client.tracker.get(pods, 'default', name) as Pod | undefined)?.spec.nodeName;
const bindings = (client: FakeKubeClient) => client.actions.filter((a) => a.verb === 'create' && a.subresource === 'binding').map((a) => a.name);

describe('Scheduler', () => {
  it('counts a pod on its node from the moment it is chosen, before its binding is seen', async () => {
    const clock = new FakeClock();
    const client = new FakeKubeClient(clock);
    client.seed(nodes, makeNode('only', { cpu: '1' }));
    client.seed(pods, makePod('first', { cpu: '1' }), makePod('second', { cpu: '1' }));
    const s = await started(client, clock);
    await s.settle();
    // Both were popped back to back; without the assumption the second would have been bound to the same node.
    expect(bindings(client)).toEqual(['first']);
    expect(nodeOf(client, 'first')).toBe('only');
    const condition = (client.tracker.get(pods, 'default', 'second') as Pod).status?.conditions?.find((c) => c.type === 'PodScheduled');
    expect(condition?.message).toMatch(/^0\/1 nodes are available: 1 Insufficient cpu\./);
    await s.stop();
  });

  it('un-assumes a pod whose binding fails and binds it after the backoff', async () => {
    const clock = new FakeClock();
    const client = new FakeKubeClient(clock);
    client.failOn('create', 'pods', (a) => (a.subresource === 'binding' ? new Error('etcd is having a moment') : undefined), 1);
    client.seed(nodes, makeNode('n1', { cpu: '1' }));
    client.seed(pods, makePod('p', { cpu: '1' }));
    const s = await started(client, clock);
    await s.settle();
    expect(nodeOf(client, 'p')).toBeUndefined();
    expect(s.scheduler.cache.getNodeInfo('n1')!.requested.milliCPU).toBe(0);
    expect(s.scheduler.queue.whereIs('default/p')).toBe('backoff');
    await clock.advance(1000);
    await s.settle();
    expect(nodeOf(client, 'p')).toBe('n1');
    expect(bindings(client)).toEqual(['p', 'p']);
    const recorded = client.tracker.list(events, 'default') as Event[];
    expect(recorded.map((e) => `${e.reason}: ${e.message}`)).toEqual(expect.arrayContaining(['FailedScheduling: Binding rejected: etcd is having a moment', 'Scheduled: Successfully assigned default/p to n1']));
    await s.stop();
  });

  it('retries a parked pod when a node that fits is added, and ignores finished pods', async () => {
    const clock = new FakeClock();
    const client = new FakeKubeClient(clock);
    client.seed(nodes, makeNode('small', { cpu: '1' }));
    const done = makePod('done', { cpu: '1', nodeName: 'small' });
    done.status = { phase: 'Succeeded' };
    client.seed(pods, done, makePod('big', { cpu: '2' }));
    const s = await started(client, clock);
    await s.settle();
    // The finished pod holds nothing, so the node reports only that 2 cpu do not fit in 1.
    expect(s.scheduler.cache.getNodeInfo('small')!.pods.size).toBe(0);
    expect(s.scheduler.queue.whereIs('default/big')).toBe('unschedulable');
    await client.create(nodes, undefined, makeNode('large', { cpu: '4' }));
    await s.settle();
    await clock.advance(1000);
    await s.settle();
    expect(nodeOf(client, 'big')).toBe('large');
    await s.stop();
  });
});
