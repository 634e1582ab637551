import type { ReportedLatency } from '../bench-result';

/** renderRules for the whole rule set, in this process. */
export interface RenderResult {
  latencyMs: ReportedLatency;
  /** Size of the iptables-restore input. */
  restoreBytes: number;
  natRules: number;
  filterRules: number;
  natChains: number;
}

/** iptables-legacy-restore --noflush of the rendered text, inside the benchmark's network namespace. */
export interface ApplyResult {
  /** Base chains and the jumps into them (iptables-legacy, one command each). */
  baseRulesMs: number | null;
  /** The first restore, which creates every chain. */
  firstApplyMs: number | null;
  /** The same text again, as a periodic full sync does. */
  reapplyMs: ReportedLatency;
  /** A fresh render after one endpoint of one Service changed, and its restore (the proxy always restores the whole text). */
  oneChangeMs: ReportedLatency;
  /** Flushing and deleting every per-service chain in one restore. */
  removeAllMs: number | null;
}

/** The Proxier (informers on the real apiserver, coalescing sync loop) applying into the namespace. */
export interface SyncResult {
  minSyncPeriodMs: number;
  /** Services and EndpointSlices written, and how long the writes took. */
  objects: number;
  writeSeconds: number | null;
  /** The last write's response → the end of the first restore holding every endpoint's rule. */
  lastWriteToAppliedMs: number | null;
  /** Restores from the first write to the complete rule set. */
  syncsWhileWriting: number;
  /** The restore that completed the rule set. */
  finalRestoreMs: number | null;
  /** The Proxier's own sync time (render + restore), mean over every sync of the run. */
  meanSyncMs: number | null;
  /** One EndpointSlice update's response → the restore holding its new endpoint; each sent once the proxy has been quiet for its min-sync-period. */
  oneChangeToAppliedMs: ReportedLatency;
}

/** One DNS load: measureDnsQps against the server, and what the server says it answered. */
export interface DnsLoad {
  names: number;
  qps: number | null;
  answered: number;
  failed: number;
  timedOut: number;
  p50Ms: number | null;
  p99Ms: number | null;
  /** The server's skiff_dns_queries_total by result over the load. */
  serverResults: Record<string, number>;
}

export interface DnsResult {
  servicesLoaded: number;
  concurrency: number;
  seconds: number;
  /** A queries for `<service>.default.svc.cluster.local`. */
  serviceNames: DnsLoad;
  /** A queries for unknown names in the cluster domain (NXDOMAIN). */
  unknownNames: DnsLoad;
}

/** Everything one proxy run measured; `--json` prints exactly this. */
export interface ProxyBenchResult {
  benchmark: 'proxy';
  services: number;
  endpointsPerService: number;
  runs: number;
  render: RenderResult;
  apply: ApplyResult;
  /** null with --skip-sync. */
  sync: SyncResult | null;
  dns: DnsResult;
  environment: { node: string; platform: string; cpus: number; iptables: string };
}
