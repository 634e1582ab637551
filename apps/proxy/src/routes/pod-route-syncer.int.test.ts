import { execFileSync } from 'node:child_process';
import { nodes as nodeResource, type Node } from '@skiff/api';
import { InformerFactory } from '@skiff/client';
import { FakeKubeClient, waitFor } from '@skiff/testing';
import { hostCommands } from '../iptables/host-commands';
import { PodRouteSyncer } from './pod-route-syncer';
import { PodRouteTable, podRouteProtocol } from './route-table';

/*
 * Real routes in a real kernel, inside a network namespace this test makes: a "node" with a veth link on
 * 10.78.0.0/24 (the link other nodes would share). The syncer follows Node objects from a fake client.
 */

jest.setTimeout(60_000);

const ns = `skiff-rt-${process.pid % 100000}`;
const sh = (args: string[]) => execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function node(name: string, internalIP: string, podCIDR: string): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: { podCIDR, podCIDRs: [podCIDR] }, status: { addresses: [{ type: 'InternalIP', address: internalIP }] } };
}

/** The namespace's IPv4 routes as `cidr via gateway proto N` lines, sorted. */
function routes(): string[] {
  const rows = JSON.parse(sh(['-n', ns, '-json', '-4', 'route', 'show'])) as Array<{ dst: string; gateway?: string; protocol?: string }>;
  return rows.map((r) => `${r.dst}${r.gateway ? ` via ${r.gateway}` : ''} proto ${r.protocol ?? 'boot'}`).sort();
}

describe('PodRouteSyncer in a network namespace (root)', () => {
  const client = new FakeKubeClient();
  const run = hostCommands({ prefix: ['ip', 'netns', 'exec', ns] });
  const abort = new AbortController();
  let informers: InformerFactory;
  let syncer: PodRouteSyncer;
  let running: Promise<void>;

  beforeAll(async () => {
    if (process.getuid?.() !== 0) throw new Error('this test changes routes in a network namespace and needs root');
    sh(['netns', 'add', ns]);
    sh(['-n', ns, 'link', 'set', 'lo', 'up']);
    sh(['-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'peer0']);
    sh(['-n', ns, 'address', 'add', '10.78.0.1/24', 'dev', 'eth0']);
    sh(['-n', ns, 'link', 'set', 'eth0', 'up']);
    sh(['-n', ns, 'link', 'set', 'peer0', 'up']);
    // A route of someone else's that the syncer must leave alone.
    sh(['-n', ns, 'route', 'add', '10.244.50.0/24', 'via', '10.78.0.50']);
    client.seed(nodeResource, node('self', '10.78.0.1', '10.244.1.0/24'), node('n2', '10.78.0.2', '10.244.2.0/24'), node('n3', '10.78.0.3', '10.244.3.0/24'));
    informers = new InformerFactory(client);
    syncer = new PodRouteSyncer({ informers, nodeName: 'self', run, minSyncPeriodMs: 0, syncPeriodMs: 60_000 });
    informers.start();
    running = syncer.run(abort.signal);
  });

  afterAll(async () => {
    abort.abort();
    await running;
    informers?.stop();
    try {
      sh(['netns', 'del', ns]);
    } catch {
      // Never made.
    }
  });

  it('routes the other nodes\' pod ranges via their InternalIPs, marked as its own', async () => {
    await waitFor(() => routes().filter((r) => r.startsWith('10.244.')).length === 3, { what: 'the pod routes', timeoutMs: 10_000, intervalMs: 50 });
    expect(routes()).toEqual([
      '10.244.2.0/24 via 10.78.0.2 proto 211',
      '10.244.3.0/24 via 10.78.0.3 proto 211',
      '10.244.50.0/24 via 10.78.0.50 proto boot',
      '10.78.0.0/24 proto kernel',
    ]);
    expect(podRouteProtocol).toBe(211);
  });

  it('repoints a route when a node\'s address changes and removes it when the node goes', async () => {
    const n2 = await client.get<Node>(nodeResource, undefined, 'n2');
    await client.update(nodeResource, { ...n2, status: { addresses: [{ type: 'InternalIP', address: '10.78.0.22' }] } }, { subresource: 'status' });
    await client.delete(nodeResource, undefined, 'n3');
    await waitFor(() => routes().includes('10.244.2.0/24 via 10.78.0.22 proto 211') && !routes().some((r) => r.startsWith('10.244.3.')), {
      what: 'the routes to follow the nodes',
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    expect(routes().filter((r) => r.includes('proto 211'))).toEqual(['10.244.2.0/24 via 10.78.0.22 proto 211']);
  });

  it('keeps the routes it can make when another node is not on a shared link, and retries that one', async () => {
    await client.create(nodeResource, undefined, node('far', '192.0.2.9', '10.244.9.0/24'));
    await client.create(nodeResource, undefined, node('n4', '10.78.0.4', '10.244.4.0/24'));
    // The pass that adds the route records what it installed only when it ends.
    await waitFor(() => routes().includes('10.244.4.0/24 via 10.78.0.4 proto 211') && syncer.installed.some((r) => r.node === 'n4'), {
      what: 'the route to n4',
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    expect(routes().some((r) => r.startsWith('10.244.9.'))).toBe(false);
    expect(syncer.installed.map((r) => r.node)).toEqual(['n2', 'n4']);
    expect(await syncer.sync()).toBe(false);
  });

  it('puts back a route removed behind its back on the next sync, and removeAll takes only its own', async () => {
    sh(['-n', ns, 'route', 'del', '10.244.2.0/24']);
    await syncer.sync();
    expect(routes()).toContain('10.244.2.0/24 via 10.78.0.22 proto 211');
    // Stopped first: its retries (the far node stays unreachable) would put the routes back.
    abort.abort();
    await running;
    expect(await new PodRouteTable(run).removeAll()).toBe(2);
    expect(routes().filter((r) => r.startsWith('10.244.'))).toEqual(['10.244.50.0/24 via 10.78.0.50 proto boot']);
  });
});
