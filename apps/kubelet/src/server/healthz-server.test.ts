import { silentLogger } from '@skiff/logging';
import { HealthzServer } from './healthz-server';

describe('HealthzServer', () => {
  it('answers /healthz without credentials and nothing else', async () => {
    const s = new HealthzServer('127.0.0.1', 0, silentLogger());
    const port = await s.listen();
    try {
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect([ok.status, await ok.text()]).toEqual([200, 'ok']);
      expect((await fetch(`http://127.0.0.1:${port}/pods`)).status).toBe(404);
    } finally {
      await s.close();
    }
  });

  it('gives up on a port that is taken without failing, as the kubelet runs on without it', async () => {
    const first = new HealthzServer('127.0.0.1', 0, silentLogger());
    const port = await first.listen();
    const second = new HealthzServer('127.0.0.1', port!, silentLogger());
    try {
      expect(await second.listen()).toBeUndefined();
    } finally {
      await first.close();
      await second.close();
    }
  });
});
