import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { freePort, holdRealNodeLock, kubectlBinary, leftoverProxyState, linkExists, podMasqueradeRules, routeExists, waitFor } from '@skiff/testing';
import { runProgram, type RunResult } from './run-program';

/**
 * `skiff up --detach` brings up a whole cluster on a real node (containerd, runc, CNI, the local registry, the proxy)
 * in a temp data dir on free ports; the admin kubeconfig works with the real kubectl; a crashed component comes back;
 * `skiff down --wipe` leaves no process, bridge, iptables rule, namespace or data behind. Needs root.
 */
jest.setTimeout(180_000);
// Waiting for the real-node lock may take as long as another such test runs.
const lockTimeoutMs = 900_000;

const skiffBin = path.join(__dirname, '..', 'bin', 'skiff.js');
// A pod range and bridge no other test uses (they use 10.244.2xx.0/24 up to 237 and 250+, and skkl*/skpx*/skbench* bridges).
const podCIDR = '10.244.241.0/24';
const bridge = 'skup241';
const nodeName = `skup-${process.pid}`;
const routeLocalnetFile = '/proc/sys/net/ipv4/conf/all/route_localnet';

function run(file: string, args: string[], timeoutMs = 120_000): Promise<RunResult> {
  return runProgram(file, args, { timeoutMs, env: { ...process.env, HOME: os.tmpdir() } });
}

function processesMentioning(text: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text)) found.push(pid);
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

