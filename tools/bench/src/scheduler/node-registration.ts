import { Etcd3 } from 'etcd3';
import { forEachConcurrently } from '../concurrent';
import { statusMessage, type LoopbackClient } from '../loopback-client';

/** What every benchmark node offers: room for 110 pods of the benchmark's size many times over. */
export const benchNodeResources = { cpu: '32', memory: '128Gi', pods: '110', 'ephemeral-storage': '100Gi' };

export function benchNodeName(i: number): string {
  return `bench-node-${String(i).padStart(5, '0')}`;
}

/**
 * Registers `count` Node objects as a kubelet would (create, then status with capacity and allocatable), spread
 * over three zones. The apiserver currently refuses `pods` in a node's capacity (libs/api validates node
 * resources like container requests); when it does, the status is written to etcd directly instead, which the
 * apiserver's watch serves like any other write.
 */
export async function registerNodes(client: LoopbackClient, etcdEndpoint: string, count: number, concurrency: number): Promise<{ viaEtcd: boolean }> {
  const status = { capacity: benchNodeResources, allocatable: benchNodeResources };
  let viaEtcd: boolean | undefined;
  const etcd = new Etcd3({ hosts: etcdEndpoint });
  try {
    const register = async (i: number) => {
      const name = benchNodeName(i);
      const node = {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': `zone-${i % 3}` } },
      };
      const created = await client.request('POST', '/api/v1/nodes', JSON.stringify(node));
      if (created.status !== 201) throw new Error(`POST nodes ${name} → ${created.status}: ${statusMessage(created.body)}`);
      if (!viaEtcd) {
        const patched = await client.request('PATCH', `/api/v1/nodes/${name}/status`, JSON.stringify({ status }), 'application/merge-patch+json');
        if (patched.status === 200) {
          viaEtcd = false;
          return;
        }
        if (patched.status !== 422 || !statusMessage(patched.body).includes('[pods]')) throw new Error(`PATCH nodes/${name}/status → ${patched.status}: ${statusMessage(patched.body)}`);
        viaEtcd = true;
      }
      const stored = JSON.parse(created.body.toString('utf8')) as { metadata: Record<string, unknown>; status?: unknown };
      delete stored.metadata.resourceVersion;
      stored.status = status;
      await etcd.put(`/registry/minions/${name}`).value(JSON.stringify(stored));
    };
    // The first node settles which way status is written.
    await register(0);
    await forEachConcurrently(count - 1, concurrency, (i) => register(i + 1));
  } finally {
    etcd.close();
  }
  return { viaEtcd: viaEtcd ?? false };
}
