import type { Clock } from '@skiff/client';
import { CriError, type RuntimeService } from '@skiff/cri';
import { rpcErrorText } from './network-error';
import { failure, maxProbeOutputBytes, success, unknown, type ProbeOutcome } from './probe-outcome';
import { withDeadline } from './with-deadline';

/** The one runtime call an exec probe needs; the CRI client and the in-memory runtime both provide it. */
export type ExecRunner = Pick<RuntimeService, 'execSync'>;

/**
 * Runs `command` in the container through the runtime's ExecSync: exit code 0 is success, any other exit code is
 * failure with the command's output. A DEADLINE_EXCEEDED from the runtime, or no answer within the timeout, is a
 * failure that says the command timed out; any other runtime error means the probe could not run (`unknown`).
 */
export function runExecProbe(runner: ExecRunner, containerId: string, command: string[], timeoutSeconds: number, clock: Clock): Promise<ProbeOutcome> {
  const timedOut = () => failure(`command ${goQuote(command.join(' '))} timed out`);
  if (command.length === 0) return Promise.resolve(unknown('exec probe has no command'));
  return withDeadline(
    clock,
    timeoutSeconds * 1000,
    async () => {
      try {
        const res = await runner.execSync(containerId, command, timeoutSeconds);
        const output = combinedOutput(res.stdout, res.stderr);
        return res.exitCode === 0 ? success(output) : failure(output);
      } catch (e) {
        if (e instanceof CriError && e.code === 'DEADLINE_EXCEEDED') return timedOut();
        return unknown(describeRuntimeError(e));
      }
    },
    timedOut,
  );
}

function combinedOutput(stdout: Buffer | undefined, stderr: Buffer | undefined): string {
  const all = Buffer.concat([stdout ?? Buffer.alloc(0), stderr ?? Buffer.alloc(0)]);
  return all.subarray(0, maxProbeOutputBytes).toString('utf8');
}

/** Runtime errors read as the kubelet prints gRPC errors: `rpc error: code = NotFound desc = ...`. */
export function describeRuntimeError(e: unknown): string {
  if (e instanceof CriError) return rpcErrorText(e.code, e.message);
  return e instanceof Error ? e.message : String(e);
}

/** Commands appear double-quoted in probe messages, with quotes and backslashes escaped. */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}
