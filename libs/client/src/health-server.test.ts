import { HealthServer } from './health-server';

describe('HealthServer', () => {
  it('serves liveness, readiness as the program reports it, and metrics', async () => {
    let ready = false;
    const metrics = { contentType: 'text/plain; version=0.0.4', metrics: async () => 'up 1\n' };
    const server = new HealthServer(metrics, () => (ready ? { ok: true } : { ok: false, reason: 'caches have not synced' }));
    const port = await server.listen('127.0.0.1', 0);
    const get = async (p: string) => {
      const r = await fetch(`http://127.0.0.1:${port}${p}`);
      return [r.status, await r.text()];
    };
    try {
      expect(await get('/healthz')).toEqual([200, 'ok']);
      expect(await get('/readyz')).toEqual([503, 'not ready: caches have not synced\n']);
      ready = true;
      expect(await get('/readyz')).toEqual([200, 'ok']);
      expect(await get('/metrics')).toEqual([200, 'up 1\n']);
      expect((await get('/nope'))[0]).toBe(404);
    } finally {
      await server.close();
    }
  });
});
