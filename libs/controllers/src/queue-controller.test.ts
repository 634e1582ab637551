import { ApiError } from '@skiff/client';
import { silentLogger } from '@skiff/logging';
import { ControllerTestKit } from '@skiff/testing';
import { defaultControllerOptions, type ControllerContext } from './controller';
import { QueueController } from './queue-controller';

class CountingController extends QueueController {
  readonly seen: string[] = [];
  failures = 0;
  async reconcile(key: string): Promise<void> {
    this.seen.push(key);
    if (this.failures > 0) {
      this.failures--;
      throw new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'InternalError', message: 'try later', code: 500 });
    }
  }
}

function contextFrom(kit: ControllerTestKit): ControllerContext {
  return { client: kit.client, informers: kit.informers, recorder: () => kit.recorder, clock: kit.clock, logger: silentLogger(), options: defaultControllerOptions };
}

describe('QueueController', () => {
  it('reconciles each queued key once, deduplicating repeats', async () => {
    const kit = new ControllerTestKit();
    const c = new CountingController('counting', contextFrom(kit));
    c.enqueue('ns/a');
    c.enqueue('ns/a');
    c.enqueue('ns/b');
    while (c.queue.len() > 0) await c.processNext();
    expect(c.seen).toEqual(['ns/a', 'ns/b']);
  });

  it('retries a failing key with backoff driven by the clock, then forgets it', async () => {
    const kit = new ControllerTestKit();
    const c = new CountingController('counting', contextFrom(kit));
    c.failures = 2;
    c.enqueue('ns/a');
    await c.processNext();
    expect(c.queue.len()).toBe(0);
    await kit.clock.advance(5);
    await c.processNext();
    await kit.clock.advance(10);
    await c.processNext();
    expect(c.seen).toEqual(['ns/a', 'ns/a', 'ns/a']);
    expect(c.queue.numRequeues('ns/a')).toBe(0);
  });

  it('stops its workers when the queue shuts down', async () => {
    const kit = new ControllerTestKit();
    const c = new CountingController('counting', contextFrom(kit));
    c.run(2);
    c.enqueue('ns/a');
    await kit.settle();
    await c.stop();
    expect(c.seen).toEqual(['ns/a']);
  });
});
