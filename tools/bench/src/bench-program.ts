import { startControlPlane, type TestControlPlane } from '@skiff/testing';
import { UsageError } from './options';

export type Progress = (line: string) => void;

export interface BenchProgram<O extends { json: boolean }, R> {
  /** Parses argv; undefined means --help. Throws UsageError for a bad command line. */
  parse(argv: string[]): O | undefined;
  usage: string;
  /** Runs the benchmark on a control plane this program started (it adds its own processes to it). */
  run(cp: TestControlPlane, opts: O, progress: Progress): Promise<R>;
  render(result: R): string;
  /** On Ctrl-C or SIGTERM, before the control plane stops: remove what `run` started beyond it (e.g. a node). */
  interrupted?(): Promise<void>;
}

/**
 * The shell every control-plane benchmark shares: parse flags (exit 2 on a bad line), start etcd and the apiserver
 * on loopback ports, run, print a table or JSON, and stop everything by PID whatever happens, Ctrl-C included.
 */
export async function runBenchProgram<O extends { json: boolean }, R>(program: BenchProgram<O, R>): Promise<number> {
  const progress: Progress = (line) => process.stderr.write(`skiff-bench: ${line}\n`);
  let opts: O | undefined;
  try {
    opts = program.parse(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`skiff-bench: ${e.message}\n`);
    return 2;
  }
  if (!opts) {
    process.stdout.write(`${program.usage}\n`);
    return 0;
  }
  let cp: TestControlPlane | undefined;
  const stop = async () => {
    const c = cp;
    cp = undefined;
    await c?.stop();
  };
  let interrupted = false;
  const interrupt = async () => {
    interrupted = true;
    await program.interrupted?.().catch((e: Error) => progress(`cleaning up: ${e.message}`));
    await stop();
  };
  process.on('SIGINT', () => void interrupt().finally(() => process.exit(130)));
  process.on('SIGTERM', () => void interrupt().finally(() => process.exit(130)));
  try {
    progress('starting etcd and skiff-apiserver on loopback ports');
    cp = await startControlPlane();
    const result = await program.run(cp, opts, progress);
    // A run cut short by Ctrl-C may still return; what it measured by then is not a result.
    if (interrupted) return 130;
    process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${program.render(result)}\n`);
    return 0;
  } catch (e) {
    progress(`failed: ${(e as Error).message}`);
    return 1;
  } finally {
    await stop();
  }
}

/** Runs a benchmark program as the process's whole job and exits with its code. */
export function benchMain<O extends { json: boolean }, R>(program: BenchProgram<O, R>): void {
  void runBenchProgram(program).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`skiff-bench: ${String(e)}\n`);
      process.exit(1);
    },
  );
}
