import { startControlPlane, type TestControlPlane } from '@skiff/testing';
import { parseBenchArgs, usage, UsageError, type BenchOptions } from './options';
import { renderTable } from './report-table';
import { runApiserverBench, type BenchTarget } from './run-apiserver-bench';

const progress = (line: string) => process.stderr.write(`skiff-bench: ${line}\n`);

/**
 * Owns the control plane the benchmark starts: whatever happens (success, error, Ctrl-C), its etcd and
 * apiserver are stopped by PID before the process exits.
 */
class OwnControlPlane {
  private starting?: Promise<TestControlPlane | undefined>;
  private stopping?: Promise<void>;

  start(): Promise<TestControlPlane> {
    const started = startControlPlane();
    this.starting = started.catch(() => undefined);
    return started;
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const cp = await this.starting;
      await cp?.stop();
    })();
    return this.stopping;
  }
}

async function run(opts: BenchOptions, own: OwnControlPlane): Promise<void> {
  let target: BenchTarget;
  if (opts.server) {
    target = { url: opts.server, pid: opts.apiserverPid, startedByBenchmark: false };
  } else {
    progress('starting etcd and skiff-apiserver on loopback ports');
    const cp = await own.start();
    target = { url: new URL(cp.apiserver.url), pid: cp.apiserver.pid, etcdPid: cp.etcd.pid, startedByBenchmark: true };
  }
  const result = await runApiserverBench(target, {
    pods: opts.pods,
    concurrency: opts.concurrency,
    warmup: opts.warmup,
    timeoutSeconds: opts.timeoutSeconds,
    cleanUp: !target.startedByBenchmark,
    progress,
  });
  process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${renderTable(result)}\n`);
}

async function main(): Promise<number> {
  let opts: BenchOptions | undefined;
  try {
    opts = parseBenchArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`skiff-bench: ${e.message}\n`);
    return 2;
  }
  if (!opts) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }

  const own = new OwnControlPlane();
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    // A second Ctrl-C does not wait; the test kit still SIGKILLs its children as the process exits.
    if (interrupted) process.exit(130);
    interrupted = true;
    progress(`${signal}: stopping the control plane`);
    void own.stop().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    await run(opts, own);
    return 0;
  } catch (e) {
    progress(`failed: ${(e as Error).message}`);
    return 1;
  } finally {
    await own.stop();
  }
}

void main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`skiff-bench: ${String(e)}\n`);
    process.exit(1);
  },
);
