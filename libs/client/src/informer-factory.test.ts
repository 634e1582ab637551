import { getEventListeners } from 'node:events';
import type { ResourceType } from '@skiff/api';
import { InformerFactory } from './informer-factory';
import type { KubeClient } from './kube-client';

// Informers that are never started never sync, so waitForSync waits until the signal aborts or they stop.
const resource = (i: number) => ({ group: 'example.com', version: 'v1', kind: `Kind${i}`, resource: `kinds${i}`, namespaced: true }) as ResourceType;

function factoryWith(count: number): InformerFactory {
  const factory = new InformerFactory({} as KubeClient);
  for (let i = 0; i < count; i++) factory.forResource(resource(i));
  return factory;
}

describe('InformerFactory.waitForSync', () => {
  it('puts one abort listener on the signal however many informers wait, and resolves false on abort', async () => {
    const factory = factoryWith(15);
    const controller = new AbortController();
    const waiting = factory.waitForSync(controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    await expect(waiting).resolves.toBe(false);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    factory.stop();
  });

  it('removes its listener when the informers finish first', async () => {
    const factory = factoryWith(3);
    const controller = new AbortController();
    const waiting = factory.waitForSync(controller.signal);
    factory.stop();
    await expect(waiting).resolves.toBe(false);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('answers false at once for an already aborted signal', async () => {
    await expect(factoryWith(2).waitForSync(AbortSignal.abort())).resolves.toBe(false);
  });
});
