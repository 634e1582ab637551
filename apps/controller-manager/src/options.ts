import { Command, InvalidArgumentError } from 'commander';

export interface ControllerManagerOptions {
  kubeconfig?: string;
  /** The `--controllers` entries as given: `*`, `name`, `-name`. */
  controllers: string[];
  leaderElect: boolean;
  leaderElectResourceName: string;
  leaderElectResourceNamespace: string;
  nodeMonitorGracePeriodMs: number;
  clusterCIDR: string;
  /** Workers per controller; undefined keeps each controller's default. */
  concurrentWorkers?: number;
  bindAddress: string;
  /** Port for /healthz and /metrics; 0 picks a free one. */
  port: number;
  verbosity: number;
}

/** A bad command line; the program prints the message on one line and exits 2. */
export class UsageError extends Error {}

function port(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535) throw new InvalidArgumentError('must be a port number between 0 and 65535 (0 picks a free one)');
  return n;
}

function bool(v: string): boolean {
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new InvalidArgumentError('must be true or false');
}

function wholeNumber(min: number) {
  return (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < min) throw new InvalidArgumentError(`must be a whole number of at least ${min}`);
    return Number(v);
  };
}

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go-style durations as Kubernetes flags take them: `40s`, `1m30s`, `500ms`. */
export function parseDuration(v: string): number {
  const parts = [...v.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== v) throw new InvalidArgumentError('must be a duration such as 40s, 1m30s or 500ms');
  return parts.reduce((total, p) => total + Number(p[1]) * durationUnits[p[2]], 0);
}

function cidr(v: string): string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(v);
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) throw new InvalidArgumentError('must be an IPv4 CIDR such as 10.244.0.0/16');
  return v;
}

function list(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function controllerManagerCommand(): Command {
  return new Command('skiff-controller-manager')
    .description('The Skiff controller-manager: runs the controllers that drive the cluster toward its desired state')
    .option('--kubeconfig <path>', 'kubeconfig to reach the apiserver (default: KUBECONFIG, then ~/.kube/config)')
    .option('--controllers <list>', "controllers to run: '*' for all, 'name' to enable one, '-name' to disable one", list, ['*'])
    .option('--leader-elect [bool]', 'campaign for a Lease so that only one replica runs controllers', bool, false)
    .option('--leader-elect-resource-name <name>', 'name of the Lease used for leader election', 'skiff-controller-manager')
    .option('--leader-elect-resource-namespace <ns>', 'namespace of the Lease used for leader election', 'kube-system')
    .option('--node-monitor-grace-period <duration>', 'how long a node may miss heartbeats before it is marked Unknown', parseDuration, 40_000)
    .option('--cluster-cidr <cidr>', 'the pod network nodes get their pod CIDRs from', cidr, '10.244.0.0/16')
    .option('--concurrent-workers <n>', "workers per controller (default: each controller's own)", wholeNumber(1))
    .option('--bind-address <ip>', 'address for /healthz and /metrics', '127.0.0.1')
    .option('--port <port>', 'port for /healthz and /metrics (0 picks a free one)', port, 10257)
    .option('--v <level>', 'log verbosity: 0 info, 4+ debug', wholeNumber(0), 0)
    .showHelpAfterError(false)
    .allowExcessArguments(false);
}

/** Parses argv (without node and script); undefined when --help was printed. Throws UsageError otherwise. */
export function parseControllerManagerFlags(argv: readonly string[], out: (text: string) => void = (t) => process.stdout.write(t)): ControllerManagerOptions | undefined {
  const program = controllerManagerCommand();
  let errorText = '';
  program.exitOverride();
  program.configureOutput({ writeOut: out, writeErr: (t) => (errorText += t), outputError: (t) => (errorText += t) });
  try {
    program.parse([...argv], { from: 'user' });
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help') return undefined;
    throw new UsageError((errorText || err.message || String(e)).split('\n')[0].replace(/^error: /, ''));
  }
  const o = program.opts();
  return {
    kubeconfig: o.kubeconfig,
    controllers: o.controllers,
    leaderElect: o.leaderElect === true,
    leaderElectResourceName: o.leaderElectResourceName,
    leaderElectResourceNamespace: o.leaderElectResourceNamespace,
    nodeMonitorGracePeriodMs: o.nodeMonitorGracePeriod,
    clusterCIDR: o.clusterCidr,
    concurrentWorkers: o.concurrentWorkers,
    bindAddress: o.bindAddress,
    port: o.port,
    verbosity: o.v,
  };
}
