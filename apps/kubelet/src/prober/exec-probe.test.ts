import { FakeClock } from '@skiff/client';
import { CriError, type ExecSyncResponse } from '@skiff/cri';
import { runExecProbe, type ExecRunner } from './exec-probe';

function runner(answer: (containerId: string, cmd: string[], timeoutSeconds: number) => Promise<ExecSyncResponse>) {
  const calls: { containerId: string; cmd: string[]; timeoutSeconds: number }[] = [];
  const r: ExecRunner = {
    execSync: (containerId, cmd, timeoutSeconds) => {
      calls.push({ containerId, cmd, timeoutSeconds });
      return answer(containerId, cmd, timeoutSeconds);
    },
  };
  return { r, calls };
}

const reply = (exitCode: number, stdout = '', stderr = ''): Promise<ExecSyncResponse> =>
  Promise.resolve({ exitCode, stdout: Buffer.from(stdout), stderr: Buffer.from(stderr) });

describe('exec probe', () => {
  const clock = new FakeClock();

  it('passes the command, container and timeout to the runtime; exit 0 is success with the output', async () => {
    const { r, calls } = runner(() => reply(0, 'ok\n'));
    await expect(runExecProbe(r, 'c1', ['cat', '/tmp/healthy'], 3, clock)).resolves.toEqual({ result: 'success', output: 'ok\n' });
    expect(calls).toEqual([{ containerId: 'c1', cmd: ['cat', '/tmp/healthy'], timeoutSeconds: 3 }]);
  });

  it('a non-zero exit is failure carrying stdout then stderr', async () => {
    const { r } = runner(() => reply(1, 'out ', 'cat: /tmp/healthy: No such file or directory\n'));
    await expect(runExecProbe(r, 'c1', ['cat', '/tmp/healthy'], 1, clock)).resolves.toEqual({
      result: 'failure',
      output: 'out cat: /tmp/healthy: No such file or directory\n',
    });
  });

  it('DEADLINE_EXCEEDED from the runtime is a failure saying the command timed out', async () => {
    const { r } = runner(() => Promise.reject(new CriError('DEADLINE_EXCEEDED', 'context deadline exceeded')));
    await expect(runExecProbe(r, 'c1', ['sleep', '5'], 1, clock)).resolves.toEqual({ result: 'failure', output: 'command "sleep 5" timed out' });
  });

  it('a runtime that never answers fails the probe when the timeout passes on the clock', async () => {
    const fake = new FakeClock();
    const { r } = runner(() => new Promise(() => undefined));
    let settled: unknown;
    void runExecProbe(r, 'c1', ['sleep', '100'], 2, fake).then((o) => (settled = o));
    await fake.advance(1999);
    expect(settled).toBeUndefined();
    await fake.advance(1);
    expect(settled).toEqual({ result: 'failure', output: 'command "sleep 100" timed out' });
  });

  it('other runtime errors mean the probe could not run (unknown), worded as gRPC errors', async () => {
    const { r } = runner(() => Promise.reject(new CriError('NOT_FOUND', 'container "c9" not found')));
    await expect(runExecProbe(r, 'c9', ['true'], 1, clock)).resolves.toEqual({
      result: 'unknown',
      output: 'rpc error: code = NotFound desc = container "c9" not found',
    });
  });

  it('keeps at most 10 KiB of output', async () => {
    const { r } = runner(() => reply(1, 'x'.repeat(8000), 'y'.repeat(8000)));
    const outcome = await runExecProbe(r, 'c1', ['big'], 1, clock);
    expect(outcome.output).toHaveLength(10240);
    expect(outcome.output.endsWith('y')).toBe(true);
  });

  it('an empty command is an error, not a call', async () => {
    const { r, calls } = runner(() => reply(0));
    await expect(runExecProbe(r, 'c1', [], 1, clock)).resolves.toEqual({ result: 'unknown', output: 'exec probe has no command' });
    expect(calls).toHaveLength(0);
  });
});
