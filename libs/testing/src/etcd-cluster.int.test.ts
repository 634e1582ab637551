import fs from 'node:fs';
import { TestEtcdCluster } from './etcd-cluster';

jest.setTimeout(60_000);

const b64 = (s: string) => Buffer.from(s).toString('base64');

async function put(endpoint: string, key: string, value: string): Promise<void> {
  const res = await fetch(`${endpoint}/v3/kv/put`, { method: 'POST', body: JSON.stringify({ key: b64(key), value: b64(value) }) });
  if (!res.ok) throw new Error(`put: HTTP ${res.status} ${await res.text()}`);
}

async function get(endpoint: string, key: string): Promise<string | undefined> {
  const res = await fetch(`${endpoint}/v3/kv/range`, { method: 'POST', body: JSON.stringify({ key: b64(key) }) });
  const body = (await res.json()) as { kvs?: Array<{ value: string }> };
  return body.kvs?.[0] ? Buffer.from(body.kvs[0].value, 'base64').toString() : undefined;
}

describe('TestEtcdCluster', () => {
  it('runs three members that replicate, keep a quorum when the leader is killed, and take it back on restart', async () => {
    const cluster = await TestEtcdCluster.start(3);
    try {
      expect(new Set(cluster.endpoints).size).toBe(3);
      expect(cluster.endpointList.split(',')).toEqual(cluster.endpoints);
      await put(cluster.endpoints[0], 'a', '1');
      expect(await get(cluster.endpoints[2], 'a')).toBe('1');

      const leader = await cluster.leader();
      await cluster.kill(leader);
      expect(leader.running).toBe(false);
      const next = await cluster.leader();
      expect(next).not.toBe(leader);
      const survivor = cluster.members.find((m) => m.running)!;
      await put(survivor.endpoint, 'b', '2');

      await cluster.restart(leader);
      await cluster.waitUntilHealthy();
      expect(await get(leader.endpoint, 'b')).toBe('2');
    } finally {
      const dirs = cluster.members.map((m) => m.dataDir);
      const pids = cluster.members.map((m) => m.pid);
      await cluster.destroy();
      for (const d of dirs) expect(fs.existsSync(d)).toBe(false);
      for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    }
  });
});
