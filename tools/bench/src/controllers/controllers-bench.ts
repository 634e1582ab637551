import { startControlPlane, type TestControlPlane } from '@skiff/testing';
import { UsageError } from '../options';
import { controllersUsage, parseControllersBenchArgs } from './controllers-options';
import { renderControllersTable } from './controllers-report';
import { runControllersBench } from './run-controllers-bench';

const progress = (line: string) => process.stderr.write(`skiff-bench: ${line}\n`);

/** `skiff-bench controllers`: owns its etcd, apiserver and controller-manager and stops them by PID whatever happens. */
async function main(): Promise<number> {
  let opts;
  try {
    opts = parseControllersBenchArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`skiff-bench: ${e.message}\n`);
    return 2;
  }
  if (!opts) {
    process.stdout.write(`${controllersUsage}\n`);
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
    const result = await runControllersBench(cp, opts, progress);
    process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${renderControllersTable(result)}\n`);
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