/** The status of a GET without credentials, verifying the server with `caPem`. */
function anonymousGetStatus(url: string, caPem: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca: caPem, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

/** Where the node's pod cgroups live, in each mounted hierarchy, that exist now. */
function nodeCgroupDirs(node: string): string[] {
  return fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((line) => / - cgroup2? /.test(line))
    .map((line) => path.join(line.split(' ')[4], 'skiff', node))
    .filter((dir) => fs.existsSync(dir));
}

function netnsList(): string[] {
  return fs.existsSync('/var/run/netns') ? fs.readdirSync('/var/run/netns') : [];
}

describe('skiff up --detach / skiff down --wipe on a real node', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-up-'));
  const kubeconfig = path.join(dir, 'admin.kubeconfig');
  let routeLocalnetBefore = '';
  let netnsBefore: string[] = [];
  let upArgs: string[];
  const pids = new Set<number>();
  let releaseLock: (() => Promise<void>) | undefined;

  const status = () => JSON.parse(fs.readFileSync(path.join(dir, 'status.json'), 'utf8')) as { supervisor: { pid: number }; phase: string; components: Record<string, { pid: number }> };
  const kubectl = (args: string[]) => run(kubectlBinary(), [`--kubeconfig=${kubeconfig}`, `--cache-dir=${path.join(os.tmpdir(), `skup-kubectl-${process.pid}`)}`, ...args], 30_000);
  const recordPids = () => {
    const s = status();
    pids.add(s.supervisor.pid);
    for (const c of Object.values(s.components)) pids.add(c.pid);
    for (const pid of processesMentioning(dir)) pids.add(pid);
  };

  beforeAll(async () => {
    if (process.getuid?.() !== 0) throw new Error('this test runs a real node and needs root');
    // Other real-node tests (their pods' network namespaces) would spoil the check that nothing is left behind.
    releaseLock = await holdRealNodeLock();
    routeLocalnetBefore = fs.readFileSync(routeLocalnetFile, 'utf8').trim();
    netnsBefore = netnsList();
    if (routeExists(podCIDR) || linkExists(bridge)) throw new Error(`${podCIDR} or ${bridge} is in use already (another run of this test?)`);
    upArgs = [
      'up',
      '--detach',
      `--data-dir=${dir}`,
      `--api-port=${await freePort()}`,
      `--etcd-port=${await freePort()}`,
      `--registry-port=${await freePort()}`,
      `--node-name=${nodeName}`,
      `--pod-cidr=${podCIDR}`,
      `--cni-bridge=${bridge}`,
    ];
  }, lockTimeoutMs);

  afterAll(async () => {
    // Only after a failure is anything left; the wipe is what the last test checks.
    if (fs.existsSync(dir)) await run(process.execPath, [skiffBin, 'down', '--wipe', `--data-dir=${dir}`]);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(path.join(os.tmpdir(), `skup-kubectl-${process.pid}`), { recursive: true, force: true });
    await releaseLock?.();
  });

  it('returns once the cluster is Ready, with every component started and the admin kubeconfig written', async () => {
    const up = await run(process.execPath, [skiffBin, ...upArgs]);
    // On failure the supervisor's output (relayed to stdout) says why.
    expect({ code: up.code, stderr: up.stderr, stdout: up.code ? up.stdout : '' }).toEqual({ code: 0, stderr: '', stdout: '' });
    for (const component of ['etcd', 'registry', 'apiserver', 'scheduler', 'controller-manager', 'proxy', 'kubelet']) {
      expect(up.stdout).toMatch(new RegExp(`^  ${component} +ready `, 'm'));
    }
    expect(up.stdout).toMatch(/^Ready in \d+\.\d s\.$/m);
    expect(up.stdout).toContain(`export KUBECONFIG=${kubeconfig}`);
    expect(up.stdout).toContain('Running in the background');
    expect(status().phase).toBe('ready');
    expect(Object.keys(status().components).sort()).toEqual(['apiserver', 'controller-manager', 'etcd', 'kubelet', 'proxy', 'registry', 'scheduler']);
    for (const component of Object.keys(status().components)) expect(fs.statSync(path.join(dir, 'logs', `${component}.log`)).size).toBeGreaterThan(0);
    recordPids();
  });

  it('refuses a second skiff up on the same data directory', async () => {
    const second = await run(process.execPath, [skiffBin, ...upArgs]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`error: skiff up is already running on ${dir} (pid ${status().supervisor.pid})`);
  });

  it('serves the API only over HTTPS, refusing anonymous requests for anything but health', async () => {
    const config = parse(fs.readFileSync(kubeconfig, 'utf8')) as { clusters: Array<{ cluster: { server: string; 'certificate-authority-data': string } }>; users: Array<{ user: Record<string, string> }> };
    const server = config.clusters[0].cluster.server;
    expect(server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(Object.keys(config.users[0].user).sort()).toEqual(['client-certificate-data', 'client-key-data']);
    const caPem = Buffer.from(config.clusters[0].cluster['certificate-authority-data'], 'base64').toString();
    expect(await anonymousGetStatus(`${server}/readyz`, caPem)).toBe(200);
    expect(await anonymousGetStatus(`${server}/api/v1/pods`, caPem)).toBe(403);
    // What a joining node reads before it has credentials: kube-public/cluster-info, and nothing else there.
    expect(await anonymousGetStatus(`${server}/api/v1/namespaces/kube-public/configmaps/cluster-info`, caPem)).toBe(200);
    expect(await anonymousGetStatus(`${server}/api/v1/namespaces/kube-public/configmaps`, caPem)).toBe(403);
  });

  it('shows the node Ready to kubectl and runs a busybox pod on it', async () => {
    const nodes = await kubectl(['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}']);
    expect(nodes.stdout.trim()).toBe(`${nodeName} True`);
    const created = await kubectl(['run', 'sleeper', '--image=busybox', '--restart=Never', '--', 'sleep', '3600']);
    expect(created.stdout).toContain('pod/sleeper created');
    await waitFor(async () => (await kubectl(['get', 'pod', 'sleeper', '-o', 'jsonpath={.status.phase}'])).stdout === 'Running', { timeoutMs: 60_000, intervalMs: 250, what: 'pod sleeper to run' });
    const ip = (await kubectl(['get', 'pod', 'sleeper', '-o', 'jsonpath={.status.podIP}'])).stdout;
    expect(ip).toMatch(/^10\.244\.241\.\d+$/);
    recordPids();
  });

  it('runs examples/pod.yaml, applied with kubectl exactly as the README says, serving its hostname', async () => {
    const example = path.join(__dirname, '..', '..', '..', 'examples', 'pod.yaml');
    const applied = await kubectl(['apply', '-f', example]);
    expect({ code: applied.code, stdout: applied.stdout, stderr: applied.stderr }).toEqual({ code: 0, stdout: 'pod/hello created\n', stderr: '' });
    const wait = await kubectl(['wait', '--for=condition=Ready', 'pod/hello', '--timeout=60s']);
    expect({ code: wait.code, stdout: wait.stdout }).toEqual({ code: 0, stdout: 'pod/hello condition met\n' });
    const ip = (await kubectl(['get', 'pod', 'hello', '-o', 'jsonpath={.status.podIP}'])).stdout;
    expect(ip).toMatch(/^10\.244\.241\.\d+$/);
    // The pod's address is on the bridge this test's cluster made.
    const body = await new Promise<string>((resolve, reject) => {
      http.get(`http://${ip}:8080/`, { timeout: 10_000 }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });
    expect(body.trim()).toBe('hello');
    // The node's pods live in a cgroup subtree of its own.
    expect(nodeCgroupDirs(nodeName).length).toBeGreaterThan(0);
    for (const dir of nodeCgroupDirs(nodeName)) expect(fs.existsSync(path.join(dir, 'kubepods'))).toBe(true);
    recordPids();
  });

  it("gives a pod its ServiceAccount's token, which can do exactly what the account's RoleBinding allows", async () => {
    const manifests = [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'reader', namespace: 'default' } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'pod-reader', namespace: 'default' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'reader-reads-pods', namespace: 'default' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: 'default' }],
      },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'sa-client', namespace: 'default' }, spec: { serviceAccountName: 'reader', containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'] }] } },
    ];
    // Several documents in one file (a `kind: List` works as well).
    const file = path.join(dir, 'sa-client.yaml');
    fs.writeFileSync(file, manifests.map((m) => stringify(m)).join('---\n'));
    const applied = await kubectl(['apply', '-f', file]);
    expect({ code: applied.code, stderr: applied.stderr }).toEqual({ code: 0, stderr: '' });
    const ready = await kubectl(['wait', '--for=condition=Ready', 'pod/sa-client', '--timeout=60s']);
    expect({ code: ready.code, stderr: ready.stderr }).toEqual({ code: 0, stderr: '' });
    const mount = '/var/run/secrets/kubernetes.io/serviceaccount';
    const read = async (name: string) => (await kubectl(['exec', 'sa-client', '--', 'cat', `${mount}/${name}`])).stdout;
    const token = await read('token');
    const config = parse(fs.readFileSync(kubeconfig, 'utf8')) as { clusters: Array<{ cluster: { server: string; 'certificate-authority-data': string } }> };
    const caPem = Buffer.from(config.clusters[0].cluster['certificate-authority-data'], 'base64').toString();
    expect(await read('ca.crt')).toBe(caPem);
    expect(await read('namespace')).toBe('default');
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { sub: string; 'kubernetes.io': { pod: { name: string } } };
    expect(claims.sub).toBe('system:serviceaccount:default:reader');
    expect(claims['kubernetes.io'].pod.name).toBe('sa-client');

    const server = config.clusters[0].cluster.server;
    const statusWithToken = (urlPath: string) =>
      new Promise<number>((resolve, reject) => {
        https
          .get(`${server}${urlPath}`, { ca: caPem, headers: { authorization: `Bearer ${token}` }, timeout: 10_000 }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          })
          .on('error', reject);
      });
    expect(await statusWithToken('/api/v1/namespaces/default/pods')).toBe(200);
    expect(await statusWithToken('/api/v1/namespaces/default/pods/sa-client')).toBe(200);
    expect(await statusWithToken('/api/v1/namespaces/default/secrets')).toBe(403);
    expect(await statusWithToken('/api/v1/namespaces/kube-system/pods')).toBe(403);
    expect(await statusWithToken('/api/v1/nodes')).toBe(403);
    // From inside the pod the apiserver is at the kubernetes Service, by name.
    const reach = await kubectl(['exec', 'sa-client', '--', 'sh', '-c', 'nc -w 5 kubernetes.default.svc.cluster.local 443 </dev/null && echo reached']);
    expect(reach.stdout.trim()).toBe('reached');
    recordPids();
  });

  it('restarts a component that crashes and says so in its log', async () => {
    const crashed = status().components.scheduler.pid;
    process.kill(crashed, 'SIGKILL');
    const restarted = await waitFor(
      () => {
        const pid = status().components.scheduler?.pid;
        return pid !== undefined && pid !== crashed && fs.readFileSync(path.join(dir, 'logs', 'supervisor.log'), 'utf8').includes('scheduler is running again') ? pid : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: 'the scheduler to be restarted' },
    );
    expect(alive(restarted)).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'logs', 'supervisor.log'), 'utf8')).toMatch(new RegExp(`scheduler \\(pid ${crashed}\\) was killed by SIGKILL after [\\d.]+ s; restarting it in 1\\.0 s`));
    recordPids();
  });

  it('down stops every component but keeps the data and the pods, which the next up adopts', async () => {
    const first = status();
    const firstPids = [first.supervisor.pid, ...Object.values(first.components).map((c) => c.pid)];
    const pod = JSON.parse((await kubectl(['get', 'pod', 'sleeper', '-o', 'json'])).stdout) as { status: { podIP: string; containerStatuses: Array<{ containerID: string }> } };
    const down = await run(process.execPath, [skiffBin, 'down', `--data-dir=${dir}`]);
    expect({ code: down.code, stderr: down.stderr }).toEqual({ code: 0, stderr: '' });
    expect(down.stdout).toContain('Stopped. The pods keep running');
    expect(firstPids.filter(alive)).toEqual([]);
    expect(status().phase).toBe('stopped');
    // What is left is the pod itself, under its shim.
    const left = processesMentioning(dir).map((pid) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]);
    expect(left.length).toBeGreaterThan(0);
    for (const command of left) expect(path.basename(command)).toBe('containerd-shim-runc-v2');

    const again = await run(process.execPath, [skiffBin, ...upArgs]);
    expect({ code: again.code, stderr: again.stderr, stdout: again.code ? again.stdout : '' }).toEqual({ code: 0, stderr: '', stdout: '' });
    const adopted = JSON.parse((await kubectl(['get', 'pod', 'sleeper', '-o', 'json'])).stdout) as typeof pod & { status: { phase: string; containerStatuses: Array<{ restartCount: number }> } };
    expect(adopted.status.phase).toBe('Running');
    expect(adopted.status.podIP).toBe(pod.status.podIP);
    expect(adopted.status.containerStatuses[0]).toMatchObject({ containerID: pod.status.containerStatuses[0].containerID, restartCount: 0 });
    recordPids();
  });

  it('down --wipe leaves no process, pod network, proxy rule, namespace or data behind', async () => {
    const down = await run(process.execPath, [skiffBin, 'down', '--wipe', `--data-dir=${dir}`]);
    expect({ code: down.code, stderr: down.stderr }).toEqual({ code: 0, stderr: '' });
    expect(down.stdout).toContain(`Deleted ${dir}.`);
    expect(pids.size).toBeGreaterThanOrEqual(9);
    expect([...pids].filter(alive)).toEqual([]);
    expect(processesMentioning(dir)).toEqual([]);
    expect(linkExists(bridge)).toBe(false);
    expect(routeExists(podCIDR)).toBe(false);
    expect(podMasqueradeRules(podCIDR)).toEqual([]);
    expect(leftoverProxyState()).toEqual({ rules: [], dnsAddress: false });
    expect(fs.readFileSync(routeLocalnetFile, 'utf8').trim()).toBe(routeLocalnetBefore);
    expect(netnsList().filter((n) => !netnsBefore.includes(n))).toEqual([]);
    expect(nodeCgroupDirs(nodeName)).toEqual([]);
    expect(fs.existsSync(dir)).toBe(false);
  });
});
