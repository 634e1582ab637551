import fs from 'node:fs';
import path from 'node:path';
import type { ClusterPaths } from './cluster-paths';
import type { ControlPlaneMember } from './control-plane-members';

/** What the load balancer in front of `skiff up --ha`'s apiservers needs: where it listens and where they are. */
export interface ApiserverFrontConfig {
  /** The one port clients dial (the cluster's apiPort), on every address as a single apiserver would bind. */
  port: number;
  /** Each apiserver: on this machine's loopback, or on another machine's `host`. */
  members: readonly Pick<ControlPlaneMember, 'suffix' | 'apiPort' | 'host'>[];
}

/**
 * HAProxy's configuration: TCP passthrough (TLS ends at the apiservers, so client certificates still reach them),
 * round robin over the apiservers whose /readyz answers 200, checked every second over TLS. A connection to a member
 * that died before its check noticed is retried on another, so clients see no error. Idle timeouts are long because
 * watches stay quiet for minutes.
 */
export function haproxyConfig(c: ApiserverFrontConfig): string {
  return [
    '# Written by skiff up --ha: one address in front of the control plane members\' apiservers.',
    // Run with -db, it writes its warnings (a member going down or up) to stderr: the component's log.
    'global',
    '  maxconn 4096',
    '',
    'defaults',
    '  mode tcp',
    '  timeout connect 2s',
    '  timeout client 1h',
    '  timeout server 1h',
    // Every retry of a refused connection goes to another member, without waiting for the health check.
    '  retries 2',
    '  option redispatch 1',
    '',
    'frontend apiserver',
    `  bind :${c.port}`,
    '  default_backend apiservers',
    '',
    'backend apiservers',
    '  balance roundrobin',
    '  option httpchk GET /readyz',
    '  http-check expect status 200',
    '  default-server check check-ssl verify none inter 1s fall 2 rise 2',
    ...c.members.map((m) => `  server apiserver${m.suffix} ${m.host ?? '127.0.0.1'}:${m.apiPort}`),
    '',
  ].join('\n');
}

/** Writes the configuration into the data directory; returns its path. */
export function writeHaproxyConfig(paths: ClusterPaths, c: ApiserverFrontConfig): string {
  fs.mkdirSync(paths.apiserverFrontDir, { recursive: true });
  const file = path.join(paths.apiserverFrontDir, 'haproxy.cfg');
  fs.writeFileSync(file, haproxyConfig(c));
  return file;
}
