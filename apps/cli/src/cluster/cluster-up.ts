import fs from 'node:fs';
import path from 'node:path';
import { HttpKubeClient, loadClientConfig } from '@skiff/client';
import { out } from '../command-action';
import { apiserverAdvertiseAddress, prepareClusterAccess } from './cluster-access';
import { publishClusterInfo } from './cluster-info';
import { controlPlaneMembers } from './control-plane-members';
import { bootstrapControlPlaneMember, promoteJoinedEtcdMember, publishEtcdEndpoints } from './control-plane-join';
import { publishKubernetesEndpoints } from './kubernetes-endpoints';
import { apiserverFrontSpec, apiserverSpec, controllerManagerSpec, etcdSpec, kubeletSpec, proxySpec, registrySpec, registryUrl, schedulerSpec, type ClusterContext } from './cluster-components';
import { ClusterPaths, programScript, toolScript } from './cluster-paths';
import type { ClusterProgress } from './cluster-progress';
import { resolveSettings, writeSettings, type ClusterSettings, type SettingsFlags } from './cluster-settings';
import { hasCommand } from './host-command';
import { chooseNodeRuntime, hollowNodeWarning, type NodeRuntime } from './node-runtime';
import { runningProxies } from './node-teardown';
import { commandLine } from './process-identity';
import { writeRunUnits } from './init-only';
import type { JoinOptions } from './cluster-join';
import { requiredSpec, specNamed, superviseRun, type RunPlan } from './supervised-run';
import type { ProcessSpec, Supervisor } from './supervisor';

export interface UpOptions extends SettingsFlags {
  dataDir: string;
  /** Run a hollow node even where containers could run. */
  hollow?: boolean;
  /** When the user's command began (ms since the epoch), for "Ready in N s". */
  startedAt: number;
  /** This process is the background supervisor of `skiff up --detach`: its output goes to a log. */
  detached?: boolean;
}

/** Fails with the one step that fixes it when a program the cluster needs is missing. */
export function checkPrograms(runtime: NodeRuntime, role: 'cluster' | 'node' = 'cluster'): void {
  const apps = role === 'cluster' ? (['apiserver', 'scheduler', 'controller-manager', 'kubelet', 'proxy'] as const) : (['kubelet', 'proxy'] as const);
  for (const app of apps) {
    if (app === 'proxy' && runtime.kind === 'hollow') continue;
    const main = path.join(path.dirname(programScript(app)), '..', 'dist', 'main.js');
    if (!fs.existsSync(main)) throw new Error(`the workspace is not built (${main} is missing): run \`npm run build\` first`);
  }
  if (role === 'cluster' && !hasCommand('etcd')) throw new Error('etcd is not installed: run `sudo apt-get install -y etcd-server` (npm start installs it)');
  // The service rules and the node-local DNS address belong to the network namespace: two proxies would fight over them.
  const proxy = runtime.kind === 'containerd' ? runningProxies()[0] : undefined;
  if (proxy !== undefined) {
    throw new Error(`another skiff-proxy runs on this host (pid ${proxy}: ${commandLine(proxy).slice(0, 160)}); one node per host (network namespace) has a proxy, so stop that cluster first or run this one with --hollow`);
  }
}

function readRouteLocalnet(): string | undefined {
  try {
    return fs.readFileSync('/proc/sys/net/ipv4/conf/all/route_localnet', 'utf8').trim();
  } catch {
    return undefined;
  }
}

interface ImageTools {
  ensureImages(opts: { registry: string }): Promise<Array<{ name: string }>>;
}

/** Pushes the images tools/images builds into the node's registry, which must be serving: what a real node pulls. */
export async function pushNodeImages(settings: ClusterSettings, report: ClusterProgress): Promise<void> {
  report.stepStarted('images');
  const pushed = await (require(toolScript('images/build-images.js')) as ImageTools).ensureImages({ registry: registryUrl(settings) });
  report.stepDone('images', 'pushed', `  (${pushed.map((i) => i.name).join(', ')} to ${registryUrl(settings)})`);
}

