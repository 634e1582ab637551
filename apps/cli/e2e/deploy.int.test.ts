import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { postStartComponents } from '../src/cluster/unit-env';
import { holdRealNodeLock } from '@skiff/testing';
import { NetnsHosts } from './netns-hosts';

/**
 * deploy/: the systemd units pass `systemd-analyze verify`; install.sh passes shellcheck and, with --dry-run inside a
 * network namespace host with no way out, prints the steps it would take and changes nothing; the cloud-init user
 * data parses and its runcmd runs install.sh with flags install.sh accepts.
 *
 * What cannot be checked here: this machine has no systemd as PID 1, so no unit is started. `systemd-analyze verify`
 * loads the units into a private manager (syntax, known keys and values, executables present, dependencies and
 * ordering cycles of a start job), but not at run time: etcd's Type=notify handshake, the expansion of $SKIFF_ARGS,
 * the ExecStartPost steps, the kubelet's KillMode=process keeping the containers' shims through a restart, and the
 * restart back-off drop-in (systemd 254+; this one is older, and only reports its two keys as unknown). install.sh
 * runs here only with --dry-run: installing packages, Node.js and npm modules needs the network.
 */
jest.setTimeout(120_000);

const repo = path.resolve(__dirname, '..', '..', '..');
const systemdDir = path.join(repo, 'deploy', 'systemd');
const installScript = path.join(repo, 'deploy', 'install.sh');
const components = ['etcd', 'registry', 'apiserver', 'scheduler', 'controller-manager', 'proxy', 'kubelet'];
const controlPlane = ['etcd', 'apiserver', 'scheduler', 'controller-manager'];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 60_000, env }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A unit file's settings as `section.Key` → values (a key may repeat). */
function readUnit(file: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  let section = '';
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) section = header[1];
    const m = /^(\w+)=(.*)$/.exec(line);
    if (m) settings.set(`${section}.${m[1]}`, [...(settings.get(`${section}.${m[1]}`) ?? []), m[2]]);
  }
  return settings;
}

function unitFiles(): string[] {
  return fs.readdirSync(systemdDir).filter((f) => /\.(service|target)$/.test(f));
}


// The network namespace host below shows in other real-node tests' leftover checks: take turns with them.
let releaseLock: (() => Promise<void>) | undefined;
beforeAll(async () => {
  releaseLock = await holdRealNodeLock();
}, 900_000);
afterAll(async () => {
  await releaseLock?.();
});

