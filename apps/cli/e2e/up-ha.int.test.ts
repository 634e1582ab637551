import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, waitFor } from '@skiff/testing';
import { portFree } from '../src/cluster/cluster-settings';
import { runProgram, type RunResult } from './run-program';

/**
 * `skiff up --ha` on one machine, as a user runs it: three control-plane members (etcd, apiserver, scheduler,
 * controller-manager each) behind Debian's haproxy on the apiserver port, a hollow node, the real kubectl and etcdctl.
 * Killing an apiserver costs a client nothing; killing the etcd leader and the leading scheduler and
 * controller-manager mid-rollout still converges with no pod lost or duplicated, and the supervisor brings every
 * killed member back.
 */
jest.setTimeout(300_000);

const skiffBin = path.join(__dirname, '..', 'bin', 'skiff.js');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-ha-'));
const dataDir = path.join(root, 'cluster');
const env = { ...process.env, HOME: root, KUBECONFIG: path.join(dataDir, 'admin.kubeconfig') };

function run(file: string, args: string[], timeoutMs = 60_000): Promise<RunResult> {
  return runProgram(file, args, { timeoutMs, env });
}

async function ok(file: string, args: string[], timeoutMs?: number): Promise<string> {
  const r = await run(file, args, timeoutMs);
  if (r.code !== 0) throw new Error(`${path.basename(file)} ${args.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const skiff = (args: string[], timeoutMs = 180_000) => ok(process.execPath, [skiffBin, ...args], timeoutMs);
const kubectl = (...args: string[]) => ok('kubectl', [`--cache-dir=${path.join(root, 'kubectl-cache')}`, ...args]);
const kubectlJson = async <T>(...args: string[]): Promise<T> => JSON.parse(await kubectl(...args, '-o', 'json')) as T;

/** A port with the next `count - 1` free too: the base of the ports `skiff up --ha` prefers. */
async function freePortRun(count: number): Promise<number> {
  for (;;) {
    const base = await freePort();
    if (base + count > 65535) continue;
    let free = true;
    for (let p = base + 1; p < base + count && free; p++) free = await portFree(p);
    if (free) return base;
  }
}

interface Settings {
  apiPort: number;
  ha: { members: Array<{ apiPort: number; etcdPort: number; etcdPeerPort: number }> };
}

function settings(): Settings {
  return JSON.parse(fs.readFileSync(path.join(dataDir, 'cluster.json'), 'utf8')) as Settings;
}

function componentPids(): Record<string, number> {
  const status = JSON.parse(fs.readFileSync(path.join(dataDir, 'status.json'), 'utf8')) as { components: Record<string, { pid: number }> };
  return Object.fromEntries(Object.entries(status.components).map(([name, id]) => [name, id.pid]));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const etcdEndpoints = () => settings().ha.members.map((m) => `https://127.0.0.1:${m.etcdPort}`);

/** etcdctl with the health-check client certificate: etcd lets in only certificates from its own CA. */
function etcdctl(args: string[], endpoints = etcdEndpoints()): Promise<RunResult> {
  const pki = path.join(dataDir, 'pki', 'etcd');
  const tls = [`--cacert=${pki}/ca.crt`, `--cert=${pki}/healthcheck-client.crt`, `--key=${pki}/healthcheck-client.key`];
  return run('etcdctl', [`--endpoints=${endpoints.join(',')}`, ...tls, ...args], 15_000);
}

async function etcdctlOk(args: string[], endpoints?: string[]): Promise<string> {
  const r = await etcdctl(args, endpoints);
  if (r.code !== 0) throw new Error(`etcdctl ${args.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The member (1-based) whose etcd leads, from `etcdctl endpoint status`: endpoint, id, version, size, is-leader, ... */
async function etcdLeader(): Promise<number> {
  const out = await etcdctlOk(['endpoint', 'status']);
  const lines = out.trim().split('\n').map((l) => l.split(', '));
  const leader = lines.find((fields) => fields[4] === 'true');
  if (!leader) throw new Error(`no etcd leader in:\n${out}`);
  return etcdEndpoints().indexOf(leader[0]) + 1;
}

interface Lease {
  spec: { holderIdentity?: string; leaseTransitions?: number };
}

/** Which member's `component` holds its Lease: the identity each replica logged when it began campaigning. */
async function leadingMember(component: 'scheduler' | 'controller-manager', lease: string): Promise<{ member: number; identity: string; transitions: number }> {
  const l = await kubectlJson<Lease>('-n', 'kube-system', 'get', 'lease', lease);
  const identity = l.spec.holderIdentity ?? '';
  for (let member = 1; member <= 3; member++) {
    const log = fs.readFileSync(path.join(dataDir, 'logs', `${component}-${member}.log`), 'utf8');
    if (log.includes(`"identity":"${identity}"`)) return { member, identity, transitions: l.spec.leaseTransitions ?? 0 };
  }
  throw new Error(`no ${component} member logged the identity ${identity} holding ${lease}`);
}

interface PodList {
  items: Array<{ metadata: { uid: string; name: string; labels?: Record<string, string>; deletionTimestamp?: string }; spec: { nodeName?: string; containers: Array<{ image: string }> }; status: { phase?: string; conditions?: Array<{ type: string; status: string }> } }>;
}

const ready = (p: PodList['items'][number]) => p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

let up = false;
afterAll(async () => {
  if (up) await skiff(['down', '--wipe', '--data-dir', dataDir]).catch((e) => console.error(e));
  fs.rmSync(root, { recursive: true, force: true });
});

describe('skiff up --ha', () => {
  let apiPort = 0;

  it('starts three members behind haproxy, which clients and the kubernetes Service know as one address', async () => {
    apiPort = await freePortRun(4);
    const etcdPort = await freePortRun(6);
    const out = await skiff(['up', '--ha', '--hollow', '--detach', '--data-dir', dataDir, '--api-port', String(apiPort), '--etcd-port', String(etcdPort), '--node-name', 'ha-node']);
    up = true;
    expect(out).toContain(`apiserver:  https://127.0.0.1:${apiPort} (haproxy in front of 3 apiservers`);
    const pids = componentPids();
    const members = ['etcd', 'apiserver', 'scheduler', 'controller-manager'].flatMap((c) => [1, 2, 3].map((n) => `${c}-${n}`));
    expect(Object.keys(pids).sort()).toEqual([...members, 'apiserver-front', 'kubelet'].sort());
    expect(settings().ha.members.map((m) => m.apiPort)).toEqual([apiPort + 1, apiPort + 2, apiPort + 3]);

    // One etcd cluster of three started members.
    const list = await etcdctlOk(['member', 'list'], etcdEndpoints().slice(0, 1));
    expect(list.trim().split('\n').map((l) => l.split(', ').slice(2, 3)[0]).sort()).toEqual(['etcd-1', 'etcd-2', 'etcd-3']);
    expect(list).not.toContain('unstarted');
    // Only certificates from etcd's CA get in: without one, or with the cluster CA's admin certificate, etcd refuses.
    const noCert = await run('etcdctl', [`--endpoints=${etcdEndpoints()[0]}`, `--cacert=${path.join(dataDir, 'pki', 'etcd', 'ca.crt')}`, '--command-timeout=3s', 'get', 'x']);
    expect(noCert.code).not.toBe(0);
    const asAdmin = await run('etcdctl', [`--endpoints=${etcdEndpoints()[0]}`, `--cacert=${path.join(dataDir, 'pki', 'etcd', 'ca.crt')}`, `--cert=${path.join(dataDir, 'pki', 'admin.crt')}`, `--key=${path.join(dataDir, 'pki', 'admin.key')}`, '--command-timeout=3s', 'get', 'x']);
    expect(asAdmin.code).not.toBe(0);

    // The Service's endpoint is the load balancer, written once by skiff up: the apiservers' own lease reconciler is off.
    const endpoints = await kubectlJson<{ subsets: Array<{ addresses: Array<{ ip: string }>; ports: Array<{ port: number }> }> }>('get', 'endpoints', 'kubernetes');
    expect(endpoints.subsets).toEqual([{ addresses: [{ ip: '10.244.0.1' }], ports: [{ name: 'https', port: apiPort, protocol: 'TCP' }] }]);
    const service = await kubectlJson<{ spec: { ports: Array<{ targetPort: number }> } }>('get', 'service', 'kubernetes');
    expect(service.spec.ports[0].targetPort).toBe(apiPort);
    const masterLeases = await etcdctlOk(['get', '--prefix', '--keys-only', '/registry/masterleases/'], etcdEndpoints().slice(0, 1));
    expect(masterLeases.trim()).toBe('');

    // Exactly one scheduler and one controller-manager lead.
    expect((await leadingMember('scheduler', 'kube-scheduler')).member).toBeGreaterThanOrEqual(1);
    expect((await leadingMember('controller-manager', 'skiff-controller-manager')).member).toBeGreaterThanOrEqual(1);
  });

  it('loses no request when an apiserver dies: haproxy sends new connections to the live members', async () => {
    const pids = componentPids();
    process.kill(pids['apiserver-1'], 'SIGKILL');
    await waitFor(async () => !alive(pids['apiserver-1']));
    // Round robin over three members: six fresh connections reach the dead one's turn at least twice.
    for (let i = 0; i < 6; i++) expect((await kubectl('get', '--raw', '/readyz')).trim()).toBe('ok');
    // The supervisor restarts it, and it serves on its own port again.
    await waitFor(async () => componentPids()['apiserver-1'] !== undefined && componentPids()['apiserver-1'] !== pids['apiserver-1'], { timeoutMs: 60_000 });
    await waitFor(async () => (await run('kubectl', ['--server', `https://127.0.0.1:${apiPort + 1}`, 'get', '--raw', '/readyz'])).stdout.trim() === 'ok', { timeoutMs: 60_000 });
  });

  it('finishes a rollout when the etcd leader and the leading scheduler and controller-manager are killed mid-way', async () => {
    await kubectl('create', 'deployment', 'web', '--image=busybox', '--replicas=6', '--', 'httpd', '-f');
    await waitFor(async () => (await kubectlJson<{ status: { readyReplicas?: number } }>('get', 'deployment', 'web')).status.readyReplicas === 6, { timeoutMs: 120_000 });
    const before = await kubectlJson<PodList>('get', 'pods', '-l', 'app=web');
    expect(before.items.filter(ready)).toHaveLength(6);

    const scheduler = await leadingMember('scheduler', 'kube-scheduler');
    const controllers = await leadingMember('controller-manager', 'skiff-controller-manager');
    const etcd = await etcdLeader();
    const pids = componentPids();
    await kubectl('set', 'image', 'deployment/web', 'busybox=busybox:1.36');
    const killed = [`etcd-${etcd}`, `scheduler-${scheduler.member}`, `controller-manager-${controllers.member}`];
    for (const name of killed) process.kill(pids[name], 'SIGKILL');

    // Converged: six Ready pods of the new template, each a distinct pod bound once, and none of the old ones left.
    const after = await waitFor(
      async () => {
        const deploy = await kubectlJson<{ metadata: { generation: number }; status: { observedGeneration?: number; updatedReplicas?: number; readyReplicas?: number; replicas?: number } }>('get', 'deployment', 'web');
        const s = deploy.status;
        if (s.observedGeneration !== deploy.metadata.generation || s.updatedReplicas !== 6 || s.readyReplicas !== 6 || s.replicas !== 6) return undefined;
        const pods = await kubectlJson<PodList>('get', 'pods', '-l', 'app=web');
        const live = pods.items.filter((p) => !p.metadata.deletionTimestamp);
        return live.length === 6 && live.every((p) => ready(p) && p.spec.containers[0].image === 'busybox:1.36') && pods.items.length === 6 ? live : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 500 },
    );
    expect(new Set(after.map((p) => p.metadata.uid)).size).toBe(6);
    expect(after.every((p) => p.spec.nodeName === 'ha-node')).toBe(true);
    expect(after.some((p) => before.items.some((b) => b.metadata.uid === p.metadata.uid))).toBe(false);
    const replicaSets = await kubectlJson<{ items: Array<{ spec: { replicas: number } }> }>('get', 'replicasets', '-l', 'app=web');
    expect(replicaSets.items.map((rs) => rs.spec.replicas).sort()).toEqual([0, 6]);

    // Other replicas took the Leases over; the supervisor restarted everything killed, and etcd has all three again.
    expect((await leadingMember('scheduler', 'kube-scheduler')).identity).not.toBe(scheduler.identity);
    expect((await leadingMember('controller-manager', 'skiff-controller-manager')).identity).not.toBe(controllers.identity);
    await waitFor(async () => killed.every((name) => componentPids()[name] !== undefined && componentPids()[name] !== pids[name] && alive(componentPids()[name])), { timeoutMs: 60_000 });
    await waitFor(async () => (await etcdctl(['endpoint', 'health'])).code === 0, { timeoutMs: 60_000 });
  });

  it('stops every member and the load balancer on skiff down --wipe', async () => {
    const pids = Object.values(componentPids());
    await skiff(['down', '--wipe', '--data-dir', dataDir]);
    up = false;
    expect(pids.filter(alive)).toEqual([]);
    expect(fs.existsSync(dataDir)).toBe(false);
  });
});
