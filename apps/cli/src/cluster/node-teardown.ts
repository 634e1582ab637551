import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { nodes, pods, type Pod } from '@skiff/api';
import type { HttpKubeClient } from '@skiff/client';
import type { CriClient } from '@skiff/cri';
import { programScript, type ClusterPaths } from './cluster-paths';
import { cidrWithin, type ClusterSettings } from './cluster-settings';
import { hasCommand } from './host-command';
import { commandLine, identify, processRunning, terminateProcess } from './process-identity';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      if (await check()) return;
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (${last})` : ''}`);
    await sleep(200);
  }
}

function criEndpoint(paths: ClusterPaths): string {
  return `unix://${path.join(paths.containerdDir, 'containerd.sock')}`;
}

function criClient(paths: ClusterPaths): CriClient {
  const { CriClient: Client } = require('@skiff/cri') as typeof import('@skiff/cri');
  return new Client(criEndpoint(paths));
}

/**
 * Cordons the node (so no controller's replacement lands on it), deletes its pods through the API and waits until the
 * kubelet has removed their sandboxes: the pods' networks are taken down the way they were set up. Whatever is left after
 * the timeout (a DaemonSet's pods come back) is removed through CRI once the kubelet is stopped.
 */
export async function drainNodeForWipe(admin: HttpKubeClient, paths: ClusterPaths, nodeName: string, timeoutMs = 30_000): Promise<void> {
  await admin.patch(nodes, undefined, nodeName, 'merge', { spec: { unschedulable: true } });
  const list = await admin.list<Pod>(pods, undefined, { fieldSelector: `spec.nodeName=${nodeName}` });
  for (const pod of list.items) {
    await admin.delete(pods, pod.metadata.namespace, pod.metadata.name!, { gracePeriodSeconds: 1 }).catch((e: { code?: number }) => {
      if (e.code !== 404) throw e;
    });
  }
  const cri = criClient(paths);
  try {
    await until('the kubelet to remove every pod sandbox', async () => (await cri.listPodSandbox()).length === 0, timeoutMs);
  } finally {
    cri.close();
  }
}

/** The node's containerd while it runs (started by the kubelet, or left by one that was killed). */
function runningContainerd(paths: ClusterPaths): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(paths.containerdDir, 'state', 'containerd.pid'), 'utf8').trim());
    return processRunning(pid) && commandLine(pid).includes(paths.containerdDir) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes every container and sandbox the node's containerd still holds (pods the kubelet could not remove, e.g.
 * because it was down), starting that containerd on its own config for the purpose when it is not running.
 * Returns the IDs of the sandboxes it removed.
 */
export async function removeLeftoverSandboxes(paths: ClusterPaths): Promise<string[]> {
  const configFile = path.join(paths.containerdDir, 'config.toml');
  if (!fs.existsSync(configFile)) return [];
  const ours = runningContainerd(paths) === undefined ? spawn('containerd', ['--config', configFile], { stdio: 'ignore', detached: true }) : undefined;
  const cri = criClient(paths);
  const removed: string[] = [];
  try {
    await until('containerd to answer CRI calls', async () => (await cri.listPodSandbox(), true), 20_000);
    for (const c of await cri.listContainers()) {
      await cri.stopContainer(c.id, 0).catch(() => undefined);
      await cri.removeContainer(c.id);
    }
    for (const s of await cri.listPodSandbox()) {
      await cri.stopPodSandbox(s.id);
      await cri.removePodSandbox(s.id);
      removed.push(s.id);
    }
  } finally {
    cri.close();
    if (ours?.pid !== undefined) {
      const id = identify(ours.pid);
      if (id) await terminateProcess(id, 10_000);
    }
  }
  return removed;
}

/** containerd and its shims, of this data directory only (their command lines name its containerd folder). */
export async function stopNodeRuntimeProcesses(paths: ClusterPaths): Promise<number[]> {
  const stopped: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) continue;
    const cmd = commandLine(pid);
    if (!cmd.includes(paths.containerdDir) || !path.basename(cmd.split(' ')[0]).startsWith('containerd')) continue;
    const id = identify(pid);
    if (id && (await terminateProcess(id, 5000)) !== 'gone') stopped.push(pid);
  }
  return stopped;
}

/** Lazily unmounts whatever is still mounted below the data directory (sandbox shm, rootfs, volumes), deepest first. */
export function unmountBelow(dir: string): void {
  const points = fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4]?.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8))))
    .filter((p): p is string => !!p && p.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const p of points) execFileSync('umount', ['-l', p], { stdio: 'ignore' });
}

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Removes the node's pod network from the host: the CNI bridge (and with it the pod CIDR's route), and masquerade
 * rules and chains the bridge plugin left for addresses of the pod CIDR (CNI DEL removes them with each sandbox;
 * these are what sandboxes that were never torn down leave).
 */
