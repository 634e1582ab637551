import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, holdRealNodeLock } from '@skiff/testing';
import { NetnsHosts } from './netns-hosts';
import { runProgram, type RunResult } from './run-program';

/**
 * `skiff up --init-only` and `skiff join --init-only` write, per component, the command line deploy/systemd's units
 * run: the same one the supervisor of `skiff up` / `skiff join` runs on the same data directory (compared with the
 * running processes' /proc/PID/cmdline), and the post-start command line they write does the supervisor's step after
 * the apiserver starts. Hollow nodes with a real etcd and apiserver on free loopback ports; the real-node variant is
 * written (not started) inside a network namespace of its own, so no other test's proxy counts as a rival.
 */
jest.setTimeout(180_000);

const skiffBin = path.join(__dirname, '..', 'bin', 'skiff.js');

// Both parts take the real-node lock: `skiff up` prefers etcd's peer port 2380 as skiff up's e2e does (it is chosen
// at init and must still be free at start), and the network namespace below shows in other tests' leftover checks.
let releaseLock: (() => Promise<void>) | undefined;
beforeAll(async () => {
  releaseLock = await holdRealNodeLock();
}, 900_000);
afterAll(async () => {
  await releaseLock?.();
});

function run(file: string, args: string[], timeoutMs = 120_000): Promise<RunResult> {
  return runProgram(file, args, { timeoutMs, env: { ...process.env, HOME: os.tmpdir() } });
}

