import fs from 'node:fs';
import path from 'node:path';
import { HttpKubeClient, loadClientConfig } from '@skiff/client';
import { out } from '../command-action';
import { prepareClusterAccess } from './cluster-access';
import { publishClusterInfo } from './cluster-info';
import { apiserverSpec, controllerManagerSpec, etcdSpec, kubeletSpec, proxySpec, registrySpec, registryUrl, schedulerSpec, type ClusterContext } from './cluster-components';
import { ClusterPaths, programScript, toolScript } from './cluster-paths';
import { ClusterProgress } from './cluster-progress';
import { resolveSettings, writeSettings, type SettingsFlags } from './cluster-settings';
import { dataDirFlag } from './data-dir-flag';
import { hasCommand } from './host-command';
import { chooseNodeRuntime, hollowNodeWarning, type NodeRuntime } from './node-runtime';
import { runningProxies } from './node-teardown';
import { AlreadyRunningError, PidFile } from './pid-file';
import { commandLine, identify, stillRunning, terminateProcess } from './process-identity';
import { StopRequest } from './stop-request';
import { StartError, Supervisor, type SupervisorEvent } from './supervisor';
import { readStatus, writeStatus, type SupervisorPhase, type SupervisorStatus } from './supervisor-status';

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
function checkPrograms(runtime: NodeRuntime): void {
  for (const app of ['apiserver', 'scheduler', 'controller-manager', 'kubelet', 'proxy'] as const) {
    if (app === 'proxy' && runtime.kind === 'hollow') continue;
    const main = path.join(path.dirname(programScript(app)), '..', 'dist', 'main.js');
    if (!fs.existsSync(main)) throw new Error(`the workspace is not built (${main} is missing): run \`npm run build\` first`);
  }
  if (!hasCommand('etcd')) throw new Error('etcd is not installed: run `sudo apt-get install -y etcd-server` (npm start installs it)');
  // The service rules and the node-local DNS address are the host's: two proxies would fight over them.
  const proxy = runtime.kind === 'containerd' ? runningProxies()[0] : undefined;
  if (proxy !== undefined) {
    throw new Error(`another skiff-proxy runs on this host (pid ${proxy}: ${commandLine(proxy).slice(0, 160)}); one node per host has a proxy, so stop that cluster first or run this one with --hollow`);
  }
}

