import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { holdRealNodeLock, waitFor } from '@skiff/testing';
import { NetnsHosts, type RunResult } from './netns-hosts';

/**
 * A three-node cluster on one machine: three "hosts" as network namespaces on a bridge this test makes, the control
 * plane and a node on host 1 (`skiff up --advertise-address`), hosts 2 and 3 added with `skiff join` and a bootstrap
 * token, all over TLS with the CA pinned. Each node has its own containerd, registry, CNI bridge and proxy, and pods
 * reach pods on other nodes through host-gw routes. Needs root.
 */
jest.setTimeout(600_000);

const skiffBin = path.join(__dirname, '..', 'bin', 'skiff.js');
const tag = String(process.pid % 1000);
const hosts = new NetnsHosts(tag, 3);
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-mn-'));
const dataDir = (i: number) => path.join(base, `host-${i}`);
const nodeName = (i: number) => `mn${tag}-${i}`;
const kubeconfig = path.join(dataDir(1), 'admin.kubeconfig');
const env = { ...process.env, HOME: base };

const skiff = (i: number, args: string[], timeoutMs = 300_000): Promise<RunResult> => hosts.run(i, process.execPath, [skiffBin, ...args], { timeoutMs, env });
const kubectl = (args: string[]): Promise<RunResult> => hosts.run(1, 'kubectl', [`--kubeconfig=${kubeconfig}`, `--cache-dir=${path.join(base, 'kubectl-cache')}`, ...args], { timeoutMs: 60_000, env });

async function kubectlJson<T>(args: string[]): Promise<T> {
  const r = await kubectl([...args, '-o', 'json']);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

interface PodList {
  items: Array<{ metadata: { name: string; deletionTimestamp?: string }; spec: { nodeName?: string }; status: { phase?: string; conditions?: Array<{ type: string; status: string }> } }>;
}

const ready = (p: PodList['items'][number]) => !p.metadata.deletionTimestamp && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

function ok(r: RunResult, what: string): string {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const web = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas: 6,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'httpd',
            image: 'busybox',
            // Its name at /, and at /cgi-bin/ip the address a request came from.
            command: [
              'sh',
              '-c',
              'mkdir -p /www/cgi-bin && hostname > /www/index.html && printf \'#!/bin/sh\\necho Content-Type: text/plain\\necho\\necho $REMOTE_ADDR\\n\' > /www/cgi-bin/ip && chmod +x /www/cgi-bin/ip && exec httpd -f -p 8080 -h /www',
            ],
            ports: [{ containerPort: 8080 }],
            readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
          },
        ],
        topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', nodeTaintsPolicy: 'Honor', labelSelector: { matchLabels: { app: 'web' } } }],
        // Short, so the eviction from a lost node shows within the test.
        tolerations: [
          { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 },
          { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 },
        ],
        terminationGracePeriodSeconds: 1,
      },
    },
  },
};

const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } };

