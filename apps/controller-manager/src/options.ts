import { Command, InvalidArgumentError } from 'commander';
import { addClientProgramFlags, durationFlag, parseProgramFlags, UsageError, wholeNumberFlag, type ClientProgramOptions } from '@skiff/client';

export { UsageError };

export interface ControllerManagerOptions extends ClientProgramOptions {
  /** The `--controllers` entries as given: `*`, `name`, `-name`. */
  controllers: string[];
  nodeMonitorGracePeriodMs: number;
  clusterCIDR: string;
  /** Workers per controller; undefined keeps each controller's default. */
  concurrentWorkers?: number;
  /** PEM bundle the root CA publisher puts in every namespace; without it that controller is off. */
  rootCAFile?: string;
  /** The CA csrsigning signs with (PEM certificate and key); without them that controller is off. */
  clusterSigningCertFile?: string;
  clusterSigningKeyFile?: string;
  /** The longest certificate csrsigning issues. */
  clusterSigningDurationMs: number;
}

/** Go-style durations as Kubernetes flags take them: `40s`, `1m30s`, `500ms`. */
export const parseDuration = durationFlag;

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

function nonEmpty(v: string): string {
  if (!v) throw new InvalidArgumentError('must not be empty');
  return v;
}

export function controllerManagerCommand(): Command {
  const cmd = new Command('skiff-controller-manager')
    .description('The Skiff controller-manager: runs the controllers that drive the cluster toward its desired state')
    .option('--controllers <list>', "controllers to run: '*' for all, 'name' to enable one, '-name' to disable one", list, ['*'])
    .option('--node-monitor-grace-period <duration>', 'how long a node may miss heartbeats before it is marked Unknown', durationFlag, 40_000)
    .option('--cluster-cidr <cidr>', 'the pod network nodes get their pod CIDRs from', cidr, '10.244.0.0/16')
    .option('--concurrent-workers <n>', "workers per controller (default: each controller's own)", wholeNumberFlag(1))
    .option('--root-ca-file <path>', 'the cluster CA bundle (PEM) published to every namespace as the kube-root-ca.crt ConfigMap', nonEmpty)
    .option('--cluster-signing-cert-file <path>', 'PEM CA certificate csrsigning issues cluster-scoped certificates with', nonEmpty)
    .option('--cluster-signing-key-file <path>', 'PEM private key of --cluster-signing-cert-file', nonEmpty)
    .option('--cluster-signing-duration <duration>', 'the longest certificate csrsigning issues; requests may ask for less', durationFlag, 8760 * 3600_000);
  return addClientProgramFlags(cmd, { what: 'runs controllers', leaseName: 'skiff-controller-manager', port: 10257 });
}

/** Parses argv (without node and script); undefined when --help was printed. Throws UsageError otherwise. */
export function parseControllerManagerFlags(argv: readonly string[], out?: (text: string) => void): ControllerManagerOptions | undefined {
  const parsed = parseProgramFlags(controllerManagerCommand(), argv, out);
  if (!parsed) return undefined;
  const o = parsed.opts;
  return {
    ...parsed.common,
    controllers: o.controllers,
    nodeMonitorGracePeriodMs: o.nodeMonitorGracePeriod,
    clusterCIDR: o.clusterCidr,
    concurrentWorkers: o.concurrentWorkers,
    rootCAFile: o.rootCaFile,
    clusterSigningCertFile: o.clusterSigningCertFile,
    clusterSigningKeyFile: o.clusterSigningKeyFile,
    clusterSigningDurationMs: o.clusterSigningDuration,
  };
}