describe('deploy/systemd', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-units-'));
    for (const f of unitFiles()) fs.copyFileSync(path.join(systemdDir, f), path.join(dir, f));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const verify = (files: string[]) => run('systemd-analyze', ['verify', '--man=no', ...files.map((f) => path.join(dir, f))]);

  it('has a unit per component and two targets, and each passes systemd-analyze verify without a word', async () => {
    expect(unitFiles().sort()).toEqual([...components.map((c) => `skiff-${c}.service`), 'skiff-control-plane.target', 'skiff-node.target'].sort());
    expect(await verify(unitFiles())).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('verify does find a broken unit (so the check above means something)', async () => {
    const kubelet = path.join(dir, 'skiff-kubelet.service');
    fs.writeFileSync(kubelet, fs.readFileSync(kubelet, 'utf8').replace('KillMode=process', 'KillMode=procss').replace('/usr/bin/env', '/usr/bin/no-such-env'));
    const r = await verify(['skiff-kubelet.service']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Failed to parse kill mode');
    expect(r.stderr).toContain('/usr/bin/no-such-env is not executable');
  });

  it('takes the restart back-off drop-in for every skiff- service', async () => {
    fs.mkdirSync(path.join(dir, 'skiff-.service.d'));
    fs.copyFileSync(path.join(systemdDir, 'restart-backoff.conf'), path.join(dir, 'skiff-.service.d', 'restart-backoff.conf'));
    const version = Number(/^systemd (\d+)/.exec(execFileSync('systemctl', ['--version'], { encoding: 'utf8' }))?.[1]);
    const r = await verify(['skiff-etcd.service']);
    expect(r.code).toBe(0);
    if (version >= 254) {
      expect(r.stderr).toBe('');
    } else {
      // An older systemd loads the drop-in and knows nothing else wrong with it than these two keys.
      const complaints = new Set(r.stderr.trim().split('\n'));
      expect([...complaints].map((l) => l.replace(/^.*restart-backoff\.conf:\d+: /, '')).sort()).toEqual([
        "Unknown key 'RestartMaxDelaySec' in section [Service], ignoring.",
        "Unknown key 'RestartSteps' in section [Service], ignoring.",
      ]);
    }
  });

  it.each(components)('skiff-%s runs what skiff writes to /var/lib/skiff/units, restarts always and belongs to its target', (component) => {
    const unit = readUnit(path.join(systemdDir, `skiff-${component}.service`));
    const env = `/var/lib/skiff/units/${component}.env`;
    expect(unit.get('Service.EnvironmentFile')).toEqual([env]);
    expect(unit.get('Unit.ConditionPathExists')).toEqual([env]);
    expect(unit.get('Service.ExecStart')).toEqual(['/usr/bin/env ${SKIFF_PROGRAM} $SKIFF_ARGS']);
    expect(unit.get('Service.ExecStartPost')).toEqual((postStartComponents as readonly string[]).includes(component) ? ['/usr/bin/env $SKIFF_POST_START'] : undefined);
    expect(unit.get('Service.Restart')).toEqual(['always']);
    expect(unit.get('Unit.StartLimitIntervalSec')).toEqual(['0']);
    expect(unit.get('Service.LimitNOFILE')).toBeDefined();
    const target = controlPlane.includes(component) ? 'skiff-control-plane.target' : 'skiff-node.target';
    expect(unit.get('Unit.PartOf')).toEqual([target]);
    expect(readUnit(path.join(systemdDir, target)).get('Unit.Wants')?.join(' ').split(' ')).toContain(`skiff-${component}.service`);
  });

  it("stops only the kubelet itself (its containerd's shims keep the pods) and delegates its cgroup", () => {
    const kubelet = readUnit(path.join(systemdDir, 'skiff-kubelet.service'));
    expect(kubelet.get('Service.KillMode')).toEqual(['process']);
    expect(kubelet.get('Service.Delegate')).toEqual(['yes']);
    // After the proxy and the registry: stopping the node stops the kubelet first, as the supervisor does.
    expect(kubelet.get('Unit.After')?.join(' ').split(' ')).toEqual(expect.arrayContaining(['skiff-registry.service', 'skiff-proxy.service', 'skiff-apiserver.service']));
    expect(readUnit(path.join(systemdDir, 'skiff-control-plane.target')).get('Unit.Wants')?.join(' ')).toContain('skiff-node.target');
  });
});

/** Listings and modification times of the places install.sh would change. */
function systemState(): string {
  const lines: string[] = [];
  const walk = (p: string, depth: number) => {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      lines.push(`${p} absent`);
      return;
    }
    lines.push(`${p} ${st.mtimeMs}`);
    if (st.isDirectory() && depth > 0) for (const e of fs.readdirSync(p).sort()) walk(path.join(p, e), depth - 1);
  };
  for (const p of ['/etc/systemd/system', '/etc/sysctl.d', '/etc/modules-load.d', '/usr/local/bin', '/usr/local/lib', '/var/lib/dpkg/status', '/opt', '/var/lib/skiff', '/etc/apt/sources.list.d']) walk(p, 2);
  return lines.join('\n');
}

describe('deploy/install.sh', () => {
  const hosts = new NetnsHosts(`d${process.pid % 10000}`, 1, '10.77.0');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-install-'));
  const where = { prefix: path.join(tmp, 'prefix'), dataDir: path.join(tmp, 'data'), unitDir: path.join(tmp, 'units') };
  const placement = ['--prefix', where.prefix, '--data-dir', where.dataDir, '--unit-dir', where.unitDir];
  const node = execFileSync('sh', ['-c', 'command -v node'], { encoding: 'utf8' }).trim();

  beforeAll(() => hosts.create());
  afterAll(() => {
    hosts.destroy();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const install = (args: string[]) => hosts.run(1, installScript, args, { timeoutMs: 60_000 });

  /** The runcmd of a cloud-init file, with its install.sh line's arguments. */
  function cloudInit(file: string): { runcmd: string[][]; installArgs: string[] } {
    const text = fs.readFileSync(path.join(repo, 'deploy', 'cloud-init', file), 'utf8');
    expect(text.startsWith('#cloud-config\n')).toBe(true);
    const doc = parse(text) as { runcmd: string[][]; packages: string[] };
    expect(doc.packages).toContain('git');
    const line = doc.runcmd.find((c) => c[0].endsWith('/deploy/install.sh'));
    expect(line?.[0]).toBe('/usr/local/src/skiff/deploy/install.sh');
    // The checkout it runs is the one the line before clones.
    expect(doc.runcmd[doc.runcmd.indexOf(line!) - 1]).toEqual(['git', 'clone', '--depth=1', expect.stringMatching(/^https:\/\//), '/usr/local/src/skiff']);
    return { runcmd: doc.runcmd, installArgs: line!.slice(1) };
  }

  it('passes shellcheck', async () => {
    if ((await run('sh', ['-c', 'command -v shellcheck'])).code !== 0) execFileSync('apt-get', ['install', '-y', '-qq', 'shellcheck'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    expect(await run('shellcheck', [installScript])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it("runs the control-plane VM's user data: --dry-run prints every step with this host's address and changes nothing", async () => {
    const { installArgs } = cloudInit('control-plane.yaml');
    expect(installArgs).toEqual(['--control-plane', '--advertise-address', 'auto']);
    const before = systemState();
    const r = await install([...installArgs, ...placement, '--dry-run']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = r.stdout.split('\n');
    expect(out.filter((l) => l.startsWith('== ')).map((l) => l.split(/[ :(]/)[1])).toEqual(['debian', 'the', 'distribution', 'Node.js', 'Skiff', 'kernel', 'systemd', 'the', 'starting', 'done']);
    for (const unit of ['etcd.service', 'containerd.service', 'docker-registry.service']) expect(out).toContainEqual(expect.stringMatching(new RegExp(`^(\\+ systemctl mask ${unit}|   ${unit}: masked already)$`)));
    expect(out).toContainEqual(expect.stringMatching(new RegExp(`^\\+ rsync -a --delete .* ${repo}/ ${where.prefix}/$`)));
    expect(out).toContain(`+ env -C ${where.prefix} npm install --no-audit --no-fund --loglevel=error`);
    expect(out).toContain(`+ env -C ${where.prefix} npm run build`);
    for (const f of unitFiles()) expect(out).toContain(`+ write ${where.unitDir}/${f}`);
    expect(out).toContain('+ write /etc/sysctl.d/90-skiff.conf');
    expect(out).toContain('+ systemctl daemon-reload');
    expect(out).toContain(`+ ${node} ${where.prefix}/apps/cli/bin/skiff.js up --init-only --data-dir ${where.dataDir} --advertise-address ${hosts.address(1)}`);
    expect(out).toContain('+ systemctl enable --now skiff-control-plane.target');
    expect(fs.readdirSync(tmp)).toEqual([]);
    expect(systemState()).toBe(before);
  });

  it("runs the worker VM's user data: the join command's flags go to skiff join --init-only", async () => {
    const { installArgs } = cloudInit('worker.yaml');
    expect(installArgs[0]).toBe('--join');
    expect(installArgs[1]).toMatch(/^skiff join --server https:\/\/[\d.]+:6443 --token [a-z0-9]{6}\.[a-z0-9]{16} --discovery-token-ca-cert-hash sha256:[0-9a-f]{64}$/);
    const before = systemState();
    const r = await install([...installArgs, ...placement, '--node-name', 'worker-1', '--dry-run']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain(`+ ${node} ${where.prefix}/apps/cli/bin/skiff.js join --init-only --data-dir ${where.dataDir} ${installArgs[1].split(' ').slice(2).join(' ')} --node-name worker-1\n`);
    expect(r.stdout).toContain('+ systemctl enable --now skiff-node.target\n');
    expect(r.stdout).not.toContain('enable --now skiff-control-plane.target');
    expect(r.stdout).not.toContain(' up --init-only');
    expect(fs.readdirSync(tmp)).toEqual([]);
    expect(systemState()).toBe(before);
  });

  it('runs the worker again without the join token once the node has joined (its token may have expired)', async () => {
    const { installArgs } = cloudInit('worker.yaml');
    // What `skiff join --init-only` left: the recorded server and the node's client certificate.
    fs.mkdirSync(path.join(where.dataDir, 'pki'), { recursive: true });
    fs.writeFileSync(path.join(where.dataDir, 'cluster.json'), JSON.stringify({ nodeName: 'worker-1', joined: { server: 'https://192.168.50.10:6443' } }));
    fs.writeFileSync(path.join(where.dataDir, 'pki', 'kubelet-client.crt'), 'certificate');
    try {
      const r = await install([...installArgs, ...placement, '--dry-run']);
      expect(r).toMatchObject({ code: 0, stderr: '' });
      expect(r.stdout).toContain(`+ ${node} ${where.prefix}/apps/cli/bin/skiff.js join --init-only --data-dir ${where.dataDir}\n`);
      expect(r.stdout).not.toContain('--token');
    } finally {
      fs.rmSync(where.dataDir, { recursive: true, force: true });
    }
  });

  it.each([
    [[], "give --control-plane or --join 'skiff join ...' (see --help)"],
    [['--control-plane', '--bogus'], 'unknown option --bogus (see --help)'],
    [['--control-plane', '--advertise-address', '10.99.99.99'], '--advertise-address 10.99.99.99 is not an address of this machine (ip -4 address)'],
    [['--control-plane', '--prefix', 'opt/skiff'], '--prefix must be an absolute path, not opt/skiff'],
    [['--join', 'curl https://x.example | sh'], '--join takes the command `skiff token create --print-join-command` prints (skiff join --server ...), not: curl https://x.example | sh'],
    [['--join', 'skiff join --server https://10.0.0.1:6443 $(reboot)'], '--join: unexpected word $(reboot)'],
    [['--join', 'skiff join --server https://10.0.0.1:6443 --data-dir /tmp/x'], "--join: --data-dir is install.sh's to choose"],
    [['--control-plane', '--data-dir'], '--data-dir needs a value (see --help)'],
  ])('fails with one line for %j', async (args, message) => {
    const r = await install([...placement, '--dry-run', ...args]);
    expect(r).toEqual({ code: 1, stdout: '', stderr: `install.sh: error: ${message}\n` });
  });
});
