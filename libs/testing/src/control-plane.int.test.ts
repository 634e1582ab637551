import fs from 'node:fs';
import { startControlPlane } from './control-plane';
import { waitFor } from './wait-for';

jest.setTimeout(60_000);

describe('startControlPlane', () => {
  it('starts a real etcd and apiserver on loopback and removes everything on stop', async () => {
    const cp = await startControlPlane();
    const { etcd, apiserver } = cp;
    expect(apiserver.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${apiserver.url}/api/v1/namespaces/default`);
    expect(res.status).toBe(200);
    expect(fs.existsSync(etcd.dataDir)).toBe(true);
    const pids = [etcd.pid, apiserver.pid];
    await cp.stop();
    expect(fs.existsSync(etcd.dataDir)).toBe(false);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });
});

describe('waitFor', () => {
  it('returns the first truthy value and reports the last error on timeout', async () => {
    let n = 0;
    expect(await waitFor(() => (++n >= 3 ? n : false), { intervalMs: 1 })).toBe(3);
    await expect(
      waitFor(
        () => {
          throw new Error('still broken');
        },
        { timeoutMs: 30, intervalMs: 5, what: 'repair' },
      ),
    ).rejects.toThrow('timed out waiting for repair: Error: still broken');
  });
});