/** Components a supervisor that was killed left running: stopped by PID before anything new starts. */
async function stopLeftovers(paths: ClusterPaths, print: (line: string) => void): Promise<void> {
  for (const [name, id] of Object.entries(readStatus(paths)?.components ?? {})) {
    if (!stillRunning(id)) continue;
    print(`stopping ${name} (pid ${id.pid}), left running by an earlier skiff up`);
    await terminateProcess(id, name === 'kubelet' ? 30_000 : 10_000);
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

/**
 * Starts the components, each once what it needs is ready: etcd with the apiserver (which retries etcd until it
 * answers) and, for a real node, the registry and then the images; the apiserver's clients once it is ready. The
 * order of the start calls is the reverse of the stop order: the kubelet stops first.
 */
async function startComponents(sup: Supervisor, c: ClusterContext, runtime: NodeRuntime, report: ClusterProgress): Promise<void> {
  const etcd = sup.start(etcdSpec(c));
  let images: Promise<void> = Promise.resolve();
  if (runtime.kind === 'containerd') {
    images = sup.start(registrySpec(c)).then(async () => {
      report.stepStarted('images');
      const pushed = await (require(toolScript('images/build-images.js')) as ImageTools).ensureImages({ registry: registryUrl(c.settings) });
      report.stepDone('images', 'pushed', `  (${pushed.map((i) => i.name).join(', ')} to ${registryUrl(c.settings)})`);
    });
    images.catch(() => undefined);
  }
  await Promise.all([etcd, sup.start(apiserverSpec(c))]);
  await publishClusterInfo(c.admin, c.access.clusterInfo);
  const clients = [sup.start(schedulerSpec(c)), sup.start(controllerManagerSpec(c))];
  if (runtime.kind === 'containerd') clients.push(sup.start(proxySpec(c)));
  clients.push(sup.start(kubeletSpec(c, runtime.kind)));
  await Promise.all([...clients, images]);
}

/**
 * `skiff up` in this process: starts the cluster's components under a Supervisor, reports progress, prints how to use
 * the cluster once it is Ready, and keeps it running until SIGINT/SIGTERM, when it stops everything in order.
 * Resolves to the exit code.
 */
export async function superviseCluster(opts: UpOptions): Promise<number> {
  const paths = new ClusterPaths(opts.dataDir);
  fs.mkdirSync(paths.logDir, { recursive: true });
  let pidFile: PidFile;
  try {
    pidFile = PidFile.acquire(paths.pidFile);
  } catch (e) {
    if (!(e instanceof AlreadyRunningError)) throw e;
    out.stderr(`error: skiff up is already running on ${paths.dir} (pid ${e.pid}); \`skiff down${dataDirFlag(paths)}\` stops it\n`);
    return 1;
  }
  const report = new ClusterProgress(opts.startedAt);
  const status: SupervisorStatus = { supervisor: identify(process.pid)!, phase: 'starting', components: {} };
  const setPhase = (phase: SupervisorPhase, error?: string) => {
    status.phase = phase;
    if (error) status.error = error;
    writeStatus(paths, status);
  };
  const trackPids = (e: SupervisorEvent) => {
    if (e.type === 'started') status.components[e.name] = identify(e.pid) ?? { pid: e.pid, startTicks: 0 };
    else if (e.type === 'exited' || e.type === 'stopped') delete status.components[e.name];
    else return;
    writeStatus(paths, status);
  };
  const supervisor = new Supervisor({ onEvent: (e) => (trackPids(e), report.onEvent(e)) });
  const stop = new StopRequest(
    () => {
      report.clear();
      report.print(status.phase === 'ready' ? 'Stopping (the kubelet first; the pods keep running and the next `skiff up` adopts them)...' : 'Stopping before the cluster was Ready...');
    },
    () => {
      report.print('Killing every component now.');
      supervisor.killAll();
    },
  );
  // Whatever ends this process, the components do not outlive it unsupervised.
  const killOnExit = () => supervisor.killAll();
  process.once('exit', killOnExit);
  let admin: HttpKubeClient | undefined;
  try {
    // Before this run's status replaces the last one's list of components.
    await stopLeftovers(paths, (l) => report.print(l));
    setPhase('starting');
    const runtime = chooseNodeRuntime({ hollow: opts.hollow });
    checkPrograms(runtime);
    if (runtime.kind === 'hollow' && runtime.warn) out.stderr(`${hollowNodeWarning(runtime)}\n`);
    else if (runtime.kind === 'hollow') report.print(`The node is hollow (${runtime.why}).`);
    const { settings, notes } = await resolveSettings(paths, opts, { registry: runtime.kind === 'containerd' });
    if (runtime.kind === 'containerd' && settings.routeLocalnetBefore === undefined) settings.routeLocalnetBefore = readRouteLocalnet();
    writeSettings(paths, settings);
    for (const note of notes) report.print(`note: ${note}`);
    const access = await prepareClusterAccess(paths, settings);
    admin = new HttpKubeClient(loadClientConfig({ kubeconfigPath: access.kubeconfig('admin') }), { requestTimeoutMs: 5000, userAgent: 'skiff-up' });
    status.apiServer = access.apiServerUrl;
    status.node = { name: settings.nodeName, runtime: runtime.kind };
    const env = { ...process.env, SKIFF_LOG_FORMAT: process.env.SKIFF_LOG_FORMAT || 'text' };
    report.print(`Starting a Skiff cluster in ${paths.dir}`);

    const startup = startComponents(supervisor, { paths, settings, access, admin, env }, runtime, report);
    startup.catch(() => undefined);
    const stopped = stop.requested.then(() => 'stopped' as const);
    if ((await Promise.race([startup.then(() => 'ready' as const), stopped])) === 'stopped') {
      setPhase('stopping');
      await supervisor.stopAll();
      setPhase('stopped', 'stopped before the cluster was Ready');
      return 1;
    }
    setPhase('ready');
    report.ready({ paths, nodeName: settings.nodeName, runtime, apiServer: access.apiServerUrl, registry: registryUrl(settings), detached: opts.detached ?? false });
    await stopped;
    setPhase('stopping');
    await supervisor.stopAll();
    setPhase('stopped');
    report.print('Stopped. The pods keep running; the next `skiff up` adopts them.');
    return 0;
  } catch (e) {
    report.clear();
    const err = e as Error;
    const detail = e instanceof StartError ? `${err.message} (log: ${e.logFile})` : err.message;
    out.stderr(`error: ${detail}\n`);
    if (e instanceof StartError && e.logTail) out.stderr(`last lines of ${e.logFile}:\n${e.logTail.replace(/^/gm, '  ')}\n`);
    setPhase('failed', detail);
    await supervisor.stopAll();
    return 1;
  } finally {
    admin?.close();
    stop.dispose();
    process.off('exit', killOnExit);
    pidFile.release();
  }
}
