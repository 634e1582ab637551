import { Command, InvalidArgumentError } from 'commander';

/**
 * Command-line handling shared by the programs that talk to the apiserver (scheduler, controller-manager):
 * value parsers that reject bad input with one readable line, the flags every such program has, and a parse
 * step that turns any commander error into a UsageError (the program prints it and exits 2).
 */

/** A bad command line; the program prints the message on one line and exits 2. */
export class UsageError extends Error {}

export function portFlag(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535) throw new InvalidArgumentError('must be a port number between 0 and 65535 (0 picks a free one)');
  return n;
}

export function boolFlag(v: string): boolean {
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new InvalidArgumentError('must be true or false');
}

export function wholeNumberFlag(min: number) {
  return (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < min) throw new InvalidArgumentError(`must be a whole number of at least ${min}`);
    return Number(v);
  };
}

export function verbosityFlag(v: string): number {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('must be a whole number (0 info, 4 and above debug)');
  return Number(v);
}

export function isIPv4(v: string): boolean {
  return /^(\d{1,3})(\.\d{1,3}){3}$/.test(v) && v.split('.').every((p) => Number(p) <= 255);
}

export function ipv4Flag(v: string): string {
  if (!isIPv4(v)) throw new InvalidArgumentError('must be an IPv4 address');
  return v;
}

export function dnsNameFlag(what: string) {
  return (v: string): string => {
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(v) || v.length > 253) throw new InvalidArgumentError(`must be a valid ${what} (lowercase letters, digits, '-' and '.')`);
    return v;
  };
}

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go-style durations as Kubernetes flags take them: `40s`, `1m30s`, `500ms`; returns milliseconds. */
export function durationFlag(v: string): number {
  const parts = [...v.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== v) throw new InvalidArgumentError('must be a duration such as 40s, 1m30s or 500ms');
  return parts.reduce((total, p) => total + Number(p[1]) * durationUnits[p[2]], 0);
}

/** The flags every apiserver client program has: kubeconfig, leader election, the health port, verbosity. */
export function addClientProgramFlags(cmd: Command, defaults: { what: string; leaseName: string; port: number }): Command {
  return cmd
    .option('--kubeconfig <path>', 'kubeconfig to reach the apiserver (default: KUBECONFIG, then ~/.kube/config)')
    .option('--leader-elect [bool]', `campaign for a Lease so that only one replica ${defaults.what}`, boolFlag, false)
    .option('--leader-elect-resource-name <name>', 'name of the Lease used for leader election', dnsNameFlag('lease name'), defaults.leaseName)
    .option('--leader-elect-resource-namespace <ns>', 'namespace of the Lease used for leader election', dnsNameFlag('namespace'), 'kube-system')
    .option('--leader-elect-lease-duration <duration>', 'how long a follower waits after the last renewal before taking over (whole seconds)', durationFlag, 15_000)
    .option('--leader-elect-renew-deadline <duration>', 'how long the leader keeps trying to renew before it gives up leading', durationFlag, 10_000)
    .option('--leader-elect-retry-period <duration>', 'time between attempts to acquire or renew the Lease', durationFlag, 2_000)
    .option('--bind-address <ip>', 'address for /healthz and /metrics', '127.0.0.1')
    .option('--port <port>', 'port for /healthz and /metrics (0 picks a free one)', portFlag, defaults.port)
    .option('--v <level>', 'log verbosity: 0 info, 4+ debug', verbosityFlag, 0)
    .showHelpAfterError(false)
    .allowExcessArguments(false);
}

/** What addClientProgramFlags' flags parse to. */
export interface ClientProgramOptions {
  kubeconfig?: string;
  leaderElect: boolean;
  leaderElectResourceName: string;
  leaderElectResourceNamespace: string;
  leaderElectLeaseDurationMs: number;
  leaderElectRenewDeadlineMs: number;
  leaderElectRetryPeriodMs: number;
  bindAddress: string;
  /** Port for /healthz and /metrics; 0 picks a free one. */
  port: number;
  verbosity: number;
}

/**
 * Kubernetes' rules for the three leader-election times: the Lease holds whole seconds, the leader must give up
 * (renew deadline) before a follower may take over (lease duration), and retry at least once, with jitter, before that.
 */
function checkLeaderElectionTimes(leaseMs: number, renewMs: number, retryMs: number): void {
  if (leaseMs < 1000 || leaseMs % 1000 !== 0) throw new UsageError('--leader-elect-lease-duration must be a whole number of seconds, at least 1s');
  if (renewMs >= leaseMs) throw new UsageError('--leader-elect-lease-duration must be longer than --leader-elect-renew-deadline');
  if (retryMs <= 0 || renewMs <= retryMs * 1.2) throw new UsageError('--leader-elect-renew-deadline must be longer than 1.2 × --leader-elect-retry-period');
}

/**
 * Parses argv (without node and script) with `program`; returns its options and the common ones, or undefined when
 * --help was printed. Any error becomes a one-line UsageError.
 */
export function parseProgramFlags(
  program: Command,
  argv: readonly string[],
  out: (text: string) => void = (t) => process.stdout.write(t),
): { opts: Record<string, any>; common: ClientProgramOptions } | undefined {
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
  // Programs without addClientProgramFlags (kubelet, proxy) have no leader-election flags to check.
  if (o.leaderElectLeaseDuration !== undefined) checkLeaderElectionTimes(o.leaderElectLeaseDuration, o.leaderElectRenewDeadline, o.leaderElectRetryPeriod);
  return {
    opts: o,
    common: {
      kubeconfig: o.kubeconfig,
      leaderElect: o.leaderElect === true,
      leaderElectResourceName: o.leaderElectResourceName,
      leaderElectResourceNamespace: o.leaderElectResourceNamespace,
      leaderElectLeaseDurationMs: o.leaderElectLeaseDuration,
      leaderElectRenewDeadlineMs: o.leaderElectRenewDeadline,
      leaderElectRetryPeriodMs: o.leaderElectRetryPeriod,
      bindAddress: o.bindAddress,
      port: o.port,
      verbosity: o.v,
    },
  };
}

/** Ends a program the way every Skiff program ends on a fatal error: `<program>: <one line>` on stderr, then `code`. */
export function exitWithMessage(program: string, message: string, code: number): never {
  process.stderr.write(`${program}: ${message.split('\n')[0]}\n`);
  process.exit(code);
}

/**
 * A program's options from its command line: `parse` returns undefined once --help has been printed (exit 0) and
 * throws UsageError for a bad command line (one line, exit 2); other errors propagate.
 */
export function commandLineOptions<T>(program: string, parse: (argv: readonly string[]) => T | undefined, argv: readonly string[] = process.argv.slice(2)): T {
  let o: T | undefined;
  try {
    o = parse(argv);
  } catch (e) {
    if (e instanceof UsageError) exitWithMessage(program, e.message, 2);
    throw e;
  }
  if (o === undefined) process.exit(0);
  return o;
}
