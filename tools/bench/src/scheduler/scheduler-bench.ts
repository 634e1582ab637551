import { startControlPlane, type TestControlPlane } from '@skiff/testing';
import { UsageError } from '../options';
import { runSchedulerBench } from './run-scheduler-bench';
import { parseSchedulerBenchArgs, schedulerUsage } from './scheduler-options';
import { renderSchedulerTable } from './scheduler-report';

const progress = (line: string) => process.stderr.write(`skiff-bench: ${line}\n`);

/** `skiff-bench scheduler`: owns its etcd, apiserver and scheduler and stops them by PID whatever happens. */
async function main(): Promise<number> {
  let opts;
  try {
    opts = parseSchedulerBenchArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`skiff-bench: ${e.message}\n`);
    return 2;
  }
  if (!opts) {
    process.stdout.write(`${schedulerUsage}\n`);
    return 0;
  }
  let cp: TestControlPlane | undefined;
  const stop = async () => {
    const c = cp;
    cp = undefined;
    await c?.stop();
  };
  process.on('SIGINT', () => void stop().finally(() => process.exit(130)));
  process.on('SIGTERM', () => void stop().finally(() => process.exit(130)));
  try {
    progress('starting etcd and skiff-apiserver on loopback ports');
    cp = await startControlPlane();
    const result = await runSchedulerBench(
      { url: new URL(cp.apiserver.url), apiserverPid: cp.apiserver.pid, etcdPid: cp.etcd.pid, etcdEndpoint: cp.etcd.endpoint },
      opts,
      progress,
    );
    process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${renderSchedulerTable(result)}\n`);
    return 0;
  } catch (e) {
    progress(`failed: ${(e as Error).message}`);
    return 1;
  } finally {
    await stop();
  }
}

void main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`skiff-bench: ${String(e)}\n`);
    process.exit(1);
  },
);
