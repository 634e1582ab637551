import fs from 'node:fs';
import path from 'node:path';
import type { HttpKubeClient } from '@skiff/client';
import type { ClusterAccess, NodeAccess } from './cluster-access';
import { programScript, type ClusterPaths } from './cluster-paths';
import type { ClusterSettings } from './cluster-settings';
import { commandLine, identify, terminateProcess } from './process-identity';
import { waitForApiserverReady, waitForHttpOk, waitForListening, waitForNodeReady } from './readiness';
import type { ProcessSpec } from './supervisor';
import { writeHaproxyConfig } from './apiserver-front';
import { etcdAdvertisedClientUrl, etcdClientUrl, etcdPeerUrl, etcdServersFor, type ControlPlaneMember } from './control-plane-members';

/** Each node's pods get a cgroup subtree of their own, so several nodes can share a machine (and `--wipe` removes it). */
export function nodeCgroupRoot(settings: ClusterSettings): string {
  return `/skiff/${settings.nodeName}`;
}

/** The kube-dns Service's address (the tenth of the default service range), which pods get as their resolver. */
export const clusterDnsAddress = '10.96.0.10';

/** What the node's components (registry, kubelet, proxy) need to know: a node of `skiff up`'s or a joined one. */
export interface NodeContext {
  paths: ClusterPaths;
  settings: ClusterSettings;
  access: NodeAccess;
  /** A client that may read the node's Node, for readiness checks through the API. */
  admin: HttpKubeClient;
  env: NodeJS.ProcessEnv;
}

/** What the component definitions need to know about the cluster being started. */
export interface ClusterContext extends NodeContext {
  access: ClusterAccess;
  /** The control plane's members: one, or three with `--ha`. */
  members: ControlPlaneMember[];
  /** An admin client of one member's apiserver itself, not the load balancer in front of several. */
  apiserverClient(member: ControlPlaneMember): HttpKubeClient;
}

export function registryUrl(settings: ClusterSettings): string {
  return `http://127.0.0.1:${settings.registryPort}`;
}

function nodeProgram(c: NodeContext, name: string, script: string, args: string[], spec: Partial<ProcessSpec>): ProcessSpec {
  return { name, command: process.execPath, args: [script, ...args], env: c.env, logFile: c.paths.log(name), ...spec };
}

/** An etcd member; with several members, each knows the others' peer URLs, and is ready once they have a leader. */
export function etcdSpec(c: ClusterContext, member: ControlPlaneMember, all: readonly ControlPlaneMember[]): ProcessSpec {
  const client = etcdClientUrl(member);
  const advertised = etcdAdvertisedClientUrl(member);
  const peer = etcdPeerUrl(member);
  // A member that `skiff join --control-plane` added joins the cluster it was added to (ignored once it has data).
  const joining = c.settings.etcdMember;
  return {
    name: `etcd${member.suffix}`,
    command: 'etcd',
    args: [
      `--name=${member.etcdName}`,
      `--data-dir=${member.etcdDataDir}`,
      // Loopback for this machine's apiserver; the advertised address too when other machines add members through it.
      `--listen-client-urls=${[...new Set([client, advertised])].join(',')}`,
      `--advertise-client-urls=${advertised}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      ...(joining ? [`--initial-cluster=${joining.initialCluster}`, '--initial-cluster-state=existing'] : [`--initial-cluster=${all.map((m) => `${m.etcdName}=${etcdPeerUrl(m)}`).join(',')}`]),
      // A single member has no peers to lose: a short election timeout makes a restarted member leader within
      // 100-200 ms instead of 1-2 s. Several members keep etcd's defaults (100 ms heartbeats, 1 s elections), which a
      // busy two-core machine does not mistake for a lost leader.
      ...(all.length === 1 ? ['--heartbeat-interval=10', '--election-timeout=100'] : ['--initial-cluster-token=skiff-ha']),
      ...c.access.etcd.memberArgs,
    ],
    env: c.env,
    logFile: c.paths.log(`etcd${member.suffix}`),
    // A learner is not healthy by /health's measure (it serves no reads); that it serves at all is enough until its
    // promotion, which waits for it to catch up.
    ready: (run) => waitForHttpOk(run, `${client}/${joining && !joining.promoted ? 'version' : 'health'}`, undefined, c.access.etcd.healthcheckClient).then(() => undefined),
  };
}

/** Debian's docker-registry (Distribution 2.8) on loopback, without auth: the node's images come from it. */
export function registrySpec(c: NodeContext): ProcessSpec {
  const configFile = path.join(c.paths.registryDir, 'config.yml');
  fs.mkdirSync(c.paths.registryDir, { recursive: true });
  fs.writeFileSync(
    configFile,
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${JSON.stringify(path.join(c.paths.registryDir, 'data'))}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${c.settings.registryPort}`,
      '',
    ].join('\n'),
  );
  return {
    name: 'registry',
    command: 'docker-registry',
    args: ['serve', configFile],
    env: c.env,
    logFile: c.paths.log('registry'),
    ready: (run) => waitForHttpOk(run, `${registryUrl(c.settings)}/v2/`).then(() => undefined),
  };
}

/**
 * A member's apiserver. The only one binds every address (pods reach it through the kubernetes Service, nodes on the
 * advertised address) and keeps the Service's endpoints itself; several stay on loopback behind the load balancer,
 * which the endpoints name instead (`skiff up` writes them).
 */
