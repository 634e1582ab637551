import { execFileSync } from 'node:child_process';
import dns from 'node:dns/promises';
import fs from 'node:fs';
import path from 'node:path';
import { parseBootstrapToken, type BootstrapToken } from '@skiff/auth';
import { HttpKubeClient, isIPv4, loadClientConfig } from '@skiff/client';
import { out } from '../command-action';
import { kubeletSpec, proxySpec, registrySpec, type NodeContext } from './cluster-components';
import { ClusterPaths } from './cluster-paths';
import { checkPrograms, initControlPlaneMember, startRegistryWithImages, superviseControlPlaneMember } from './cluster-up';
import { readSettings, resolveSettings, writeSettings, type ClusterSettings } from './cluster-settings';
import { discoverCluster } from './join-discovery';
import { prepareNodeCredentials } from './node-credentials';
import { chooseNodeRuntime, hollowNodeWarning, type NodeRuntime } from './node-runtime';
import { writeRunUnits } from './init-only';
import { requiredSpec, specNamed, superviseRun, type RunPlan } from './supervised-run';
import type { ProcessSpec, Supervisor } from './supervisor';
import type { ClusterProgress } from './cluster-progress';

export interface JoinOptions {
  dataDir: string;
  startedAt: number;
  detached?: boolean;
  /** `https://host:port`; a node that joined before keeps the server it joined. */
  server?: string;
  token?: string;
  caCertHashes: string[];
  unsafeSkipCAVerification?: boolean;
  nodeName?: string;
  /** The node's InternalIP; default the address this host reaches the server from. */
  nodeIP?: string;
  registryPort?: number;
  cniBridge?: string;
  hollow?: boolean;
  /** Join as a control-plane machine (etcd member, apiserver, scheduler, controller-manager and a node). */
  controlPlane?: boolean;
  /** With controlPlane: opens the shared keys `skiff token create --print-join-command --control-plane` uploaded. */
  certificateKey?: string;
}

/** The local address the kernel would send from towards `host`: how the apiserver and other nodes reach this one. */
export async function sourceAddressTowards(host: string): Promise<string> {
  const ip = isIPv4(host) ? host : (await dns.lookup(host, { family: 4 })).address;
  const routes = JSON.parse(execFileSync('ip', ['-json', '-4', 'route', 'get', ip], { encoding: 'utf8' })) as Array<{ prefsrc?: string }>;
  const src = routes[0]?.prefsrc;
  if (!src) throw new Error(`cannot tell this node's address towards ${host}; give --node-ip`);
  return src;
}

/** The readable pieces of the join command line, checked before anything is written. */
export function joinTarget(opts: Pick<JoinOptions, 'server' | 'token'>, recordedServer: string | undefined): { server: string; token?: BootstrapToken } {
  const server = opts.server ?? recordedServer;
  if (!server) throw new Error('give --server https://<apiserver>:<port> (skiff token create --print-join-command prints the whole command)');
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new Error(`--server ${server}: not a URL`);
  }
  if (url.protocol !== 'https:') throw new Error(`--server ${server}: must be an https:// URL`);
  if (recordedServer && opts.server && new URL(recordedServer).origin !== url.origin) {
    throw new Error(`this node joined ${recordedServer} before; \`skiff down --wipe\` it first to join another cluster`);
  }
  let token: BootstrapToken | undefined;
  if (opts.token !== undefined) {
    token = parseBootstrapToken(opts.token);
    if (!token) throw new Error('--token must be of the form [a-z0-9]{6}.[a-z0-9]{16}');
  }
  return { server: url.origin, token };
}

/** The components of a joined node in start order; the registry and the proxy only on a real node. */
export function nodeSpecs(c: NodeContext, runtime: NodeRuntime['kind']): ProcessSpec[] {
  return [...(runtime === 'containerd' ? [registrySpec(c), proxySpec(c)] : []), kubeletSpec(c, runtime)];
}

async function startNodeComponents(sup: Supervisor, specs: ProcessSpec[], settings: ClusterSettings, report: ClusterProgress): Promise<void> {
  const registry = specNamed(specs, 'registry');
  const images = registry ? startRegistryWithImages(sup, registry, settings, report) : Promise.resolve();
  images.catch(() => undefined);
  const proxy = specNamed(specs, 'proxy');
  const started = proxy ? [sup.start(proxy)] : [];
  started.push(sup.start(requiredSpec(specs, 'kubelet')));
  await Promise.all([...started, images]);
}

