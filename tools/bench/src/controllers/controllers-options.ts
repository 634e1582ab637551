import { benchCommandFlags, integer, UsageError } from '../options';

export interface ControllersBenchOptions {
  /** The Deployment is scaled from 0 to this many replicas. */
  replicas: number;
  /** The controller-manager's `--controllers` value. */
  controllers: string;
  json: boolean;
  timeoutSeconds: number;
}

export const controllersUsage = `usage: skiff-bench controllers [--replicas 1000] [--controllers '*'] [--json] [--timeout-seconds 300]

Starts etcd, skiff-apiserver and skiff-controller-manager on loopback ports, creates a Deployment with 0 replicas,
scales it to --replicas and reports the time until that many Pod objects exist (seen on a pod watch), pods/s, and
the CPU seconds each process spent; then scales back to 0 and reports the time until every pod is deleted.`;

/** Parses `skiff-bench controllers [flags]`; undefined when help was asked for. */
export function parseControllersBenchArgs(argv: readonly string[]): ControllersBenchOptions | undefined {
  const values = benchCommandFlags(argv, 'controllers', {
    replicas: { type: 'string' },
    controllers: { type: 'string' },
    json: { type: 'boolean', default: false },
    'timeout-seconds': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (!values) return undefined;
  const controllers = values.controllers ?? '*';
  if (!/^[-*a-z,]+$/.test(controllers)) throw new UsageError(`--controllers must be a list such as '*' or 'deployment,replicaset', got "${controllers}"`);
  return {
    replicas: integer('replicas', values.replicas, 1000, 1, 100_000),
    controllers,
    json: values.json ?? false,
    timeoutSeconds: integer('timeout-seconds', values['timeout-seconds'], 300, 10, 3600),
  };
}