/** The node's local registry, then the images pushed into it. */
export function startRegistryWithImages(sup: Supervisor, registry: ProcessSpec, settings: ClusterSettings, report: ClusterProgress): Promise<void> {
  return sup.start(registry).then(() => pushNodeImages(settings, report));
}

/**
 * The components of a `skiff up` cluster in start order: each control-plane member's etcd, apiserver, scheduler and
 * controller-manager (with several members, the load balancer in front of their apiservers), then the node; the
 * registry and the proxy only on a real node.
 */
export function clusterSpecs(c: ClusterContext, runtime: NodeRuntime['kind']): ProcessSpec[] {
  const real = runtime === 'containerd';
  const { members } = c;
  return [
    ...members.map((m) => etcdSpec(c, m, members)),
    ...(real ? [registrySpec(c)] : []),
    ...members.map((m) => apiserverSpec(c, m, members)),
    ...(members.length > 1 ? [apiserverFrontSpec(c, members)] : []),
    ...members.map((m) => schedulerSpec(c, m)),
    ...members.map((m) => controllerManagerSpec(c, m)),
    ...(real ? [proxySpec(c)] : []),
    kubeletSpec(c, runtime),
  ];
}

/**
 * Starts the components, each once what it needs is ready: the etcd members with the apiservers (which retry etcd
 * until it answers) and the load balancer in front of them, and, for a real node, the registry and then the images;
 * the apiserver's clients once it is ready. The order of the start calls is that of `specs`, the reverse of the stop
 * order: the kubelet stops first.
 */
async function startComponents(sup: Supervisor, specs: ProcessSpec[], c: ClusterContext, report: ClusterProgress): Promise<void> {
  const named = (component: string) => c.members.map((m) => requiredSpec(specs, `${component}${m.suffix}`));
  const etcd = named('etcd').map((s) => sup.start(s));
  const registry = specNamed(specs, 'registry');
  const images = registry ? startRegistryWithImages(sup, registry, c.settings, report) : Promise.resolve();
  images.catch(() => undefined);
  // A member just added as a learner serves no clients: its vote first, then its apiserver.
  if (c.settings.etcdMember && !c.settings.etcdMember.promoted) {
    await Promise.all(etcd);
    await promoteJoinedEtcdMember(c.paths, c.settings, c.access.etcd.healthcheckClient, report);
  }
  const apiservers = named('apiserver').map((s) => sup.start(s));
  const front = specNamed(specs, 'apiserver-front');
  // With a load balancer, the first apiserver to be ready is enough for the clients to start.
  await Promise.all([...etcd, ...(front ? [sup.start(front)] : apiservers)]);
  await publishClusterInfo(c.admin, c.access.clusterInfo);
  if (front) await publishKubernetesEndpoints(c.admin, apiserverAdvertiseAddress(c.settings), c.settings.apiPort);
  await publishEtcdEndpoints(c.admin, c.members);
  const clients = [...named('scheduler'), ...named('controller-manager')].map((s) => sup.start(s));
  const proxy = specNamed(specs, 'proxy');
  if (proxy) clients.push(sup.start(proxy));
  clients.push(sup.start(requiredSpec(specs, 'kubelet')));
  await Promise.all([...apiservers, ...clients, images]);
}

/**
 * `skiff up` in this process: starts the cluster's components under a Supervisor, reports progress, prints how to use
 * the cluster once it is Ready, and keeps it running until SIGINT/SIGTERM, when it stops everything in order.
 * Resolves to the exit code.
 */
export async function superviseCluster(opts: UpOptions): Promise<number> {
  return superviseRun(new ClusterPaths(opts.dataDir), opts.startedAt, clusterRunPlan(opts));
}

/** `skiff up --init-only`: the cluster prepared, and its components written down for systemd instead of started. */
export function initCluster(opts: UpOptions): Promise<number> {
  return writeRunUnits(new ClusterPaths(opts.dataDir), clusterRunPlan(opts, 'units'), 'skiff-control-plane.target');
}

/**
 * `skiff join --control-plane` in this process: this machine joins the control plane (its certificates from the
 * shared keys, its etcd member added), then runs as `skiff up` does, with its own etcd member, apiserver, scheduler,
 * controller-manager and node.
 */