/**
 * `skiff join` in this process: trusts the cluster through its token and CA pin, gets the node a client certificate
 * through a CertificateSigningRequest, and then runs the node's registry, kubelet (with its containerd) and proxy
 * under a Supervisor, as `skiff up` runs a whole cluster. Everything lives in the data directory; a later `skiff join`
 * on it needs no token while the node's certificate is valid.
 */
export async function superviseJoinedNode(opts: JoinOptions): Promise<number> {
  if (opts.controlPlane) return superviseControlPlaneMember(opts);
  return superviseRun(new ClusterPaths(opts.dataDir), opts.startedAt, joinRunPlan(opts));
}

/** `skiff join --init-only`: the node joined (discovery, its certificate), its components written down for systemd. */
export function initJoinedNode(opts: JoinOptions): Promise<number> {
  if (opts.controlPlane) return initControlPlaneMember(opts);
  return writeRunUnits(new ClusterPaths(opts.dataDir), joinRunPlan(opts), 'skiff-node.target');
}

/** What `skiff join` runs: this machine's node of a cluster elsewhere. */
function joinRunPlan(opts: JoinOptions): RunPlan {
  const paths = new ClusterPaths(opts.dataDir);
  return {
    command: 'skiff join',
    prepare: async (report, status) => {
      const recorded = readSettings(paths);
      if (recorded && !recorded.joined) throw new Error(`${paths.dir} holds a cluster \`skiff up\` made; join with another --data-dir`);
      const { server, token } = joinTarget(opts, recorded?.joined?.server);
      const runtime = chooseNodeRuntime({ hollow: opts.hollow });
      checkPrograms(runtime, 'node');
      if (runtime.kind === 'hollow' && runtime.warn) out.stderr(`${hollowNodeWarning(runtime)}\n`);
      const nodeIP = opts.nodeIP ?? recorded?.advertiseAddress ?? (await sourceAddressTowards(new URL(server).hostname));
      const { settings } = await resolveSettings(
        paths,
        { registryPort: opts.registryPort, nodeName: opts.nodeName, cniBridge: opts.cniBridge, advertiseAddress: nodeIP },
        { registry: runtime.kind === 'containerd', joined: { server } },
      );
      const caFile = path.join(paths.dir, 'pki', 'ca.crt');
      let caPem: string;
      if (token) {
        report.print(`Discovering the cluster at ${server} with token ${token.id}...`);
        caPem = (await discoverCluster({ server, token, caCertHashes: opts.caCertHashes, unsafeSkipCAVerification: opts.unsafeSkipCAVerification })).caPem;
      } else if (fs.existsSync(caFile)) {
        caPem = fs.readFileSync(caFile, 'utf8');
      } else {
        throw new Error('give --token (skiff token create --print-join-command on the control plane prints the whole command)');
      }
      writeSettings(paths, settings);
      const access = await prepareNodeCredentials(paths, { server, caPem, nodeName: settings.nodeName, nodeIP, token, onWaiting: (note) => report.print(note) });
      const client = new HttpKubeClient(loadClientConfig({ kubeconfigPath: access.kubeconfig('kubelet') }), { requestTimeoutMs: 5000, userAgent: 'skiff-join' });
      status.apiServer = server;
      status.node = { name: settings.nodeName, runtime: runtime.kind };
      const env = { ...process.env, SKIFF_LOG_FORMAT: process.env.SKIFF_LOG_FORMAT || 'text' };
      const specs = nodeSpecs({ paths, settings, access, admin: client, env }, runtime.kind);
      return {
        specs,
        start: (sup) => {
          report.print(`Starting node ${settings.nodeName} (${nodeIP}) in ${paths.dir}`);
          return startNodeComponents(sup, specs, settings, report);
        },
        ready: () => report.joined({ paths, nodeName: settings.nodeName, runtime, apiServer: server, detached: opts.detached ?? false }),
        close: () => client.close(),
      };
    },
  };
}
