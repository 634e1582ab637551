import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface BenchOptions {
  /** How many pods to create. */
  pods: number;
  /** Create requests kept in flight at once. */
  concurrency: number;
  /** Pods created and deleted before the measured creates, so that the server's JIT is warm (0: none). */
  warmup: number;
  /** An apiserver to use instead of starting etcd + apiserver; loopback only. */
  server?: URL;
  /** The PID of `server`, to read its RSS from /proc. */
  apiserverPid?: number;
  json: boolean;
  /** The whole run is abandoned after this long. */
  timeoutSeconds: number;
}

/** A bad command line: the entry prints the message on one line and exits 2. */
export class UsageError extends Error {}

export const usage = `usage: skiff-bench apiserver [--pods 2000] [--concurrency 32] [--warmup 1000] [--server http://127.0.0.1:PORT [--apiserver-pid PID]] [--json] [--timeout-seconds 300]

Creates pods, measures watch delivery and lists, and reports against the apiserver's performance goals.
--warmup N pods are first created and deleted with the same concurrency (reported as the cold rate); the goals
are judged on the measured creates that follow.
Without --server it starts its own etcd and skiff-apiserver on loopback ports and stops them at the end.`;

/** A whole-number flag within [min, max], or the fallback when absent; every benchmark's flags use it. */
export function integer(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

// The benchmark sends thousands of writes as fast as it can; it is for a local server only.
function loopbackServer(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--server must be a URL like http://127.0.0.1:8080, got "${raw}"`);
  }
  if (url.protocol !== 'http:') throw new UsageError(`--server must be a plain http:// URL, got "${raw}"`);
  if (!['127.0.0.1', 'localhost'].includes(url.hostname)) {
    throw new UsageError(`--server must be on 127.0.0.1 (the benchmark only sends traffic to loopback), got "${url.hostname}"`);
  }
  // "localhost" may resolve to ::1 first; the server is addressed by the one loopback address we promise.
  url.hostname = '127.0.0.1';
  return url;
}

/** Parses `skiff-bench [apiserver] [flags]`; returns undefined when help was asked for. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        pods: { type: 'string' },
        concurrency: { type: 'string' },
        warmup: { type: 'string' },
        server: { type: 'string' },
        'apiserver-pid': { type: 'string' },
        json: { type: 'boolean', default: false },
        'timeout-seconds': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
  const { values, positionals } = parsed;
  if (values.help) return undefined;
  const [command, ...extra] = positionals;
  if ((command !== undefined && command !== 'apiserver') || extra.length) {
    throw new UsageError(`unknown benchmark "${[command, ...extra].join(' ')}": there are "apiserver" and "scheduler"`);
  }
  const pods = integer('pods', values.pods, 2000, 1, 100_000);
  const concurrency = integer('concurrency', values.concurrency, 32, 1, 1024);
  const server = values.server === undefined ? undefined : loopbackServer(values.server);
  const pidRaw = values['apiserver-pid'];
  if (pidRaw !== undefined && !server) throw new UsageError('--apiserver-pid only makes sense with --server (an own apiserver is measured anyway)');
  return {
    pods,
    concurrency: Math.min(concurrency, pods),
    warmup: integer('warmup', values.warmup, 1000, 0, 100_000),
    server,
    apiserverPid: pidRaw === undefined ? undefined : integer('apiserver-pid', pidRaw, 0, 1, 2 ** 22),
    json: values.json ?? false,
    timeoutSeconds: integer('timeout-seconds', values['timeout-seconds'], 300, 10, 3600),
  };
}

type FlagValues<O extends NonNullable<ParseArgsConfig['options']>> = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; strict: true; options: O }>>['values'];

/**
 * The flags of `skiff-bench <command> [flags]`: undefined when --help was asked for; a bad flag or a different
 * command is a UsageError of one line. Every benchmark but the apiserver's (whose command may be left out) uses it.
 */
export function benchCommandFlags<O extends NonNullable<ParseArgsConfig['options']>>(argv: readonly string[], command: string, options: O): FlagValues<O> | undefined {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
  const { values, positionals } = parsed;
  if ((values as { help?: boolean }).help) return undefined;
  const [first, ...extra] = positionals;
  if (first !== command || extra.length) throw new UsageError(`expected "skiff-bench ${command} [flags]", got "${positionals.join(' ')}"`);
  return values;
}