export function superviseControlPlaneMember(opts: JoinOptions): Promise<number> {
  return superviseRun(new ClusterPaths(opts.dataDir), opts.startedAt, controlPlaneMemberPlan(opts, 'run'));
}

/** `skiff join --control-plane --init-only`: joined as above, its components written down for deploy/systemd. */
export function initControlPlaneMember(opts: JoinOptions): Promise<number> {
  return writeRunUnits(new ClusterPaths(opts.dataDir), controlPlaneMemberPlan(opts, 'units'), 'skiff-control-plane.target');
}

function controlPlaneMemberPlan(opts: JoinOptions, mode: 'run' | 'units'): RunPlan {
  const up: UpOptions = { dataDir: opts.dataDir, hollow: opts.hollow, startedAt: opts.startedAt, detached: opts.detached };
  const plan = clusterRunPlan(up, mode, (report, registry) => bootstrapControlPlaneMember(new ClusterPaths(opts.dataDir), opts, registry, report));
  return { ...plan, command: 'skiff join --control-plane' };
}

/** What `skiff up` runs: a whole cluster on this machine. */
function clusterRunPlan(opts: UpOptions, mode: 'run' | 'units' = 'run', bootstrap?: (report: ClusterProgress, registry: boolean) => Promise<void>): RunPlan {
  const paths = new ClusterPaths(opts.dataDir);
  return {
    command: 'skiff up',
    prepare: async (report, status) => {
      const runtime = chooseNodeRuntime({ hollow: opts.hollow });
      checkPrograms(runtime);
      if (runtime.kind === 'hollow' && runtime.warn) out.stderr(`${hollowNodeWarning(runtime)}\n`);
      else if (runtime.kind === 'hollow') report.print(`The node is hollow (${runtime.why}).`);
      // What makes this data directory a control-plane machine of a running cluster, before it runs as one.
      if (bootstrap) await bootstrap(report, runtime.kind === 'containerd');
      const { settings, notes } = await resolveSettings(paths, opts, { registry: runtime.kind === 'containerd' });
      if (settings.ha && mode === 'units') throw new Error(`--init-only writes one systemd unit per component (deploy/systemd), and several control-plane members on one machine have none; run \`skiff up --ha\` itself`);
      if (settings.ha && !hasCommand('haproxy')) throw new Error('haproxy is not installed (--ha puts it in front of the apiservers): run `sudo apt-get install -y haproxy` (npm start installs it)');
      if (runtime.kind === 'containerd' && settings.routeLocalnetBefore === undefined) settings.routeLocalnetBefore = readRouteLocalnet();
      writeSettings(paths, settings);
      for (const note of notes) report.print(`note: ${note}`);
      const access = await prepareClusterAccess(paths, settings);
      const adminConfig = loadClientConfig({ kubeconfigPath: access.kubeconfig('admin') });
      const clients: HttpKubeClient[] = [];
      const adminAt = (server: string) => {
        const client = new HttpKubeClient({ ...adminConfig, server }, { requestTimeoutMs: 5000, userAgent: 'skiff-up' });
        clients.push(client);
        return client;
      };
      const admin = adminAt(adminConfig.server);
      const members = controlPlaneMembers(settings, paths);
      const memberClients = new Map(members.map((m) => [m, m.apiPort === settings.apiPort ? admin : adminAt(`https://127.0.0.1:${m.apiPort}`)]));
      status.apiServer = access.apiServerUrl;
      status.node = { name: settings.nodeName, runtime: runtime.kind };
      const env = { ...process.env, SKIFF_LOG_FORMAT: process.env.SKIFF_LOG_FORMAT || 'text' };
      const context: ClusterContext = { paths, settings, access, admin, env, members, apiserverClient: (m) => memberClients.get(m)! };
      const specs = clusterSpecs(context, runtime.kind);
      return {
        specs,
        start: (sup) => {
          report.print(`Starting a Skiff cluster in ${paths.dir}`);
          return startComponents(sup, specs, context, report);
        },
        ready: () => report.ready({ paths, nodeName: settings.nodeName, runtime, apiServer: access.apiServerUrl, registry: registryUrl(settings), members, detached: opts.detached ?? false }),
        close: () => clients.forEach((c) => c.close()),
      };
    },
  };
}