async function skiff(args: string[]): Promise<string> {
  const r = await run(process.execPath, [skiffBin, ...args]);
  if (r.code !== 0) throw new Error(`skiff ${args.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** An env file as systemd reads the subset skiff writes: KEY="value" lines. */
function readEnvFile(file: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z_]+)="(.*)"$/.exec(line);
    if (m) vars[m[1]] = m[2];
  }
  return vars;
}

/** What systemd would exec for `ExecStart=/usr/bin/env ${SKIFF_PROGRAM} $SKIFF_ARGS`: the program, then the split words. */
function unitCommandLine(file: string): string[] {
  const vars = readEnvFile(file);
  return [vars.SKIFF_PROGRAM, ...vars.SKIFF_ARGS.split(' ')];
}

/** A running process's argv, with argv[0] resolved through PATH as exec did. */
function processCommandLine(pid: number): string[] {
  const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
  const program = argv[0].includes('/') ? argv[0] : execFileSync('sh', ['-c', `command -v ${argv[0]}`], { encoding: 'utf8' }).trim();
  return [program, ...argv.slice(1)];
}

function runningComponents(dataDir: string): Record<string, number> {
  const status = JSON.parse(fs.readFileSync(path.join(dataDir, 'status.json'), 'utf8')) as { components: Record<string, { pid: number }> };
  return Object.fromEntries(Object.entries(status.components).map(([name, id]) => [name, id.pid]));
}

function envFiles(dataDir: string): string[] {
  return fs.readdirSync(path.join(dataDir, 'units')).sort();
}

describe('skiff up --init-only and skiff join --init-only', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-init-only-'));
  const cluster = path.join(root, 'cluster');
  const node = path.join(root, 'node');
  let upFlags: string[];
  const nodeName = `skinit-${process.pid}`;

  beforeAll(async () => {
    upFlags = ['--hollow', '--data-dir', cluster, '--api-port', String(await freePort()), '--etcd-port', String(await freePort()), '--node-name', `${nodeName}-cp`];
  });

  afterAll(async () => {
    for (const dir of [node, cluster]) if (fs.existsSync(dir)) await run(process.execPath, [skiffBin, 'down', '--wipe', '--data-dir', dir]);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('writes the command lines the supervisor then runs, and a post-start that publishes cluster-info', async () => {
    const init = await skiff(['up', '--init-only', ...upFlags]);
    expect(init).toContain(`Wrote the systemd environment of etcd, apiserver, scheduler, controller-manager, kubelet to ${cluster}/units/.`);
    expect(init).toContain('systemctl enable --now skiff-control-plane.target');
    expect(envFiles(cluster)).toEqual(['apiserver.env', 'controller-manager.env', 'etcd.env', 'kubelet.env', 'scheduler.env']);
    expect(fs.existsSync(path.join(cluster, 'skiff.pid'))).toBe(false);
    expect(fs.existsSync(path.join(cluster, 'admin.kubeconfig'))).toBe(true);

    await skiff(['up', '--detach', ...upFlags]);
    const pids = runningComponents(cluster);
    expect(Object.keys(pids).sort()).toEqual(['apiserver', 'controller-manager', 'etcd', 'kubelet', 'scheduler']);
    for (const [name, pid] of Object.entries(pids)) {
      expect({ name, argv: processCommandLine(pid) }).toEqual({ name, argv: unitCommandLine(path.join(cluster, 'units', `${name}.env`)) });
      expect(readEnvFile(path.join(cluster, 'units', `${name}.env`)).SKIFF_LOG_FORMAT).toBe('text');
    }

    // The apiserver unit's ExecStartPost, exactly as written, publishes cluster-info again once it is gone.
    const admin = ['--kubeconfig', path.join(cluster, 'admin.kubeconfig')];
    await skiff([...admin, 'delete', 'configmap', 'cluster-info', '-n', 'kube-public']);
    const [program, ...args] = readEnvFile(path.join(cluster, 'units', 'apiserver.env')).SKIFF_POST_START.split(' ');
    const post = await run(program, args);
    expect(post).toMatchObject({ code: 0, stdout: expect.stringContaining('kube-public/cluster-info created') });
    expect(await skiff([...admin, 'get', 'configmap', 'cluster-info', '-n', 'kube-public', '-o', 'jsonpath={.data.kubeconfig}'])).toContain('certificate-authority-data');
  });

  it('joins a node by its printed join command and writes the kubelet the supervised join runs', async () => {
    const join = (await skiff(['--kubeconfig', path.join(cluster, 'admin.kubeconfig'), 'token', 'create', '--print-join-command'])).trim().split(/\s+/);
    expect(join.slice(0, 2)).toEqual(['skiff', 'join']);
    const nodeFlags = ['--hollow', '--data-dir', node, '--node-name', `${nodeName}-w`];
    const init = await skiff([...join.slice(1), '--init-only', ...nodeFlags]);
    expect(init).toContain('systemctl enable --now skiff-node.target');
    expect(envFiles(node)).toEqual(['kubelet.env']);

    // The certificate the init got lets the join run without the token.
    await skiff(['join', '--detach', ...nodeFlags]);
    const pids = runningComponents(node);
    expect(Object.keys(pids)).toEqual(['kubelet']);
    expect(processCommandLine(pids.kubelet)).toEqual(unitCommandLine(path.join(node, 'units', 'kubelet.env')));
  });

  it('refuses --init-only together with --detach, and a data directory a supervisor runs', async () => {
    const both = await run(process.execPath, [skiffBin, 'up', '--init-only', '--detach', '--data-dir', path.join(root, 'x')]);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('--detach and --init-only do not go together');
    const running = await run(process.execPath, [skiffBin, 'up', '--init-only', ...upFlags]);
    expect(running.code).toBe(1);
    expect(running.stderr).toMatch(/^error: skiff up is running on .* \(pid \d+\); `skiff down --data-dir .*` it before handing the data directory to systemd\n$/);
  });
});

describe('skiff up --init-only for a real node', () => {
  const hosts = new NetnsHosts(`i${process.pid % 10000}`, 1, '10.78.0');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-init-real-'));

  beforeAll(() => hosts.create());
  afterAll(() => {
    hosts.destroy();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes the registry with its image push, the proxy and a containerd kubelet, and starts nothing', async () => {
    const r = await hosts.run(1, process.execPath, [skiffBin, 'up', '--init-only', '--data-dir', dataDir, '--advertise-address', hosts.address(1), '--node-name', 'real-1']);
    expect(r).toMatchObject({ code: 0 });
    expect(envFiles(dataDir)).toEqual(['apiserver.env', 'controller-manager.env', 'etcd.env', 'kubelet.env', 'proxy.env', 'registry.env', 'scheduler.env']);
    const registry = readEnvFile(path.join(dataDir, 'units', 'registry.env'));
    expect(registry.SKIFF_PROGRAM).toMatch(/\/docker-registry$/);
    expect(registry.SKIFF_POST_START.split(' ').slice(-3)).toEqual(['post-start', 'registry', `--data-dir=${dataDir}`]);
    expect(fs.existsSync(registry.SKIFF_ARGS.split(' ')[1])).toBe(true);
    const kubelet = unitCommandLine(path.join(dataDir, 'units', 'kubelet.env'));
    expect(kubelet).toEqual(expect.arrayContaining(['--runtime=containerd-managed', `--node-ip=${hosts.address(1)}`, '--hostname-override=real-1']));
    expect(unitCommandLine(path.join(dataDir, 'units', 'proxy.env'))).toContain(`--nodeport-addresses=127.0.0.0/8,${hosts.address(1)}/32`);
    expect(fs.existsSync(path.join(dataDir, 'logs'))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'kubelet'))).toBe(false);
  });

  it("runs the registry as its unit would, and the unit's post-start pushes the node's images into it", async () => {
    const { SKIFF_PROGRAM, SKIFF_ARGS, SKIFF_POST_START } = readEnvFile(path.join(dataDir, 'units', 'registry.env'));
    // ExecStart=/usr/bin/env ${SKIFF_PROGRAM} $SKIFF_ARGS, in the host's network namespace.
    const registry = spawn('nsenter', [`--net=/run/netns/${hosts.names[0]}`, '--', '/usr/bin/env', SKIFF_PROGRAM, ...SKIFF_ARGS.split(' ')], { stdio: 'ignore' });
    try {
      const [program, ...args] = SKIFF_POST_START.split(' ');
      const post = await hosts.run(1, program, args, { timeoutMs: 120_000 });
      expect(post).toMatchObject({ code: 0, stdout: expect.stringMatching(/images +pushed .*pause/) });
      const port = (JSON.parse(fs.readFileSync(path.join(dataDir, 'cluster.json'), 'utf8')) as { registryPort: number }).registryPort;
      const catalog = await hosts.run(1, process.execPath, ['-e', `fetch('http://127.0.0.1:${port}/v2/_catalog').then((r) => r.text()).then((t) => process.stdout.write(t))`]);
      expect(JSON.parse(catalog.stdout)).toEqual({ repositories: expect.arrayContaining(['library/busybox', 'pause']) });
    } finally {
      registry.kill('SIGTERM');
      await new Promise((r) => (registry.exitCode !== null ? r(undefined) : registry.once('exit', r)));
    }
  });
});
