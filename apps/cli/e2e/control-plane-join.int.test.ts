import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort, holdRealNodeLock, ProcessHandle, waitFor } from '@skiff/testing';
import { haproxyConfig } from '../src/cluster/apiserver-front';
import { parseUnitEnv } from '../src/cluster/unit-env';
import { NetnsHosts, type RunResult } from './netns-hosts';

/**
 * A control plane across three machines, as on VMs: three hosts as network namespaces on a bridge this test makes,
 * Debian's haproxy on the bridge's host side as the load balancer in front of their apiservers. Host 1 runs
 * `skiff up --advertise-address --control-plane-endpoint`; hosts 2 and 3 run the `skiff join --control-plane` that
 * `skiff token create --print-join-command --control-plane` prints, all over TLS with the CA pinned — host 2 supervised
 * by skiff, host 3 with `--init-only` and its components run from the unit files as deploy/systemd would, post-start
 * steps included. Then host 1 dies
 * (every process SIGKILLed): the cluster still answers through the load balancer, runs a new Deployment, and its
 * Leases and the `kubernetes` endpoints move to hosts 2 and 3. Hollow nodes keep it light; it needs root for the
 * namespaces.
 */
jest.setTimeout(600_000);

const skiffBin = path.join(__dirname, '..', 'bin', 'skiff.js');
const tag = String((process.pid % 1000) + 1000).slice(1);
const hosts = new NetnsHosts(`c${tag}`, 3, '10.78.0');
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-cpj-'));
const dataDir = (i: number) => path.join(base, `host-${i}`);
const nodeName = (i: number) => `cp${tag}-${i}`;
const env = { ...process.env, HOME: base };
const balancer = '10.78.0.254';

const skiff = (i: number, args: string[], timeoutMs = 300_000): Promise<RunResult> => hosts.run(i, process.execPath, [skiffBin, ...args], { timeoutMs, env });