export function removePodNetwork(settings: ClusterSettings): void {
  try {
    run('ip', ['link', 'show', settings.cniBridge]);
    run('ip', ['link', 'del', settings.cniBridge]);
  } catch {
    // No bridge: nothing ran a pod, or it is gone already.
  }
  for (const iptables of ['iptables', 'iptables-legacy'].filter(hasCommand)) {
    let rules: string;
    try {
      rules = run(iptables, ['-w', '-t', 'nat', '-S', 'POSTROUTING']);
    } catch {
      continue;
    }
    for (const rule of rules.split('\n')) {
      const m = /^-A POSTROUTING -s (\d+\.\d+\.\d+\.\d+)\/32 .*-j (CNI-[0-9a-f]+)\b/.exec(rule);
      if (!m || !cidrWithin(`${m[1]}/32`, settings.podCIDR || settings.clusterCIDR)) continue;
      // iptables -S quotes like a shell.
      execFileSync('sh', ['-c', `${iptables} -w -t nat ${rule.replace(/^-A /, '-D ')}`], { stdio: 'ignore' });
      run(iptables, ['-w', '-t', 'nat', '-F', m[2]]);
      run(iptables, ['-w', '-t', 'nat', '-X', m[2]]);
    }
  }
}

/** CNI's cached results of the given sandboxes (kept outside the data directory, in /var/lib/cni/results). */
export function removeCniResults(sandboxIds: readonly string[]): void {
  const dir = '/var/lib/cni/results';
  if (!sandboxIds.length || !fs.existsSync(dir)) return;
  for (const f of fs.readdirSync(dir)) if (sandboxIds.some((id) => f.includes(`-${id}-`))) fs.rmSync(path.join(dir, f), { force: true });
}

function networkNamespaceOf(pid: number | 'self'): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return undefined;
  }
}

/**
 * skiff-proxy processes running on this host (another cluster's, or a test's) in this process's network namespace:
 * iptables rules and the node-local DNS address are per namespace, so proxies of nodes in other namespaces share none.
 */
export function runningProxies(): number[] {
  const found: number[] = [];
  const ours = networkNamespaceOf('self');
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    if (networkNamespaceOf(pid) !== ours) continue;
    const args = commandLine(pid).split(' ');
    if (args.some((a) => path.basename(a) === 'skiff-proxy.js') && !args.some((a) => a.startsWith('--cleanup'))) found.push(pid);
  }
  return found;
}

/**
 * `skiff-proxy --cleanup` (every SKIFF- chain and rule, and the node-local DNS address), then route_localnet as it was.
 * Those are the host's, shared by every skiff-proxy on it: while another one runs they stay, and the result says so.
 */
export function removeProxyState(settings: ClusterSettings): { skippedFor?: number[] } {
  const others = runningProxies();
  if (others.length) return { skippedFor: others };
  try {
    execFileSync(process.execPath, [programScript('proxy'), '--cleanup'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`skiff-proxy --cleanup failed: ${err.stderr?.trim() || err.message}`);
  }
  if (settings.routeLocalnetBefore !== undefined) fs.writeFileSync('/proc/sys/net/ipv4/conf/all/route_localnet', settings.routeLocalnetBefore);
  return {};
}

/** The cgroup hierarchies mounted on this host: each cgroup v1 controller's, or the single v2 one. */
function cgroupMounts(): string[] {
  return fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((line) => / - cgroup2? /.test(line))
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => !!p);
}

/**
 * Removes the node's cgroup subtree (`--cgroup-root`) from every hierarchy, deepest first. Only empty cgroups can
 * go, so this runs once the pods' processes are gone; a cgroup still in use is reported.
 */
export function removeNodeCgroups(root: string): void {
  const busy: string[] = [];
  const removeTree = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) removeTree(path.join(dir, entry.name));
    try {
      fs.rmdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') busy.push(dir);
    }
  };
  for (const mount of cgroupMounts()) {
    const dir = path.join(mount, root);
    if (fs.existsSync(dir)) removeTree(dir);
  }
  // The shared parent (/skiff) goes too once no node uses it.
  for (const mount of cgroupMounts()) {
    try {
      fs.rmdirSync(path.join(mount, path.dirname(root)));
    } catch {
      // Another node's subtree, or never made.
    }
  }
  if (busy.length) throw new Error(`cgroups still in use: ${busy.slice(0, 3).join(', ')}${busy.length > 3 ? ', ...' : ''}`);
}