export function apiserverSpec(c: ClusterContext, member: ControlPlaneMember, all: readonly ControlPlaneMember[]): ProcessSpec {
  const alone = all.length === 1;
  return nodeProgram(
    c,
    `apiserver${member.suffix}`,
    programScript('apiserver'),
    [
      `--etcd-servers=${etcdServersFor(member, all).join(',')}`,
      `--bind-address=${alone ? '0.0.0.0' : '127.0.0.1'}`,
      `--secure-port=${member.apiPort}`,
      ...(alone ? [] : ['--endpoint-reconciler-type=none']),
      ...c.access.apiserverArgs,
    ],
    { ready: (run) => waitForApiserverReady(run, c.apiserverClient(member)).then(() => undefined) },
  );
}

/** HAProxy (Debian's) in front of several members' apiservers, on the cluster's apiserver port. */
export function apiserverFrontSpec(c: ClusterContext, members: readonly ControlPlaneMember[]): ProcessSpec {
  const config = writeHaproxyConfig(c.paths, { port: c.settings.apiPort, members });
  return {
    name: 'apiserver-front',
    command: 'haproxy',
    // -db: stay in the foreground, logging to stderr, as a supervised process should.
    args: ['-db', '-f', config],
    env: c.env,
    logFile: c.paths.log('apiserver-front'),
    // Ready once an apiserver answers through it, with the admin's credentials.
    ready: (run) => waitForApiserverReady(run, c.admin).then(() => undefined),
  };
}

/**
 * The scheduler and controller-manager: clients that print where their /healthz is. They elect a leader, as in
 * Kubernetes: with several members (or control-plane machines) only the one holding the Lease works, the others wait
 * to take over; one stopped in order gives its Lease up, so its successor starts at once.
 */
function controlPlaneClientSpec(c: ClusterContext, name: 'scheduler' | 'controller-manager', member: ControlPlaneMember, extra: string[]): ProcessSpec {
  return nodeProgram(c, `${name}${member.suffix}`, programScript(name), [`--kubeconfig=${c.access.kubeconfig(name)}`, '--port=0', '--leader-elect', ...extra], {
    ready: async (run) => {
      await waitForHttpOk(run, `${await waitForListening(run)}/healthz`);
    },
  });
}

export function schedulerSpec(c: ClusterContext, member: ControlPlaneMember): ProcessSpec {
  return controlPlaneClientSpec(c, 'scheduler', member, []);
}

export function controllerManagerSpec(c: ClusterContext, member: ControlPlaneMember): ProcessSpec {
  const grace = c.settings.nodeMonitorGracePeriod ? [`--node-monitor-grace-period=${c.settings.nodeMonitorGracePeriod}`] : [];
  return controlPlaneClientSpec(c, 'controller-manager', member, [`--cluster-cidr=${c.settings.clusterCIDR}`, ...c.access.controllerManagerArgs, ...grace]);
}

/** A kubelet that had to be killed leaves its containerd running (in its own process group): stop it by its PID. */
async function stopLeftoverContainerd(paths: ClusterPaths): Promise<void> {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(paths.containerdDir, 'state', 'containerd.pid'), 'utf8').trim());
  } catch {
    return;
  }
  const id = Number.isInteger(pid) && pid > 1 ? identify(pid) : undefined;
  if (id && commandLine(pid).includes(paths.containerdDir)) await terminateProcess(id, 10_000);
}

export function kubeletSpec(c: NodeContext, runtime: 'containerd' | 'hollow'): ProcessSpec {
  const { settings, paths } = c;
  const common = [
    `--kubeconfig=${c.access.kubeconfig('kubelet')}`,
    `--hostname-override=${settings.nodeName}`,
    `--node-ip=${c.access.nodeIP}`,
    `--address=${c.access.nodeIP}`,
    '--port=0',
    `--root-dir=${paths.kubeletRootDir}`,
    // A joined node waits for the range the node IPAM controller gives it.
    ...(settings.podCIDR ? [`--pod-cidr=${settings.podCIDR}`] : []),
    `--cluster-dns=${clusterDnsAddress}`,
    ...c.access.kubeletServingArgs,
    // Readiness is judged through the API; a second kubelet on the host must not fight over 10248.
    '--healthz-port=0',
    `--cgroup-root=${nodeCgroupRoot(settings)}`,
  ];
  const node =
    runtime === 'containerd'
      ? // The proxy masquerades what leaves the cluster's range, so pods on different nodes see each other's addresses.
        ['--runtime=containerd-managed', `--registry-mirror=${registryUrl(settings)}`, `--cni-bridge=${settings.cniBridge}`, '--cni-masquerade=false', `--pod-logs-dir=${paths.podLogsDir}`]
      : ['--runtime=fake'];
  return nodeProgram(c, 'kubelet', programScript('kubelet'), [...common, ...node], {
    // Called as the process starts, so only a status this run wrote counts.
    ready: async (run) => {
      const since = Date.now();
      await waitForListening(run);
      await waitForNodeReady(run, c.admin, settings.nodeName, since);
    },
    // Its SIGTERM handler stops the pod workers and then its containerd; the pods keep running.
    stopTimeoutMs: 30_000,
    afterStop: runtime === 'containerd' ? () => stopLeftoverContainerd(paths) : undefined,
  });
}

export function proxySpec(c: NodeContext): ProcessSpec {
  return nodeProgram(
    c,
    'proxy',
    programScript('proxy'),
    [`--kubeconfig=${c.access.kubeconfig('proxy')}`, `--hostname-override=${c.settings.nodeName}`, '--port=0', `--cluster-cidr=${c.settings.clusterCIDR}`, `--nodeport-addresses=${['127.0.0.0/8', ...(c.settings.advertiseAddress ? [`${c.settings.advertiseAddress}/32`] : [])].join(',')}`],
    {
      ready: async (run) => {
        await waitForHttpOk(run, `${await waitForListening(run)}/readyz`);
      },
    },
  );
}