function ok(r: RunResult, what: string): string {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

let lbPort = 0;
/** The flags of the printed control-plane join command, for host `i`. */
let joinFlags: (i: number) => string[] = () => [];
let lb: ProcessHandle | undefined;
/** Host 3's components, started from their unit files. */
const units: ChildProcess[] = [];

/**
 * What systemd does with host `i`'s unit of `component`: `ExecStart=/usr/bin/env ${SKIFF_PROGRAM} $SKIFF_ARGS` with its
 * environment (output to the data directory's log, as the journal would have it), then its ExecStartPost to the end.
 */
async function startUnit(i: number, component: string): Promise<void> {
  const unit = parseUnitEnv(fs.readFileSync(path.join(dataDir(i), 'units', `${component}.env`), 'utf8'));
  fs.mkdirSync(path.join(dataDir(i), 'logs'), { recursive: true });
  const log = fs.openSync(path.join(dataDir(i), 'logs', `${component}.log`), 'a');
  units.push(spawn('nsenter', [`--net=/run/netns/${hosts.names[i - 1]}`, '--', '/usr/bin/env', unit.program, ...unit.args], { stdio: ['ignore', log, log], env: { ...env, ...unit.env } }));
  fs.closeSync(log);
  if (unit.postStart) {
    const [program, ...args] = unit.postStart;
    ok(await hosts.run(i, program, args, { timeoutMs: 180_000, env }), `skiff post-start ${component} on host ${i}`);
  }
}

/** kubectl through the load balancer, with host `i`'s admin credentials (any control-plane machine's will do). */
async function kubectl(args: string[], i = 2): Promise<string> {
  const r = await hosts.run(i, 'kubectl', [`--kubeconfig=${path.join(dataDir(i), 'admin.kubeconfig')}`, `--server=https://${balancer}:${lbPort}`, `--cache-dir=${path.join(base, 'kubectl-cache')}`, ...args], { timeoutMs: 30_000, env });
  return ok(r, `kubectl ${args.join(' ')}`);
}

const kubectlJson = async <T>(args: string[], i?: number): Promise<T> => JSON.parse(await kubectl([...args, '-o', 'json'], i)) as T;

/** etcdctl on host `i` against its own member, with the health-check certificate of etcd's CA. */
function etcdctl(i: number, args: string[]): Promise<RunResult> {
  const pki = path.join(dataDir(i), 'pki', 'etcd');
  return hosts.run(i, 'etcdctl', ['--endpoints=https://127.0.0.1:2379', `--cacert=${pki}/ca.crt`, `--cert=${pki}/healthcheck-client.crt`, `--key=${pki}/healthcheck-client.key`, ...args], { timeoutMs: 15_000, env });
}

function componentPids(i: number): Record<string, number> {
  const status = JSON.parse(fs.readFileSync(path.join(dataDir(i), 'status.json'), 'utf8')) as { supervisor: { pid: number }; components: Record<string, { pid: number }> };
  return { supervisor: status.supervisor.pid, ...Object.fromEntries(Object.entries(status.components).map(([name, id]) => [name, id.pid])) };
}

/** Which host's `component` logged the identity holding `lease`. */
async function leaseHolderHost(component: string, lease: string): Promise<number> {
  const holder = (await kubectlJson<{ spec: { holderIdentity?: string } }>(['-n', 'kube-system', 'get', 'lease', lease])).spec.holderIdentity ?? '';
  for (const i of [1, 2, 3]) {
    const log = path.join(dataDir(i), 'logs', `${component}.log`);
    if (holder && fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes(`"identity":"${holder}"`)) return i;
  }
  throw new Error(`no host's ${component} holds ${lease} (holder ${JSON.stringify(holder)})`);
}

describe('a control plane on three machines: skiff up, then skiff join --control-plane (root)', () => {
  let releaseLock: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    if (process.getuid?.() !== 0) throw new Error('this test makes network namespaces and needs root');
    releaseLock = await holdRealNodeLock();
    hosts.create();
    lbPort = await freePort();
    const config = path.join(base, 'haproxy.cfg');
    fs.writeFileSync(config, haproxyConfig({ port: lbPort, members: [1, 2, 3].map((i) => ({ suffix: `-${i}`, host: hosts.address(i), apiPort: 6443 })) }));
    lb = ProcessHandle.start('haproxy', 'haproxy', ['-db', '-f', config]);
  }, 900_000);

  afterAll(async () => {
    for (const child of units.reverse()) {
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    }
    for (const i of [3, 2, 1]) if (fs.existsSync(dataDir(i))) await skiff(i, ['down', '--wipe', `--data-dir=${dataDir(i)}`]);
    await lb?.stop();
    hosts.destroy();
    fs.rmSync(base, { recursive: true, force: true });
    await releaseLock?.();
  });

  it('starts the first machine with the load balancer as its control-plane endpoint', async () => {
    const up = await skiff(1, ['up', '--hollow', '--detach', `--data-dir=${dataDir(1)}`, `--node-name=${nodeName(1)}`, `--advertise-address=${hosts.address(1)}`, `--control-plane-endpoint=${balancer}:${lbPort}`]);
    expect(ok(up, 'skiff up')).toMatch(/^Ready in /m);
  });

  it('adds hosts 2 and 3 to the control plane with the printed join command', async () => {
    const printed = ok(await skiff(1, ['--kubeconfig', path.join(dataDir(1), 'admin.kubeconfig'), 'token', 'create', '--print-join-command', '--control-plane', `--data-dir=${dataDir(1)}`]), 'skiff token create');
    const m = new RegExp(`^skiff join --server (https://${balancer.replace(/\./g, '\\.')}:${lbPort}) --token (\\S+) --discovery-token-ca-cert-hash (sha256:[0-9a-f]{64}) --control-plane --certificate-key ([0-9a-f]{64})$`).exec(printed.trim());
    expect(m).not.toBeNull();
    const [, server, token, hash, key] = m!;
    // The shared keys are in kube-system only sealed: no PEM text in the Secret.
    const shared = await kubectlJson<{ data: Record<string, string>; metadata: { ownerReferences: Array<{ name: string }> } }>(['-n', 'kube-system', 'get', 'secret', 'skiff-control-plane-certs'], 1);
    expect(Object.keys(shared.data).sort()).toEqual(['ca.crt', 'ca.key', 'etcd-ca.crt', 'etcd-ca.key', 'sa.key', 'sa.pub']);
    expect(Object.values(shared.data).some((v) => Buffer.from(v, 'base64').toString('latin1').includes('BEGIN'))).toBe(false);
    expect(shared.metadata.ownerReferences[0].name).toBe(`bootstrap-token-${token.split('.')[0]}`);

    // A wrong key opens nothing and leaves the cluster as it was.
    const wrong = await skiff(2, ['join', '--hollow', `--server=${server}`, `--token=${token}`, `--discovery-token-ca-cert-hash=${hash}`, '--control-plane', `--certificate-key=${'0'.repeat(64)}`, `--data-dir=${path.join(base, 'wrong')}`, `--node-name=${nodeName(2)}`]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('the certificate key does not open the shared control-plane certificates');

    joinFlags = (i: number) => ['--hollow', `--server=${server}`, `--token=${token}`, `--discovery-token-ca-cert-hash=${hash}`, '--control-plane', `--certificate-key=${key}`, `--data-dir=${dataDir(i)}`, `--node-name=${nodeName(i)}`];
    const joined = await skiff(2, ['join', '--detach', ...joinFlags(2)]);
    expect(ok(joined, 'skiff join --control-plane on host 2')).toMatch(/^Ready in /m);
    expect(joined.stdout).toContain(`Added etcd member ${nodeName(2)} (a learner until it has caught up); the cluster is now 2 members.`);
    expect(joined.stdout).toContain(`etcd member ${nodeName(2)} caught up and has its vote.`);
    expect(`${joined.stdout}${joined.stderr}`).not.toContain('Warning');

    // Host 3 as on a VM: the join writes the command lines, and "systemd" starts the units in their order.
    const init = ok(await skiff(3, ['join', '--init-only', ...joinFlags(3)]), 'skiff join --control-plane --init-only on host 3');
    expect(init).toContain(`Added etcd member ${nodeName(3)} (a learner until it has caught up); the cluster is now 3 members.`);
    expect(fs.readdirSync(path.join(dataDir(3), 'units')).sort()).toEqual(['apiserver.env', 'controller-manager.env', 'etcd.env', 'kubelet.env', 'scheduler.env']);
    for (const component of ['etcd', 'apiserver', 'scheduler', 'controller-manager', 'kubelet']) await startUnit(3, component);
    await waitFor(async () => (await kubectlJson<{ status: { conditions?: Array<{ type: string; status: string }> } }>(['get', 'node', nodeName(3)]).catch(() => undefined))?.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'), { timeoutMs: 60_000, what: 'host 3 Ready' });

    // One etcd cluster of three started members, and every apiserver in the kubernetes endpoints.
    const members = ok(await etcdctl(3, ['member', 'list']), 'etcdctl member list');
    expect(members.trim().split('\n').map((l) => l.split(', ')[2]).sort()).toEqual(['skiff', nodeName(2), nodeName(3)].sort());
    expect(members).not.toContain('unstarted');
    // Both joined members have their vote (the last column says whether a member is a learner).
    expect(members.trim().split('\n').map((l) => l.split(', ').at(-1))).toEqual(['false', 'false', 'false']);
    await waitFor(async () => {
      const ep = await kubectlJson<{ subsets?: Array<{ addresses: Array<{ ip: string }> }> }>(['get', 'endpoints', 'kubernetes']);
      return JSON.stringify(ep.subsets?.[0]?.addresses.map((a) => a.ip).sort()) === JSON.stringify([1, 2, 3].map((i) => hosts.address(i)));
    }, { timeoutMs: 30_000, what: 'three apiservers in the kubernetes endpoints' });
    const nodes = await kubectlJson<{ items: Array<{ metadata: { name: string } }> }>(['get', 'nodes']);
    expect(nodes.items.map((n) => n.metadata.name).sort()).toEqual([1, 2, 3].map(nodeName));
  });

  it('replaces a machine: skiff down --wipe takes its etcd member out, and the same join command brings it back', async () => {
    const down = ok(await skiff(2, ['down', '--wipe', `--data-dir=${dataDir(2)}`]), 'skiff down --wipe on host 2');
    expect(down).toContain(`etcd member ${nodeName(2)} left the cluster`);
    const two = ok(await etcdctl(3, ['member', 'list']), 'etcdctl member list');
    expect(two.trim().split('\n').map((l) => l.split(', ')[2]).sort()).toEqual(['skiff', nodeName(3)].sort());
    const listed = await kubectlJson<{ data: Record<string, string> }>(['-n', 'kube-system', 'get', 'configmap', 'skiff-control-plane'], 3);
    expect(listed.data['etcd-endpoints'].split(',').sort()).toEqual([1, 3].map((i) => `https://${hosts.address(i)}:2379`));

    const again = await skiff(2, ['join', '--detach', ...joinFlags(2)]);
    expect(ok(again, 'skiff join --control-plane on host 2 again')).toContain(`Added etcd member ${nodeName(2)} (a learner until it has caught up); the cluster is now 3 members.`);
    const three = ok(await etcdctl(3, ['member', 'list']), 'etcdctl member list');
    expect(three.trim().split('\n').map((l) => `${l.split(', ')[2]} ${l.split(', ').at(-1)}`).sort()).toEqual(['skiff false', `${nodeName(2)} false`, `${nodeName(3)} false`].sort());
  });

  it('keeps working through the load balancer when the first machine dies', async () => {
    const pids = componentPids(1);
    // The supervisor first, so that nothing restarts what follows.
    for (const pid of Object.values(pids)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }

    // A new Deployment, kept off the dead machine's node, is scheduled and run by the surviving control plane.
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'after', namespace: 'default' },
      spec: {
        replicas: 4,
        selector: { matchLabels: { app: 'after' } },
        template: {
          metadata: { labels: { app: 'after' } },
          spec: {
            affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [nodeName(2), nodeName(3)] }] }] } } },
            containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }],
          },
        },
      },
    };
    // A request in flight to the dead apiserver fails, as on any cluster; a client's next one gets through.
    await waitFor(
      async () => (await hosts.run(2, 'kubectl', [`--kubeconfig=${path.join(dataDir(2), 'admin.kubeconfig')}`, `--server=https://${balancer}:${lbPort}`, 'apply', '-f', '-'], { timeoutMs: 60_000, env, stdin: JSON.stringify(deployment) })).code === 0,
      { timeoutMs: 30_000, intervalMs: 500, what: 'kubectl apply through the load balancer' },
    );
    await waitFor(async () => (await kubectlJson<{ status: { readyReplicas?: number } }>(['get', 'deployment', 'after'])).status.readyReplicas === 4, { timeoutMs: 120_000, intervalMs: 500, what: 'the Deployment to be ready' });

    // The Leases went to the other machines, and the dead apiserver leaves the endpoints when its lease expires.
    expect([2, 3]).toContain(await waitFor(() => leaseHolderHost('scheduler', 'kube-scheduler').catch(() => undefined), { timeoutMs: 60_000 }));
    expect([2, 3]).toContain(await waitFor(() => leaseHolderHost('controller-manager', 'skiff-controller-manager').catch(() => undefined), { timeoutMs: 60_000 }));
    await waitFor(async () => {
      const ep = await kubectlJson<{ subsets?: Array<{ addresses: Array<{ ip: string }> }> }>(['get', 'endpoints', 'kubernetes']);
      return JSON.stringify(ep.subsets?.[0]?.addresses.map((a) => a.ip).sort()) === JSON.stringify([2, 3].map((i) => hosts.address(i)));
    }, { timeoutMs: 60_000, what: 'the dead apiserver to leave the kubernetes endpoints' });
    // etcd goes on with two of three members.
    const health = await etcdctl(2, ['endpoint', 'health']);
    expect({ code: health.code, said: `${health.stdout}${health.stderr}`.includes('https://127.0.0.1:2379 is healthy') }).toEqual({ code: 0, said: true });
  });
});
