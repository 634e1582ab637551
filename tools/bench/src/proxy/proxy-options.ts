import { benchCommandFlags, integer, UsageError } from '../options';

export interface ProxyBenchOptions {
  services: number;
  endpointsPerService: number;
  /** Timed repetitions of each render and of each re-apply. */
  runs: number;
  /** Skip the full sync through the Proxier against the real apiserver. */
  skipSync: boolean;
  /** The Proxier's --min-sync-period in the full sync. */
  minSyncPeriodMs: number;
  /** EndpointSlice changes timed one by one after the full sync. */
  changes: number;
  /** How long each DNS load (service names, then unknown names) runs. */
  dnsSeconds: number;
  /** DNS queries kept in flight. */
  dnsConcurrency: number;
  json: boolean;
  timeoutSeconds: number;
}

export const proxyUsage = `usage: skiff-bench proxy [--services 1000] [--endpoints 10] [--runs 5] [--min-sync-period-ms 1000] [--changes 5] [--skip-sync]
                         [--dns-seconds 5] [--dns-concurrency 32] [--json] [--timeout-seconds 600]

Runs as root. Rules: renders the proxy's iptables rules for --services Services of --endpoints ready endpoints each
(renderRules, in this process), then applies them with iptables-legacy-restore inside a network namespace it creates
and removes (the host's tables are never touched): the first apply, unchanged re-applies, re-applies after one
endpoint change, and removing every Service. Full sync: starts etcd and skiff-apiserver, runs the Proxier against them
with its rules going to that namespace, writes the Services and their EndpointSlices and times the last write → the
rules for every endpoint applied, then --changes single EndpointSlice updates → applied. DNS: a ClusterDnsServer on
127.0.0.1 (in a worker thread) holding the same Services answers A queries for their names, then for unknown names
(NXDOMAIN), for --dns-seconds each with --dns-concurrency queries in flight; nothing is forwarded off the machine.`;

/** Parses `skiff-bench proxy [flags]`; undefined when help was asked for. */
export function parseProxyBenchArgs(argv: readonly string[]): ProxyBenchOptions | undefined {
  const values = benchCommandFlags(argv, 'proxy', {
    services: { type: 'string' },
    endpoints: { type: 'string' },
    runs: { type: 'string' },
    'min-sync-period-ms': { type: 'string' },
    changes: { type: 'string' },
    'skip-sync': { type: 'boolean', default: false },
    'dns-seconds': { type: 'string' },
    'dns-concurrency': { type: 'string' },
    json: { type: 'boolean', default: false },
    'timeout-seconds': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (!values) return undefined;
  const services = integer('services', values.services, 1000, 1, 20_000);
  const endpointsPerService = integer('endpoints', values.endpoints, 10, 1, 100);
  // Endpoint addresses come from one /16 (10.250.0.0/16), past its first 256.
  if (services * endpointsPerService > 65_000) throw new UsageError(`--services × --endpoints must be at most 65000, got ${services * endpointsPerService}`);
  return {
    services,
    endpointsPerService,
    runs: integer('runs', values.runs, 5, 1, 100),
    skipSync: values['skip-sync'] ?? false,
    minSyncPeriodMs: integer('min-sync-period-ms', values['min-sync-period-ms'], 1000, 0, 60_000),
    changes: integer('changes', values.changes, 5, 0, 100),
    dnsSeconds: integer('dns-seconds', values['dns-seconds'], 5, 1, 600),
    dnsConcurrency: integer('dns-concurrency', values['dns-concurrency'], 32, 1, 4096),
    json: values.json ?? false,
    timeoutSeconds: integer('timeout-seconds', values['timeout-seconds'], 600, 30, 3600),
  };
}