describe('a three-node cluster: skiff up on host 1, skiff join on hosts 2 and 3 (root)', () => {
  let releaseLock: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    if (process.getuid?.() !== 0) throw new Error('this test runs real nodes in network namespaces and needs root');
    // Its pods' network namespaces are visible host-wide: other real-node tests check for leftovers.
    releaseLock = await holdRealNodeLock();
    hosts.create();
  }, 900_000);

  afterAll(async () => {
    for (const i of [3, 2, 1]) if (fs.existsSync(dataDir(i))) await skiff(i, ['down', '--wipe', `--data-dir=${dataDir(i)}`]);
    hosts.destroy();
    fs.rmSync(base, { recursive: true, force: true });
    await releaseLock?.();
  });

  it('brings up the control plane on host 1, advertised on its bridge address', async () => {
    const up = await skiff(1, ['up', '--detach', `--data-dir=${dataDir(1)}`, `--node-name=${nodeName(1)}`, `--advertise-address=${hosts.address(1)}`, '--node-monitor-grace-period=8s']);
    expect({ code: up.code, stderr: up.stderr, stdout: up.code ? up.stdout : '' }).toEqual({ code: 0, stderr: '', stdout: '' });
    expect(up.stdout).toMatch(/^Ready in /m);
  });

  it('joins hosts 2 and 3 with the printed join command: token discovery, CA pin, CSR-issued node certificates', async () => {
    const join = ok(await skiff(1, ['--kubeconfig', kubeconfig, 'token', 'create', '--print-join-command']), 'skiff token create');
    const m = /^skiff join --server (https:\/\/10\.79\.0\.1:6443) --token (\S+) --discovery-token-ca-cert-hash (sha256:[0-9a-f]{64})$/.exec(join.trim());
    expect(m).not.toBeNull();
    const [, server, token, hash] = m!;
    // One join after the other: the machine has two cores, and each node starts a containerd and a registry of its own.
    for (const i of [2, 3]) {
      const r = await skiff(i, ['join', '--detach', `--server=${server}`, `--token=${token}`, `--discovery-token-ca-cert-hash=${hash}`, `--data-dir=${dataDir(i)}`, `--node-name=${nodeName(i)}`]);
      expect({ i, code: r.code, stderr: r.stderr, stdout: r.code ? r.stdout : '' }).toEqual({ i, code: 0, stderr: '', stdout: '' });
      expect(r.stdout).toContain(`Joined in`);
      expect(r.stdout).toContain(`node ${nodeName(i)} is Ready`);
    }
    const nodes = await kubectlJson<{ items: Array<{ metadata: { name: string }; spec: { podCIDR?: string }; status: { addresses: Array<{ type: string; address: string }> } }> }>(['get', 'nodes']);
    const byName = Object.fromEntries(nodes.items.map((n) => [n.metadata.name, n]));
    for (const i of [1, 2, 3]) {
      expect(byName[nodeName(i)].status.addresses.find((a) => a.type === 'InternalIP')?.address).toBe(hosts.address(i));
      expect(byName[nodeName(i)].spec.podCIDR).toMatch(/^10\.244\.\d+\.0\/24$/);
    }
    expect(new Set(nodes.items.map((n) => n.spec.podCIDR)).size).toBe(3);
    const csrs = ok(await kubectl(['get', 'csr', '-o', 'jsonpath={range .items[*]}{.spec.username} {.status.conditions[0].type}{"\\n"}{end}']), 'kubectl get csr');
    expect(csrs.trim().split('\n').sort()).toEqual([`system:bootstrap:${token.split('.')[0]} Approved`, `system:bootstrap:${token.split('.')[0]} Approved`]);
  });

  it('spreads a 6-replica Deployment over the three nodes, and a pod on host 3 reaches pods on hosts 1 and 2 through a Service by name', async () => {
    const file = path.join(base, 'web.yaml');
    fs.writeFileSync(file, [web, service].map((o) => stringify(o)).join('---\n'));
    ok(await kubectl(['apply', '-f', file]), 'kubectl apply');
    await waitFor(async () => (await kubectlJson<PodList>(['get', 'pods', '-l', 'app=web'])).items.filter(ready).length === 6, { what: '6 ready web pods', timeoutMs: 180_000, intervalMs: 1000 });
    const pods = (await kubectlJson<PodList>(['get', 'pods', '-l', 'app=web'])).items;
    const perNode = new Map<string, number>();
    for (const p of pods) perNode.set(p.spec.nodeName!, (perNode.get(p.spec.nodeName!) ?? 0) + 1);
    expect(Object.fromEntries(perNode)).toEqual({ [nodeName(1)]: 2, [nodeName(2)]: 2, [nodeName(3)]: 2 });

    const client = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'client', namespace: 'default' }, spec: { nodeName: nodeName(3), containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] } };
    const clientFile = path.join(base, 'client.yaml');
    fs.writeFileSync(clientFile, stringify(client));
    ok(await kubectl(['apply', '-f', clientFile]), 'kubectl apply client');
    ok(await kubectl(['wait', '--for=condition=Ready', 'pod/client', '--timeout=120s']), 'kubectl wait client');
    const answers = ok(
      await kubectl(['exec', 'client', '--', 'sh', '-c', 'for i in $(seq 1 40); do timeout 5 wget -q -O - http://web.default.svc.cluster.local/ || echo FAILED; done']),
      'requests from the client pod',
    );
    const served = answers.trim().split('\n');
    expect(served.filter((a) => a === 'FAILED')).toEqual([]);
    const nodeOf = Object.fromEntries(pods.map((p) => [p.metadata.name, p.spec.nodeName]));
    const nodesServing = new Set(served.map((name) => nodeOf[name]));
    expect(nodesServing.has(nodeName(1))).toBe(true);
    expect(nodesServing.has(nodeName(2))).toBe(true);

    // Pods see each other's own addresses across nodes: no NAT between pods.
    const clientIP = (await kubectlJson<{ status: { podIP: string } }>(['get', 'pod', 'client'])).status.podIP;
    for (const i of [1, 2]) {
      const target = pods.find((p) => p.spec.nodeName === nodeName(i))!;
      const ip = (await kubectlJson<{ status: { podIP: string } }>(['get', 'pod', target.metadata.name])).status.podIP;
      const seen = ok(await kubectl(['exec', 'client', '--', 'timeout', '5', 'wget', '-q', '-O', '-', `http://${ip}:8080/cgi-bin/ip`]), `a request to ${ip}`);
      // busybox httpd listens on IPv6 and shows IPv4 peers mapped: [::ffff:a.b.c.d].
      expect({ node: i, seen: seen.trim().replace(/^\[::ffff:(.*)\]$/, '$1') }).toEqual({ node: i, seen: clientIP });
    }
  });

  it("turns host 2 NotReady when its kubelet stops, evicts its pods after their toleration, and the Deployment is whole again on hosts 1 and 3", async () => {
    const down = await skiff(2, ['down', `--data-dir=${dataDir(2)}`]);
    expect({ code: down.code, stderr: down.stderr }).toEqual({ code: 0, stderr: '' });
    await waitFor(
      async () => {
        const node = await kubectlJson<{ status: { conditions: Array<{ type: string; status: string }> } }>(['get', 'node', nodeName(2)]);
        return node.status.conditions.find((c) => c.type === 'Ready')?.status === 'Unknown';
      },
      { what: `${nodeName(2)} to turn NotReady`, timeoutMs: 60_000, intervalMs: 1000 },
    );
    await waitFor(
      async () => {
        const pods = (await kubectlJson<PodList>(['get', 'pods', '-l', 'app=web'])).items.filter(ready);
        return pods.length === 6 && pods.every((p) => p.spec.nodeName !== nodeName(2));
      },
      { what: 'six ready web pods on the other nodes', timeoutMs: 120_000, intervalMs: 1000 },
    );
    const evicted = (await kubectlJson<PodList>(['get', 'pods', '-l', 'app=web'])).items.filter((p) => p.spec.nodeName === nodeName(2));
    // What was on host 2 is being deleted (its kubelet, being gone, cannot confirm it).
    expect(evicted.length).toBe(2);
    for (const p of evicted) expect(p.metadata.deletionTimestamp).toBeDefined();
  });
});
