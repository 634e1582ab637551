import { Command, InvalidArgumentError } from 'commander';

export interface SchedulerOptions {
  kubeconfig?: string;
  leaderElect: boolean;
  leaderElectResourceName: string;
  leaderElectResourceNamespace: string;
  schedulerName: string;
  percentageOfNodesToScore: number;
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

function percentage(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 100) throw new InvalidArgumentError('must be a whole number from 0 to 100 (0 adapts it to the cluster size)');
  return n;
}

function bool(v: string): boolean {
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new InvalidArgumentError('must be true or false');
}

function verbosity(v: string): number {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('must be a whole number (0 info, 4 and above debug)');
  return Number(v);
}

function dnsName(what: string) {
  return (v: string): string => {
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(v) || v.length > 253) throw new InvalidArgumentError(`must be a valid ${what} (lowercase letters, digits, '-' and '.')`);
    return v;
  };
}

export function schedulerCommand(): Command {
  return new Command('skiff-scheduler')
    .description('The Skiff scheduler: assigns pending pods to nodes (Kubernetes scheduling framework semantics)')
    .option('--kubeconfig <path>', 'kubeconfig to reach the apiserver (default: KUBECONFIG, then ~/.kube/config)')
    .option('--leader-elect [bool]', 'campaign for a Lease so that only one replica schedules', bool, false)
    .option('--leader-elect-resource-name <name>', 'name of the Lease used for leader election', dnsName('lease name'), 'kube-scheduler')
    .option('--leader-elect-resource-namespace <ns>', 'namespace of the Lease used for leader election', dnsName('namespace'), 'kube-system')
    .option('--scheduler-name <name>', 'schedule pods whose spec.schedulerName is this', dnsName('scheduler name'), 'default-scheduler')
    .option('--percentage-of-nodes-to-score <n>', 'stop filtering once this percentage of nodes fit (0 adapts to the cluster size)', percentage, 0)
    .option('--bind-address <ip>', 'address for /healthz and /metrics', '127.0.0.1')
    .option('--port <port>', 'port for /healthz and /metrics (0 picks a free one)', port, 10251)
    .option('--v <level>', 'log verbosity: 0 info, 4+ debug', verbosity, 0)
    .showHelpAfterError(false)
    .allowExcessArguments(false);
}

/** Parses argv (without node and script); undefined when --help was printed. Throws UsageError otherwise. */
export function parseSchedulerFlags(argv: readonly string[], out: (text: string) => void = (t) => process.stdout.write(t)): SchedulerOptions | undefined {
  const program = schedulerCommand();
  let errorText = '';
  program.exitOverride();
  program.configureOutput({ writeOut: out, writeErr: (t) => (errorText += t), outputError: (t) => (errorText += t) });
  try {
    program.parse([...argv], { from: 'user' });
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help') return undefined;
    const line = (errorText || err.message || String(e)).split('\n')[0].replace(/^error: /, '');
    throw new UsageError(line);
  }
  const o = program.opts();
  return {
    kubeconfig: o.kubeconfig,
    leaderElect: o.leaderElect === true,
    leaderElectResourceName: o.leaderElectResourceName,
    leaderElectResourceNamespace: o.leaderElectResourceNamespace,
    schedulerName: o.schedulerName,
    percentageOfNodesToScore: o.percentageOfNodesToScore,
    bindAddress: o.bindAddress,
    port: o.port,
    verbosity: o.v,
  };
}
